"""kashcorpus evaluate: score predictions against the gold annotations."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError, require_valid

LAYER_CHOICES = ("mention", "claim", "attribution", "zone", "link")


def register(sub) -> None:
    p = sub.add_parser("evaluate", help="score predictions against the gold annotations, layer by layer",
                       description="Validate predictions (annotation files in the corpus's record format) and score "
                                   "them against the gold annotations: mentions (exact/overlap P/R/F1 per type, "
                                   "linking accuracy, B³ and CEAF-e clustering), claims (span P/R/F1, attribute "
                                   "accuracy), attributions (per role and whole triples), zones (character accuracy) "
                                   "and cross-document links. Exit 0 when scored, 1 when the predictions are not "
                                   "valid (the validator's findings are printed), 2 on usage errors.",
                       epilog="Examples: kashcorpus evaluate annotations/gold  (every score 1.0); "
                              "kashcorpus evaluate dist/baselines/ner-gazetteer --layer mention; "
                              "kashcorpus evaluate my-run/kash-003.jsonl --format json")
    p.add_argument("predictions", help="a folder of <doc>.jsonl files (optionally with links.jsonl), "
                                       "a corpus checkout, or one annotation file")
    p.add_argument("--gold", help="corpus checkout holding the gold annotations; default: here, else the packaged corpus")
    p.add_argument("--layer", action="append", choices=LAYER_CHOICES,
                   help="layer to score (repeatable); default: the layers the predictions hold")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..evaluate import evaluate
    from ..evaluate.report import RENDERERS
    from ..layout import default_root

    gold = Path(args.gold) if args.gold else default_root()
    if not (gold / "corpus" / "documents.jsonl").is_file():
        raise UsageError(f"{str(gold)!r} has no corpus/documents.jsonl; give the folder that holds corpus/ and annotations/")
    require_valid(gold, True, "the scores")  # a gold folder of a shared task need not be a whole corpus: it warns
    predictions = Path(args.predictions)
    if not predictions.exists():
        raise UsageError(f"{args.predictions!r} does not exist; give a folder of <doc>.jsonl files or one annotation file")
    layers = list(dict.fromkeys(args.layer)) if args.layer else None
    ev = evaluate(predictions, gold, layers)
    sys.stdout.write(RENDERERS[args.format](ev))
    return 0 if ev.ok else 1

"""kashcorpus evaluate: score predictions against the gold annotations."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError

LAYER_CHOICES = ("mention", "claim", "attribution", "zone", "link", "sentence")


def register(sub) -> None:
    p = sub.add_parser("evaluate", help="score predictions against the gold annotations, layer by layer",
                       description="Validate predictions (annotation files in the corpus's record format) and score "
                                   "them against the gold annotations: mentions (exact/overlap P/R/F1 per type, "
                                   "linking accuracy, MUC, B³ and CEAF-e clustering), claims (span P/R/F1, attribute "
                                   "accuracy), attributions (per role and whole triples), zones (character accuracy) "
                                   "and cross-document links; a CheckThat! TSV (*.tsv) is scored on check-worthiness "
                                   "(the sentence layer: F1 of the Yes class). Exit 0 when scored, 1 when the "
                                   "predictions are not valid or none are found (the findings or what was looked for "
                                   "are printed), 2 on usage errors.",
                       epilog="Examples: kashcorpus evaluate annotations/gold  (every score 1.0); "
                              "kashcorpus evaluate dist/baselines/ner-gazetteer --layer mention; "
                              "kashcorpus evaluate my-run/checkworthy.tsv; "
                              "kashcorpus evaluate my-coref-run --own-clusters --layer mention; "
                              "kashcorpus evaluate my-run/kash-003.jsonl --format json")
    p.add_argument("predictions", help="a folder of <doc>.jsonl files (optionally with links.jsonl and the "
                                       "system's own entities.jsonl), a corpus checkout, one annotation file, or a "
                                       "CheckThat! TSV (*.tsv)")
    p.add_argument("--gold", help="corpus checkout holding the gold annotations; default: here, else the packaged corpus")
    p.add_argument("--layer", action="append", choices=LAYER_CHOICES,
                   help="layer to score (repeatable); default: the layers the predictions hold")
    p.add_argument("--own-clusters", action="store_true",
                   help="the mentions' entity values are the system's own cluster ids, not registry ids: scored "
                        "by MUC, B³ and CEAF-e over mentions matched by span, without linking accuracy")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..evaluate import evaluate
    from ..evaluate.report import RENDERERS
    from ..layout import default_root

    gold = Path(args.gold) if args.gold else default_root()
    if not (gold / "corpus" / "documents.jsonl").is_file():
        raise UsageError(f"{str(gold)!r} has no corpus/documents.jsonl; give the folder that holds corpus/ and annotations/")
    predictions = Path(args.predictions)
    if not predictions.exists():
        raise UsageError(f"{args.predictions!r} does not exist; give a folder of <doc>.jsonl files or one annotation file")
    layers = list(dict.fromkeys(args.layer)) if args.layer else None
    ev = evaluate(predictions, gold, layers, own_clusters=args.own_clusters)
    sys.stdout.write(RENDERERS[args.format](ev))
    return 0 if ev.ok else 1

"""kashcorpus agree: inter-annotator agreement between two annotation layers."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ._common import UsageError, add_force, layer_of, require_valid


def register(sub) -> None:
    p = sub.add_parser("agree", help="agreement between two annotation layers (gold and an independent pass)",
                       description="Compare two annotation layers on the documents both annotate: span precision, "
                                   "recall and F1 (exact and overlap) per layer, label agreement (accuracy, Cohen's "
                                   "kappa), Krippendorff's alpha on character (zones) and token (mentions) labels, "
                                   "attribution roles and triples, claim attributes, and every disagreement.",
                       epilog="Examples: kashcorpus agree; kashcorpus agree --b pass-annotator-c --format json; "
                              "kashcorpus agree --write docs/agreement.md; kashcorpus agree --write DATACARD.md")
    p.add_argument("path", nargs="?", help="corpus checkout (folder with corpus/ and annotations/); default: here, else the packaged corpus")
    p.add_argument("--a", default="gold", help="first layer: gold or pass-<annotator> (default gold)")
    p.add_argument("--b", default=None,
                   help="second layer (default: every independent pass under annotations/passes/, one report each)")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--write", metavar="FILE",
                   help="write the report into FILE: the full report between <!-- agreement-report:start/end --> "
                        "(a new file gets them), or the summary table between <!-- agreement:start/end -->")
    add_force(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import agree
    from ..findings import printable
    from ..io import check_output
    from ..layout import default_root

    root = Path(args.path) if args.path else default_root()
    if (root / "corpus").is_dir():
        require_valid(root, getattr(args, "force", False), "the agreement")
    if not (root / "corpus" / "documents.jsonl").is_file():
        raise UsageError(f"{str(root)!r} has no corpus/documents.jsonl; give the folder that holds corpus/ and annotations/")
    a = layer_of(args.a, bare_annotator=True)
    if not agree.layer_files(root, a):
        raise UsageError(f"layer {a!r} has no annotation files in {str(root)!r}")
    report: dict | list[dict]
    if args.b is None:
        report = agree.agreements(root, a)
        if not report:
            raise UsageError(f"no independent pass in {str(root)!r} shares a document with layer {a!r}")
    else:
        b = layer_of(args.b, bare_annotator=True)
        if not agree.layer_files(root, b):
            raise UsageError(f"layer {b!r} has no annotation files in {str(root)!r}")
        if not set(agree.layer_files(root, a)) & set(agree.layer_files(root, b)):
            raise UsageError(f"layers {a!r} and {b!r} annotate no document in common")
        report = agree.agreement(root, a, b)
    reports = report if isinstance(report, list) else [report]
    if args.write:
        target = check_output(Path(args.write))
        if target.is_dir():
            raise UsageError(f"{args.write!r} is a folder; give a Markdown file")
        try:
            kind = agree.write_report(target, report)
        except ValueError:
            raise UsageError(f"{args.write!r} has neither <!-- agreement-report:start/end --> nor "
                             "<!-- agreement:start/end --> markers; add them where the report belongs") from None
        sys.stdout.write(f"wrote the agreement {kind} into {printable(args.write)}\n")
        return 0
    if args.format == "json":
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    elif args.format == "markdown":
        sys.stdout.write(agree.to_markdown(report) if isinstance(report, dict) else agree.to_markdown_all(reports))
    else:
        sys.stdout.write("\n".join(agree.to_text(r) for r in reports))
    return 0

"""kashcorpus spacy: the corpus as a spaCy DocBin (every layer a doc.spans group, mentions also doc.ents)."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError, add_root, report_problems, root_of


def register(sub) -> None:
    p = sub.add_parser("spacy", help="spaCy: write a DocBin", description="Write the corpus as a spaCy DocBin "
                       "(spacy.blank('en') tokens; every layer a doc.spans group; non-overlapping mentions also "
                       "doc.ents). Spans that do not align with tokens are reported with the alignment mode used.",
                       epilog="Example: kashcorpus spacy export corpus.spacy")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    e = s.add_parser("export", help="write OUT.spacy", epilog="Example: kashcorpus spacy export corpus.spacy --alignment expand")
    e.add_argument("out", help="the .spacy file to write")
    e.add_argument("docs", nargs="*", metavar="DOC", help="document ids (default: all)")
    e.add_argument("--alignment", choices=("strict", "contract", "expand"), default="strict",
                   help="how spans that do not fall on token edges are placed (default strict: left out of the group, "
                        "exact offsets kept in user_data)")
    e.add_argument("--layer", default="gold", help="gold or pass-<annotator>")
    add_root(e)
    e.set_defaults(func=run_export)


def run_export(args) -> int:
    from ..convert.spacy import export_docbin

    root = root_of(args)
    try:
        problems = export_docbin(root, Path(args.out), args.docs, args.layer, args.alignment)
    except KeyError as e:
        raise UsageError(f"{e.args[0]!r} is not a document of the corpus") from None
    report_problems(problems)
    sys.stdout.write(f"wrote {args.out} (alignment mode {args.alignment}; {len(problems)} spans reported)\n")
    return 0

"""kashcorpus reanchor: move a document's spans onto its corrected text by quote and context."""
from __future__ import annotations

from ._common import UsageError, add_common, edit_root, emit


def register(sub) -> None:
    from argparse import RawDescriptionHelpFormatter

    p = sub.add_parser("reanchor", help="move a document's annotations onto its corrected text",
                       formatter_class=RawDescriptionHelpFormatter,
                       description="For every annotation file of DOC made on an earlier text, find each span again by "
                                   "its quote and the text around it (exact first, then fuzzy), report what moved and "
                                   "what could not be placed, and update the header's text_sha256. Nothing is written "
                                   "while any span cannot be placed, unless --drop-unplaced.",
                       epilog="example: kashcorpus reanchor kash-003 --dry-run")
    p.add_argument("doc", metavar="DOC")
    p.add_argument("--dry-run", action="store_true", help="report what would move; change nothing")
    p.add_argument("--drop-unplaced", action="store_true", help="remove spans that cannot be placed (reported)")
    p.add_argument("--min-score", type=float, default=75.0, metavar="0-100",
                   help="similarity a fuzzy placement needs (default 75)")
    add_common(p, annotator=False)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..anchor import reanchor_document

    if not 0 < args.min_score <= 100:
        raise UsageError("--min-score takes a number above 0 and at most 100")
    return emit(args, reanchor_document, edit_root(args), args.doc, drop=args.drop_unplaced, dry_run=args.dry_run,
                min_score=args.min_score)

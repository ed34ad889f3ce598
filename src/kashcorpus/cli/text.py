"""kashcorpus text: correct a document's text (the metadata hash and lengths follow)."""
from __future__ import annotations

from ._common import add_common, edit_root, emit


def register(sub) -> None:
    from argparse import RawDescriptionHelpFormatter

    p = sub.add_parser("text", help="correct a document's text", formatter_class=RawDescriptionHelpFormatter,
                       description="Replace one passage of a text and update its metadata (sha256, length, bytes). "
                                   "The annotations then need 'kashcorpus reanchor DOC', or pass --reanchor to do "
                                   "both in one change.",
                       epilog='example: kashcorpus text replace kash-003 --old "targetting" --new "targeting" --reanchor')
    ss = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    r = ss.add_parser("replace", help="replace one passage of a text", formatter_class=RawDescriptionHelpFormatter,
                      epilog='example: kashcorpus text replace kash-003 --old "targetting" --new "targeting" --reanchor')
    r.add_argument("doc", metavar="DOC")
    r.add_argument("--old", required=True, help="the passage to replace, exactly as in the text")
    r.add_argument("--new", required=True, help="what to put in its place (may be empty)")
    r.add_argument("--occurrence", "-n", type=int, metavar="N", help="which occurrence of --old (from 1)")
    r.add_argument("--context", "-c", metavar="TEXT", help="a longer passage around --old that occurs once")
    r.add_argument("--reanchor", action="store_true", help="move the document's annotations in the same change")
    r.add_argument("--drop-unplaced", action="store_true", help="with --reanchor: remove spans that cannot be placed")
    r.add_argument("--dry-run", action="store_true", help="report what the change would do (and where the spans would "
                                                         "go with --reanchor); write nothing")
    add_common(r, annotator=False)
    r.set_defaults(func=run_replace)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_replace(args) -> int:
    from ..anchor import replace_text

    return emit(args, replace_text, edit_root(args), args.doc, args.old, args.new, occurrence=args.occurrence,
                context=args.context, reanchor=args.reanchor, drop=args.drop_unplaced, dry_run=args.dry_run)

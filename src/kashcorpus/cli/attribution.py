"""kashcorpus attribution: add who-said-what (source, cue, content) by record id or by quote."""
from __future__ import annotations

from ..model import PARTS
from ._common import add_common, edit_root, emit


def register(sub) -> None:
    from argparse import RawDescriptionHelpFormatter

    p = sub.add_parser("attribution", help="add an attribution (source, cue, content)",
                       description="Add a PARC-style attribution to a document. Each of --source, --cue and --content "
                                   "is a record id (its span is used) or a quote; an ambiguous source or cue quote takes "
                                   "the occurrence nearest the content.",
                       epilog="example:\n  kashcorpus attribution add kash-003 --source \"a report in Washington-based think tank\" "
                              "--cue detailed --content c4 --source-type document --claim c4",
                       formatter_class=RawDescriptionHelpFormatter)
    ss = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    a = ss.add_parser("add", help="add an attribution", formatter_class=RawDescriptionHelpFormatter,
                      epilog='example: kashcorpus attribution add kash-003 --source m12 --cue "noted" '
                             '--content "One of the biggest events" --source-type document')
    a.add_argument("doc", metavar="DOC")
    a.add_argument("--content", required=True, metavar="ID|QUOTE", help="what is attributed")
    a.add_argument("--source", metavar="ID|QUOTE", help="who says it (leave out when not expressed)")
    a.add_argument("--cue", metavar="ID|QUOTE", help="the words that signal the attribution (said, according to …)")
    a.add_argument("--source-type", required=True, help="author, person, organisation, document, outlet, anonymous, collective")
    a.add_argument("--source-entity", metavar="ID", help="registry entity of the source (default: the source mention's entity)")
    a.add_argument("--parent", metavar="ID", help="the attribution this one is nested in")
    a.add_argument("--claim", metavar="ID", help="a claim this attribution carries (sets its attribution and asserted_by)")
    a.add_argument("--note")
    for part in PARTS:
        a.add_argument(f"--{part}-occurrence", type=int, metavar="N", help=f"which occurrence of the {part} quote")
    add_common(a)
    a.set_defaults(func=run_add)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_add(args) -> int:
    from ..annotate import add_attribution

    occ = {k: getattr(args, f"{k}_occurrence") for k in PARTS}
    return emit(args, add_attribution, edit_root(args), args.doc, content=args.content, source=args.source,
                cue=args.cue, source_type=args.source_type, source_entity=args.source_entity, parent=args.parent,
                claim=args.claim, note=args.note, occurrence={k: v for k, v in occ.items() if v is not None},
                annotator=args.annotator)

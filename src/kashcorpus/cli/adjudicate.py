"""kashcorpus adjudicate: take records of an independent pass into gold, or leave them out, one logged decision each."""
from __future__ import annotations

from ._common import add_common, add_force, edit_root, emit, layer_of, require_valid


def register(sub) -> None:
    from argparse import RawDescriptionHelpFormatter

    p = sub.add_parser("adjudicate", help="take records of an independent pass into gold (or reject them), logged",
                       formatter_class=RawDescriptionHelpFormatter,
                       description="Without a decision, list the disagreements between gold and the pass that are still "
                                   "open, each with both versions and the commands that settle it. With decisions, "
                                   "apply them as one locked, validated change and log each in "
                                   "annotations/decisions.jsonl (pass, who, when); 'kashcorpus agree' then reports "
                                   "only what is still open.",
                       epilog="examples:\n  kashcorpus adjudicate kash-001 --from pass-annotator-b --next\n"
                              "  kashcorpus adjudicate kash-001 --from pass-annotator-b --accept m14 --reject m20\n"
                              "  kashcorpus adjudicate kash-001 --from pass-annotator-b --accept m9:m11   "
                              "(the pass's m9 in place of gold's m11, which keeps its id)\n"
                              "  kashcorpus adjudicate kash-001 --from pass-annotator-b --keep m30")
    p.add_argument("doc", metavar="DOC", nargs="?", help="the document (listing: default every document both annotate)")
    p.add_argument("--from", dest="layer", required=True, metavar="pass-NAME", help="the independent pass")
    p.add_argument("--accept", nargs="+", default=[], metavar="ID[:GOLD_ID]",
                   help="pass records to take into gold (a new gold id, or in place of GOLD_ID, keeping that id)")
    p.add_argument("--reject", nargs="+", default=[], metavar="ID", help="pass records to leave out of gold")
    p.add_argument("--keep", nargs="+", default=[], metavar="GOLD_ID", help="gold records to keep though the pass lacks them")
    p.add_argument("--drop", nargs="+", default=[], metavar="GOLD_ID", help="gold records to remove as the pass lacks them")
    p.add_argument("--by", metavar="NAME", help="who decides (default: the login name)")
    p.add_argument("--note", help="a note logged with each decision")
    p.add_argument("--next", action="store_true", help="list only the first open disagreement")
    add_common(p, annotator=False)
    add_force(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..agree import adjudicate, open_disagreements, render_open
    from ._common import UsageError

    layer = layer_of(args.layer, bare_annotator=True)
    if layer == "gold":
        raise UsageError("--from takes an independent pass (pass-<annotator>), not gold")
    decisions = args.accept or args.reject or args.keep or args.drop
    if not decisions:
        if args.by or args.note:
            raise UsageError("--by and --note go with a decision (--accept, --reject, --keep, --drop)")

        def listing(root):
            require_valid(root, args.force, "the listing")
            items = open_disagreements(root, layer, args.doc)
            items = items[:1] if args.next else items
            return items if args.json else render_open(items, layer)

        return emit(args, listing, edit_root(args))
    if args.doc is None:
        raise UsageError("give the document the decisions are about: kashcorpus adjudicate DOC --from ...")
    if args.next or args.force:
        raise UsageError(f"{'--next' if args.next else '--force'} goes with the listing, not with a decision (a "
                         "decision is validated with the whole change)")
    return emit(args, adjudicate, edit_root(args), args.doc, layer, accept=args.accept, reject=args.reject,
                keep=args.keep, drop=args.drop, by=args.by, note=args.note)

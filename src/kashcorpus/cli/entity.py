"""kashcorpus entity: the corpus-wide entity registry (add, alias, merge, ls)."""
from __future__ import annotations

from ._common import add_common, clip_cell, edit_root, emit, table


def register(sub) -> None:
    from argparse import RawDescriptionHelpFormatter

    fmt = {"formatter_class": RawDescriptionHelpFormatter}
    p = sub.add_parser("entity", help="add, alias, merge and list registry entities", **fmt,
                       description="Edit annotations/entities.jsonl. A merge rewrites every reference in every "
                                   "annotation file and in the links as one all-or-nothing change.",
                       epilog="examples:\n  kashcorpus entity add --name Hamas --type ORG --description \"Palestinian "
                              "Islamist movement.\"\n  kashcorpus entity alias hamas \"Hamas's\" --link\n"
                              "  kashcorpus entity merge hamas hamas-movement\n  kashcorpus entity ls")
    ss = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))

    a = ss.add_parser("add", help="add an entity", **fmt,
                      epilog='example: kashcorpus entity add --name "Naji Zaheer" --type PER '
                             '--description "Hamas representative in Pakistan."')
    a.add_argument("--name", required=True, help="neutral canonical name")
    a.add_argument("--type", required=True, dest="etype", help="a mention label: PER, ORG, GPE, LOC, FAC, NORP, EVENT, DATE")
    a.add_argument("--description", required=True)
    a.add_argument("--id", dest="eid", help="registry id (default: made from the name)")
    a.add_argument("--external-id", action="append", default=[], metavar="SOURCE=ID", help="a checked id, e.g. wikidata=Q42")
    a.add_argument("--note")
    add_common(a, annotator=False)
    a.set_defaults(func=run_add)

    al = ss.add_parser("alias", help="add or remove an alias", **fmt,
                       epilog="example: kashcorpus entity alias hamas \"Hamas's\" --link  (also links unlinked gold "
                              "mentions with exactly that text)")
    al.add_argument("id", metavar="ID")
    al.add_argument("alias", metavar="TEXT")
    al.add_argument("--remove", action="store_true", help="remove the alias instead")
    al.add_argument("--link", action="store_true", help="link every unlinked gold mention with exactly this text")
    add_common(al, annotator=False)
    al.set_defaults(func=run_alias)

    m = ss.add_parser("merge", help="merge entity B into entity A", **fmt,
                      epilog="example: kashcorpus entity merge memri middle-east-media-research-institute\n"
                             "(A stays; B's mentions, attributions and links now point to A; B leaves the registry)")
    m.add_argument("keep", metavar="A", help="the entity that stays")
    m.add_argument("gone", metavar="B", help="the entity merged into A and removed")
    add_common(m, annotator=False)
    m.set_defaults(func=run_merge)

    ls = ss.add_parser("ls", help="list the registry", **fmt, epilog="example: kashcorpus entity ls --json")
    add_common(ls, annotator=False)
    ls.set_defaults(func=run_ls)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_add(args) -> int:
    from ..annotate import entity_add

    return emit(args, entity_add, edit_root(args), name=args.name, etype=args.etype, description=args.description,
                eid=args.eid, external_ids=args.external_id, note=args.note)


def run_alias(args) -> int:
    from ..annotate import entity_alias

    return emit(args, entity_alias, edit_root(args), args.id, args.alias, remove=args.remove, link=args.link)


def run_merge(args) -> int:
    from ..annotate import entity_merge

    return emit(args, entity_merge, edit_root(args), args.keep, args.gone)


def run_ls(args) -> int:
    from ..annotate import entity_list

    def listing(root):
        ents = entity_list(root)
        if args.json:
            return ents
        if not ents:
            return "the registry is empty\n"
        rows = [["ID", "TYPE", "MENTIONS", "NAME", "ALIASES"]]
        rows += [[e["id"], e["type"], str(e["mentions"]), e["name"], clip_cell("; ".join(e["aliases"]), 70)] for e in ents]
        return table(rows)

    return emit(args, listing, edit_root(args))

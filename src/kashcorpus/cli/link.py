"""kashcorpus link: cross-document links (add, rm, set, member, pair, ls)."""
from __future__ import annotations

from ._common import add_common, add_force, clip_cell, edit_root, emit, require_valid, table


def register(sub) -> None:
    from argparse import RawDescriptionHelpFormatter

    fmt = {"formatter_class": RawDescriptionHelpFormatter}
    p = sub.add_parser("link", help="add, change and remove cross-document links, members and pairs", **fmt,
                       description="Edit annotations/links.jsonl: the same event, or claims about the same thing, in "
                                   "several documents, and how two claims relate (agree, complement, conflict). "
                                   "Every change is locked and validated like the span commands.",
                       epilog="examples:\n  kashcorpus link add event-rawalakot-conference --type event --description "
                              "\"The conference in Rawalakot.\" --member kash-000#m12 kash-001#m5\n"
                              "  kashcorpus link member claim-bilal-alsallat-role --add kash-004#c7\n"
                              "  kashcorpus link pair claim-bilal-alsallat-role kash-001#c2 kash-004#c7 --relation "
                              "conflict --note \"A Hamas leader vs a spokesperson.\"\n  kashcorpus link ls")
    ss = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))

    a = ss.add_parser("add", help="add a link", **fmt,
                      epilog='example: kashcorpus link add claim-talha-saif-role --type claim --description "The role '
                             'of Talha Saif." --member kash-000#c12 kash-001#c30')
    a.add_argument("id", metavar="ID", help="event-… or claim-…, lower-case words joined by hyphens")
    a.add_argument("--type", required=True, dest="link_type", help="event or claim")
    a.add_argument("--description", required=True, help="what the members have in common")
    a.add_argument("--member", nargs="+", required=True, metavar="DOC#ID", help="gold records the link joins")
    a.add_argument("--entity", help="registry entity of the event, if it has one")
    a.add_argument("--note")
    add_common(a, annotator=False)
    a.set_defaults(func=run_add)

    rm = ss.add_parser("rm", help="remove a link (the records it joins stay)", **fmt,
                       epilog="example: kashcorpus link rm claim-talha-saif-role")
    rm.add_argument("id", metavar="ID")
    add_common(rm, annotator=False)
    rm.set_defaults(func=run_rm)

    st = ss.add_parser("set", help="change a link's description, entity or note", **fmt,
                       epilog='example: kashcorpus link set event-rawalakot-conference --entity null')
    st.add_argument("id", metavar="ID")
    st.add_argument("--description")
    st.add_argument("--entity", help="a registry entity, or null for none")
    st.add_argument("--note", help="a note, or null to clear it")
    add_common(st, annotator=False)
    st.set_defaults(func=run_set)

    m = ss.add_parser("member", help="add or remove members", **fmt,
                      epilog="example: kashcorpus link member claim-bilal-alsallat-role --add kash-004#c7 "
                             "--remove kash-003#c23\n(a removed member's pairs go with it)")
    m.add_argument("id", metavar="ID")
    m.add_argument("--add", nargs="+", default=[], metavar="DOC#ID")
    m.add_argument("--remove", nargs="+", default=[], metavar="DOC#ID")
    add_common(m, annotator=False)
    m.set_defaults(func=run_member)

    pr = ss.add_parser("pair", help="add a pair of claims, set its relation and note, or remove it", **fmt,
                       epilog="examples:\n  kashcorpus link pair claim-bilal-alsallat-role kash-001#c2 kash-003#c23 "
                              "--relation complement --note \"Leader vs member.\"\n"
                              "  kashcorpus link pair claim-bilal-alsallat-role kash-001#c2 kash-003#c23 --remove")
    pr.add_argument("id", metavar="ID")
    pr.add_argument("a", metavar="DOC#ID")
    pr.add_argument("b", metavar="DOC#ID")
    pr.add_argument("--relation", help="agree, complement or conflict (schema/taxonomy.json)")
    pr.add_argument("--note", help="why; null clears it")
    pr.add_argument("--remove", action="store_true", help="remove the pair")
    add_common(pr, annotator=False)
    pr.set_defaults(func=run_pair)

    ls = ss.add_parser("ls", help="list the links with their members", **fmt, epilog="example: kashcorpus link ls --json")
    ls.add_argument("id", metavar="ID", nargs="?", help="only this link, with its members and pairs")
    add_common(ls, annotator=False)
    add_force(ls)
    ls.set_defaults(func=run_ls)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_add(args) -> int:
    from ..annotate import link_add

    return emit(args, link_add, edit_root(args), args.id, link_type=args.link_type, description=args.description,
                members=args.member, entity=args.entity, note=args.note)


def run_rm(args) -> int:
    from ..annotate import link_remove

    return emit(args, link_remove, edit_root(args), args.id)


def run_set(args) -> int:
    from ..annotate import link_set
    from ._common import UsageError

    if args.description is None and args.entity is None and args.note is None:
        raise UsageError("give --description, --entity or --note")
    return emit(args, link_set, edit_root(args), args.id, description=args.description,
                entity=None if args.entity == "null" else args.entity, clear_entity=args.entity == "null",
                note=None if args.note == "null" else args.note, clear_note=args.note == "null")


def run_member(args) -> int:
    from ..annotate import link_members

    return emit(args, link_members, edit_root(args), args.id, add=args.add, remove=args.remove)


def run_pair(args) -> int:
    from ..annotate import link_pair
    from ._common import UsageError

    if args.remove and (args.relation or args.note):
        raise UsageError("--remove takes neither --relation nor --note")
    return emit(args, link_pair, edit_root(args), args.id, args.a, args.b, relation=args.relation,
                note=None if args.note == "null" else args.note, clear_note=args.note == "null", remove=args.remove)


def run_ls(args) -> int:
    from ..annotate import link_list
    from ..findings import printable

    def listing(root):
        require_valid(root, args.force, "the listing")
        links = link_list(root, args.id)
        if args.json:
            return links
        if not links:
            return "there are no links\n"
        if args.id is None:
            rows = [["ID", "TYPE", "MEMBERS", "PAIRS", "DESCRIPTION"]]
            rows += [[x["id"], x["type"], str(len(x["members"])), str(len(x["pairs"])), clip_cell(printable(x["description"]), 70)]
                     for x in links]
            return table(rows)
        x = links[0]
        lines = [f"{x['id']} ({x['type']}{', entity ' + x['entity'] if x['entity'] else ''}): {printable(x['description'])}",
                 "members:"] + [f"  {printable(ref)}  {clip_cell(printable(view), 100)}" for ref, view in x["member_records"].items()]
        lines += ["pairs:"] + [f"  {q['a']} / {q['b']}  {q['relation']}" + (f"  {clip_cell(printable(q['note']), 80)}" if q.get("note") else "")
                               for q in x["pairs"]] if x["pairs"] else ["pairs: none"]
        return "\n".join(lines) + "\n"

    return emit(args, listing, edit_root(args))

"""kashcorpus span: add, list, change, move and remove annotation spans by quoting the text."""
from __future__ import annotations

from ..model import FLAT_LAYERS, PARTS, SPAN_LAYERS, record_anchor
from ._common import add_common, add_quote_options, clip_cell, edit_root, emit, table

EXAMPLES = """examples:
  kashcorpus span add kash-003 --layer mention --label PER --quote "Naji Zaheer" --occurrence 1 --entity naji-zaheer
  kashcorpus span add kash-003 --layer mention --label ORG --quote "MEMRI" --context "Institute (MEMRI) detailed"
  kashcorpus span add kash-003 --layer claim --label event --quote "…" --attr certainty=reported --attr checkworthy=true
  kashcorpus span ls kash-003 --layer mention
  kashcorpus span set kash-003 m4 label=ORG entity=null
  kashcorpus span move kash-003 m4 --quote "Hamas Leader Khaled Mash'al"
  kashcorpus span rm kash-003 m4
"""


def span_rows(records: list[dict]) -> str:
    rows = [["ID", "TYPE", "START", "END", "LABEL", "TEXT", "DETAILS"]]
    for r in records:
        if r["type"] == "attribution":
            start, end = record_anchor(r)
            text = " | ".join(f"{p}: {clip_cell(r[p]['text'], 30)}" for p in PARTS if r.get(p))
            extra = ", ".join(x for x in (r["source_entity"] and f"entity {r['source_entity']}",
                                          r["parent"] and f"parent {r['parent']}") if x)
            rows.append([r["id"], r["type"], str(start), str(end), r["source_type"], clip_cell(text, 90), extra])
            continue
        label = str(r.get("label") or r.get("claim_type"))
        if r["type"] == "mention":
            extra = r["entity"] or "(unlinked)"
        elif r["type"] == "claim":
            extra = f"{r['certainty']}, by {r['asserted_by']}" + (f" {r['attribution']}" if r["attribution"] else "") + \
                    (", checkworthy" if r["checkworthy"] else "")
        else:
            extra = ""
        rows.append([r["id"], r["type"], str(r["start"]), str(r["end"]), label, clip_cell(r["text"], 60), extra])
    return table(rows)


# -- the span command ------------------------------------------------------------------------

def register(sub) -> None:
    from argparse import RawDescriptionHelpFormatter

    p = sub.add_parser("span", help="add, list, change, move or remove annotation spans by quoting the text",
                       description="Edit one document's annotations (gold by default, or --annotator NAME's pass). "
                                   "Every change is locked, validated and written atomically; a failing command "
                                   "changes nothing.", epilog=EXAMPLES, formatter_class=RawDescriptionHelpFormatter)
    ss = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    fmt = {"formatter_class": RawDescriptionHelpFormatter}

    a = ss.add_parser("add", help="add a zone, mention or claim", **fmt,
                      description="Find the quote in the text, give it the next free id and add it.",
                      epilog='example: kashcorpus span add kash-003 --layer mention --label PER --quote "Naji Zaheer" '
                             "--occurrence 1\n(an ambiguous quote lists its occurrences; an absent one the nearest passages)")
    a.add_argument("doc", metavar="DOC")
    a.add_argument("--layer", "-l", required=True, choices=FLAT_LAYERS, help="record type")
    a.add_argument("--label", help="zone or mention label, or a claim's claim_type")
    add_quote_options(a)
    a.add_argument("--entity", "-e", metavar="ID", help="registry entity of a mention")
    a.add_argument("--attr", action="append", default=[], metavar="KEY=VALUE",
                   help="another field, e.g. certainty=hedged, checkworthy=true, note=…")
    add_common(a)
    a.set_defaults(func=run_add)

    ls = ss.add_parser("ls", help="list a document's records as a table", **fmt,
                       epilog="example: kashcorpus span ls kash-003 --layer mention")
    ls.add_argument("doc", metavar="DOC")
    ls.add_argument("--layer", "-l", choices=SPAN_LAYERS, help="only this record type")
    add_common(ls)
    ls.set_defaults(func=run_ls)

    rm = ss.add_parser("rm", help="remove a record by id", **fmt, epilog="example: kashcorpus span rm kash-003 m4")
    rm.add_argument("doc", metavar="DOC")
    rm.add_argument("id", metavar="ID")
    add_common(rm)
    rm.set_defaults(func=run_rm)

    st = ss.add_parser("set", help="change fields of a record", **fmt,
                       epilog="example: kashcorpus span set kash-003 m4 label=ORG entity=memri\n"
                              "         kashcorpus span set kash-003 c2 certainty=hedged note=null")
    st.add_argument("doc", metavar="DOC")
    st.add_argument("id", metavar="ID")
    st.add_argument("assignments", nargs="+", metavar="KEY=VALUE", help="null clears a nullable field or a note")
    add_common(st)
    st.set_defaults(func=run_set)

    mv = ss.add_parser("move", help="put a record on other words", **fmt,
                       epilog='example: kashcorpus span move kash-003 m4 --quote "Khaled Mash\'al"\n'
                              '         kashcorpus span move kash-003 a2 --part cue --quote "noted"')
    mv.add_argument("doc", metavar="DOC")
    mv.add_argument("id", metavar="ID")
    add_quote_options(mv)
    mv.add_argument("--part", choices=PARTS, help="which span of an attribution (default content)")
    add_common(mv)
    mv.set_defaults(func=run_move)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_add(args) -> int:
    from ..annotate import add_span

    return emit(args, add_span, edit_root(args), args.doc, args.layer, label=args.label, quote=args.quote,
                occurrence=args.occurrence, context=args.context, start=args.start, end=args.end,
                entity=args.entity, attrs=args.attr, annotator=args.annotator)


def run_ls(args) -> int:
    from ..annotate import list_spans

    def listing(*a, **kw):
        recs = list_spans(*a, **kw)
        return recs if args.json else (span_rows(recs) if recs else "no records\n")

    return emit(args, listing, edit_root(args), args.doc, args.layer, annotator=args.annotator)


def run_rm(args) -> int:
    from ..annotate import remove_span

    return emit(args, remove_span, edit_root(args), args.doc, args.id, annotator=args.annotator)


def run_set(args) -> int:
    from ..annotate import set_fields

    return emit(args, set_fields, edit_root(args), args.doc, args.id, args.assignments, annotator=args.annotator)


def run_move(args) -> int:
    from ..annotate import move_span

    return emit(args, move_span, edit_root(args), args.doc, args.id, quote=args.quote, occurrence=args.occurrence,
                context=args.context, start=args.start, end=args.end, part=args.part, annotator=args.annotator)

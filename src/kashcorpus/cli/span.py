"""kashcorpus span: add, list, change, move and remove annotation spans by quoting the text."""
from __future__ import annotations

import sys
from pathlib import Path

from ..model import FLAT_LAYERS, PARTS, SPAN_LAYERS, record_anchor

EXAMPLES = """examples:
  kashcorpus span add kash-003 --layer mention --label PER --quote "Naji Zaheer" --occurrence 1 --entity naji-zaheer
  kashcorpus span add kash-003 --layer mention --label ORG --quote "MEMRI" --context "Institute (MEMRI) detailed"
  kashcorpus span add kash-003 --layer claim --label event --quote "…" --attr certainty=reported --attr checkworthy=true
  kashcorpus span ls kash-003 --layer mention
  kashcorpus span set kash-003 m4 label=ORG entity=null
  kashcorpus span move kash-003 m4 --quote "Hamas Leader Khaled Mash'al"
  kashcorpus span rm kash-003 m4
"""


# -- shared by the annotation commands -------------------------------------------------

def add_common(p, annotator: bool = True) -> None:
    """Options every editing command has: --root, --json and (for annotation files) --annotator."""
    p.add_argument("--root", metavar="PATH", help="corpus checkout to edit (default: the current folder)")
    if annotator:
        p.add_argument("--annotator", metavar="NAME",
                       help="write to annotations/passes/NAME/ instead of the gold layer")
    p.add_argument("--json", action="store_true", help="print the result (or the error) as JSON")


def edit_root(args) -> Path:
    from . import UsageError

    root = Path(args.root) if getattr(args, "root", None) else Path.cwd()
    if not (root / "corpus").is_dir() or not (root / "annotations").is_dir():
        where = repr(str(root)) if getattr(args, "root", None) else "the current folder"
        raise UsageError(f"{where} is not a corpus checkout (no corpus/ and annotations/); run the command in one "
                         "or pass --root PATH")
    return root


def emit(args, fn, *a, **kw) -> int:
    """Run a library command; print its confirmation (or JSON); turn refusals into exit codes."""
    import orjson

    from ..store import ChangeRefused, StoreError, clip
    from . import UsageError

    try:
        result = fn(*a, **kw)
    except ChangeRefused as e:
        if args.json:
            sys.stdout.write(orjson.dumps({"ok": False, "error": str(e), "findings": e.details},
                                          option=orjson.OPT_INDENT_2).decode() + "\n")
        else:
            sys.stderr.write(f"kashcorpus {args.command}: error: {e}\n")
            for f in e.findings[:10]:
                sys.stderr.write(f"  {f.location}: {f.code}: {clip(f.message)}\n    fix: {clip(f.fix)}\n")
        return 1
    except StoreError as e:
        if args.json:
            sys.stdout.write(orjson.dumps({"ok": False, "error": str(e).split("\n")[0], "details": e.details},
                                          option=orjson.OPT_INDENT_2).decode() + "\n")
            return 2
        raise UsageError(str(e)) from None
    if args.json:
        data = result if isinstance(result, (list, dict)) else result.data
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
    elif isinstance(result, str):
        sys.stdout.write(result)
    else:
        sys.stdout.write(result.message + "\n")
    return 0


def add_quote_options(p, required: bool = False) -> None:
    p.add_argument("--quote", "-q", metavar="TEXT", help="the words to annotate, exactly as in the text")
    p.add_argument("--occurrence", "-n", type=int, metavar="N", help="which occurrence of the quote (from 1)")
    p.add_argument("--context", "-c", metavar="TEXT", help="a longer passage around the quote that occurs once")
    p.add_argument("--start", type=int, help="first code point (with --end, instead of --quote)")
    p.add_argument("--end", type=int, help="code point after the span")


def _clip(s: str, n: int) -> str:
    s = s.replace("\r", "").replace("\n", "⏎")
    return s if len(s) <= n else s[:n - 1] + "…"


def table(rows: list[list[str]]) -> str:
    if not rows:
        return ""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n" for r in rows)


def span_rows(records: list[dict]) -> str:
    rows = [["ID", "TYPE", "START", "END", "LABEL", "TEXT", "DETAILS"]]
    for r in records:
        if r["type"] == "attribution":
            start, end = record_anchor(r)
            text = " | ".join(f"{p}: {_clip(r[p]['text'], 30)}" for p in PARTS if r.get(p))
            extra = ", ".join(x for x in (r["source_entity"] and f"entity {r['source_entity']}",
                                          r["parent"] and f"parent {r['parent']}") if x)
            rows.append([r["id"], r["type"], str(start), str(end), r["source_type"], _clip(text, 90), extra])
            continue
        label = r.get("label") or r.get("claim_type")
        if r["type"] == "mention":
            extra = r["entity"] or "(unlinked)"
        elif r["type"] == "claim":
            extra = f"{r['certainty']}, by {r['asserted_by']}" + (f" {r['attribution']}" if r["attribution"] else "") + \
                    (", checkworthy" if r["checkworthy"] else "")
        else:
            extra = ""
        rows.append([r["id"], r["type"], str(r["start"]), str(r["end"]), label, _clip(r["text"], 60), extra])
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

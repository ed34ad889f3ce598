"""Adjudication: records of an independent pass taken into gold or rejected, each decision logged."""
from __future__ import annotations

import copy
import hashlib
import time
from pathlib import Path
from collections.abc import Iterable

from ..corpus import read_decisions
from ..errors import AnnotateError, CorpusInvalid
from ..findings import printable
from ..io import dumps_line, read_bytes, read_jsonl
from ..layout import Layout
from ..model import GOLD, DecisionRecord, PARTS, PASS_PREFIX, RECORD_ID, describe, is_annotator, is_doc_id
from ..store import AnnotationFile, Change, Result, finish, sync_aliases

MAX_BY = 64
MAX_NOTE = 2000  # schema/decision.schema.json
ORDER = ("zone", "mention", "attribution", "claim")  # an accepted claim can name an attribution accepted with it


# -- what is still open ----------------------------------------------------------------------------

def closed(disagreement: dict, decided: set[tuple[str, str, str]]) -> bool:
    """Whether a decision of the log settles a disagreement of ``agree``: its pass record was accepted or
    rejected, or (the pass has no record there) its gold record was kept or dropped.

    >>> d = {"doc": "d", "a": None, "b": {"id": "m4"}}
    >>> closed(d, {("d", "pass", "m4")}), closed(d, {("d", "gold", "m4")})
    (True, False)
    """
    doc, a, b = disagreement["doc"], disagreement["a"], disagreement["b"]
    if b is not None:
        return (doc, "pass", b["id"]) in decided
    return a is not None and (doc, "gold", a["id"]) in decided


def decisions_of(root: Path | str) -> list[DecisionRecord]:
    """The adjudication log, refused (:class:`CorpusInvalid`, its first finding) when the validator reports it."""
    from ..validate.corpus import check_decisions

    bad = [f for f in check_decisions(Layout(Path(root))) if f.severity == "error"]
    if bad:
        raise CorpusInvalid(bad[0])
    return read_decisions(root)


def decided_items(root: Path | str, layer: str) -> set[tuple[str, str, str]]:
    """``(doc, "pass" | "gold", id)`` of every record the log has a decision on for the pass ``layer``."""
    out: set[tuple[str, str, str]] = set()
    for d in decisions_of(root):
        side, rid = ("pass", d["record"]) if d["decision"] in ("accept", "reject") else ("gold", d["gold"])
        if d["layer"] == layer and rid is not None:
            out.add((d["doc"], side, rid))
    return out


def commands(doc: str, layer: str, d: dict) -> dict[str, str]:
    """The one-line commands that settle a disagreement, by what they do.

    >>> commands("kash-001", "pass-b", {"a": None, "b": {"id": "m4"}})["take the pass's"]
    'kashcorpus adjudicate kash-001 --from pass-b --accept m4'
    """
    base = f"kashcorpus adjudicate {doc} --from {layer}"
    a, b = d["a"], d["b"]
    if a is None:
        return {"take the pass's": f"{base} --accept {b['id']}", "keep gold's (none)": f"{base} --reject {b['id']}"}
    if b is None:
        return {"take the pass's (none)": f"{base} --drop {a['id']}", "keep gold's": f"{base} --keep {a['id']}"}
    return {"take the pass's": f"{base} --accept {b['id']}:{a['id']}", "keep gold's": f"{base} --reject {b['id']}"}


def open_disagreements(root: Path | str, layer: str, doc: str | None = None) -> list[dict]:
    """The disagreements of ``agree`` between gold and the pass ``layer`` that no decision has settled (on ``doc``,
    or on every document both annotate), each with the records of both sides and the commands that settle it.
    A record type the pass does not annotate at all in a document (a suggestion pass holds mentions only) has
    no disagreement there: the pass gives no reading of it."""
    from .compare import disagreements, layer_files

    root = Path(root)
    gold_files, pass_files = layer_files(root, GOLD), layer_files(root, layer)
    docs = sorted(set(gold_files) & set(pass_files)) if doc is None else [doc]
    decided = decided_items(root, layer)
    out = []
    for name in docs:
        if name not in gold_files or name not in pass_files:
            raise AnnotateError(f"{layer} and gold do not both annotate {name!r}; "
                                f"they share {', '.join(sorted(set(gold_files) & set(pass_files))) or 'no document'}")
        recs = [[r for r in read_jsonl(f[name], root) if r.get("type") != "header"] for f in (gold_files, pass_files)]
        by_id = [{r["id"]: r for r in side} for side in recs]
        annotated = {r["type"] for r in recs[1]}  # a pass of suggested mentions has no reading of zones or claims
        for d in disagreements(name, recs[0], recs[1]):
            if closed(d, decided) or d["layer"] not in annotated:
                continue
            out.append({"doc": name, "layer": d["layer"], "kind": d["kind"],
                        "gold": by_id[0][d["a"]["id"]] if d["a"] else None,
                        "pass": by_id[1][d["b"]["id"]] if d["b"] else None, "commands": commands(name, layer, d)})
    return out


def render_open(items: list[dict], layer: str) -> str:
    """The open disagreements for people: both versions and the commands, one block each."""
    if not items:
        return f"nothing open: every disagreement between gold and {layer} is settled\n"
    lines = [f"{len(items)} open disagreement{'s' if len(items) != 1 else ''} between gold and {layer}:"]
    for n, it in enumerate(items, 1):
        lines.append(f"{n}. {it['doc']} {it['layer']} {it['kind']}")
        lines.append(f"   gold: {printable(describe(it['gold'])) if it['gold'] else '(none)'}")
        lines.append(f"   pass: {printable(describe(it['pass'])) if it['pass'] else '(none)'}")
        lines += [f"   {what}: {cmd}" for what, cmd in it["commands"].items()]
    return "\n".join(lines) + "\n"


# -- taking decisions ------------------------------------------------------------------------------

def _pairs(values: Iterable[str]) -> list[tuple[str, str | None]]:
    out = []
    for v in values:
        pid, _, gid = v.partition(":")
        for rid in (pid, gid) if gid else (pid,):
            if not RECORD_ID.fullmatch(rid):
                raise AnnotateError(f"{v!r} is not a record id (z1, m12, c3, a2) or PASS_ID:GOLD_ID")
        out.append((pid, gid or None))
    return out


def _ids(values: Iterable[str], what: str) -> list[str]:
    out = list(values)
    for v in out:
        if not RECORD_ID.fullmatch(v):
            raise AnnotateError(f"{what} {v!r} is not a record id (z1, m12, c3, a2)")
    return out


def _parts_key(r: dict) -> tuple:
    return tuple(None if r.get(p) is None else (r[p]["start"], r[p]["end"]) for p in PARTS)


def _collision(gold: AnnotationFile, rec: dict, skip: str | None) -> dict | None:
    """The gold record ``rec`` cannot stand beside: a zone or mention it overlaps, a claim on the same words, an
    attribution with the same content."""
    for g in gold.of_type(rec["type"]):
        if g["id"] == skip:
            continue
        if rec["type"] == "attribution":
            hit = g["content"]["start"] == rec["content"]["start"] and g["content"]["end"] == rec["content"]["end"]
        elif rec["type"] == "claim":
            hit = (g["start"], g["end"]) == (rec["start"], rec["end"])
        else:
            hit = g["start"] < rec["end"] and rec["start"] < g["end"]
        if hit:
            return g
    return None


def _ref(ref: str | None, mapped: dict[str, str], logged: dict[str, str], pass_file: AnnotationFile,
         gold: AnnotationFile, pid: str, field: str) -> str | None:
    """A pass record's reference to a pass attribution, as a gold id: accepted now, accepted before, or the gold
    attribution with the same three parts; else the command is refused."""
    if ref is None:
        return None
    if ref in mapped:
        return mapped[ref]
    if ref in logged and gold.get(logged[ref]) is not None:
        return logged[ref]
    target = pass_file.get(ref)
    if target is not None:
        twin = next((g for g in gold.of_type("attribution") if _parts_key(g) == _parts_key(target)), None)
        if twin is not None:
            return twin["id"]
    raise AnnotateError(f"{pid}'s {field} is the pass's {ref}, which gold does not have; accept it with it "
                        f"(--accept {ref})")


def adjudicate(root: Path | str, doc: str, layer: str, *, accept: Iterable[str] = (), reject: Iterable[str] = (),
               keep: Iterable[str] = (), drop: Iterable[str] = (), by: str | None = None,
               note: str | None = None) -> Result:
    """Take records of the pass ``layer`` into gold (``accept``: ``PASS_ID``, or ``PASS_ID:GOLD_ID`` to put it in
    place of a gold record, which keeps its id), leave them out (``reject``), keep gold records the pass lacks
    (``keep``) or remove them (``drop``); every decision goes into ``annotations/decisions.jsonl`` with ``by``
    and the time. One locked, validated change: all of it or nothing.
    """
    import getpass

    layout = Layout(Path(root))
    accepts, rejects = _pairs(accept), _ids(reject, "--reject")
    keeps, drops = _ids(keep, "--keep"), _ids(drop, "--drop")
    if not (accepts or rejects or keeps or drops):
        raise AnnotateError("give at least one of --accept, --reject, --keep, --drop")
    pids = [p for p, _g in accepts] + rejects
    gids = [g for _p, g in accepts if g] + keeps + drops
    for ids, side in ((pids, "pass record"), (gids, "gold record")):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise AnnotateError(f"the {side} {twice[0]} is named twice; decide each record once")
    annotator = layer.removeprefix(PASS_PREFIX)
    if not layer.startswith(PASS_PREFIX) or not is_annotator(annotator):
        raise AnnotateError(f"--from takes an independent pass, pass-<annotator>, not {layer!r}")
    who = (by if by is not None else getpass.getuser()).strip()
    if not who or len(who) > MAX_BY or not who.isprintable():
        raise AnnotateError(f"--by takes a name of 1 to {MAX_BY} printable characters")
    if note is not None and not 0 < len(note.strip()) <= MAX_NOTE:
        raise AnnotateError(f"--note takes 1 to {MAX_NOTE} characters")
    if not is_doc_id(doc) or not layout.gold_path(doc).is_file():
        raise AnnotateError(f"there is no gold annotation file of {doc!r}")
    pass_path = layout.pass_path(annotator, doc)
    if not pass_path.is_file():
        raise AnnotateError(f"{layer} has no annotation file of {doc}")
    paths = [layout.gold_path(doc), pass_path, layout.entities_file, layout.decisions_file]
    with Change(layout.root, paths) as ch:
        gold = ch.annotations(layout.gold_path(doc), doc, GOLD)
        pass_file = ch.annotations(pass_path, doc, layer)
        sha = hashlib.sha256(ch.text(doc).encode("utf-8")).hexdigest()
        for af in (gold, pass_file):
            if af.header["text_sha256"] != sha:
                raise AnnotateError(f"{af.rel} was made on an earlier version of the text; run "
                                    f"'kashcorpus reanchor {doc}' first (it moves every layer of {doc})")
        registry = {e["id"] for e in ch.table(layout.entities_file, "entity").records}
        logged: dict[str, str] = {d["record"]: d["gold"] for d in decisions_of(layout.root) if d["doc"] == doc
                                  and d["layer"] == layer and d["record"] is not None and d["gold"] is not None}
        decisions: list[tuple[str, str | None, str | None]] = []
        lines: list[str] = []
        touched: list[str | None] = []
        mapped: dict[str, str] = {}
        order = sorted(accepts, key=lambda pg: ORDER.index(_pass_record(pass_file, pg[0])["type"]))
        for pid, gid in _parents_first(order, pass_file):
            rec, old = _accepted(pass_file, gold, pid, gid, registry, mapped, logged, layer)
            mapped[pid] = rec["id"]
            touched += [rec.get("entity"), (old or {}).get("entity")]
            decisions.append(("accept", pid, rec["id"]))
            lines.append(f"accepted {layer} {pid} as gold {describe(rec)}" + (f" (in place of {describe(old)})" if old else ""))
        for pid in rejects:
            rec = _pass_record(pass_file, pid)
            decisions.append(("reject", pid, None))
            lines.append(f"rejected {layer} {describe(rec)}")
        for gid in keeps + drops:
            g = gold.get(gid)
            if g is None:
                raise AnnotateError(f"there is no record {gid!r} in {gold.rel}")
            if gid in drops:
                gold.records.remove(g)
                touched.append(g.get("entity"))
            decisions.append(("keep" if gid in keeps else "drop", None, gid))
            lines.append(f"{'kept' if gid in keeps else 'dropped'} gold {describe(g)}")
        ch.put(gold)
        notes = sync_aliases(ch, gold, touched)
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        log = [{"doc": doc, "layer": layer, "decision": what, "record": pid, "gold": gid, "by": who, "at": at,
                **({"note": note} if note else {})} for what, pid, gid in decisions]
        old_log = read_bytes(layout.decisions_file, layout.root) if layout.decisions_file.exists() else b""
        ch.stage(layout.decisions_file, old_log + b"".join(dumps_line(d, "decision") for d in log))
    lines.append(f"{len(log)} decision{'s' if len(log) != 1 else ''} logged in {layout.rel(layout.decisions_file)}")
    return finish("\n".join(printable(line) for line in lines), notes, ch, {"action": "adjudicate", "doc": doc, "layer": layer, "decisions": log})


def _pass_record(pass_file: AnnotationFile, pid: str) -> dict:
    rec = pass_file.get(pid)
    if rec is None:
        raise AnnotateError(f"there is no record {pid!r} in {pass_file.rel}")
    return rec


def _parents_first(accepts: list[tuple[str, str | None]], pass_file: AnnotationFile) -> list[tuple[str, str | None]]:
    """The accepted records in order, an attribution nested in another accepted one after it (so the parent
    has its gold id first)."""
    out: list[tuple[str, str | None]] = []
    waiting = list(accepts)
    while waiting:
        named = {p for p, _g in waiting}
        i = next((i for i, (p, _g) in enumerate(waiting) if _pass_record(pass_file, p).get("parent") not in named), None)
        if i is None:
            raise AnnotateError("the accepted attributions nest in each other in a circle")
        out.append(waiting.pop(i))
    return out


def _accepted(pass_file: AnnotationFile, gold: AnnotationFile, pid: str, gid: str | None, registry: set[str],
              mapped: dict[str, str], logged: dict[str, str], layer: str) -> tuple[dict, dict | None]:
    """Put the pass record ``pid`` into ``gold`` (new id, or in place of ``gid``); return it and the record it replaced."""
    rec = copy.deepcopy(_pass_record(pass_file, pid))
    old = None
    if gid is not None:
        old = gold.get(gid)
        if old is None:
            raise AnnotateError(f"there is no record {gid!r} in {gold.rel}")
        if old["type"] != rec["type"]:
            raise AnnotateError(f"{pid} is a {rec['type']} and {gid} a {old['type']}; a record takes the place of one "
                                "of its own type")
    for key in ("entity", "source_entity"):
        ent = rec.get(key)
        if ent is not None and ent not in registry:
            raise AnnotateError(f"{pid}'s {key} {ent!r} is not in the gold registry; add it with 'kashcorpus entity "
                                f"add --id {ent} …' first, or accept {pid} and then set its {key}")
    if rec["type"] == "attribution":
        rec["parent"] = _ref(rec.get("parent"), mapped, logged, pass_file, gold, pid, "parent")
    if rec["type"] == "claim":
        rec["attribution"] = _ref(rec.get("attribution"), mapped, logged, pass_file, gold, pid, "attribution")
    hit = _collision(gold, rec, gid)
    if hit is not None:
        raise AnnotateError(f"{layer} {describe(rec)} collides with gold {describe(hit)}; take it in place of "
                            f"{hit['id']} with --accept {pid}:{hit['id']}, or keep gold's with --reject {pid}")
    if old is not None:
        rec["id"] = gid
        if "note" not in rec and "note" in old:
            rec["note"] = old["note"]
        gold.records.remove(old)
    else:
        rec["id"] = gold.next_id(rec["type"])
    gold.records.append(rec)
    return rec, old

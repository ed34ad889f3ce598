"""Pure mapping between kashcorpus records and brat standoff objects (to_standoff / from_standoff)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...model import ENTITY_ID, ID_PREFIX, RECORD_ID
from ...resources import taxonomy
from ..common import MAX_DOCUMENT_ITEMS, Annotated, Problem, Problems, assign_ids, check_span_text, problem
from .standoff import (ATTRIBUTION, CLAIM, CLAIM_ATTRS, CUE, DB, FIELD_BREAKS, SOURCE, ZONE, Attribute, BadLine, Event,
                       Item, Normalization, Note, Relation, Standoff, TextBound, field_text, parse, serialise)

# a note that starts with a record id: "m3", "m3 | the note", or "m3 the note" (the id is kept either way)
NOTE_ID = re.compile(rf"({RECORD_ID.pattern})(?:[ \t]*\|[ \t]?(.*)|[ \t]+(.*))?", re.S)
PART_TYPES = (SOURCE, CUE, ATTRIBUTION)  # text-bound types that are parts of an attribution event


# -- to brat ---------------------------------------------------------------------------------------

class _Writer:
    """Objects of one .ann file in the making, numbered per kind as brat numbers them."""

    def __init__(self, doc: str):
        self.doc = doc
        self.counters = {"T": 0, "E": 0, "A": 0, "N": 0, "#": 0}
        self.items: list[Item] = []
        self.problems: list[Problem] = []

    def new(self, kind: str) -> str:
        self.counters[kind] += 1
        return f"{kind}{self.counters[kind]}"

    def span(self, type_: str, start: int, end: int, text: str) -> str:
        t = self.new("T")
        self.items.append(TextBound(t, type_, ((start, end),), text))
        return t

    def note(self, target: str, rec: dict) -> None:
        body = rec["id"]
        if rec.get("note") is not None:
            if any(ch in FIELD_BREAKS for ch in rec["note"]):
                self.problems.append(problem("export-note-unrepresentable", self.doc, rec["id"],
                                             detail="the note holds a line break or tab, which an .ann line cannot; "
                                                    "it is written with spaces"))
            body += " | " + field_text(rec["note"])
        self.items.append(Note(self.new("#"), target, body))

    def attribute(self, name: str, target: str, value: str | None = None) -> None:
        self.items.append(Attribute(self.new("A"), name, target, value))

    def norm(self, target: str, entity: str) -> None:
        self.items.append(Normalization(self.new("N"), "Reference", target, f"{DB}:{entity}", entity))


def to_standoff(doc: Annotated) -> tuple[Standoff, list[Problem]]:
    """The brat objects of ``doc``'s records, and the problems (a note brat cannot hold).

    Zones, mentions and claims are text-bound annotations; an attribution is an ``Attribution`` event whose
    trigger is its content span, with ``Source``, ``Cue``, ``Parent`` and ``Claim`` arguments. Record ids
    and notes travel in ``AnnotatorNotes`` (``m3`` or ``m3 | the note``).
    """
    w = _Writer(doc.doc)
    tid: dict[str, str] = {}
    for rec in doc.records:
        kind = rec["type"]
        if kind == "zone":
            t = tid[rec["id"]] = w.span(ZONE, rec["start"], rec["end"], rec["text"])
            w.attribute("ZoneType", t, rec["label"])
        elif kind == "mention":
            t = tid[rec["id"]] = w.span(rec["label"], rec["start"], rec["end"], rec["text"])
            if rec.get("entity") is not None:
                w.norm(t, rec["entity"])
        elif kind == "claim":
            t = tid[rec["id"]] = w.span(CLAIM, rec["start"], rec["end"], rec["text"])
            for name, key in CLAIM_ATTRS:
                w.attribute(name, t, rec[key])
            if rec["checkworthy"]:
                w.attribute("Checkworthy", t)
        else:
            continue
        w.note(t, rec)
    attributions = [r for r in doc.records if r["type"] == "attribution"]
    eid = {rec["id"]: f"E{k}" for k, rec in enumerate(attributions, 1)}
    w.counters["E"] = len(eid)
    for rec in attributions:
        c = rec["content"]
        trig = w.span(ATTRIBUTION, c["start"], c["end"], c["text"])
        args: list[tuple[str, str]] = []
        for part, type_ in (("source", SOURCE), ("cue", CUE)):
            if rec.get(part) is not None:
                s = rec[part]
                args.append((type_, w.span(type_, s["start"], s["end"], s["text"])))
        if rec.get("parent") is not None:
            args.append(("Parent", eid[rec["parent"]]))
        claims = [r["id"] for r in doc.records if r["type"] == "claim" and r.get("attribution") == rec["id"]]
        args += [(f"Claim{k + 1 if k else ''}", tid[cid]) for k, cid in enumerate(claims)]
        e = eid[rec["id"]]
        w.items.append(Event(e, ATTRIBUTION, trig, tuple(args)))
        w.attribute("SourceType", e, rec["source_type"])
        if rec.get("source_entity") is not None:
            w.norm(e, rec["source_entity"])
        w.note(e, rec)
    return Standoff(w.items), w.problems


def to_brat(doc: Annotated) -> tuple[str, list[Problem]]:
    """The .ann text for ``doc`` and the problems (a note brat cannot hold). The .txt is ``doc.text`` itself.

    >>> ann, _ = to_brat(Annotated("d", "Hamas met", [{"type": "mention", "id": "m1", "start": 0, "end": 5,
    ...                                                "text": "Hamas", "label": "ORG", "entity": "hamas"}]))
    >>> ann.splitlines()
    ['T1\\tORG 0 5\\tHamas', 'N1\\tReference T1 kashcorpus:hamas\\thamas', '#1\\tAnnotatorNotes T1\\tm1']
    """
    standoff, problems = to_standoff(doc)
    return serialise(standoff), problems


# -- from brat -------------------------------------------------------------------------------------

@dataclass
class BratImport:
    """An .ann file read back: records, what became of every line, and the lines that were rejected."""

    doc: str
    records: list[dict] = field(default_factory=list)
    accounted: dict[int, str] = field(default_factory=dict)  # line number -> what it became
    problems: list[Problem] = field(default_factory=Problems)


def _mention_label(type_: str, label_map: dict[str, str]) -> str | None:
    labels = taxonomy()["mention"]
    mapped = label_map.get(type_, type_)
    if mapped in labels:
        return mapped
    return next((m for m in labels if m.lower() == mapped.lower()), None)


@dataclass
class _Reading:
    """What one .ann file is becoming: usable spans and events, and the record each T or E turns into."""

    text: str
    out: BratImport
    spans: dict[str, tuple[int, str, dict]] = field(default_factory=dict)  # T id -> (line, type, span)
    events: dict[str, Event] = field(default_factory=dict)
    target: dict[str, dict] = field(default_factory=dict)  # T or E id -> record
    used_t: dict[str, str] = field(default_factory=dict)  # T id -> the event it is part of

    def reject(self, n: int, ident: str, code: str, detail: str) -> None:
        self.out.problems.append(problem(code, self.out.doc, f"line {n} ({ident})", detail=detail))

    def line_of(self, ref: str) -> int:
        return self.spans[ref][0] if ref in self.spans else self.events[ref].line


def _read_items(r: _Reading, items: list[Item]) -> tuple[list[Attribute], list[Normalization], list[Note]]:
    """Keep the spans that fit the text and the events; reject what has no counterpart, in line order."""
    attrs: list[Attribute] = []
    norms: list[Normalization] = []
    notes: list[Note] = []
    seen: dict[str, int] = {}  # brat id -> the line that defines it
    for item in items:
        n = item.line
        if not isinstance(item, BadLine) and item.id in seen:
            r.reject(n, item.id, "import-duplicate-id",
                     f"{item.id} is defined on line {seen[item.id]} and again on line {n}; brat keeps one of them, so "
                     "the second is not imported: give it a new id")
            continue
        if not isinstance(item, BadLine):
            seen[item.id] = n
        if isinstance(item, BadLine):
            r.reject(n, item.id, "import-bad-line", f"cannot read {item.raw!r}{item.why}")
        elif isinstance(item, TextBound):
            if len(item.fragments) > 1:
                frags = ", ".join(f"{s}-{e}" for s, e in item.fragments)
                r.reject(n, item.id, "import-discontinuous-span",
                         f"{item.id} has {len(item.fragments)} fragments ({frags}); kashcorpus spans are contiguous: "
                         "split it into separate annotations (it was not imported, not truncated)")
                continue
            s, e = item.fragments[0]
            why = check_span_text(r.text, s, e, None)
            if why is None and field_text(r.text[s:e]) != field_text(item.text):
                why = f"text[{s}:{e}] is {r.text[s:e]!r}, the .ann says {item.text!r}"
            if why:
                r.reject(n, item.id, "import-span-mismatch", why)
                continue
            r.spans[item.id] = (n, item.type, {"start": s, "end": e, "text": r.text[s:e]})
        elif isinstance(item, Event):
            r.events[item.id] = item
        elif isinstance(item, Attribute):
            attrs.append(item)
        elif isinstance(item, Normalization):
            norms.append(item)
        elif isinstance(item, Note):
            notes.append(item)
        elif isinstance(item, Relation) and item.id.startswith("*"):
            r.reject(n, item.id, "import-unknown-relation",
                     "equivalence (*) lines have no counterpart; link mentions to registry entities instead")
        else:
            r.reject(n, item.id, "import-unknown-relation",
                     f"relation {item.type} has no counterpart in kashcorpus "
                     "(attributions are events; claims join them as Claim arguments)")
    return attrs, norms, notes


def _span_records(r: _Reading, label_map: dict[str, str]) -> None:
    """A record for each zone, claim and mention span (attribution parts wait for their event)."""
    tax = taxonomy()
    for t, (n, type_, span) in r.spans.items():
        if type_ == ZONE:
            rec = {"type": "zone", "id": None, **span, "label": None}
        elif type_ == CLAIM:
            rec = {"type": "claim", "id": None, **span, "claim_type": None, "certainty": None, "checkworthy": False,
                   "asserted_by": None, "attribution": None}
        elif type_ in PART_TYPES:
            continue  # accounted for by the event that uses it
        else:
            label = _mention_label(type_, label_map)
            if label is None:
                r.reject(n, t, "import-unknown-label", f"entity type {type_!r} has no counterpart in kashcorpus "
                                                       f"(mention labels: {', '.join(tax['mention'])}); map it or remove it")
                continue
            rec = {"type": "mention", "id": None, **span, "label": label, "entity": None}
        r.target[t] = rec


def _attribution_records(r: _Reading) -> None:
    """A record for each Attribution event with its source, cue, parent and claims; orphan parts are rejected."""
    for e, ev in r.events.items():
        n = ev.line
        if ev.type != ATTRIBUTION:
            r.reject(n, e, "import-unknown-event", f"event type {ev.type!r} has no counterpart in kashcorpus "
                                                   f"(only {ATTRIBUTION})")
            continue
        trig = ev.trigger
        if trig not in r.spans or r.spans[trig][1] != ATTRIBUTION:
            r.reject(n, e, "import-bad-event", f"trigger {trig} is not an {ATTRIBUTION} span")
            continue
        rec: dict[str, Any] = {"type": "attribution", "id": None, "source": None, "source_type": None,
                               "source_entity": None, "cue": None, "content": r.spans[trig][2], "parent": ("@", None)}
        bad = None
        for role, ref in ev.args:
            base = role.rstrip("0123456789")
            if base in ("Source", "Cue") and ref in r.spans and r.spans[ref][1] == base and rec[base.lower()] is None:
                rec[base.lower()] = r.spans[ref][2]
                r.used_t[ref] = e
            elif base == "Parent" and rec["parent"] == ("@", None):
                rec["parent"] = ("@", ref)
            elif base == "Claim" and ref in r.target and r.target[ref]["type"] == "claim":
                if r.target[ref]["attribution"] is not None:
                    bad = f"claim {ref} is already an argument of another attribution"
                    break
                r.target[ref]["attribution"] = ("@", e)
            else:
                bad = f"argument {role}:{ref} is not a Source, Cue, Parent or Claim argument this event can take"
                break
        if bad:
            r.reject(n, e, "import-bad-event", bad)
            continue
        r.used_t[trig] = e
        r.target[e] = rec
    for t, (n, type_, _) in r.spans.items():
        if type_ in PART_TYPES and t not in r.used_t:
            r.reject(n, t, "import-orphan-span", f"{type_} span {t} is not an argument of an {ATTRIBUTION} event")
        elif t in r.used_t:
            r.out.accounted[n] = f"part of {r.used_t[t]}"


def _apply_attributes(r: _Reading, attrs: list[Attribute]) -> None:
    tax = taxonomy()
    fields = {"ZoneType": ("zone", "label", "zone"), "SourceType": ("attribution", "source_type", "source_type"),
              **{name: ("claim", key, key) for name, key in CLAIM_ATTRS}}
    for a in attrs:
        n, name, ref, value = a.line, a.name, a.target, a.value
        rec = r.target.get(ref)
        if rec is None:
            r.reject(n, f"A on {ref}", "import-dangling-reference", f"attribute {name} is on {ref}, which was not imported")
            continue
        if name == "Checkworthy" and rec["type"] == "claim" and value is None:
            rec["checkworthy"] = True
        elif name in fields and fields[name][0] == rec["type"] and value in tax[fields[name][2]]:
            if rec[fields[name][1]] is not None:
                r.reject(n, f"A on {ref}", "import-duplicate-attribute", f"{ref} has {name} twice")
                continue
            rec[fields[name][1]] = value
        else:
            r.reject(n, f"A on {ref}", "import-unknown-attribute",
                     f"attribute {name}{'' if value is None else ' ' + value} on a {rec['type']} has no counterpart "
                     "in kashcorpus")
            continue
        r.out.accounted[n] = f"{name} of {ref}"


def _apply_normalisations(r: _Reading, norms: list[Normalization]) -> None:
    for x in norms:
        n, ref, dbid = x.line, x.target, x.ref
        rec = r.target.get(ref)
        db, _, key = dbid.partition(":")
        field_ = {"mention": "entity", "attribution": "source_entity"}.get(rec["type"]) if rec else None
        if rec is None:
            r.reject(n, f"N on {ref}", "import-dangling-reference",
                     f"normalisation {dbid} is on {ref}, which was not imported")
        elif db != DB or not ENTITY_ID.fullmatch(key) or field_ is None:
            r.reject(n, f"N on {ref}", "import-unknown-normalisation",
                     f"{dbid} is not a kashcorpus registry id ({DB}:<id>) on a mention or attribution; "
                     "add the entity to the registry and link the mention to it")
        elif rec[field_] is not None:
            r.reject(n, f"N on {ref}", "import-duplicate-attribute", f"{ref} has two registry links")
        else:
            rec[field_] = key
            r.out.accounted[n] = f"{field_} of {ref}"


def _apply_notes(r: _Reading, notes: list[Note]) -> None:
    """A note that starts with a record id of its record's kind (``m3``, ``m3 | text``, ``m3 text``) gives the
    record that id (and the rest as its note); any other text is the note. An id given twice, to one record or
    to two, is reported (never renumbered or dropped)."""
    claimed: dict[str, str] = {}  # record id -> the brat id whose note gives it
    for x in notes:
        n, ref, body = x.line, x.target, x.text
        rec = r.target.get(ref)
        if rec is None:
            r.reject(n, f"# on {ref}", "import-dangling-reference", f"the note {body!r} is on {ref}, which was not imported")
            continue
        m = NOTE_ID.fullmatch(body)
        if m and m.group(1)[0] == ID_PREFIX[rec["type"]]:
            rid = m.group(1)
            if rec["id"] is not None and rec["id"] != rid:
                r.reject(n, f"# on {ref}", "import-duplicate-id",
                         f"{ref} has two record ids in its notes ({rec['id']} and {rid}); keep the one it had")
                continue
            if claimed.get(rid, ref) != ref:
                r.reject(n, f"# on {ref}", "import-duplicate-id",
                         f"the note of {ref} gives it the record id {rid}, which the note of {claimed[rid]} gives "
                         f"already; remove the copied id from the note of the annotation added later")
                continue
            claimed[rid] = ref
            rec["id"] = rid
            note = m.group(2) if m.group(2) is not None else m.group(3)
        else:
            note = body
        if note is not None:
            rec["note"] = rec["note"] + " " + note if rec.get("note") is not None else note
        r.out.accounted[n] = f"note of {ref}"


def _final_records(r: _Reading) -> list[dict]:
    """The records that have everything they need, in line order, with ids and references resolved."""
    keep: dict[str, dict] = {}
    for ref, rec in r.target.items():
        missing = [k for k in ("label", "claim_type", "certainty", "asserted_by", "source_type")
                   if k in rec and rec[k] is None]
        if missing:
            r.reject(r.line_of(ref), ref, "import-incomplete",
                     f"{ref} ({rec['type']}) has no {', '.join(missing)} attribute")
            continue
        keep[ref] = rec
    ordered = sorted(keep.items(), key=lambda kv: r.line_of(kv[0]))
    records = assign_ids([rec for _, rec in ordered])
    ids = {ref: rec["id"] for (ref, _), rec in zip(ordered, records)}
    for (ref, _), rec in zip(ordered, records):
        for key in ("attribution", "parent"):
            val = rec.get(key)
            if isinstance(val, tuple):
                rec[key] = None if val[1] is None else ids.get(val[1])
                if val[1] is not None and rec[key] is None:
                    r.reject(r.events[val[1]].line if val[1] in r.events else 0, ref, "import-dangling-reference",
                             f"{ref}'s {key} names {val[1]}, which was not imported")
        r.out.accounted[r.line_of(ref)] = rec["id"]
    return records


def from_standoff(text: str, standoff: Standoff, doc: str, label_map: dict[str, str] | None = None) -> BratImport:
    """Records from the brat objects of ``doc`` (whose text is ``text``); every line is accounted for or rejected.

    Discontinuous spans (``T1 ORG 0 5;9 13``) are refused with a problem, never truncated. Offsets are
    trusted and checked: a T line whose text differs from ``text`` at its offsets is rejected.
    """
    r = _Reading(text, BratImport(doc))
    attrs, norms, notes = _read_items(r, standoff.items)
    _span_records(r, label_map or {})
    _attribution_records(r)
    _apply_attributes(r, attrs)
    _apply_normalisations(r, norms)
    _apply_notes(r, notes)
    r.out.records = _final_records(r)
    return r.out


def from_brat(text: str, ann: str, doc: str, label_map: dict[str, str] | None = None) -> BratImport:
    """Records from the .ann text of ``doc`` (whose text is ``text``): :func:`from_standoff` of the parsed file.

    >>> out = from_brat("Hamas met", "T1\\tORG 0 5\\tHamas\\n", "d")
    >>> [(r["id"], r["label"]) for r in out.records], out.accounted
    ([('m1', 'ORG')], {1: 'm1'})
    """
    lines = ann.count("\n") + 1
    if lines > MAX_DOCUMENT_ITEMS:
        detail = f"{doc}.ann has {lines} lines, more than the {MAX_DOCUMENT_ITEMS} an import reads for one document"
        return BratImport(doc, problems=Problems([problem("import-too-large", doc, f"{doc}.ann", detail=detail)]))
    return from_standoff(text, parse(ann), doc, label_map)

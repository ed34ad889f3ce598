"""brat standoff: one .txt and .ann per document plus the three .conf files (to_brat / from_brat)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..model import ENTITY_ID, ID_PREFIX, RECORD_ID
from ..resources import taxonomy
from .common import Annotated, Problem, assign_ids, check_span_text

# Characters Python's (and so brat's) line reading splits on: never inside a field of an .ann line.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
FIELD_BREAKS = LINE_BREAKS + "\t"
DB = "kashcorpus"
ZONE, CLAIM, SOURCE, CUE, ATTRIBUTION = "Zone", "Claim", "Source", "Cue", "Attribution"
CLAIM_ATTRS = (("ClaimType", "claim_type"), ("Certainty", "certainty"), ("AssertedBy", "asserted_by"))
NOTE_ID = re.compile(rf"({RECORD_ID.pattern})(?: \| (.*))?", re.S)


def field_text(s: str) -> str:
    """A span's text as written in an .ann line: line breaks and tabs become spaces (offsets stay exact).

    >>> field_text("a\\r\\nb\\tc")
    'a  b c'
    """
    return "".join(" " if ch in FIELD_BREAKS else ch for ch in s)


# -- to brat ---------------------------------------------------------------------------------------

def to_brat(doc: Annotated) -> tuple[str, list[Problem]]:
    """The .ann text for ``doc`` and the problems (a note brat cannot hold). The .txt is ``doc.text`` itself.

    Zones, mentions and claims are T lines; an attribution is an ``Attribution`` event whose trigger is
    its content span, with ``Source``, ``Cue``, ``Parent`` and ``Claim`` arguments. Record ids and notes
    travel in ``AnnotatorNotes`` (``m3`` or ``m3 | the note``).

    >>> ann, _ = to_brat(Annotated("d", "Hamas met", [{"type": "mention", "id": "m1", "start": 0, "end": 5,
    ...                                                "text": "Hamas", "label": "ORG", "entity": "hamas"}]))
    >>> ann.splitlines()
    ['T1\\tORG 0 5\\tHamas', 'N1\\tReference T1 kashcorpus:hamas\\thamas', '#1\\tAnnotatorNotes T1\\tm1']
    """
    lines: list[str] = []
    problems: list[Problem] = []
    counters = {"T": 0, "E": 0, "A": 0, "N": 0, "#": 0}
    tid: dict[str, str] = {}
    eid: dict[str, str] = {}

    def new(kind: str) -> str:
        counters[kind] += 1
        return f"{kind}{counters[kind]}"

    def t_line(type_: str, start: int, end: int, text: str) -> str:
        t = new("T")
        lines.append(f"{t}\t{type_} {start} {end}\t{field_text(text)}")
        return t

    def notes(target: str, rec: dict) -> None:
        note = rec.get("note")
        body = rec["id"]
        if note is not None:
            if any(ch in FIELD_BREAKS for ch in note):
                problems.append(Problem(doc.doc, rec["id"], "note-unrepresentable",
                                        "the note holds a line break or tab, which an .ann line cannot; it is written with spaces"))
            body += " | " + field_text(note)
        lines.append(f"{new('#')}\tAnnotatorNotes {target}\t{body}")

    def attr(name: str, target: str, value: str | None = None) -> None:
        lines.append(f"{new('A')}\t{name} {target}" + ("" if value is None else f" {value}"))

    def norm(target: str, entity: str) -> None:
        lines.append(f"{new('N')}\tReference {target} {DB}:{entity}\t{entity}")

    for rec in doc.records:
        kind = rec["type"]
        if kind == "zone":
            t = tid[rec["id"]] = t_line(ZONE, rec["start"], rec["end"], rec["text"])
            attr("ZoneType", t, rec["label"])
        elif kind == "mention":
            t = tid[rec["id"]] = t_line(rec["label"], rec["start"], rec["end"], rec["text"])
            if rec.get("entity") is not None:
                norm(t, rec["entity"])
        elif kind == "claim":
            t = tid[rec["id"]] = t_line(CLAIM, rec["start"], rec["end"], rec["text"])
            for name, key in CLAIM_ATTRS:
                attr(name, t, rec[key])
            if rec["checkworthy"]:
                attr("Checkworthy", t)
        else:
            continue
        notes(t, rec)
    attributions = [r for r in doc.records if r["type"] == "attribution"]
    for rec in attributions:
        eid[rec["id"]] = f"E{len(eid) + 1}"
    counters["E"] = len(eid)
    for rec in attributions:
        c = rec["content"]
        trig = t_line(ATTRIBUTION, c["start"], c["end"], c["text"])
        args = [f"{ATTRIBUTION}:{trig}"]
        for part, type_ in (("source", SOURCE), ("cue", CUE)):
            if rec.get(part) is not None:
                s = rec[part]
                args.append(f"{type_}:{t_line(type_, s['start'], s['end'], s['text'])}")
        if rec.get("parent") is not None:
            args.append(f"Parent:{eid[rec['parent']]}")
        claims = [r["id"] for r in doc.records if r["type"] == "claim" and r.get("attribution") == rec["id"]]
        for k, cid in enumerate(claims):
            args.append(f"Claim{k + 1 if k else ''}:{tid[cid]}")
        e = eid[rec["id"]]
        lines.append(f"{e}\t{' '.join(args)}")
        attr("SourceType", e, rec["source_type"])
        if rec.get("source_entity") is not None:
            norm(e, rec["source_entity"])
        notes(e, rec)
    return "".join(line + "\n" for line in lines), problems


def annotation_conf() -> str:
    """``annotation.conf`` for the exported folder (all four sections), from the taxonomy."""
    tax = taxonomy()
    ents = [ZONE, *tax["mention"], CLAIM, SOURCE, CUE]
    out = ["# kashcorpus layers: zones, mentions (by label), claims, attribution source and cue;",
           "# an attribution is an event whose trigger is its content span.", "", "[entities]", "", *ents, "",
           "[relations]", "", "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>", "", "[events]", "",
           f"{ATTRIBUTION}\tSource?:{SOURCE}, Cue?:{CUE}, Parent?:{ATTRIBUTION}, Claim*:{CLAIM}", "",
           "[attributes]", "",
           f"ZoneType\tArg:{ZONE}, Value:{'|'.join(tax['zone'])}"]
    out += [f"{name}\tArg:{CLAIM}, Value:{'|'.join(tax[key])}" for name, key in CLAIM_ATTRS]
    out += [f"Checkworthy\tArg:{CLAIM}", f"SourceType\tArg:{ATTRIBUTION}, Value:{'|'.join(tax['source_type'])}"]
    return "\n".join(out) + "\n"


def visual_conf() -> str:
    tax = taxonomy()
    colours = ["#FF821C", "#a7c2ff", "#FFD412", "#8fd18f", "#c9a0dc", "#f4a6a6", "#9fd8df", "#e0e0a0"]
    out = ["[labels]", "", f"{ZONE} | Zone", f"{CLAIM} | Claim", f"{SOURCE} | Source", f"{CUE} | Cue",
           f"{ATTRIBUTION} | Attribution content | Content", "", "[drawing]", "",
           "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
           "ARC_DEFAULT\tcolor:black, dashArray:-, arrowHead:triangle-5", "",
           f"{ZONE}\tbgColor:#eeeeee", f"{CLAIM}\tbgColor:#ffe0b0", f"{SOURCE}\tbgColor:#b0d0ff",
           f"{CUE}\tbgColor:#d0b0ff", f"{ATTRIBUTION}\tbgColor:#b0ffd0"]
    out += [f"{label}\tbgColor:{colours[k % len(colours)]}" for k, label in enumerate(tax["mention"])]
    return "\n".join(out) + "\n"


def tools_conf() -> str:
    return ("[options]\n\nValidation\tvalidate:all\nTokens\ttokenizer:whitespace\nSentences\tsplitter:newline\n"
            "Annotation-log\tlogfile:<NONE>\n\n[search]\n\n[annotators]\n\n[disambiguators]\n\n[normalization]\n\n"
            f"# N lines name entities of the kashcorpus registry (annotations/entities.jsonl) as {DB}:<id>.\n")


# -- from brat -------------------------------------------------------------------------------------

@dataclass
class BratImport:
    """An .ann file read back: records, what became of every line, and the lines that were rejected."""

    doc: str
    records: list[dict] = field(default_factory=list)
    accounted: dict[int, str] = field(default_factory=dict)  # line number -> what it became
    problems: list[Problem] = field(default_factory=list)


def _mention_label(type_: str, label_map: dict[str, str]) -> str | None:
    labels = taxonomy()["mention"]
    mapped = label_map.get(type_, type_)
    if mapped in labels:
        return mapped
    return next((m for m in labels if m.lower() == mapped.lower()), None)


def from_brat(text: str, ann: str, doc: str, label_map: dict[str, str] | None = None) -> BratImport:
    """Records from the .ann text of ``doc`` (whose text is ``text``); every line is accounted for or rejected.

    Discontinuous spans (``T1 ORG 0 5;9 13``) are refused with a problem, never truncated. Offsets are
    trusted and checked: a T line whose text differs from ``text`` at its offsets is rejected.

    >>> out = from_brat("Hamas met", "T1\\tORG 0 5\\tHamas\\n", "d")
    >>> [(r["id"], r["label"]) for r in out.records], out.accounted
    ([('m1', 'ORG')], {1: 'm1'})
    """
    label_map = label_map or {}
    tax = taxonomy()
    out = BratImport(doc)
    tbs: dict[str, tuple[int, str, dict]] = {}  # T id -> (line, type, span)
    events: dict[str, tuple[int, str, list[tuple[str, str]]]] = {}
    attrs: list[tuple[int, str, str, str | None]] = []
    norms: list[tuple[int, str, str]] = []
    notes: list[tuple[int, str, str]] = []
    lines = ann.split("\n")

    def reject(n: int, ident: str, kind: str, message: str) -> None:
        out.problems.append(Problem(doc, f"line {n} ({ident})", kind, message))

    for n, raw in enumerate(lines, 1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip():
            continue
        ident, _, rest = line.partition("\t")
        head, _, tail = rest.partition("\t")
        kind = ident[:1]
        if kind == "T":
            m = re.fullmatch(r"(\S+) (\d+ \d+(?:;\d+ \d+)*)", head)
            if not m:
                reject(n, ident, "bad-line", f"cannot read {line!r} as a text-bound annotation")
                continue
            frags = [tuple(int(x) for x in f.split()) for f in m.group(2).split(";")]
            if len(frags) > 1:
                reject(n, ident, "discontinuous-span",
                       f"{ident} has {len(frags)} fragments ({', '.join(f'{s}-{e}' for s, e in frags)}); kashcorpus "
                       "spans are contiguous: split it into separate annotations (it was not imported, not truncated)")
                continue
            s, e = frags[0]
            why = check_span_text(text, s, e, None)
            if why is None and field_text(text[s:e]) != field_text(tail):
                why = f"text[{s}:{e}] is {text[s:e]!r}, the .ann says {tail!r}"
            if why:
                reject(n, ident, "span-mismatch", why)
                continue
            tbs[ident] = (n, m.group(1), {"start": s, "end": e, "text": text[s:e]})
        elif kind == "E":
            parts = head.split()
            try:
                pairs = [tuple(p.split(":", 1)) for p in parts]
                if any(len(p) != 2 for p in pairs) or not pairs:
                    raise ValueError
            except ValueError:
                reject(n, ident, "bad-line", f"cannot read {line!r} as an event")
                continue
            events[ident] = (n, pairs[0][0], pairs)
        elif kind in ("A", "M"):
            parts = head.split()
            if len(parts) not in (2, 3):
                reject(n, ident, "bad-line", f"cannot read {line!r} as an attribute")
                continue
            attrs.append((n, parts[0], parts[1], parts[2] if len(parts) == 3 else None))
        elif kind == "N":
            parts = head.split()
            if len(parts) != 3:
                reject(n, ident, "bad-line", f"cannot read {line!r} as a normalisation")
                continue
            norms.append((n, parts[1], parts[2]))
        elif kind == "#":
            parts = head.split()
            if len(parts) != 2 or parts[0] != "AnnotatorNotes":
                reject(n, ident, "bad-line", f"cannot read {line!r} as an annotator note")
                continue
            notes.append((n, parts[1], tail))
        elif kind == "R":
            reject(n, ident, "unknown-relation",
                   f"relation {head.split()[0] if head else '?'} has no counterpart in kashcorpus "
                   "(attributions are events; claims join them as Claim arguments)")
        elif kind == "*":
            reject(n, ident, "unknown-relation", "equivalence (*) lines have no counterpart; link mentions to registry entities instead")
        else:
            reject(n, ident, "bad-line", f"cannot read {line!r}: unknown annotation kind {kind!r}")

    # which record each T and E becomes
    target: dict[str, dict] = {}
    line_of: dict[int, dict] = {}
    used_t: dict[str, str] = {}
    for t, (n, type_, span) in tbs.items():
        if type_ == ZONE:
            rec = {"type": "zone", "id": None, **span, "label": None}
        elif type_ == CLAIM:
            rec = {"type": "claim", "id": None, **span, "claim_type": None, "certainty": None, "checkworthy": False,
                   "asserted_by": None, "attribution": None}
        elif type_ in (SOURCE, CUE, ATTRIBUTION):
            continue  # accounted for by the event that uses it
        else:
            label = _mention_label(type_, label_map)
            if label is None:
                reject(n, t, "unknown-label", f"entity type {type_!r} has no counterpart in kashcorpus "
                                              f"(mention labels: {', '.join(tax['mention'])}); map it or remove it")
                continue
            rec = {"type": "mention", "id": None, **span, "label": label, "entity": None}
        target[t] = rec
        line_of[n] = rec
    for e, (n, type_, pairs) in events.items():
        if type_ != ATTRIBUTION:
            reject(n, e, "unknown-event", f"event type {type_!r} has no counterpart in kashcorpus (only {ATTRIBUTION})")
            continue
        trig = pairs[0][1]
        if trig not in tbs or tbs[trig][1] != ATTRIBUTION:
            reject(n, e, "bad-event", f"trigger {trig} is not an {ATTRIBUTION} span")
            continue
        rec = {"type": "attribution", "id": None, "source": None, "source_type": None, "source_entity": None,
               "cue": None, "content": tbs[trig][2], "parent": ("@", None)}
        bad = None
        for role, ref in pairs[1:]:
            base = role.rstrip("0123456789")
            if base in ("Source", "Cue") and ref in tbs and tbs[ref][1] == base and rec[base.lower()] is None:
                rec[base.lower()] = tbs[ref][2]
                used_t[ref] = e
            elif base == "Parent" and rec["parent"] == ("@", None):
                rec["parent"] = ("@", ref)
            elif base == "Claim" and ref in target and target[ref]["type"] == "claim":
                if target[ref]["attribution"] is not None:
                    bad = f"claim {ref} is already an argument of another attribution"
                    break
                target[ref]["attribution"] = ("@", e)
            else:
                bad = f"argument {role}:{ref} is not a Source, Cue, Parent or Claim argument this event can take"
                break
        if bad:
            reject(n, e, "bad-event", bad)
            continue
        used_t[trig] = e
        target[e] = rec
        line_of[n] = rec
    for t, (n, type_, _) in tbs.items():
        if type_ in (SOURCE, CUE, ATTRIBUTION) and t not in used_t:
            reject(n, t, "orphan-span", f"{type_} span {t} is not an argument of an {ATTRIBUTION} event")
        elif t in used_t:
            out.accounted[n] = f"part of {used_t[t]}"
    attr_fields = {"ZoneType": ("zone", "label", "zone"), "SourceType": ("attribution", "source_type", "source_type"),
                   **{name: ("claim", key, key) for name, key in CLAIM_ATTRS}}
    for n, name, ref, value in attrs:
        rec = target.get(ref)
        if rec is None:
            reject(n, f"A on {ref}", "dangling-reference", f"attribute {name} is on {ref}, which was not imported")
            continue
        if name == "Checkworthy" and rec["type"] == "claim" and value is None:
            rec["checkworthy"] = True
        elif name in attr_fields and attr_fields[name][0] == rec["type"] and value in tax[attr_fields[name][2]]:
            if rec[attr_fields[name][1]] is not None:
                reject(n, f"A on {ref}", "duplicate-attribute", f"{ref} has {name} twice")
                continue
            rec[attr_fields[name][1]] = value
        else:
            reject(n, f"A on {ref}", "unknown-attribute",
                   f"attribute {name}{'' if value is None else ' ' + value} on a {rec['type']} has no counterpart in kashcorpus")
            continue
        out.accounted[n] = f"{name} of {ref}"
    for n, ref, dbid in norms:
        rec = target.get(ref)
        db, _, key = dbid.partition(":")
        field_ = {"mention": "entity", "attribution": "source_entity"}.get(rec["type"]) if rec else None
        if rec is None:
            reject(n, f"N on {ref}", "dangling-reference", f"normalisation {dbid} is on {ref}, which was not imported")
        elif db != DB or not ENTITY_ID.fullmatch(key) or field_ is None:
            reject(n, f"N on {ref}", "unknown-normalisation",
                   f"{dbid} is not a kashcorpus registry id ({DB}:<id>) on a mention or attribution; "
                   "add the entity to the registry and link the mention to it")
        elif rec[field_] is not None:
            reject(n, f"N on {ref}", "duplicate-attribute", f"{ref} has two registry links")
        else:
            rec[field_] = key
            out.accounted[n] = f"{field_} of {ref}"
    for n, ref, body in notes:
        rec = target.get(ref)
        if rec is None:
            reject(n, f"# on {ref}", "dangling-reference", f"the note {body!r} is on {ref}, which was not imported")
            continue
        m = NOTE_ID.fullmatch(body)
        if m and m.group(1)[0] == ID_PREFIX[rec["type"]] \
                and rec["id"] is None:
            rec["id"] = m.group(1)
            note = m.group(2)
        else:
            note = body
        if note is not None:
            if rec.get("note") is not None:
                rec["note"] += " " + note
            else:
                rec["note"] = note
        out.accounted[n] = f"note of {ref}"
    # records with everything they need
    keep: dict[str, dict] = {}
    for ref, rec in target.items():
        n = tbs[ref][0] if ref in tbs else events[ref][0]
        missing = [k for k in ("label", "claim_type", "certainty", "asserted_by", "source_type") if k in rec and rec[k] is None]
        if missing:
            reject(n, ref, "incomplete", f"{ref} ({rec['type']}) has no {', '.join(missing)} attribute")
            continue
        keep[ref] = rec
    ordered = sorted(keep.items(), key=lambda kv: (tbs[kv[0]][0] if kv[0] in tbs else events[kv[0]][0]))
    records = assign_ids([rec for _, rec in ordered])
    ids = {ref: rec["id"] for (ref, _), rec in zip(ordered, records)}
    for (ref, _), rec in zip(ordered, records):
        for key in ("attribution", "parent"):
            val = rec.get(key)
            if isinstance(val, tuple):
                rec[key] = None if val[1] is None else ids.get(val[1])
                if val[1] is not None and rec[key] is None:
                    reject(events[val[1]][0] if val[1] in events else 0, ref, "dangling-reference",
                           f"{ref}'s {key} names {val[1]}, which was not imported")
        n = tbs[ref][0] if ref in tbs else events[ref][0]
        out.accounted[n] = rec["id"]
    out.records = records
    return out


# -- folders ---------------------------------------------------------------------------------------

def write_folder(folder: Path, docs: Iterable[Annotated]) -> list[Problem]:
    """Write ``<doc>.txt`` and ``<doc>.ann`` per document and the three .conf files; return the problems."""
    from ..io import atomic_write

    folder = Path(folder)
    problems: list[Problem] = []
    for d in docs:
        ann, probs = to_brat(d)
        problems += probs
        atomic_write(folder / f"{d.doc}.txt", d.text.encode("utf-8"))
        atomic_write(folder / f"{d.doc}.ann", ann.encode("utf-8"))
    atomic_write(folder / "annotation.conf", annotation_conf().encode("utf-8"))
    atomic_write(folder / "visual.conf", visual_conf().encode("utf-8"))
    atomic_write(folder / "tools.conf", tools_conf().encode("utf-8"))
    return problems


def read_folder(folder: Path) -> list[tuple[str, str, str]]:
    """``(doc, text, ann)`` for every ``.ann`` file of ``folder`` that has its ``.txt``, sorted.

    Raises ``ValueError`` with one sentence for a missing .txt or a file that is not UTF-8.
    """
    out = []
    for ann_path in sorted(Path(folder).glob("*.ann")):
        txt = ann_path.with_suffix(".txt")
        if not txt.is_file():
            raise ValueError(f"{ann_path.name} has no {txt.name} beside it")
        try:
            out.append((ann_path.stem, txt.read_bytes().decode("utf-8"), ann_path.read_bytes().decode("utf-8")))
        except UnicodeDecodeError as e:
            raise ValueError(f"{ann_path.stem} is not UTF-8: {e}") from None
    return out


def import_folder(root: Path, folder: Path, *, layer: str = "gold", label_map: dict[str, str] | None = None,
                  replace: bool = False):
    """Read a brat folder into annotation files of the corpus at ``root`` (validated; ``commit()`` writes).

    A document's .txt must be its corpus text exactly; every line of every .ann is accounted for or
    reported.
    """
    from .common import ImportReport, load_documents, plan_import

    report = ImportReport()
    texts = {d.doc: d.text for d in load_documents(root)}
    layers: dict[tuple[str, str], list[dict]] = {}
    for doc, text, ann in read_folder(folder):
        if doc not in texts:
            report.problems.append(Problem(doc, f"{doc}.ann", "unknown-document", f"{doc} is not a corpus document"))
            continue
        if text != texts[doc]:
            report.problems.append(Problem(doc, f"{doc}.txt", "text-differs",
                                           f"{doc}.txt is not the corpus text of {doc}; offsets would not fit"))
            continue
        got = from_brat(text, ann, doc, label_map)
        report.problems += got.problems
        report.notes.append(f"{doc}: {len(got.records)} records from {len(got.accounted)} lines")
        layers[(doc, layer)] = got.records
    plan_import(Path(root), layers, replace, report)
    return report

"""Span commands: add, list, change, move and remove zones, mentions and claims, and add attributions."""
from __future__ import annotations

from pathlib import Path
from collections.abc import Iterable

from ..errors import AnnotateError
from ..io import read_jsonl
from ..layout import Layout
from ..model import PARTS, RECORD_ID, next_id
from ..quotes import locate, occurrences, quote_edge_warning, resolve_span
from ..resources import taxonomy
from ..store import AnnotationFile, Change
from .common import (CLAIM_DEFAULTS, SPAN_KINDS, Result, annotation_path, check_values, describe, finish, lock_paths,
                     open_document, parse_assignments, record_of, registry_of, span_fields, sync_aliases, zone_clash)

# -- span commands ---------------------------------------------------------------------

def add_span(root: Path, doc: str, kind: str, *, label: str | None = None, quote: str | None = None,
             occurrence: int | None = None, context: str | None = None, start: int | None = None,
             end: int | None = None, entity: str | None = None, attrs: Iterable[str] = (),
             annotator: str | None = None) -> Result:
    """Add a zone, mention or claim found by quoting it; return what was added."""
    if kind not in SPAN_KINDS:
        raise AnnotateError(f"span add takes a zone, mention or claim, not {kind!r} (use 'kashcorpus attribution add')")
    layout = Layout(Path(root))
    path = annotation_path(layout, doc, annotator)
    values = parse_assignments(kind, attrs)
    key = "claim_type" if kind == "claim" else "label"
    if label is not None:
        values[key] = label
    if values.get(key) is None:
        raise AnnotateError(f"give the {kind}'s {'claim type' if kind == 'claim' else 'label'} with --label")
    if kind == "mention":
        values.setdefault("entity", entity)
    elif entity is not None:
        raise AnnotateError("--entity applies to mentions only")
    if kind == "claim":
        values = {**CLAIM_DEFAULTS, **values}
    with Change(layout.root, lock_paths(layout, path, annotator)) as ch:
        check_values(kind, values, registry_of(ch, annotator))
        af, text = open_document(ch, path, doc, annotator)
        s, e = resolve_span(text, doc, quote=quote, occurrence=occurrence, context=context, start=start, end=end)
        if kind == "zone":
            zone_clash(af, s, e)
        twin = next((r for r in af.of_type(kind) if (r["start"], r["end"]) == (s, e)), None)
        if twin is not None:
            raise AnnotateError(f"{af.rel} already has {describe(twin)}; change it with 'kashcorpus span set'")
        rec = {"type": kind, "id": next_id(af.records, kind), **span_fields(text, s, e), **values}
        af.records.append(rec)
        ch.put(af)
        notes = sync_aliases(ch, af, [rec.get("entity")])
    return finish(f"added {describe(rec)} to {af.rel}", notes, ch, {"action": "add", "doc": doc, "record": rec},
                  _edge_warnings(rec))


def _edge_warnings(rec: dict) -> list[str]:
    """The command's own warnings on a record it wrote (a claim or mention with quotation marks inside its span)."""
    w = quote_edge_warning(rec.get("text", ""), rec["type"])
    return [w] if w else []


def remove_span(root: Path, doc: str, rid: str, *, annotator: str | None = None) -> Result:
    """Remove one record (zone, mention, claim or attribution) by id."""
    layout = Layout(Path(root))
    path = annotation_path(layout, doc, annotator)
    with Change(layout.root, lock_paths(layout, path, annotator)) as ch:
        af, _text = open_document(ch, path, doc, annotator)
        rec = record_of(af, rid)
        af.records.remove(rec)
        ch.put(af)
        notes = sync_aliases(ch, af, [rec.get("entity")])
    return finish(f"removed {describe(rec)} from {af.rel}", notes, ch, {"action": "rm", "doc": doc, "record": rec})


def set_fields(root: Path, doc: str, rid: str, assignments: Iterable[str], *, annotator: str | None = None) -> Result:
    """Change fields of one record (label, entity, claim fields, note …) with ``key=value`` pairs."""
    layout = Layout(Path(root))
    path = annotation_path(layout, doc, annotator)
    assignments = list(assignments)
    if not assignments:
        raise AnnotateError("give at least one key=value to set")
    with Change(layout.root, lock_paths(layout, path, annotator)) as ch:
        af, _text = open_document(ch, path, doc, annotator)
        rec = record_of(af, rid)
        values = parse_assignments(rec["type"], assignments)
        check_values(rec["type"], values, registry_of(ch, annotator))
        before = dict(rec)
        changes = []
        for k, v in values.items():
            if rec.get(k) != v:
                changes.append(f"{k} {rec.get(k)!r} -> {v!r}")
            if k == "note" and v is None:
                rec.pop("note", None)
            else:
                rec[k] = v
        ch.put(af)
        notes = sync_aliases(ch, af, [before.get("entity"), rec.get("entity")])
    msg = f"{rid} in {af.rel}: " + ("; ".join(changes) if changes else "nothing changed")
    return finish(msg, notes, ch, {"action": "set", "doc": doc, "before": before, "record": rec})


def move_span(root: Path, doc: str, rid: str, *, quote: str | None = None, occurrence: int | None = None,
              context: str | None = None, start: int | None = None, end: int | None = None,
              part: str | None = None, annotator: str | None = None) -> Result:
    """Put a record on other words of the text (for an attribution: its ``part``, content by default)."""
    layout = Layout(Path(root))
    path = annotation_path(layout, doc, annotator)
    with Change(layout.root, lock_paths(layout, path, annotator)) as ch:
        af, text = open_document(ch, path, doc, annotator)
        rec = record_of(af, rid)
        before = {k: (dict(v) if isinstance(v, dict) else v) for k, v in rec.items()}
        s, e = resolve_span(text, doc, quote=quote, occurrence=occurrence, context=context, start=start, end=end)
        if rec["type"] == "attribution":
            part = part or "content"
            if part not in PARTS:
                raise AnnotateError(f"--part takes source, cue or content, not {part!r}")
            old = rec[part]
            rec[part] = span_fields(text, s, e)
            what = f"{part} of {rid}: " + (f"[{old['start']}, {old['end']}) " if old else "none ")
        else:
            if part is not None:
                raise AnnotateError("--part applies to attributions only")
            if rec["type"] == "zone":
                zone_clash(af, s, e, skip=rid)
            what = f"{rid}: [{rec['start']}, {rec['end']}) {rec['text']!r} "
            rec.update(span_fields(text, s, e))
        ch.put(af)
        notes = sync_aliases(ch, af, [rec.get("entity")])
    msg = f"moved {what}-> [{s}, {e}) {text[s:e]!r} in {af.rel}"
    return finish(msg, notes, ch, {"action": "move", "doc": doc, "before": before, "record": rec}, _edge_warnings(rec))


def list_spans(root: Path, doc: str, kind: str | None = None, *, annotator: str | None = None) -> list[dict]:
    """The records of one annotation file (of one type if ``kind``), in canonical order."""
    layout = Layout(Path(root))
    path = annotation_path(layout, doc, annotator)
    if not path.exists():
        return []
    recs = [r for r in read_jsonl(path, layout.root) if r.get("type") != "header"]
    return [r for r in recs if kind is None or r["type"] == kind]


# -- attributions ---------------------------------------------------------------------------

def _part(text: str, doc: str, af: AnnotationFile, name: str, value: str | None, occurrence: int | None,
          near: tuple[int, int] | None) -> tuple[dict | None, str]:
    """A part of an attribution from a record id or a quote; an ambiguous quote takes the occurrence nearest ``near``."""
    if value is None:
        return None, ""
    rec = af.get(value) if RECORD_ID.fullmatch(value) else None
    if rec is not None:
        if rec["type"] == "attribution":
            raise AnnotateError(f"--{name} {value} names an attribution; give a span (zone, mention, claim) or a quote")
        return span_fields(text, rec["start"], rec["end"]), f" ({name} from {value})"
    quote = value.strip()
    starts = occurrences(text, quote)
    if len(starts) > 1 and occurrence is None and near is not None:
        dist = sorted((max(0, near[0] - (s + len(quote)), s - near[1]), s) for s in starts)
        if dist[0][0] < dist[1][0]:
            s = dist[0][1]
            return span_fields(text, s, s + len(quote)), f" ({name}: the occurrence nearest the content)"
    try:
        s, e = locate(text, quote, occurrence=occurrence, doc=doc, option=f"--{name}-occurrence",
                      choose=f"--{name}-occurrence N, or a record id as --{name}")
    except AnnotateError as err:
        raise AnnotateError(f"--{name}: {err}", err.details) from None
    return span_fields(text, s, e), ""


def add_attribution(root: Path, doc: str, *, content: str, source: str | None = None, cue: str | None = None,
                    source_type: str | None = None, source_entity: str | None = None, parent: str | None = None,
                    claim: str | None = None, note: str | None = None, occurrence: dict | None = None,
                    annotator: str | None = None) -> Result:
    """Add who-said-what: each of source, cue and content is a record id (its span) or a quote.

    ``claim`` names a claim this attribution carries: it is set to ``asserted_by: attributed``.
    """
    occurrence = occurrence or {}
    layout = Layout(Path(root))
    path = annotation_path(layout, doc, annotator)
    if source_type is None:
        raise AnnotateError(f"give --source-type ({', '.join(taxonomy()['source_type'])})")
    with Change(layout.root, lock_paths(layout, path, annotator)) as ch:
        af, text = open_document(ch, path, doc, annotator)
        content_span, n1 = _part(text, doc, af, "content", content, occurrence.get("content"), None)
        assert content_span is not None  # content is required: _part gives a span or raises
        near = (content_span["start"], content_span["end"])
        source_span, n2 = _part(text, doc, af, "source", source, occurrence.get("source"), near)
        cue_span, n3 = _part(text, doc, af, "cue", cue, occurrence.get("cue"), near)
        named = af.get(source) if source is not None and RECORD_ID.fullmatch(source) else None
        if source_entity is None and named:
            source_entity = named.get("entity")
        values = {"source_type": source_type, "source_entity": source_entity}
        check_values("attribution", values, registry_of(ch, annotator))
        if parent is not None and (af.get(parent) or {}).get("type") != "attribution":
            raise AnnotateError(f"--parent {parent} is not an attribution in {af.rel}")
        rec = {"type": "attribution", "id": next_id(af.records, "attribution"), "source": source_span,
               "source_type": source_type, "source_entity": source_entity, "cue": cue_span,
               "content": content_span, "parent": parent}
        if note:
            rec["note"] = note
        af.records.append(rec)
        notes = [n.strip(" ()") for n in (n1, n2, n3) if n]
        if claim is not None:
            c = record_of(af, claim)
            if c["type"] != "claim":
                raise AnnotateError(f"--claim {claim} is a {c['type']}, not a claim")
            c["attribution"] = rec["id"]
            c["asserted_by"] = "author" if source_type == "author" else "attributed"
            notes.append(f"claim {claim} now carried by {rec['id']} (asserted_by {c['asserted_by']})")
        ch.put(af)
    return finish(f"added {describe(rec)} to {af.rel}", notes, ch, {"action": "add", "doc": doc, "record": rec})

"""Annotating by quoting: find a quote in a text, then add, change and remove spans, attributions and entities."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .io import read_jsonl
from .layout import Layout
from .model import ENTITY_ID, FLAT_LAYERS, ID_PREFIX, LABEL_FIELDS, PARTS, RECORD_ID, is_doc_id, layer_name, next_id
from .resources import record_schema, taxonomy
from .errors import AnnotateError
from .quotes import locate, occurrences, resolve_span
from .store import AnnotationFile, Change

SPAN_KINDS = FLAT_LAYERS
CLAIM_DEFAULTS = {"certainty": "asserted", "checkworthy": False, "asserted_by": "author", "attribution": None}
FIXED = ("type", "id", "start", "end", "text", "source", "cue", "content")


@dataclass
class Result:
    """What a command changed: a short confirmation for people and the same as data for ``--json``."""

    message: str
    data: dict = field(default_factory=dict)


# -- values from the command line ---------------------------------------------------------

def _field_schema(kind: str, key: str) -> dict | None:
    return record_schema(kind)["properties"].get(key)


def parse_value(kind: str, key: str, value: str):
    """A ``key=value`` value as the schema types it: ``true``/``false`` for booleans, ``null`` where allowed.

    >>> parse_value("claim", "checkworthy", "true"), parse_value("mention", "entity", "null")
    (True, None)
    >>> parse_value("mention", "note", "null") is None  # clears the note
    True
    """
    sch = _field_schema(kind, key) or {}
    alts = sch.get("anyOf", [sch])
    types = {a.get("type") for a in alts}
    if value == "null" and ("null" in types or key == "note"):
        return None
    if "boolean" in types:
        if value not in ("true", "false"):
            raise AnnotateError(f"{key} takes true or false, not {value!r}")
        return value == "true"
    return value


def parse_assignments(kind: str, pairs: Iterable[str]) -> dict:
    """``["key=value", …]`` for a record type; only fields that may change without moving the span."""
    allowed = [k for k in record_schema(kind)["properties"] if k not in FIXED]
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep:
            raise AnnotateError(f"{pair!r} is not key=value")
        if key in FIXED:
            raise AnnotateError(f"{key} cannot be set; move the span with 'kashcorpus span move' instead"
                                if key in ("start", "end", "text") else f"{key} cannot be set")
        if key not in allowed:
            raise AnnotateError(f"a {kind} has no field {key!r}; it has {', '.join(allowed)}")
        out[key] = parse_value(kind, key, value)
    return out


def check_values(kind: str, values: dict, registry: dict[str, dict]) -> None:
    """Labels in the taxonomy and entity ids in the registry, before anything is written."""
    tax = taxonomy()
    for fieldname, table in LABEL_FIELDS[kind]:
        if fieldname in values and values[fieldname] not in tax[table]:
            raise AnnotateError(f"{fieldname} {values[fieldname]!r} is not a {kind} {fieldname}; "
                                f"choose one of {', '.join(tax[table])}")
    for key in ("entity", "source_entity"):
        ent = values.get(key)
        if ent is not None and ent not in registry:
            raise AnnotateError(f"there is no entity {ent!r} in the registry; add it with 'kashcorpus entity add' "
                                "or see 'kashcorpus entity ls'")


# -- the files of one document ----------------------------------------------------------

def document_ids(layout: Layout) -> list[str]:
    return sorted(r["id"] for r in read_jsonl(layout.documents_file)) if layout.documents_file.exists() else []


def annotation_path(layout: Layout, doc: str, annotator: str | None = None) -> Path:
    """The annotation file of ``doc``: gold, or the pass of ``annotator``; unknown documents are refused."""
    known = document_ids(layout)
    if not is_doc_id(doc) or doc not in known:
        raise AnnotateError(f"there is no document {doc!r}; the corpus has {', '.join(known) or 'none'}")
    if annotator is None:
        return layout.gold_path(doc)
    try:
        return layout.pass_path(annotator, doc)
    except ValueError:
        raise AnnotateError(f"{annotator!r} is not an annotator name (lower-case letters, digits and hyphens)") from None


def _lock_paths(layout: Layout, path: Path, annotator: str | None) -> list[Path]:
    return [path] if annotator is not None else [path, layout.entities_file]


def _registry(ch: Change) -> dict[str, dict]:
    return {e["id"]: e for e in ch.table(ch.layout.entities_file, "entity").records}


def _open(ch: Change, path: Path, doc: str, annotator: str | None) -> tuple[AnnotationFile, str]:
    af = ch.annotations(path, doc, layer_name(annotator))
    text = ch.text(doc)
    if af.header["text_sha256"] != hashlib.sha256(text.encode("utf-8")).hexdigest():
        raise AnnotateError(f"{af.rel} was made on an earlier version of the text; run 'kashcorpus reanchor {doc}' first")
    return af, text


def _record(af: AnnotationFile, rid: str) -> dict:
    rec = af.get(rid)
    if rec is None:
        kinds = sorted({r["type"] for r in af.records})
        have = "; ".join(f"{k}s {_id_range(af, k)}" for k in kinds) or "no records yet"
        raise AnnotateError(f"there is no record {rid!r} in {af.rel} (it has {have})")
    return rec


def _id_range(af: AnnotationFile, kind: str) -> str:
    nums = sorted(int(r["id"][1:]) for r in af.of_type(kind))
    p = ID_PREFIX[kind]
    return f"{p}{nums[0]}" if len(nums) == 1 else f"{p}{nums[0]}…{p}{nums[-1]}"


def sync_aliases(ch: Change, af: AnnotationFile, entities: Iterable[str | None]) -> list[str]:
    """Keep each touched entity's aliases in step with its gold mentions: the aliases are every surface form
    its gold mentions use (the name too, when a mention uses it); a form no mention uses any more is removed."""
    touched = {e for e in entities if e}
    if not touched or af.layer != "gold":
        return []
    reg = ch.table(ch.layout.entities_file, "entity")
    used: dict[str, set[str]] = {e: set() for e in touched if reg.get(e)}
    files = {p: None for _l, p in ch.layout.annotation_files() if _l == "gold"}
    files[af.path] = af
    for p, f in files.items():
        records = f.records if f is not None else ch.annotations(p, p.name[:-6], "gold").records
        for r in records:
            if r.get("type") == "mention" and r.get("entity") in used:
                used[r["entity"]].add(r["text"])
    notes = []
    for eid, texts in sorted(used.items()):
        e = reg.get(eid)
        old = e["aliases"]
        new = sorted(texts)
        if new != old:
            added, gone = sorted(set(new) - set(old)), sorted(set(old) - set(new))
            e["aliases"] = new
            notes += [f"alias {a!r} added to entity {eid}" for a in added]
            notes += [f"alias {a!r} removed from entity {eid} (no gold mention uses it now)" for a in gone]
    if notes:
        ch.put(reg)
    return notes


def _finish(message: str, notes: list[str], ch: Change, data: dict) -> Result:
    data = {"ok": True, **data, "files": ch.written, "notes": notes}
    return Result("\n".join([message] + [f"  {n}" for n in notes]), data)


def _span_fields(text: str, s: int, e: int) -> dict:
    return {"start": s, "end": e, "text": text[s:e]}


def _zone_clash(af: AnnotationFile, s: int, e: int, skip: str | None = None) -> None:
    for z in af.of_type("zone"):
        if z["id"] != skip and z["start"] < e and s < z["end"]:
            raise AnnotateError(f"zone [{s}, {e}) would overlap zone {z['id']} [{z['start']}, {z['end']}) "
                                f"{z['label']}; zones tile the text without overlapping")


def describe(rec: dict) -> str:
    """One line naming a record, for confirmations."""
    if rec["type"] == "attribution":
        parts = [f"{p} {rec[p]['text']!r}" for p in PARTS if rec.get(p)]
        return f"{rec['id']} attribution ({rec['source_type']}): " + ", ".join(parts)
    label = rec.get("label") or rec.get("claim_type")
    extra = f" -> {rec['entity']}" if rec.get("entity") else ""
    return f"{rec['id']} {rec['type']} {label} [{rec['start']}, {rec['end']}) {rec['text']!r}{extra}"


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
    with Change(layout.root, _lock_paths(layout, path, annotator)) as ch:
        check_values(kind, values, _registry(ch))
        af, text = _open(ch, path, doc, annotator)
        s, e = resolve_span(text, doc, quote=quote, occurrence=occurrence, context=context, start=start, end=end)
        if kind == "zone":
            _zone_clash(af, s, e)
        twin = next((r for r in af.of_type(kind) if (r["start"], r["end"]) == (s, e)), None)
        if twin is not None:
            raise AnnotateError(f"{af.rel} already has {describe(twin)}; change it with 'kashcorpus span set'")
        rec = {"type": kind, "id": next_id(af.records, kind), **_span_fields(text, s, e), **values}
        af.records.append(rec)
        ch.put(af)
        notes = sync_aliases(ch, af, [rec.get("entity")])
    return _finish(f"added {describe(rec)} to {af.rel}", notes, ch, {"action": "add", "doc": doc, "record": rec})


def remove_span(root: Path, doc: str, rid: str, *, annotator: str | None = None) -> Result:
    """Remove one record (zone, mention, claim or attribution) by id."""
    layout = Layout(Path(root))
    path = annotation_path(layout, doc, annotator)
    with Change(layout.root, _lock_paths(layout, path, annotator)) as ch:
        af, _text = _open(ch, path, doc, annotator)
        rec = _record(af, rid)
        af.records.remove(rec)
        ch.put(af)
        notes = sync_aliases(ch, af, [rec.get("entity")])
    return _finish(f"removed {describe(rec)} from {af.rel}", notes, ch, {"action": "rm", "doc": doc, "record": rec})


def set_fields(root: Path, doc: str, rid: str, assignments: Iterable[str], *, annotator: str | None = None) -> Result:
    """Change fields of one record (label, entity, claim fields, note …) with ``key=value`` pairs."""
    layout = Layout(Path(root))
    path = annotation_path(layout, doc, annotator)
    assignments = list(assignments)
    if not assignments:
        raise AnnotateError("give at least one key=value to set")
    with Change(layout.root, _lock_paths(layout, path, annotator)) as ch:
        af, _text = _open(ch, path, doc, annotator)
        rec = _record(af, rid)
        values = parse_assignments(rec["type"], assignments)
        check_values(rec["type"], values, _registry(ch))
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
    return _finish(msg, notes, ch, {"action": "set", "doc": doc, "before": before, "record": rec})


def move_span(root: Path, doc: str, rid: str, *, quote: str | None = None, occurrence: int | None = None,
              context: str | None = None, start: int | None = None, end: int | None = None,
              part: str | None = None, annotator: str | None = None) -> Result:
    """Put a record on other words of the text (for an attribution: its ``part``, content by default)."""
    layout = Layout(Path(root))
    path = annotation_path(layout, doc, annotator)
    with Change(layout.root, _lock_paths(layout, path, annotator)) as ch:
        af, text = _open(ch, path, doc, annotator)
        rec = _record(af, rid)
        before = {k: (dict(v) if isinstance(v, dict) else v) for k, v in rec.items()}
        s, e = resolve_span(text, doc, quote=quote, occurrence=occurrence, context=context, start=start, end=end)
        if rec["type"] == "attribution":
            part = part or "content"
            if part not in PARTS:
                raise AnnotateError(f"--part takes source, cue or content, not {part!r}")
            old = rec[part]
            rec[part] = _span_fields(text, s, e)
            what = f"{part} of {rid}: " + (f"[{old['start']}, {old['end']}) " if old else "none ")
        else:
            if part is not None:
                raise AnnotateError("--part applies to attributions only")
            if rec["type"] == "zone":
                _zone_clash(af, s, e, skip=rid)
            what = f"{rid}: [{rec['start']}, {rec['end']}) {rec['text']!r} "
            rec.update(_span_fields(text, s, e))
        ch.put(af)
        notes = sync_aliases(ch, af, [rec.get("entity")])
    msg = f"moved {what}-> [{s}, {e}) {text[s:e]!r} in {af.rel}"
    return _finish(msg, notes, ch, {"action": "move", "doc": doc, "before": before, "record": rec})


def list_spans(root: Path, doc: str, kind: str | None = None, *, annotator: str | None = None) -> list[dict]:
    """The records of one annotation file (of one type if ``kind``), in canonical order."""
    layout = Layout(Path(root))
    path = annotation_path(layout, doc, annotator)
    if not path.exists():
        return []
    recs = [r for r in read_jsonl(path) if r.get("type") != "header"]
    return [r for r in recs if kind is None or r["type"] == kind]


# -- attributions ---------------------------------------------------------------------------

def _part(text: str, doc: str, af: AnnotationFile, name: str, value: str | None, occurrence: int | None,
          near: tuple[int, int] | None) -> tuple[dict | None, str]:
    """A part of an attribution from a record id or a quote; an ambiguous quote takes the occurrence nearest ``near``."""
    if value is None:
        return None, ""
    if RECORD_ID.fullmatch(value) and af.get(value) is not None:
        rec = af.get(value)
        if rec["type"] == "attribution":
            raise AnnotateError(f"--{name} {value} names an attribution; give a span (zone, mention, claim) or a quote")
        return _span_fields(text, rec["start"], rec["end"]), f" ({name} from {value})"
    quote = value.strip()
    starts = occurrences(text, quote)
    if len(starts) > 1 and occurrence is None and near is not None:
        dist = sorted((max(0, near[0] - (s + len(quote)), s - near[1]), s) for s in starts)
        if dist[0][0] < dist[1][0]:
            s = dist[0][1]
            return _span_fields(text, s, s + len(quote)), f" ({name}: the occurrence nearest the content)"
    try:
        s, e = locate(text, quote, occurrence=occurrence, doc=doc)
    except AnnotateError as err:
        raise AnnotateError(f"--{name}: {err}", err.details) from None
    return _span_fields(text, s, e), ""


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
    with Change(layout.root, _lock_paths(layout, path, annotator)) as ch:
        af, text = _open(ch, path, doc, annotator)
        content_span, n1 = _part(text, doc, af, "content", content, occurrence.get("content"), None)
        near = (content_span["start"], content_span["end"])
        source_span, n2 = _part(text, doc, af, "source", source, occurrence.get("source"), near)
        cue_span, n3 = _part(text, doc, af, "cue", cue, occurrence.get("cue"), near)
        if source_entity is None and source is not None and RECORD_ID.fullmatch(source) and af.get(source):
            source_entity = af.get(source).get("entity")
        values = {"source_type": source_type, "source_entity": source_entity}
        check_values("attribution", values, _registry(ch))
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
            c = _record(af, claim)
            if c["type"] != "claim":
                raise AnnotateError(f"--claim {claim} is a {c['type']}, not a claim")
            c["attribution"] = rec["id"]
            c["asserted_by"] = "author" if source_type == "author" else "attributed"
            notes.append(f"claim {claim} now carried by {rec['id']} (asserted_by {c['asserted_by']})")
        ch.put(af)
    return _finish(f"added {describe(rec)} to {af.rel}", notes, ch, {"action": "add", "doc": doc, "record": rec})


# -- the entity registry ------------------------------------------------------------------------

def slug(name: str) -> str:
    """A registry id made from a name.

    >>> slug("Jaish-e-Muhammad (JeM)")
    'jaish-e-muhammad-jem'
    """
    import unicodedata

    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:96].strip("-")


def entity_add(root: Path, *, name: str, etype: str, description: str, eid: str | None = None,
               external_ids: Iterable[str] = (), note: str | None = None) -> Result:
    """Add an entity to the registry (its aliases grow as gold mentions are linked to it)."""
    layout = Layout(Path(root))
    eid = eid or slug(name)
    if not eid or not ENTITY_ID.fullmatch(eid):
        raise AnnotateError(f"{eid!r} is not an entity id (lower-case ASCII words joined by hyphens); give --id")
    if etype not in taxonomy()["mention"]:
        raise AnnotateError(f"entity type {etype!r} is not one of {', '.join(taxonomy()['mention'])}")
    ext = {}
    for pair in external_ids:
        k, sep, v = pair.partition("=")
        if not sep or not v:
            raise AnnotateError(f"--external-id takes source=id, e.g. wikidata=Q42, not {pair!r}")
        ext[k] = v
    with Change(layout.root, [layout.entities_file]) as ch:
        reg = ch.table(layout.entities_file, "entity")
        if reg.get(eid):
            raise AnnotateError(f"entity {eid!r} already exists ({reg.get(eid)['name']})")
        clash = next((e for e in reg.records if e["name"].casefold() == name.casefold()), None)
        if clash:
            raise AnnotateError(f"entity {clash['id']!r} already has the name {clash['name']!r}")
        ent = {"id": eid, "name": name, "type": etype, "aliases": [], "description": description}
        if ext:
            ent["external_ids"] = ext
        if note:
            ent["note"] = note
        reg.records.append(ent)
        ch.put(reg)
    return _finish(f"added entity {eid} ({etype}) {name!r} to {layout.rel(layout.entities_file)}", [], ch,
                   {"action": "entity add", "entity": ent})


def _all_annotation_files(ch: Change) -> list[AnnotationFile]:
    out = []
    for layer, p in ch.layout.annotation_files():
        out.append(ch.annotations(p, p.name[:-len(".jsonl")], layer))
    return out


def entity_alias(root: Path, eid: str, alias: str, *, remove: bool = False, link: bool = False) -> Result:
    """Add (or remove) an alias; with ``link``, also link every unlinked gold mention with exactly that text."""
    layout = Layout(Path(root))
    gold = [p for layer, p in layout.annotation_files() if layer == "gold"]
    with Change(layout.root, [layout.entities_file] + (gold if link else [])) as ch:
        reg = ch.table(layout.entities_file, "entity")
        ent = reg.get(eid)
        if ent is None:
            raise AnnotateError(f"there is no entity {eid!r} in the registry; see 'kashcorpus entity ls'")
        notes = []
        if link:
            for af in _all_annotation_files(ch):
                if af.layer != "gold":
                    continue
                hits = [m for m in af.of_type("mention") if m["text"] == alias and m["entity"] is None]
                for m in hits:
                    m["entity"] = eid
                    notes.append(f"linked {af.doc}#{m['id']} {m['text']!r} to {eid}")
                if hits:
                    ch.put(af)
        aliases = set(ent["aliases"])
        if remove:
            if alias not in aliases:
                raise AnnotateError(f"{alias!r} is not an alias of {eid}")
            aliases.discard(alias)
        elif alias != ent["name"]:
            aliases.add(alias)
        changed = sorted(aliases) != ent["aliases"]
        ent["aliases"] = sorted(aliases)
        ch.put(reg)
    verb = "removed alias" if remove else "added alias"
    msg = f"{verb} {alias!r} {'from' if remove else 'to'} entity {eid}" if changed else f"entity {eid} already {'lacks' if remove else 'has'} {alias!r}"
    return _finish(msg, notes, ch, {"action": "entity alias", "entity": ent})


def entity_merge(root: Path, keep: str, gone: str) -> Result:
    """Merge entity ``gone`` into ``keep``: every reference in every annotation file and in the links is
    rewritten and ``gone`` leaves the registry, all in one change."""
    layout = Layout(Path(root))
    if keep == gone:
        raise AnnotateError("an entity cannot be merged into itself")
    files = [p for _l, p in layout.annotation_files()]
    with Change(layout.root, [layout.entities_file, layout.links_file] + files) as ch:
        reg = ch.table(layout.entities_file, "entity")
        k, g = reg.get(keep), reg.get(gone)
        for eid, e in ((keep, k), (gone, g)):
            if e is None:
                raise AnnotateError(f"there is no entity {eid!r} in the registry; see 'kashcorpus entity ls'")
        if k["type"] != g["type"]:
            raise AnnotateError(f"{keep} is {k['type']} but {gone} is {g['type']}; change one type before merging")
        ext = dict(k.get("external_ids", {}))
        for src, val in g.get("external_ids", {}).items():
            if ext.get(src, val) != val:
                raise AnnotateError(f"{keep} and {gone} have different {src} ids ({ext[src]}, {val}); "
                                    "they may not be the same entity")
            ext[src] = val
        counts = {"mention": 0, "attribution": 0, "link": 0}
        used: set[str] = set()
        for af in _all_annotation_files(ch):
            hit = False
            for r in af.records:
                if r.get("type") == "mention" and r.get("entity") == gone:
                    r["entity"] = keep
                    counts["mention"] += 1
                    hit = True
                elif r.get("type") == "attribution" and r.get("source_entity") == gone:
                    r["source_entity"] = keep
                    counts["attribution"] += 1
                    hit = True
                if af.layer == "gold" and r.get("type") == "mention" and r.get("entity") == keep:
                    used.add(r["text"])
            if hit:
                ch.put(af)
        links = ch.table(layout.links_file, "link")
        for link in links.records:
            if link.get("entity") == gone:
                link["entity"] = keep
                counts["link"] += 1
        if counts["link"]:
            ch.put(links)
        k["aliases"] = sorted(set(k["aliases"]) | set(g["aliases"]) | used)
        if ext:
            k["external_ids"] = ext
        reg.records.remove(g)
        ch.put(reg)
    msg = (f"merged {gone} into {keep}: {counts['mention']} mentions, {counts['attribution']} attributions, "
           f"{counts['link']} links rewritten in {len(ch.written)} files")
    return _finish(msg, [], ch, {"action": "entity merge", "keep": keep, "gone": gone, "counts": counts, "entity": k})


def entity_list(root: Path) -> list[dict]:
    """Every registry entity with the number of gold mentions linked to it."""
    layout = Layout(Path(root))
    ents = sorted(read_jsonl(layout.entities_file), key=lambda e: e["id"]) if layout.entities_file.exists() else []
    counts: dict[str, int] = {}
    for layer, p in layout.annotation_files():
        if layer == "gold":
            for r in read_jsonl(p):
                if r.get("type") == "mention" and r.get("entity"):
                    counts[r["entity"]] = counts.get(r["entity"], 0) + 1
    return [{**e, "mentions": counts.get(e["id"], 0)} for e in ents]

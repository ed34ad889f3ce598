"""Pure mapping from Label Studio annotations to kashcorpus records (from_items, from_task), every loss reported."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...model import PARTS
from ...resources import taxonomy
from ..common import Problem, assign_ids, check_span_text, mismatch, problem
from .config import CHECKWORTHY, CLAIM_CHOICES
from .offsets import choose_offsets, offset_maps, text_agrees
from .tasks import TEXT, Annotation, NotAnObject, Region, Relation, ResultItem, Task, parse_result, parse_task


@dataclass
class ImportedAnnotation:
    """One annotator's annotation of one task, converted: records, what could not be, and the offsets used."""

    doc: str
    annotator: str
    records: list[dict]
    problems: list[Problem] = field(default_factory=list)
    offsets: str = "codepoints"
    source: str = ""
    skipped: bool = False  # nothing to import: every annotation of this annotator was cancelled
    origins: dict[str, str] = field(default_factory=dict)  # record id -> where in the export it came from
    about: dict[str, Any] = field(default_factory=dict)  # who made it and when: Label Studio's annotation fields


def annotator_name(annotation: Annotation | dict) -> str:
    """A pass name for the author of a Label Studio annotation (``completed_by``: e-mail, or user id).

    >>> annotator_name({"completed_by": {"id": 3, "email": "Ann.Lee@example.org"}}), annotator_name({"completed_by": 7})
    ('ann-lee', 'user-7')
    """
    if isinstance(annotation, dict):
        annotation = Annotation(annotation.get("id"), completed_by=annotation.get("completed_by"))
    who = annotation.completed_by
    if isinstance(who, dict):
        email = who.get("email")
        if isinstance(email, str) and email:
            slug = re.sub(r"[^a-z0-9]+", "-", email.split("@")[0].lower()).strip("-")
            if slug:
                return slug
        who = who.get("id")
    if isinstance(who, int) and not isinstance(who, bool):
        return f"user-{who}"
    return f"annotation-{'unknown' if annotation.id is None else annotation.id}"


def _label_for(control: str, label: str, label_map: dict[str, str]) -> tuple[str, str] | None:
    """``(layer, label)`` of a region's label, or None when it has no counterpart."""
    tax = taxonomy()
    if control == "zone" and label in tax["zone"]:
        return "zone", label
    if control == "claim" and label == "claim":
        return "claim", label
    if control == "attribution" and label in PARTS:
        return "attribution", label
    if control in ("zone", "claim", "attribution"):
        return None
    mapped = label_map.get(label)
    if mapped is None:
        mapped = next((m for m in tax["mention"] if m.lower() == label.lower()), None)
    return ("mention", mapped) if mapped is not None and mapped in tax["mention"] else None


@dataclass
class _Reading:
    """One annotation's result on its way to records: what is known about each region, and the problems."""

    text: str
    doc: str
    where: str
    label_map: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    regions: dict[str, Region] = field(default_factory=dict)  # labelled regions by id
    extras: dict[str, dict[Any, Any]] = field(default_factory=dict)  # region id -> per-region values
    relations: list[Relation] = field(default_factory=list)
    kinds: dict[str, tuple[str, str, dict]] = field(default_factory=dict)  # region id -> (layer, label, span)
    origins: dict[str, str] = field(default_factory=dict)  # record id -> the region it came from

    def problem(self, rid: str, code: str, detail: str) -> None:
        self.problems.append(problem(code, self.doc, f"{self.where}region {rid}".strip(), detail=detail))


def _sort_items(r: _Reading, items: list[ResultItem]) -> None:
    """Labelled regions, per-region values (one each) and relations; anything else is reported."""
    for item in items:
        if isinstance(item, NotAnObject):
            r.problems.append(problem("import-not-a-region", r.doc, r.where.strip() or "result",
                                      detail=f"{item.raw!r} is not a result object"))
            continue
        if isinstance(item, Relation):
            r.relations.append(item)
            continue
        rid, value = item.id, item.value
        if item.type == "labels" or (isinstance(value.get("labels"), list) and item.type is None):
            if rid in r.regions:
                r.problem(rid, "import-duplicate-region", f"two labelled regions share the id {rid!r}")
                continue
            r.regions[rid] = item
        elif item.type in ("choices", "textarea"):
            name = item.from_name
            vals = value.get("choices") if item.type == "choices" else value.get("text")
            vals = [v for v in (vals or []) if isinstance(v, str) and v != ""] if isinstance(vals, list) else []
            if name in ("entity", "source_entity"):
                vals = [v.strip() for v in vals if v.strip()]
            if len(vals) != 1:
                if vals:
                    r.problem(rid, "import-ambiguous", f"{name} has {len(vals)} values {vals!r}; keep one")
                continue
            r.extras.setdefault(rid, {})[name] = vals[0]
        else:
            r.problem(rid, "import-unknown-result",
                      f"result of type {item.type!r} (from {item.from_name!r}) has no counterpart")


def _place_regions(r: _Reading, back: dict[Any, int], system: str) -> None:
    """Each labelled region's layer, label and span, checked against the text."""
    text = r.text
    unknown: dict[tuple[str, str], list[str]] = {}  # (control, label) -> the regions that carry it
    for rid, item in r.regions.items():
        value = item.value
        labels = value.get("labels") or []
        if len(labels) != 1:
            r.problem(rid, "import-ambiguous", f"region has {len(labels)} labels {labels!r}; keep exactly one")
            continue
        found = _label_for(str(item.from_name), str(labels[0]), r.label_map)
        if found is None:
            unknown.setdefault((str(item.from_name), str(labels[0])), []).append(rid)
            continue
        raw_s, raw_e = value.get("start"), value.get("end")
        s, e = back.get(raw_s), back.get(raw_e)
        if s is None or e is None:
            r.problem(rid, "import-span-out-of-range", f"offsets {raw_s!r}-{raw_e!r} ({system}) do not fall on "
                                                       f"characters of the text (length {len(text)})")
            continue
        why = check_span_text(text, s, e, None)
        if why is None and not text_agrees(text[s:e], value.get("text")):
            said = value.get("text")
            if isinstance(said, str) and max(len(said), e - s) > 40:
                why = f"text[{s}:{e}] and the export's text differ: {mismatch(text[s:e], said)}"
            else:
                why = f"text[{s}:{e}] is {text[s:e]!r}, the export says {said!r}"
        if why:
            r.problem(rid, "import-span-mismatch", why)
            continue
        r.kinds[rid] = (found[0], found[1], {"start": s, "end": e, "text": text[s:e]})
    for (control, label), rids in unknown.items():  # one problem per label, not per region
        regions = f"region {rids[0]}" if len(rids) == 1 else f"{len(rids)} regions ({', '.join(rids[:3])}{', …' if len(rids) > 3 else ''})"
        r.problem(rids[0], "import-unknown-label",
                  f"label {label!r} of {control!r} ({regions}) has no counterpart in kashcorpus; "
                  f"map it with --label-map {label}={_suggest(label)} or remove it")


def _suggest(label: str) -> str:
    """A mention label that ``label`` probably means (``Organization`` -> ``ORG``), or ``LABEL``.

    >>> _suggest("Organization"), _suggest("Person"), _suggest("Ticker")
    ('ORG', 'PER', 'LABEL')
    """
    up = label.upper()
    return next((m for m in taxonomy()["mention"] if up.startswith(m) or m.startswith(up)), "LABEL")


def _read_relations(r: _Reading) -> tuple[dict[str, dict[str, list[str]]], dict[str, str]]:
    """The parts related to each attribution content (source, cue, parent, claim), and the regions blocked
    by a relation to a region that was rejected."""
    content_rels: dict[str, dict[str, list[str]]] = {}
    blocked: dict[str, str] = {}  # region id -> the rejected region it is related to
    kinds, regions = r.kinds, r.regions
    for rel in r.relations:
        a, b = rel.from_id, rel.to_id
        if a not in kinds or b not in kinds:
            if a not in regions or b not in regions:
                missing = a if a not in regions else b
                r.problem(missing, "import-dangling-reference", f"relation {a} -> {b} names a region that does not exist")
            elif a in kinds and not (kinds[a][0] == "attribution" and kinds[a][1] in ("source", "cue")):
                blocked[a] = b  # a claim or nested attribution whose target was rejected
            elif b in kinds and (regions[a].value.get("labels") or [None])[0] in ("source", "cue"):
                blocked[b] = a  # an attribution whose source or cue was rejected
            continue
        (la, pa, _), (lb, pb, _) = kinds[a], kinds[b]
        ends = {(la, pa): a, (lb, pb): b}
        if ("attribution", "content") in ends and len(ends) == 2:
            other_key = next(k for k in ends if k != ("attribution", "content"))
            content = ends[("attribution", "content")]
            part = "claim" if other_key[0] == "claim" else other_key[1] if other_key[0] == "attribution" else None
            if part is None:
                r.problem(a, "import-unknown-relation", f"relation {a} -> {b} joins a {other_key[0]} to an attribution "
                                                        "content")
                continue
            content_rels.setdefault(content, {}).setdefault(part, []).append(ends[other_key])
        elif la == lb == "attribution" and pa == pb == "content":
            content_rels.setdefault(a, {}).setdefault("parent", []).append(b)
        else:
            r.problem(a, "import-unknown-relation", f"relation {a} -> {b} between {la} {pa} and {lb} {pb} has no "
                                                    "counterpart")
    return content_rels, blocked


def _own_id(rid: str, prefix: str) -> str | None:
    return rid if re.fullmatch(rf"{prefix}[1-9][0-9]{{0,6}}", rid) else None


def _build_records(r: _Reading, content_rels: dict[str, dict[str, list[str]]],
                   blocked: dict[str, str]) -> tuple[list[dict], dict[str, int]]:
    """A record for each region that has everything it needs; references stay ``("@", region id)`` for now."""
    claim_attr: dict[str, list[str]] = {}
    for content, parts in content_rels.items():
        for c in parts.get("claim", []):
            claim_attr.setdefault(c, []).append(content)
    records: list[dict] = []
    index: dict[str, int] = {}
    used_parts: set[str] = set()
    kinds = r.kinds
    for rid, (layer, label, span) in sorted(kinds.items(), key=lambda kv: (kv[1][2]["start"], kv[1][2]["end"], kv[0])):
        ex = r.extras.get(rid, {})
        note = ex.get("note")
        if rid in blocked:
            r.problem(rid, "import-depends-on-rejected", f"{span['text']!r} is related to region {blocked[rid]}, which "
                                                         "was not imported; it is not imported either")
            continue
        if layer == "zone":
            rec = {"type": "zone", "id": _own_id(rid, "z"), **span, "label": label}
        elif layer == "mention":
            rec = {"type": "mention", "id": _own_id(rid, "m"), **span, "label": label, "entity": ex.get("entity")}
        elif layer == "claim":
            missing = [n for n in CLAIM_CHOICES if n not in ex]
            if missing:
                r.problem(rid, "import-incomplete", f"claim {span['text']!r} has no {', '.join(missing)}; choose them")
                continue
            if ex["checkworthy"] not in CHECKWORTHY:
                r.problem(rid, "import-unknown-label", f"checkworthy is {ex['checkworthy']!r}, not yes or no")
                continue
            targets = claim_attr.get(rid, [])
            if len(targets) > 1:
                r.problem(rid, "import-ambiguous", f"claim is related to {len(targets)} attribution contents {targets}")
                continue
            rec = {"type": "claim", "id": _own_id(rid, "c"), **span, "claim_type": ex["claim_type"],
                   "certainty": ex["certainty"], "checkworthy": CHECKWORTHY[ex["checkworthy"]],
                   "asserted_by": ex["asserted_by"], "attribution": ("@", targets[0]) if targets else None}
        elif label == "content":
            parts = content_rels.get(rid, {})
            bad = [p for p in ("source", "cue", "parent") if len(parts.get(p, [])) > 1]
            if bad:
                r.problem(rid, "import-ambiguous", f"attribution content is related to several {bad[0]} regions")
                continue
            if "source_type" not in ex:
                r.problem(rid, "import-incomplete", f"attribution content {span['text']!r} has no source_type; "
                                                    "choose it")
                continue
            picked = {p: kinds[parts[p][0]][2] if parts.get(p) else None for p in ("source", "cue")}
            used_parts.update(x for p in ("source", "cue") for x in parts.get(p, []))
            rec = {"type": "attribution", "id": _own_id(rid, "a"), "source": picked["source"],
                   "source_type": ex["source_type"], "source_entity": ex.get("source_entity"), "cue": picked["cue"],
                   "content": span, "parent": ("@", parts["parent"][0]) if parts.get("parent") else None}
        else:
            continue  # a source or cue region: part of the attribution its relation names
        if note is not None:
            rec["note"] = note
        index[rid] = len(records)
        records.append(rec)
    for rid, (layer, label, span) in kinds.items():
        if layer == "attribution" and label in ("source", "cue") and rid not in used_parts:
            r.problem(rid, "import-orphan-span", f"{label} region {span['text']!r} is not related to any attribution "
                                                 "content")
    return records, index


def _resolve(r: _Reading, records: list[dict], index: dict[str, int]) -> list[dict]:
    """Drop the records that refer to a record not imported (never strip them of it), give ids, resolve references."""
    region_of = {i: rid for rid, i in index.items()}
    alive = set(index)
    while True:
        dropped = [rid for rid in alive for key in ("attribution", "parent")
                   if isinstance(records[index[rid]].get(key), tuple) and records[index[rid]][key][1] not in alive]
        if not dropped:
            break
        for rid in set(dropped):
            r.problem(rid, "import-depends-on-rejected", f"{records[index[rid]]['type']} {rid} refers to a region "
                                                         "that was not imported; it is not imported either")
            alive.discard(rid)
    kept = [i for i in range(len(records)) if region_of[i] in alive]
    out = assign_ids([records[i] for i in kept])
    final = {region_of[i]: rec["id"] for i, rec in zip(kept, out)}
    r.origins.update({rec_id: f"{r.where}region {region}" for region, rec_id in final.items()})
    for rec in out:
        for key in ("attribution", "parent"):
            if isinstance(rec.get(key), tuple):
                rec[key] = final[rec[key][1]]
    return out


def from_items(items: list[ResultItem], text: str, doc: str, *, offsets: str = "auto",
               label_map: dict[str, str] | None = None, where: str = "",
               origins: dict[str, str] | None = None) -> tuple[list[dict], list[Problem], str]:
    """Records from the result items of one annotation; ``(records, problems, offset system used)``; ``origins``
    (when given) receives the region each record came from, by record id.

    Offsets are trusted and checked against ``text``: a region whose offsets are out of range, or whose
    ``value.text`` (newlines escaped or not) differs from the text at its offsets, is reported and not
    imported. Nothing is shifted to make it fit.
    """
    r = _Reading(text, doc, where, label_map or {})
    _sort_items(r, items)
    system = choose_offsets(text, list(r.regions.values()), offsets)
    _, back = offset_maps(text, system)
    _place_regions(r, back, system)
    content_rels, blocked = _read_relations(r)
    records, index = _build_records(r, content_rels, blocked)
    out = _resolve(r, records, index)
    if origins is not None:
        origins.update(r.origins)
    return out, r.problems, system


def from_result(result: list[dict], text: str, doc: str, *, offsets: str = "auto",
                label_map: dict[str, str] | None = None, where: str = "") -> tuple[list[dict], list[Problem], str]:
    """:func:`from_items` of a ``result`` list as exported.

    >>> recs, probs, used = from_result([{"id": "x1", "from_name": "mention", "to_name": "text", "type": "labels",
    ...     "value": {"start": 0, "end": 5, "text": "Hamas", "labels": ["ORG"]}}], "Hamas met", "d")
    >>> [(r["id"], r["label"], r["text"]) for r in recs], probs, used
    ([('m1', 'ORG', 'Hamas')], [], 'codepoints')
    """
    return from_items(parse_result(result), text, doc, offsets=offsets, label_map=label_map, where=where)


def from_task(task: Task, text: str, doc: str, *, offsets: str = "auto",
              label_map: dict[str, str] | None = None) -> list[ImportedAnnotation]:
    """Every annotation of one task as records of ``doc`` (whose text is ``text``), one per annotator.

    Predictions are not read (they are what was sent). Cancelled annotations are left out with a warning
    (``import-cancelled``, on the annotator it concerns). Two annotations by the same annotator: the later
    one (by ``updated_at``, then id) is taken, with a warning (``import-repeated-annotation``). Problems of
    the whole task (``import-text-differs``) come in an item with no annotator.
    """
    tid = task.id if task.id is not None else "?"
    data_text = task.data.get(TEXT)
    pre: list[Problem] = []
    if isinstance(data_text, str) and data_text != text:
        if data_text == text.replace("\r\n", "\n") and offsets == "auto":
            offsets = "lf"
        elif data_text != text:
            pre.append(problem("import-text-differs", doc, f"task {tid}",
                               detail="the task's text is not the corpus text of this document; offsets are checked "
                                      "against the corpus text"))
    by_annotator: dict[str, Annotation] = {}
    skipped: dict[str, list[Problem]] = {}  # annotator -> what was left out of their annotations
    for ann in task.annotations:
        name = annotator_name(ann)
        if ann.was_cancelled:
            skipped.setdefault(name, []).append(problem(
                "import-cancelled", doc, f"task {tid}, annotation {ann.id}",
                detail=f"the annotation by {name} was cancelled (skipped) in Label Studio; it is left out"))
            continue
        if name in by_annotator:
            older, newer = sorted([by_annotator[name], ann], key=lambda a: (str(a.updated_at), str(a.id)))
            skipped.setdefault(name, []).append(problem(
                "import-repeated-annotation", doc, f"task {tid}, annotation {older.id}",
                detail=f"{name} has several annotations of this task; annotation {newer.id} (the later) is used, "
                       f"{older.id} is left out"))
            ann = newer
        by_annotator[name] = ann
    out = []
    for name, ann in sorted(by_annotator.items()):
        where = f"task {tid}, annotation {ann.id}, "
        origins: dict[str, str] = {}
        records, problems, used = from_items(ann.result, text, doc, offsets=offsets, label_map=label_map, where=where,
                                             origins=origins)
        out.append(ImportedAnnotation(doc, name, records, skipped.pop(name, []) + problems, used,
                                      f"task {tid}, annotation {ann.id}", origins=origins, about=ann.provenance))
    for name, problems in sorted(skipped.items()):  # annotators whose every annotation of the task was cancelled
        out.append(ImportedAnnotation(doc, name, [], problems, skipped=True))
    if pre:
        out.append(ImportedAnnotation(doc, "", [], pre))
    return out


def from_labelstudio(task: dict, text: str, doc: str, *, offsets: str = "auto",
                     label_map: dict[str, str] | None = None) -> list[ImportedAnnotation]:
    """:func:`from_task` of a task as exported."""
    return from_task(parse_task(task), text, doc, offsets=offsets, label_map=label_map)

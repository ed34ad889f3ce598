"""Label Studio: the labeling config, tasks with predictions (to_labelstudio), and exports read back (from_labelstudio)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable
from xml.sax.saxutils import quoteattr

import orjson

from ..model import FLAT_LAYERS, PARTS, SPAN_LAYERS
from ..resources import taxonomy
from .common import Annotated, Problem, assign_ids, check_span_text

TEXT = "text"
LABEL_CONTROLS = SPAN_LAYERS
CLAIM_CHOICES = ("claim_type", "certainty", "asserted_by", "checkworthy")  # the order of the per-region choices
CHECKWORTHY = {"yes": True, "no": False}
OFFSET_SYSTEMS = ("codepoints", "utf16", "lf", "utf16-lf")
MODEL_VERSION = "kashcorpus"


# -- the labeling config ---------------------------------------------------------------------------

def labeling_config() -> str:
    """The Label Studio labeling config (XML) for every layer, built from ``schema/taxonomy.json``.

    >>> xml = labeling_config()
    >>> '<Labels name="mention" toName="text"' in xml and '<Relation value="source"/>' in xml
    True
    """
    tax = taxonomy()

    def labels(name: str, values: Iterable[str], hint: Callable[[str], str] = lambda v: "") -> list[str]:
        out = [f'  <Labels name="{name}" toName="{TEXT}" choice="single">']
        out += [f"    <Label value={quoteattr(v)}{hint(v)}/>" for v in values]
        return out + ["  </Labels>"]

    def choices(name: str, values: Iterable[str]) -> list[str]:
        out = [f'    <Header value="{name}"/>',
               f'    <Choices name="{name}" toName="{TEXT}" perRegion="true" choice="single" showInline="true">']
        out += [f"      <Choice value={quoteattr(v)}/>" for v in values]
        return out + ["    </Choices>"]

    def hint(table: str) -> Callable[[str], str]:
        return lambda v: f" hint={quoteattr(tax[table][v])}" if v in tax.get(table, {}) else ""

    lines = ["<View>", "  <Relations>"]
    lines += [f'    <Relation value="{v}"/>' for v in ("source", "cue", "parent", "attribution")]
    lines += ["  </Relations>"]
    lines += labels("zone", tax["zone"], hint("zone"))
    lines += labels("mention", tax["mention"], hint("mention"))
    lines += labels("claim", ["claim"])
    lines += labels("attribution", PARTS)
    lines += [f'  <Text name="{TEXT}" value="$text"/>']
    lines += ['  <View visibleWhen="region-selected" whenTagName="mention">',
              '    <Header value="entity (registry id)"/>',
              f'    <TextArea name="entity" toName="{TEXT}" perRegion="true" maxSubmissions="1" editable="true"/>',
              "  </View>"]
    lines += ['  <View visibleWhen="region-selected" whenTagName="claim">']
    for name in CLAIM_CHOICES[:3]:
        lines += choices(name, tax[name])
    lines += choices("checkworthy", CHECKWORTHY)
    lines += ["  </View>"]
    lines += ['  <View visibleWhen="region-selected" whenTagName="attribution">']
    lines += choices("source_type", tax["source_type"])
    lines += ['    <Header value="source_entity (registry id, on the content region)"/>',
              f'    <TextArea name="source_entity" toName="{TEXT}" perRegion="true" maxSubmissions="1" editable="true"/>',
              "  </View>"]
    lines += ['  <View visibleWhen="region-selected">', '    <Header value="note"/>',
              f'    <TextArea name="note" toName="{TEXT}" perRegion="true" maxSubmissions="1" editable="true"/>',
              "  </View>", "</View>"]
    return "\n".join(lines) + "\n"


# -- offsets ---------------------------------------------------------------------------------------

def utf16_length(s: str) -> int:
    """Length of ``s`` in UTF-16 code units.

    >>> utf16_length("a😀")
    3
    """
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


def _positions(text: str, system: str) -> list[int]:
    """For each code point position of ``text`` (and its end), its offset in ``system``."""
    out = [0]
    pos = 0
    for i, ch in enumerate(text):
        if system in ("lf", "utf16-lf") and ch == "\r" and text[i + 1:i + 2] == "\n":
            step = 0
        elif system in ("utf16", "utf16-lf") and ord(ch) > 0xFFFF:
            step = 2
        else:
            step = 1
        pos += step
        out.append(pos)
    return out


def offset_maps(text: str, system: str) -> tuple[list[int], dict[int, int]]:
    """``(to_system, from_system)``: code point position to ``system`` offset and back.

    A ``system`` offset that falls inside a surrogate pair or between ``\\r`` and ``\\n`` has no code point
    position (it is missing from ``from_system``).

    >>> to, back = offset_maps("😀ab", "utf16")
    >>> to[1], back[3], 1 in back
    (2, 2, False)
    """
    to = _positions(text, system)
    back: dict[int, int] = {}
    for cp in range(len(to) - 1, -1, -1):
        back[to[cp]] = cp  # the smallest code point position with that offset (\r of \r\n, not \n)
    return to, back


def _unescaped(s: str) -> str:
    s = s.replace("\\r", "\r").replace("\\n", "\n")
    return s.replace("\r\n", "\n").replace("\r", "\n")


def text_agrees(actual: str, exported: object) -> bool:
    """True when Label Studio's ``value.text`` is ``actual``, allowing its escaped newlines (and \\r\\n as \\n).

    >>> text_agrees("a\\nb", "a\\\\nb"), text_agrees("a\\r\\nb", "a\\r\\\\nb"), text_agrees("ab", "ax")
    (True, True, False)
    """
    if not isinstance(exported, str):
        return True
    return _unescaped(actual) == _unescaped(exported)


# -- to Label Studio -------------------------------------------------------------------------------

def _region(rid: str, control: str, label: str, start: int, end: int, text: str, system_map: list[int]) -> dict:
    return {"id": rid, "from_name": control, "to_name": TEXT, "type": "labels",
            "value": {"start": system_map[start], "end": system_map[end], "text": text, "labels": [label]}}


def _per_region(rid: str, control: str, kind: str, start: int, end: int, value, system_map: list[int]) -> dict:
    key = "choices" if kind == "choices" else "text"
    return {"id": rid, "from_name": control, "to_name": TEXT, "type": kind,
            "value": {"start": system_map[start], "end": system_map[end], key: [value]}}


def _relation(src: str, dst: str, label: str) -> dict:
    return {"from_id": src, "to_id": dst, "type": "relation", "direction": "right", "labels": [label]}


def to_result(doc: Annotated, offsets: str = "codepoints") -> list[dict]:
    """The ``result`` list of a Label Studio annotation or prediction for ``doc``'s records.

    Region ids are the record ids (an attribution's content region carries the attribution id; its
    source and cue regions are ``<id>-source`` and ``<id>-cue``).

    >>> r = to_result(Annotated("d", "Hamas met", [{"type": "mention", "id": "m1", "start": 0, "end": 5,
    ...                                             "text": "Hamas", "label": "ORG", "entity": "hamas"}]))
    >>> [(x["type"], x["from_name"], x["value"]["start"]) for x in r]
    [('labels', 'mention', 0), ('textarea', 'entity', 0)]
    """
    m, _ = offset_maps(doc.text, offsets)
    out: list[dict] = []
    for rec in doc.records:
        kind, rid = rec["type"], rec["id"]
        if kind in FLAT_LAYERS:
            s, e = rec["start"], rec["end"]
            label = "claim" if kind == "claim" else rec["label"]
            out.append(_region(rid, kind, label, s, e, rec["text"], m))
            if kind == "mention" and rec.get("entity") is not None:
                out.append(_per_region(rid, "entity", "textarea", s, e, rec["entity"], m))
            if kind == "claim":
                for name in CLAIM_CHOICES:
                    value = rec[name]
                    if name == "checkworthy":
                        value = "yes" if value else "no"
                    out.append(_per_region(rid, name, "choices", s, e, value, m))
            if rec.get("note") is not None:
                out.append(_per_region(rid, "note", "textarea", s, e, rec["note"], m))
            continue
        content = rec["content"]
        s, e = content["start"], content["end"]
        out.append(_region(rid, "attribution", "content", s, e, content["text"], m))
        out.append(_per_region(rid, "source_type", "choices", s, e, rec["source_type"], m))
        if rec.get("source_entity") is not None:
            out.append(_per_region(rid, "source_entity", "textarea", s, e, rec["source_entity"], m))
        if rec.get("note") is not None:
            out.append(_per_region(rid, "note", "textarea", s, e, rec["note"], m))
        for part in ("source", "cue"):
            span = rec.get(part)
            if span is not None:
                out.append(_region(f"{rid}-{part}", "attribution", part, span["start"], span["end"], span["text"], m))
                out.append(_relation(f"{rid}-{part}", rid, part))
    for rec in doc.records:
        if rec["type"] == "claim" and rec.get("attribution") is not None:
            out.append(_relation(rec["id"], rec["attribution"], "attribution"))
        if rec["type"] == "attribution" and rec.get("parent") is not None:
            out.append(_relation(rec["id"], rec["parent"], "parent"))
    return out


def to_labelstudio(doc: Annotated, offsets: str = "codepoints") -> dict:
    """A Label Studio task: the text, the document id, and the current annotations as ``predictions``.

    >>> t = to_labelstudio(Annotated("kash-000", "Hamas met", []))
    >>> t["data"], t["predictions"][0]["model_version"]
    ({'text': 'Hamas met', 'doc': 'kash-000'}, 'kashcorpus')
    """
    return {"data": {TEXT: doc.text, "doc": doc.doc},
            "predictions": [{"model_version": MODEL_VERSION, "result": to_result(doc, offsets)}]}


# -- from Label Studio -----------------------------------------------------------------------------

@dataclass
class ImportedAnnotation:
    """One annotator's annotation of one task, converted: records, what could not be, and the offsets used."""

    doc: str
    annotator: str
    records: list[dict]
    problems: list[Problem] = field(default_factory=list)
    offsets: str = "codepoints"
    source: str = ""


def annotator_name(annotation: dict) -> str:
    """A pass name for the author of a Label Studio annotation (``completed_by``: e-mail, or user id).

    >>> annotator_name({"completed_by": {"id": 3, "email": "Ann.Lee@example.org"}}), annotator_name({"completed_by": 7})
    ('ann-lee', 'user-7')
    """
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        email = who.get("email") or ""
        if email:
            slug = re.sub(r"[^a-z0-9]+", "-", email.split("@")[0].lower()).strip("-")
            if slug:
                return slug
        who = who.get("id")
    if isinstance(who, int) and not isinstance(who, bool):
        return f"user-{who}"
    return f"annotation-{annotation.get('id', 'unknown')}"


def task_annotations(task: dict) -> list[dict]:
    """The annotations of a task: current exports say ``annotations``, legacy ones ``completions``."""
    anns = task.get("annotations")
    if anns is None:
        anns = task.get("completions")
    return [a for a in (anns or []) if isinstance(a, dict)]


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
    return ("mention", mapped) if mapped in tax["mention"] else None


def _choose_offsets(text: str, regions: list[dict], wanted: str) -> str:
    """The offset system under which every region's offsets and ``value.text`` agree with ``text``."""
    if wanted != "auto":
        return wanted
    for system in OFFSET_SYSTEMS:
        _, back = offset_maps(text, system)
        ok = True
        for r in regions:
            v = r["value"]
            s, e = back.get(v.get("start")), back.get(v.get("end"))
            if s is None or e is None or not s < e or not text_agrees(text[s:e], v.get("text")):
                ok = False
                break
        if ok:
            return system
    return "codepoints"


def from_result(result: list[dict], text: str, doc: str, *, offsets: str = "auto",
                label_map: dict[str, str] | None = None, where: str = "") -> tuple[list[dict], list[Problem], str]:
    """Records from the ``result`` list of one annotation; ``(records, problems, offset system used)``.

    Offsets are trusted and checked against ``text``: a region whose offsets are out of range, or whose
    ``value.text`` (newlines escaped or not) differs from the text at its offsets, is reported and not
    imported. Nothing is shifted to make it fit.

    >>> recs, probs, used = from_result([{"id": "x1", "from_name": "mention", "to_name": "text", "type": "labels",
    ...     "value": {"start": 0, "end": 5, "text": "Hamas", "labels": ["ORG"]}}], "Hamas met", "d")
    >>> [(r["id"], r["label"], r["text"]) for r in recs], probs, used
    ([('m1', 'ORG', 'Hamas')], [], 'codepoints')
    """
    label_map = label_map or {}
    problems: list[Problem] = []

    def problem(rid, kind, message):
        problems.append(Problem(doc, f"{where}region {rid}".strip(), kind, message))

    regions: dict[str, dict] = {}
    extras: dict[str, dict[str, object]] = {}
    relations: list[dict] = []
    for item in result:
        if not isinstance(item, dict):
            problems.append(Problem(doc, where.strip() or "result", "not-a-region", f"{item!r} is not a result object"))
            continue
        rtype = item.get("type")
        if rtype == "relation":
            relations.append(item)
            continue
        rid = str(item.get("id"))
        value = item.get("value") or {}
        if rtype == "labels" or (isinstance(value.get("labels"), list) and rtype is None):
            if rid in regions:
                problem(rid, "duplicate-region", f"two labelled regions share the id {rid!r}")
                continue
            regions[rid] = item
        elif rtype in ("choices", "textarea"):
            name = item.get("from_name")
            vals = value.get("choices") if rtype == "choices" else value.get("text")
            vals = [v for v in (vals or []) if isinstance(v, str) and v != ""] if isinstance(vals, list) else []
            if name in ("entity", "source_entity"):
                vals = [v.strip() for v in vals if v.strip()]
            if len(vals) != 1:
                if vals:
                    problem(rid, "ambiguous-value", f"{name} has {len(vals)} values {vals!r}; keep one")
                continue
            extras.setdefault(rid, {})[name] = vals[0]
        else:
            problem(rid, "unknown-result", f"result of type {rtype!r} (from {item.get('from_name')!r}) has no counterpart")
    system = _choose_offsets(text, list(regions.values()), offsets)
    _, back = offset_maps(text, system)

    kinds: dict[str, tuple[str, str, dict]] = {}  # region id -> (layer, label, span)
    for rid, item in regions.items():
        value = item.get("value") or {}
        labels = value.get("labels") or []
        if len(labels) != 1:
            problem(rid, "ambiguous-label", f"region has {len(labels)} labels {labels!r}; keep exactly one")
            continue
        found = _label_for(str(item.get("from_name")), str(labels[0]), label_map)
        if found is None:
            problem(rid, "unknown-label", f"label {labels[0]!r} of {item.get('from_name')!r} has no counterpart in "
                                          "kashcorpus; map it with a label map or remove it")
            continue
        raw_s, raw_e = value.get("start"), value.get("end")
        s, e = back.get(raw_s), back.get(raw_e)
        if s is None or e is None:
            problem(rid, "span-out-of-range", f"offsets {raw_s!r}-{raw_e!r} ({system}) do not fall on characters "
                                              f"of the text (length {len(text)})")
            continue
        why = check_span_text(text, s, e, None)
        if why is None and not text_agrees(text[s:e], value.get("text")):
            why = f"text[{s}:{e}] is {text[s:e]!r}, the export says {value.get('text')!r}"
        if why:
            problem(rid, "span-mismatch", why)
            continue
        kinds[rid] = (found[0], found[1], {"start": s, "end": e, "text": text[s:e]})

    def own_id(rid: str, prefix: str) -> str | None:
        return rid if re.fullmatch(rf"{prefix}[1-9][0-9]{{0,6}}", rid) else None

    records: list[dict] = []
    index: dict[str, int] = {}
    content_rels: dict[str, dict[str, list[str]]] = {}
    blocked: dict[str, str] = {}  # region id -> the rejected region it is related to
    for rel in relations:
        a, b = str(rel.get("from_id")), str(rel.get("to_id"))
        if a not in kinds or b not in kinds:
            if a not in regions or b not in regions:
                missing = a if a not in regions else b
                problem(missing, "dangling-relation", f"relation {a} -> {b} names a region that does not exist")
            elif a in kinds and not (kinds[a][0] == "attribution" and kinds[a][1] in ("source", "cue")):
                blocked[a] = b  # a claim or nested attribution whose target was rejected
            elif b in kinds and ((regions[a].get("value") or {}).get("labels") or [None])[0] in ("source", "cue"):
                blocked[b] = a  # an attribution whose source or cue was rejected
            continue
        (la, pa, _), (lb, pb, _) = kinds[a], kinds[b]
        ends = {(la, pa): a, (lb, pb): b}
        if ("attribution", "content") in ends and len(ends) == 2:
            other_key = next(k for k in ends if k != ("attribution", "content"))
            content = ends[("attribution", "content")]
            part = "claim" if other_key[0] == "claim" else other_key[1] if other_key[0] == "attribution" else None
            if part is None:
                problem(a, "unknown-relation", f"relation {a} -> {b} joins a {other_key[0]} to an attribution content")
                continue
            content_rels.setdefault(content, {}).setdefault(part, []).append(ends[other_key])
        elif la == lb == "attribution" and pa == pb == "content":
            content_rels.setdefault(a, {}).setdefault("parent", []).append(b)
        else:
            problem(a, "unknown-relation", f"relation {a} -> {b} between {la} {pa} and {lb} {pb} has no counterpart")
    claim_attr: dict[str, list[str]] = {}
    for content, parts in content_rels.items():
        for c in parts.get("claim", []):
            claim_attr.setdefault(c, []).append(content)
    used_parts: set[str] = set()
    for rid, (layer, label, span) in sorted(kinds.items(), key=lambda kv: (kv[1][2]["start"], kv[1][2]["end"], kv[0])):
        ex = extras.get(rid, {})
        note = ex.get("note")
        if rid in blocked:
            problem(rid, "depends-on-rejected", f"{span['text']!r} is related to region {blocked[rid]}, which was "
                                                "not imported; it is not imported either")
            continue
        if layer == "zone":
            rec = {"type": "zone", "id": own_id(rid, "z"), **span, "label": label}
        elif layer == "mention":
            rec = {"type": "mention", "id": own_id(rid, "m"), **span, "label": label, "entity": ex.get("entity")}
        elif layer == "claim":
            missing = [n for n in CLAIM_CHOICES if n not in ex]
            if missing:
                problem(rid, "claim-incomplete", f"claim {span['text']!r} has no {', '.join(missing)}; choose them")
                continue
            if ex["checkworthy"] not in CHECKWORTHY:
                problem(rid, "unknown-label", f"checkworthy is {ex['checkworthy']!r}, not yes or no")
                continue
            targets = claim_attr.get(rid, [])
            if len(targets) > 1:
                problem(rid, "ambiguous-relation", f"claim is related to {len(targets)} attribution contents {targets}")
                continue
            rec = {"type": "claim", "id": own_id(rid, "c"), **span, "claim_type": ex["claim_type"],
                   "certainty": ex["certainty"], "checkworthy": CHECKWORTHY[ex["checkworthy"]],
                   "asserted_by": ex["asserted_by"], "attribution": ("@", targets[0]) if targets else None}
        elif label == "content":
            parts = content_rels.get(rid, {})
            bad = [p for p in ("source", "cue", "parent") if len(parts.get(p, [])) > 1]
            if bad:
                problem(rid, "ambiguous-relation", f"attribution content is related to several {bad[0]} regions")
                continue
            if "source_type" not in ex:
                problem(rid, "attribution-incomplete", f"attribution content {span['text']!r} has no source_type; choose it")
                continue
            picked = {p: kinds[parts[p][0]][2] if parts.get(p) else None for p in ("source", "cue")}
            used_parts.update(x for p in ("source", "cue") for x in parts.get(p, []))
            rec = {"type": "attribution", "id": own_id(rid, "a"), "source": picked["source"],
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
            problem(rid, "orphan-region", f"{label} region {span['text']!r} is not related to any attribution content")
    region_of = {i: rid for rid, i in index.items()}
    alive = set(index)
    while True:  # a record that refers to a record not imported is not imported either (never stripped of it)
        dropped = [rid for rid in alive for key in ("attribution", "parent")
                   if isinstance(records[index[rid]].get(key), tuple) and records[index[rid]][key][1] not in alive]
        if not dropped:
            break
        for rid in set(dropped):
            problem(rid, "depends-on-rejected", f"{records[index[rid]]['type']} {rid} refers to a region that was "
                                                "not imported; it is not imported either")
            alive.discard(rid)
    kept = [i for i in range(len(records)) if region_of[i] in alive]
    records = assign_ids([records[i] for i in kept])
    final = {region_of[i]: rec["id"] for i, rec in zip(kept, records)}
    for rec in records:
        for key in ("attribution", "parent"):
            if isinstance(rec.get(key), tuple):
                rec[key] = final[rec[key][1]]
    return records, problems, system


def from_labelstudio(task: dict, text: str, doc: str, *, offsets: str = "auto",
                     label_map: dict[str, str] | None = None) -> list[ImportedAnnotation]:
    """Every annotation of one exported task as records of ``doc`` (whose text is ``text``), one per annotator.

    Predictions are not read (they are what was sent). Cancelled annotations are skipped with a problem.
    Two annotations by the same annotator: the later one (by ``updated_at``, then id) is taken, with a problem.
    """
    tid = task.get("id", "?")
    data_text = (task.get("data") or {}).get(TEXT)
    pre: list[Problem] = []
    if isinstance(data_text, str) and data_text != text:
        if data_text == text.replace("\r\n", "\n") and offsets == "auto":
            offsets = "lf"
        elif data_text != text:
            pre.append(Problem(doc, f"task {tid}", "text-differs",
                               "the task's text is not the corpus text of this document; offsets are checked against the corpus text"))
    by_annotator: dict[str, dict] = {}
    for ann in task_annotations(task):
        name = annotator_name(ann)
        if ann.get("was_cancelled"):
            pre.append(Problem(doc, f"task {tid}, annotation {ann.get('id')}", "cancelled",
                               f"the annotation by {name} was cancelled (skipped) in Label Studio"))
            continue
        if name in by_annotator:
            older, newer = sorted([by_annotator[name], ann], key=lambda a: (str(a.get("updated_at", "")), str(a.get("id"))))
            pre.append(Problem(doc, f"task {tid}", "several-annotations",
                               f"{name} has several annotations; annotation {newer.get('id')} (the later) is used, "
                               f"{older.get('id')} is not"))
            ann = newer
        by_annotator[name] = ann
    out = []
    for name, ann in sorted(by_annotator.items()):
        where = f"task {tid}, annotation {ann.get('id')}, "
        records, problems, used = from_result(ann.get("result") or [], text, doc, offsets=offsets,
                                              label_map=label_map, where=where)
        out.append(ImportedAnnotation(doc, name, records, problems, used, f"task {tid}, annotation {ann.get('id')}"))
    if out:
        out[0].problems[:0] = pre
    elif pre:
        out.append(ImportedAnnotation(doc, "", [], pre))
    return out


# -- files -----------------------------------------------------------------------------------------

def read_export(path: Path) -> list[dict]:
    """The tasks of a Label Studio JSON export (a list of tasks, or one task object).

    Raises ``ValueError`` with one sentence when the file is not such an export.
    """
    try:
        data = orjson.loads(Path(path).read_bytes())
    except (OSError, orjson.JSONDecodeError) as e:
        raise ValueError(f"cannot read {Path(path).name} as JSON: {e}") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(t, dict) and isinstance(t.get("data"), dict) for t in data):
        raise ValueError(f"{Path(path).name} is not a Label Studio JSON export (a list of tasks with 'data')")
    return data


def write_tasks(path: Path, tasks: list[dict]) -> None:
    """Write tasks as an indented JSON list, atomically (the file Label Studio's import accepts)."""
    from ..io import atomic_write

    atomic_write(Path(path), orjson.dumps(tasks, option=orjson.OPT_INDENT_2) + b"\n")


# -- the corpus ------------------------------------------------------------------------------------

def export_tasks(root: Path, docs: Iterable[str] | None = None, layer: str = "gold") -> list[dict]:
    """One task per document of the corpus at ``root``, its ``layer`` annotations as predictions."""
    from .common import load_documents

    return [to_labelstudio(d) for d in load_documents(root, docs, layer)]


def import_tasks(root: Path, tasks: list[dict], *, annotator: str | None = None, as_layer: str = "annotator",
                 offsets: str = "auto", label_map: dict[str, str] | None = None, replace: bool = False):
    """Convert exported tasks into annotation files of the corpus at ``root``, validated but not yet written.

    Each annotator becomes the layer ``pass-<annotator>`` (or ``gold`` with ``as_layer="gold"``, which
    needs one annotation per document). Returns an :class:`~kashcorpus.convert.common.ImportReport`;
    call its ``commit()`` to write (all files or none).
    """
    from ..model import ANNOTATOR
    from .common import ImportReport, load_documents, plan_import

    report = ImportReport()
    documents = {d.doc: d.text for d in load_documents(root)}
    by_text = {t: k for k, t in documents.items()}
    by_lf_text = {t.replace("\r\n", "\n"): k for k, t in documents.items()}
    imported: list[ImportedAnnotation] = []
    for i, task in enumerate(tasks):
        data = task.get("data") or {}
        doc = data.get("doc") if data.get("doc") in documents else None
        if doc is None and isinstance(data.get(TEXT), str):
            doc = by_text.get(data[TEXT]) or by_lf_text.get(data[TEXT])
        if doc is None:
            report.problems.append(Problem(None, f"task {task.get('id', i + 1)}", "unknown-document",
                                           "the task names no corpus document and its text is not a corpus text"))
            continue
        imported += [a for a in from_labelstudio(task, documents[doc], doc, offsets=offsets, label_map=label_map)]
    names = sorted({a.annotator for a in imported if a.annotator})
    if annotator is not None:
        if not ANNOTATOR.fullmatch(annotator):
            raise ValueError(f"{annotator!r} is not an annotator name (lower-case letters, digits and hyphens)")
        if len(names) > 1 and annotator not in names:
            raise ValueError(f"the export has annotations by {', '.join(names)}; --annotator must name one of them")
        if len(names) > 1:
            imported = [a for a in imported if a.annotator == annotator]
        for a in imported:
            if a.annotator:
                a.annotator = annotator
    layers: dict[tuple[str, str], list[dict]] = {}
    for a in imported:
        report.problems += a.problems
        if not a.annotator:
            continue
        if a.offsets != "codepoints":
            report.notes.append(f"{a.doc} {a.source}: offsets read as {a.offsets}")
        layer = "gold" if as_layer == "gold" else f"pass-{a.annotator}"
        if (a.doc, layer) in layers:
            report.problems.append(Problem(a.doc, a.source, "several-annotations",
                                           f"{a.doc} has more than one annotation for layer {layer}; "
                                           "import one annotator at a time with --annotator"))
            continue
        layers[(a.doc, layer)] = a.records
    plan_import(Path(root), layers, replace, report)
    return report

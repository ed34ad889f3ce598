"""Pure mapping from kashcorpus records to Label Studio result items and tasks (to_items, to_task)."""
from __future__ import annotations

from typing import Any

from ...model import FLAT_LAYERS
from ..common import Annotated
from .config import CLAIM_CHOICES
from .offsets import offset_maps
from .tasks import TEXT, Annotation, Region, Relation, ResultItem, Task, item_json

MODEL_VERSION = "kashcorpus"


# -- to Label Studio -------------------------------------------------------------------------------

def _region(rid: str, control: str, label: str, start: int, end: int, text: str, system_map: list[int]) -> Region:
    return Region(rid, control, "labels",
                  {"start": system_map[start], "end": system_map[end], "text": text, "labels": [label]})


def _per_region(rid: str, control: str, kind: str, start: int, end: int, value: Any, system_map: list[int]) -> Region:
    key = "choices" if kind == "choices" else "text"
    return Region(rid, control, kind, {"start": system_map[start], "end": system_map[end], key: [value]})


def to_items(doc: Annotated, offsets: str = "codepoints") -> list[ResultItem]:
    """The result items of a Label Studio annotation or prediction for ``doc``'s records.

    Region ids are the record ids (an attribution's content region carries the attribution id; its
    source and cue regions are ``<id>-source`` and ``<id>-cue``).
    """
    m, _ = offset_maps(doc.text, offsets)
    out: list[ResultItem] = []
    for rec in doc.records:
        kind, rid = rec["type"], rec["id"]
        if kind in FLAT_LAYERS:
            s, e = rec["start"], rec["end"]
            label = "claim" if kind == "claim" else rec["label"]
            out.append(_region(rid, kind, label, s, e, rec["text"], m))
            if kind == "mention" and rec.get("entity") is not None:
                out.append(_per_region(rid, "entity", "choices", s, e, rec["entity"], m))
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
            out.append(_per_region(rid, "source_entity", "choices", s, e, rec["source_entity"], m))
        if rec.get("note") is not None:
            out.append(_per_region(rid, "note", "textarea", s, e, rec["note"], m))
        for part in ("source", "cue"):
            span = rec.get(part)
            if span is not None:
                out.append(_region(f"{rid}-{part}", "attribution", part, span["start"], span["end"], span["text"], m))
                out.append(Relation(f"{rid}-{part}", rid, (part,)))
    for rec in doc.records:
        if rec["type"] == "claim" and rec.get("attribution") is not None:
            out.append(Relation(rec["id"], rec["attribution"], ("attribution",)))
        if rec["type"] == "attribution" and rec.get("parent") is not None:
            out.append(Relation(rec["id"], rec["parent"], ("parent",)))
    return out


def to_result(doc: Annotated, offsets: str = "codepoints") -> list[dict]:
    """:func:`to_items` as the JSON of a ``result`` list.

    >>> r = to_result(Annotated("d", "Hamas met", [{"type": "mention", "id": "m1", "start": 0, "end": 5,
    ...                                             "text": "Hamas", "label": "ORG", "entity": "hamas"}]))
    >>> [(x["type"], x["from_name"], x["value"]["start"]) for x in r]
    [('labels', 'mention', 0), ('choices', 'entity', 0)]
    """
    return [item_json(x) for x in to_items(doc, offsets)]


def to_task(doc: Annotated, offsets: str = "codepoints") -> Task:
    """A task: the text, the document id, and the current annotations as a prediction."""
    return Task({TEXT: doc.text, "doc": doc.doc},
                predictions=[Annotation(None, to_items(doc, offsets), model_version=MODEL_VERSION)])


def to_labelstudio(doc: Annotated, offsets: str = "codepoints") -> dict:
    """:func:`to_task` as the JSON of a task.

    >>> t = to_labelstudio(Annotated("kash-000", "Hamas met", []))
    >>> t["data"], t["predictions"][0]["model_version"]
    ({'text': 'Hamas met', 'doc': 'kash-000'}, 'kashcorpus')
    """
    from .tasks import task_json

    return task_json(to_task(doc, offsets))

"""Label Studio's JSON as Label Studio defines it: tasks, annotations and result items as objects, parsed and serialised."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

import orjson

TEXT = "text"  # the name of the Text object of the labeling config, and of the task's data field


@dataclass(frozen=True)
class Region:
    """A result item over the text: ``labels`` (a labelled span) or a per-region ``choices`` / ``textarea``."""

    id: str
    from_name: Any
    type: Any
    value: dict[str, Any]
    to_name: Any = TEXT

    @property
    def labels(self) -> Any:
        return self.value.get("labels")


@dataclass(frozen=True)
class Relation:
    """A relation between two regions (``from_id`` -> ``to_id``) with its labels."""

    from_id: str
    to_id: str
    labels: tuple[str, ...] = ()
    direction: str = "right"


@dataclass(frozen=True)
class NotAnObject:
    """A result item that is not a JSON object (reported, never guessed at)."""

    raw: Any


ResultItem = Union[Region, Relation, NotAnObject]


@dataclass
class Annotation:
    """One annotation (or prediction) of a task: who made it, when, and its result."""

    id: Any
    result: list[ResultItem] = field(default_factory=list)
    completed_by: Any = None
    was_cancelled: bool = False
    updated_at: Any = ""
    model_version: str | None = None
    about: dict[str, Any] = field(default_factory=dict)  # who made it and when, as the export says

    @property
    def provenance(self) -> dict[str, Any]:
        """Who made the annotation, when, and how long it took (seconds), as far as the export says.

        >>> Annotation(7, completed_by={"id": 3, "email": "ann@example.org"}, about={"lead_time": 42.5,
        ...            "created_at": "2025-02-05T10:00:00Z"}).provenance
        {'annotation': '7', 'completed_by': 'ann@example.org', 'created_at': '2025-02-05T10:00:00Z', 'lead_time': 42.5}
        """
        who = self.completed_by
        if isinstance(who, dict):
            who = who.get("email") or who.get("id")
        out: dict[str, Any] = {"annotation": None if self.id is None else str(self.id)[:64],
                               "completed_by": None if who is None or isinstance(who, bool) else str(who)[:254]}
        for key in ("created_at", "updated_at"):
            value = self.about.get(key) if key != "updated_at" else self.updated_at or None
            if isinstance(value, str) and value:
                out[key] = value[:40]
        lead = self.about.get("lead_time")
        if isinstance(lead, (int, float)) and not isinstance(lead, bool) and 0 <= lead < 1e9:
            out["lead_time"] = float(lead)
        return {k: v for k, v in out.items() if v is not None}


@dataclass
class Task:
    """A task: its data (the text, and the document id kashcorpus adds), its annotations and predictions."""

    data: dict[str, Any]
    annotations: list[Annotation] = field(default_factory=list)
    predictions: list[Annotation] = field(default_factory=list)
    id: Any = None


def parse_item(item: Any) -> ResultItem:
    """One result item of an export.

    >>> parse_item({"from_id": "a", "to_id": "b", "type": "relation", "labels": ["source"]})
    Relation(from_id='a', to_id='b', labels=('source',), direction='right')
    """
    if not isinstance(item, dict):
        return NotAnObject(item)
    if item.get("type") == "relation":
        labels = item.get("labels")
        return Relation(str(item.get("from_id")), str(item.get("to_id")),
                        tuple(x for x in labels if isinstance(x, str)) if isinstance(labels, list) else (),
                        str(item.get("direction", "right")))
    value = item.get("value")
    if isinstance(value, dict) and not _plain_value(value):
        return NotAnObject(item)  # reported as a result that is not a region, like any other shape it cannot read
    return Region(str(item.get("id")), item.get("from_name"), item.get("type"),
                  value if isinstance(value, dict) else {}, item.get("to_name", TEXT))


def _plain_value(value: dict) -> bool:
    """A region's value has the types of a text region: integer offsets and a list of label strings."""
    for key in ("start", "end"):
        if key in value and (not isinstance(value[key], int) or isinstance(value[key], bool)):
            return False
    labels = value.get("labels")
    if "labels" in value and not (isinstance(labels, list) and all(isinstance(x, str) for x in labels)):
        return False
    return True


def parse_result(result: Any) -> list[ResultItem]:
    """The result list of an annotation (anything else is an empty result)."""
    return [parse_item(x) for x in result] if isinstance(result, list) else []


def parse_annotation(a: dict[str, Any]) -> Annotation:
    return Annotation(a.get("id"), parse_result(a.get("result")), a.get("completed_by"), bool(a.get("was_cancelled")),
                      a.get("updated_at", ""), a.get("model_version"),
                      {k: a[k] for k in ("created_at", "lead_time") if k in a})


def parse_task(task: dict[str, Any]) -> Task:
    """A task of an export: current exports say ``annotations``, legacy ones ``completions``."""
    anns = task.get("annotations")
    if anns is None:
        anns = task.get("completions")
    data = task.get("data")
    preds = task.get("predictions")
    return Task(data if isinstance(data, dict) else {},
                [parse_annotation(a) for a in (anns if isinstance(anns, list) else []) if isinstance(a, dict)],
                [parse_annotation(a) for a in (preds if isinstance(preds, list) else []) if isinstance(a, dict)],
                task.get("id"))


def parse_export(data: bytes) -> list[Task]:
    """The tasks of a Label Studio JSON export (a list of tasks, or one task object).

    Raises ``ValueError`` when the bytes are not JSON or not tasks with ``data``.
    """
    tasks = orjson.loads(data)
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list) or not all(isinstance(t, dict) and isinstance(t.get("data"), dict) for t in tasks):
        raise ValueError("not a Label Studio JSON export (a list of tasks with 'data')")
    return [parse_task(t) for t in tasks]


def item_json(item: ResultItem) -> Any:
    """A result item as Label Studio writes it."""
    if isinstance(item, Region):
        return {"id": item.id, "from_name": item.from_name, "to_name": item.to_name, "type": item.type,
                "value": item.value}
    if isinstance(item, Relation):
        return {"from_id": item.from_id, "to_id": item.to_id, "type": "relation", "direction": item.direction,
                "labels": list(item.labels)}
    return item.raw


def annotation_json(a: Annotation) -> dict[str, Any]:
    out: dict[str, Any] = {} if a.id is None else {"id": a.id}
    if a.model_version is not None:
        out["model_version"] = a.model_version
    out["result"] = [item_json(x) for x in a.result]
    return out


def task_json(task: Task) -> dict[str, Any]:
    """A task as Label Studio's import reads it (annotations under ``annotations``, predictions under ``predictions``)."""
    out: dict[str, Any] = {"data": task.data}
    if task.annotations:
        out["annotations"] = [annotation_json(a) for a in task.annotations]
    if task.predictions:
        out["predictions"] = [annotation_json(a) for a in task.predictions]
    return out


def serialise_tasks(tasks: list[Task]) -> bytes:
    """Tasks as an indented JSON list (the file Label Studio's import accepts)."""
    return orjson.dumps([task_json(t) for t in tasks], option=orjson.OPT_INDENT_2) + b"\n"

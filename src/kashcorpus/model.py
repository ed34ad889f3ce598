"""Frozen records of the data model: documents, spans, the registry and cross-document links."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

SPAN_LAYERS = ("zone", "mention", "claim", "attribution")
RECORD_TYPES = ("header",) + SPAN_LAYERS


@dataclass(frozen=True)
class Span:
    """A half-open ``[start, end)`` range of code points and the text it covers.

    >>> Span(0, 5, "Hamas").check("Hamas Joins")
    True
    """

    start: int
    end: int
    text: str

    def check(self, document_text: str) -> bool:
        return 0 <= self.start < self.end <= len(document_text) and document_text[self.start:self.end] == self.text

    @classmethod
    def from_dict(cls, d: dict | None) -> "Span | None":
        return None if d is None else cls(d["start"], d["end"], d["text"])

    of = from_dict

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Zone:
    id: str
    start: int
    end: int
    text: str
    label: str
    note: str | None = None


@dataclass(frozen=True)
class Mention:
    id: str
    start: int
    end: int
    text: str
    label: str
    entity: str | None
    note: str | None = None


@dataclass(frozen=True)
class Claim:
    id: str
    start: int
    end: int
    text: str
    claim_type: str
    certainty: str
    checkworthy: bool
    asserted_by: str
    attribution: str | None
    note: str | None = None


@dataclass(frozen=True)
class Attribution:
    id: str
    source: Span | None
    source_type: str
    source_entity: str | None
    cue: Span | None
    content: Span
    parent: str | None
    note: str | None = None

    @property
    def start(self) -> int:
        return min(s.start for s in (self.source, self.cue, self.content) if s is not None)

    @property
    def end(self) -> int:
        return max(s.end for s in (self.source, self.cue, self.content) if s is not None)


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    description: str
    external_ids: dict[str, str] = field(default_factory=dict, hash=False, compare=True)
    note: str | None = None


@dataclass(frozen=True)
class Link:
    id: str
    type: str
    description: str
    entity: str | None
    members: tuple[str, ...]
    pairs: tuple[dict, ...]
    note: str | None = None


@dataclass(frozen=True)
class DocumentMeta:
    id: str
    seed_file: str
    sha256: str
    length: int
    bytes: int
    language: str
    title: dict
    publisher: dict
    author: dict
    date: dict
    genre: dict
    rights: str
    note: str | None = None


RECORD_CLASSES = {"zone": Zone, "mention": Mention, "claim": Claim, "attribution": Attribution}


def record_from_dict(d: dict) -> Any:
    """Build the frozen record for a span-layer dict (``type`` selects the class).

    >>> record_from_dict({"type": "zone", "id": "z1", "start": 0, "end": 1, "text": "x", "label": "body"}).label
    'body'
    """
    kind = d["type"]
    if kind == "attribution":
        return Attribution(d["id"], Span.from_dict(d.get("source")), d["source_type"], d.get("source_entity"),
                           Span.from_dict(d.get("cue")), Span.from_dict(d["content"]), d.get("parent"), d.get("note"))
    cls = RECORD_CLASSES[kind]
    return cls(**{f.name: d.get(f.name) for f in fields(cls)})


def record_to_dict(rec: Any) -> dict:
    """The inverse of :func:`record_from_dict`; optional ``note`` is left out when empty."""
    kind = next(k for k, c in RECORD_CLASSES.items() if isinstance(rec, c))
    out: dict = {"type": kind}
    for f in fields(rec):
        v = getattr(rec, f.name)
        if isinstance(v, Span):
            v = v.to_dict()
        if f.name == "note" and v is None:
            continue
        out[f.name] = v
    return out


def entity_from_dict(d: dict) -> Entity:
    return Entity(d["id"], d["name"], d["type"], tuple(d["aliases"]), d["description"],
                  dict(d.get("external_ids", {})), d.get("note"))


def entity_to_dict(e: Entity) -> dict:
    out = {"id": e.id, "name": e.name, "type": e.type, "aliases": list(e.aliases), "description": e.description}
    if e.external_ids:
        out["external_ids"] = dict(e.external_ids)
    if e.note is not None:
        out["note"] = e.note
    return out


def link_from_dict(d: dict) -> Link:
    return Link(d["id"], d["type"], d["description"], d.get("entity"), tuple(d["members"]),
                tuple(dict(p) for p in d["pairs"]), d.get("note"))


def link_to_dict(link: Link) -> dict:
    out = {"id": link.id, "type": link.type, "description": link.description, "entity": link.entity,
           "members": list(link.members), "pairs": [dict(p) for p in link.pairs]}
    if link.note is not None:
        out["note"] = link.note
    return out


def meta_from_dict(d: dict) -> DocumentMeta:
    return DocumentMeta(**{f.name: d.get(f.name) for f in fields(DocumentMeta)})


def meta_to_dict(m: DocumentMeta) -> dict:
    out = {f.name: getattr(m, f.name) for f in fields(DocumentMeta)}
    if out["note"] is None:
        del out["note"]
    return out

"""The data model: record types, layer names, attribution parts, id rules and span helpers, defined once."""
from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from typing import Literal, NotRequired, TypedDict, Union
from collections.abc import Iterable, Mapping

# -- layers and parts ------------------------------------------------------------------------------

SPAN_LAYERS = ("zone", "mention", "claim", "attribution")
RECORD_TYPES = ("header",) + SPAN_LAYERS
FLAT_LAYERS = ("zone", "mention", "claim")  # layers whose record is one span (an attribution has parts)
PARTS = ("source", "cue", "content")  # the spans of an attribution, in file order
TYPE_RANK = {"header": 0, "zone": 1, "mention": 2, "claim": 3, "attribution": 4}  # canonical order in a file
GOLD = "gold"
PASS_PREFIX = "pass-"

# (field, taxonomy table) pairs: which fields of a record hold a label of schema/taxonomy.json
LABEL_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "zone": (("label", "zone"),),
    "mention": (("label", "mention"),),
    "claim": (("claim_type", "claim_type"), ("certainty", "certainty"), ("asserted_by", "asserted_by")),
    "attribution": (("source_type", "source_type"),),
}
CLAIM_ATTRIBUTES = ("claim_type", "certainty", "checkworthy", "asserted_by")


# -- record types (the dicts of the JSON Lines files) --------------------------------------------------

LayerType = Literal["zone", "mention", "claim", "attribution"]


class SpanDict(TypedDict):
    """A half-open range of code points and the text it covers."""

    start: int
    end: int
    text: str


class HeaderSource(TypedDict):
    tool: str
    annotation: NotRequired[str]
    completed_by: NotRequired[str]
    created_at: NotRequired[str]
    updated_at: NotRequired[str]
    lead_time_ms: NotRequired[int]


class HeaderRecord(TypedDict):
    type: Literal["header"]
    doc: str
    layer: str
    text_sha256: str
    schema_version: str
    source: NotRequired[HeaderSource]


class ZoneRecord(TypedDict):
    type: Literal["zone"]
    id: str
    start: int
    end: int
    text: str
    label: str
    note: NotRequired[str]


class MentionRecord(TypedDict):
    type: Literal["mention"]
    id: str
    start: int
    end: int
    text: str
    label: str
    entity: str | None
    note: NotRequired[str]


class ClaimRecord(TypedDict):
    type: Literal["claim"]
    id: str
    start: int
    end: int
    text: str
    claim_type: str
    certainty: str
    checkworthy: bool
    asserted_by: str
    attribution: str | None
    note: NotRequired[str]


class AttributionRecord(TypedDict):
    type: Literal["attribution"]
    id: str
    source: SpanDict | None
    source_type: str
    source_entity: str | None
    cue: SpanDict | None
    content: SpanDict
    parent: str | None
    note: NotRequired[str]


SpanRecord = Union[ZoneRecord, MentionRecord, ClaimRecord, AttributionRecord]
AnnotationRecord = Union[HeaderRecord, SpanRecord]


class EntityRecord(TypedDict):
    id: str
    name: str
    type: str
    aliases: list[str]
    description: str
    external_ids: NotRequired[dict[str, str]]
    note: NotRequired[str]


class PairRecord(TypedDict):
    a: str
    b: str
    relation: str
    note: NotRequired[str]


class LinkRecord(TypedDict):
    id: str
    type: str
    description: str
    entity: str | None
    members: list[str]
    pairs: list[PairRecord]
    note: NotRequired[str]


class Evidenced(TypedDict):
    """A metadata value with the excerpt of the text that supports it, or null with the reason."""

    value: str | None
    evidence: str | None
    reason: str | None


class DateField(TypedDict):
    value: str | None
    precision: str | None
    basis: str
    evidence: str | None
    reason: str | None


class GenreField(TypedDict):
    value: str
    evidence: str | None
    note: NotRequired[str]


class SavedPage(TypedDict):
    """The saved web page a document was added from (``sources/<id>.html``)."""

    sha256: str
    bytes: int
    encoding: str
    extractor: str


class DocumentRecord(TypedDict):
    """One line of ``corpus/documents.jsonl``: a text's metadata."""

    id: str
    seed_file: str
    sha256: str
    length: int
    bytes: int
    language: str
    title: Evidenced
    publisher: Evidenced
    author: Evidenced
    date: DateField
    genre: GenreField
    rights: str
    url: NotRequired[str]
    page: NotRequired[SavedPage]
    note: NotRequired[str]


# -- ids -------------------------------------------------------------------------------------------

ID_PREFIX = {"zone": "z", "mention": "m", "claim": "c", "attribution": "a"}
RECORD_ID = re.compile(r"[zmca][1-9][0-9]{0,6}")
DOC_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
ANNOTATOR = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ENTITY_ID = ANNOTATOR  # registry ids and annotator names: lower-case ASCII words joined by hyphens

# Names a file system refuses or treats as a device (Windows: con.txt is the console, whatever the folder).
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul"} | {f"{p}{d}" for p in ("com", "lpt") for d in range(10)})


def is_doc_id(value: object) -> bool:
    """True when ``value`` is a safe document id (it can never name a path outside the corpus, nor a device).

    >>> is_doc_id("kash-000"), is_doc_id("../etc"), is_doc_id("a/b"), is_doc_id("con")
    (True, False, False, False)
    """
    return (isinstance(value, str) and len(value) <= 64 and DOC_ID.fullmatch(value) is not None
            and value not in RESERVED_NAMES)


def is_annotator(value: object) -> bool:
    """True when ``value`` can name a pass folder (``annotations/passes/<value>/``).

    >>> is_annotator("ann-1"), is_annotator("Ann"), is_annotator("aux")
    (True, False, False)
    """
    return isinstance(value, str) and ANNOTATOR.fullmatch(value) is not None and value not in RESERVED_NAMES


def layer_name(annotator: str | None) -> str:
    """The layer an annotator writes: ``gold`` for none, else ``pass-<annotator>``.

    >>> layer_name(None), layer_name("ann1")
    ('gold', 'pass-ann1')
    """
    return GOLD if annotator is None else f"{PASS_PREFIX}{annotator}"


def is_record_id(rid: object, kind: str | None = None) -> bool:
    """True when ``rid`` is a record id (of ``kind`` when given: ``m`` for mentions...).

    >>> is_record_id("m12"), is_record_id("m12", "claim"), is_record_id("m0")
    (True, False, False)
    """
    return (isinstance(rid, str) and RECORD_ID.fullmatch(rid) is not None
            and (kind is None or rid[0] == ID_PREFIX[kind]))


def id_number(rid: str) -> int:
    """The number of a record id (0 when it has none).

    >>> id_number("m12"), id_number("x")
    (12, 0)
    """
    digits = rid[1:]
    return int(digits) if digits.isdigit() else 0


def next_id(records: Iterable[Mapping[str, object]], kind: str) -> str:
    """The next free id of a record type: one more than the highest in use.

    >>> next_id([{"type": "mention", "id": "m2"}, {"type": "mention", "id": "m7"}], "mention")
    'm8'
    """
    prefix = ID_PREFIX[kind]
    nums = [int(rid[1:]) for r in records if isinstance(rid := r.get("id"), str) and rid.startswith(prefix)
            and rid[1:].isdigit()]
    return f"{prefix}{max(nums, default=0) + 1}"


# -- spans -----------------------------------------------------------------------------------------

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
    def from_dict(cls, d: Mapping[str, object] | None) -> Span | None:
        if d is None:
            return None
        start, end, text = d["start"], d["end"], d["text"]
        assert isinstance(start, int) and isinstance(end, int) and isinstance(text, str)
        return cls(start, end, text)

    of = from_dict

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def to_dict(self) -> SpanDict:
        return {"start": self.start, "end": self.end, "text": self.text}


def span_dict(text: str, start: int, end: int) -> SpanDict:
    """The span of ``text`` from ``start`` to ``end``, with the text it covers.

    >>> span_dict("Hamas met", 0, 5)
    {'start': 0, 'end': 5, 'text': 'Hamas'}
    """
    return {"start": start, "end": end, "text": text[start:end]}


def spans_of(rec: Mapping) -> list[tuple[str, Mapping]]:
    """``[(part, span dict)]`` of a record: itself, or an attribution's source, cue and content.

    >>> [p for p, _ in spans_of({"type": "attribution", "source": None, "cue": {"start": 0, "end": 1, "text": "x"},
    ...                          "content": {"start": 2, "end": 3, "text": "y"}})]
    ['cue', 'content']
    """
    if rec["type"] == "attribution":
        return [(p, rec[p]) for p in PARTS if rec.get(p) is not None]
    return [(rec["type"], rec)]


def record_anchor(rec: Mapping) -> tuple[int, int]:
    """Where a record lies: its span, or from the first to the last part of an attribution (``(0, 0)`` if none).

    >>> record_anchor({"type": "attribution", "source": {"start": 9, "end": 12}, "cue": None,
    ...                "content": {"start": 2, "end": 5}})
    (2, 12)
    """
    if rec.get("type") == "attribution":
        spans = [s for s in (rec.get(k) for k in PARTS) if isinstance(s, dict)]
        return (min(s["start"] for s in spans), max(s["end"] for s in spans)) if spans else (0, 0)
    return rec.get("start", 0), rec.get("end", 0)


# -- carrying spans through a text edit ------------------------------------------------------------

class OffsetMap:
    """Where each offset of ``old`` lands in ``new``, from a character diff.

    >>> m = OffsetMap("Hamas met in PoK.", "Hamas leaders met in PoK.")
    >>> m(6), m(13), m.kept(13, 16)
    (14, 21, True)
    """

    def __init__(self, old: str, new: str):
        p = 0
        limit = min(len(old), len(new))
        while p < limit and old[p] == new[p]:
            p += 1
        q = 0
        while q < limit - p and old[len(old) - 1 - q] == new[len(new) - 1 - q]:
            q += 1
        ops: list[tuple[str, int, int, int, int]] = [("equal", 0, p, 0, p)] if p else []
        sm = difflib.SequenceMatcher(None, old[p:len(old) - q], new[p:len(new) - q], autojunk=False)
        ops += [(t, i1 + p, i2 + p, j1 + p, j2 + p) for t, i1, i2, j1, j2 in sm.get_opcodes()]
        if q:
            ops.append(("equal", len(old) - q, len(old), len(new) - q, len(new)))
        self.ops = [op for op in ops if op[1] < op[2] or op[3] < op[4]] or [("equal", 0, 0, 0, 0)]
        self._starts = [op[1] for op in self.ops]
        self.old_len, self.new_len = len(old), len(new)

    def _op(self, pos: int) -> tuple[str, int, int, int, int]:
        return self.ops[max(bisect.bisect_right(self._starts, pos) - 1, 0)]

    def __call__(self, pos: int) -> int:
        if pos >= self.old_len:
            return self.new_len
        tag, i1, _i2, j1, j2 = self._op(pos)
        return j1 + (pos - i1) if tag == "equal" else j1 + min(pos - i1, j2 - j1)

    def kept(self, start: int, end: int) -> bool:
        """True when ``old[start:end]`` lies inside one unchanged stretch (so it is still there, shifted)."""
        tag, i1, i2, _j1, _j2 = self._op(start)
        return tag == "equal" and i1 <= start and end <= i2


def map_record(rec: dict, m: OffsetMap) -> dict:
    """``rec`` with the offsets of each of its spans carried through the edit ``m`` describes; the span texts
    stay the old ones, so comparing with the record on the new text tells a shifted span (same text) from an
    edited one.

    >>> m = OffsetMap("Hamas met in PoK.", "Hamas leaders met in PoK.")
    >>> map_record({"type": "mention", "id": "m1", "start": 13, "end": 16, "text": "PoK"}, m)
    {'type': 'mention', 'id': 'm1', 'start': 21, 'end': 24, 'text': 'PoK'}
    """
    def carry(span: dict) -> dict:
        return {**span, "start": m(span["start"]), "end": m(span["end"])}

    if rec.get("type") == "attribution" or "content" in rec:
        return {**rec, **{p: carry(rec[p]) for p in PARTS if isinstance(rec.get(p), dict)}}
    return carry(rec)

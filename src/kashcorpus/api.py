"""A typed API over the corpus (documents, spans, registry, attribution graph): views of the records of ``model``."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator

from .corpus import DocumentRecords, iter_documents, read_entities, read_links
from .model import (AttributionRecord, ClaimRecord, EntityRecord, LinkRecord, MentionRecord, PairRecord, Span, SpanDict,
                    ZoneRecord)
from .resources import data_root, taxonomy


class UnknownId(KeyError):
    """A document, record, entity or link id the corpus does not have; the message names it and near ids."""

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownLabel(ValueError):
    """A label or attribute the taxonomy does not have; the message names the valid ones."""


def _check_id(kind: str, value: str, known, plural: str | None = None) -> None:
    """Raise :class:`UnknownId` unless ``value`` is one of ``known``; the message lists them all if there are
    at most 20, else the nearest.

    >>> _check_id("link", "event-x", ["event-rawalakot", "claim-a"])
    Traceback (most recent call last):
    ...
    kashcorpus.api.UnknownId: no link 'event-x'; the links are: event-rawalakot, claim-a
    """
    if value in known:
        return
    import difflib

    known, kinds = list(known), plural or f"{kind}s"
    near = difflib.get_close_matches(str(value), known, n=5, cutoff=0.5)
    if len(known) <= 20:
        hint = f"the {kinds} are: {', '.join(known)}" if known else f"the corpus has no {kinds}"
    else:
        hint = (f"did you mean {', '.join(near)}? " if near else "") + f"({len(known)} {kinds})"
    raise UnknownId(f"no {kind} {value!r}; {hint}")


def _check_label(table: str, value: str | None) -> None:
    """Raise :class:`UnknownLabel` unless ``value`` is ``None`` or a label of ``table`` in the taxonomy.

    >>> _check_label("source_type", "anon")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kashcorpus.api.UnknownLabel: 'anon' is not a source_type label; the labels are: author, person, ..., collective
    """
    if value is not None and value not in taxonomy()[table]:
        raise UnknownLabel(f"{value!r} is not a {table} label; the labels are: {', '.join(taxonomy()[table])}")


def _span(span: Span | None) -> SpanDict | None:
    return None if span is None else span.to_dict()


@dataclass(frozen=True)
class Zone:
    doc: str
    id: str
    span: Span
    label: str
    note: str | None = None

    @classmethod
    def from_record(cls, doc: str, r: ZoneRecord) -> Zone:
        return cls(doc, r["id"], Span(r["start"], r["end"], r["text"]), r["label"], r.get("note"))

    def to_record(self) -> ZoneRecord:
        rec: ZoneRecord = {"type": "zone", "id": self.id, "start": self.span.start, "end": self.span.end,
                          "text": self.span.text, "label": self.label}
        if self.note is not None:
            rec["note"] = self.note
        return rec


@dataclass(frozen=True)
class Mention:
    doc: str
    id: str
    span: Span
    label: str
    entity: str | None
    note: str | None = None

    @classmethod
    def from_record(cls, doc: str, r: MentionRecord) -> Mention:
        return cls(doc, r["id"], Span(r["start"], r["end"], r["text"]), r["label"], r["entity"], r.get("note"))

    def to_record(self) -> MentionRecord:
        rec: MentionRecord = {"type": "mention", "id": self.id, "start": self.span.start, "end": self.span.end,
                             "text": self.span.text, "label": self.label, "entity": self.entity}
        if self.note is not None:
            rec["note"] = self.note
        return rec


@dataclass(frozen=True)
class Claim:
    doc: str
    id: str
    span: Span
    claim_type: str
    certainty: str
    checkworthy: bool
    asserted_by: str
    attribution: str | None
    note: str | None = None

    @classmethod
    def from_record(cls, doc: str, r: ClaimRecord) -> Claim:
        return cls(doc, r["id"], Span(r["start"], r["end"], r["text"]), r["claim_type"], r["certainty"],
                   r["checkworthy"], r["asserted_by"], r["attribution"], r.get("note"))

    def to_record(self) -> ClaimRecord:
        rec: ClaimRecord = {"type": "claim", "id": self.id, "start": self.span.start, "end": self.span.end,
                           "text": self.span.text, "claim_type": self.claim_type,
                "certainty": self.certainty, "checkworthy": self.checkworthy, "asserted_by": self.asserted_by,
                "attribution": self.attribution}
        if self.note is not None:
            rec["note"] = self.note
        return rec


@dataclass(frozen=True)
class Attribution:
    doc: str
    id: str
    source: Span | None
    source_type: str
    source_entity: str | None
    cue: Span | None
    content: Span
    parent: str | None
    note: str | None = None

    @classmethod
    def from_record(cls, doc: str, r: AttributionRecord) -> Attribution:
        content = Span.of(r["content"])
        assert content is not None
        return cls(doc, r["id"], Span.of(r["source"]), r["source_type"], r["source_entity"], Span.of(r["cue"]),
                   content, r["parent"], r.get("note"))

    def to_record(self) -> AttributionRecord:
        rec: AttributionRecord = {"type": "attribution", "id": self.id, "source": _span(self.source), "source_type": self.source_type,
                "source_entity": self.source_entity, "cue": _span(self.cue), "content": self.content.to_dict(),
                "parent": self.parent}
        if self.note is not None:
            rec["note"] = self.note
        return rec


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    description: str
    external_ids: dict = field(default_factory=dict)
    note: str | None = None

    @classmethod
    def from_record(cls, e: EntityRecord) -> Entity:
        return cls(e["id"], e["name"], e["type"], tuple(e["aliases"]), e["description"],
                   dict(e.get("external_ids") or {}), e.get("note"))

    def to_record(self) -> EntityRecord:
        out: EntityRecord = {"id": self.id, "name": self.name, "type": self.type, "aliases": list(self.aliases),
                             "description": self.description}
        if self.external_ids:
            out["external_ids"] = dict(self.external_ids)
        if self.note is not None:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    relation: str
    note: str | None = None

    @classmethod
    def from_record(cls, p: PairRecord) -> Pair:
        return cls(p["a"], p["b"], p["relation"], p.get("note"))

    def to_record(self) -> PairRecord:
        rec: PairRecord = {"a": self.a, "b": self.b, "relation": self.relation}
        if self.note is not None:
            rec["note"] = self.note
        return rec


@dataclass(frozen=True)
class Link:
    id: str
    type: str
    description: str
    entity: str | None
    members: tuple[str, ...]
    pairs: tuple[Pair, ...]
    note: str | None = None

    @classmethod
    def from_record(cls, x: LinkRecord) -> Link:
        return cls(x["id"], x["type"], x["description"], x["entity"], tuple(x["members"]),
                   tuple(Pair.from_record(p) for p in x["pairs"]), x.get("note"))

    def to_record(self) -> LinkRecord:
        rec: LinkRecord = {"id": self.id, "type": self.type, "description": self.description, "entity": self.entity,
                "members": list(self.members), "pairs": [p.to_record() for p in self.pairs]}
        if self.note is not None:
            rec["note"] = self.note
        return rec


RECORD_CLASSES = {"zone": Zone, "mention": Mention, "claim": Claim, "attribution": Attribution}


@dataclass(frozen=True)
class Report:
    """One attributed statement: a claim, who it is attributed to (source) and how (cue)."""

    doc: str
    claim: Claim | None
    attribution: Attribution

    @property
    def source_text(self) -> str | None:
        return self.attribution.source.text if self.attribution.source else None


@dataclass(frozen=True)
class Document:
    """A document: id, verbatim text, metadata record and its gold layers."""

    id: str
    text: str
    meta: dict
    zones: tuple[Zone, ...]
    mentions: tuple[Mention, ...]
    claims: tuple[Claim, ...]
    attributions: tuple[Attribution, ...]

    @property
    def title(self) -> str | None:
        return self.meta["title"]["value"]

    @property
    def genre(self) -> str:
        return self.meta["genre"]["value"]

    def record(self, rid: str):
        """The zone, mention, claim or attribution with id ``rid`` (:class:`UnknownId` if there is none)."""
        for layer in (self.zones, self.mentions, self.claims, self.attributions):
            for r in layer:
                if r.id == rid:
                    return r
        raise UnknownId(f"no record {rid!r} in {self.id} (ids are z<n> zones, m<n> mentions, c<n> claims, "
                        "a<n> attributions)")

    def claims_of(self, attribution_id: str) -> list[Claim]:
        """The claims that an attribution carries."""
        return [c for c in self.claims if c.attribution == attribution_id]


def _doc(d: DocumentRecords) -> Document:
    n = d.id
    return Document(
        n, d.text, d.meta,
        tuple(Zone.from_record(n, r) for r in d.layer("zone")),
        tuple(Mention.from_record(n, r) for r in d.layer("mention")),
        tuple(Claim.from_record(n, r) for r in d.layer("claim")),
        tuple(Attribution.from_record(n, r) for r in d.layer("attribution")),
    )


class Corpus:
    """The whole corpus in memory, typed.

    >>> corpus = Corpus.load()
    >>> corpus["kash-000"].id, len(corpus) >= 1
    ('kash-000', True)
    """

    def __init__(self, documents, entities, links):
        self.documents: dict[str, Document] = {d.id: d for d in documents}
        self.entities: dict[str, Entity] = {e.id: e for e in entities}
        self.links: dict[str, Link] = {x.id: x for x in links}

    @classmethod
    def load(cls, root: Path | str | None = None) -> Corpus:
        """Read the corpus at ``root`` (default: the packaged data) straight from its JSON Lines files."""
        root = Path(root) if root else data_root()
        entities = [Entity.from_record(e) for e in read_entities(root)]
        links = [Link.from_record(x) for x in read_links(root)]
        return cls([_doc(d) for d in iter_documents(root)], entities, links)

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents.values())

    def __getitem__(self, doc_id: str) -> Document:
        _check_id("document", doc_id, self.documents)
        return self.documents[doc_id]

    def __repr__(self) -> str:
        return f"<Corpus: {len(self.documents)} documents, {len(self.entities)} entities, {len(self.links)} links>"

    # -- records across documents --------------------------------------------------------------

    def resolve(self, ref: str):
        """The record a link member names: ``<doc>#<record id>``."""
        doc, sep, rid = ref.partition("#")
        if not sep:
            raise UnknownId(f"{ref!r} is not a record reference of the form <doc>#<record id>, e.g. kash-000#m1")
        return self[doc].record(rid)

    def mentions(self, entity: str | None = None, label: str | None = None) -> list[Mention]:
        """All mentions, or those of one registry entity / one label, across documents.

        An entity id the registry does not have raises :class:`UnknownId`, a label the taxonomy does not
        have :class:`UnknownLabel`; neither returns an empty list silently.
        """
        if entity is not None:
            _check_id("entity", entity, self.entities, "entities")
        _check_label("mention", label)
        return [m for d in self for m in d.mentions
                if (entity is None or m.entity == entity) and (label is None or m.label == label)]

    def claims(self, **where) -> list[Claim]:
        """Claims whose attributes equal ``where`` (e.g. ``certainty="hedged"``).

        >>> Corpus.load().claims(certainty="sure")
        Traceback (most recent call last):
        ...
        kashcorpus.api.UnknownLabel: 'sure' is not a certainty label; the labels are: asserted, hedged, reported, unverified
        """
        fields = [f for f in Claim.__dataclass_fields__ if f != "span"]
        for key, value in where.items():
            if key not in fields:
                raise UnknownLabel(f"claims have no attribute {key!r}; the attributes are: {', '.join(fields)}")
            if key in taxonomy():
                _check_label(key, value)
        return [c for d in self for c in d.claims if all(getattr(c, k) == v for k, v in where.items())]

    def attributions(self, source_type: str | None = None, source_entity: str | None = None) -> list[Attribution]:
        """Attributions, filtered by source type and/or registry entity of the source."""
        _check_label("source_type", source_type)
        if source_entity is not None:
            _check_id("entity", source_entity, self.entities, "entities")
        return [a for d in self for a in d.attributions
                if (source_type is None or a.source_type == source_type)
                and (source_entity is None or a.source_entity == source_entity)]

    # -- the attribution graph ------------------------------------------------------------------

    def reports(self, source_type: str | None = None, source_entity: str | None = None) -> list[Report]:
        """Claims with the attribution that carries them, filtered by source (``source_type="anonymous"``).

        An attribution that carries no annotated claim is reported once with ``claim=None``.
        """
        out = []
        for a in self.attributions(source_type, source_entity):
            claims = self.documents[a.doc].claims_of(a.id)
            out += [Report(a.doc, c, a) for c in claims] or [Report(a.doc, None, a)]
        return out

    def attribution_chain(self, attribution: Attribution) -> list[Attribution]:
        """The attribution and the ones it is nested in, innermost first."""
        doc = self.documents[attribution.doc]
        chain = [attribution]
        while chain[-1].parent:
            chain.append(doc.record(chain[-1].parent))
        return chain

    def who_reports(self, link_id: str) -> list[Report]:
        """Who reports what about a linked event or claim: for each member, the attributed claims about it.

        A claim member counts itself; a mention member counts the claims whose span contains it.
        Claims the author asserts appear with the author's attribution when there is one.
        """
        _check_id("link", link_id, self.links)
        out: list[Report] = []
        seen: set[tuple[str, str]] = set()
        for ref in self.links[link_id].members:
            rec = self.resolve(ref)
            doc = self.documents[rec.doc]
            claims = [rec] if isinstance(rec, Claim) else [c for c in doc.claims if c.span.contains(rec.span)] \
                if isinstance(rec, Mention) else []
            for c in claims:
                if (doc.id, c.id) in seen:
                    continue
                seen.add((doc.id, c.id))
                if c.attribution:
                    out.append(Report(doc.id, c, doc.record(c.attribution)))
                else:
                    out.append(Report(doc.id, c, Attribution(doc.id, "", None, "author", None, None, c.span, None)))
        return out

    # -- pandas --------------------------------------------------------------------------------

    def to_pandas(self, table: str = "documents"):
        """One table as a ``pandas.DataFrame``: ``documents``, ``zones``, ``mentions``, ``claims``,
        ``attributions``, ``entities`` or ``links``. Labels are ordered categoricals (taxonomy order),
        offsets ``Int64``, texts ``string``."""
        import pandas as pd

        if table not in FRAME_BUILDERS:
            raise ValueError(f"no table {table!r}; the tables are: {', '.join(FRAME_BUILDERS)}")
        rows = FRAME_BUILDERS[table](self)
        columns = FRAME_COLUMNS[table]
        df = pd.DataFrame(rows, columns=list(columns))
        tax = taxonomy()
        for col, kind in columns.items():
            if kind in tax:
                df[col] = pd.Categorical(df[col], categories=list(tax[kind]), ordered=True)
            elif kind == "int":
                df[col] = df[col].astype("Int64")
            elif kind == "str":
                df[col] = df[col].astype("string")
            elif kind == "bool":
                df[col] = df[col].astype("boolean")
        return df


def _span_cols(span: Span | None) -> list:
    return [None, None, None] if span is None else [span.start, span.end, span.text]


_SPAN = {"start": "int", "end": "int", "text": "str"}
FRAME_COLUMNS = {
    "documents": {"id": "str", "title": "str", "publisher": "str", "author": "str", "date": "str",
                  "date_precision": "str", "date_basis": "str", "genre": "genre", "language": "str",
                  "length": "int", "sha256": "str", "zones": "int", "mentions": "int", "claims": "int",
                  "attributions": "int", "text": "str"},
    "zones": {"doc": "str", "id": "str", **_SPAN, "label": "zone", "note": "str"},
    "mentions": {"doc": "str", "id": "str", **_SPAN, "label": "mention", "entity": "str", "note": "str"},
    "claims": {"doc": "str", "id": "str", **_SPAN, "claim_type": "claim_type", "certainty": "certainty",
               "checkworthy": "bool", "asserted_by": "asserted_by", "attribution": "str", "note": "str"},
    "attributions": {"doc": "str", "id": "str", **{f"source_{k}": v for k, v in _SPAN.items()},
                     "source_type": "source_type", "source_entity": "str",
                     **{f"cue_{k}": v for k, v in _SPAN.items()}, **{f"content_{k}": v for k, v in _SPAN.items()},
                     "parent": "str", "note": "str"},
    "entities": {"id": "str", "name": "str", "type": "mention", "aliases": "object", "description": "str",
                 "external_ids": "object", "mentions": "int", "documents": "int", "note": "str"},
    "links": {"id": "str", "type": "link", "description": "str", "entity": "str", "members": "object",
              "pairs": "object", "note": "str"},
}


def _documents_rows(c: Corpus):
    rows = []
    for d in c:
        m = d.meta
        rows.append([d.id, m["title"]["value"], m["publisher"]["value"], m["author"]["value"], m["date"]["value"],
                     m["date"]["precision"], m["date"]["basis"], m["genre"]["value"], m["language"], len(d.text),
                     m["sha256"], len(d.zones), len(d.mentions), len(d.claims), len(d.attributions), d.text])
    return rows


def _entities_rows(c: Corpus):
    rows = []
    for e in c.entities.values():
        ms = c.mentions(entity=e.id)
        rows.append([e.id, e.name, e.type, list(e.aliases), e.description, dict(e.external_ids), len(ms),
                     len({m.doc for m in ms}), e.note])
    return rows


FRAME_BUILDERS = {
    "documents": _documents_rows,
    "zones": lambda c: ([[z.doc, z.id, z.span.start, z.span.end, z.span.text, z.label, z.note]
                         for d in c for z in d.zones]),
    "mentions": lambda c: ([[m.doc, m.id, m.span.start, m.span.end, m.span.text, m.label, m.entity, m.note]
                            for d in c for m in d.mentions]),
    "claims": lambda c: ([[x.doc, x.id, x.span.start, x.span.end, x.span.text, x.claim_type, x.certainty,
                           x.checkworthy, x.asserted_by, x.attribution, x.note] for d in c for x in d.claims]),
    "attributions": lambda c: ([[a.doc, a.id, *_span_cols(a.source), a.source_type, a.source_entity,
                                 *_span_cols(a.cue), *_span_cols(a.content), a.parent, a.note]
                                for d in c for a in d.attributions]),
    "entities": _entities_rows,
    "links": lambda c: ([[x.id, x.type, x.description, x.entity, list(x.members),
                          [vars(p) for p in x.pairs], x.note] for x in c.links.values()]),
}


def load(root: Path | str | None = None) -> Corpus:
    """The corpus (default: the packaged data) as a typed :class:`Corpus`."""
    return Corpus.load(root)


def to_pandas(table: str = "documents", root: Path | str | None = None):
    """One table of the corpus as a ``pandas.DataFrame`` (see :meth:`Corpus.to_pandas`).

    >>> to_pandas("documents")["genre"].dtype.name
    'category'
    """
    return Corpus.load(root).to_pandas(table)

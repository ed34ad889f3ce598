"""Level 3 rules of an annotation file, each defined once: its codes, what it reads, its detailed and fast forms."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from collections.abc import Callable, Iterable, Iterator

from ..findings import Finding, make_finding
from ..model import GOLD, LABEL_FIELDS, PARTS, SPAN_LAYERS, TYPE_RANK, id_number, record_anchor, removed_ids
from ..resources import schema_version

Record = dict[str, Any]


@dataclass
class Context:
    """What checks of one document need to know about the rest of the corpus."""

    taxonomy: dict
    entity_types: dict[str, str]
    text_sha256: dict[str, str] = field(default_factory=dict)
    # the entity types of each pass that carries its own registry, by layer (its mentions resolve there)
    pass_entity_types: dict[str, dict[str, str]] = field(default_factory=dict)

    def for_layer(self, layer: str | None) -> Context:
        """The context a file of ``layer`` is checked in: the pass's own registry when it has one."""
        own = self.pass_entity_types.get(layer or "")
        return self if own is None else Context(self.taxonomy, own, self.text_sha256, self.pass_entity_types)


@dataclass
class FileView:
    """One annotation file as the rules read it: its headers and the span records that passed levels 1 and 2.

    ``records`` are ``(line, record)`` in file order; ``text`` is the document's text (``None`` when the
    document is unknown or unreadable: the rules that need it do not run).
    """

    rel: str
    doc: str
    layer: str | None
    text: str | None
    headers: list[tuple[int, Record]] = field(default_factory=list)
    records: list[tuple[int, Record]] = field(default_factory=list)
    objects: int = 0  # every JSON object read, valid or not

    @cached_property
    def by_type(self) -> dict[str, list[tuple[int, Record]]]:
        out: dict[str, list[tuple[int, Record]]] = {t: [] for t in SPAN_LAYERS}
        for line, r in self.records:
            out[r["type"]].append((line, r))
        return out

    def column(self, kind: str, name: str) -> list[Any]:
        """The values of field ``name`` of every ``kind`` record, in file order (a rule's fast form reads these)."""
        return [r[name] for _line, r in self.by_type[kind]]

    @cached_property
    def kinds(self) -> dict[str, str]:
        """Record id -> type, for the first record of each id."""
        out: dict[str, str] = {}
        for _line, r in self.records:
            out.setdefault(r["id"], r["type"])
        return out

    @cached_property
    def attributions(self) -> dict[str, tuple[int, Record]]:
        """Attribution id -> ``(line, record)``, the last record of each id."""
        return {r["id"]: (line, r) for line, r in self.by_type["attribution"]}

    def where(self, line: int, rec: Record) -> dict[str, Any]:
        return {"file": self.rel, "line": line, "doc": self.doc, "record": rec["id"]}


@dataclass(frozen=True)
class Rule:
    """A rule of an annotation file: the codes it reports, the record types it reads, and its two forms.

    The detailed form (``check``) yields every finding with its location and parameters; the fast form
    (``fast``) answers, over the file's records taken together (their columns), whether the detailed form
    has anything to say. ``fast`` may be cautious (``False`` when unsure) but never ``True`` for a file
    ``check`` reports: the validator runs ``check`` only for the rules whose ``fast`` fails.
    """

    id: str
    codes: tuple[str, ...]
    applies_to: tuple[str, ...]
    check: Callable[[FileView, Context], Iterator[Finding]]
    fast: Callable[[FileView, Context], bool]
    needs_text: bool = False

    @property
    def description(self) -> str:
        return (self.check.__doc__ or "").strip().splitlines()[0]


# -- the header -------------------------------------------------------------------------------------

def _text_sha(view: FileView, ctx: Context) -> str:
    assert view.text is not None
    return ctx.text_sha256.get(view.doc) or hashlib.sha256(view.text.encode("utf-8")).hexdigest()


def check_header(view: FileView, ctx: Context) -> Iterator[Finding]:
    """The header names this file's document and layer, and the hash of the text the spans were made on."""
    for line, h in view.headers:
        where: dict[str, Any] = {"file": view.rel, "line": line, "doc": view.doc}
        if h["doc"] != view.doc:
            yield make_finding("header-doc-mismatch", named=h["doc"], expected=view.doc, **where)
        if view.layer is not None and h["layer"] != view.layer:
            yield make_finding("header-layer-mismatch", named=h["layer"], expected=view.layer, **where)
        if view.text is not None:
            actual = _text_sha(view, ctx)
            if h["text_sha256"] != actual:
                yield make_finding("annotation-stale", old=h["text_sha256"], new=actual, **where)
        if not readable_version(h["schema_version"]):
            yield make_finding("schema-version-unsupported", found=h["schema_version"], supported=schema_version(),
                               **where)


def readable_version(version: str) -> bool:
    """Whether these tools read files of schema ``version``: the same major version, a minor one not newer.

    >>> readable_version(schema_version()), readable_version("9.9.9")
    (True, False)
    """
    mine = [int(x) for x in schema_version().split(".")]
    try:
        theirs = [int(x) for x in version.split(".")]
    except ValueError:
        return False
    return len(theirs) == 3 and theirs[0] == mine[0] and theirs[1] <= mine[1]


def fast_header(view: FileView, ctx: Context) -> bool:
    sha = _text_sha(view, ctx) if view.text is not None else None
    return all(h["doc"] == view.doc and view.layer in (None, h["layer"]) and sha in (None, h["text_sha256"])
               and readable_version(h["schema_version"]) for _line, h in view.headers)


# -- ids and order ----------------------------------------------------------------------------------

def check_ids(view: FileView, ctx: Context) -> Iterator[Finding]:
    """Record ids are unique within the file."""
    seen: dict[str, int] = {}
    for line, r in view.records:
        rid = r["id"]
        if rid in seen:
            yield make_finding("duplicate-id", id=rid, first_line=seen[rid], **view.where(line, r))
        else:
            seen[rid] = line


def fast_ids(view: FileView, ctx: Context) -> bool:
    return len(view.kinds) == len(view.records)


def check_removed_ids(view: FileView, ctx: Context) -> Iterator[Finding]:
    """No record has an id the header lists as removed (ids are never reused within a document and layer)."""
    removed = set().union(*(removed_ids(h) for _line, h in view.headers))
    for line, r in view.records:
        if r["id"] in removed:
            yield make_finding("id-reused", kind=r["type"], id=r["id"], number=id_number(r["id"]), **view.where(line, r))


def fast_removed_ids(view: FileView, ctx: Context) -> bool:
    removed = set().union(*(removed_ids(h) for _line, h in view.headers))
    return not removed or removed.isdisjoint(view.kinds)


def twin_key(rec: Record) -> tuple:
    """What makes two records of one file identical twins: type, span, label and entity (an attribution: its
    content, source and cue spans). Ids, notes and the other attributes do not count.

    >>> twin_key({"type": "mention", "id": "m1", "start": 0, "end": 5, "text": "Hamas", "label": "ORG", "entity": "hamas"})
    ('mention', 0, 5, 'ORG', 'hamas')
    """
    kind = rec["type"]
    if kind == "attribution":
        return (kind, *(None if rec[p] is None else (rec[p]["start"], rec[p]["end"]) for p in PARTS))
    if kind == "mention":
        return (kind, rec["start"], rec["end"], rec["label"], rec["entity"])
    return (kind, rec["start"], rec["end"], rec["claim_type"] if kind == "claim" else rec["label"])


def _twin_span(rec: Record) -> Record:
    return rec["content"] if rec["type"] == "attribution" else rec


def check_twins(view: FileView, ctx: Context) -> Iterator[Finding]:
    """No two records of the file are identical twins (same type, span, label and entity)."""
    seen: dict[tuple, tuple[int, Record]] = {}
    for line, r in view.records:
        key = twin_key(r)
        if key not in seen:
            seen[key] = (line, r)
            continue
        first_line, first = seen[key]
        span = _twin_span(r)
        same = {"mention": f", label {r.get('label')} and entity {r.get('entity')}", "zone": f", label {r.get('label')}",
                "claim": f", claim type {r.get('claim_type')}",
                "attribution": " (content) and the same source and cue"}[r["type"]]
        yield make_finding("duplicate-record", kind=r["type"], id=r["id"], other=first["id"], first_line=first_line,
                           start=span["start"], end=span["end"], text=span["text"], same=same, **view.where(line, r))


def fast_twins(view: FileView, ctx: Context) -> bool:
    keys = [twin_key(r) for _line, r in view.records]
    return len(set(keys)) == len(keys)


def order_key(rec: Record) -> tuple[int, int, int]:
    """Where a record belongs in a file: its type's rank, then its span (an attribution: all its parts)."""
    return (TYPE_RANK[rec["type"]],) + record_anchor(rec)


def check_order(view: FileView, ctx: Context) -> Iterator[Finding]:
    """Records are in canonical order (a warning, at the first record out of place)."""
    last: tuple[int, ...] = ()
    for line, r in view.records:
        key = order_key(r)
        if key < last:
            yield make_finding("record-order", **view.where(line, r))
            return
        last = key


def fast_order(view: FileView, ctx: Context) -> bool:
    keys = [order_key(r) for _line, r in view.records]
    return all(a <= b for a, b in zip(keys, keys[1:]))


# -- labels -----------------------------------------------------------------------------------------

def check_labels(view: FileView, ctx: Context) -> Iterator[Finding]:
    """Every label field holds a label of its taxonomy table."""
    for line, r in view.records:
        for fieldname, table in LABEL_FIELDS[r["type"]]:
            value = r[fieldname]
            if value not in ctx.taxonomy[table]:
                yield make_finding("unknown-label", field=fieldname, value=value,
                                   allowed=", ".join(ctx.taxonomy[table]), **view.where(line, r))


def fast_labels(view: FileView, ctx: Context) -> bool:
    return all(set(view.column(kind, fieldname)) <= ctx.taxonomy[table].keys()
               for kind in SPAN_LAYERS for fieldname, table in LABEL_FIELDS[kind])


# -- spans against the text -------------------------------------------------------------------------

def _span_ok(span: Record, text: str, n_text: int, edge_rule: bool) -> bool:
    start, end, stext = span["start"], span["end"], span["text"]
    if not (start < end <= n_text) or text[start:end] != stext:
        return False
    return not edge_rule or not (stext[0].isspace() or stext[-1].isspace())


def check_span(span: Record, fieldname: str, text: str, edge_rule: bool, where: dict) -> list[Finding]:
    """Offsets in range, non-empty, text equals the slice, no white space at the edges.

    Reports ``span-inverted``, ``offset-out-of-range``, ``span-text-mismatch``, ``span-whitespace-edge``.
    """
    start, end, stext = span["start"], span["end"], span["text"]
    if start >= end:
        return [make_finding("span-inverted", field=fieldname, start=start, end=end, **where)]
    if end > len(text):
        return [make_finding("offset-out-of-range", field=fieldname, start=start, end=end, length=len(text), **where)]
    actual = text[start:end]
    if actual != stext:
        return [make_finding("span-text-mismatch", field=fieldname, start=start, end=end, text=stext, actual=actual,
                             **where)]
    if edge_rule and (stext[0].isspace() or stext[-1].isspace()):
        return [make_finding("span-whitespace-edge", field=fieldname, text=stext, **where)]
    return []


def _spans(view: FileView) -> Iterator[tuple[int, Record, str, Record, bool]]:
    """``(line, record, field name, span, edge rule)`` of every span of the file (an attribution has up to 3)."""
    for line, r in view.records:
        if r["type"] == "attribution":
            for part in PARTS:
                if r[part] is not None:
                    yield line, r, f"{part} span", r[part], True
        else:
            yield line, r, r["type"], r, r["type"] != "zone"


def check_spans(view: FileView, ctx: Context) -> Iterator[Finding]:
    """Every span lies in the text, is not empty, repeats the text it covers and (zones aside) has no white-space edge."""
    text = view.text
    assert text is not None
    n = len(text)
    for line, r, fieldname, span, edge_rule in _spans(view):
        if not _span_ok(span, text, n, edge_rule):
            yield from check_span(span, fieldname, text, edge_rule, view.where(line, r))


def fast_spans(view: FileView, ctx: Context) -> bool:
    text = view.text
    assert text is not None
    n = len(text)
    return all(s["start"] < s["end"] <= n and text[s["start"]:s["end"]] == s["text"]
               and (not edge or not (s["text"][0].isspace() or s["text"][-1].isspace()))
               for _line, _r, _f, s, edge in _spans(view))


def check_zones(view: FileView, ctx: Context) -> Iterator[Finding]:
    """Zones tile the text: no overlap, no gap (zones whose offsets are broken are left to the span rule)."""
    text = view.text
    assert text is not None
    zones = [(ln, z) for ln, z in view.by_type["zone"] if z["start"] < z["end"] <= len(text)]
    if not zones:
        return
    pos = 0
    prev: Record | None = None
    for line, z in sorted(zones, key=lambda lz: (lz[1]["start"], lz[1]["end"])):
        where = view.where(line, z)
        if z["start"] < pos and prev is not None:
            yield make_finding("zone-overlap", start=z["start"], end=z["end"], other=prev["id"], other_end=pos, **where)
        elif z["start"] > pos:
            yield make_finding("zone-gap", start=pos, end=z["start"], **where)
        if z["end"] > pos:
            pos, prev = z["end"], z
    if pos < len(text):
        yield make_finding("zone-gap", file=view.rel, line=zones[-1][0], doc=view.doc, start=pos, end=len(text))


def fast_zones(view: FileView, ctx: Context) -> bool:
    text = view.text
    assert text is not None
    starts, ends = view.column("zone", "start"), view.column("zone", "end")
    if not starts:
        return True
    return (starts[0] == 0 and ends[-1] == len(text) and all(s < e for s, e in zip(starts, ends))
            and all(e == s for e, s in zip(ends, starts[1:])))


# -- flat mentions ----------------------------------------------------------------------------------

def shared_token(text: str, end: int, start: int) -> str | None:
    """The token of the ner config's tokeniser that holds both ``text[end - 1]`` and ``text[start]``, if one does
    (two mentions, one ending at ``end`` and the next starting at ``start``, written as one word).

    >>> shared_token("AT&T and Co", 2, 3), shared_token("US-Israel", 2, 3)
    ('AT&T', None)
    """
    if end > start or _GAP_SPACE.search(text, end, start) or end == 0 or start >= len(text):
        return None
    from ..tokens import token_columns

    lo = end - 1
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    hi = start + 1
    while hi < len(text) and not text[hi].isspace():
        hi += 1
    starts, ends, _texts = token_columns(text[lo:hi])  # tokens never hold white space: a word is tokenised alone
    return next((text[lo + s:lo + e] for s, e in zip(starts, ends) if lo + s < end and lo + e > start), None)


_GAP_SPACE = re.compile(r"\s")


def mention_clashes(text: str, mentions: Iterable[tuple[int, Record]]) -> Iterator[tuple[int, Record, Record, str | None]]:
    """``(line, mention, other, shared token or None)`` for each mention that overlaps an earlier one (by offset),
    in characters or in a token; identical twins are left to their own rule.

    >>> text = "AT&T and Co"
    >>> m = lambda i, s, e: {"type": "mention", "id": i, "start": s, "end": e, "label": "ORG", "entity": None}
    >>> [(x["id"], o["id"], t) for _l, x, o, t in mention_clashes(text, enumerate([m("m1", 0, 2), m("m2", 3, 4)]))]
    [('m2', 'm1', 'AT&T')]
    >>> [(x["id"], o["id"]) for _l, x, o, _t in mention_clashes(text, enumerate([m("m1", 0, 4), m("m2", 0, 8)]))]
    [('m2', 'm1')]
    """
    reach: Record | None = None
    for line, m in sorted(mentions, key=lambda lm: (lm[1]["start"], lm[1]["end"], lm[0])):
        if reach is not None:
            if m["start"] < reach["end"]:
                if twin_key(m) != twin_key(reach):
                    yield line, m, reach, None
            else:
                token = shared_token(text, reach["end"], m["start"])
                if token is not None:
                    yield line, m, reach, token
        if reach is None or m["end"] > reach["end"]:
            reach = m


def check_flat_mentions(view: FileView, ctx: Context) -> Iterator[Finding]:
    """Mentions never overlap, in characters or in a token (flat annotation: guidelines 2.2.7)."""
    text = view.text
    assert text is not None
    mentions = [(ln, m) for ln, m in view.by_type["mention"] if m["start"] < m["end"] <= len(text)]
    for line, m, other, token in mention_clashes(text, mentions):
        shared = "" if token is None else f" (they share the token {token!r})"
        yield make_finding("mention-overlap", start=m["start"], end=m["end"], text=m["text"], other=other["id"],
                           other_start=other["start"], other_end=other["end"], other_text=other["text"], shared=shared,
                           **view.where(line, m))


def fast_flat_mentions(view: FileView, ctx: Context) -> bool:
    text = view.text
    assert text is not None
    spans = sorted(zip(view.column("mention", "start"), view.column("mention", "end")))
    return (all(e <= s2 for (_s, e), (s2, _e2) in zip(spans, spans[1:]))
            and all(shared_token(text, e, s2) is None for (_s, e), (s2, _e2) in zip(spans, spans[1:])))


# -- references -------------------------------------------------------------------------------------

def check_mentions(view: FileView, ctx: Context) -> Iterator[Finding]:
    """A mention names a registry entity of its own type (a gold mention must name one)."""
    for line, m in view.by_type["mention"]:
        ent = m["entity"]
        if ent is None:
            if view.layer == GOLD:
                yield make_finding("mention-unlinked", text=m["text"], **view.where(line, m))
        elif ent not in ctx.entity_types:
            yield make_finding("dangling-reference", field="entity", ref=ent, **view.where(line, m))
        elif ctx.entity_types[ent] != m["label"]:
            yield make_finding("mention-type-mismatch", label=m["label"], entity=ent, etype=ctx.entity_types[ent],
                               **view.where(line, m))


def fast_mentions(view: FileView, ctx: Context) -> bool:
    ents, unlinked_ok = ctx.entity_types, view.layer != GOLD
    return all((e is None and unlinked_ok) or ents.get(e) == label
               for e, label in zip(view.column("mention", "entity"), view.column("mention", "label")))


def check_source_entities(view: FileView, ctx: Context) -> Iterator[Finding]:
    """An attribution's source entity is in the registry."""
    for line, a in view.by_type["attribution"]:
        ent = a["source_entity"]
        if ent is not None and ent not in ctx.entity_types:
            yield make_finding("dangling-reference", field="source_entity", ref=ent, **view.where(line, a))


def fast_source_entities(view: FileView, ctx: Context) -> bool:
    return all(e is None or e in ctx.entity_types for e in view.column("attribution", "source_entity"))


def check_claims(view: FileView, ctx: Context) -> Iterator[Finding]:
    """A claim's attribution is an attribution of the file, and agrees with who asserts the claim."""
    for line, c in view.by_type["claim"]:
        where = view.where(line, c)
        ref = c["attribution"]
        if ref is not None and view.kinds.get(ref) != "attribution":
            yield make_finding("dangling-reference", field="attribution", ref=ref, **where)
        elif c["asserted_by"] == "attributed" and ref is None:
            yield make_finding("claim-attribution-inconsistent", asserted_by="attributed", attribution=None, **where)
        elif (c["asserted_by"] == "author" and ref is not None
              and view.attributions[ref][1]["source_type"] != "author"):
            yield make_finding("claim-attribution-inconsistent", asserted_by="author", attribution=ref, **where)


def fast_claims(view: FileView, ctx: Context) -> bool:
    kinds, attrs = view.kinds, view.attributions
    for ref, by in zip(view.column("claim", "attribution"), view.column("claim", "asserted_by")):
        if ref is None:
            if by == "attributed":
                return False
        elif kinds.get(ref) != "attribution" or (by == "author" and attrs[ref][1]["source_type"] != "author"):
            return False
    return True


def _parents(view: FileView) -> dict[str, str | None]:
    return {aid: a["parent"] for aid, (_line, a) in view.attributions.items()}


def check_parents(view: FileView, ctx: Context) -> Iterator[Finding]:
    """An attribution's parent is an attribution of the file."""
    for aid, parent in sorted(_parents(view).items()):
        if parent is not None and view.kinds.get(parent) != "attribution":
            line, a = view.attributions[aid]
            yield make_finding("dangling-reference", field="parent", ref=parent, **view.where(line, a))


def fast_parents(view: FileView, ctx: Context) -> bool:
    return all(p is None or view.kinds.get(p) == "attribution" for p in view.column("attribution", "parent"))


def attribution_cycles(parents: dict[str, str | None]) -> Iterator[list[str]]:
    """Each cycle of the parent relation once, as the chain from its smallest id back to it.

    >>> list(attribution_cycles({"a1": "a2", "a2": "a1", "a3": None}))
    [['a1', 'a2', 'a1']]
    """
    reported: set[str] = set()
    for aid in sorted(parents):
        chain = [aid]
        cur = parents.get(aid)
        while cur is not None and cur in parents and cur not in chain:
            chain.append(cur)
            cur = parents.get(cur)
        if cur == aid and aid not in reported:
            reported.update(chain)
            yield chain + [aid]


def check_nesting(view: FileView, ctx: Context) -> Iterator[Finding]:
    """Attributions nest without a cycle."""
    parents: dict[str, str | None] = {a: p for a, p in _parents(view).items() if p in view.attributions}
    for chain in attribution_cycles(parents):
        aid = chain[0]
        line, a = view.attributions[aid]
        yield make_finding("nesting-cycle", id=aid, chain=" -> ".join(chain), **view.where(line, a))


def fast_nesting(view: FileView, ctx: Context) -> bool:
    parents = _parents(view)
    return not any(p is not None for p in parents.values()) or next(attribution_cycles(parents), None) is None


# -- the table --------------------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule("header", ("header-doc-mismatch", "header-layer-mismatch", "annotation-stale", "schema-version-unsupported"),
         ("header",),
         check_header, fast_header),
    Rule("unique-ids", ("duplicate-id",), SPAN_LAYERS, check_ids, fast_ids),
    Rule("ids-never-reused", ("id-reused",), ("header",) + SPAN_LAYERS, check_removed_ids, fast_removed_ids),
    Rule("no-twins", ("duplicate-record",), SPAN_LAYERS, check_twins, fast_twins),
    Rule("record-order", ("record-order",), SPAN_LAYERS, check_order, fast_order),
    Rule("labels", ("unknown-label",), SPAN_LAYERS, check_labels, fast_labels),
    Rule("spans", ("span-inverted", "offset-out-of-range", "span-text-mismatch", "span-whitespace-edge"), SPAN_LAYERS,
         check_spans, fast_spans, needs_text=True),
    Rule("zones-tile", ("zone-overlap", "zone-gap"), ("zone",), check_zones, fast_zones, needs_text=True),
    Rule("flat-mentions", ("mention-overlap",), ("mention",), check_flat_mentions, fast_flat_mentions, needs_text=True),
    Rule("mention-entity", ("mention-unlinked", "dangling-reference", "mention-type-mismatch"), ("mention",),
         check_mentions, fast_mentions),
    Rule("source-entity", ("dangling-reference",), ("attribution",), check_source_entities, fast_source_entities),
    Rule("claim-attribution", ("dangling-reference", "claim-attribution-inconsistent"), ("claim", "attribution"),
         check_claims, fast_claims),
    Rule("attribution-parent", ("dangling-reference",), ("attribution",), check_parents, fast_parents),
    Rule("nesting", ("nesting-cycle",), ("attribution",), check_nesting, fast_nesting),
)


def rules_for(view: FileView) -> Iterable[Rule]:
    """The rules that can run on ``view`` (those that need the text only when it is known)."""
    return [r for r in RULES if view.text is not None or not r.needs_text]

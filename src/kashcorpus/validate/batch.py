"""The fast path: a document's files decoded by the compiled schemas, every rule a C-level check over columns."""
from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
from bisect import bisect_right
from itertools import chain, repeat
from operator import attrgetter, eq, itemgetter, le, lt
from collections.abc import Sequence
from typing import Any, NamedTuple

from ..model import GOLD, LABEL_FIELDS, SPAN_LAYERS, TYPE_RANK
from .compiled import codec, compiled, record_types
from .rules import attribution_cycles
from .syntax import MAX_LINE_BYTES

_ID, _START, _END, _TEXT = attrgetter("id"), attrgetter("start"), attrgetter("end"), attrgetter("text")
_LABEL, _ENTITY = attrgetter("label"), attrgetter("entity")
_BY, _REF = attrgetter("asserted_by"), attrgetter("attribution")
_SOURCE_ENTITY, _PARENT = attrgetter("source_entity"), attrgetter("parent")
_MENTION_TWIN, _CLAIM_TWIN = attrgetter("start", "end", "label", "entity"), attrgetter("start", "end", "claim_type")
_FIRST, _LAST = itemgetter(0), itemgetter(-1)
_DATA, _DOC, _SHA, _LAYER = attrgetter("data"), attrgetter("doc"), attrgetter("sha"), attrgetter("layer")
_HEADER_SHA, _SOURCE_TYPE = attrgetter("text_sha256"), attrgetter("source_type")
_SPACE = re.compile(r"\s")  # the characters str.isspace() accepts, no more and no fewer
_NOWHERE = (1 << 62, -1)  # the (start, end) of a missing part: never the least start nor the greatest end
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class Folder:
    """A folder of the checkout opened once, through no symbolic link; its files are read relative to it.

    Anything unusual (a link, a missing folder, a platform without ``openat``) leaves it closed: every
    read then answers ``None`` and the caller takes the detailed path, which reports what is wrong.
    """

    def __init__(self, root: str, parts: tuple[str, ...]):
        self.fd: int | None = None
        if not _NOFOLLOW or os.open not in os.supports_dir_fd:
            return
        try:
            fd = os.open(root, os.O_RDONLY | _DIRECTORY)
        except OSError:
            return
        try:
            for part in parts:
                nfd = os.open(part, os.O_RDONLY | _NOFOLLOW | _DIRECTORY, dir_fd=fd)
                os.close(fd)
                fd = nfd
        except OSError:
            os.close(fd)
            return
        self.fd = fd

    def read(self, name: str) -> bytes | None:
        """The bytes of the regular file ``name`` of this folder, or ``None``."""
        if self.fd is None:
            return None
        try:
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK, dir_fd=self.fd)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_LINE_BYTES:
                return None
            data = os.read(fd, st.st_size + 1)  # a short read is the end of a regular file
            if len(data) > st.st_size:
                return None  # it grew while being read: the detailed path reads it whole
            return data
        except OSError:
            return None
        finally:
            os.close(fd)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def fast_text(data: bytes | None, facts: Any) -> str | None:
    """The document's text when its bytes agree with its metadata in every way ``check_text`` checks, else ``None``."""
    if data is None or len(data) != facts.bytes or hashlib.sha256(data).hexdigest() != facts.sha256:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(text) != facts.length or "\x00" in text:
        return None
    if not all(evidence in text for _key, evidence in facts.evidence):
        return None
    return text


def _spans_ok(text: str, starts: Sequence[int], ends: Sequence[int], texts: Sequence[str], limits: Sequence[int]) -> bool:
    """Every span is non-empty, inside its own document's text (it ends by its limit, the end of that text in
    ``text``), and repeats the text it covers."""
    return (all(map(lt, starts, ends)) and all(map(le, ends, limits))
            and all(map(eq, map(text.__getitem__, map(slice, starts, ends)), texts)))


class Item(NamedTuple):
    """One annotation file for the fast path: its bytes, its document's id, text and the text's hash, and the
    ids of it that cross-document links name."""

    data: bytes
    doc: str
    text: str
    sha: str
    needed: frozenset[str]


class Passed(NamedTuple):
    """What the corpus-level rules need from files the fast path passed."""

    records: list[int]  # JSON objects of each file
    kinds: dict[str, dict[str, str]]  # document -> record id -> type, for the ids links name
    mention_texts: set[tuple[str, str]]  # (entity, text) of every mention linked to the registry


def fast_files(items: list[Item], layer: str | None, taxonomy: dict, entity_types: dict[str, str]) -> Passed | None:
    """What the corpus-level rules need from annotation files of ``layer`` that have nothing to report, or
    ``None`` when one of them might: the caller then tries them one by one, and the detailed path reads the
    ones that still fail.

    Every file must be exactly its canonical form: its records decoded by the compiled schemas and encoded
    again give back every byte (so there is no duplicate key, blank line, BOM or CR, and every record
    matches its schema), the header first, the records in canonical order. The rules are then checked over
    the columns of all the files' records at once with C-level loops (``map``, ``zip``, sets), offsets
    moved into one string that holds every file's text in turn.
    """
    import msgspec

    data = b"".join(map(_DATA, items))
    if len(data) > MAX_LINE_BYTES and any(len(i.data) > MAX_LINE_BYTES for i in items):
        return None
    decoder, encoder = codec()
    try:
        recs = decoder.decode_lines(data)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    if encoder.encode_lines(recs) != data:
        return None
    types = record_types()
    rank = {types[k]: r for k, r in TYPE_RANK.items()}
    ranks = list(map(rank.__getitem__, map(type, recs)))
    # each file: its header, then its records by type (bounds: header, zones, mentions, claims, attributions, end)
    bounds = []
    pos = 0
    for item in items:
        end = pos + item.data.count(b"\n")
        bounds.append((pos, *(bisect_right(ranks, r, pos, end) for r in range(4)), end))
        pos = end
    if any(b[1] - b[0] != 1 for b in bounds):
        return None
    if ranks != list(chain.from_iterable(chain.from_iterable(repeat(r, b[r + 1] - b[r]) for r in range(5)) for b in bounds)):
        return None  # a second header, or records out of the canonical order of types
    headers = [recs[b[0]] for b in bounds]
    if (list(map(_DOC, headers)) != list(map(_DOC, items)) or list(map(_HEADER_SHA, headers)) != list(map(_SHA, items))
            or (layer is not None and set(map(_LAYER, headers)) != {layer})):
        return None
    checks = _checks(taxonomy)
    if not checks["header"](headers):
        return None
    zones, mentions, claims, attributions = (list(chain.from_iterable(recs[b[r]:b[r + 1]] for b in bounds))
                                             for r in range(1, 5))
    for kind, group in zip(SPAN_LAYERS, (zones, mentions, claims, attributions)):
        if group and not checks[kind](group):
            return None
    nz, nm, nc, na = ([b[r + 1] - b[r] for b in bounds] for r in range(1, 5))
    # columns, each file's records a slice of them (zone, mention, claim, attribution offsets of each file)
    zs, ze, zt, zi = [z.start for z in zones], [z.end for z in zones], [z.text for z in zones], [z.id for z in zones]
    ms, me, mt, mi = [m.start for m in mentions], [m.end for m in mentions], [m.text for m in mentions], [m.id for m in mentions]
    cs, ce, ct, ci = [c.start for c in claims], [c.end for c in claims], [c.text for c in claims], [c.id for c in claims]
    ai = [a.id for a in attributions]
    src, cue, con = [a.source for a in attributions], [a.cue for a in attributions], [a.content for a in attributions]
    # a missing part stands as an empty place that is never the least start nor the greatest end
    ss = [_NOWHERE[0] if x is None else x.start for x in src]
    se = [_NOWHERE[1] if x is None else x.end for x in src]
    us = [_NOWHERE[0] if x is None else x.start for x in cue]
    ue = [_NOWHERE[1] if x is None else x.end for x in cue]
    ns, ne = [x.start for x in con], [x.end for x in con]
    parts = [x for x in chain(src, cue) if x is not None]
    edges = [*mt, *ct, *(x.text for x in parts), *(x.text for x in con)]
    if _SPACE.search("".join([t[0] for t in edges])) or _SPACE.search("".join([t[-1] for t in edges])):
        return None
    z = m = c = a = 0
    for f, item in enumerate(items):
        text, n = item.text, len(item.text)
        z2, m2, c2, a2 = z + nz[f], m + nm[f], c + nc[f], a + na[f]
        if z2 > z:  # zones tile the text
            s, e = zs[z:z2], ze[z:z2]
            if not (s[0] == 0 and e[-1] == n and s[1:] == e[:-1] and all(map(lt, s, e))
                    and all(map(eq, map(text.__getitem__, map(slice, s, e)), zt[z:z2]))
                    and (z2 - z < 2 or len(set(zi[z:z2])) == z2 - z)):
                return None
        if m2 > m:  # mentions: spans, order (starts strictly rising: no two alike either), ids
            s, e = ms[m:m2], me[m:m2]
            if not (all(map(lt, s, e)) and max(e) <= n and all(map(eq, map(text.__getitem__, map(slice, s, e)), mt[m:m2]))
                    and (m2 - m < 2 or len(set(mi[m:m2])) == m2 - m)):
                return None
            if not all(map(lt, s, s[1:])) and not _sorted_unique(s, e, mentions[m:m2], _MENTION_TWIN):
                return None
        if c2 > c:  # claims: the same
            s, e = cs[c:c2], ce[c:c2]
            if not (all(map(lt, s, e)) and max(e) <= n and all(map(eq, map(text.__getitem__, map(slice, s, e)), ct[c:c2]))
                    and (c2 - c < 2 or len(set(ci[c:c2])) == c2 - c)):
                return None
            if not all(map(lt, s, s[1:])) and not _sorted_unique(s, e, claims[c:c2], _CLAIM_TWIN):
                return None
        if a2 > a:  # attributions: every part that is there, anchors from first to last part, twins, ids
            here = [x for x in chain(src[a:a2], cue[a:a2], con[a:a2]) if x is not None]
            s, e = [x.start for x in here], [x.end for x in here]
            if not (all(map(lt, s, e)) and max(e) <= n
                    and all(map(eq, map(text.__getitem__, map(slice, s, e)), [x.text for x in here]))):
                return None
            starts = list(map(min, ss[a:a2], us[a:a2], ns[a:a2]))
            ends = list(map(max, se[a:a2], ue[a:a2], ne[a:a2]))
            anchors = list(zip(starts, ends))
            if not all(map(le, anchors, anchors[1:])):
                return None
            if a2 - a > 1 and (len(set(ai[a:a2])) != a2 - a
                               or len(set(zip(ss[a:a2], se[a:a2], us[a:a2], ue[a:a2], ns[a:a2], ne[a:a2]))) != a2 - a):
                return None
        z, m, c, a = z2, m2, c2, a2
    # references
    if layer == GOLD:
        if [entity_types.get(x.entity) for x in mentions] != [x.label for x in mentions]:
            return None
    elif not all(e is None or entity_types.get(e) == label for e, label in {(x.entity, x.label) for x in mentions}):
        return None
    attribution_files = list(chain.from_iterable(map(repeat, range(len(items)), na)))
    source_type = {(f, x.id): x.source_type for x, f in zip(attributions, attribution_files)}
    claim_files = chain.from_iterable(map(repeat, range(len(items)), nc))
    for f, ref, by in {(f, x.attribution, x.asserted_by) for x, f in zip(claims, claim_files)}:
        if ref is None:
            if by == "attributed":
                return None
        elif (f, ref) not in source_type or (by == "author" and source_type[f, ref] != "author"):
            return None
    if not {x.source_entity for x in attributions} - {None} <= entity_types.keys():
        return None
    parents = [(f, x.parent) for x, f in zip(attributions, attribution_files) if x.parent is not None]
    if parents:
        if not set(parents) <= source_type.keys():
            return None
        by_file: dict[int, dict[str, str | None]] = {}
        for x, f in zip(attributions, attribution_files):
            by_file.setdefault(f, {})[x.id] = x.parent
        if any(next(attribution_cycles(p), None) is not None for p in by_file.values() if set(p.values()) != {None}):
            return None
    found_kinds: dict[str, dict[str, str]] = {}
    if any(i.needed for i in items):
        names = {types[k]: k for k in SPAN_LAYERS}
        for item, b in zip(items, bounds):
            if item.needed:
                found_kinds[item.doc] = {r.id: names[type(r)] for r in recs[b[1]:b[5]] if r.id in item.needed}
    texts = {(x.entity, x.text) for x in mentions if x.entity in entity_types}
    return Passed([b[5] - b[0] for b in bounds], found_kinds, texts)


def _sorted_unique(starts: list[int], ends: list[int], group: list, twin: Any) -> bool:
    """Spans in order (by start, then end) and no two records alike (twins)."""
    anchors = list(zip(starts, ends))
    return all(map(le, anchors, anchors[1:])) and len(set(map(twin, group))) == len(group)


def _plan(taxonomy: dict) -> dict[str, list[tuple[Any, Any]]]:
    """For each record type, its checks of field values: ``(getter, allowed labels)`` for a label field (the
    taxonomy's labels that also match the field's pattern), ``(getter, pattern)`` for another patterned field."""
    key = id(taxonomy)
    if _PLAN.get("key") != key:
        plans: dict[str, list[tuple[Any, Any]]] = {}
        for kind in ("header",) + SPAN_LAYERS:
            tables = dict(LABEL_FIELDS.get(kind, ()))
            checks: list[tuple[Any, Any]] = []
            for fieldname, regex in compiled(kind)[1]:
                if fieldname in tables:
                    allowed = frozenset(v for v in taxonomy[tables.pop(fieldname)] if regex.search(v))
                    checks.append((attrgetter(fieldname), allowed))
                else:
                    checks.append((attrgetter(fieldname), regex))
            for fieldname, table in tables.items():  # a label field without a pattern
                checks.append((attrgetter(fieldname), frozenset(taxonomy[table])))
            plans[kind] = checks
        _PLAN.clear()
        _PLAN.update(key=key, plans=plans, taxonomy=taxonomy)  # the taxonomy is kept: its id stays its own
    return _PLAN["plans"]


_PLAN: dict[str, Any] = {}


def _checks(taxonomy: dict) -> dict[str, Any]:
    """For each record type, a function that answers whether every value of its label and patterned fields
    is allowed, over a list of records: a set of each field's values, compared with the allowed labels (the
    taxonomy's, that also match the field's pattern) or matched against the pattern once per new value."""
    if _CHECKS.get("taxonomy") is not taxonomy:
        made = {kind: functools.partial(_values_ok, checks=plan) for kind, plan in _plan(taxonomy).items()}
        _CHECKS.clear()
        _CHECKS.update(taxonomy=taxonomy, made=made)
    return _CHECKS["made"]


def _values_ok(group: list, checks: list[tuple[Any, Any]]) -> bool:
    for getter, allowed in checks:
        values = set(map(getter, group))
        if not (values <= allowed if isinstance(allowed, frozenset) else _new_ok(values, allowed)):
            return False
    return True


_CHECKS: dict[str, Any] = {}
_SEEN: dict[str, set] = {}  # pattern -> values that matched it


def _new_ok(values: set, pattern: re.Pattern) -> bool:
    """Every value not seen before (``None`` aside) matches ``pattern``; the matching ones are remembered."""
    seen = _SEEN.setdefault(pattern.pattern, set())
    new = values - seen
    new.discard(None)
    if new:
        if not all(map(pattern.search, new)):
            return False
        if len(seen) > 4096:  # bounded: a cache (ids, labels, entities repeat; doc ids and hashes do not)
            seen.clear()
        seen |= new
    return True


def _part_columns(spans: list) -> tuple[list[int], list[int]]:
    """Starts and ends of one part of every attribution; a missing part has :data:`_NOWHERE`."""
    if None not in spans:
        return list(map(_START, spans)), list(map(_END, spans))
    return ([_NOWHERE[0] if sp is None else sp.start for sp in spans],
            [_NOWHERE[1] if sp is None else sp.end for sp in spans])

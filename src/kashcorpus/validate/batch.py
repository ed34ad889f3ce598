"""The fast path: a document's files decoded by the compiled schemas, every rule a C-level check over columns."""
from __future__ import annotations

import hashlib
import os
import re
import stat
from bisect import bisect_right
from itertools import accumulate, chain, compress, repeat
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
    if data is None or facts.page is not None or len(data) != facts.bytes \
            or hashlib.sha256(data).hexdigest() != facts.sha256:
        return None  # a saved page is checked by the detailed path
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
    plan = _plan(taxonomy)
    if not _values_ok(headers, plan["header"]):
        return None
    zones, mentions, claims, attributions = (list(chain.from_iterable(recs[b[r]:b[r + 1]] for b in bounds))
                                             for r in range(1, 5))
    nz, nm, nc, na = ([b[r + 1] - b[r] for b in bounds] for r in range(1, 5))
    lengths = [len(i.text) for i in items]
    bases = list(accumulate(lengths, initial=0))
    text = "".join([i.text for i in items])  # every file's text in turn: offsets move by the file's base
    zb, mb, cb, ab = (list(chain.from_iterable(map(repeat, bases, n))) for n in (nz, nm, nc, na))
    ml_, cl_, al_ = (list(chain.from_iterable(map(repeat, bases[1:], n))) for n in (nm, nc, na))
    # columns, each read once
    zi, zt, zl = [z.id for z in zones], [z.text for z in zones], [z.label for z in zones]
    mi, mt, ml, ment = [m.id for m in mentions], [m.text for m in mentions], [m.label for m in mentions], [m.entity for m in mentions]
    ci, ct, ai = [c.id for c in claims], [c.text for c in claims], [a.id for a in attributions]
    columns = {"zone": {"id": zi, "label": zl}, "mention": {"id": mi, "label": ml, "entity": ment},
               "claim": {"id": ci}, "attribution": {"id": ai}}
    for kind, group, ids, counts in zip(SPAN_LAYERS, (zones, mentions, claims, attributions), (zi, mi, ci, ai),
                                        (nz, nm, nc, na)):
        if group and not _columns_ok(group, columns[kind], plan[kind]):
            return None
        offsets = list(accumulate(counts, initial=0))  # ids are unique in each file (each type has its own prefix)
        if any(len(set(ids[o:o2])) != o2 - o for o, o2 in zip(offsets, offsets[1:]) if o2 - o > 1):
            return None
    # zones tile each text: in the string of all texts, the zones of the files that have any follow each other
    if zones:
        if 0 in nz:
            zfiles = [f for f, n in enumerate(nz) if n]
            ztext = "".join([items[f].text for f in zfiles])
            zbases = list(accumulate([lengths[f] for f in zfiles], initial=0))
            zb = list(chain.from_iterable(map(repeat, zbases, [nz[f] for f in zfiles])))
            zlimit = list(chain.from_iterable(map(repeat, zbases[1:], [nz[f] for f in zfiles])))
        else:
            ztext, zlimit = text, list(chain.from_iterable(map(repeat, bases[1:], nz)))
        gs, ge = [z.start + b for z, b in zip(zones, zb)], [z.end + b for z, b in zip(zones, zb)]
        if not (gs[0] == 0 and ge[-1] == len(ztext) and gs[1:] == ge[:-1] and _spans_ok(ztext, gs, ge, zt, zlimit)):
            return None
    # mentions and claims: spans, order (starts strictly rising: no two alike either), twins
    for group, base, limit, texts, twin in ((mentions, mb, ml_, mt, _MENTION_TWIN), (claims, cb, cl_, ct, _CLAIM_TWIN)):
        gs, ge = [x.start + b for x, b in zip(group, base)], [x.end + b for x, b in zip(group, base)]
        if not _spans_ok(text, gs, ge, texts, limit):
            return None
        if not all(map(lt, gs, gs[1:])):
            anchors = list(zip(gs, ge))
            if not all(map(le, anchors, anchors[1:])) or len(set(zip(base, map(twin, group)))) != len(group):
                return None
    # attributions: every part that is there is a span; anchors from first to last part; no twins
    src, cue, con = [a.source for a in attributions], [a.cue for a in attributions], [a.content for a in attributions]
    ss = [_NOWHERE[0] if x is None else x.start + b for x, b in zip(src, ab)]
    se = [_NOWHERE[1] if x is None else x.end + b for x, b in zip(src, ab)]
    us = [_NOWHERE[0] if x is None else x.start + b for x, b in zip(cue, ab)]
    ue = [_NOWHERE[1] if x is None else x.end + b for x, b in zip(cue, ab)]
    ns, ne = [x.start + b for x, b in zip(con, ab)], [x.end + b for x, b in zip(con, ab)]
    pt = [x.text for x in chain(src, cue, con) if x is not None]
    present = [x is not None for x in chain(src, cue)]
    if not _spans_ok(text, [*compress(chain(ss, us), present), *ns], [*compress(chain(se, ue), present), *ne], pt,
                     [*compress(chain(al_, al_), present), *al_]):
        return None
    anchors = list(zip(map(min, ss, us, ns), map(max, se, ue, ne)))
    if not all(map(le, anchors, anchors[1:])) or len(set(zip(ss, se, us, ue, ns, ne))) != len(attributions):
        return None
    edges = [*mt, *ct, *pt]
    if _SPACE.search("".join([t[0] for t in edges])) or _SPACE.search("".join([t[-1] for t in edges])):
        return None
    # references
    if layer == GOLD:
        if list(map(entity_types.get, ment)) != ml:
            return None
    elif not all(e is None or entity_types.get(e) == label for e, label in set(zip(ment, ml))):
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
    linked = {(e, t) for e, t in set(zip(ment, mt)) if e in entity_types}
    return Passed([b[5] - b[0] for b in bounds], found_kinds, linked)


def _plan(taxonomy: dict) -> dict[str, list[tuple[str, Any, Any]]]:
    """For each record type, its checks of field values: ``(name, getter, allowed labels)`` for a label field (the
    taxonomy's labels that also match the field's pattern), ``(name, getter, pattern)`` for another patterned one."""
    key = id(taxonomy)
    if _PLAN.get("key") != key:
        plans: dict[str, list[tuple[str, Any, Any]]] = {}
        for kind in ("header",) + SPAN_LAYERS:
            tables = dict(LABEL_FIELDS.get(kind, ()))
            checks: list[tuple[str, Any, Any]] = []
            for fieldname, regex in compiled(kind)[1]:
                if fieldname in tables:
                    allowed = frozenset(v for v in taxonomy[tables.pop(fieldname)] if regex.search(v))
                    checks.append((fieldname, attrgetter(fieldname), allowed))
                else:
                    checks.append((fieldname, attrgetter(fieldname), regex))
            for fieldname, table in tables.items():  # a label field without a pattern
                checks.append((fieldname, attrgetter(fieldname), frozenset(taxonomy[table])))
            plans[kind] = checks
        _PLAN.clear()
        _PLAN.update(key=key, plans=plans, taxonomy=taxonomy)  # the taxonomy is kept: its id stays its own
    return _PLAN["plans"]


_PLAN: dict[str, Any] = {}


def _columns_ok(group: list, columns: dict[str, list], checks: list[tuple[str, Any, Any]]) -> bool:
    """:func:`_values_ok` over columns already read (a field not among them is read from ``group``)."""
    for name, getter, allowed in checks:
        column = columns.get(name)
        values = set(column) if column is not None else set(map(getter, group))
        if not (values <= allowed if isinstance(allowed, frozenset) else _new_ok(values, allowed)):
            return False
    return True


def _values_ok(group: list, checks: list[tuple[str, Any, Any]]) -> bool:
    """Every value of each checked field of ``group`` is an allowed label, or matches its pattern."""
    for _name, getter, allowed in checks:
        values = set(map(getter, group))
        if not (values <= allowed if isinstance(allowed, frozenset) else _new_ok(values, allowed)):
            return False
    return True


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



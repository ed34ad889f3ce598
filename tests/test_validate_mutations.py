"""The mutation catalogue: for every validator code, an operator that breaks exactly that rule.

Each operator takes a valid generated corpus on disk, breaks one rule, and says where the finding
must appear (file, line, record) and which other codes the break may cause on the way (a lost
record leaves references dangling). The property: the validator reports that code at that
location and nothing outside the allowed set. The meta-test fails when a code has no operator.
"""
from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import TAX, count, rich_corpora

from kashcorpus.io import sort_key
from kashcorpus.validate import checked_codes, codes, validate
from kashcorpus.validate.rules import RULES, Context, rules_for

# A record or a file that the validator can no longer read leaves what pointed at it dangling.
LOST = frozenset({"dangling-reference", "alias-not-in-corpus", "entity-unused", "zone-gap", "metadata-missing",
                  "unknown-document", "mention-text-not-alias", "claim-attribution-inconsistent",
                  "header-missing", "annotations-missing", "text-missing", "mention-type-mismatch",
                  "mention-unlinked"})
# Moving an offset can move a record out of the canonical order.
MOVED = frozenset({"record-order"})
# A mention that changes its text or entity changes what the registry sees.
REGISTRY = frozenset({"alias-not-in-corpus", "entity-unused", "mention-text-not-alias"})


def mutation_examples() -> int:
    """Examples per operator: a few in the default profile, many in the thorough one."""
    return max(4, settings().max_examples // 10)


@dataclass(frozen=True)
class Expect:
    file: str
    line: int | None
    record: str | None
    also: frozenset = frozenset()


class Checkout:
    """A generated corpus written to disk, with line-level editing helpers."""

    def __init__(self, root: Path, corpus):
        self.root, self.corpus = root, corpus

    def path(self, rel: str) -> Path:
        return self.root / rel

    def raw(self, rel: str) -> bytes:
        return self.path(rel).read_bytes()

    def write_raw(self, rel: str, data: bytes) -> None:
        self.path(rel).parent.mkdir(parents=True, exist_ok=True)
        self.path(rel).write_bytes(data)

    def raw_lines(self, rel: str) -> list[bytes]:
        return self.raw(rel).split(b"\n")[:-1]

    def write_raw_lines(self, rel: str, lines: list[bytes]) -> None:
        self.write_raw(rel, b"".join(line + b"\n" for line in lines))

    def lines(self, rel: str) -> list[dict]:
        return [orjson.loads(x) for x in self.raw_lines(rel)]

    def write_lines(self, rel: str, objs: list) -> None:
        self.write_raw_lines(rel, [orjson.dumps(o) for o in objs])

    def edit(self, rel: str, line: int, fn: Callable[[dict], object]) -> dict:
        objs = self.lines(rel)
        out = fn(objs[line - 1])
        objs[line - 1] = objs[line - 1] if out is None else out
        self.write_lines(rel, objs)
        return objs[line - 1]

    def jsonl_files(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.jsonl") if p.is_file())

    def text(self, doc: str) -> str:
        return self.raw(f"corpus/texts/{doc}.txt").decode("utf-8")

    def doc_line(self, doc: str) -> int:
        return next(i for i, m in enumerate(self.lines(DOCS), 1) if m["id"] == doc)

    def records(self, kinds=("zone", "mention", "claim", "attribution"), gold_only: bool = True):
        """``(file, line, record)`` of every annotation record of the given kinds."""
        out = []
        for rel in self.jsonl_files():
            if not rel.startswith("annotations/gold/" if gold_only else "annotations/"):
                continue
            if rel in (ENTITIES, LINKS):
                continue
            out += [(rel, i, r) for i, r in enumerate(self.lines(rel), 1) if r.get("type") in kinds]
        return out

    def entity_line(self, eid: str) -> int:
        return next(i for i, e in enumerate(self.lines(ENTITIES), 1) if e["id"] == eid)

    def set_text(self, doc: str, text: str) -> None:
        """Replace a text and re-anchor its metadata and headers (spans are left alone)."""
        data = text.encode("utf-8")
        self.write_raw(f"corpus/texts/{doc}.txt", data)
        digest = hashlib.sha256(data).hexdigest()
        self.edit(DOCS, self.doc_line(doc), lambda m: {**m, "sha256": digest, "bytes": len(data), "length": len(text)})
        for rel in self.jsonl_files():
            if rel.endswith(f"/{doc}.jsonl") and rel.startswith("annotations/"):
                self.edit(rel, 1, lambda h: {**h, "text_sha256": digest})


DOCS, ENTITIES, LINKS = "corpus/documents.jsonl", "annotations/entities.jsonl", "annotations/links.jsonl"


def gold(doc: str) -> str:
    return f"annotations/gold/{doc}.jsonl"


def pick(data, seq):
    seq = list(seq)
    assert seq, "the rich corpus lacks a feature this operator needs"
    return data.draw(st.sampled_from(seq))


def doc_of(rel: str) -> str:
    return rel.rsplit("/", 1)[1][:-len(".jsonl")]


def fresh(prefix: str, taken) -> str:
    taken = set(taken)
    return next(f"{prefix}{k}" for k in range(10**6) if f"{prefix}{k}" not in taken)


def new_label(data, table: str) -> str:
    return data.draw(st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,12}", fullmatch=True)
                     .filter(lambda s: s not in TAX[table]))


def lost_by_file(rel: str) -> frozenset:
    """What may follow when the records of ``rel`` cannot be read."""
    if rel in (DOCS, ENTITIES):
        return LOST | {"seed-file-mismatch", "mention-type-mismatch"}
    return LOST


OPERATORS: dict[str, Callable] = {}


def operator(code: str):
    def register(fn):
        OPERATORS[code] = fn
        return fn
    return register


# -- level 1: bytes and syntax ------------------------------------------------------------------------

@operator("file-unreadable")
def _unreadable(data, ck):
    rel = pick(data, [r for r in ck.jsonl_files() if r.startswith("annotations/gold/")])
    ck.path(rel).unlink()
    ck.path(rel).mkdir()  # a directory where a file should be
    return Expect(rel, None, None, LOST)


@operator("file-unsafe")
def _unsafe(data, ck):
    """A data file replaced by a symbolic link (to a file outside the checkout, or to one inside it)."""
    rel = pick(data, [r for r in ck.jsonl_files() if r.startswith("annotations/gold/")])
    outside = ck.root.parent / f"{ck.root.name}-outside.jsonl"
    outside.write_bytes(ck.path(rel).read_bytes())
    target = data.draw(st.sampled_from([str(outside), ck.path(rel).name + ".orig"]), label="link target")
    if not target.startswith("/"):
        ck.path(rel).rename(ck.path(rel).parent / target)
    else:
        ck.path(rel).unlink()
    ck.path(rel).symlink_to(target)
    return Expect(rel, None, None, LOST)


@operator("change-interrupted")
def _journal_left(data, ck):
    """A change of several files killed after writing its journal: the journal stays until a writer recovers it."""
    journal = ck.root / ".kashcorpus" / "journal"
    journal.mkdir(parents=True, exist_ok=True)
    rel = pick(data, [r for r in ck.jsonl_files() if r.startswith("annotations/gold/")])
    name = f"{data.draw(st.sampled_from(['0' * 32, 'f' * 32]), label='journal')}.json"
    (journal / name).write_bytes(orjson.dumps({"files": [[f"{rel}.x.tmp", rel]]}))
    return Expect(f".kashcorpus/journal/{name}", None, None)


@operator("not-utf8")
def _not_utf8(data, ck):
    if data.draw(st.booleans(), label="in a text file"):
        doc = pick(data, [d.id for d in ck.corpus.docs])
        text = ck.text(doc)
        at = data.draw(st.integers(0, len(text)))
        raw = text[:at].encode() + b"\xff" + text[at:].encode()
        ck.write_raw(f"corpus/texts/{doc}.txt", raw)
        digest = hashlib.sha256(raw).hexdigest()
        ck.edit(DOCS, ck.doc_line(doc), lambda m: {**m, "sha256": digest, "bytes": len(raw)})
        return Expect(f"corpus/texts/{doc}.txt", text[:at].count("\n") + 1, None)
    rel = pick(data, ck.jsonl_files())
    lines = ck.raw_lines(rel)
    n = data.draw(st.integers(1, len(lines)))
    cut = data.draw(st.integers(0, len(lines[n - 1])))
    lines[n - 1] = lines[n - 1][:cut] + data.draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf"])) \
        + lines[n - 1][cut:]
    ck.write_raw_lines(rel, lines)
    return Expect(rel, n, None, lost_by_file(rel))


@operator("utf8-bom")
def _bom(data, ck):
    rel = pick(data, ck.jsonl_files())
    ck.write_raw(rel, b"\xef\xbb\xbf" + ck.raw(rel))
    return Expect(rel, 1, None)


@operator("crlf-line-end")
def _crlf(data, ck):
    rel = pick(data, ck.jsonl_files())
    lines = ck.raw_lines(rel)
    n = data.draw(st.integers(1, len(lines)))
    lines[n - 1] += b"\r"  # a Windows line ending on one line
    ck.write_raw_lines(rel, lines)
    return Expect(rel, n, None)


@operator("duplicate-key")
def _duplicate_key(data, ck):
    rel = pick(data, ck.jsonl_files())
    lines = ck.raw_lines(rel)
    n = data.draw(st.integers(1, len(lines)))
    obj = orjson.loads(lines[n - 1])
    key = data.draw(st.sampled_from(sorted(obj)), label="key")
    value = orjson.dumps(obj[key]).decode()
    lines[n - 1] = lines[n - 1][:1] + f'"{key}":{value},'.encode() + lines[n - 1][1:]  # the same key, same value, first
    ck.write_raw_lines(rel, lines)
    return Expect(rel, n, None)


@operator("json-syntax")
def _truncated(data, ck):
    rel = pick(data, ck.jsonl_files())
    lines = ck.raw_lines(rel)
    n = data.draw(st.integers(1, len(lines)))
    text = lines[n - 1].decode("utf-8")
    lines[n - 1] = text[:data.draw(st.integers(1, len(text) - 1))].encode("utf-8")  # a truncated line
    ck.write_raw_lines(rel, lines)
    return Expect(rel, n, None, lost_by_file(rel))


@operator("not-an-object")
def _not_object(data, ck):
    rel = pick(data, ck.jsonl_files())
    lines = ck.raw_lines(rel)
    n = data.draw(st.integers(1, len(lines)))
    value = data.draw(st.one_of(st.lists(st.integers(-99, 99), max_size=3), st.integers(-10**6, 10**6), st.text(max_size=5),
                                st.booleans(), st.none(), st.floats(allow_nan=False, allow_infinity=False)))
    lines[n - 1] = orjson.dumps(value)
    ck.write_raw_lines(rel, lines)
    return Expect(rel, n, None, lost_by_file(rel))


@operator("blank-line")
def _blank(data, ck):
    rel = pick(data, ck.jsonl_files())
    lines = ck.raw_lines(rel)
    n = data.draw(st.integers(0, len(lines)))  # 0: before the header
    lines.insert(n, data.draw(st.sampled_from([b"", b" ", b"\t", b" \r"])))
    ck.write_raw_lines(rel, lines)
    return Expect(rel, n + 1, None)


@operator("missing-final-newline")
def _no_final_newline(data, ck):
    rel = pick(data, ck.jsonl_files())
    ck.write_raw(rel, ck.raw(rel)[:-1])
    return Expect(rel, len(ck.raw_lines(rel)) + 1, None)


@operator("empty-file")
def _empty(data, ck):
    rel = pick(data, [r for r in ck.jsonl_files() if r.startswith("annotations/gold/")])
    ck.write_raw(rel, b"")
    return Expect(rel, None, None, LOST)


@operator("line-too-long")
def _long_line(data, ck):
    from kashcorpus.validate.syntax import MAX_LINE_BYTES

    rel = pick(data, ck.jsonl_files())
    lines = ck.raw_lines(rel)
    n = data.draw(st.integers(1, len(lines)))
    lines[n - 1] = lines[n - 1][:-1] + b',"note":"' + b"x" * MAX_LINE_BYTES + b'"}'
    ck.write_raw_lines(rel, lines)
    return Expect(rel, n, None, lost_by_file(rel))


@operator("text-nul")
def _nul(data, ck):
    doc = pick(data, [d.id for d in ck.corpus.docs])
    text = ck.text(doc)
    ck.set_text(doc, text + "\x00")
    rel = gold(doc)
    last = max((i for i, r in enumerate(ck.lines(rel), 1) if r["type"] == "zone"),
               key=lambda i: ck.lines(rel)[i - 1]["end"])
    ck.edit(rel, last, lambda z: {**z, "end": z["end"] + 1, "text": z["text"] + "\x00"})
    for p in ck.jsonl_files():  # passes keep their zones: extend them too
        if p.startswith("annotations/passes/") and doc_of(p) == doc:
            objs = ck.lines(p)
            for z in objs:
                if z["type"] == "zone" and z["end"] == len(text):
                    z["end"], z["text"] = z["end"] + 1, z["text"] + "\x00"
            ck.write_lines(p, objs)
    return Expect(f"corpus/texts/{doc}.txt", text.count("\n") + 1, None)


# -- level 2: record types and schemas ----------------------------------------------------------------

@operator("unknown-record-type")
def _unknown_type(data, ck):
    rel, n, _rec = pick(data, ck.records(gold_only=False))
    value = data.draw(st.one_of(st.sampled_from(["relation", "Mention", "", "span", "headers"]),
                                st.integers(-10**6, 10**6), st.none(), st.lists(st.just("zone"), max_size=2)))
    ck.edit(rel, n, lambda r: {**r, "type": value})
    return Expect(rel, n, None, LOST)


def _break_schema(data, rec: dict, schema: str) -> dict:
    how = data.draw(st.sampled_from(["extra", "missing", "wrong-type", "float-offset", "bad-id"]))
    rec = dict(rec)
    if how == "extra":
        rec[data.draw(st.sampled_from(["bogus", "Label", "start_char", "_id"]))] = data.draw(st.integers(-10**6, 10**6))
    elif how == "missing":
        from kashcorpus.resources import record_schema

        required = record_schema(schema)["required"]
        if "type" in rec and schema not in ("link", "entity"):  # a record without its type is unknown-record-type
            required = [k for k in required if k != "type"]
        del rec[data.draw(st.sampled_from(required))]
    elif how == "wrong-type":
        key = data.draw(st.sampled_from(sorted(k for k in rec if k != "type")))
        rec[key] = [rec[key]] if not isinstance(rec[key], list) else {"x": 1}
    elif how == "float-offset" and "start" in rec:
        rec["start"] = float(rec["start"])
    elif how == "float-offset" and schema == "attribution":
        rec["content"] = {**rec["content"], "end": float(rec["content"]["end"])}
    else:
        rec["id"] = data.draw(st.sampled_from(["../x", "A1", "", "a 1", "/etc/passwd", "con", "k\x00"]))  # no schema allows these
    return rec


@operator("schema-violation")
def _schema(data, ck):
    rel = pick(data, ck.jsonl_files())
    objs = ck.lines(rel)
    n = data.draw(st.integers(1, len(objs)))
    schema = {DOCS: "document", ENTITIES: "entity", LINKS: "link"}.get(rel) or objs[n - 1]["type"]
    broken = _break_schema(data, objs[n - 1], schema)
    ck.edit(rel, n, lambda _r: broken)
    rid = broken.get("id") if isinstance(broken.get("id"), str) else None
    return Expect(rel, n, rid, lost_by_file(rel))


# -- level 3: headers, offsets, ids, references, labels -----------------------------------------------

@operator("header-missing")
def _no_header(data, ck):
    rel = pick(data, [r for r, _n, _x in ck.records(("zone",), gold_only=False)])
    objs = ck.lines(rel)
    if data.draw(st.booleans(), label="move the header to the end"):
        ck.write_lines(rel, objs[1:] + objs[:1])
        return Expect(rel, len(objs), None)
    ck.write_lines(rel, objs[1:])
    return Expect(rel, 1, None)


@operator("header-doc-mismatch")
def _header_doc(data, ck):
    rel = pick(data, [r for r in ck.jsonl_files() if r.startswith("annotations/") and r not in (ENTITIES, LINKS)])
    other = pick(data, [d.id for d in ck.corpus.docs if d.id != doc_of(rel)] + ["zz-other"])
    ck.edit(rel, 1, lambda h: {**h, "doc": other})
    return Expect(rel, 1, None)


@operator("header-layer-mismatch")
def _header_layer(data, ck):
    rel = pick(data, [r for r in ck.jsonl_files() if r.startswith("annotations/") and r not in (ENTITIES, LINKS)])
    ck.edit(rel, 1, lambda h: {**h, "layer": pick(data, [x for x in ("gold", "pass-ann1", "pass-other") if x != h["layer"]])})
    return Expect(rel, 1, None)


@operator("annotation-stale")
def _stale(data, ck):
    rel = pick(data, [r for r in ck.jsonl_files() if r.startswith("annotations/") and r not in (ENTITIES, LINKS)])
    ck.edit(rel, 1, lambda h: {**h, "text_sha256": hashlib.sha256(h["text_sha256"].encode()).hexdigest()})
    return Expect(rel, 1, None)


def _span_targets(ck, kinds=("mention", "claim", "attribution"), gold_only=False):
    """``(file, line, record, part)``: part is None for a flat span, else source/cue/content."""
    out = []
    for rel, n, r in ck.records(kinds, gold_only=gold_only):
        if r["type"] == "attribution":
            out += [(rel, n, r, p) for p in ("source", "cue", "content") if r[p] is not None]
        else:
            out.append((rel, n, r, None))
    return out


def _set_span(ck, rel, n, part, **changes):
    def fn(r):
        if part is None:
            return {**r, **changes}
        return {**r, part: {**r[part], **changes}}
    ck.edit(rel, n, fn)


@operator("offset-out-of-range")
def _out_of_range(data, ck):
    rel, n, r, part = pick(data, _span_targets(ck))
    length = len(ck.text(doc_of(rel)))
    _set_span(ck, rel, n, part, end=length + data.draw(st.integers(1, 10**9)))
    return Expect(rel, n, r["id"], MOVED)


@operator("span-inverted")
def _inverted(data, ck):
    rel, n, r, part = pick(data, _span_targets(ck))
    span = r if part is None else r[part]
    if data.draw(st.booleans(), label="empty"):
        _set_span(ck, rel, n, part, end=span["start"])
    else:
        _set_span(ck, rel, n, part, start=span["end"], end=span["start"])
    return Expect(rel, n, r["id"], MOVED)


@operator("span-text-mismatch")
def _text_mismatch(data, ck):
    cands = []
    for rel, n, r, part in _span_targets(ck):
        text = ck.text(doc_of(rel))
        span = r if part is None else r[part]
        for d in (-1, 1):  # the span shifted by one character, its text kept
            s, e = span["start"] + d, span["end"] + d
            if 0 <= s and e <= len(text) and text[s:e] != span["text"]:
                cands.append((rel, n, r, part, {"start": s, "end": e}))
        if r["type"] != "mention":  # the text changed, the offsets kept
            cands.append((rel, n, r, part, {"text": span["text"] + "\u2063"}))
    rel, n, r, part, change = pick(data, cands)
    _set_span(ck, rel, n, part, **change)
    return Expect(rel, n, r["id"], MOVED)


@operator("span-whitespace-edge")
def _whitespace_edge(data, ck):
    cands = []
    for rel, n, r, part in _span_targets(ck):
        text = ck.text(doc_of(rel))
        span = r if part is None else r[part]
        s, e = span["start"], span["end"]
        also = MOVED | (REGISTRY if r["type"] == "mention" else frozenset())
        if e < len(text) and text[e].isspace():
            cands.append((rel, n, r, part, {"end": e + 1, "text": text[s:e + 1]}, also))
        if s > 0 and text[s - 1].isspace():
            cands.append((rel, n, r, part, {"start": s - 1, "text": text[s - 1:e]}, also))
    rel, n, r, part, change, also = pick(data, cands)
    _set_span(ck, rel, n, part, **change)
    return Expect(rel, n, r["id"], also)


@operator("duplicate-id")
def _duplicate(data, ck):
    cands = [(rel, n, r.get("id")) for rel, n, r in ck.records(("mention", "claim", "attribution"), gold_only=False)]
    cands += [(rel, n, o["id"]) for rel in (ENTITIES, LINKS) for n, o in enumerate(ck.lines(rel), 1)]
    cands += [(DOCS, n, None) for n in range(1, len(ck.lines(DOCS)) + 1)]
    rel, n, rid = pick(data, cands)
    lines = ck.raw_lines(rel)
    lines.insert(n, lines[n - 1])
    ck.write_raw_lines(rel, lines)
    # a record repeated line for line is also its own identical twin
    return Expect(rel, n + 1, rid, frozenset({"duplicate-record"}) if rel.startswith("annotations/") else frozenset())


@operator("duplicate-record")
def _twin(data, ck):
    """A record copied under a fresh id right after itself (what span move onto another record made)."""
    rel, n, rec = pick(data, ck.records(("zone", "mention", "claim", "attribution"), gold_only=False))
    prefix = rec["id"][0]
    top = max(int(r["id"][1:]) for r in ck.lines(rel) if r.get("type") == rec["type"])
    twin = {**rec, "id": f"{prefix}{top + 1}"}
    lines = ck.raw_lines(rel)
    lines.insert(n, lines[n - 1].replace(f'"id":"{rec["id"]}"'.encode(), f'"id":"{twin["id"]}"'.encode(), 1))
    ck.write_raw_lines(rel, lines)
    return Expect(rel, n + 1, twin["id"], MOVED | ({"zone-overlap"} if rec["type"] == "zone" else set()))


@operator("dangling-reference")
def _dangling(data, ck):
    entity_ids = {e["id"] for e in ck.lines(ENTITIES)}
    missing_entity = fresh("gone-", entity_ids)
    kind = data.draw(st.sampled_from(["mention.entity", "claim.attribution", "attribution.parent",
                                      "attribution.source_entity", "link.entity", "link.members"]))
    if kind.startswith("link."):
        n = data.draw(st.integers(1, len(ck.lines(LINKS))))
        link = ck.lines(LINKS)[n - 1]
        if kind == "link.entity":
            ck.edit(LINKS, n, lambda x: {**x, "entity": missing_entity})
        else:
            ck.edit(LINKS, n, lambda x: {**x, "members": x["members"] + [f"{ck.corpus.docs[0].id}#c9999999"]})
        return Expect(LINKS, n, link["id"])
    rtype, key = kind.split(".")
    rel, n, r = pick(data, ck.records((rtype,), gold_only=False))
    value = {"entity": missing_entity, "source_entity": missing_entity}.get(key, "a9999999")
    ck.edit(rel, n, lambda x: {**x, key: value})
    return Expect(rel, n, r["id"], REGISTRY if kind == "mention.entity" else frozenset())


@operator("unknown-label")
def _unknown_label(data, ck):
    kind = data.draw(st.sampled_from(["zone.label", "mention.label", "claim.claim_type", "claim.certainty",
                                      "claim.asserted_by", "attribution.source_type", "genre", "entity.type",
                                      "link.type", "pair.relation"]))
    if kind == "genre":
        n = data.draw(st.integers(1, len(ck.lines(DOCS))))
        ck.edit(DOCS, n, lambda m: {**m, "genre": {**m["genre"], "value": new_label(data, "genre")}})
        return Expect(DOCS, n, None)
    if kind == "entity.type":
        n = data.draw(st.integers(1, len(ck.lines(ENTITIES))))
        e = ck.edit(ENTITIES, n, lambda e: {**e, "type": new_label(data, "mention")})
        return Expect(ENTITIES, n, e["id"], frozenset({"mention-type-mismatch"}))
    if kind in ("link.type", "pair.relation"):
        n = pick(data, [i for i, x in enumerate(ck.lines(LINKS), 1) if x["pairs"] or kind == "link.type"])
        if kind == "link.type":
            x = ck.edit(LINKS, n, lambda x: {**x, "type": new_label(data, "link")})
        else:
            x = ck.edit(LINKS, n, lambda x: {**x, "pairs": [{**x["pairs"][0], "relation": new_label(data, "relation")}]
                                             + x["pairs"][1:]})
        return Expect(LINKS, n, x["id"])
    rtype, key = kind.split(".")
    table = {"label": rtype, "source_type": "source_type"}.get(key, key)
    rel, n, r = pick(data, ck.records((rtype,), gold_only=False))
    ck.edit(rel, n, lambda x: {**x, key: new_label(data, table)})
    also = {"mention": {"mention-type-mismatch"}, "attribution": {"claim-attribution-inconsistent"}}.get(rtype, ())
    return Expect(rel, n, r["id"], frozenset(also))


def _zones(ck, rel):
    return [(n, r) for n, r in enumerate(ck.lines(rel), 1) if r["type"] == "zone"]


@operator("zone-overlap")
def _overlap(data, ck):
    rel = pick(data, [r for r in ck.jsonl_files() if r.startswith("annotations/") and r not in (ENTITIES, LINKS)
                      and len(_zones(ck, r)) >= 2])
    zones = _zones(ck, rel)
    k = data.draw(st.integers(0, len(zones) - 2))
    text = ck.text(doc_of(rel))
    ck.edit(rel, zones[k][0], lambda z: {**z, "end": z["end"] + 1, "text": text[z["start"]:z["end"] + 1]})
    return Expect(rel, zones[k + 1][0], zones[k + 1][1]["id"])


@operator("zone-gap")
def _gap(data, ck):
    rel = pick(data, [r for r in ck.jsonl_files() if r.startswith("annotations/") and r not in (ENTITIES, LINKS)
                      and len(_zones(ck, r)) >= 2])
    zones = _zones(ck, rel)
    k = data.draw(st.integers(0, len(zones) - 2))
    objs = ck.lines(rel)
    del objs[zones[k][0] - 1]
    ck.write_lines(rel, objs)
    return Expect(rel, zones[k][0], zones[k + 1][1]["id"])


@operator("record-order")
def _order(data, ck):
    cands = []
    for rel in ck.jsonl_files():
        if not rel.startswith("annotations/") or rel in (ENTITIES, LINKS):
            continue
        objs = ck.lines(rel)
        cands += [(rel, n) for n in range(2, len(objs)) if sort_key(objs[n - 1])[:3] < sort_key(objs[n])[:3]]
    rel, n = pick(data, cands)
    objs = ck.lines(rel)
    objs[n - 1], objs[n] = objs[n], objs[n - 1]
    ck.write_lines(rel, objs)
    return Expect(rel, n + 1, objs[n]["id"])


@operator("nesting-cycle")
def _cycle(data, ck):
    rel, n, r = pick(data, ck.records(("attribution",), gold_only=False))
    others = [(m, x) for _rel, m, x in ck.records(("attribution",), gold_only=False) if _rel == rel and m != n]
    if others and data.draw(st.booleans(), label="two-cycle"):
        m, x = data.draw(st.sampled_from(others))
        ck.edit(rel, n, lambda a: {**a, "parent": x["id"]})
        ck.edit(rel, m, lambda a: {**a, "parent": r["id"]})
        first = min((n, r["id"]), (m, x["id"]), key=lambda t: t[1])
        return Expect(rel, first[0], first[1])
    ck.edit(rel, n, lambda a: {**a, "parent": a["id"]})
    return Expect(rel, n, r["id"])


@operator("claim-attribution-inconsistent")
def _inconsistent(data, ck):
    cands = [(rel, n, r, {"asserted_by": "attributed", "attribution": None})
             for rel, n, r in ck.records(("claim",), gold_only=False)]
    for rel, n, r in ck.records(("claim",), gold_only=False):
        others = [x["id"] for _r, _n, x in ck.records(("attribution",), gold_only=False)
                  if _r == rel and x["source_type"] != "author"]
        cands += [(rel, n, r, {"asserted_by": "author", "attribution": a}) for a in others]
    rel, n, r, change = pick(data, cands)
    ck.edit(rel, n, lambda c: {**c, **change})
    return Expect(rel, n, r["id"])


@operator("mention-type-mismatch")
def _type_mismatch(data, ck):
    rel, n, r = pick(data, ck.records(("mention",), gold_only=False))
    ck.edit(rel, n, lambda m: {**m, "label": pick(data, [x for x in TAX["mention"] if x != m["label"]])})
    return Expect(rel, n, r["id"])


@operator("mention-unlinked")
def _unlinked(data, ck):
    rel, n, r = pick(data, ck.records(("mention",)))  # independent passes may leave mentions unlinked
    ck.edit(rel, n, lambda m: {**m, "entity": None})
    return Expect(rel, n, r["id"], REGISTRY)


@operator("text-missing")
def _text_missing(data, ck):
    doc = pick(data, [d.id for d in ck.corpus.docs])
    ck.path(f"corpus/texts/{doc}.txt").unlink()
    return Expect(DOCS, ck.doc_line(doc), None)


HOSTILE_NAMES = ["Upper", "a.b", "_x", "x_y", "con", "nul", "lpt1", "a--b", "trailing-", "\u00e9t\u00e9",
                 "a b", ".hidden", "-x", "x" * 65]


@operator("metadata-missing")
def _metadata_missing(data, ck):
    doc = fresh("extra-", [d.id for d in ck.corpus.docs])
    ck.write_raw(f"corpus/texts/{doc}.txt", b"text without metadata\n")
    return Expect(f"corpus/texts/{doc}.txt", None, None)


@operator("text-hash-mismatch")
def _hash(data, ck):
    doc = pick(data, [d.id for d in ck.corpus.docs])
    n = ck.doc_line(doc)
    ck.edit(DOCS, n, lambda m: {**m, "sha256": hashlib.sha256(m["sha256"].encode()).hexdigest()})
    return Expect(DOCS, n, None)


@operator("text-length-mismatch")
def _length(data, ck):
    doc = pick(data, [d.id for d in ck.corpus.docs])
    n = ck.doc_line(doc)
    key = data.draw(st.sampled_from(["length", "bytes"]))
    delta = data.draw(st.sampled_from([-1, 1, 2, 10**6]))
    ck.edit(DOCS, n, lambda m: {**m, key: m[key] + delta if m[key] + delta >= 0 else m[key] + 1})
    return Expect(DOCS, n, None)


@operator("evidence-not-in-text")
def _evidence(data, ck):
    doc = pick(data, [d.id for d in ck.corpus.docs])
    n = ck.doc_line(doc)
    key = data.draw(st.sampled_from(["title", "publisher", "author", "date", "genre"]))
    evidence = ck.text(doc) + "\u00a7"  # longer than the text, so not in it
    if key == "date":
        new = {"value": "2024", "precision": "year", "basis": "stated", "evidence": evidence, "reason": None}
    elif key == "genre":
        new = None
    else:
        new = {"value": "x", "evidence": evidence, "reason": None}
    ck.edit(DOCS, n, lambda m: {**m, key: new if new is not None else {**m["genre"], "evidence": evidence}})
    return Expect(DOCS, n, None)


def _with_page(data, ck, page: bytes | None, recorded: bytes) -> Expect:
    """A document that says it was added from a saved page: ``recorded`` is the page its metadata describes,
    ``page`` the file written to sources/ (``None``: no file)."""
    doc = pick(data, [d.id for d in ck.corpus.docs])
    n = ck.doc_line(doc)
    if page is not None:
        ck.write_raw(f"sources/{doc}.html", page)
    saved = {"sha256": hashlib.sha256(recorded).hexdigest(), "bytes": len(recorded), "encoding": "utf-8",
             "extractor": "trafilatura 2.3.1"}
    ck.edit(DOCS, n, lambda m: {**m, "page": saved})
    return Expect(DOCS, n, None)


@operator("page-missing")
def _page_missing(data, ck):
    return _with_page(data, ck, None, b"<html><p>the page</p></html>")


@operator("page-hash-mismatch")
def _page_changed(data, ck):
    recorded = b"<html><p>the page</p></html>"
    changed = data.draw(st.sampled_from([recorded + b"\n", recorded.replace(b"the", b"tha"), b""]))
    return _with_page(data, ck, changed, recorded)


@operator("page-without-document")
def _stray_page(data, ck):
    name = pick(data, [f"{d.id}.html" for d in ck.corpus.docs] + ["index.html", "page.htm", "notes.txt"])
    ck.write_raw(f"sources/{name}", b"<html><p>a page no document was added from</p></html>")
    return Expect(f"sources/{name}", None, None)


@operator("seed-file-mismatch")
def _bad_text_name(data, ck):
    name = pick(data, HOSTILE_NAMES)
    ck.write_raw(f"corpus/texts/{name}.txt", b"a text whose file name is not a document id\n")
    return Expect(f"corpus/texts/{name}.txt", None, None)


# -- level 4: the registry and links ------------------------------------------------------------------

@operator("unknown-document")
def _unknown_doc(data, ck):
    name = pick(data, HOSTILE_NAMES + [fresh("ghost-", [d.id for d in ck.corpus.docs])])
    layer = pick(data, ["annotations/gold", "annotations/passes/ann9"])
    ck.write_raw(f"{layer}/{name}.jsonl", ck.raw(gold(ck.corpus.docs[0].id)))
    return Expect(f"{layer}/{name}.jsonl", None, None)


@operator("annotations-missing")
def _annotations_missing(data, ck):
    doc = pick(data, [d.id for d in ck.corpus.docs])
    ck.path(gold(doc)).unlink()
    return Expect("annotations/gold", None, None, LOST)


def _gold_forms(ck) -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for _rel, _n, m in ck.records(("mention",)):
        used.setdefault(m["entity"], set()).add(m["text"])
    return used


@operator("mention-text-not-alias")
def _not_alias(data, ck):
    used = _gold_forms(ck)
    eid = pick(data, sorted(used))
    n = ck.entity_line(eid)
    form = pick(data, sorted(used[eid]))
    e = ck.lines(ENTITIES)[n - 1]
    if form == e["name"]:
        ck.edit(ENTITIES, n, lambda x: {**x, "name": fresh("renamed entity ", [y["name"] for y in ck.lines(ENTITIES)])})
    else:
        ck.edit(ENTITIES, n, lambda x: {**x, "aliases": [a for a in x["aliases"] if a != form]})
    return Expect(ENTITIES, n, eid)


@operator("alias-not-in-corpus")
def _alias_unused(data, ck):
    n = data.draw(st.integers(1, len(ck.lines(ENTITIES))))
    e = ck.edit(ENTITIES, n, lambda x: {**x, "aliases": sorted(x["aliases"] + ["\u2062never mentioned"])})
    return Expect(ENTITIES, n, e["id"])


@operator("alias-conflict")
def _alias_conflict(data, ck):
    ents = ck.lines(ENTITIES)
    a, b = data.draw(st.lists(st.sampled_from(range(len(ents))), min_size=2, max_size=2, unique=True))
    form = pick(data, [ents[a]["name"]] + ents[a]["aliases"])
    ck.edit(ENTITIES, b + 1, lambda x: {**x, "aliases": sorted(set(x["aliases"]) | {form})})
    later = max(ents[a]["id"], ents[b]["id"])
    return Expect(ENTITIES, ck.entity_line(later), later, frozenset({"alias-not-in-corpus"}))


@operator("duplicate-entity-name")
def _duplicate_name(data, ck):
    ents = ck.lines(ENTITIES)
    a, b = data.draw(st.lists(st.sampled_from(range(len(ents))), min_size=2, max_size=2, unique=True))
    used = _gold_forms(ck).get(ents[b]["id"], set())
    name = ents[a]["name"]
    if name.upper() != name and name.upper().casefold() == name.casefold() and data.draw(st.booleans()):
        name = name.upper()
    old = ents[b]["name"]
    ck.edit(ENTITIES, b + 1, lambda x: {**x, "name": name,
                                        "aliases": sorted(set(x["aliases"]) | ({old} if old in used else set()))})
    later = max(ents[a]["id"], ents[b]["id"])
    return Expect(ENTITIES, ck.entity_line(later), later, frozenset({"alias-conflict"}))


@operator("entity-unused")
def _entity_unused(data, ck):
    ents = ck.lines(ENTITIES)
    eid = fresh("unused-", [e["id"] for e in ents])
    ents.append({"id": eid, "name": fresh("Unused entity ", [e["name"] for e in ents]), "type": "PER",
                 "aliases": [], "description": "An entity no mention refers to."})
    ck.write_lines(ENTITIES, ents)
    return Expect(ENTITIES, len(ents), eid)


@operator("link-member-type")
def _member_type(data, ck):
    links = ck.lines(LINKS)
    kind = data.draw(st.sampled_from(["zone in an event link", "mention in a claim link"]))
    if kind == "mention in a claim link":
        rel, _n, m = pick(data, ck.records(("mention",)))
        member = f"{doc_of(rel)}#{m['id']}"
        link_type = "claim"
    else:
        rel, _n, z = pick(data, ck.records(("zone",)))
        member = f"{doc_of(rel)}#{z['id']}"
        link_type = data.draw(st.sampled_from(["event", "claim"]))
    lid = fresh(f"{link_type}-mutant-", [x["id"] for x in links])
    links.append({"id": lid, "type": link_type, "description": "a link with a member of the wrong kind",
                  "entity": None, "members": [member], "pairs": []})
    ck.write_lines(LINKS, links)
    return Expect(LINKS, len(links), lid)


@operator("link-pair-not-member")
def _pair_not_member(data, ck):
    links = ck.lines(LINKS)
    n = data.draw(st.integers(1, len(links)))
    outsider = f"{ck.corpus.docs[0].id}#m9999999"
    ck.edit(LINKS, n, lambda x: {**x, "pairs": x["pairs"] + [{"a": x["members"][0], "b": outsider,
                                                               "relation": "agree"}]})
    return Expect(LINKS, n, links[n - 1]["id"])


# -- the properties -----------------------------------------------------------------------------------

def test_every_catalogue_code_has_a_mutation_operator():
    assert sorted(set(codes()) - set(OPERATORS)) == [], "codes without a mutation operator"
    assert sorted(set(OPERATORS) - set(codes())) == [], "operators for codes the catalogue does not list"


def test_every_rule_has_both_forms_and_every_code_is_checked_somewhere():
    for rule in RULES:
        assert callable(rule.check) and callable(rule.fast) and rule.check is not rule.fast, rule.id
        assert rule.description and rule.codes and rule.applies_to, rule.id
        assert set(rule.codes) <= set(OPERATORS), f"rule {rule.id} has codes without a mutation operator"
    assert len({rule.id for rule in RULES}) == len(RULES)
    where = checked_codes()
    claimed = {code for found in where.values() for code in found}
    assert sorted(set(codes()) - claimed) == [], "catalogue codes that no check reports"
    assert sorted(claimed - set(codes())) == [], "codes a check reports that the catalogue does not list"


def _annotation_views(root: Path):
    """``(view, context)`` of every annotation file of the checkout at ``root``, read by the detailed reader."""
    from kashcorpus.io import read_jsonl
    from kashcorpus.layout import Layout
    from kashcorpus.validate.annotations import read_view

    layout = Layout(root)
    try:
        entities = {e["id"]: e["type"] for e in read_jsonl(layout.entities_file)
                    if isinstance(e, dict) and isinstance(e.get("id"), str) and isinstance(e.get("type"), str)}
    except ValueError:
        entities = {}
    ctx = Context(TAX, entities)
    for layer, path in layout.annotation_files():
        doc = path.name[:-len(".jsonl")]
        try:
            text = layout.text_path(doc).read_bytes().decode("utf-8")
        except (OSError, ValueError):
            text = None
        _found, view = read_view(path, layout.rel(path), layer, doc, text)
        yield view, ctx


@settings(max_examples=mutation_examples() * 4)
@given(corpus=rich_corpora, data=st.data())
def test_a_rules_fast_form_never_passes_a_file_its_detailed_form_reports(corpus, data):
    code = data.draw(st.sampled_from(sorted(OPERATORS)))
    with tempfile.TemporaryDirectory() as tmp:
        ck = Checkout(corpus.write(Path(tmp)), corpus)
        OPERATORS[code](data, ck)
        for view, ctx in _annotation_views(Path(tmp)):
            for rule in rules_for(view):
                found = list(rule.check(view, ctx))
                count("rule forms compared")
                if rule.fast(view, ctx):
                    assert found == [], f"{rule.id}: the fast form passes {view.rel} ({code} mutation): {found}"


@pytest.mark.parametrize("code", sorted(OPERATORS))
def test_each_mutation_is_reported_with_its_code_at_its_location(code):
    @settings(max_examples=mutation_examples())
    @given(corpus=rich_corpora, data=st.data())
    def mutate_and_validate(corpus, data):
        with tempfile.TemporaryDirectory() as tmp:
            ck = Checkout(corpus.write(Path(tmp)), corpus)
            expect = OPERATORS[code](data, ck)
            found = validate(tmp).findings
            at = [(f.code, f.file, f.line, f.record) for f in found]
            caught = (code, expect.file, expect.line, expect.record) in at
            count("mutations applied")
            count("mutations caught", caught)
            count(f"mutations applied: {code}")
            count(f"mutations caught: {code}", caught)
            assert caught, f"expected {code} at {expect}, found {at}"
            stray = {f.code for f in found} - {code} - expect.also
            assert not stray, f"{code} mutation also reported {sorted(stray)}: {at}"

    mutate_and_validate()

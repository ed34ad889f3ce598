"""Fuzzing: the validator never raises, whatever bytes, JSON or schema-valid nonsense it is given."""
from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import count, schema_records

from kashcorpus.findings import RENDERERS
from kashcorpus.resources import findings_catalogue
from kashcorpus.validate import validate

TEXT = "Hamas said \U0001F600 on Monday.\r\nIt was e\u0301 \u05e9\u05dc\u05d5\u05dd.\n"
MONDAY = TEXT.index("Monday")
SHA = hashlib.sha256(TEXT.encode()).hexdigest()
_UNKNOWN = {"value": None, "evidence": None, "reason": "r"}
BASE = {
    "corpus/documents.jsonl": [{"id": "a", "seed_file": "a.txt", "sha256": SHA, "length": len(TEXT),
                                "bytes": len(TEXT.encode()), "language": "en", "title": _UNKNOWN,
                                "publisher": _UNKNOWN, "author": _UNKNOWN,
                                "date": {"value": None, "precision": None, "basis": "unknown", "evidence": None,
                                         "reason": "r"},
                                "genre": {"value": "opinion", "evidence": "Monday"}, "rights": "r"}],
    "annotations/gold/a.jsonl": [
        {"type": "header", "doc": "a", "layer": "gold", "text_sha256": SHA, "schema_version": "1.0.0"},
        {"type": "zone", "id": "z1", "start": 0, "end": len(TEXT), "text": TEXT, "label": "body"},
        {"type": "mention", "id": "m1", "start": 0, "end": 5, "text": "Hamas", "label": "ORG", "entity": "hamas"},
        {"type": "claim", "id": "c1", "start": MONDAY, "end": MONDAY + 6, "text": "Monday", "claim_type": "event",
         "certainty": "reported", "checkworthy": True, "asserted_by": "attributed", "attribution": "a1"},
        {"type": "attribution", "id": "a1", "source": {"start": 0, "end": 5, "text": "Hamas"}, "source_type": "organisation",
         "source_entity": "hamas", "cue": {"start": 6, "end": 10, "text": "said"},
         "content": {"start": 11, "end": MONDAY + 7, "text": TEXT[11:MONDAY + 7]}, "parent": None},
    ],
    "annotations/entities.jsonl": [{"id": "hamas", "name": "Hamas", "type": "ORG", "aliases": [], "description": "d"}],
    "annotations/links.jsonl": [{"id": "event-1", "type": "event", "description": "d", "entity": None,
                                 "members": ["a#m1", "a#c1"], "pairs": [{"a": "a#m1", "b": "a#c1", "relation": "agree"}]}],
}
JSONL_FILES = sorted(BASE)
ALL_FILES = JSONL_FILES + ["corpus/texts/a.txt"]
CODES = set(findings_catalogue())


def _lines(objs) -> bytes:
    """JSON Lines as any writer might produce them (integers beyond 64 bits, lone surrogates)."""
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs).encode("utf-8", "surrogatepass")


def _write(root: Path, replace: dict[str, bytes] | None = None) -> Path:
    files = {rel: _lines(objs) for rel, objs in BASE.items()}
    files["corpus/texts/a.txt"] = TEXT.encode()
    files.update(replace or {})
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def _validate_never_raises(root: Path) -> list:
    report = validate(root)
    for f in report.findings:
        assert f.code in CODES and f.message and f.fix
    for render in RENDERERS.values():
        render(report.findings, report.stats)
    count("fuzz inputs validated")
    return report.findings


def test_the_base_corpus_is_valid():
    with tempfile.TemporaryDirectory() as tmp:
        assert _validate_never_raises(_write(Path(tmp))) == []


@given(st.sampled_from(ALL_FILES), st.binary(max_size=400))
def test_arbitrary_bytes_in_any_file_never_raise(rel, data):
    with tempfile.TemporaryDirectory() as tmp:
        _validate_never_raises(_write(Path(tmp), {rel: data}))


@given(st.sampled_from(ALL_FILES), st.data())
def test_corrupted_bytes_of_a_valid_file_never_raise(rel, data):
    with tempfile.TemporaryDirectory() as tmp:
        root = _write(Path(tmp))
        raw = bytearray((root / rel).read_bytes())
        for _ in range(data.draw(st.integers(1, 4))):
            at = data.draw(st.integers(0, len(raw) - 1))
            how = data.draw(st.sampled_from(["flip", "delete", "insert"]))
            if how == "flip":
                raw[at] ^= 1 << data.draw(st.integers(0, 7))
            elif how == "delete":
                del raw[at]
            else:
                raw[at:at] = data.draw(st.binary(min_size=1, max_size=3))
        _validate_never_raises(_write(Path(tmp), {rel: bytes(raw)}))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
record_keys = st.sampled_from(["type", "id", "start", "end", "text", "label", "entity", "doc", "source", "content",
                               "parent", "attribution", "members", "pairs", "aliases", "name", "genre", "sha256"])


@st.composite
def json_records(draw):
    """Objects that look like records: known keys and known type names with arbitrary values."""
    obj = draw(st.dictionaries(record_keys | st.text(max_size=6), json_values, max_size=8))
    if draw(st.booleans()):
        obj["type"] = draw(st.sampled_from(["header", "zone", "mention", "claim", "attribution", "x"]))
    return obj


@pytest.mark.slow
@given(st.sampled_from(JSONL_FILES), st.lists(json_values | json_records(), min_size=1, max_size=6))
def test_arbitrary_json_lines_never_raise(rel, values):
    data = "".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values).encode("utf-8", "surrogatepass")
    with tempfile.TemporaryDirectory() as tmp:
        _validate_never_raises(_write(Path(tmp), {rel: data}))


@given(st.sampled_from(JSONL_FILES), st.data())
def test_one_field_of_a_valid_record_set_to_arbitrary_json_never_raises(rel, data):
    objs = [dict(o) for o in BASE[rel]]
    k = data.draw(st.integers(0, len(objs) - 1))
    key = data.draw(st.sampled_from(sorted(objs[k])))
    objs[k][key] = data.draw(json_values)
    raw = _lines(objs)
    with tempfile.TemporaryDirectory() as tmp:
        _validate_never_raises(_write(Path(tmp), {rel: raw}))


def _schema_valid(name: str):
    return schema_records(name)


@pytest.mark.slow
@settings(max_examples=max(10, settings().max_examples // 6))
@given(st.lists(st.sampled_from(["zone", "mention", "claim", "attribution"]).flatmap(_schema_valid), max_size=5),
       st.lists(_schema_valid("entity"), max_size=2), st.lists(_schema_valid("link"), max_size=2))
def test_schema_valid_nonsense_never_raises(records, entities, links):
    """Records that pass the schema but point anywhere: past the text, at missing ids, in any order."""
    replace = {
        "annotations/gold/a.jsonl": _lines(BASE["annotations/gold/a.jsonl"][:1] + records),
        "annotations/entities.jsonl": _lines(entities),
        "annotations/links.jsonl": _lines(links),
    }
    with tempfile.TemporaryDirectory() as tmp:
        _validate_never_raises(_write(Path(tmp), replace))


names = st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=20).filter(
    lambda s: s not in (".", "..") and len(s.encode()) < 200)


@given(st.lists(st.tuples(st.sampled_from(["corpus/texts", "annotations/gold", "annotations/passes/x",
                                           "annotations/passes"]), names,
                          st.sampled_from([".txt", ".jsonl", ""])), max_size=4))
def test_arbitrary_file_names_never_raise(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = _write(Path(tmp))
        for folder, name, ext in files:
            (root / folder).mkdir(parents=True, exist_ok=True)
            path = root / folder / f"{name}{ext}"
            if not path.exists():
                path.write_bytes(b'{"type":"header"}\n')
        _validate_never_raises(root)

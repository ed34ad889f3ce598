"""The fast path (validate/batch.py, validate/compiled.py) says nothing the detailed path would not say."""
from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

import msgspec
import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import corpora, count, schema_records

from kashcorpus.layout import Layout
from kashcorpus.model import GOLD, RECORD_TYPES
from kashcorpus.resources import data_root, record_schema, taxonomy
from kashcorpus.validate import validate
from kashcorpus.validate.annotations import Context, validate_annotation_file
from kashcorpus.validate.batch import Item, fast_files
from kashcorpus.validate.compiled import NotCompiled, codec, compiled, ecma_pattern

TAX = taxonomy()
JSON_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                        st.text(max_size=12), st.sampled_from(["ORG", "body", "m1", "a1", "z1", "hamas", " x", "x\n", ""]),
                        st.lists(st.integers(0, 3), max_size=2), st.dictionaries(st.sampled_from(["start", "end", "text"]),
                                                                                st.integers(0, 9), max_size=3))


def entity_types(root: Path) -> dict[str, str]:
    path = root / "annotations" / "entities.jsonl"
    if not path.exists():
        return {}
    return {r["id"]: r["type"] for r in map(orjson.loads, path.read_bytes().splitlines())}


def item_of(root: Path, rel: str, data: bytes | None = None) -> Item:
    doc = rel.rsplit("/", 1)[-1][:-len(".jsonl")]
    raw = (root / "corpus" / "texts" / f"{doc}.txt").read_bytes()
    return Item(data if data is not None else (root / rel).read_bytes(), doc, raw.decode("utf-8"),
                hashlib.sha256(raw).hexdigest(), frozenset())


def detailed(root: Path, rel: str, item: Item, ents: dict[str, str]):
    ctx = Context(TAX, ents, {item.doc: item.sha})
    return validate_annotation_file(root / rel, rel, GOLD, item.doc, item.text, ctx)


def test_every_gold_file_of_the_corpus_passes_the_fast_path_with_the_detailed_paths_summary():
    root = data_root()
    ents = entity_types(root)
    rels = [rel for layer, rel in Layout(root).annotation_names() if layer == GOLD]
    items = [item_of(root, rel) for rel in rels]
    passed = fast_files(items, GOLD, TAX, ents)
    assert passed is not None
    summaries = [detailed(root, rel, item, ents) for rel, item in zip(rels, items)]
    assert all(found == [] for found, _s in summaries)
    assert passed.records == [s.records for _f, s in summaries]
    assert passed.mention_texts == set().union(*(s.mention_texts for _f, s in summaries))


def _mutate(data, lines: list[bytes]) -> tuple[list[bytes], str]:
    """One edit of an annotation file's lines, of the kinds people and tools make."""
    i = data.draw(st.integers(0, len(lines) - 1), label="line")
    rec = orjson.loads(lines[i])
    kind = data.draw(st.sampled_from(["set", "drop", "add", "offset", "duplicate", "swap", "space", "bytes", "nested"]),
                     label="edit")
    out = list(lines)
    if kind == "set":
        key = data.draw(st.sampled_from(sorted(rec)), label="key")
        rec[key] = data.draw(JSON_VALUES, label="value")
        out[i] = orjson.dumps(rec)
    elif kind == "drop":
        key = data.draw(st.sampled_from(sorted(rec)), label="key")
        del rec[key]
        out[i] = orjson.dumps(rec)
    elif kind == "add":
        rec[data.draw(st.sampled_from(["note", "extra", "entity", "parent", "label"]), label="key")] = \
            data.draw(JSON_VALUES, label="value")
        out[i] = orjson.dumps(rec)
    elif kind == "offset":
        spans = [rec] if "start" in rec else [rec[p] for p in ("source", "cue", "content") if isinstance(rec.get(p), dict)]
        assume(spans)
        span = data.draw(st.sampled_from(spans), label="span")
        key = data.draw(st.sampled_from(["start", "end"]), label="which")
        span[key] += data.draw(st.sampled_from([-1, 1, 2, 10_000]), label="by")
        out[i] = orjson.dumps(rec)
    elif kind == "duplicate":
        out.insert(i, lines[i])
    elif kind == "swap":
        j = data.draw(st.integers(0, len(lines) - 1), label="other")
        out[i], out[j] = out[j], out[i]
    elif kind == "space":
        out[i] = lines[i].replace(b",", b", ", 1)
    elif kind == "bytes":
        pos = data.draw(st.integers(0, len(lines[i]) - 1), label="at")
        out[i] = lines[i][:pos] + data.draw(st.sampled_from([b"", b"\\", b"\"", b"\n", b"\xff", b"1", b" "]), label="b") \
            + lines[i][pos + 1:]
    else:  # an attribution part or a nested object edited
        parts = [p for p in ("source", "cue", "content") if isinstance(rec.get(p), dict)]
        assume(parts)
        part = data.draw(st.sampled_from(parts), label="part")
        rec[part][data.draw(st.sampled_from(["text", "start", "extra"]), label="key")] = data.draw(JSON_VALUES, label="v")
        out[i] = orjson.dumps(rec)
    return out, kind


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(corpus=corpora(rich=True), data=st.data())
def test_the_fast_path_never_passes_a_file_the_detailed_path_reports(corpus, data):
    with tempfile.TemporaryDirectory() as tmp:
        root = corpus.write(Path(tmp))
        ents = entity_types(root)
        rels = sorted(f"annotations/gold/{d.id}.jsonl" for d in corpus.docs)
        items = [item_of(root, rel) for rel in rels]
        assert fast_files(items, GOLD, TAX, ents) is not None  # a valid corpus takes the fast path
        target = data.draw(st.sampled_from(range(len(rels))), label="file")
        lines = items[target].data.splitlines()
        mutated, kind = _mutate(data, lines)
        new = b"\n".join(mutated) + b"\n"
        (root / rels[target]).write_bytes(new)
        items[target] = item_of(root, rels[target], new)
        found, summ = detailed(root, rels[target], items[target], ents)
        one = fast_files([items[target]], GOLD, TAX, ents)
        every = fast_files(items, GOLD, TAX, ents)
        count(f"fast path after '{kind}': {'passed' if one is not None else 'declined'}; "
              f"detailed: {'clean' if not found else 'findings'}")
        if one is not None:
            assert found == [], f"the fast path passed a file the detailed path reports: {[f.code for f in found]}"
            assert one.records == [summ.records] and one.mention_texts == summ.mention_texts
        if found:
            assert every is None


@pytest.mark.parametrize("name", RECORD_TYPES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_record_the_compiled_schema_accepts_is_valid_against_its_json_schema(name, data):
    import jsonschema_rs

    rec = data.draw(schema_records(name), label="record")
    if data.draw(st.booleans(), label="edit"):
        key = data.draw(st.sampled_from(sorted(rec) + ["extra"]), label="key")
        if data.draw(st.booleans(), label="drop") and key in rec:
            del rec[key]
        else:
            rec[key] = data.draw(JSON_VALUES, label="value")
    kind, patterns = compiled(name)
    try:  # as the fast path decodes: every record type at once, told apart by its type field
        (obj,) = codec()[0].decode_lines(json.dumps(rec, separators=(",", ":")).encode() + b"\n")
        accepted = type(obj) is kind and all(getattr(obj, f) is None or regex.search(getattr(obj, f))
                                             for f, regex in patterns)
    except msgspec.ValidationError:
        accepted = False
    count(f"{name}: compiled {'accepts' if accepted else 'refuses'}")
    if accepted:
        assert jsonschema_rs.Draft202012Validator(record_schema(name)).is_valid(rec)


def test_a_valid_record_is_accepted_by_its_compiled_schema():
    for path in sorted((data_root() / "annotations" / "gold").glob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            rec = orjson.loads(line)
            kind, patterns = compiled(rec["type"])
            (obj,) = codec()[0].decode_lines(line + b"\n")
            assert type(obj) is kind and all(getattr(obj, f) is None or regex.search(getattr(obj, f)) for f, regex in patterns)


def test_an_ecma_end_anchor_does_not_match_before_a_final_newline():
    import re

    assert re.search(ecma_pattern("^z[1-9]$"), "z1\n") is None
    assert re.search("^z[1-9]$", "z1\n") is not None  # what Python's own $ would have let through


@pytest.mark.parametrize("pattern", [r"^\d+$", r"^\w$", r"(?i)^a$", r"^(?P<x>a)$"])
def test_a_pattern_whose_meaning_differs_in_python_is_not_compiled(pattern):
    with pytest.raises(NotCompiled):
        ecma_pattern(pattern)


def test_a_corpus_whose_files_the_fast_path_declines_gets_the_same_findings(tmp_path):
    """The same corpus with its gold files written with spaces after commas (valid JSON, not canonical):
    the fast path declines every file, the detailed path finds what it found before."""
    import shutil

    root = tmp_path / "c"
    shutil.copytree(data_root(), root, ignore=shutil.ignore_patterns("*.md"))
    clean = validate(root)
    for p in sorted((root / "annotations" / "gold").glob("*.jsonl")):
        p.write_bytes(b"\n".join(line.replace(b'","', b'", "') for line in p.read_bytes().splitlines()) + b"\n")
    spaced = validate(root)
    assert spaced.flat() == clean.flat()
    assert spaced.stats == clean.stats


def test_a_synthetic_corpus_takes_the_fast_path_for_every_file(tmp_path):
    """The benchmark's corpora are canonical: were they not, the benchmark would time the detailed path."""
    from kashcorpus.synth import synth

    root = tmp_path / "s"
    synth(root, docs=40, seed=3)
    ents = entity_types(root)
    rels = [rel for layer, rel in Layout(root).annotation_names() if layer == GOLD]
    assert len(rels) == 40
    assert fast_files([item_of(root, rel) for rel in rels], GOLD, TAX, ents) is not None
    assert validate(root).ok

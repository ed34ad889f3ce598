"""The JSON Schemas: valid against the draft 2020-12 meta-schema, and the fast and reference validators agree."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import corpora, count, schema_records

from kashcorpus.resources import schema_dir
from kashcorpus.validate.schemas import SCHEMA_NAMES, fast_validator, reference_validator



SCHEMA_FILES = sorted(p.name for p in schema_dir().glob("*.schema.json"))


def test_every_schema_file_is_a_record_schema_the_validator_knows():
    assert sorted(f"{n}.schema.json" for n in SCHEMA_NAMES) == SCHEMA_FILES


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_each_schema_is_valid_against_the_draft_2020_12_meta_schema(name):
    from jsonschema import Draft202012Validator

    schema = json.loads((schema_dir() / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("urn:kashcorpus:schema:") and schema["$id"].endswith(schema["x-version"])
    assert schema.get("additionalProperties") is False


def _agree(obj, name: str) -> bool:
    fast = fast_validator(name).is_valid(obj)
    reference = reference_validator(name).is_valid(obj)
    count("schema agreement checks")
    assert fast == reference, f"jsonschema-rs says {fast}, jsonschema says {reference} for {name}: {obj!r}"
    return fast


@pytest.mark.slow
@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_fast_and_reference_validators_agree_on_schema_generated_records(name):
    @settings(max_examples=max(10, settings().max_examples // 6))
    @given(schema_records(name))
    def agree(obj):
        _agree(obj, name)

    agree()


def _records_of(corpus):
    for d in corpus.docs:
        yield d.meta, "document"
        yield d.header(), "header"
        for r in d.records:
            yield r, r["type"]
    for e in corpus.entities:
        yield e, "entity"
    for link in corpus.links:
        yield link, "link"


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                           max_leaves=8)


@st.composite
def mutated(draw, obj):
    """``obj`` with one key dropped, added or replaced by arbitrary JSON, or a nested value changed."""
    obj = dict(obj)
    how = draw(st.sampled_from(["drop", "add", "replace", "nested"]))
    keys = sorted(obj)
    if how == "drop":
        del obj[draw(st.sampled_from(keys))]
    elif how == "add":
        obj[draw(st.text(max_size=8))] = draw(json_values)
    elif how == "replace":
        obj[draw(st.sampled_from(keys))] = draw(json_values)
    else:
        nested = [k for k in keys if isinstance(obj[k], dict) and obj[k]]
        if nested:
            k = draw(st.sampled_from(nested))
            obj[k] = draw(mutated(obj[k]))
    return obj


@settings(max_examples=max(10, settings().max_examples // 3))
@given(corpora(), st.data())
def test_fast_and_reference_validators_agree_on_generated_valid_and_mutated_records(corpus, data):
    for rec, name in _records_of(corpus):
        assert _agree(rec, name), (name, rec)
        _agree(data.draw(mutated(rec)), name)


@pytest.mark.parametrize("value", ["kash-000\n", "1.0", 1.0, 0.0, -0.0, 2**64, 1e300, "\u212a", "k\u0307"])
def test_fast_and_reference_validators_agree_on_edge_values(value):
    zone = {"type": "zone", "id": "z1", "start": 0, "end": 1, "text": "x", "label": "body"}
    doc_header = {"type": "header", "doc": "kash-000", "layer": "gold", "text_sha256": "0" * 64, "schema_version": "1.0.0"}
    _agree({**zone, "start": value}, "zone")
    _agree({**zone, "id": value}, "zone")
    _agree({**doc_header, "doc": value}, "header")

"""Serialisation round trips and the offsets model (code points, half-open) on hard Unicode."""
from __future__ import annotations

import tempfile
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import corpora, count, tokenised_texts

from kashcorpus.io import canonical, dumps_annotation_file, dumps_line, read_jsonl, read_text
from kashcorpus.layout import Layout
from kashcorpus.api import RECORD_CLASSES, Entity, Link
from kashcorpus.model import Span

# each record type through its typed view (kashcorpus.api) and back; a document record is its own model
MODEL = {
    **{kind: (lambda r, cls=cls: cls.from_record("doc", r), lambda x: x.to_record()) for kind, cls in RECORD_CLASSES.items()},
    "entity": (Entity.from_record, Entity.to_record), "link": (Link.from_record, Link.to_record),
    "document": (dict, dict),
}


def _lines(corpus):
    """``(schema name, canonical line)`` for every record of the corpus, as the files hold them."""
    files = corpus.files()
    for rel, data in files.items():
        if not rel.endswith(".jsonl"):
            continue
        for raw in data.split(b"\n")[:-1]:
            obj = orjson.loads(raw)
            name = {"corpus/documents.jsonl": "document", "annotations/entities.jsonl": "entity",
                    "annotations/links.jsonl": "link"}.get(rel) or obj["type"]
            yield name, raw + b"\n"


@pytest.mark.slow
@given(corpora())
def test_jsonl_to_model_to_jsonl_is_byte_identical(corpus):
    for name, line in _lines(corpus):
        obj = orjson.loads(line)
        if name != "header":
            from_dict, to_dict = MODEL[name]
            obj = to_dict(from_dict(obj))
        assert dumps_line(obj, name) == line, name
        count("records round-tripped")


@pytest.mark.slow
@given(corpora())
def test_a_written_corpus_is_already_in_canonical_form(corpus):
    from kashcorpus.store import format_corpus

    with tempfile.TemporaryDirectory() as tmp:
        corpus.write(Path(tmp))
        changed, blocking = format_corpus(Path(tmp), write=False)
        assert (changed, blocking) == ([], [])


@given(corpora(max_docs=1), st.randoms(use_true_random=False))
def test_canonical_order_does_not_depend_on_the_order_records_come_in(corpus, rnd):
    d = corpus.docs[0]
    records = [d.header()] + [dict(r) for r in d.records]
    shuffled = list(records)
    rnd.shuffle(shuffled)
    shuffled = [dict(reversed(list(r.items()))) for r in shuffled]  # keys in any order too
    assert dumps_annotation_file(shuffled) == dumps_annotation_file(records)


@pytest.mark.slow
@given(corpora(max_docs=2))
def test_texts_read_back_exactly_with_crlf_and_lone_cr_kept(corpus):
    with tempfile.TemporaryDirectory() as tmp:
        corpus.write(Path(tmp))
        layout = Layout(Path(tmp))
        for d in corpus.docs:
            assert read_text(layout.text_path(d.id)) == d.text
            for rec in read_jsonl(layout.gold_path(d.id))[1:]:
                spans = [rec[k] for k in ("source", "cue", "content") if rec.get(k)] or [rec]
                for s in spans:
                    assert d.text[s["start"]:s["end"]] == s["text"]
                    count("spans re-read")


# -- the offsets model -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "needle", "start"), [
    ("\U0001F600 Hamas", "Hamas", 2),                          # an astral character is one code point
    ("e\u0301t\u00e9 Hamas", "Hamas", 5),                      # a combining mark is a code point of its own
    ("\U0001F469\u200D\U0001F4BB Hamas", "Hamas", 4),          # a ZWJ sequence is three code points
    ("\u05e9\u05dc\u05d5\u05dd Hamas", "Hamas", 5),           # right-to-left text is stored in logical order
    ("a\r\nHamas", "Hamas", 3),                                # CRLF is two code points, never translated
    ("a\rHamas", "Hamas", 2),                                  # a lone CR is one code point and not a line end here
    ("\ufeffHamas", "Hamas", 1),                               # a BOM inside a text is an ordinary character
])
def test_offsets_count_code_points(text, needle, start, tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(text.encode("utf-8"))
    back = read_text(path)
    assert back == text
    assert back.index(needle) == start
    assert Span(start, start + len(needle), needle).check(back)


@given(tokenised_texts(), st.data())
def test_a_span_survives_json_and_maps_to_the_same_utf8_bytes(tt, data):
    i = data.draw(st.integers(0, len(tt.bounds) - 1))
    j = data.draw(st.integers(i, len(tt.bounds) - 1))
    start, end, text = tt.span(i, j)
    rec = {"type": "claim", "id": "c1", "start": start, "end": end, "text": text}
    back = orjson.loads(orjson.dumps(rec))
    assert back == rec and tt.text[back["start"]:back["end"]] == back["text"]
    raw = tt.text.encode("utf-8")
    b0, b1 = len(tt.text[:start].encode("utf-8")), len(tt.text[:end].encode("utf-8"))
    assert raw[b0:b1].decode("utf-8") == text
    utf16 = len(tt.text[:start].encode("utf-16-le")) // 2
    assert utf16 >= start  # tools counting UTF-16 units (JavaScript) are ahead after an astral character


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_text_without_nul_survives_a_file_round_trip(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.txt"
        path.write_bytes(text.encode("utf-8"))
        assert read_text(path) == text


def test_canonical_keeps_unknown_keys_after_the_schema_keys_sorted():
    rec = {"zz": 1, "text": "x", "aa": 2, "id": "z1", "type": "zone", "end": 1, "start": 0, "label": "body"}
    assert list(canonical(rec, "zone")) == ["type", "id", "start", "end", "text", "label", "aa", "zz"]


# -- the released form ----------------------------------------------------------------------------

def _absent_is_null(value):
    """Parquet columns are fixed: an optional key the record leaves out reads back as null."""
    if isinstance(value, dict):
        return {k: _absent_is_null(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_absent_is_null(v) for v in value]
    return value


@settings(max_examples=max(5, settings().max_examples // 10))
@given(corpora(max_docs=2))
def test_model_to_parquet_to_model_is_equal(corpus):
    import io

    import pyarrow.parquet as pq

    from kashcorpus.build import parquet_bytes
    from kashcorpus.configs import document_row, documents_features
    from kashcorpus.corpus import iter_documents

    with tempfile.TemporaryDirectory() as tmp:
        corpus.write(Path(tmp))
        rows = [document_row(d) for d in iter_documents(Path(tmp))]
        features = documents_features()
        back = pq.read_table(io.BytesIO(parquet_bytes(rows, features))).to_pylist()
        assert _absent_is_null(back) == _absent_is_null([features.encode_example(r) for r in rows])
        assert [r["text"] for r in back] == [d.text for d in corpus.docs]
        count("documents through parquet", len(rows))

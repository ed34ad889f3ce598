"""spaCy: a DocBin whose every span is the corpus text, and back without a shifted span."""
from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import corpora

from kashcorpus.cli import main
from kashcorpus.convert.common import Annotated, load_documents
from kashcorpus.model import spans_of
from kashcorpus.convert.spacy import MODES, from_spacy, read_docbin, to_docbin, to_spacy


def test_a_docbin_written_by_kashcorpus_loads_and_every_span_is_the_corpus_text(corpus_copy, tmp_path, capsys):
    out = tmp_path / "corpus.spacy"
    assert main(["spacy", "export", str(out), "--root", str(corpus_copy)]) == 0
    assert "alignment mode strict" in capsys.readouterr().out
    docs = {d.doc: d for d in load_documents(corpus_copy)}
    loaded = read_docbin(out)
    assert [d.user_data["kashcorpus"]["doc"] for d in loaded] == sorted(docs)
    for sdoc in loaded:
        text = docs[sdoc.user_data["kashcorpus"]["doc"]].text
        assert sdoc.text == text
        for group in ("zone", "mention", "claim", "attribution"):
            for span in sdoc.spans[group]:
                assert text[span.start_char:span.end_char] == span.text
        starts = [(e.start, e.end) for e in sdoc.ents]
        assert all(a[1] <= b[0] for a, b in zip(starts, starts[1:]))
        back, _ = from_spacy(sdoc)
        assert sorted(back.records, key=lambda r: r["id"]) == sorted(docs[back.doc].records, key=lambda r: r["id"])


@settings(max_examples=30)
@given(corpora(max_docs=2), st.sampled_from(MODES))
def test_export_then_import_gives_back_exactly_the_same_records(corpus, mode):
    db, problems = to_docbin([Annotated(d.id, d.text, d.records) for d in corpus.docs], mode)
    from spacy.tokens import DocBin

    from kashcorpus.convert.spacy import blank_nlp

    loaded = list(DocBin(store_user_data=True).from_bytes(db.to_bytes()).get_docs(blank_nlp().vocab))
    for d, sdoc in zip(corpus.docs, loaded):
        back, probs = from_spacy(sdoc)
        assert probs == []
        assert back.doc == d.id and back.text == d.text
        assert sorted(back.records, key=lambda r: r["id"]) == sorted(d.records, key=lambda r: r["id"])


@given(corpora(max_docs=1))
def test_every_span_off_token_edges_is_reported_with_the_alignment_mode(corpus):
    d = corpus.docs[0]
    sdoc, problems = to_spacy(Annotated(d.id, d.text, d.records), "strict")
    reported = {p.where for p in problems if p.code == "export-misaligned"}
    for rec in d.records:
        for part, span in spans_of(rec):
            key = rec["id"] if rec["type"] != "attribution" else f"{rec['id']}.{part}"
            if sdoc.char_span(span["start"], span["end"]) is None:
                assert key in reported
                assert any("alignment mode strict" in p.message for p in problems if p.where == key)


def test_without_spacy_the_export_is_a_one_line_usage_error_naming_the_extra(corpus_copy, tmp_path):
    """spaCy hidden from the import system: exit 2, one line naming the extra, no traceback, nothing written."""
    out = tmp_path / "corpus.spacy"
    code = ("import sys; sys.modules['spacy'] = None\n"
            "from kashcorpus.cli import main\n"
            f"raise SystemExit(main(['export', 'spacy', '--out', {str(out)!r}, '--root', {str(corpus_copy)!r}]))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        'kashcorpus export: error: the spaCy converter needs spacy, which is not installed: '
        'pip install "kashcorpus[spacy]"']
    assert not out.exists()

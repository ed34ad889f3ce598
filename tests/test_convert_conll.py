"""CoNLL/BIO: the ner config's tokens and tags, and mentions back from them."""
from __future__ import annotations

from hypothesis import given
from strategies import corpora

from kashcorpus.cli import main
from kashcorpus.convert.common import Annotated, load_documents
from kashcorpus.convert.conll import from_conll, to_conll
from kashcorpus.tokens import spans_to_bio, tokenize


def test_tokens_and_tags_are_those_of_the_ner_config(corpus_copy, tmp_path):
    out = tmp_path / "m.conll"
    assert main(["conll", "export", "--root", str(corpus_copy), "--out", str(out)]) == 0
    blocks = out.read_text(encoding="utf-8").split("-DOCSTART-\t")[1:]
    docs = load_documents(corpus_copy)
    assert len(blocks) == len(docs)
    for d, block in zip(docs, blocks):
        lines = [line.split("\t") for line in block.split("\n")[2:] if line]
        toks = tokenize(d.text)
        tags = spans_to_bio(toks, [(r["start"], r["end"], r["label"]) for r in d.records if r["type"] == "mention"]).tags
        assert [(t[0], int(t[1]), int(t[2]), t[3]) for t in lines] == [(t.text, t.start, t.end, g) for t, g in zip(toks, tags)]


def aligned_mentions(text: str, records: list[dict]) -> list[dict]:
    """Mentions whose edges are token edges and that overlap no other mention: what BIO can carry."""
    toks = tokenize(text)
    starts, ends = {t.start for t in toks}, {t.end for t in toks}
    ms = [r for r in records if r["type"] == "mention" and r["start"] in starts and r["end"] in ends]
    return [m for m in ms if not any(o is not m and o["start"] < m["end"] and m["start"] < o["end"] for o in ms)]


@given(corpora(max_docs=2))
def test_export_then_import_gives_back_every_mention_or_reports_it(corpus):
    texts = {d.id: d.text for d in corpus.docs}
    conll, reported = "", {}
    for d in corpus.docs:
        out, probs = to_conll(Annotated(d.id, d.text, d.records))
        conll += out
        reported[d.id] = {p.where for p in probs}
    docs, back_problems = from_conll(conll, texts)
    assert back_problems == []
    for d, src in zip(docs, corpus.docs):
        got = {(r["start"], r["end"], r["label"]) for r in d.records}
        mentions = [r for r in src.records if r["type"] == "mention"]
        assert {(m["start"], m["end"], m["label"]) for m in aligned_mentions(src.text, src.records)} <= got
        for m in mentions:
            assert (m["start"], m["end"], m["label"]) in got or m["id"] in reported[d.doc]
        for r in d.records:
            assert texts[d.doc][r["start"]:r["end"]] == r["text"]


def test_a_token_that_is_not_the_text_is_reported():
    docs, problems = from_conll("-DOCSTART-\td\t-\tO\n\nHamas\t1\t6\tB-ORG\n", {"d": "Hamas met"})
    assert problems[0].code == "import-span-mismatch"

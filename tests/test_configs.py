"""The sentence-level configs: ner rows are sentences of whole tokens whose tags give back the mentions; sentences rows."""
from __future__ import annotations

from hypothesis import given
from strategies import corpora

from kashcorpus.configs import ner_rows, sentence_rows
from kashcorpus.corpus import DocumentRecords, iter_documents
from kashcorpus.sentences import CLAIM_ZONES
from kashcorpus.tokens import Token, bio_to_spans, tokenize


def _doc(d) -> DocumentRecords:
    return DocumentRecords({"id": d.id}, d.text, tuple(d.records))


@given(corpora(max_docs=2))
def test_ner_rows_are_consecutive_sentences_that_hold_every_token_once(corpus):
    for d in corpus.docs:
        rows = list(ner_rows(_doc(d)))
        assert [r["sentence"] for r in rows] == list(range(len(rows)))
        assert [r["id"] for r in rows] == [f"{d.id}-s{n}" for n in range(len(rows))]
        tokens = [Token(s, e, t) for r in rows for s, e, t in zip(r["token_start"], r["token_end"], r["tokens"])]
        assert tokens == tokenize(d.text)
        for r in rows:
            assert r["tokens"] and r["start"] == r["token_start"][0] and r["end"] == r["token_end"][-1]
            assert len(r["ner_tags"]) == len(r["tokens"])


def test_on_the_gold_each_sentence_decodes_to_exactly_the_mentions_inside_it(repo_root):
    total = 0
    for d in iter_documents(repo_root):
        mentions = [(m["start"], m["end"], m["label"]) for m in d.layer("mention")]
        for r in ner_rows(d):
            toks = [Token(s, e, t) for s, e, t in zip(r["token_start"], r["token_end"], r["tokens"])]
            inside = sorted(m for m in mentions if r["start"] <= m[0] and m[1] <= r["end"])
            assert sorted(bio_to_spans(toks, r["ner_tags"])) == inside
            total += len(inside)
        assert not [m for m in mentions if not any(r["start"] <= m[0] and m[1] <= r["end"] for r in ner_rows(d))]
    assert total == sum(len(d.layer("mention")) for d in iter_documents(repo_root))


@given(corpora(max_docs=2))
def test_sentences_rows_are_the_claim_zone_sentences_with_the_claims_that_overlap_them(corpus):
    for d in corpus.docs:
        ner = {r["sentence"]: r for r in ner_rows(_doc(d))}
        zones = [r for r in d.records if r["type"] == "zone" and r["label"] in CLAIM_ZONES]
        claims = [r for r in d.records if r["type"] == "claim"]
        rows = list(sentence_rows(_doc(d)))
        want = [n for n, r in ner.items() if any(z["start"] <= r["start"] and r["end"] <= z["end"] for z in zones)]
        assert [r["sentence"] for r in rows] == want
        for r in rows:
            assert (r["start"], r["end"]) == (ner[r["sentence"]]["start"], ner[r["sentence"]]["end"])
            assert r["text"] == d.text[r["start"]:r["end"]] and r["zone"] in CLAIM_ZONES
            over = [c for c in claims if c["start"] < r["end"] and r["start"] < c["end"]]
            assert r["claims"] == [c["id"] for c in over]
            assert r["has_claim"] == bool(over) and r["checkworthy"] == any(c["checkworthy"] for c in over)


def test_on_the_gold_every_claim_is_in_a_sentences_row(repo_root):
    for d in iter_documents(repo_root):
        carried = {c for r in sentence_rows(d) for c in r["claims"]}
        assert carried == {c["id"] for c in d.layer("claim")}

"""Tokens: the split policy, exact alignment of gold and generated names, offsets, and BIO round trips."""
from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import arbitrary_texts, names_in_text, tokenised_texts

from kashcorpus.corpus import iter_documents
from kashcorpus import tokens as tokens_module
from kashcorpus.tokens import (OUTCOMES, Token, abbreviation_class, alignment_figures, alignment_outcomes,
                               bio_columns, bio_to_spans, spans_to_bio, token_columns, tokenize)


def texts_of(text: str) -> list[str]:
    return [t.text for t in tokenize(text)]


# One line of the policy in docs/formats.md per case.
POLICY = [
    ("Hamas’s presence", ["Hamas", "’s", "presence"]),
    ("Hamas's representative", ["Hamas", "'s", "representative"]),
    ("HAMAS’S LEADERS", ["HAMAS", "’S", "LEADERS"]),
    ("Hamas' attack", ["Hamas", "'", "attack"]),
    ("the militants’ camps", ["the", "militants", "’", "camps"]),
    ("Pakistan-based groups", ["Pakistan", "-", "based", "groups"]),
    ("the Israel-Hamas conflict", ["the", "Israel", "-", "Hamas", "conflict"]),
    ("the Pakistan–India fight", ["the", "Pakistan", "–", "India", "fight"]),
    ("an “anti-India” rally", ["an", "“", "anti", "-", "India", "”", "rally"]),
    ("duplicity—on the one hand", ["duplicity", "—", "on", "the", "one", "hand"]),
    ("Jaish-e-Mohammed (JeM)", ["Jaish", "-", "e", "-", "Mohammed", "(", "JeM", ")"]),
    ("Pakistan/India and/or", ["Pakistan", "/", "India", "and", "/", "or"]),
    ("‘Al Aqsa Flood’ Conference", ["‘", "Al", "Aqsa", "Flood", "’", "Conference"]),
    ("'Al-Aqsa Flood' Conference’", ["'", "Al", "-", "Aqsa", "Flood", "'", "Conference", "’"]),
    ("[Hamas]", ["[", "Hamas", "]"]),
    ("Khaled Mash'al spoke", ["Khaled", "Mash'al", "spoke"]),
    ("they don't know", ["they", "don't", "know"]),
    ("Pakistan.The meeting", ["Pakistan", ".", "The", "meeting"]),
    ("JeM.The group", ["JeM", ".", "The", "group"]),
    ("2,000 people, 3.5 per cent, 10:30, 24/7", ["2,000", "people", ",", "3.5", "per", "cent", ",", "10:30", ",",
                                                "24/7"]),
    ("the 1980s and 1st day", ["the", "1980s", "and", "1st", "day"]),
    ("2025-09-17", ["2025", "-", "09", "-", "17"]),
    ("$5 and 50%", ["$", "5", "and", "50", "%"]),
    ("Dr. Khalid on Oct. 7", ["Dr.", "Khalid", "on", "Oct.", "7"]),
    ("the U.S. and U.N. envoys", ["the", "U.S.", "and", "U.N.", "envoys"]),
    ("U.S.-based", ["U.S.", "-", "based"]),
    ("Masood A. Khan", ["Masood", "A.", "Khan"]),
    ("Plan B. the end", ["Plan", "B", ".", "the", "end"]),
    ("bikes, etc. and horses", ["bikes", ",", "etc.", "and", "horses"]),
    ("It ended... Then", ["It", "ended", "...", "Then"]),
    ("It ended… Then", ["It", "ended", "…", "Then"]),
    ("war -- again", ["war", "--", "again"]),
    ("AT&T and Firstpost.com", ["AT&T", "and", "Firstpost.com"]),
    ("see https://example.org/a-b. Or", ["see", "https://example.org/a-b", ".", "Or"]),
    ("(www.example.org)", ["(", "www.example.org", ")"]),
    ("write to desk@example.org.", ["write", "to", "desk@example.org", "."]),
    ("क्षत्रिय and é", ["क्षत्रिय", "and", "é"]),
    ("👩\u200d💻 🇵🇰", ["👩\u200d💻", "🇵🇰"]),
]


@pytest.mark.parametrize(("text", "expected"), POLICY, ids=[t for t, _ in POLICY])
def test_the_tokeniser_follows_the_documented_policy(text, expected):
    assert texts_of(text) == expected


def test_every_listed_abbreviation_keeps_its_full_stop():
    for word in abbreviation_class():
        assert texts_of(f"({word} x") == ["(", word, "x"], word


def test_every_gold_mention_aligns_exactly_with_token_edges(repo_root):
    figures = alignment_figures(iter_documents(repo_root), mode="strict")
    assert figures["spans"] > 400
    assert figures == {"spans": figures["spans"], "exact": figures["spans"], "widened": 0, "narrowed": 0, "lost": 0,
                       "overlap": 0}


def test_every_gold_claim_edge_is_a_token_edge(repo_root):
    figures = alignment_figures(iter_documents(repo_root), kind="claim", mode="strict")
    assert figures["lost"] == 0 and figures["exact"] + figures["overlap"] == figures["spans"]


@given(names_in_text())
def test_a_name_at_a_news_boundary_aligns_exactly(case):
    toks = tokenize(case.text)
    assert alignment_outcomes(toks, [(case.start, case.end, "ORG")], mode="strict") == ["exact"], \
        (case, [t.text for t in toks])


@given(arbitrary_texts)
def test_tokens_are_exact_slices_without_white_space_and_cover_every_other_character(text):
    toks = tokenize(text)
    covered = set()
    for prev, tok in zip([None, *toks], toks):
        assert tok.start < tok.end and text[tok.start:tok.end] == tok.text
        assert not any(c.isspace() for c in tok.text)
        assert prev is None or prev.end <= tok.start
        covered.update(range(tok.start, tok.end))
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


@given(tokenised_texts())
def test_white_space_separated_pieces_are_never_joined(tt):
    edges = {p for b in tt.bounds for p in b}
    for tok in tokenize(tt.text):
        inside = [p for p in edges if tok.start < p < tok.end]
        assert not inside


@st.composite
def tagged_tokens(draw):
    """Tokens of a generated text and a well-formed BIO sequence over them."""
    toks = tokenize(draw(arbitrary_texts))
    tags, prev = [], "O"
    for _ in toks:
        choices = ["O", "B-ORG", "B-PER"] + ([f"I-{prev[2:]}"] if prev != "O" else [])
        prev = draw(st.sampled_from(choices))
        tags.append(prev)
    return toks, tags


@given(tagged_tokens())
def test_bio_to_spans_then_spans_to_bio_gives_back_the_tags(case):
    toks, tags = case
    spans = bio_to_spans(toks, tags)
    alignment = spans_to_bio(toks, spans, mode="strict")
    assert alignment.tags == tags and alignment.skipped == []


@given(tagged_tokens())
def test_spans_to_bio_then_bio_to_spans_gives_back_token_aligned_flat_spans(case):
    toks, tags = case
    spans = bio_to_spans(toks, tags)
    for mode in ("strict", "expand", "contract"):
        assert bio_to_spans(toks, spans_to_bio(toks, spans, mode=mode).tags) == spans
        assert alignment_outcomes(toks, spans, mode) == ["exact"] * len(spans)


def test_each_outcome_is_counted():
    toks = [Token(0, 5, "Hamas"), Token(5, 11, "-based"), Token(12, 15, "men")]
    spans = [(0, 11, "ORG"), (0, 5, "NORP"), (5, 8, "X"), (6, 9, "Y")]
    assert alignment_outcomes(toks, spans, "strict") == ["exact", "overlap", "lost", "lost"]
    assert alignment_outcomes(toks, [(0, 3, "ORG"), (12, 14, "X")], "expand") == ["widened", "widened"]
    assert alignment_outcomes(toks, [(0, 13, "ORG")], "contract") == ["narrowed"]
    assert alignment_outcomes(toks, [(1, 3, "ORG")], "contract") == ["lost"]
    assert set(OUTCOMES) == {"exact", "widened", "narrowed", "lost", "overlap"}


def tokenize_chunk_by_chunk(text: str) -> list[Token]:
    """The policy read plainly: the token pattern over each white-space separated chunk, one match at a time."""
    t = tokens_module
    shadow = t._shadow(text)
    pattern = t._pattern("@" in text or "://" in text or "www." in text)
    out: list[Token] = []
    for chunk in re.finditer(r"\S+", shadow):
        for m in pattern.finditer(shadow, *chunk.span()):
            start, end = m.span()
            if m.lastgroup == "word" and "." in shadow[start:end]:
                out += t._split_case_changes(text, start, end)
            elif m.lastgroup == "initial" and not t._is_initial(text, start, end):
                out += [Token(start, end - 1, text[start:end - 1]), Token(end - 1, end, ".")]
            else:
                out.append(Token(start, end, text[start:end]))
    return out


@given(st.one_of(arbitrary_texts, st.lists(st.sampled_from(
    ["Firstpost.com", "Pakistan.The", "A.", "a.", "Masood", "U.S....", "x@y.org", "http://a.b/c).", "www.x.y,",
     "2,000.5", "Mash'al", "AT&T", " ", "\n", "\u0301", "_", "don't", "Oct.", "etc."]), max_size=12).map("".join)))
@example("A.")
@example("x A. the")
@example("Masood A. Khan")
@example("Pakistan.The U.S....")
@example("a.b@c.org.")
@settings(max_examples=300)
def test_the_columns_are_the_token_pattern_applied_chunk_by_chunk(text):
    expected = tokenize_chunk_by_chunk(text)
    assert token_columns(text) == ([t.start for t in expected], [t.end for t in expected], [t.text for t in expected])
    assert tokenize(text) == expected and all(type(t) is Token for t in tokenize(text))


@given(tagged_tokens())
def test_tags_from_columns_are_the_tags_from_tokens(case):
    tokens, tags = case
    spans = bio_to_spans(tokens, tags)
    for mode in ("strict", "expand", "contract"):
        assert bio_columns([t.start for t in tokens], [t.end for t in tokens], spans, mode) == \
            spans_to_bio(tokens, spans, mode)

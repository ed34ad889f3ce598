"""Sentences: the documented rules, the hand-checked segmentation of the corpus, gold spans, and invariants."""
from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import arbitrary_texts, name_words, names_in_text, tokenised_texts

from kashcorpus.corpus import iter_documents
from kashcorpus import sentences as sentences_module
from kashcorpus.sentences import (Sentence, claim_sentences, crossing, segment, segment_columns, sentence_figures,
                                  zone_edges)
from kashcorpus.tokens import token_columns, tokenize


def sentences_of(text: str, breaks=()) -> list[str]:
    return [text[s:e] for s, e in segment(text, breaks)]


# One line of the rules in docs/formats.md per case: (text, its sentences).
RULES = [
    ("Mr. Sharif met Dr. Khalid in Islamabad. They spoke for an hour.",
     ["Mr. Sharif met Dr. Khalid in Islamabad.", "They spoke for an hour."]),
    ("The U.S. State Department said it was aware. Gen. Munir did not comment.",
     ["The U.S. State Department said it was aware.", "Gen. Munir did not comment."]),
    ("The attack came on Feb. 5, 2025. It was condemned.", ["The attack came on Feb. 5, 2025.", "It was condemned."]),
    ("Resolution No. 242 was cited. Nobody objected.", ["Resolution No. 242 was cited.", "Nobody objected."]),
    ("They met in Oct. Talks followed.", ["They met in Oct.", "Talks followed."]),
    ("“We will not stop,” he said. “Kashmir is ours.” The crowd cheered.",
     ["“We will not stop,” he said.", "“Kashmir is ours.”", "The crowd cheered."]),
    ("He called it “a turning point.” Others disagreed.", ["He called it “a turning point.”", "Others disagreed."]),
    ("He said (quietly.) Then he left.", ["He said (quietly.)", "Then he left."]),
    ("“Why?” he asked. Nobody answered!", ["“Why?” he asked.", "Nobody answered!"]),
    ("Was it planned?! Nobody knows.", ["Was it planned?!", "Nobody knows."]),
    ("Spending rose 3.5 per cent to $2.1 billion. Analysts were surprised.",
     ["Spending rose 3.5 per cent to $2.1 billion.", "Analysts were surprised."]),
    ("He paused... then went on. The room was silent.", ["He paused... then went on.", "The room was silent."]),
    ("It ended… The end.", ["It ended…", "The end."]),
    ("Hamas, Hezbollah, etc. The list goes on.", ["Hamas, Hezbollah, etc.", "The list goes on."]),
    ("Hamas, Hezbollah, etc. were named.", ["Hamas, Hezbollah, etc. were named."]),
    ("Masood A. Khan spoke first. Then came the rest.", ["Masood A. Khan spoke first.", "Then came the rest."]),
    ("They met at 9 a.m. The talks lasted hours.", ["They met at 9 a.m.", "The talks lasted hours."]),
    ("They met at 9 a.m. on Friday.", ["They met at 9 a.m. on Friday."]),
    ("Leaders met in Pakistan.The meeting was public.", ["Leaders met in Pakistan.", "The meeting was public."]),
    ("It rose to 2,000. 26 were killed.", ["It rose to 2,000.", "26 were killed."]),
    ("Hamas Leaders Visit PoK\n\nThe visit came on Monday.", ["Hamas Leaders Visit PoK", "The visit came on Monday."]),
    ("Uzay Bulut\nUzay Bulut is a journalist.", ["Uzay Bulut", "Uzay Bulut is a journalist."]),
    ("Map of Kashmir. Credit: CIA.\nMap of Kashmir.", ["Map of Kashmir.", "Credit: CIA.", "Map of Kashmir."]),
    ("Senior figures from\nHamas and the\nLashkar-e-Taiba met.", ["Senior figures from\nHamas and the\nLashkar-e-Taiba met."]),
    ("The leaders of Hamas,\nLashkar and JeM met.", ["The leaders of Hamas,\nLashkar and JeM met."]),
    ("Pakistan-\nbased groups met.", ["Pakistan-\nbased groups met."]),
    ("It was held\nin Rawalakot.", ["It was held\nin Rawalakot."]),
    ("Headline\r\nBody text.\r\n\r\nNext", ["Headline", "Body text.", "Next"]),
    ("  • Post category:World News\nShare this Post\n", ["• Post category:World News", "Share this Post"]),
    ("Leaders met; talks were held: both sides spoke.", ["Leaders met; talks were held: both sides spoke."]),
    ("", []),
    (" \n\t ", []),
]


@pytest.mark.parametrize(("text", "expected"), RULES, ids=[t[:40] for t, _ in RULES])
def test_the_segmenter_follows_the_documented_rules(text, expected):
    assert sentences_of(text) == expected


def test_a_break_ends_a_sentence_between_tokens_but_never_inside_one():
    text = " date 2025-09-17 Islamabad, Sep 17 Pakistan, particularly PoK, poses a risk."
    body = text.index("Pakistan")
    assert sentences_of(text, [0, body]) == ["date 2025-09-17 Islamabad, Sep 17", text[body:]]
    assert sentences_of(text, [body + 3]) == [text.strip()]


def test_the_corpus_texts_are_segmented_as_the_hand_checked_reference(repo_root):
    ref: dict[str, list[Sentence]] = {}
    reference = repo_root / "tests" / "fixtures" / "sentences" / "reference.jsonl"
    for line in reference.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        ref.setdefault(r["doc"], []).append((r["start"], r["end"], r["text"]))
    docs = list(iter_documents(repo_root))
    assert sorted(ref) == [d.id for d in docs]
    for d in docs:
        assert [(s, e, d.text[s:e]) for s, e in segment(d.text)] == ref[d.id], d.id


def test_no_sentence_edge_falls_inside_a_gold_mention(repo_root):
    for zones in (True, False):
        figures = sentence_figures(iter_documents(repo_root), zones=zones)
        assert figures["mentions"] > 400 and figures["mentions_cut"] == 0
        assert 0 <= figures["claims_crossing"] <= figures["claims"]
        assert figures["sentences"] == sum(figures["per_document"].values())


def test_zone_edges_end_sentences_in_the_gold(repo_root):
    for d in iter_documents(repo_root):
        sents = segment(d.text, zone_edges(d.records))
        for z in d.layer("zone"):
            inside = [s for s in sents if z["start"] <= s.start and s.end <= z["end"]]
            assert not [s for s in sents if s not in inside and s.start < z["end"] and z["start"] < s.end], z["id"]


def check_invariants(text: str, sents: list[Sentence]) -> None:
    toks = tokenize(text)
    assert [(s.start, s.end) for s in sents] == sorted(set(sents))
    for prev, s in zip([None, *sents], sents):
        assert s.start < s.end and not text[s.start].isspace() and not text[s.end - 1].isspace()
        assert prev is None or prev.end <= s.start
    starts, ends = {t.start for t in toks}, {t.end for t in toks}
    assert all(s.start in starts and s.end in ends for s in sents)
    for t in toks:
        assert sum(s.start <= t.start and t.end <= s.end for s in sents) == 1
    assert all(not crossing(sents, t.start, t.end) for t in toks)


@given(arbitrary_texts)
def test_sentences_are_trimmed_ordered_on_token_edges_and_hold_every_token_once(text):
    sents = segment(text)
    check_invariants(text, sents)
    assert segment(text) == sents


@given(tokenised_texts(), st.data())
def test_every_break_between_tokens_ends_a_sentence(tt, data):
    text = tt.text
    breaks = data.draw(st.lists(st.integers(0, len(text)), max_size=5))
    sents = segment(text, breaks)
    check_invariants(text, sents)
    toks = tokenize(text)
    for b in breaks:
        if not any(t.start < b < t.end for t in toks):
            assert not any(s.start < b < s.end for s in sents), b


@given(names_in_text())
def test_a_name_glued_to_news_punctuation_is_never_cut(case):
    assert not crossing(segment(case.text), case.start, case.end)


@st.composite
def titled_names(draw) -> tuple[str, int, int]:
    """A sentence naming someone with a title, an initial or an initialism (Dr. X, Masood A. Khan, U.S. Army)."""
    head = draw(st.sampled_from(["Dr.", "Gen.", "Mr.", "Lt.", "St.", "U.S.", "U.N."]))
    words = [w[0].upper() + w[1:] for w in draw(st.lists(name_words(), min_size=1, max_size=2))]
    if draw(st.booleans()):
        words.insert(1, draw(st.sampled_from("ABKMZ")) + ".")
    name = " ".join([head, *words])
    before = draw(st.sampled_from(["", "Officials said ", "“", "On Oct. 7, "]))
    after = draw(st.sampled_from(["", ".", " spoke.", "’s aides met.", ". Then he left."]))
    return before + name + after, len(before), len(before) + len(name)


@given(titled_names())
def test_a_title_initial_or_initialism_never_ends_a_sentence_inside_a_name(case):
    text, start, end = case
    assert not crossing(segment(text), start, end), sentences_of(text)


def test_the_segmenter_comparison_runs_and_scores_this_segmenter_on_the_reference(repo_root):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, str(repo_root / "bench" / "segmenters.py")], capture_output=True, text=True,
                       cwd=repo_root)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "| kashcorpus.sentences | this release | 127/127 / 0 |" in r.stdout


def segment_token_by_token(text: str, breaks=()) -> list[Sentence]:
    """The rules read plainly: every pair of neighbouring tokens asks whether a sentence ends between them."""
    m = sentences_module
    toks = tokenize(text)
    texts = [t.text for t in toks]
    if not toks:
        return []
    _, closers, cont_words, cont_punct = m._tables()
    cuts, ends, n = sorted(set(breaks)), set(), len(toks)
    for i in range(n - 1):
        a, b = toks[i], toks[i + 1]
        if any(a.end <= c <= b.start for c in cuts):
            ends.add(i)
            continue
        gap = text[a.end:b.start]
        lines = len(m._LINE_BREAK.findall(gap))
        if lines >= 2 or "\u2029" in gap:
            ends.add(i)
            continue
        if lines == 1 and not (a.text.lower() in cont_words or a.text in cont_punct
                               or not m._starts_sentence(texts, i + 1, "terminal")):
            ends.add(i)
            continue
        cls = m._stop_class(a.text)
        if cls is None:
            continue
        j = i
        while j + 1 < n and toks[j + 1].start == toks[j].end and (
                toks[j + 1].text in closers or m._stop_class(toks[j + 1].text) == "terminal"):
            j += 1
        if j + 1 < n and m._starts_sentence(texts, j + 1, cls):
            ends.add(j)
    out, first = [], 0
    for i in sorted(ends):
        out.append(Sentence(toks[first].start, toks[i].end))
        first = i + 1
    return out + [Sentence(toks[first].start, toks[-1].end)]


news_pieces = st.lists(st.sampled_from(
    ["He left", ".", "...", "\u2026", " ", "\n", "\n\n", "\r\n", "\u2028", "\u2029", "\x85", "”", ")", "U.S.", "Oct.",
     "7", "etc.", "Dr.", "the", "The", ",", "?", "!", "said", "“It"]), max_size=25).map("".join)


@given(st.one_of(arbitrary_texts, news_pieces), st.lists(st.integers(0, 60), max_size=4))
@example("He left\x85He left", [])
@example("U.S.... He left", [])
@example("Oct. 7. Then", [4])
@settings(max_examples=300)
def test_looking_only_at_tokens_that_can_end_a_sentence_cuts_where_every_pair_of_tokens_would(text, breaks):
    expected = segment_token_by_token(text, breaks)
    assert segment(text, breaks) == expected
    assert segment_columns(text, *token_columns(text), breaks) == expected


@given(news_pieces, st.data())
def test_each_claim_sentence_has_the_first_zone_that_holds_it_and_every_claim_over_it(text, data):
    sents = segment(text)
    points = st.integers(0, len(text))
    records = [{"type": kind, "label": data.draw(st.sampled_from(["body", "standfirst", "title"])), "id": f"r{k}",
                "start": a, "end": max(a, b), "checkworthy": data.draw(st.booleans())}
               for k, (kind, a, b) in enumerate(data.draw(st.lists(st.tuples(st.sampled_from(["zone", "claim"]), points,
                                                                              points), max_size=8)))]
    expected = []
    for n, s in enumerate(sents):
        zone = next((z for z in records if z["type"] == "zone" and z["label"] in sentences_module.CLAIM_ZONES
                     and z["start"] <= s.start and s.end <= z["end"]), None)
        if zone is not None:
            claims = tuple(c for c in records if c["type"] == "claim" and c["start"] < s.end and s.start < c["end"])
            expected.append((n, s.start, s.end, zone["label"], claims))
    assert [tuple(c) for c in claim_sentences(text, records, sents)] == expected

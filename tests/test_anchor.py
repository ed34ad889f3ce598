"""Re-anchoring: the offset map, quote + context placement, text replace and reanchor on a corpus."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from helpers import TEXTS, build_small_corpus, snapshot

from kashcorpus.anchor import (OffsetMap, TextQuoteSelector, place, reanchor_document, reanchor_records,
                               replace_text)
from kashcorpus.annotate import AnnotateError, add_span, list_spans
from kashcorpus.cli import main
from kashcorpus.io import read_jsonl
from kashcorpus.layout import Layout
from kashcorpus.store import state_dir
from kashcorpus.validate import validate

WORDS = st.sampled_from(["Alpha", "Beta", "said", "the", "deal", "in", "Delta", "was", "off", "Gamma", "x"])


@st.composite
def edits(draw):
    old = draw(st.text(alphabet="ab c\n", max_size=60))
    i = draw(st.integers(0, len(old)))
    j = draw(st.integers(i, len(old)))
    return old, old[:i] + draw(st.text(alphabet="abc d", max_size=8)) + old[j:]


@given(edits())
def test_the_offset_map_is_monotonic_and_keeps_unchanged_stretches(pair):
    old, new = pair
    m = OffsetMap(old, new)
    mapped = [m(p) for p in range(len(old) + 1)]
    assert mapped[-1] == len(new) or not old
    assert mapped == sorted(mapped)
    for s in range(len(old)):
        for e in range(s + 1, min(len(old), s + 6) + 1):
            if m.kept(s, e):
                assert new[m(s):m(s) + e - s] == old[s:e]


@given(st.lists(WORDS, min_size=3, max_size=25), st.data())
def test_spans_outside_an_edit_are_all_placed_on_the_same_words_in_the_same_order(words, data):
    text = " ".join(words)
    starts = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
    chosen = sorted(data.draw(st.sets(st.integers(0, len(words) - 1), min_size=1, max_size=len(words) - 1)))
    free = [i for i in range(len(words)) if i not in chosen]
    if not free:
        return
    k = data.draw(st.sampled_from(free))
    new_words = list(words)
    new_words[k] = data.draw(WORDS.filter(lambda w: w != words[k]))
    new = " ".join(new_words)
    recs = [{"type": "mention", "id": f"m{n}", "start": starts[i], "end": starts[i] + len(words[i]),
             "text": words[i], "label": "ORG", "entity": None} for n, i in enumerate(chosen, 1)]
    placed, report = reanchor_records(text, new, recs)
    assert len(placed) == len(recs) and not [r for r in report if r["to"] is None]
    assert all(new[r["start"]:r["end"]] == r["text"] == o["text"] for r, o in zip(placed, recs))
    delta = len(new) - len(text)
    for r, i in zip(placed, chosen):
        assert r["start"] == starts[i] + (delta if i > k else 0)


def test_a_repeated_quote_is_placed_by_its_context():
    sel = TextQuoteSelector.of("Alpha said. Then Alpha denied it.", 17, 22)
    p = place("Alpha said so. Then Alpha denied it.", sel)
    assert (p.start, p.end, p.method) == (20, 25, "exact")


def test_a_quote_with_a_small_typo_fix_is_placed_fuzzily_and_an_unrelated_one_is_not():
    sel = TextQuoteSelector("Khaled Mash'al", "Representative to Hamas Leader ", " in Pakistan")
    new = "special Representative to Hamas Leader Khaled Meshaal in Pakistan, lives"
    p = place(new, sel)
    assert p.method == "fuzzy" and new[p.start:p.end] == "Khaled Meshaal"
    assert place("Nothing alike is written here at all.", sel) is None


@pytest.fixture
def small(tmp_path) -> Path:
    return build_small_corpus(tmp_path / "small")


def _recs(root, doc="doc-a"):
    return {r["id"]: r for r in list_spans(root, doc)}


def test_text_replace_with_reanchor_moves_the_spans_and_updates_hashes(small):
    before = _recs(small)
    res = replace_text(small, "doc-a", "on Monday", "on Monday morning", reanchor=True)
    assert res.message.startswith("replaced [16, 25) 'on Monday' with 'on Monday morning' in corpus/texts/doc-a.txt "
                                  "(+8 code points)")
    after = _recs(small)
    text = Layout(small).text_path("doc-a").read_text()
    for rid, r in after.items():
        assert text[r["start"]:r["end"]] == r["text"]
        if r["type"] == "mention":
            assert r["text"] == before[rid]["text"]
            assert r["start"] == before[rid]["start"] + (8 if before[rid]["start"] > 20 else 0)
    assert "spans shifted with the edit" in res.message and "shifted m2" not in res.message  # one summary line
    assert validate(small).ok


def test_text_replace_alone_leaves_stale_annotations_that_reanchor_fixes(small):
    replace_text(small, "doc-a", "Officials", "Two officials")
    codes = {f.code for f in validate(small).findings if f.severity == "error"}
    assert "annotation-stale" in codes and "text-hash-mismatch" not in codes
    with pytest.raises(AnnotateError, match="reanchor doc-a"):
        add_span(small, "doc-a", "mention", label="DATE", quote="Monday")
    res = reanchor_document(small, "doc-a")
    assert res.message.startswith("re-anchored 1 annotation file(s) of doc-a")
    assert "resized z2 [57, 121) -> [57, 125)" in res.message
    assert validate(small).ok


def test_reanchor_refuses_to_leave_a_span_on_words_that_are_gone_and_changes_nothing(small):
    replace_text(small, "doc-a", "Beta Ltd would buy Gamma", "a rival would buy it")
    before = snapshot(small)
    with pytest.raises(AnnotateError) as err:
        reanchor_document(small, "doc-a")
    msg = str(err.value)
    assert "2 span(s) of doc-a could not be placed" in msg and "nothing was changed" in msg
    assert "could not place m2 'Beta Ltd' (was [31, 39))" in msg and "could not place m3 'Gamma'" in msg
    assert snapshot(small) == before


def test_drop_unplaced_removes_those_spans_and_reports_them(small):
    replace_text(small, "doc-a", "Beta Ltd would buy Gamma", "a rival would buy it")
    res = reanchor_document(small, "doc-a", drop=True)
    assert "removed m2, m3 (could not be placed)" in res.message
    assert set(_recs(small)) == {"z1", "z2", "m1", "m4", "m5"}
    assert validate(small).ok


def test_a_text_edited_in_an_editor_is_reanchored_and_its_metadata_follows(small):
    path = Layout(small).text_path("doc-b")
    path.write_text(path.read_text().replace("record sales", "record sales and profits"))
    assert not validate(small).ok
    res = reanchor_document(small, "doc-b")
    assert "metadata sha256" in res.message and "metadata length 70 -> 82" in res.message
    assert validate(small).ok


def test_without_zones_or_a_kept_copy_repeated_quotes_go_to_the_nearest_occurrence(tmp_path):
    root = build_small_corpus(tmp_path / "nz", zones=False)
    path = Layout(root).text_path("doc-b")
    path.write_text("Today " + path.read_text())
    assert not (state_dir(root) / "texts").exists()
    res = reanchor_document(root, "doc-b")
    recs = _recs(root, "doc-b")
    assert [(r["start"], r["text"]) for r in recs.values()] == [(6, "Beta Ltd"), (38, "Alpha Corp"), (53, "Beta Ltd"),
                                                               (69, "Delta")]
    assert "nearest m1 [0, 8) -> [6, 14) 'Beta Ltd'" in res.message
    assert validate(root).ok


def test_a_pass_without_zones_is_reanchored_from_the_gold_zones(small):
    add_span(small, "doc-a", "mention", label="DATE", quote="Monday", annotator="rater-1")
    replace_text(small, "doc-a", "Alpha Corp said", "Alpha Corp, the buyer, said")
    res = reanchor_document(small, "doc-a")
    assert "re-anchored 2 annotation file(s)" in res.message
    m1 = read_jsonl(Layout(small).pass_path("rater-1", "doc-a"))[1]
    assert (m1["start"], m1["text"]) == (31, "Monday")
    assert validate(small).ok


def test_reanchor_dry_run_reports_and_changes_nothing(small):
    replace_text(small, "doc-a", "Officials", "Two officials")
    before = snapshot(small)
    res = reanchor_document(small, "doc-a", dry_run=True)
    assert res.message.startswith("would re-anchor 1 annotation file(s)") and res.data["files"] == []
    assert snapshot(small) == before


def test_text_replace_and_reanchor_on_the_command_line(small, capsys):
    assert main(["text", "replace", "doc-b", "--old", "record", "--new", "strong", "--root", str(small)]) == 0
    out = capsys.readouterr().out
    assert "1 annotation file(s) now need 'kashcorpus reanchor doc-b'" in out
    assert main(["reanchor", "doc-b", "--json", "--root", str(small)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["files"] == ["annotations/gold/doc-b.jsonl"]
    assert main(["reanchor", "doc-b", "--root", str(small)]) == 0
    assert "already made on the current text" in capsys.readouterr().out
    assert main(["text", "replace", "doc-b", "--old", "Beta Ltd", "--new", "B", "--root", str(small)]) == 2
    assert "occurs 2 times in doc-b" in capsys.readouterr().err


def test_the_texts_of_the_small_corpus_are_what_the_tests_assume():
    assert TEXTS["doc-a"][16:25] == "on Monday" and len(TEXTS["doc-b"]) == 70

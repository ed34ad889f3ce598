"""A one-character text fix, re-anchored, seen by both diffs: the spans are carried through the edit, so the fix
shows as the spans it edited, not as every later span removed and added again."""
from __future__ import annotations

import shutil
from pathlib import Path

from kashcorpus.anchor import replace_text
from kashcorpus.versioning import diff, snapshot
from kashcorpus.view.diff import diff_docs

OLD, NEW = "has expressed apprehension", "has expressed aprehension"  # a typo made, as a fix would unmake it


def fixed_copy(corpus_copy: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    before = tmp_path / "before"
    shutil.copytree(corpus_copy, before)
    res = replace_text(corpus_copy, "kash-000", OLD, NEW, reanchor=True)
    return before, corpus_copy, res.message


def test_the_review_diff_shows_a_one_character_fix_as_the_spans_it_edited(corpus_copy, tmp_path):
    before, after, _ = fixed_copy(corpus_copy, tmp_path)
    (doc,) = [d for d in diff_docs(before, after) if d]
    assert doc.id == "kash-000" and doc.text_changed
    assert doc.added == [] and doc.removed == []
    edit = doc.text.index(NEW) + len("has expressed ap")
    for old, new, fields in doc.changed:
        spans = [new.get(p) for p in ("source", "cue", "content")] if new["type"] == "attribution" else [new]
        assert any(s and s["start"] <= edit <= s["end"] for s in spans), (old["id"], fields)
    assert 1 <= len(doc.changed) <= 4 and doc.shifted > 50


def test_kashcorpus_diff_counts_shifted_spans_apart_from_the_edited_ones(corpus_copy, tmp_path, capsys):
    from kashcorpus.cli import main

    before, after, _ = fixed_copy(corpus_copy, tmp_path)
    for root in (before, after):
        shutil.copytree(Path(__file__).resolve().parent.parent / "schema", root / "schema")
    d = diff(snapshot(str(before)), snapshot(str(after)))
    changed = sum(len(d.layers[name].changed) for name in ("zones", "mentions", "claims", "attributions"))
    shifted = sum(len(d.layers[name].shifted) for name in ("zones", "mentions", "claims", "attributions"))
    assert 1 <= changed <= 4 and shifted > 50
    assert all(not d.layers[name].added and not d.layers[name].removed for name in ("zones", "mentions", "claims"))
    assert d.bump == "major"  # the text changed
    main(["diff", str(before), str(after)])
    assert "shifted with their text's edit" in capsys.readouterr().out


def test_the_reanchor_report_summarises_shifts_and_shows_each_edit_in_context(corpus_copy, tmp_path):
    _, _, message = fixed_copy(corpus_copy, tmp_path)
    lines = message.splitlines()
    assert sum("spans shifted with the edit" in ln for ln in lines) >= 1
    assert not any(ln.split(": ", 1)[-1].startswith("shifted ") for ln in lines)
    edited = [ln for ln in lines if "[apprehension→aprehension]" in ln or "[p→]" in ln]
    assert edited, message
    assert len(lines) < 20, message

"""Imports into gold never undo newer gold: exports record each document's state; an import prints what it does
record by record, and refuses (unless --merge or --force) when gold moved on; old exports follow text edits."""
from __future__ import annotations

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import snapshot
from kashcorpus.cli import main
from kashcorpus.convert.common import carry
from kashcorpus.convert.state import STATE_FILE, STATE_KEY, Changes, content_state, merge
from kashcorpus.io import read_jsonl
from kashcorpus.layout import Layout

# -- the pure parts ------------------------------------------------------------------------------------

LABELS = st.sampled_from(["ORG", "PER", "GPE"])
RECORDS = st.dictionaries(st.integers(1, 30).map(lambda n: f"m{n}"), LABELS, max_size=12).map(
    lambda d: [{"type": "mention", "id": k, "label": v} for k, v in sorted(d.items())])


def _ids(records: list[dict]) -> dict:
    return {r["id"]: r for r in records}


@given(RECORDS, RECORDS)
def test_a_merge_with_one_side_unchanged_is_the_other_side(base, other):
    assert _ids(merge(base, base, other)[0]) == _ids(other)
    assert _ids(merge(base, other, base)[0]) == _ids(other)
    assert merge(base, base, other)[1] == merge(base, other, base)[1] == []


@given(RECORDS, st.data())
def test_changes_to_different_records_merge_without_conflict_and_both_survive(base, data):
    ids = [r["id"] for r in base]
    mine_ids = set(data.draw(st.lists(st.sampled_from(ids), unique=True) if ids else st.just([])))
    theirs_ids = set(ids) - mine_ids
    relabel = {"ORG": "PER", "PER": "GPE", "GPE": "ORG"}
    ours = [dict(r, label=relabel[r["label"]]) if r["id"] in mine_ids else r for r in base]
    theirs = [r for r in base if r["id"] not in theirs_ids or data.draw(st.booleans())]
    theirs = [dict(r, label=relabel[r["label"]]) if r["id"] in theirs_ids else r for r in theirs]
    merged, conflicts = merge(base, ours, theirs)
    assert conflicts == []
    got = _ids(merged)
    for rid in mine_ids:
        assert got[rid] == _ids(ours)[rid]
    for rid in theirs_ids:
        assert got.get(rid) == _ids(theirs).get(rid)


def test_a_record_both_sides_changed_differently_is_a_conflict():
    base = [{"type": "mention", "id": "m1", "label": "ORG"}]
    assert merge(base, [{**base[0], "label": "PER"}], [{**base[0], "label": "GPE"}])[1] == ["m1"]


@given(RECORDS, st.integers(0, 50))
def test_the_state_of_gold_ignores_offsets_and_nothing_else(records, shift):
    spans = [{**r, "start": 10, "end": 15, "text": "Hamas"} for r in records]
    moved = [{**r, "start": r["start"] + shift, "end": r["end"] + shift} for r in spans]
    assert content_state(spans) == content_state(moved)
    if spans:
        assert content_state(spans) != content_state([{**spans[0], "note": "x"}, *spans[1:]])


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
       st.text(st.characters(blacklist_categories=("Cs",)), max_size=8), st.integers(0, 30))
@settings(max_examples=200)
def test_spans_an_edit_leaves_alone_keep_their_text_when_carried(head, inserted, at):
    old = head + "Hamas met Lashkar in Lahore."
    at = min(at, len(head))
    new = old[:at] + inserted + old[at:]
    s = old.index("Lashkar")
    rec = {"type": "mention", "id": "m1", "start": s, "end": s + 7, "text": "Lashkar", "label": "ORG", "entity": None}
    (got,), problems = carry(old, new, [rec], "d", "d.ann")
    assert problems == [] and new[got["start"]:got["end"]] == "Lashkar"


def test_a_span_the_edit_rewrote_is_reported_not_guessed():
    rec = {"type": "mention", "id": "m1", "start": 13, "end": 16, "text": "PoK", "label": "LOC", "entity": None}
    got, problems = carry("Hamas met in PoK.", "Hamas met in Lahore.", [rec], "d", "d.ann")
    assert got == [] and [p.code for p in problems] == ["import-span-edited"]
    assert "export d again" in problems[0].message


def test_the_summary_names_each_record_added_changed_and_removed():
    a = {"type": "mention", "id": "m1", "text": "Hamas", "label": "ORG"}
    b = {"type": "claim", "id": "c2", "text": "Hamas met", "claim_type": "event"}
    c = Changes.of([a, b], [{**a, "note": "checked"}, {"type": "mention", "id": "m3", "text": "PoK", "label": "LOC"}])
    assert c.counts() == "1 to add, 1 to change, 1 to remove, 0 unchanged"
    assert c.lines() == ["+ mention m3 LOC 'PoK'", "~ mention m1 ORG 'Hamas': note None -> 'checked'",
                         "- claim c2 event 'Hamas met'"]


# -- the commands --------------------------------------------------------------------------------------

def _accept(export, edit=lambda doc, result: result) -> None:
    """An annotator accepts every prediction of a Label Studio export file (``edit`` may change a result)."""
    tasks = orjson.loads(export.read_bytes())
    for i, t in enumerate(tasks, 1):
        t["id"] = i
        t["annotations"] = [{"id": 100 + i, "completed_by": {"id": 3, "email": "ann.lee@example.org"},
                             "result": edit(t["data"]["doc"], t["predictions"][0]["result"]), "lead_time": 12.5,
                             "created_at": "2025-02-05T10:00:00Z"}]
    export.write_bytes(orjson.dumps(tasks))


NEW_CLAIM = "a significant event unfolded in Rawalakot"  # a claim gold gains after the export


def _gold_moves_on(root) -> None:
    assert main(["span", "set", "kash-001", "m7", "note=checked by the lead", "--root", str(root)]) == 0
    assert main(["span", "add", "kash-001", "--layer", "claim", "--label", "event", "--quote", NEW_CLAIM,
                 "--attr", "certainty=asserted", "--attr", "checkworthy=false", "--attr", "asserted_by=author",
                 "--root", str(root)]) == 0


def test_an_export_records_the_state_of_each_document(corpus_copy, tmp_path):
    out, folder = tmp_path / "tasks.json", tmp_path / "brat"
    assert main(["export", "labelstudio", "--out", str(out), "--root", str(corpus_copy)]) == 0
    assert main(["export", "brat", "--out", str(folder), "--root", str(corpus_copy)]) == 0
    for task in orjson.loads(out.read_bytes()):
        state = task["data"][STATE_KEY]
        assert state["layer"] == "gold" and state["doc"] == task["data"]["doc"] and len(state["text_sha256"]) == 64
    states = orjson.loads((folder / STATE_FILE).read_bytes())["documents"]
    assert sorted(states) == [f"kash-00{i}" for i in range(5)] and all(s["records"] for s in states.values())


def test_an_import_into_gold_that_would_undo_newer_gold_is_refused_with_the_summary(corpus_copy, tmp_path, capsys):
    export = tmp_path / "tasks.json"
    assert main(["export", "labelstudio", "--out", str(export), "--root", str(corpus_copy)]) == 0
    _accept(export)
    _gold_moves_on(corpus_copy)
    capsys.readouterr()
    before = snapshot(corpus_copy)
    argv = ["import", "labelstudio", str(export), "--as-layer", "gold", "--replace", "--root", str(corpus_copy)]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert "kash-001 (gold): 0 to add, 1 to change, 1 to remove" in out and "[gold changed since the export]" in out
    assert "~ mention m7 ORG 'Hamas': note 'checked by the lead' -> None" in out
    assert "gold's changes since the export: 1 added, 1 changed, 0 removed" in out
    assert "import-gold-moved-on" in err and "nothing was written" in err
    assert snapshot(corpus_copy) == before
    assert main([*argv, "--dry-run", "--merge"]) == 0
    assert "nothing was written (--dry-run)" in capsys.readouterr().out and snapshot(corpus_copy) == before


def test_a_merge_keeps_gold_changes_and_the_import_changes(corpus_copy, tmp_path, capsys):
    export = tmp_path / "tasks.json"
    assert main(["export", "labelstudio", "--out", str(export), "--root", str(corpus_copy)]) == 0
    dropped = read_jsonl(Layout(corpus_copy).gold_path("kash-001"))[2]["id"]
    _accept(export, lambda doc, result: [r for r in result if doc != "kash-001" or r.get("id") != dropped])
    _gold_moves_on(corpus_copy)
    assert main(["import", "labelstudio", str(export), "--as-layer", "gold", "--replace", "--merge",
                 "--root", str(corpus_copy)]) == 0, capsys.readouterr()
    gold = {r.get("id"): r for r in read_jsonl(Layout(corpus_copy).gold_path("kash-001"))}
    assert gold["m7"]["note"] == "checked by the lead" and dropped not in gold
    assert any(r.get("type") == "claim" and r.get("text") == NEW_CLAIM for r in gold.values())


def test_force_takes_the_export_and_brat_imports_into_gold_as_documented(corpus_copy, tmp_path, capsys):
    folder = tmp_path / "brat"
    assert main(["export", "brat", "--out", str(folder), "--root", str(corpus_copy)]) == 0
    before = snapshot(corpus_copy)
    argv = ["import", "brat", str(folder), "--as-layer", "gold", "--replace", "--root", str(corpus_copy)]
    assert main(argv) == 0  # nothing moved on: every record unchanged
    assert "kash-001 (gold): 0 to add, 0 to change, 0 to remove" in capsys.readouterr().out
    assert snapshot(corpus_copy) == before
    _gold_moves_on(corpus_copy)
    assert main(argv) == 1
    assert main([*argv, "--force"]) == 0
    assert "note" not in {k for r in read_jsonl(Layout(corpus_copy).gold_path("kash-001")) if r.get("id") == "m7" for k in r}


def test_force_and_merge_are_for_imports_into_gold_and_exclude_each_other(corpus_copy, tmp_path, capsys):
    export = tmp_path / "tasks.json"
    assert main(["export", "labelstudio", "kash-000", "--out", str(export), "--root", str(corpus_copy)]) == 0
    for extra in (["--annotator", "lee", "--merge"], ["--as-layer", "gold", "--force", "--merge"]):
        assert main(["import", "labelstudio", str(export), *extra, "--root", str(corpus_copy)]) == 2
        assert capsys.readouterr().err.count("\n") == 1


def test_an_export_made_before_a_text_edit_imports_after_it(corpus_copy, tmp_path, capsys):
    export, folder = tmp_path / "tasks.json", tmp_path / "brat"
    assert main(["export", "labelstudio", "kash-003", "--out", str(export), "--root", str(corpus_copy)]) == 0
    assert main(["export", "brat", "kash-003", "--out", str(folder), "--root", str(corpus_copy)]) == 0
    _accept(export)
    assert main(["text", "replace", "kash-003", "--old", "targetting", "--new", "targeting", "--reanchor",
                 "--root", str(corpus_copy)]) == 0
    capsys.readouterr()
    gold = read_jsonl(Layout(corpus_copy).gold_path("kash-003"))[1:]
    assert main(["import", "labelstudio", str(export), "--annotator", "lee", "--root", str(corpus_copy)]) == 0
    assert "carried through the text edit" in capsys.readouterr().out
    assert read_jsonl(Layout(corpus_copy).pass_path("lee", "kash-003"))[1:] == gold
    assert main(["import", "brat", str(folder), "--as-layer", "gold", "--replace", "--root", str(corpus_copy)]) == 0
    assert "0 to add, 0 to change, 0 to remove" in capsys.readouterr().out


def test_a_label_studio_pass_keeps_who_made_it_when_and_how_long(corpus_copy, tmp_path):
    export = tmp_path / "tasks.json"
    assert main(["export", "labelstudio", "kash-000", "--out", str(export), "--root", str(corpus_copy)]) == 0
    _accept(export)
    assert main(["import", "labelstudio", str(export), "--annotator", "lee", "--root", str(corpus_copy)]) == 0
    header = read_jsonl(Layout(corpus_copy).pass_path("lee", "kash-000"))[0]
    assert header["source"] == {"tool": "label-studio", "annotation": "101", "completed_by": "ann.lee@example.org",
                                "created_at": "2025-02-05T10:00:00Z", "lead_time_ms": 12500}
    assert main(["validate", str(corpus_copy)]) == 0


def test_an_import_finding_points_at_the_task_and_region(corpus_copy, tmp_path, capsys):
    export = tmp_path / "tasks.json"
    assert main(["export", "labelstudio", "kash-000", "--out", str(export), "--root", str(corpus_copy)]) == 0
    _accept(export, lambda doc, result: [dict(r, value={**r["value"], "choices": ["no-such-entity"]})
                                         if r.get("from_name") == "entity" and r["id"] == "m1" else r for r in result])
    capsys.readouterr()
    assert main(["import", "labelstudio", str(export), "--annotator", "lee", "--root", str(corpus_copy)]) == 1
    err = capsys.readouterr().err
    assert "task 1, annotation 101, region m1 (kash-000 m1, for annotations/passes/lee/kash-000.jsonl): error " \
           "dangling-reference" in err


def test_exporting_a_layer_that_does_not_exist_is_a_usage_error_listing_the_layers(corpus_copy, tmp_path, capsys):
    for name in ("conll", "brat", "labelstudio", "checkthat"):
        assert main(["export", name, "--layer", "pass-nope", "--out", str(tmp_path / name),
                     "--root", str(corpus_copy)]) == 2
        err = capsys.readouterr().err
        assert "layer 'pass-nope' has no annotation files; the layers are: gold, pass-" in err
        assert not (tmp_path / name).exists()


def test_a_pass_lacking_documents_names_them_and_strict_refuses(corpus_copy, tmp_path, capsys):
    assert main(["span", "add", "kash-000", "--quote", "Hamas", "--occurrence", "1", "--layer", "mention",
                 "--label", "ORG", "--annotator", "solo", "--root", str(corpus_copy)]) == 0
    capsys.readouterr()
    argv = ["export", "conll", "--layer", "pass-solo", "--out", str(tmp_path / "x.conll"), "--root", str(corpus_copy)]
    assert main(argv) == 0
    assert "layer pass-solo has no annotations of kash-001, kash-002, kash-003, kash-004" in capsys.readouterr().err
    assert main([*argv[:-2], "--out", str(tmp_path / "y.conll"), "--strict", *argv[-2:]]) == 2
    assert not (tmp_path / "y.conll").exists()


def test_a_blind_pass_starts_from_the_zones_or_the_text_alone(corpus_copy, tmp_path):
    zones, text = tmp_path / "zones.json", tmp_path / "text"
    assert main(["export", "labelstudio", "kash-000", "--only", "zones", "--out", str(zones),
                 "--root", str(corpus_copy)]) == 0
    (task,) = orjson.loads(zones.read_bytes())
    assert {r["from_name"] for r in task["predictions"][0]["result"]} == {"zone"}
    assert task["data"][STATE_KEY]["only"] == "zones"
    assert main(["export", "brat", "kash-000", "--only", "text", "--out", str(text), "--root", str(corpus_copy)]) == 0
    assert (text / "kash-000.ann").read_bytes() == b""


# -- the smaller things ----------------------------------------------------------------------------------

def test_attribution_add_suggests_its_own_options(corpus_copy, capsys):
    main(["attribution", "add", "kash-001", "--content", "c1", "--source", "Hamas", "--source-type", "organisation",
          "--root", str(corpus_copy)])
    main(["attribution", "add", "kash-001", "--content", "c1", "--source", "Hamas", "--source-occurrence", "99",
          "--source-type", "organisation", "--root", str(corpus_copy)])
    err = capsys.readouterr().err
    assert "--source-occurrence 99 is out of range" in err
    assert "--occurrence N or --context" not in err and "--occurrence 99" not in err.replace("-occurrence 99", "")


def test_an_empty_alias_is_one_usage_error(corpus_copy, capsys):
    before = snapshot(corpus_copy)
    assert main(["entity", "alias", "hamas", "", "--root", str(corpus_copy)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the alias is empty" in err and snapshot(corpus_copy) == before


def test_text_replace_dry_run_reports_and_writes_nothing(corpus_copy, capsys):
    before = snapshot(corpus_copy)
    assert main(["text", "replace", "kash-003", "--old", "targetting", "--new", "targeting", "--reanchor",
                 "--dry-run", "--root", str(corpus_copy)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("would replace [372, 382)") and "nothing was written" in out
    assert snapshot(corpus_copy) == before


def test_the_reanchor_report_counts_untouched_spans_as_unchanged(corpus_copy, capsys):
    from kashcorpus.model import spans_of

    gold = read_jsonl(Layout(corpus_copy).gold_path("kash-003"))[1:]
    untouched = sum(span["end"] <= 372 for r in gold for _, span in spans_of(r))  # the edit is at [372, 382)
    assert main(["text", "replace", "kash-003", "--old", "targetting", "--new", "targeting", "--reanchor",
                 "--root", str(corpus_copy)]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines()
                if "annotations/gold/kash-003.jsonl" in ln and "shifted" in ln)
    assert untouched > 0 and line.endswith(f" {untouched} unchanged (same place, same text)")


def test_a_long_summary_is_cut_short_except_in_a_dry_run(corpus_copy, tmp_path, capsys, monkeypatch):
    import re

    import kashcorpus.cli._common as common

    monkeypatch.setattr(common, "SUMMARY_LINES", 3)
    folder = tmp_path / "brat"
    assert main(["export", "brat", "kash-000", "--out", str(folder), "--root", str(corpus_copy)]) == 0
    ann = (folder / "kash-000.ann").read_text(encoding="utf-8")
    ann = re.sub(r"^(#\d+\tAnnotatorNotes T\d+\t)(m[1-5])$", r"\1\2 | checked", ann, flags=re.M)
    (folder / "kash-000.ann").write_text(ann, encoding="utf-8")
    argv = ["import", "brat", str(folder), "--as-layer", "gold", "--replace", "--root", str(corpus_copy)]
    capsys.readouterr()
    assert main([*argv, "--dry-run"]) == 0
    listed = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("  ~ ")]
    assert len(listed) == 5 and all(ln.endswith("note None -> 'checked'") for ln in listed)
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert len([ln for ln in out.splitlines() if ln.startswith("  ~ ")]) == 3
    assert "… and 2 more lines (--dry-run lists every record)" in out


def test_a_task_whose_text_is_no_text_of_its_document_is_one_error(corpus_copy, tmp_path, capsys):
    export = tmp_path / "tasks.json"
    assert main(["export", "labelstudio", "kash-000", "--out", str(export), "--root", str(corpus_copy)]) == 0
    _accept(export)
    tasks = orjson.loads(export.read_bytes())
    tasks[0]["data"]["text"] = "Another article altogether. " * 40
    del tasks[0]["data"][STATE_KEY]
    export.write_bytes(orjson.dumps(tasks))
    capsys.readouterr()
    assert main(["import", "labelstudio", str(export), "--annotator", "lee", "--root", str(corpus_copy)]) == 1
    err = capsys.readouterr().err
    assert err.count("import-") == 1 and "import-text-differs" in err and "kashcorpus export labelstudio kash-000" in err

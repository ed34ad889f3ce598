"""Annotating by quoting: quotes, ids, span/attribution/entity commands, their CLI, and one-line diffs."""
from __future__ import annotations

import difflib
import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, strategies as st
from helpers import build_small_corpus, snapshot

from kashcorpus.annotate import (AnnotateError, add_attribution, add_span, entity_add, entity_alias, entity_list,
                                 entity_merge, move_span, remove_span, set_fields)
from kashcorpus.quotes import fuzzy_matches, locate, occurrences
from kashcorpus.cli import main
from kashcorpus.io import read_jsonl
from kashcorpus.layout import Layout
from kashcorpus.model import next_id
from kashcorpus.store import ChangeRefused
from kashcorpus.validate import validate


@pytest.fixture
def small(tmp_path) -> Path:
    return build_small_corpus(tmp_path / "small")


def records(root: Path, doc: str, annotator: str | None = None) -> dict[str, dict]:
    lay = Layout(root)
    path = lay.gold_path(doc) if annotator is None else lay.pass_path(annotator, doc)
    return {r["id"]: r for r in read_jsonl(path) if r["type"] != "header"}


def line_diff(before: bytes, after: bytes) -> list[str]:
    """The changed lines of a file, as difflib sees the bytes."""
    out = difflib.ndiff(before.decode().splitlines(), after.decode().splitlines())
    return [ln for ln in out if ln[:1] in "+-"]


def cli(root: Path, *argv: str, capsys) -> tuple[int, str, str]:
    code = main([*argv, "--root", str(root)])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


# -- finding quotes -----------------------------------------------------------------------

@given(st.text(alphabet="ab c\n", max_size=40), st.text(alphabet="ab c", min_size=1, max_size=3))
def test_every_occurrence_found_is_the_quote(text, quote):
    starts = occurrences(text, quote)
    assert all(text[s:s + len(quote)] == quote for s in starts)
    assert len(starts) == sum(text.startswith(quote, i) for i in range(len(text)))


@given(st.text(alphabet="ab c", max_size=40), st.text(alphabet="ab", min_size=1, max_size=3), st.data())
def test_locate_returns_the_chosen_occurrence_or_refuses(text, quote, data):
    starts = occurrences(text, quote)
    if not starts:
        with pytest.raises(AnnotateError):
            locate(text, quote)
        return
    n = data.draw(st.integers(1, len(starts)))
    assert locate(text, quote, occurrence=n) == (starts[n - 1], starts[n - 1] + len(quote))
    if len(starts) > 1:
        with pytest.raises(AnnotateError, match=f"occurs {len(starts)} times"):
            locate(text, quote)


def test_an_ambiguous_quote_lists_each_occurrence_with_offsets_and_context():
    text = "Alpha Corp said. Then Alpha Corp denied."
    with pytest.raises(AnnotateError) as err:
        locate(text, "Alpha Corp", doc="doc-a")
    msg = str(err.value)
    assert msg.startswith("the quote 'Alpha Corp' occurs 2 times in doc-a; choose one with --occurrence N or --context")
    assert "\n  1. [0, 10) [Alpha Corp] said. Then Alpha Corp denied.\n" in msg
    assert msg.endswith("\n  2. [22, 32) Alpha Corp said. Then [Alpha Corp] denied.")
    assert [d["start"] for d in err.value.details] == [0, 22]


def test_a_context_picks_the_occurrence_inside_it():
    assert locate("Alpha Corp said. Then Alpha Corp denied.", "Alpha Corp", context="Alpha Corp denied") == (22, 32)


def test_an_absent_quote_names_the_nearest_passages():
    with pytest.raises(AnnotateError) as err:
        locate("Officials in Delta said the deal was off.", "Delat", doc="doc-a")
    assert "does not occur in doc-a; the nearest passages are" in str(err.value)
    assert err.value.details[0]["text"] == "Delta"


def test_fuzzy_matches_are_word_aligned_and_best_first():
    text = "Hamas joined the Al Aqsa Flood conference in Rawalakot."
    best = fuzzy_matches(text, "al-aqsa flood conference")
    assert text[best[0][0]:best[0][1]] == "Al Aqsa Flood conference"


@given(st.lists(st.integers(1, 10**6), max_size=8), st.sampled_from(["zone", "mention", "claim", "attribution"]))
def test_the_next_id_is_above_every_id_in_use(nums, kind):
    recs = [{"type": kind, "id": f"{kind[0]}{n}"} for n in nums]
    new = next_id(recs, kind)
    assert new[0] == kind[0] and int(new[1:]) == max(nums, default=0) + 1


# -- span commands --------------------------------------------------------------------------

def test_adding_a_mention_by_quote_is_a_one_line_diff(small):
    path = Layout(small).gold_path("doc-a")
    before = path.read_bytes()
    res = add_span(small, "doc-a", "mention", label="DATE", quote="Monday")
    assert res.data["record"] == {"type": "mention", "id": "m6", "start": 19, "end": 25, "text": "Monday",
                                  "label": "DATE", "entity": None}
    diff = line_diff(before, path.read_bytes())
    assert len(diff) == 1 and diff[0].startswith("+ ") and '"id":"m6"' in diff[0]
    assert validate(small).ok


def test_a_span_that_is_already_there_is_refused(small):
    with pytest.raises(AnnotateError, match="already has m1 mention ORG"):
        add_span(small, "doc-a", "mention", label="ORG", quote="Alpha Corp", occurrence=1, entity="alpha-corp")


def test_setting_a_field_is_a_one_line_change(small):
    path = Layout(small).gold_path("doc-b")
    before = path.read_bytes()
    set_fields(small, "doc-b", "m4", ["note=the place of the meeting"])
    diff = line_diff(before, path.read_bytes())
    assert [d[0] for d in diff] == ["-", "+"] and "the place of the meeting" in diff[1]
    set_fields(small, "doc-b", "m4", ["note=null"])
    assert path.read_bytes() == before


def test_a_claim_gets_defaults_and_attributes(small):
    res = add_span(small, "doc-a", "claim", label="event", quote="Beta Ltd would buy Gamma",
                   attrs=["checkworthy=true", "certainty=reported"])
    c = res.data["record"]
    assert (c["id"], c["claim_type"], c["checkworthy"], c["certainty"], c["asserted_by"], c["attribution"]) == \
        ("c1", "event", True, "reported", "author", None)
    assert validate(small).ok


def test_linking_a_mention_with_a_new_surface_form_adds_the_alias_and_removing_it_drops_the_alias(small):
    remove_span(small, "doc-a", "m1")  # "Alpha Corp": a mention inside it would overlap it
    res = add_span(small, "doc-a", "mention", label="ORG", quote="Alpha", occurrence=1, entity="alpha-corp")
    assert "alias 'Alpha' added to entity alpha-corp" in res.message
    ent = next(e for e in entity_list(small) if e["id"] == "alpha-corp")
    assert ent["aliases"] == ["Alpha", "Alpha Corp"]
    assert validate(small).ok
    rm = remove_span(small, "doc-a", res.data["record"]["id"])
    assert "alias 'Alpha' removed from entity alpha-corp" in rm.message
    assert validate(small).ok


def test_moving_a_span_keeps_its_id_and_fields(small):
    res = move_span(small, "doc-b", "m2", quote="Alpha Corp")
    assert res.data["record"]["id"] == "m2"
    with pytest.raises(ChangeRefused, match="duplicate-record"):  # m3 is already there: m1 would be its twin
        move_span(small, "doc-b", "m1", quote="Beta Ltd", occurrence=2)
    remove_span(small, "doc-b", "m3")
    res = move_span(small, "doc-b", "m1", quote="Beta Ltd", occurrence=2)
    assert (res.data["record"]["start"], res.data["record"]["text"]) == (47, "Beta Ltd")
    assert validate(small).ok


def test_a_mention_inside_or_across_another_is_refused_naming_it_and_nothing_changes(small):
    before = snapshot(small)
    with pytest.raises(AnnotateError, match=r"the mention \[0, 5\) 'Alpha' would overlap m1 mention ORG \[0, 10\) "
                                            r"'Alpha Corp' -> alpha-corp in annotations/gold/doc-a.jsonl; mentions never "
                                            r"overlap \(guidelines 2.2.7"):
        add_span(small, "doc-a", "mention", label="ORG", quote="Alpha", occurrence=1)
    with pytest.raises(AnnotateError, match=r"'Corp said' would overlap m1 mention ORG"):
        add_span(small, "doc-a", "mention", label="ORG", quote="Corp said")
    with pytest.raises(AnnotateError, match=r"'Monday that Beta' would overlap m2 mention ORG \[31, 39\) 'Beta Ltd'"):
        move_span(small, "doc-a", "m1", quote="Monday that Beta")
    assert snapshot(small) == before


def test_two_mentions_in_one_word_are_refused_naming_the_token_they_would_share(tmp_path):
    root = build_small_corpus(tmp_path / "c", {"doc-a": "They met AT&T staff in Delta.\n"})
    at = add_span(root, "doc-a", "mention", label="GPE", start=9, end=11).data["record"]["id"]
    with pytest.raises(AnnotateError, match=rf"'T' would share the token 'AT&T' with {at} mention GPE \[9, 11\) 'AT'"):
        add_span(root, "doc-a", "mention", label="ORG", start=12, end=13)
    remove_span(root, "doc-a", at)
    assert add_span(root, "doc-a", "mention", label="ORG", quote="AT&T").data["record"]["text"] == "AT&T"


def test_removing_a_zone_is_refused_because_zones_tile_the_text(small):
    before = snapshot(small)
    with pytest.raises(ChangeRefused, match="zone-gap"):
        remove_span(small, "doc-a", "z1")
    assert snapshot(small) == before


def test_an_overlapping_zone_is_refused_with_one_sentence(small):
    with pytest.raises(AnnotateError, match=r"zone \[0, 25\) would overlap zone z1 \[0, 57\) title"):
        add_span(small, "doc-a", "zone", label="title", quote="Alpha Corp said on Monday")


@pytest.mark.parametrize("call, message", [
    (lambda r: add_span(r, "doc-z", "mention", label="ORG", quote="x"), "there is no document 'doc-z'; the corpus has doc-a, doc-b"),
    (lambda r: add_span(r, "doc-a", "mention", label="PERS", quote="Gamma"), "label 'PERS' is not a mention label"),
    (lambda r: add_span(r, "doc-a", "mention", label="ORG", quote="Gamma", entity="nobody"), "there is no entity 'nobody'"),
    (lambda r: remove_span(r, "doc-a", "m99"), "there is no record 'm99' in annotations/gold/doc-a.jsonl"),
    (lambda r: set_fields(r, "doc-a", "m1", ["start=3"]), "start cannot be set; move the span"),
    (lambda r: set_fields(r, "doc-a", "m1", ["colour=red"]), "a mention has no field 'colour'"),
    (lambda r: set_fields(r, "doc-a", "m1", ["label=ORGANISATION"]), "is not a mention label"),
    (lambda r: add_span(r, "doc-a", "mention", label="ORG", start=5, end=500), "do not lie inside doc-a"),
    (lambda r: add_span(r, "doc-a", "mention", label="ORG", quote="Gamma", annotator="Bad Name"), "not an annotator name"),
])
def test_bad_input_is_one_clear_sentence_and_changes_nothing(small, call, message):
    before = snapshot(small)
    with pytest.raises(AnnotateError) as err:
        call(small)
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    assert snapshot(small) == before


def test_an_annotator_pass_is_its_own_file_and_never_touches_gold(small):
    gold = Layout(small).gold_path("doc-a").read_bytes()
    add_span(small, "doc-a", "mention", label="ORG", quote="Gamma", annotator="rater-1")
    recs = records(small, "doc-a", "rater-1")
    assert list(recs) == ["m1"] and recs["m1"]["entity"] is None
    header = read_jsonl(Layout(small).pass_path("rater-1", "doc-a"))[0]
    assert header["layer"] == "pass-rater-1"
    assert Layout(small).gold_path("doc-a").read_bytes() == gold
    assert validate(small).ok


def test_a_stale_annotation_file_must_be_reanchored_before_editing(small):
    lay = Layout(small)
    lay.text_path("doc-b").write_bytes(b"Beta Ltd reported record sales!" + lay.text_path("doc-b").read_bytes()[31:])
    with pytest.raises(AnnotateError, match="run 'kashcorpus reanchor doc-b' first"):
        add_span(small, "doc-b", "mention", label="ORG", quote="record")


# -- attributions ----------------------------------------------------------------------------

def test_an_attribution_takes_record_ids_or_quotes_and_the_cue_nearest_the_content(small):
    claim = add_span(small, "doc-a", "claim", label="event", quote="the deal was off").data["record"]
    res = add_attribution(small, "doc-a", source="Officials in Delta", cue="said", content=claim["id"],
                          source_type="collective", claim=claim["id"])
    a = res.data["record"]
    assert a["cue"] == {"start": 98, "end": 102, "text": "said"}
    assert a["content"]["text"] == "the deal was off" and a["source"]["text"] == "Officials in Delta"
    recs = records(small, "doc-a")
    assert recs[claim["id"]]["attribution"] == a["id"] and recs[claim["id"]]["asserted_by"] == "attributed"
    assert validate(small).ok


def test_an_attribution_source_mention_brings_its_entity(small):
    res = add_attribution(small, "doc-a", source="m1", cue="said", content="Beta Ltd would buy Gamma",
                          source_type="organisation")
    assert res.data["record"]["source_entity"] == "alpha-corp"


def test_removing_an_attribution_a_claim_relies_on_is_refused(small):
    c = add_span(small, "doc-a", "claim", label="event", quote="the deal was off").data["record"]
    a = add_attribution(small, "doc-a", source="Officials", cue="said", content=c["id"], source_type="collective",
                        claim=c["id"]).data["record"]
    before = snapshot(small)
    with pytest.raises(ChangeRefused, match="dangling-reference"):
        remove_span(small, "doc-a", a["id"])
    assert snapshot(small) == before


# -- the registry ------------------------------------------------------------------------------

def test_entity_add_then_link_mentions_with_alias(small):
    entity_add(small, name="Officials", etype="NORP", description="Unnamed officials.")
    add_span(small, "doc-a", "mention", label="NORP", quote="Officials")
    res = entity_alias(small, "officials", "Officials", link=True)
    assert "linked doc-a#m6 'Officials' to officials" in res.message
    assert validate(small).ok


def test_an_alias_no_mention_uses_is_refused(small):
    with pytest.raises(ChangeRefused, match="alias-not-in-corpus"):
        entity_alias(small, "gamma", "Gamma Inc")


def test_merging_two_entities_rewrites_every_reference_as_one_change(small):
    entity_add(small, name="Alpha Corporation", etype="ORG", description="Same as Alpha Corp.", eid="alpha-2")
    set_fields(small, "doc-b", "m2", ["entity=alpha-2"])
    lay = Layout(small)
    before = {d: lay.gold_path(d).read_bytes() for d in ("doc-a", "doc-b")}
    res = entity_merge(small, "alpha-corp", "alpha-2")
    assert res.data["counts"] == {"mention": 1, "attribution": 0, "link": 0}
    assert sorted(res.data["files"]) == ["annotations/entities.jsonl", "annotations/gold/doc-b.jsonl"]
    assert lay.gold_path("doc-a").read_bytes() == before["doc-a"]
    assert line_diff(before["doc-b"], lay.gold_path("doc-b").read_bytes())[1].endswith('"entity":"alpha-corp"}')
    assert "alpha-2" not in {e["id"] for e in entity_list(small)}
    assert validate(small).ok


def test_merging_entities_of_different_types_is_refused(small):
    with pytest.raises(AnnotateError, match="alpha-corp is ORG but delta is GPE"):
        entity_merge(small, "alpha-corp", "delta")


def test_entity_merge_on_the_real_corpus_changes_only_the_references_it_should(corpus_copy):
    ents = entity_list(corpus_copy)
    by_type: dict[str, list[dict]] = {}
    for e in ents:
        if e["mentions"]:
            by_type.setdefault(e["type"], []).append(e)
    pair = next(((v[0], v[1]) for _t, v in sorted(by_type.items()) if len(v) >= 2), None)
    if pair is None:
        pytest.skip("the registry has no two used entities of one type yet")
    keep, gone = pair[0]["id"], pair[1]["id"]
    lay = Layout(corpus_copy)
    # every file that links to gold's registry (a pass with a registry of its own is left alone: the next test)
    files = [lay.entities_file, lay.links_file, lay.documents_file] + \
        [p for layer, p in lay.annotation_files() if lay.registry_file(layer) == lay.entities_file]
    before = {p: p.read_bytes() for p in files if p.exists()}
    errors_before = {(f.code, f.record) for f in validate(corpus_copy).findings if f.severity == "error"}
    entity_merge(corpus_copy, keep, gone)
    for p, old in before.items():
        new = p.read_bytes() if p.exists() else b""
        if p == lay.entities_file:
            old_recs = {e["id"]: e for e in map(orjson.loads, old.splitlines())}
            new_recs = {e["id"]: e for e in map(orjson.loads, new.splitlines())}
            assert set(old_recs) - set(new_recs) == {gone} and set(new_recs) <= set(old_recs)
            assert all(new_recs[i] == old_recs[i] for i in new_recs if i != keep)
            assert set(new_recs[keep]["aliases"]) >= set(old_recs[keep]["aliases"]) | set(old_recs[gone]["aliases"])
            continue
        old_lines, new_lines = old.splitlines(), new.splitlines()
        assert len(old_lines) == len(new_lines), p
        for a, b in zip(old_lines, new_lines):
            if a != b:
                ra, rb = orjson.loads(a), orjson.loads(b)
                for key in ("entity", "source_entity"):
                    if ra.get(key) == gone:
                        ra[key] = keep
                assert ra == rb, (p, a, b)
            else:
                assert gone.encode() not in a or b'"entity":"' + gone.encode() not in a
    errors_after = {(f.code, f.record) for f in validate(corpus_copy).findings if f.severity == "error"}
    assert errors_after <= errors_before


# -- the command line --------------------------------------------------------------------------

def test_span_add_on_the_command_line_confirms_in_one_line(small, capsys):
    code, out, _ = cli(small, "span", "add", "doc-a", "--layer", "mention", "--label", "ORG", "--quote", "Gamma",
                       "--occurrence", "1", "--annotator", "rater-1", "--entity", "gamma", capsys=capsys)
    assert code == 0
    assert out == "added m1 mention ORG [50, 55) 'Gamma' -> gamma to annotations/passes/rater-1/doc-a.jsonl\n"


def test_an_ambiguous_quote_on_the_command_line_exits_2_and_lists_occurrences(small, capsys):
    before = snapshot(small)
    code, out, err = cli(small, "span", "add", "doc-a", "--layer", "mention", "--label", "ORG", "--quote", "said",
                         capsys=capsys)
    assert code == 2 and out == ""
    assert err.startswith("kashcorpus span: error: the quote 'said' occurs 2 times in doc-a")
    assert "\n  1. [11, 15) Alpha Corp [said] on Monday" in err and "\n  2. [98, 102) …" in err
    assert snapshot(small) == before


def test_json_output_carries_the_record_and_errors_carry_details(small, capsys):
    code, out, _ = cli(small, "span", "add", "doc-a", "--layer", "claim", "--label", "event", "--quote",
                       "the deal was off", "--json", capsys=capsys)
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["record"]["id"] == "c1" and data["files"] == ["annotations/gold/doc-a.jsonl"]
    code, out, _ = cli(small, "span", "add", "doc-a", "--layer", "mention", "--label", "ORG", "--quote", "Gama",
                       "--json", capsys=capsys)
    data = json.loads(out)
    assert code == 2 and not data["ok"] and data["details"][0]["text"] == "Gamma"


def test_a_refused_change_exits_1_with_the_finding(small, capsys):
    code, _out, err = cli(small, "span", "rm", "doc-a", "z1", capsys=capsys)
    assert code == 1 and "zone-gap" in err and "nothing was changed" in err


def test_span_ls_prints_a_table(small, capsys):
    code, out, _ = cli(small, "span", "ls", "doc-b", "--layer", "mention", capsys=capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["ID", "TYPE", "START", "END", "LABEL", "TEXT", "DETAILS"]
    assert lines[1].split() == ["m1", "mention", "0", "8", "ORG", "Beta", "Ltd", "beta-ltd"]


def test_entity_commands_on_the_command_line(small, capsys):
    code, out, _ = cli(small, "entity", "add", "--name", "Epsilon", "--type", "ORG", "--description", "E.",
                       capsys=capsys)
    assert code == 0 and out.startswith("added entity epsilon (ORG) 'Epsilon'")
    code, out, _ = cli(small, "entity", "ls", capsys=capsys)
    assert code == 0 and any(ln.split()[:3] == ["epsilon", "ORG", "0"] for ln in out.splitlines())
    code, out, _ = cli(small, "entity", "merge", "gamma", "epsilon", capsys=capsys)
    assert code == 0 and out.startswith("merged epsilon into gamma: 0 mentions")


def test_every_annotation_command_has_help_with_an_example(capsys):
    for argv in (["span", "add"], ["span", "ls"], ["span", "rm"], ["span", "set"], ["span", "move"],
                 ["attribution", "add"], ["entity", "add"], ["entity", "alias"], ["entity", "merge"],
                 ["entity", "ls"], ["text", "replace"], ["reanchor"]):
        with pytest.raises(SystemExit) as ex:
            main([*argv, "--help"])
        assert ex.value.code == 0
        assert "example" in capsys.readouterr().out.lower(), argv


def test_editing_outside_a_checkout_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["span", "rm", "doc-a", "m1"]) == 2
    assert "not a corpus checkout" in capsys.readouterr().err


def test_entity_merge_leaves_a_pass_with_its_own_registry_alone_and_annotating_it_checks_its_registry(corpus_copy):
    lay = Layout(corpus_copy)
    own = lay.pass_dir("annotator-d")
    before = {p.name: p.read_bytes() for p in sorted(own.iterdir())}
    pass_ids = {e["id"] for e in read_jsonl(own / "entities.jsonl")}
    dates = sorted(e["id"] for e in entity_list(corpus_copy) if e["type"] == "DATE" and e["mentions"] and e["id"] in pass_ids)
    keep, gone = dates[0], dates[1]  # ids both registries have: the pass's must not be rewritten
    entity_merge(corpus_copy, keep, gone)
    assert {p.name: p.read_bytes() for p in sorted(own.iterdir())} == before
    assert validate(corpus_copy).ok
    only_gold = sorted({e["id"] for e in entity_list(corpus_copy)} - pass_ids)[0]
    with pytest.raises(AnnotateError, match=only_gold):
        add_span(corpus_copy, "kash-000", "mention", label="ORG", quote="Hamas", occurrence=1, entity=only_gold,
                 annotator="annotator-d")


# -- identical twins ------------------------------------------------------------------------------------------

def _twin_pair(root: Path, doc: str) -> tuple[dict, dict]:
    """Two mentions of ``doc`` with the same label and entity on different words."""
    ms = [r for r in records(root, doc).values() if r["type"] == "mention"]
    return next((a, b) for a in ms for b in ms if a["id"] != b["id"] and (a["label"], a["entity"]) == (b["label"], b["entity"])
                and (a["start"], a["end"]) != (b["start"], b["end"]))


def test_moving_a_mention_exactly_onto_its_twin_is_refused_and_changes_nothing(corpus_copy, capsys):
    a, b = _twin_pair(corpus_copy, "kash-000")
    before = Layout(corpus_copy).gold_path("kash-000").read_bytes()
    with pytest.raises(ChangeRefused, match="duplicate-record"):
        move_span(corpus_copy, "kash-000", b["id"], start=a["start"], end=a["end"])
    code, out, err = cli(corpus_copy, "span", "move", "kash-000", b["id"], "--start", str(a["start"]), "--end",
                         str(a["end"]), capsys=capsys)
    assert code == 1 and f"identical twin of {a['id']}" in err
    assert Layout(corpus_copy).gold_path("kash-000").read_bytes() == before



# -- warnings a change introduces, quotation marks --------------------------------------------------------------

def test_span_add_prints_the_warning_its_change_introduces_in_text_and_json(corpus_copy, capsys):
    code, out, err = cli(corpus_copy, "span", "add", "kash-000", "-l", "mention", "--quote", "militant", "-n", "2",
                         "--label", "PER", "--entity", "hamas", capsys=capsys)
    assert code == 0, err
    assert "warning: annotations/gold/kash-000.jsonl:" in out and "mention-type-mismatch" in out and "fix:" in out
    code, out, err = cli(corpus_copy, "span", "add", "kash-000", "-l", "mention", "--quote", "militant", "-n", "1",
                         "--label", "PER", "--entity", "hamas", "--json", capsys=capsys)
    data = json.loads(out)
    assert code == 0 and data["ok"] and [w["code"] for w in data["warnings"]] == ["mention-type-mismatch"]
    code, out, err = cli(corpus_copy, "span", "rm", "kash-000", data["record"]["id"], "--json", capsys=capsys)
    assert json.loads(out)["warnings"] == []  # removing it introduces no warning


def test_a_quote_with_straight_marks_names_the_curly_ones_of_the_text(corpus_copy, capsys):
    code, out, err = cli(corpus_copy, "span", "add", "kash-000", "-l", "claim", "--label", "evaluation",
                         "--quote", '"anti-India" conference', capsys=capsys)
    assert code == 2
    assert "only quotation marks or apostrophes differ" in err and "U+201C" in err and "U+201D" in err
    assert "[230, 253)" in err


def test_a_claim_with_its_quotation_marks_inside_is_written_with_a_warning(corpus_copy, capsys):
    code, out, err = cli(corpus_copy, "span", "add", "kash-000", "-l", "claim", "--label", "evaluation",
                         "--quote", "“anti-India” conference", "--json", capsys=capsys)
    data = json.loads(out)
    assert code == 0 and [w["code"] for w in data["warnings"]] == ["span-quote-edge"]
    assert "starts with a quotation mark" in data["warnings"][0]["message"]


def test_inverted_offsets_are_called_inverted(small, capsys):
    code, out, err = cli(small, "span", "add", "doc-a", "-l", "mention", "--label", "ORG", "--start", "50", "--end",
                         "40", capsys=capsys)
    assert code == 2 and "inverted" in err and "do not lie inside" not in err


def test_a_removed_id_is_never_given_out_again_and_the_header_lists_it(small):
    path = Layout(small).gold_path("doc-a")
    top = max(records(small, "doc-a"), key=lambda rid: int(rid[1:]) if rid[0] == "m" else 0)
    remove_span(small, "doc-a", top)
    assert read_jsonl(path)[0]["removed"] == {"mention": [int(top[1:])]}
    before = path.read_bytes()
    new = add_span(small, "doc-a", "mention", label="DATE", quote="Monday").data["record"]["id"]
    assert int(new[1:]) == int(top[1:]) + 1
    assert [d[2:].startswith('{"type":"mention"') for d in line_diff(before, path.read_bytes())] == [True]
    attribution = add_attribution(small, "doc-a", content="the deal was off", source_type="collective")
    remove_span(small, "doc-a", attribution.data["record"]["id"])
    again = add_attribution(small, "doc-a", content="the deal was off", source_type="collective")
    assert again.data["record"]["id"] == "a2"
    assert read_jsonl(path)[0]["removed"] == {"mention": [int(top[1:])], "attribution": [1]}
    assert validate(small).ok


def test_a_writer_that_gives_a_removed_id_again_is_refused_with_id_reused(small):
    from kashcorpus.store import Change

    remove_span(small, "doc-a", "m1")
    before = snapshot(small)
    path = Layout(small).gold_path("doc-a")
    with pytest.raises(ChangeRefused, match=r"id-reused"):
        with Change(small, [path]) as ch:
            af = ch.annotations(path, "doc-a", "gold")
            af.records.append({"type": "mention", "id": "m1", "start": 0, "end": 5, "text": "Alpha", "label": "ORG",
                               "entity": None})
            ch.put(af)
    assert snapshot(small) == before

"""Adjudication: pass records taken into gold or rejected, the decision log, and agree reporting only what is open."""
from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from helpers import snapshot

from kashcorpus import agree
from kashcorpus.agree import adjudicate, open_disagreements
from kashcorpus.cli import main
from kashcorpus.corpus import read_decisions
from kashcorpus.errors import AnnotateError
from kashcorpus.io import read_jsonl
from kashcorpus.layout import Layout
from kashcorpus.store import ChangeRefused
from kashcorpus.validate import validate

PASS = "pass-annotator-b"


def gold(root: Path, doc: str) -> dict[str, dict]:
    return {r["id"]: r for r in read_jsonl(Layout(root).gold_path(doc)) if r["type"] != "header"}


def pass_records(root: Path, doc: str, annotator: str = "annotator-b") -> dict[str, dict]:
    return {r["id"]: r for r in read_jsonl(Layout(root).pass_path(annotator, doc)) if r["type"] != "header"}


def first_open(root: Path, doc: str, kind: str) -> dict:
    """The first open disagreement of ``doc`` where only the pass has a record (``only-b``), only gold
    (``only-a``) or both with different readings (``both``)."""
    for it in open_disagreements(root, PASS, doc):
        side = "only-b" if it["gold"] is None else "only-a" if it["pass"] is None else "both"
        if side == kind:
            return it
    raise AssertionError(f"no {kind} disagreement in {doc}")


def cli(root: Path, *argv: str, capsys) -> tuple[int, str, str]:
    code = main([*argv, "--root", str(root)])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def without(record: dict, *keys: str) -> dict:
    return {k: v for k, v in record.items() if k not in keys}


# -- taking records into gold ----------------------------------------------------------------------

def test_an_accepted_record_enters_gold_with_a_new_id_and_the_decision_is_logged(corpus_copy):
    it = first_open(corpus_copy, "kash-001", "only-b")
    pid = it["pass"]["id"]
    before = gold(corpus_copy, "kash-001")
    res = adjudicate(corpus_copy, "kash-001", PASS, accept=[pid], by="alice", note="guideline 3.1")
    after = gold(corpus_copy, "kash-001")
    (new,) = set(after) - set(before)
    assert without(after[new], "id") == without(pass_records(corpus_copy, "kash-001")[pid], "id")
    (d,) = read_decisions(corpus_copy)
    assert (d["doc"], d["layer"], d["decision"], d["record"], d["gold"], d["by"], d["note"]) == \
           ("kash-001", PASS, "accept", pid, new, "alice", "guideline 3.1")
    assert d["at"].endswith("Z")
    assert res.data["decisions"] == [d]
    report = validate(corpus_copy)
    assert report.ok and not [f for f in report.findings if f.file == "annotations/decisions.jsonl"]  # a data file


def test_accepting_in_place_of_a_gold_record_keeps_the_gold_id(corpus_copy):
    it = first_open(corpus_copy, "kash-001", "both")
    pid, gid = it["pass"]["id"], it["gold"]["id"]
    adjudicate(corpus_copy, "kash-001", PASS, accept=[f"{pid}:{gid}"], by="alice")
    after = gold(corpus_copy, "kash-001")
    assert without(after[gid], "id", "note") == without(pass_records(corpus_copy, "kash-001")[pid], "id", "note")
    assert len(after) == len(gold(Path(__file__).parents[1], "kash-001"))


def test_a_record_that_collides_with_a_gold_record_is_refused_with_the_gold_id(corpus_copy):
    same_words = [it for it in open_disagreements(corpus_copy, PASS, "kash-001") if it["gold"] and it["pass"]
                  and (it["gold"]["start"], it["gold"]["end"]) == (it["pass"]["start"], it["pass"]["end"])]
    it = same_words[0]  # a claim both read on the same words, differently: accepting it alone would make twins
    pid, gid = it["pass"]["id"], it["gold"]["id"]
    before = snapshot(corpus_copy)
    with pytest.raises(AnnotateError, match=rf"collides with gold {gid} .*--accept {pid}:{gid}"):
        adjudicate(corpus_copy, "kash-001", PASS, accept=[pid], by="alice")
    assert snapshot(corpus_copy) == before


def test_an_accepted_mention_keeps_its_entity_and_the_registry_aliases_follow(corpus_copy):
    lay = Layout(corpus_copy)
    text = lay.text_path("kash-001").read_text(encoding="utf-8")
    forms = [(r["entity"], r["text"]) for doc in ("kash-000", "kash-001", "kash-002", "kash-003", "kash-004")
             for r in gold(corpus_copy, doc).values() if r["type"] == "mention" and r["entity"]]
    linked = {ref for link in read_jsonl(lay.links_file) for ref in link["members"]}
    victim = next(r for r in gold(corpus_copy, "kash-001").values() if r["type"] == "mention" and r["entity"]
                  and forms.count((r["entity"], r["text"])) == 1 and f"kash-001#{r['id']}" not in linked)
    assert main(["span", "rm", "kash-001", victim["id"], "--root", str(corpus_copy)]) == 0
    assert victim["text"] not in {a for e in read_jsonl(lay.entities_file) if e["id"] == victim["entity"]
                                  for a in e["aliases"]}
    twin = next((r for r in pass_records(corpus_copy, "kash-001").values()
                 if r["type"] == "mention" and (r["start"], r["end"]) == (victim["start"], victim["end"])), None)
    if twin is None:
        assert main(["span", "add", "kash-001", "--layer", "mention", "--label", victim["label"], "--start",
                     str(victim["start"]), "--end", str(victim["end"]), "--annotator", "annotator-b",
                     "--root", str(corpus_copy)]) == 0
    pid = next(r["id"] for r in pass_records(corpus_copy, "kash-001").values()
               if r["type"] == "mention" and (r["start"], r["end"]) == (victim["start"], victim["end"]))
    assert main(["span", "set", "kash-001", pid, f"entity={victim['entity']}", f"label={victim['label']}",
                 "--annotator", "annotator-b", "--root", str(corpus_copy)]) == 0
    adjudicate(corpus_copy, "kash-001", PASS, accept=[pid], by="alice")
    new = next(r for r in gold(corpus_copy, "kash-001").values()
               if r["type"] == "mention" and (r["start"], r["end"]) == (victim["start"], victim["end"]))
    assert new["entity"] == victim["entity"] and new["text"] == text[new["start"]:new["end"]]
    entity = next(e for e in read_jsonl(lay.entities_file) if e["id"] == victim["entity"])
    assert victim["text"] in entity["aliases"] or victim["text"] == entity["name"]
    assert validate(corpus_copy).ok


def test_an_accepted_attribution_brings_its_parts_and_its_claim_maps_onto_it(corpus_copy):
    text = Layout(corpus_copy).text_path("kash-001").read_text(encoding="utf-8")
    s = text.index("a form of state-sponsored terrorism")
    assert main(["span", "add", "kash-001", "--layer", "claim", "--label", "fact", "--quote",
                 "a form of state-sponsored terrorism", "--annotator", "annotator-b", "--root", str(corpus_copy)]) == 0
    claim = next(r for r in pass_records(corpus_copy, "kash-001").values() if r["type"] == "claim" and r["start"] == s)
    assert main(["attribution", "add", "kash-001", "--source", "India", "--cue", "has consistently maintained",
                 "--content", claim["id"], "--source-type", "organisation", "--claim", claim["id"], "--annotator",
                 "annotator-b", "--root", str(corpus_copy)]) == 0
    attr = next(r for r in pass_records(corpus_copy, "kash-001").values()
                if r["type"] == "attribution" and r["content"]["start"] == s)
    with pytest.raises(AnnotateError, match=rf"--accept {attr['id']}"):
        adjudicate(corpus_copy, "kash-001", PASS, accept=[claim["id"]], by="alice")
    adjudicate(corpus_copy, "kash-001", PASS, accept=[claim["id"], attr["id"]], by="alice")
    g = gold(corpus_copy, "kash-001")
    new_attr = next(r for r in g.values() if r["type"] == "attribution" and r["content"]["start"] == s)
    new_claim = next(r for r in g.values() if r["type"] == "claim" and r["start"] == s)
    assert [new_attr[p] for p in ("source", "cue", "content")] == [attr[p] for p in ("source", "cue", "content")]
    assert new_claim["attribution"] == new_attr["id"]
    assert {d["record"] for d in read_decisions(corpus_copy)} == {claim["id"], attr["id"]}
    assert validate(corpus_copy).ok


def test_a_record_takes_the_place_of_a_gold_record_of_its_own_type_only(corpus_copy):
    zone = next(r for r in pass_records(corpus_copy, "kash-001").values() if r["type"] == "zone")
    mention = next(r for r in gold(corpus_copy, "kash-001").values() if r["type"] == "mention")
    before = snapshot(corpus_copy)
    with pytest.raises(AnnotateError, match="of its own type"):
        adjudicate(corpus_copy, "kash-001", PASS, accept=[f"{zone['id']}:{mention['id']}"], by="alice")
    assert snapshot(corpus_copy) == before


@pytest.mark.parametrize("argv, message", [
    (["--accept", "m9999"], "there is no record 'm9999'"),
    (["--reject", "x1"], "is not a record id"),
    (["--keep", "c9999"], "there is no record 'c9999'"),
    (["--accept", "c6", "--reject", "c6"], "named twice"),
    (["--reject", "c9", "--note", "x" * 2001], "--note takes 1 to 2000 characters"),
    (["--reject", "c9", "--by", "a\x1bb"], "--by takes a name"),
    ([], "open disagreement"),
])
def test_bad_decisions_get_one_sentence_and_change_nothing(corpus_copy, capsys, argv, message):
    before = snapshot(corpus_copy)
    by = [] if "--by" in argv else ["--by", "alice"]
    code, out, err = cli(corpus_copy, "adjudicate", "kash-001", "--from", PASS, *argv, *by, capsys=capsys)
    if argv:
        assert code == 2 and message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    else:
        assert code == 2 and "--by and --note go with a decision" in err
    assert snapshot(corpus_copy) == before


def test_a_layer_that_is_not_a_pass_and_a_document_the_pass_lacks_are_refused(corpus_copy, capsys):
    code, _out, err = cli(corpus_copy, "adjudicate", "kash-001", "--from", "gold", "--accept", "m1", capsys=capsys)
    assert code == 2 and "independent pass" in err
    code, _out, err = cli(corpus_copy, "adjudicate", "kash-000", "--from", PASS, "--accept", "m1", capsys=capsys)
    assert code == 2 and "pass-annotator-b has no annotation file of kash-000" in err
    code, _out, err = cli(corpus_copy, "adjudicate", "kash-000", "--from", PASS, capsys=capsys)
    assert code == 2 and "do not both annotate 'kash-000'" in err


# -- working through the disagreements -------------------------------------------------------------

def test_each_open_disagreement_shows_both_versions_and_commands_that_settle_it(corpus_copy, capsys):
    code, out, _err = cli(corpus_copy, "adjudicate", "kash-001", "--from", PASS, capsys=capsys)
    assert code == 0
    n = int(out.split()[0])
    assert n == len(open_disagreements(corpus_copy, PASS, "kash-001")) and n > 0
    assert out.count("   gold: ") == n and out.count("   pass: ") == n
    assert out.count(f"kashcorpus adjudicate kash-001 --from {PASS} --") == 2 * n
    code, out, _err = cli(corpus_copy, "adjudicate", "kash-001", "--from", PASS, "--next", "--json", capsys=capsys)
    (item,) = json.loads(out)
    assert set(item) == {"doc", "layer", "kind", "gold", "pass", "commands"}


def test_running_every_suggested_command_leaves_nothing_open_and_agree_agrees(corpus_copy):
    """Working through the list one by one with the commands it prints (taking the pass's version where there is
    one, keeping gold's where the pass has none) settles every disagreement of the document."""
    rounds = 0
    while True:
        items = open_disagreements(corpus_copy, PASS, "kash-001")
        if not items:
            break
        it = items[0]
        cmd = next(iter(it["commands"].values()))
        if it["pass"] is None:
            cmd = it["commands"]["keep gold's"]
        argv = cmd.split()[1:]
        assert main([*argv, "--by", "alice", "--root", str(corpus_copy)]) == 0, cmd
        rounds += 1
        assert rounds < 200
    report = agree.agreement(corpus_copy, "gold", PASS)
    assert not [d for d in report["disagreements"] if d["doc"] == "kash-001"]
    assert report["decided"] >= 1
    assert validate(corpus_copy).ok


def test_agree_counts_what_adjudication_settled_and_keeps_its_scores(corpus_copy, capsys):
    before = agree.agreement(corpus_copy, "gold", PASS)
    it = first_open(corpus_copy, "kash-001", "only-a")
    adjudicate(corpus_copy, "kash-001", PASS, keep=[it["gold"]["id"]], by="bob")
    after = agree.agreement(corpus_copy, "gold", PASS)
    assert after["layers"] == before["layers"]
    assert len(after["disagreements"]) == len(before["disagreements"]) - 1 and after["decided"] == 1
    assert main(["agree", str(corpus_copy), "--b", PASS]) == 0
    assert "(1 settled by adjudication)" in capsys.readouterr().out


def test_a_dropped_gold_record_leaves_gold_and_is_logged(corpus_copy):
    it = first_open(corpus_copy, "kash-001", "only-a")
    gid = it["gold"]["id"]
    try:
        adjudicate(corpus_copy, "kash-001", PASS, drop=[gid], by="bob")
    except ChangeRefused:  # a link or a claim still points at it: refused like span rm
        return
    assert gid not in gold(corpus_copy, "kash-001")
    assert read_decisions(corpus_copy)[-1]["decision"] == "drop"


# -- the log is a file the validator checks ---------------------------------------------------------

@pytest.mark.parametrize("edit, code", [
    (lambda d: {**d, "decision": "maybe"}, "schema-violation"),
    (lambda d: {**d, "gold": "m1"}, "schema-violation"),
    (lambda d: {**d, "doc": "kash-999"}, "dangling-reference"),
    (lambda d: {k: v for k, v in d.items() if k != "by"}, "schema-violation"),
])
def test_the_validator_reports_a_broken_decision(corpus_copy, edit, code):
    it = first_open(corpus_copy, "kash-001", "only-b")
    adjudicate(corpus_copy, "kash-001", PASS, reject=[it["pass"]["id"]], by="alice")
    path = Layout(corpus_copy).decisions_file
    (d,) = read_jsonl(path)
    path.write_bytes(orjson.dumps(edit(d)) + b"\n")
    report = validate(corpus_copy)
    assert code in {f.code for f in report.findings if f.file == "annotations/decisions.jsonl"}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["accept", "reject"]), min_size=1, max_size=4))
def test_decisions_append_to_the_log_and_earlier_lines_never_change(corpus_copy, choices):
    path = Layout(corpus_copy).decisions_file
    if path.exists():
        path.unlink()
    for choice in choices:
        items = [i for i in open_disagreements(corpus_copy, PASS, "kash-001") if i["gold"] is None]
        if not items:
            break
        earlier = path.read_bytes() if path.exists() else b""
        adjudicate(corpus_copy, "kash-001", PASS, **{choice: [items[0]["pass"]["id"]]}, by="alice")
        assert path.read_bytes().startswith(earlier)
        assert read_decisions(corpus_copy)[-1]["decision"] == choice


@pytest.mark.parametrize("content", [b"{not json\n", b'{"doc":"kash-001"}\n', b"\xff\xfe\n"])
def test_a_broken_log_is_one_clear_error_for_agree_and_adjudicate_and_nothing_changes(corpus_copy, capsys, content):
    Layout(corpus_copy).decisions_file.write_bytes(content)
    before = snapshot(corpus_copy)
    code, _out, err = cli(corpus_copy, "adjudicate", "kash-001", "--from", PASS, "--reject", "c9", capsys=capsys)
    assert code == 1 and "annotations/decisions.jsonl" in err and "Traceback" not in err
    assert main(["agree", str(corpus_copy), "--b", PASS]) == 1
    assert "annotations/decisions.jsonl" in capsys.readouterr().err
    assert snapshot(corpus_copy) == before


def test_a_log_that_is_a_symbolic_link_is_refused(corpus_copy, tmp_path, capsys):
    outside = tmp_path / "elsewhere.jsonl"
    outside.write_bytes(b"")
    Layout(corpus_copy).decisions_file.symlink_to(outside)
    code, _out, err = cli(corpus_copy, "adjudicate", "kash-001", "--from", PASS, "--reject", "c9", capsys=capsys)
    assert code == 1 and "file-unsafe" in err
    assert outside.read_bytes() == b""


def test_a_pass_made_on_an_earlier_text_is_refused_until_reanchored(corpus_copy, capsys):
    path = Layout(corpus_copy).pass_path("annotator-b", "kash-001")
    lines = path.read_bytes().splitlines(keepends=True)
    header = orjson.loads(lines[0])
    path.write_bytes(orjson.dumps({**header, "text_sha256": "0" * 64}) + b"\n" + b"".join(lines[1:]))
    before = snapshot(corpus_copy)
    code, _out, err = cli(corpus_copy, "adjudicate", "kash-001", "--from", PASS, "--reject", "c9", capsys=capsys)
    assert code == 2 and "earlier version of the text" in err and "kashcorpus reanchor kash-001" in err
    assert snapshot(corpus_copy) == before


def test_a_pass_of_mentions_only_disagrees_on_mentions_only_never_on_the_zones_and_claims_it_does_not_annotate(
        corpus_copy):
    lay = Layout(corpus_copy)
    rows = read_jsonl(lay.gold_path("kash-003"))
    header = dict(rows[0], layer="pass-mentions-only")
    mentions = [r for r in rows[1:] if r["type"] == "mention"][:-1]  # one mention left out: one disagreement
    path = lay.pass_path("mentions-only", "kash-003")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in [header, *mentions]))
    items = open_disagreements(corpus_copy, "pass-mentions-only", "kash-003")
    assert [(it["layer"], it["kind"]) for it in items] == [("mention", "only-a")]

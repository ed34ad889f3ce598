"""`kashcorpus link`: links, members and pairs edited by command, validated and locked, and shown by the review site."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from helpers import snapshot

from kashcorpus.annotate import AnnotateError, link_add, link_list, link_members, link_pair, link_remove, link_set
from kashcorpus.annotate.links import ref_key
from kashcorpus.cli import main
from kashcorpus.io import read_jsonl
from kashcorpus.layout import Layout
from kashcorpus.validate import validate

LINK = "claim-bilal-alsallat-role"


def links(root: Path) -> dict[str, dict]:
    return {x["id"]: x for x in read_jsonl(Layout(root).links_file)}


def claims(root: Path, doc: str) -> list[str]:
    return [f"{doc}#{r['id']}" for r in read_jsonl(Layout(root).gold_path(doc)) if r["type"] == "claim"]


def cli(root: Path, *argv: str, capsys) -> tuple[int, str, str]:
    code = main([*argv, "--root", str(root)])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_a_new_link_is_one_new_line_and_the_corpus_stays_valid(corpus_copy, capsys):
    before = Layout(corpus_copy).links_file.read_bytes().splitlines()
    a, b = claims(corpus_copy, "kash-002")[0], claims(corpus_copy, "kash-004")[0]
    code, out, err = cli(corpus_copy, "link", "add", "claim-test-pair", "--type", "claim", "--description",
                         "A test.", "--member", b, a, capsys=capsys)
    assert code == 0, err
    assert out.startswith("added link claim-test-pair (claim) with 2 members")
    after = Layout(corpus_copy).links_file.read_bytes().splitlines()
    assert len(after) == len(before) + 1 and set(before) <= set(after)
    assert links(corpus_copy)["claim-test-pair"]["members"] == sorted([a, b], key=ref_key)
    assert validate(corpus_copy).ok


def test_setting_a_pair_relation_changes_one_line_and_keeps_the_others_byte_for_byte(corpus_copy):
    before = Layout(corpus_copy).links_file.read_bytes().splitlines()
    pair = links(corpus_copy)[LINK]["pairs"][0]
    res = link_pair(corpus_copy, LINK, pair["b"], pair["a"], relation="conflict", note="Leader vs member.")
    assert "relation 'agree' -> 'conflict'" in res.message
    after = Layout(corpus_copy).links_file.read_bytes().splitlines()
    assert len([x for x in after if x not in before]) == 1 and len(after) == len(before)
    assert links(corpus_copy)[LINK]["pairs"][0] == {**pair, "relation": "conflict", "note": "Leader vs member."}
    assert validate(corpus_copy).ok


def test_a_pair_of_claims_not_yet_members_adds_them_and_removing_a_member_removes_its_pairs(corpus_copy):
    new = claims(corpus_copy, "kash-004")[0]
    first = links(corpus_copy)[LINK]["members"][0]
    res = link_pair(corpus_copy, LINK, first, new, relation="complement")
    assert f"{new} added as a member of {LINK}" in res.message
    link = links(corpus_copy)[LINK]
    assert new in link["members"] and any({p["a"], p["b"]} == {first, new} for p in link["pairs"])
    res = link_members(corpus_copy, LINK, remove=[new])
    link = links(corpus_copy)[LINK]
    assert new not in link["members"] and not any(new in (p["a"], p["b"]) for p in link["pairs"])
    assert "removed with it" in res.message
    assert validate(corpus_copy).ok


def test_link_set_and_rm(corpus_copy):
    link_set(corpus_copy, LINK, description="Who Bilal Alsallat is, by article.", note="checked")
    assert links(corpus_copy)[LINK]["description"] == "Who Bilal Alsallat is, by article."
    assert links(corpus_copy)[LINK]["note"] == "checked"
    link_set(corpus_copy, LINK, clear_note=True)
    assert "note" not in links(corpus_copy)[LINK]
    link_remove(corpus_copy, LINK)
    assert LINK not in links(corpus_copy)
    assert validate(corpus_copy).ok


@pytest.mark.parametrize("call, message", [
    (lambda r: link_add(r, "claim-x", link_type="claim", description="d", members=["kash-001#m1"]), "a claim link joins claims"),
    (lambda r: link_add(r, "claim-x", link_type="claim", description="d", members=["kash-001#c9999"]), "no record 'c9999'"),
    (lambda r: link_add(r, "claim-x", link_type="claim", description="d", members=["nope#c1"]), "is not DOC#ID"),
    (lambda r: link_add(r, "Claim X", link_type="claim", description="d", members=["kash-001#c1"]), "a link id is"),
    (lambda r: link_add(r, LINK, link_type="claim", description="d", members=["kash-001#c1"]), "already a link"),
    (lambda r: link_add(r, "event-x", link_type="event", description="d", members=["kash-001#c1"], entity="nobody"),
     "no entity 'nobody'"),
    (lambda r: link_pair(r, LINK, "kash-001#c2", "kash-003#c23", relation="maybe"), "is not one of"),
    (lambda r: link_pair(r, LINK, "kash-001#c2", "kash-001#c2", relation="agree"), "two different claims"),
    (lambda r: link_pair(r, LINK, "kash-001#c1", "kash-003#c23", remove=True), "has no pair"),
    (lambda r: link_pair(r, LINK, "kash-001#c1", "kash-003#c23"), "--relation"),
    (lambda r: link_members(r, LINK, remove=["kash-001#c2", "kash-003#c23"]), "at least one member"),
    (lambda r: link_members(r, "claim-nope", add=["kash-001#c1"]), "there is no link 'claim-nope'"),
])
def test_bad_link_edits_are_refused_with_one_sentence_and_change_nothing(corpus_copy, call, message):
    before = snapshot(corpus_copy)
    with pytest.raises(AnnotateError, match=message):
        call(corpus_copy)
    assert snapshot(corpus_copy) == before


def test_a_record_a_link_names_cannot_be_removed_until_the_link_lets_go(corpus_copy, capsys):
    member = links(corpus_copy)[LINK]["members"][1]
    doc, rid = member.split("#")
    code, _out, err = cli(corpus_copy, "span", "rm", doc, rid, capsys=capsys)
    assert code == 1 and "dangling-reference" in err


def test_the_cli_lists_a_link_with_its_members_records_and_as_json(corpus_copy, capsys):
    code, out, _err = cli(corpus_copy, "link", "ls", LINK, capsys=capsys)
    assert code == 0 and "kash-001#c2  c2 claim event [171, 450)" in out and "agree" in out
    code, out, _err = cli(corpus_copy, "link", "ls", "--json", capsys=capsys)
    assert {x["id"] for x in json.loads(out)} == set(links(corpus_copy))
    code, _out, err = cli(corpus_copy, "link", "pair", LINK, "kash-001#c2", "kash-003#c23", "--remove",
                          "--relation", "agree", capsys=capsys)
    assert code == 2 and "--remove takes neither" in err


def test_the_review_site_shows_a_link_after_the_command(corpus_copy, tmp_path):
    from kashcorpus.view import build_site

    a, b = claims(corpus_copy, "kash-002")[0], claims(corpus_copy, "kash-004")[0]
    link_add(corpus_copy, "claim-shown-on-the-site", link_type="claim", description="Shown on the links page.",
             members=[a, b])
    link_pair(corpus_copy, "claim-shown-on-the-site", a, b, relation="conflict", note="Seen in the review site.")
    build_site(corpus_copy, tmp_path / "site")
    page = (tmp_path / "site" / "links.html").read_text(encoding="utf-8")
    assert "claim-shown-on-the-site" in page and "Shown on the links page." in page
    assert "Seen in the review site." in page


def test_two_link_edits_at_once_lose_nothing(corpus_copy):
    a, b = claims(corpus_copy, "kash-002")[:2]
    errors: list[BaseException] = []

    def add(lid: str, member: str) -> None:
        try:
            link_add(corpus_copy, lid, link_type="claim", description="Concurrent.", members=[member])
        except BaseException as e:  # noqa: BLE001  (reported by the assertion below)
            errors.append(e)

    threads = [threading.Thread(target=add, args=(f"claim-concurrent-{i}", m)) for i, m in enumerate((a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert {"claim-concurrent-0", "claim-concurrent-1"} <= set(links(corpus_copy))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 40)), min_size=1, max_size=6))
def test_any_sequence_of_member_edits_leaves_a_valid_link_whose_pairs_join_members(corpus_copy, steps):
    pool = claims(corpus_copy, "kash-000")[:10] + claims(corpus_copy, "kash-004")[:10]
    for add, i in steps:
        ref = pool[i % len(pool)]
        members = links(corpus_copy)[LINK]["members"]
        try:
            if add:
                link_pair(corpus_copy, LINK, members[0], ref, relation="complement") if ref != members[0] else None
            else:
                link_members(corpus_copy, LINK, remove=[ref])
        except AnnotateError:
            continue
        link = links(corpus_copy)[LINK]
        assert all(p["a"] in link["members"] and p["b"] in link["members"] for p in link["pairs"])
        assert link["members"] == sorted(link["members"], key=ref_key)
    assert [x["id"] for x in link_list(corpus_copy, LINK)] == [LINK]
    assert validate(corpus_copy).ok


def test_link_ls_refuses_a_corpus_that_does_not_validate_and_with_force_never_reads_a_member_that_names_a_path(
        corpus_copy, capsys):
    path = Layout(corpus_copy).links_file
    data = path.read_bytes()
    first = json.loads(data.splitlines()[0])
    member = first["members"][0]
    path.write_bytes(data.replace(f'"{member}"'.encode(), b'"../../../etc/passwd#c1"', 1))
    code, out, err = cli(corpus_copy, "link", "ls", first["id"], capsys=capsys)
    assert code == 1 and out == "" and "(corpus-invalid)" in err and "--force" in err
    code, out, err = cli(corpus_copy, "link", "ls", first["id"], "--force", capsys=capsys)
    assert code == 0 and err.startswith("warning: the checkout")
    assert "../../../etc/passwd#c1  (not a document id)" in out and "root:" not in out

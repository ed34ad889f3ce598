"""The claim inventory of the link layer: generated from the data, kept in sync with docs/link-inventory.md."""
from __future__ import annotations

import json
import re

from kashcorpus.cli import main
from kashcorpus.gendocs import replace_between, stale_message
from kashcorpus.inventory import render, speaker


def test_the_inventory_page_matches_the_data(repo_root):
    page = (repo_root / "docs" / "link-inventory.md").read_text(encoding="utf-8")
    assert replace_between(page, "inventory", render(repo_root)) == page, \
        stale_message("docs/link-inventory.md", "inventory")


def test_every_gold_claim_is_listed_once_with_its_links(repo_root):
    block = render(repo_root)
    links = [json.loads(x) for x in (repo_root / "annotations" / "links.jsonl").read_text(encoding="utf-8").splitlines()]
    for gold in sorted((repo_root / "annotations" / "gold").glob("*.jsonl")):
        section = block.split(f"#### {gold.stem}\n", 1)[1].split("\n#### ", 1)[0]
        claims = [json.loads(x) for x in gold.read_text(encoding="utf-8").splitlines() if '"type":"claim"' in x]
        rows = [r for r in section.splitlines() if re.match(r"\| c\d+ \|", r)]
        assert [r.split(" | ")[0][2:] for r in rows] == [c["id"] for c in claims]
        for row, c in zip(rows, claims):
            expected = {lk["id"] for lk in links if f"{gold.stem}#{c['id']}" in lk["members"]}
            listed = set(row.rsplit(" | ", 1)[1].strip(" |").replace("`", "").split(", ")) - {"—"}
            assert listed == expected, (gold.stem, c["id"])


def test_the_speaker_of_a_nested_claim_names_the_whole_chain():
    attributions = {"a1": {"source": {"text": "NDTV"}, "source_type": "outlet", "parent": None},
                    "a2": {"source": {"text": "analysts"}, "source_type": "collective", "parent": "a1"},
                    "a3": {"source": None, "source_type": "anonymous", "parent": None}}
    assert speaker({"asserted_by": "attributed", "attribution": "a2"}, attributions) == \
        "analysts (collective) < NDTV (outlet)"
    assert speaker({"asserted_by": "attributed", "attribution": "a3"}, attributions) == "(no source span) (anonymous)"


def test_a_changed_link_makes_the_inventory_check_fail_and_write_repairs_it(corpus_copy, repo_root, capsys):
    page = corpus_copy / "link-inventory.md"
    page.write_text((repo_root / "docs" / "link-inventory.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["stats", str(corpus_copy), "--inventory", "--check", str(page)]) == 0
    path = corpus_copy / "annotations" / "links.jsonl"
    path.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[1:]), encoding="utf-8")
    assert main(["stats", str(corpus_copy), "--inventory", "--check", str(page)]) == 1
    assert "--inventory --write" in capsys.readouterr().err
    assert main(["stats", str(corpus_copy), "--inventory", "--write", str(page)]) == 0
    assert main(["stats", str(corpus_copy), "--inventory", "--check", str(page)]) == 0
    assert "Considered for a link and left out" in page.read_text(encoding="utf-8")

"""The Markdown documentation: every relative link names a file that exists, and every #anchor a heading in it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", ROOT / "DATACARD.md", ROOT / "CHANGELOG.md", *(ROOT / "docs").glob("*.md")])
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*$", text, flags=re.M)}


def links(page: Path):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    for target in LINK.findall(text):
        if not re.match(r"^[a-z]+:", target):
            yield target


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_anchor_in_the_documentation_resolves(page):
    broken = []
    for target in links(page):
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists():
            broken.append(f"{target}: no file {path}")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{target}: no heading #{anchor} in {dest.name}")
    assert not broken, f"{page.name}: " + "; ".join(broken)


def test_the_slug_of_a_heading_is_the_one_github_makes():
    assert slug("3.1 What is one claim") == "31-what-is-one-claim"
    assert slug("`pass-annotator-b` against `gold`") == "pass-annotator-b-against-gold"
    assert slug("Link layer: re-adjudication") == "link-layer-re-adjudication"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_the_general_guidelines_quote_no_name_and_no_wording_of_the_corpus():
    """docs/guidelines.md is what a blind pass is made from: its examples come from outside the five texts."""
    guide = (ROOT / "docs" / "guidelines.md").read_text(encoding="utf-8")
    names = {form for line in (ROOT / "annotations" / "entities.jsonl").read_text(encoding="utf-8").splitlines()
             for form in [json.loads(line)["name"], *json.loads(line)["aliases"]]}
    found = sorted(n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", guide))
    assert not found, f"registry names or aliases in the general guidelines: {found}"
    g = _words(guide)
    grams = {tuple(g[i:i + 5]) for i in range(len(g) - 4)}
    for text in sorted((ROOT / "corpus" / "texts").glob("*.txt")):
        t = _words(text.read_text(encoding="utf-8"))
        shared = sorted(" ".join(x) for x in {tuple(t[i:i + 5]) for i in range(len(t) - 4)} & grams)
        assert not shared, f"five-word sequences of {text.name} in the general guidelines: {shared}"


def test_every_rule_number_the_decisions_log_cites_is_a_rule_of_the_guidelines():
    guide = (ROOT / "docs" / "guidelines.md").read_text(encoding="utf-8")
    log = (ROOT / "docs" / "decisions.md").read_text(encoding="utf-8")
    rules = set(re.findall(r"\*\*(\d+(?:\.\d+)+)\b", guide)) | set(re.findall(r"^#{2,3} (\d+(?:\.\d+)*)\.? ", guide, re.M))
    cited = set(re.findall(r"\*\*(\d+(?:\.\d+)+)\b", log)) | set(re.findall(r"^#{2,3} (\d+(?:\.\d+)*)\.? ", log, re.M))
    assert cited and cited <= rules, f"rules the decisions log cites but the guidelines lack: {sorted(cited - rules)}"

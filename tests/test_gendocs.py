"""Generated blocks of the docs: one implementation finds, replaces and writes the text between markers."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kashcorpus.gendocs import BLOCKS, between, markers, replace_between, write_between

TEXT = st.text(st.characters(blacklist_characters="<"), max_size=40)


@given(TEXT, TEXT, TEXT, TEXT)
def test_replacing_a_block_keeps_everything_outside_its_markers(head, old, new, tail):
    start, end = markers("stats")
    doc = f"{head}{start}\n{old}{end}{tail}"
    out = replace_between(doc, "stats", new)
    assert out == f"{head}{start}\n{new}{end}{tail}"
    assert between(out, "stats") == new


def test_a_missing_or_unclosed_block_is_none_to_read_and_a_value_error_to_replace():
    start, end = markers("codes")
    for doc in ("no markers", f"{start}\nonly a start", f"{end}\n{start}\nends before it starts"):
        assert between(doc, "codes") is None
        with pytest.raises(ValueError, match="codes:start"):
            replace_between(doc, "codes", "x\n")


def test_another_blocks_markers_are_not_this_block():
    doc = "<!-- agreement-report:start -->\nR\n<!-- agreement-report:end -->\n"
    assert between(doc, "agreement") is None and between(doc, "agreement-report") == "R\n"


def test_writing_a_block_changes_the_file_only_when_the_content_differs(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text("# T\n<!-- bench:start -->\nold\n<!-- bench:end -->\nrest\n", encoding="utf-8")
    assert write_between(path, "bench", "new\n") is True
    assert write_between(path, "bench", "new\n") is False
    assert path.read_text(encoding="utf-8") == "# T\n<!-- bench:start -->\nnew\n<!-- bench:end -->\nrest\n"


def test_every_generated_block_is_in_the_files_the_table_names(repo_root):
    for name, (files, command) in BLOCKS.items():
        for rel in files:
            text = (repo_root / rel).read_text(encoding="utf-8")
            assert between(text, name) is not None, f"{rel} has no {name} block (written by {command})"


def _checkout(tmp_path: Path, repo_root: Path) -> Path:
    """A copy of the repository's data, docs, baselines and citation: what `kashcorpus docs` reads and writes."""
    import shutil

    dest = tmp_path / "checkout"
    for name in ("corpus", "annotations", "docs", "baselines", "schema"):
        shutil.copytree(repo_root / name, dest / name)
    for name in ("DATACARD.md", "README.md", "CHANGELOG.md", "CITATION.cff"):
        shutil.copyfile(repo_root / name, dest / name)
    return dest


@pytest.mark.slow
def test_one_command_regenerates_every_block_after_a_gold_fix(tmp_path, repo_root, capsys):
    from kashcorpus.annotate import remove_span
    from kashcorpus.cli import main
    from kashcorpus.gendocs import MEASURED

    root = _checkout(tmp_path, repo_root)
    assert main(["docs", str(root), "--check"]) == 0
    claim = next(r for r in orjson_lines(root / "annotations" / "gold" / "kash-003.jsonl")
                 if r.get("type") == "claim" and not _linked(repo_root, "kash-003", r["id"]))
    remove_span(root, "kash-003", claim["id"])  # a gold fix: statistics, agreement and baselines drift
    capsys.readouterr()
    assert main(["docs", str(root), "--check"]) == 1
    err = capsys.readouterr().err
    assert "DATACARD.md: the generated stats block is stale; run make docs (kashcorpus docs --write)" in err
    assert main(["docs", str(root), "--write"]) == 0
    assert "DATACARD.md" in capsys.readouterr().out
    assert main(["docs", str(root), "--check"]) == 0
    for name, (files, _command) in BLOCKS.items():
        if name not in MEASURED:
            for rel in files:
                assert between((root / rel).read_text(encoding="utf-8"), name) is not None


def orjson_lines(path: Path) -> list[dict]:
    import orjson

    return [orjson.loads(x) for x in path.read_bytes().splitlines() if x.strip()]


def _linked(repo_root: Path, doc: str, rid: str) -> bool:
    return any(f"{doc}#{rid}" in (link.get("members") or [])
               for link in orjson_lines(repo_root / "annotations" / "links.jsonl"))

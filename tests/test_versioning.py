"""Versions: kashcorpus diff names added, removed and changed records and the bump they need; the CI check."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kashcorpus.build import build
from kashcorpus.cli import main
from kashcorpus.io import atomic_write, dumps_annotation_file, read_jsonl, read_text
from kashcorpus.layout import Layout
from kashcorpus.versioning import bump_between, check_release, diff, next_version, resolve_revision, snapshot


def _git(repo: Path, *args: str) -> str:
    r = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                       env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                            "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": str(repo)})
    return r.stdout


def _set_version(repo: Path, version: str, changelog_section: bool) -> None:
    init = repo / "src" / "kashcorpus" / "__init__.py"
    init.parent.mkdir(parents=True, exist_ok=True)
    init.write_text(f'"""kashcorpus."""\n__version__ = "{version}"\n', encoding="utf-8")
    (repo / "pyproject.toml").write_text(f'[project]\nname = "kashcorpus"\nversion = "{version}"\n', encoding="utf-8")
    log = "# Changelog\n\n## [Unreleased]\n\n"
    if changelog_section:
        log += f"## [{version}] - 2026-11-22\n\n### Added\n- A mention.\n\n"
    (repo / "CHANGELOG.md").write_text(log + "## [0.1.0] - 2026-11-01\n\n- First.\n", encoding="utf-8")


@pytest.fixture
def repo(tmp_path, repo_root) -> Path:
    """A git repository holding a copy of the data at version 0.1.0, one commit."""
    r = tmp_path / "repo"
    for name in ("corpus", "annotations", "schema"):
        shutil.copytree(repo_root / name, r / name)
    _set_version(r, "0.1.0", True)
    _git(r, "init", "-q", "-b", "main")
    _git(r, "add", ".")
    _git(r, "commit", "-q", "-m", "0.1.0")
    return r


def _add_mention(root: Path) -> str:
    """Add one mention to the first document; return its key ``doc#id``."""
    layout = Layout(root)
    path = sorted(layout.gold_dir.glob("*.jsonl"))[0]
    doc = path.stem
    recs = read_jsonl(path)
    text = read_text(layout.text_path(doc))
    name = "Polio Vaccination Drive"  # words no mention covers yet: mentions never overlap
    start = text.index(name)
    recs.append({"type": "mention", "id": "m9999", "start": start, "end": start + len(name), "text": name,
                 "label": "EVENT", "entity": None})
    atomic_write(path, dumps_annotation_file(recs))
    return f"{doc}#m9999"


def _change_first_mention_label(root: Path) -> str:
    layout = Layout(root)
    for path in sorted(layout.gold_dir.glob("*.jsonl")):
        recs = read_jsonl(path)
        for r in recs:
            if r["type"] == "mention":
                r["label"] = "PER" if r["label"] != "PER" else "ORG"
                atomic_write(path, dumps_annotation_file(recs))
                return f"{path.stem}#{r['id']}"
    pytest.skip("no gold mention yet to change")


def test_two_revisions_that_differ_by_one_added_span_need_a_minor_bump_and_the_diff_names_it(repo, capsys):
    key = _add_mention(repo)
    _git(repo, "commit", "-q", "-am", "one more mention")
    assert main(["diff", "HEAD~1", "HEAD", "--repo", str(repo)]) == 0
    out = capsys.readouterr().out
    assert f"+ {key} EVENT" in out and "'Polio Vaccination Drive'" in out
    assert "mentions: 1 added, 0 removed, 0 changed" in out
    assert "required version bump: minor" in out
    assert main(["diff", "HEAD~1", "HEAD", "--repo", str(repo), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["bump"] == "minor" and data["layers"]["mentions"]["added"] == [key]
    assert all(not v["added"] for k, v in data["layers"].items() if k != "mentions")


def test_a_changed_label_needs_a_major_bump(repo):
    key = _change_first_mention_label(repo)
    d = diff(snapshot("HEAD", repo), snapshot(str(repo), repo))
    assert d.bump == "major" and d.layers["mentions"].changed == [(key, ["label"])]


def test_a_changed_text_is_a_changed_document(repo):
    p = sorted((repo / "corpus" / "texts").glob("*.txt"))[0]
    p.write_text(p.read_text(encoding="utf-8") + "x", encoding="utf-8")
    d = diff(snapshot("HEAD", repo), snapshot(str(repo), repo))
    assert d.bump == "major"
    assert d.layers["documents"].changed == [(p.stem, ["length", "text_sha256"])]


def test_the_same_data_needs_only_a_patch(repo):
    d = diff(snapshot("HEAD", repo), snapshot(str(repo), repo))
    assert not d.data_changed and d.bump == "patch"


def test_two_built_folders_diff_like_their_checkouts(repo, tmp_path):
    build(repo, tmp_path / "old")
    key = _add_mention(repo)
    build(repo, tmp_path / "new")
    d = diff(snapshot(str(tmp_path / "old")), snapshot(str(tmp_path / "new")))
    assert d.bump == "minor" and d.layers["mentions"].added == [key]
    assert d.old.version == d.new.version


def test_the_check_fails_on_an_unbumped_data_change_and_passes_with_bump_and_changelog(repo, capsys):
    _add_mention(repo)
    args = ["diff", "--check-version", "HEAD", "--repo", str(repo)]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "set it to 0.2.0 or higher" in out
    _set_version(repo, "0.2.0", changelog_section=False)
    assert main(args) == 1
    assert "CHANGELOG.md has no section '## [0.2.0]'" in capsys.readouterr().out
    _set_version(repo, "0.2.0", changelog_section=True)
    assert main(args) == 0
    assert "version check: ok (0.2.0)" in capsys.readouterr().out


def test_the_check_passes_when_only_tools_changed(repo, capsys):
    (repo / "README.md").write_text("docs\n")
    assert main(["diff", "--check-version", "HEAD", "--repo", str(repo)]) == 0


def test_a_patch_bump_is_not_enough_for_a_changed_record(repo):
    _change_first_mention_label(repo)
    d = diff(snapshot("HEAD", repo), snapshot(str(repo), repo))
    problems = check_release(d, "0.1.1", "## [0.1.1] - 2026-11-22\n")
    assert problems and "1.0.0" in problems[0]


def test_an_unknown_revision_is_a_usage_error(repo, capsys):
    assert main(["diff", "no-such-rev", "--repo", str(repo)]) == 2
    assert "error:" in capsys.readouterr().err


@pytest.fixture
def released(repo) -> tuple[Path, dict[str, str]]:
    """``repo`` without tags: 0.1.0, a mention added, the 0.2.0 release commit, then unreleased work."""
    commits = {"0.1.0": _git(repo, "rev-parse", "HEAD").strip()}
    key = _add_mention(repo)
    _git(repo, "commit", "-q", "-am", "one more mention")
    _set_version(repo, "0.2.0", changelog_section=True)
    _git(repo, "commit", "-q", "-am", "Release 0.2.0")
    commits["0.2.0"] = _git(repo, "rev-parse", "HEAD").strip()
    (repo / "README.md").write_text("later work\n")
    _git(repo, "add", "README.md")
    _git(repo, "commit", "-q", "-m", "later work")
    commits["key"] = key
    return repo, commits


def test_a_release_reference_without_tags_is_the_commit_that_set_the_version_with_its_changelog(released):
    repo, commits = released
    assert _git(repo, "tag", "--list") == ""
    assert resolve_revision(repo, "v0.1.0") == commits["0.1.0"]
    assert resolve_revision(repo, "v0.2.0") == commits["0.2.0"]
    d = diff(snapshot("v0.1.0", repo), snapshot("v0.2.0", repo))
    assert d.layers["mentions"].added == [commits["key"]] and (d.old.version, d.new.version) == ("0.1.0", "0.2.0")


def test_a_tag_wins_over_the_release_commit(released):
    repo, commits = released
    _git(repo, "tag", "v0.1.0", commits["0.2.0"])
    assert resolve_revision(repo, "v0.1.0") == commits["0.2.0"]


@pytest.mark.parametrize("args,fault", [(["v0.1.0", "v0.9.0"], "NEW 'v0.9.0'"), (["v0.9.0", "HEAD"], "OLD 'v0.9.0'"),
                                        (["no-such-rev", "v0.2.0"], "OLD 'no-such-rev'")])
def test_a_wrong_reference_is_a_usage_error_that_names_the_argument_at_fault(released, capsys, args, fault):
    repo, _ = released
    assert main(["diff", *args, "--repo", str(repo)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kashcorpus diff: error: {fault} is not a git revision") and len(err.splitlines()) == 1
    if "v0.9.0" in fault:
        assert "no tag v0.9.0 and no commit in the history of HEAD released 0.9.0" in err


def test_the_review_diff_takes_release_references_without_tags_and_names_a_wrong_one(released, tmp_path, capsys):
    repo, _ = released
    assert main(["view", str(repo), "--diff", "v0.1.0", "v0.2.0", "--out", str(tmp_path / "site")]) == 0
    assert "1 added, 0 removed, 0 changed" in capsys.readouterr().out
    assert main(["view", str(repo), "--diff", "v0.1.0", "v3.0.0", "--out", str(tmp_path / "site")]) == 2
    assert capsys.readouterr().err.startswith("kashcorpus view: error: NEW 'v3.0.0' is neither a corpus checkout")


@pytest.mark.parametrize("old,new,bump", [("0.1.0", "0.1.1", "patch"), ("0.1.0", "1.0.0", "major"),
                                          ("1.2.3", "1.3.0", "minor"), ("1.0.0", "0.9.0", "none")])
def test_bumps_are_read_from_version_pairs(old, new, bump):
    assert bump_between(old, new) == bump
    if bump != "none":
        assert bump_between(old, next_version(old, bump)) == bump

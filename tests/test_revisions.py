"""Revisions and archives: a user string never becomes a git option; a revision's files are unpacked safely."""
from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

import pytest
from strategies import count

from kashcorpus.errors import ArchiveUnsafe, SourceError
from kashcorpus.io import extract_tar
from kashcorpus.revisions import check_revision, resolve_revision, version_at

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("rev", ["", " ", "-", "--output=x", "-n1", "--end-of-options", "a\nb", "x\x1b[31m",
                                 "x" * 5000])
def test_a_string_that_git_could_read_as_an_option_or_that_is_no_revision_is_refused(rev):
    count("hostile checkouts: hostile revisions refused")
    with pytest.raises(SourceError):
        check_revision(rev)
    with pytest.raises(SourceError):
        resolve_revision(ROOT, rev)
    assert version_at(ROOT, rev) is None


def test_build_diff_with_an_option_as_revision_writes_no_file(tmp_path):
    from kashcorpus.view.site import build_diff

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    with pytest.raises(ValueError):
        build_diff(f"--output={victim}", "HEAD", tmp_path / "site", repo=ROOT)
    assert victim.read_text() == "keep me\n"


def test_the_diff_command_refuses_an_empty_side_instead_of_comparing_the_tree_with_itself(capsys):
    from kashcorpus.cli import main

    assert main(["diff", "", str(ROOT)]) == 2
    assert "empty" in capsys.readouterr().err


def _tar(*members: tuple[tarfile.TarInfo, bytes | None]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def _member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info


def test_a_plain_archive_is_unpacked_file_by_file(tmp_path):
    data = _tar((_member("corpus", tarfile.DIRTYPE), None), (_member("corpus/documents.jsonl"), b"{}\n"),
                (_member("annotations/gold/a.jsonl"), b"x\n"))
    assert extract_tar(data, tmp_path) == ["corpus/documents.jsonl", "annotations/gold/a.jsonl"]
    assert (tmp_path / "annotations/gold/a.jsonl").read_bytes() == b"x\n"


@pytest.mark.parametrize("member", [
    _member("../evil"), _member("/etc/evil"), _member("corpus/../../evil"), _member("a/b\nc"),
    _member("corpus/link", tarfile.SYMTYPE, "/etc/passwd"), _member("corpus/hard", tarfile.LNKTYPE, "/etc/passwd"),
    _member("corpus/fifo", tarfile.FIFOTYPE), _member("corpus/dev", tarfile.CHRTYPE)],
    ids=["parent", "absolute", "escape", "newline", "symlink", "hardlink", "fifo", "device"])
def test_an_unsafe_member_is_refused_with_a_code_before_anything_is_written(member, tmp_path):
    data = _tar((_member("corpus/documents.jsonl"), b"{}\n"), (member, None if member.type != tarfile.REGTYPE else b"x"))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ArchiveUnsafe) as e:
        extract_tar(data, out)
    count("hostile checkouts: unsafe archive members refused")
    assert e.value.code == "archive-unsafe"
    assert list(out.iterdir()) == [] and not (tmp_path / "evil").exists()


def test_a_revision_with_a_committed_link_is_refused_by_diff(tmp_path):
    repo = tmp_path / "repo"
    (repo / "corpus").mkdir(parents=True)
    (repo / "annotations").mkdir()
    (repo / "corpus" / "documents.jsonl").write_bytes(b"")
    (repo / "corpus" / "texts").symlink_to("/etc")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    from kashcorpus.versioning import snapshot_revision

    with pytest.raises(ArchiveUnsafe):
        snapshot_revision(repo, "HEAD")


def test_no_code_relies_on_extractall_which_python_3_11_0_to_3_11_3_cannot_filter():
    """requires-python says >=3.11.2 (the lowest Python CI runs, Debian's): tarfile's extraction filters came in
    3.11.4, so no code may use extractall."""
    import ast

    calls = [(p.name, node.lineno) for p in (ROOT / "src" / "kashcorpus").rglob("*.py")
             for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(node, ast.Attribute) and node.attr in ("extractall", "extract")]
    assert calls == []
    assert 'requires-python = ">=3.11.2"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")

"""A hostile checkout: committed symbolic links never leak what they point to, in any output or built file."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from strategies import count

from kashcorpus.validate import validate

SECRET = "KASHCORPUS-TEST-SECRET-7f3a9c"


def _plant_links(root: Path, secret_file: Path) -> dict[str, str]:
    """Replace files of the checkout by links to a secret file, to the environment of the process reading them,
    and a whole pass folder by a link to a folder outside; return {place: what it links to}."""
    secret_dir = secret_file.parent / "evil-pass"
    secret_dir.mkdir()
    (secret_dir / "kash-000.jsonl").write_text(f'{{"type":"header","doc":"{SECRET}"}}\n', encoding="utf-8")
    links = {"corpus/texts/kash-004.txt": str(secret_file),
             "annotations/gold/kash-001.jsonl": "/proc/self/environ",
             "annotations/entities.jsonl": str(secret_file),
             "annotations/passes/evil": str(secret_dir)}
    for rel, target in links.items():
        place = root / rel
        if place.exists() and not place.is_dir():
            place.unlink()
        place.parent.mkdir(parents=True, exist_ok=True)
        place.symlink_to(target)
    return links


@pytest.fixture
def hostile(corpus_copy, tmp_path):
    secret = tmp_path / "secret.env"
    secret.write_text(f"TOKEN={SECRET}\n" * 3, encoding="utf-8")
    return corpus_copy, _plant_links(corpus_copy, secret)


def test_every_link_is_a_file_unsafe_finding_and_nothing_of_its_target_is_read(hostile):
    root, links = hostile
    report = validate(root)
    unsafe = {f.file for f in report.findings if f.code == "file-unsafe"}
    assert {"corpus/texts/kash-004.txt", "annotations/gold/kash-001.jsonl", "annotations/entities.jsonl",
            "annotations/passes/evil"} <= unsafe
    assert not report.ok
    dumped = repr([f.as_dict() for f in report.findings])
    assert SECRET not in dumped and "TOKEN=" not in dumped
    assert "secret.env" not in dumped and "/proc" not in dumped  # not even where a link points


def _run(root: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KASH_TEST_TOKEN": SECRET}
    return subprocess.run([sys.executable, "-m", "kashcorpus", *argv], cwd=root, env=env, capture_output=True,
                          text=True, errors="replace", timeout=300)


COMMANDS = [("validate", "--format", "text"), ("validate", "--format", "json"), ("validate", "--format", "github"),
            ("view", "--out", "{out}/site"), ("build", "--out", "{out}/dataset"), ("span", "ls", "kash-004"),
            ("span", "ls", "kash-001"), ("entity", "ls"), ("stats",), ("fmt", "--check"), ("fmt",),
            ("export", "conll", "--out", "{out}/conll"), ("export", "brat", "--out", "{out}/brat"),
            ("export", "labelstudio", "--out", "{out}/ls.json"), ("agree",),
            ("span", "add", "kash-000", "--layer", "zone", "--label", "body", "--start", "0", "--end", "1"),
            ("entity", "add", "--id", "x-secret-probe", "--name", "Probe", "--type", "ORG", "--description", "d"),
            ("adjudicate", "--from", "pass-annotator-b"), ("adjudicate", "--from", "pass-evil"),
            ("adjudicate", "kash-001", "--from", "pass-annotator-b", "--reject", "m1"), ("link", "ls"),
            ("link", "ls", "--force"), ("link", "set", "claim-asghar-khan-kashmiri-role", "--note", "probe"),
            ("document", "add", "{tmp}/rain.txt")]


@pytest.mark.slow
def test_no_command_prints_or_builds_anything_a_committed_link_points_to(hostile, tmp_path):
    root, _links = hostile
    out = tmp_path / "out"
    (tmp_path / "rain.txt").write_text("Rain in Lahore\n\nIt rained all day in Lahore.\n")
    for argv in COMMANDS:
        r = _run(root, *(a.format(out=out, tmp=tmp_path) for a in argv))
        count("hostile checkouts: outputs searched for a linked secret")
        both = r.stdout + r.stderr
        assert "Traceback" not in both, (argv, both[-2000:])
        assert SECRET not in both and "TOKEN=" not in both, argv
    written = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    for p in written:
        assert SECRET.encode() not in p.read_bytes(), p
    assert not (root / "annotations" / "entities.jsonl").resolve().read_text().count("x-secret-probe")


def test_a_writer_refuses_to_write_through_a_linked_folder(corpus_copy, tmp_path):
    from kashcorpus.errors import FileUnsafe
    from kashcorpus.layout import Layout
    from kashcorpus.store import Change

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    passes = corpus_copy / "annotations" / "passes"
    passes.mkdir(exist_ok=True)
    (passes / "ann").symlink_to(elsewhere)
    with pytest.raises(FileUnsafe):
        with Change(corpus_copy, [Layout(corpus_copy).pass_path("ann", "kash-000")]) as ch:
            ch.stage(Layout(corpus_copy).pass_path("ann", "kash-000"), b"x\n")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("folder", ["corpus/texts", "annotations/gold", "annotations", "corpus"])
def test_a_linked_folder_is_reported_once_and_never_listed(corpus_copy, tmp_path, folder):
    """The names of the files a linked folder leads to (a home folder, /etc) never show in a finding."""
    outside = tmp_path / "outside"
    shutil.copytree(corpus_copy / folder, outside)
    (outside / "private-name-of-a-file.txt").write_text(SECRET)
    (outside / "private-name-of-a-file.jsonl").write_text(SECRET)
    shutil.rmtree(corpus_copy / folder)
    (corpus_copy / folder).symlink_to(outside)
    report = validate(corpus_copy)
    assert ("file-unsafe", folder, None) in report.flat()
    dumped = repr([f.as_dict() for f in report.findings])
    assert "private-name-of-a-file" not in dumped and SECRET not in dumped and str(outside) not in dumped

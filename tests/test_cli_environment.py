"""Commands on a read-only tree, a full disk and folders they may not read: one coded line, nothing changed."""
from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from strategies import count
from test_cli_hostile import snapshot

ROOT = Path(__file__).resolve().parent.parent
DOC = "kash-000"

WRITERS = {
    "span-add": ["span", "add", DOC, "--layer", "claim", "--label", "event", "--start", "0", "--end", "5"],
    "span-rm": ["span", "rm", DOC, "z1"],
    "entity-add": ["entity", "add", "--id", "probe-entity", "--name", "Probe", "--type", "ORG", "--description", "d"],
    "fmt": ["fmt", "."],
    "import-labelstudio": ["import", "labelstudio", "{ls}", "--annotator", "probe"],
    "text-replace": ["text", "replace", DOC, "--old", "Hamas Joins", "--new", "Hamas joins", "--reanchor"],
    "document-add": ["document", "add", "{txt}"],
    "adjudicate": ["adjudicate", DOC, "--from", "pass-annotator-c", "--reject", "c3"],
    "link-set": ["link", "set", "claim-asghar-khan-kashmiri-role", "--note", "probe"],
}
READERS = {
    "validate": ["validate", "."],
    "view": ["view", ".", "--out", "{out}/site"],
    "stats": ["stats", "."],
    "span-ls": ["span", "ls", DOC],
    "export-conll": ["export", "conll", "--out", "{out}/conll"],
    "adjudicate-ls": ["adjudicate", "--from", "pass-annotator-b"],
    "link-ls": ["link", "ls"],
}


def _can_drop_privileges() -> bool:
    """Permissions bind this process (not root), or it can run commands without root's capabilities (setpriv)."""
    return os.getuid() != 0 or shutil.which("setpriv") is not None


def _unprivileged() -> list[str]:
    """Run a command so that file permissions bind it: as root, with every capability dropped (the owner's mode
    bits then apply to root too), so the checkout may sit anywhere, even below a folder only root may enter."""
    return ["setpriv", "--bounding-set=-all", "--inh-caps=-all"] if os.getuid() == 0 else []


@pytest.fixture
def world(tmp_path):
    """A checkout in a folder every user may enter (tmp_path is private to its owner), an import file and an
    output folder; removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix="kashcorpus-env-"))
    os.chmod(base, 0o755)
    root = base / "checkout"
    for name in ("corpus", "annotations"):
        shutil.copytree(ROOT / name, root / name)
    lines = (root / "annotations/gold" / f"{DOC}.jsonl").read_bytes().splitlines(keepends=True)
    (root / "annotations/gold" / f"{DOC}.jsonl").write_bytes(lines[0] + b"".join(reversed(lines[1:])))  # fmt has work
    ls = base / "ls.json"
    subprocess.run([sys.executable, "-m", "kashcorpus", "export", "labelstudio", DOC, "--root", str(root), "--out",
                    str(ls)], check=True, capture_output=True)
    tasks = json.loads(ls.read_text())
    for t in tasks:  # the export's predictions as one annotator's work, as Label Studio exports it
        t["annotations"] = [{"completed_by": {"email": "probe@example.org"}, "result": p["result"]}
                            for p in t.pop("predictions")]
    ls.write_text(json.dumps(tasks))
    txt = base / "rain.txt"
    txt.write_text("Rain in Lahore\n\nIt rained all day in Lahore, the city said on Monday.\n")
    out = base / "out"
    out.mkdir(mode=0o777)
    os.chmod(out, 0o777)
    yield {"root": root, "ls": ls, "txt": txt, "out": out}
    for dirpath, dirnames, _files in os.walk(base):
        for d in dirnames:
            os.chmod(Path(dirpath) / d, 0o755)
    shutil.rmtree(base)


def _run(argv: list[str], world, prefix: list[str] = (), fsize: int | None = None) -> subprocess.CompletedProcess:
    def limit():
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    count("hostile checkouts: runs read-only, on a full disk or without permission")
    args = [a.format(**{k: str(v) for k, v in world.items()}) for a in argv]
    env = {**os.environ, "HOME": str(world["out"]), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    return subprocess.run([*prefix, sys.executable, "-m", "kashcorpus", *args], cwd=world["root"], env=env,
                          capture_output=True, text=True, timeout=300, preexec_fn=limit)


def _check(name, r, problems, codes):
    err = r.stderr.strip().splitlines()
    if "Traceback" in r.stdout + r.stderr or "internal-error" in r.stderr:
        problems.append((name, (err or [""])[-1][:300]))
    elif r.returncode not in (1, 2):
        problems.append((name, f"exit {r.returncode}"))
    elif not err or not any(f"({c})" in err[-1] for c in codes):
        problems.append((name, f"not a coded line: {(err or [''])[-1][:300]}"))


@pytest.mark.slow
@pytest.mark.skipif(not _can_drop_privileges(), reason="as root every file is writable, and setpriv (to drop "
                                                       "root's capabilities) is missing")
def test_every_writer_on_a_read_only_tree_says_so_in_one_coded_line_and_changes_nothing(world):
    for dirpath, _dirnames, files in os.walk(world["root"]):  # the checkout read-only for everyone, its owner too
        for name in files:
            os.chmod(Path(dirpath) / name, 0o444)
        os.chmod(dirpath, 0o555)
    before = snapshot(world["root"])
    problems: list = []
    for name, argv in WRITERS.items():
        r = _run(argv, world, _unprivileged())
        _check(name, r, problems, ("permission-denied", "read-only", "corpus-invalid"))
    assert problems == []
    assert snapshot(world["root"]) == before


@pytest.mark.slow
def test_every_writer_on_a_full_disk_says_so_in_one_coded_line_and_changes_nothing(world):
    before = snapshot(world["root"])
    problems: list = []
    for name, argv in {**WRITERS, "build": ["build", ".", "--out", "{out}/dataset"]}.items():
        r = _run(argv, world, fsize=2048)
        _check(name, r, problems, ("disk-full",))
    assert problems == []
    assert snapshot(world["root"]) == before
    assert not list(world["root"].rglob("*.tmp")), "a temporary file was left behind"


@pytest.mark.slow
@pytest.mark.skipif(not _can_drop_privileges(), reason="as root every folder is readable, and setpriv (to drop "
                                                       "root's capabilities) is missing")
@pytest.mark.parametrize("folder", ["corpus/texts", "annotations/passes", "annotations/passes/annotator-b",
                                    "annotations/gold"])
def test_a_folder_the_user_may_not_read_is_an_error_of_every_reader_never_a_traceback(world, folder):
    os.chmod(world["root"] / folder, 0o000)
    problems: list = []
    for name, argv in READERS.items():
        r = _run(argv, world, _unprivileged())
        if name == "validate":
            if r.returncode != 1 or f"{folder}: error file-unreadable" not in r.stdout or r.stderr:
                problems.append((name, "the unreadable folder is not reported"))
        elif r.returncode != 0:  # a reader that does not need the folder may succeed
            _check(name, r, problems, ("permission-denied", "corpus-invalid"))
    assert problems == []


@pytest.mark.slow
def test_a_checkout_without_annotations_fails_validation(world):
    shutil.rmtree(world["root"] / "annotations")
    r = _run(["validate", "."], world)
    assert r.returncode == 1 and "annotations: error file-unreadable" in r.stdout

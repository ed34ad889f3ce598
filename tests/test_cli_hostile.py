"""Every command against every corruption of a checkout: one coded line, never a traceback, nothing changed."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import orjson
import pytest

from kashcorpus.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOC = "kash-000"
GOLD = f"annotations/gold/{DOC}.jsonl"
TEXT = f"corpus/texts/{DOC}.txt"


def _lines(root: Path, rel: str) -> list[bytes]:
    return (root / rel).read_bytes().splitlines(keepends=True)


def _edit_first_mention(root: Path, change) -> None:
    lines = _lines(root, GOLD)
    i = next(i for i, raw in enumerate(lines) if b'"type":"mention"' in raw)
    rec = orjson.loads(lines[i])
    change(rec)
    lines[i] = orjson.dumps(rec) + b"\n"
    (root / GOLD).write_bytes(b"".join(lines))


def _truncated(root):
    data = (root / GOLD).read_bytes()
    (root / GOLD).write_bytes(data[:data.index(b"\n", 200) + 40])


def _not_utf8(root):
    lines = _lines(root, GOLD)
    lines[1] = lines[1].replace(b'"text":"', b'"text":"\xff\xfe', 1)
    (root / GOLD).write_bytes(b"".join(lines))


def _registry_bad_json(root):
    with open(root / "annotations/entities.jsonl", "ab") as f:
        f.write(b'{"id": "x", oops\n')


def _metadata_bad_json(root):
    lines = _lines(root, "corpus/documents.jsonl")
    (root / "corpus/documents.jsonl").write_bytes(b"{\n" + b"".join(lines[1:]))


def _link_to_secret(root):
    secret = root.parent / "secret.env"
    secret.write_text("TOKEN=KASH-HOSTILE-SECRET\n")
    (root / TEXT).unlink()
    (root / TEXT).symlink_to(secret)


CORRUPTIONS = {
    "truncated-line": _truncated,
    "invalid-utf8": _not_utf8,
    "registry-bad-json": _registry_bad_json,
    "metadata-bad-json": _metadata_bad_json,
    "label-a-list": lambda r: _edit_first_mention(r, lambda m: m.update(label=[m["label"]])),
    "offset-a-string": lambda r: _edit_first_mention(r, lambda m: m.update(start=str(m["start"]))),
    "text-missing": lambda r: _edit_first_mention(r, lambda m: m.pop("text")),
    "text-file-deleted": lambda r: (r / TEXT).unlink(),
    "text-a-link": _link_to_secret,
    "gold-a-folder": lambda r: ((r / GOLD).unlink(), (r / GOLD).mkdir()),
    "registry-a-list": lambda r: (r / "annotations/entities.jsonl").write_bytes(b"[1, 2]\n"),
    "metadata-empty": lambda r: (r / "corpus/documents.jsonl").write_bytes(b""),
}

# {root}: the corrupted checkout; {out}: a scratch folder; {good}: an untouched copy of the checkout
COMMANDS = {
    "validate": ["validate", "{root}"],
    "validate-json": ["validate", "{root}", "--format", "json"],
    "validate-github": ["validate", "{root}", "--format", "github"],
    "view": ["view", "{root}", "--out", "{out}/site"],
    "view-diff": ["view", "{root}", "--out", "{out}/diff", "--diff", "{good}", "{root}"],
    "build": ["build", "{root}", "--out", "{out}/dataset"],
    "evaluate-gold": ["evaluate", "--gold", "{root}", "{good}/annotations/gold"],
    "evaluate-predictions": ["evaluate", "--gold", "{good}", "{root}/annotations/gold"],
    "span-ls": ["span", "ls", DOC, "--root", "{root}"],
    "entity-ls": ["entity", "ls", "--root", "{root}"],
    "stats": ["stats", "{root}"],
    "agree": ["agree", "{root}"],
    "export-conll": ["export", "conll", "--root", "{root}", "--out", "{out}/conll"],
    "export-spacy": ["export", "spacy", "--root", "{root}", "--out", "{out}/spacy"],
    "export-labelstudio": ["export", "labelstudio", "--root", "{root}", "--out", "{out}/ls.json"],
    "export-brat": ["export", "brat", "--root", "{root}", "--out", "{out}/brat"],
    "diff-dirs": ["diff", "{good}", "{root}"],
    "fmt-check": ["fmt", "{root}", "--check"],
    "fmt": ["fmt", "{root}"],
    "span-add": ["span", "add", DOC, "--layer", "claim", "--label", "event", "--start", "0", "--end", "5", "--root", "{root}"],
    "span-rm": ["span", "rm", DOC, "z1", "--root", "{root}"],
    "span-set": ["span", "set", DOC, "z1", "label=body", "--root", "{root}"],
    "entity-add": ["entity", "add", "--id", "probe-entity", "--name", "Probe", "--type", "ORG", "--description", "d",
                   "--root", "{root}"],
    "import-brat": ["import", "brat", "{good_brat}", "--annotator", "probe", "--root", "{root}"],
    "import-labelstudio": ["import", "labelstudio", "{good_ls}", "--annotator", "probe", "--root", "{root}"],
}


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file and link under corpus/ and annotations/ (a link by its target, never read)."""
    out: dict[str, bytes | str] = {}
    for base in ("corpus", "annotations"):
        for dirpath, dirnames, filenames in os.walk(root / base):
            for name in sorted(dirnames + filenames):
                p = Path(dirpath) / name
                rel = p.relative_to(root).as_posix()
                out[rel] = f"link:{os.readlink(p)}" if p.is_symlink() else ("dir" if p.is_dir() else p.read_bytes())
    return out


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> dict[str, Path]:
    """An untouched checkout and good import files made from it (brat folder, Label Studio export)."""
    base = tmp_path_factory.mktemp("pristine")
    good = base / "good"
    for name in ("corpus", "annotations"):
        shutil.copytree(ROOT / name, good / name)
    assert main(["export", "brat", DOC, "--root", str(good), "--out", str(base / "brat")]) == 0
    assert main(["export", "labelstudio", DOC, "--root", str(good), "--out", str(base / "ls.json")]) == 0
    return {"good": good, "good_brat": base / "brat", "good_ls": base / "ls.json"}


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as e:  # argparse
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_every_command_answers_a_corrupted_checkout_without_a_traceback_and_changes_nothing(
        corruption, pristine, tmp_path, capsys):
    problems = []
    for name, template in COMMANDS.items():
        root = tmp_path / name / "checkout"
        shutil.copytree(pristine["good"], root, symlinks=True)
        CORRUPTIONS[corruption](root)
        before = snapshot(root)
        fill = {"root": root, "out": tmp_path / name / "out", **pristine}
        argv = [a.format(**fill) for a in template]
        try:
            code, out, err = run_cli(argv, capsys)
        except Exception as e:  # what reached the user as a traceback
            problems.append((name, f"traceback: {type(e).__name__}: {e}"[:300]))
            continue
        if code not in (0, 1, 2):
            problems.append((name, f"exit {code}"))
        if "Traceback" in out + err or "internal-error" in err:
            problems.append((name, err.strip().splitlines()[-1][:300]))
        if "KASH-HOSTILE-SECRET" in out + err:
            problems.append((name, "printed the secret"))
        if code != 0 and snapshot(root) != before:
            problems.append((name, "changed the checkout though it failed"))
        if code != 0 and not (out + err).strip():
            problems.append((name, "failed without saying why"))
        if name.startswith(("validate", "build")) and code == 0:
            problems.append((name, "a corrupted checkout passed"))
    assert problems == []

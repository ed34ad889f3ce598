"""Every command against every corruption of a checkout: one coded line, never a traceback, nothing changed."""
from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import orjson
import pytest

from strategies import count

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


def _outside(root: Path) -> Path:
    """A folder beside the checkout that no command may write to (a link of the checkout leads there)."""
    out = root.parent / "outside"
    out.mkdir(exist_ok=True)
    (out / "secret.env").write_text("TOKEN=KASH-HOSTILE-SECRET\n")
    return out


def _state_link(place: str):
    """The tools' working state (``.kashcorpus`` or a folder of it) committed as a link to a folder outside."""
    def plant(root: Path) -> None:
        (root / place).parent.mkdir(parents=True, exist_ok=True)
        (root / place).symlink_to(_outside(root), target_is_directory=True)
    return plant


def _owner_links(root: Path) -> None:
    """The owner notes of the locks every writer takes first, committed as links to a file outside."""
    locks = root / ".kashcorpus" / "locks"
    locks.mkdir(parents=True)
    secret = _outside(root) / "secret.env"
    for rel in (GOLD, "annotations/entities.jsonl", "corpus/documents.jsonl", TEXT):
        (locks / f"{rel.replace('/', '%')}.lock.owner").symlink_to(secret)


def _lock_fifos(root: Path) -> None:
    locks = root / ".kashcorpus" / "locks"
    locks.mkdir(parents=True)
    for rel in (GOLD, "annotations/entities.jsonl", "corpus/documents.jsonl", TEXT):
        os.mkfifo(locks / f"{rel.replace('/', '%')}.lock")


def _metadata_special(kind: str):
    """``corpus/documents.jsonl`` committed as a link to a device, or a FIFO (git cannot commit one; a
    checkout tool or a user can make it): no command reads it, validate first."""
    def plant(root: Path) -> None:
        meta = root / "corpus" / "documents.jsonl"
        meta.unlink()
        if kind == "fifo":
            os.mkfifo(meta)
        else:
            meta.symlink_to(f"/dev/{kind}")
    return plant


def _link_to_outside(rel: str):
    """A file of the checkout committed as a link to a secret beside it."""
    def plant(root: Path) -> None:
        place = root / rel
        if place.exists():
            place.unlink()
        place.symlink_to(_outside(root) / "secret.env")
    return plant


def _fifo(rel: str):
    def plant(root: Path) -> None:
        place = root / rel
        if place.exists():
            place.unlink()
        os.mkfifo(place)
    return plant


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
    "metadata-dev-zero": _metadata_special("zero"),
    "metadata-dev-urandom": _metadata_special("urandom"),
    "metadata-a-fifo": _metadata_special("fifo"),
    "state-a-link": _state_link(".kashcorpus"),
    "locks-a-link": _state_link(".kashcorpus/locks"),
    "journal-a-link": _state_link(".kashcorpus/journal"),
    "kept-texts-a-link": _state_link(".kashcorpus/texts"),
    "owner-notes-links": _owner_links,
    "locks-fifos": _lock_fifos,
    "links-a-link": _link_to_outside("annotations/links.jsonl"),
    "links-bad-json": lambda r: (r / "annotations/links.jsonl").write_bytes(b'{"id": "x", oops\n'),
    "links-a-fifo": _fifo("annotations/links.jsonl"),
    "decisions-a-link": _link_to_outside("annotations/decisions.jsonl"),
    "decisions-bad-json": lambda r: (r / "annotations/decisions.jsonl").write_bytes(b'{"doc": 5}\n[\n'),
    "decisions-a-fifo": _fifo("annotations/decisions.jsonl"),
    "pass-a-link": _link_to_outside("annotations/passes/annotator-c/kash-000.jsonl"),
    "sources-a-link": _state_link("sources"),
}
# the commands that read the corpus to produce something from it: on an invalid one they refuse (view and evaluate,
# meant to look at broken data, warn first)
READERS = ("view", "view-diff", "build", "evaluate-gold", "stats", "agree", "export-conll", "export-spacy",
           "export-labelstudio", "export-brat", "diff-dirs", "adjudicate-ls", "link-ls", "link-ls-one")
TIME_LIMIT = 60  # seconds a command may take on a corrupted five-document checkout (a hang is a failure)

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
    "text-replace": ["text", "replace", DOC, "--old", "Hamas", "--new", "HAMAS", "--occurrence", "1", "--reanchor",
                     "--root", "{root}"],
    "entity-merge": ["entity", "merge", "doha", "ankara", "--root", "{root}"],
    "summary-checkout": ["summary", "{root}"],
    "reanchor": ["reanchor", DOC, "--root", "{root}"],
    "attribution-add": ["attribution", "add", DOC, "--source", "Hamas", "--cue", "said", "--content", "z1",
                        "--root", "{root}"],
    "document-add": ["document", "add", "{good_txt}", "--root", "{root}"],
    "document-add-page": ["document", "add", "{good_page}", "--root", "{root}"],
    "adjudicate-ls": ["adjudicate", "--from", "pass-annotator-c", "--root", "{root}"],
    "adjudicate": ["adjudicate", DOC, "--from", "pass-annotator-c", "--reject", "c3", "--root", "{root}"],
    "link-ls": ["link", "ls", "--root", "{root}"],
    "link-ls-one": ["link", "ls", "claim-asghar-khan-kashmiri-role", "--root", "{root}"],
    "link-add": ["link", "add", "event-probe", "--type", "event", "--description", "d", "--member", f"{DOC}#c3",
                 "--root", "{root}"],
    "link-set": ["link", "set", "claim-asghar-khan-kashmiri-role", "--note", "probe", "--root", "{root}"],
    "link-rm": ["link", "rm", "claim-asghar-khan-kashmiri-role", "--root", "{root}"],
    "suggest": ["suggest", DOC, "--annotator", "probe-suggest", "--root", "{root}"],
}


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file and link under corpus/, annotations/ and sources/ (a link by its target, never read)."""
    out: dict[str, bytes | str] = {}
    for base in ("corpus", "annotations", "sources"):
        if (root / base).is_symlink():
            out[base] = f"link:{os.readlink(root / base)}"
            continue
        for dirpath, dirnames, filenames in os.walk(root / base):
            for name in sorted(dirnames + filenames):
                p = Path(dirpath) / name
                rel = p.relative_to(root).as_posix()
                out[rel] = (f"link:{os.readlink(p)}" if p.is_symlink() else "dir" if p.is_dir()
                            else p.read_bytes() if p.is_file() else "special")  # a FIFO is never opened
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
    (base / "rain.txt").write_text("Rain in Lahore\n\nIt rained all day in Lahore, the city said on Monday.\n")
    return {"good": good, "good_brat": base / "brat", "good_ls": base / "ls.json", "good_txt": base / "rain.txt",
            "good_page": ROOT / "tests" / "fixtures" / "pages" / "news-site.html"}


def run_cli(argv: list[str], capsys, limit: float | None = None) -> tuple[int, str, str]:
    """Run the command in this process; with ``limit``, a run longer than that many seconds raises TimeoutError."""
    import signal

    def hung(_sig, _frame):
        raise TimeoutError(f"still running after {limit} s")

    old = signal.signal(signal.SIGALRM, hung) if limit else None
    if limit:
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        code = main(argv)
    except SystemExit as e:  # argparse
        code = int(e.code or 0)
    finally:
        if limit:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    out, err = capsys.readouterr()
    return code, out, err


def listing(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (none if it does not exist)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} \
        if folder.is_dir() else {}


@pytest.mark.slow
@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_every_command_answers_a_corrupted_checkout_without_a_traceback_and_changes_nothing(
        corruption, pristine, tmp_path, capsys):
    problems = []
    for name, template in COMMANDS.items():
        root = tmp_path / name / "checkout"
        shutil.copytree(pristine["good"], root, symlinks=True)
        CORRUPTIONS[corruption](root)
        before, outside = snapshot(root), listing(root.parent / "outside")
        fill = {"root": root, "out": tmp_path / name / "out", **pristine}
        argv = [a.format(**fill) for a in template]
        count("hostile checkouts: command runs on a corrupted checkout")
        try:
            code, out, err = run_cli(argv, capsys, TIME_LIMIT)
        except Exception as e:  # what reached the user as a traceback (or a hang)
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
        if name in READERS and code == 0 and "warning: the checkout" not in err:
            problems.append((name, "read a checkout that does not validate without a word"))
        if listing(root.parent / "outside") != outside:
            problems.append((name, "wrote outside the checkout"))
        if any(c in out + err for c in "\x1b\x07") or any(line.lstrip().startswith("::") for line in err.splitlines()):
            problems.append((name, "printed a control character or a workflow command"))
    assert problems == []


# -- hostile import files ---------------------------------------------------------------------------------

def _ls_task(**change) -> list:
    result = {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": 0, "end": 5, "text": "Hamas", "labels": ["ORG"]}}
    ann = {"completed_by": {"email": "probe@example.org"}, "result": [result]}
    task = {"id": 1, "data": {"doc": DOC, "text": "Hamas"}, "annotations": [ann]}
    for path, value in change.items():
        *parents, last = path.split(".")
        target = task
        for p in parents:
            target = target[p] if not isinstance(target, list) else target[0]
            if isinstance(target, list):
                target = target[0]
        target[last] = value
    return [task]


LS_EXPORTS = {
    "data-doc-a-list": _ls_task(**{"data.doc": [DOC]}),
    "annotations-a-number": _ls_task(annotations=5),
    "result-a-number": _ls_task(**{"annotations.result": 5}),
    "value-missing": [{**_ls_task()[0], "annotations": [{"completed_by": {"email": "a@b.c"},
                                                          "result": [{"type": "labels", "id": "r1"}]}]}],
    "value-null": _ls_task(**{"annotations.result.value": None}),
    "value-a-list": _ls_task(**{"annotations.result.value": [1]}),
    "labels-a-dict": _ls_task(**{"annotations.result.value.labels": {"a": 1}}),
    "start-a-list": _ls_task(**{"annotations.result.value.start": [0]}),
    "start-huge": _ls_task(**{"annotations.result.value.start": 10 ** 30}),
    "email-a-number": _ls_task(**{"annotations.completed_by.email": 5}),
    "completed-by-a-list": _ls_task(**{"annotations.completed_by": [1]}),
    "top-a-string": "tasks",
    "tasks-strings": ["a", "b"],
    "nested-deep": None,  # written below: a thousand nested arrays
}


def _write_hostile_import(kind: str, name: str, base: Path) -> tuple[str, list[str]]:
    """A hostile import source and the extra arguments; returns (source path, extra argv)."""
    if kind == "labelstudio":
        path = base / f"{name}.json"
        if name == "nested-deep":
            path.write_text("[" * 100000 + "]" * 100000)
        elif name == "not-json":
            path.write_bytes(b"\xff\xfe{")
        elif name == "zero-device":
            return "/dev/zero", ["--annotator", "probe"]
        elif name == "a-folder":
            path.mkdir()
        else:
            path.write_text(json.dumps(LS_EXPORTS[name]))
        return str(path), ["--annotator", "probe"]
    folder = base / name
    folder.mkdir()
    (folder / f"{DOC}.txt").write_text("Hamas said so.\n")
    ann = folder / f"{DOC}.ann"
    if name == "ann-a-folder":
        ann.mkdir()
    elif name == "ann-a-link-loop":
        ann.symlink_to(ann)
    elif name == "ann-a-fifo":
        os.mkfifo(ann)
    elif name == "offset-4300-digits":
        ann.write_text(f"T1\tORG 0 {'9' * 4300}\tHamas\n")
    elif name == "offset-negative":
        ann.write_text("T1\tORG -5 3\tHamas\n")
    elif name == "not-utf8":
        ann.write_bytes(b"T1\tORG 0 5\t\xff\xfe\n")
    elif name == "annotator-300-chars":
        ann.write_text("T1\tORG 0 5\tHamas\n")
        return str(folder), ["--annotator", "a" * 300]
    return str(folder), ["--annotator", "probe"]


HOSTILE_IMPORTS = [("labelstudio", n) for n in [*LS_EXPORTS, "not-json", "zero-device", "a-folder"]] + \
    [("brat", n) for n in ["ann-a-folder", "ann-a-link-loop", "ann-a-fifo", "offset-4300-digits", "offset-negative",
                           "not-utf8", "annotator-300-chars"]]


@pytest.mark.parametrize(("kind", "name"), HOSTILE_IMPORTS, ids=[f"{k}-{n}" for k, n in HOSTILE_IMPORTS])
def test_a_hostile_import_file_gets_one_coded_error_and_changes_nothing(kind, name, pristine, tmp_path, capsys):
    root = tmp_path / "checkout"
    shutil.copytree(pristine["good"], root, symlinks=True)
    before = snapshot(root)
    source, extra = _write_hostile_import(kind, name, tmp_path)
    count("hostile checkouts: hostile import files")
    result: list = []
    worker = threading.Thread(target=lambda: result.append(
        run_cli(["import", kind, source, "--root", str(root), *extra], capsys)), daemon=True)
    worker.start()
    worker.join(120)
    assert not worker.is_alive(), "the import blocked"
    code, out, err = result[0]
    assert code in (1, 2), (code, out, err)
    assert "Traceback" not in out + err and "internal-error" not in err, err[-500:]
    assert err.strip() and len(err.strip().splitlines()[-1]) < 600
    assert snapshot(root) == before


# -- hostile article files (document add) -------------------------------------------------------------------

def _hostile_article(name: str, base: Path) -> str:
    """A FILE argument of ``document add`` that is no article: a device, a FIFO, a folder, a link loop, a link
    to a device named like a text, a text past the size limit."""
    if name == "dev-zero":
        return "/dev/zero"
    path = base / f"{name}.txt"
    if name == "a-fifo":
        os.mkfifo(path)
    elif name == "a-folder":
        path.mkdir()
    elif name == "a-link-loop":
        path.symlink_to(path)
    elif name == "a-link-to-dev-zero":
        path.symlink_to("/dev/zero")
    elif name == "a-link-to-dev-urandom":
        path.symlink_to("/dev/urandom")
    elif name == "eleven-mb":
        path.write_bytes(b"Rain\n\n" + b"It rained. " * 1_000_000)
    return str(path)


HOSTILE_ARTICLES = ["dev-zero", "a-fifo", "a-folder", "a-link-loop", "a-link-to-dev-zero", "a-link-to-dev-urandom",
                    "eleven-mb"]


@pytest.mark.parametrize("name", HOSTILE_ARTICLES)
def test_a_hostile_article_file_gets_one_coded_error_at_once_and_changes_nothing(name, pristine, tmp_path, capsys):
    root = tmp_path / "checkout"
    shutil.copytree(pristine["good"], root, symlinks=True)
    before = snapshot(root)
    source = _hostile_article(name, tmp_path)
    count("hostile checkouts: hostile import files")
    result: list = []
    worker = threading.Thread(target=lambda: result.append(
        run_cli(["document", "add", source, "--root", str(root)], capsys)), daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "document add blocked"
    code, out, err = result[0]
    assert code == 1 and out == "", (code, out, err)
    assert "Traceback" not in err and "internal-error" not in err, err[-500:]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(("(add-unreadable)", "(add-unknown-format)")), err
    assert snapshot(root) == before


# -- output that cannot be forged, bounds on numbers, strict syntax ------------------------------------------

def test_a_file_name_with_a_newline_and_a_workflow_command_is_escaped_in_text_and_github_output(pristine, tmp_path,
                                                                                                  capsys):
    root = tmp_path / "checkout"
    shutil.copytree(pristine["good"], root)
    (root / "annotations" / "gold" / "x\n::error file=a::forged\x1b[31m.jsonl").write_bytes(b"{}\n")
    for fmt in ("text", "github"):
        code, out, _err = run_cli(["validate", str(root), "--format", fmt], capsys)
        assert code == 1
        assert not any(line.startswith("::error file=a::forged") for line in out.splitlines()), fmt
        assert "\x1b" not in out, fmt
    assert "x\\n::error file=a::forged\\x1b[31m.jsonl" in run_cli(["validate", str(root)], capsys)[1]


@pytest.mark.parametrize("argv", [["validate", "--jobs", "99999999999999999999"], ["validate", "--jobs", "0"],
                                  ["synth", "--docs", "100000000000000000000", "--out", "{tmp}/s"],
                                  ["synth", "--docs", "1e20", "--out", "{tmp}/s"],
                                  ["synth", "--docs", "2", "--inject", "1000000", "--out", "{tmp}/s"],
                                  ["synth", "--docs", "2", "--out", "{tmp}/a-file"],
                                  ["span", "ls", DOC, "--annotator", "a" * 300],
                                  ["span", "add", DOC, "--layer", "zone", "--label", "body", "--start", "0",
                                   "--end", "9" * 40, "--annotator", "probe"],
                                  ["fmt", "--timeout", "1e300"], ["fmt", "--timeout", "-1"]],
                         ids=["jobs-huge", "jobs-zero", "synth-docs-huge", "synth-docs-float", "synth-inject-huge",
                              "synth-out-a-file", "annotator-300", "offset-40-digits", "timeout-huge", "timeout-negative"])
def test_numbers_and_names_out_of_their_documented_bounds_are_usage_errors(argv, pristine, tmp_path, capsys):
    root = tmp_path / "checkout"
    shutil.copytree(pristine["good"], root)
    (tmp_path / "a-file").write_text("x")
    before = snapshot(root)
    args = [a.format(tmp=tmp_path) for a in argv]
    if args[0] in ("validate", "fmt"):
        args.insert(1, str(root))
    elif args[0] == "span":
        args += ["--root", str(root)]
    code, out, err = run_cli(args, capsys)
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and "internal-error" not in err and len(err.strip().splitlines()[-1]) < 400
    assert snapshot(root) == before and not (tmp_path / "s").exists()


def test_duplicate_keys_and_crlf_lines_are_warnings_that_fail_under_strict(pristine, tmp_path, capsys):
    root = tmp_path / "checkout"
    shutil.copytree(pristine["good"], root)
    lines = _lines(root, GOLD)
    lines[1] = lines[1].replace(b'{"type":"zone",', b'{"type":"zone","label":"body",', 1)
    lines[2] = lines[2].rstrip(b"\n") + b"\r\n"
    (root / GOLD).write_bytes(b"".join(lines))
    code, out, _ = run_cli(["validate", str(root)], capsys)
    assert code == 0
    assert f"{GOLD}:2: warning duplicate-key" in out and f"{GOLD}:3: warning crlf-line-end" in out
    assert run_cli(["validate", str(root), "--strict"], capsys)[0] == 1
    assert run_cli(["fmt", str(root)], capsys)[0] == 0
    assert run_cli(["validate", str(root), "--strict"], capsys)[0] == 0


def test_a_reading_command_says_a_change_was_interrupted(pristine, tmp_path, capsys):
    root = tmp_path / "checkout"
    shutil.copytree(pristine["good"], root)
    journal = root / ".kashcorpus" / "journal"
    journal.mkdir(parents=True)
    (journal / f"{'0' * 32}.json").write_bytes(b'{"files": []}')
    code, _out, err = run_cli(["span", "ls", DOC, "--root", str(root)], capsys)
    assert code == 0 and "was interrupted (.kashcorpus/journal)" in err
    assert run_cli(["validate", str(root)], capsys)[0] == 1  # change-interrupted is an error


def test_a_committed_link_in_place_of_the_tools_state_folder_is_never_written_through(pristine, tmp_path, capsys):
    root = tmp_path / "checkout"
    shutil.copytree(pristine["good"], root)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / ".kashcorpus").symlink_to(elsewhere)
    code, _out, err = run_cli(["span", "rm", DOC, "z1", "--root", str(root)], capsys)
    assert code == 1 and "(file-unsafe)" in err
    assert list(elsewhere.iterdir()) == []

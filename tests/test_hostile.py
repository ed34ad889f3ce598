"""Hostile input: ids that try to name paths, code that would run data, files that never end."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import corpora, count

from kashcorpus.layout import Layout
from kashcorpus.model import RESERVED_NAMES, is_doc_id
from kashcorpus.validate import validate
from kashcorpus.validate.schemas import fast_validator, reference_validator
from kashcorpus.validate.syntax import MAX_LINE_BYTES

ROOT = Path(__file__).resolve().parent.parent

HOSTILE_IDS = ["../x", "..", ".", "../../etc/passwd", "/etc/passwd", "a/b", "a\\b", "k\x00", "\x00", "",
               "C:", "c:\\x", "x.txt", "kash-000.jsonl", "~root", "$HOME", "Kash", "KASH-000", "kash_000",
               "kash-000\n", "\nkash", " kash", "kash ", "-a", "a-", "a--b", "k\u0430sh", "\u212a", "kash\u200d",
               "x" * 97] + sorted(RESERVED_NAMES)


def _header(doc):
    return {"type": "header", "doc": doc, "layer": "gold", "text_sha256": "0" * 64, "schema_version": "1.0.0"}


def _entity(eid):
    return {"id": eid, "name": "n", "type": "PER", "aliases": [], "description": "d"}


def _link(doc):
    return {"id": "event-1", "type": "event", "description": "d", "entity": None, "members": [f"{doc}#m1"], "pairs": []}


@pytest.mark.parametrize("bad", HOSTILE_IDS)
def test_a_hostile_id_is_refused_by_the_schemas(bad):
    for obj, name in ((_header(bad), "header"), (_entity(bad), "entity"), (_link(bad), "link")):
        assert not fast_validator(name).is_valid(obj), (name, bad)
        assert not reference_validator(name).is_valid(obj), (name, bad)


@pytest.mark.parametrize("bad", HOSTILE_IDS)
def test_a_hostile_id_is_refused_again_at_the_file_layer(bad, tmp_path):
    assert not is_doc_id(bad)
    layout = Layout(tmp_path)
    for make in (layout.text_path, layout.gold_path, lambda d: layout.pass_path("ann", d)):
        with pytest.raises(ValueError):
            make(bad)
    if len(bad) <= 64:  # an annotator name has no length limit, but follows the same rules otherwise
        with pytest.raises(ValueError):
            layout.pass_path(bad, "kash-000")


@given(st.text(max_size=70) | st.from_regex(r"[a-z][a-z0-9]{0,3}(-[a-z0-9]{1,3})?", fullmatch=True))
def test_the_schema_and_the_file_layer_agree_on_what_a_document_id_is(value):
    count("hostile ids tried")
    assert fast_validator("header").is_valid(_header(value)) == is_doc_id(value)
    if is_doc_id(value):
        path = Layout(Path("/corpus")).text_path(value)
        assert path.parent == Path("/corpus/corpus/texts") and path.name == f"{value}.txt"
        assert os.path.normpath(path) == str(path)


@pytest.mark.parametrize("name", ["Upper", "a.b", "con", "nul", "lpt1", "x y", "..hidden", "\u00e9t\u00e9"])
def test_files_named_by_no_valid_id_are_reported_not_followed(name, corpus_copy):
    (corpus_copy / "corpus" / "texts" / f"{name}.txt").write_bytes(b"hello\n")
    (corpus_copy / "annotations" / "gold" / f"{name}.jsonl").write_bytes(b'{"type":"header"}\n')
    flat = validate(corpus_copy).flat()
    assert ("seed-file-mismatch", f"corpus/texts/{name}.txt", None) in flat
    assert ("unknown-document", f"annotations/gold/{name}.jsonl", None) in flat


@pytest.mark.parametrize("annotator", ["con", "Upper", "a b", "x.y"])
def test_a_pass_folder_named_by_no_valid_annotator_never_validates(annotator, corpus_copy):
    src = sorted((corpus_copy / "annotations" / "gold").glob("*.jsonl"))[0]
    folder = corpus_copy / "annotations" / "passes" / annotator
    folder.mkdir(parents=True)
    lines = src.read_bytes().split(b"\n")
    header = {**orjson.loads(lines[0]), "layer": f"pass-{annotator}"}
    (folder / src.name).write_bytes(orjson.dumps(header) + b"\n" + b"\n".join(lines[1:]))
    codes = {c for c, f, _l in validate(corpus_copy).flat() if f.startswith(f"annotations/passes/{annotator}/")}
    assert codes & {"schema-violation", "header-layer-mismatch"}


# -- data is never code --------------------------------------------------------------------------

UNSAFE_MODULES = {"pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve", "joblib"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__", "input"}
UNSAFE_ATTRS = {("yaml", "load"), ("yaml", "load_all"), ("yaml", "unsafe_load"), ("yaml", "full_load"),
                ("yaml", "unsafe_load_all"), ("os", "system"), ("os", "popen"), ("pd", "read_pickle"),
                ("pandas", "read_pickle"), ("torch", "load"), ("np", "load"), ("numpy", "load")}


def _python_files():
    """Every Python file of the repository (not the virtual environment, build output or hidden folders)."""
    skip = {"build", "dist", "node_modules", "__pycache__"}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts[:-1]
        if not any(p.startswith(".") or p in skip or p.endswith(".egg-info") for p in parts):
            yield path


def _unsafe(tree: ast.AST) -> list[str]:
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bad += [a.name for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
            bad.append(node.module)
        elif isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in UNSAFE_CALLS:
                bad.append(f"{f.id}() at line {node.lineno}")
            elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and (f.value.id, f.attr) in UNSAFE_ATTRS:
                bad.append(f"{f.value.id}.{f.attr}() at line {node.lineno}")
            if any(k.arg == "shell" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                   for k in node.keywords):
                bad.append(f"shell=True at line {node.lineno}")
    return bad


def test_no_source_file_runs_data_as_code():
    """No eval/exec, no pickle/marshal, no unsafe YAML loader, no shell: annotation text is only ever data."""
    files = list(_python_files())
    assert len(files) > 10
    found = {}
    for path in files:
        bad = _unsafe(ast.parse(path.read_bytes(), filename=str(path)))
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    assert found == {}


def test_the_unsafe_code_check_itself_catches_each_pattern():
    src = "import pickle\nfrom marshal import loads\neval('1')\nimport yaml\nyaml.load(s)\n" \
          "subprocess.run('ls', shell=True)\nos.system('x')\n"
    assert len(_unsafe(ast.parse(src))) == 6
    assert _unsafe(ast.parse("yaml.safe_load(s)\nsubprocess.run(['ls'], shell=False)\nre.compile('x')\n")) == []


# -- inputs that never end or are very large ---------------------------------------------------------

def test_a_fifo_in_place_of_a_file_is_reported_without_blocking(corpus_copy):
    gold = corpus_copy / "annotations" / "gold"
    target = sorted(gold.glob("*.jsonl"))[0]
    target.unlink()
    os.mkfifo(target)
    text = sorted((corpus_copy / "corpus" / "texts").glob("*.txt"))[1]
    text.unlink()
    os.mkfifo(text)
    result: list = []
    worker = threading.Thread(target=lambda: result.append(validate(corpus_copy).flat()), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the validator blocked on a FIFO"  # a daemon thread: the run still ends
    flat = result[0]
    assert ("file-unreadable", f"annotations/gold/{target.name}", None) in flat
    assert any(c == "file-unreadable" and f == f"corpus/texts/{text.name}" for c, f, _ in flat)


def _peak_rss_of_validation(root: Path) -> tuple[int, str]:
    """Peak resident memory of a fresh process validating ``root`` (VmHWM: ru_maxrss survives exec) and its codes."""
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc to measure peak memory")
    code = ("import sys\nfrom kashcorpus.validate import validate\n"
            "r = validate(sys.argv[1])\n"
            "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
            "print(int(hwm.split()[1]) * 1024)\n"
            "print(' '.join(sorted({f.code for f in r.findings})))\n")
    out = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=True).stdout
    rss, codes = out.split("\n")[:2]
    return int(rss), codes


def test_a_100_mb_line_is_refused_with_a_clear_finding_in_bounded_memory(corpus_copy):
    gold = sorted((corpus_copy / "annotations" / "gold").glob("*.jsonl"))[0]
    with open(gold, "ab") as f:
        f.write(b'{"type":"zone","id":"z1","start":0,"end":1,"text":"')
        chunk = b"x" * (1 << 20)
        for _ in range(100):
            f.write(chunk)
        f.write(b'","label":"body"}\n')
    assert gold.stat().st_size > 100 * (1 << 20)
    rss, codes = _peak_rss_of_validation(corpus_copy)
    assert codes == "line-too-long"
    assert rss < 400 * (1 << 20), f"peak memory {rss >> 20} MiB"
    assert MAX_LINE_BYTES < 100 * (1 << 20)


def _big_document(root: Path, spans: int) -> None:
    import hashlib

    import orjson

    text = "x " * spans
    data = text.encode()
    sha = hashlib.sha256(data).hexdigest()
    (root / "corpus" / "texts").mkdir(parents=True)
    (root / "annotations" / "gold").mkdir(parents=True)
    (root / "corpus" / "texts" / "big.txt").write_bytes(data)
    unknown = {"value": None, "evidence": None, "reason": "r"}
    meta = {"id": "big", "seed_file": "big.txt", "sha256": sha, "length": len(text), "bytes": len(data),
            "language": "en", "title": unknown, "publisher": unknown, "author": unknown,
            "date": {"value": None, "precision": None, "basis": "unknown", "evidence": None, "reason": "r"},
            "genre": {"value": "opinion", "evidence": None}, "rights": "r"}
    (root / "corpus" / "documents.jsonl").write_bytes(orjson.dumps(meta) + b"\n")
    with open(root / "annotations" / "gold" / "big.jsonl", "wb") as f:
        f.write(orjson.dumps(_header("big") | {"text_sha256": sha}) + b"\n")
        f.write(orjson.dumps({"type": "zone", "id": "z1", "start": 0, "end": len(text), "text": text,
                              "label": "body"}) + b"\n")
        for i in range(spans):
            f.write(orjson.dumps({"type": "claim", "id": f"c{i + 1}", "start": 2 * i, "end": 2 * i + 1, "text": "x",
                                  "claim_type": "fact", "certainty": "asserted", "checkworthy": False,
                                  "asserted_by": "author", "attribution": None}) + b"\n")


def test_many_spans_in_one_document_complete_in_bounded_memory(tmp_path):
    """50,000 spans by default; a million in the thorough profile (about 30 s and 1.3 GB)."""
    spans = 1_000_000 if settings().max_examples >= 1000 else 50_000
    _big_document(tmp_path, spans)
    rss, codes = _peak_rss_of_validation(tmp_path)
    assert codes == ""
    assert rss < 200 * (1 << 20) + spans * 2000, f"peak memory {rss >> 20} MiB for {spans} spans"


@settings(max_examples=5)
@given(corpora(max_docs=1))
def test_a_stray_write_outside_the_corpus_is_never_read(corpus):
    """Nothing beside the checkout is read: a broken file next to it changes no finding."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "checkout"
        corpus.write(root)
        before = validate(root).flat()
        (Path(tmp) / "corpus").mkdir()
        (Path(tmp) / "corpus" / "documents.jsonl").write_bytes(b"garbage")
        (Path(tmp) / "x.jsonl").write_bytes(b"garbage")
        assert validate(root).flat() == before == []

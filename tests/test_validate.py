"""The validator: generated valid corpora are clean, and broken copies of the real corpus are reported."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import corpora, count

from kashcorpus.cli import main
from kashcorpus.findings import make_finding, render_template
from kashcorpus.resources import findings_catalogue
from kashcorpus.validate import CorpusInvalid, check, validate


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kashcorpus", *args], capture_output=True, text=True)


# -- the generated corpora ------------------------------------------------------------------------

@pytest.mark.slow
@given(corpora())
def test_every_generated_valid_corpus_validates_with_zero_findings(corpus):
    with tempfile.TemporaryDirectory() as tmp:
        corpus.write(Path(tmp))
        report = validate(tmp)
        count("valid corpora generated")
        count("documents generated", len(corpus.docs))
        count("records generated", corpus.record_count)
        count("text code points generated", sum(len(d.text) for d in corpus.docs))
        assert [(f.code, f.file, f.line, f.message) for f in report.findings] == []
        assert report.ok and report.stats["documents"] == len(corpus.docs)


@settings(max_examples=5)
@given(corpora(min_docs=2, max_docs=4))
def test_validation_with_worker_processes_finds_what_one_process_finds(corpus):
    with tempfile.TemporaryDirectory() as tmp:
        corpus.write(Path(tmp))
        gold = Path(tmp) / "annotations" / "gold"
        first = sorted(gold.iterdir())[0]
        first.write_bytes(first.read_bytes() + b"{broken\n")
        assert validate(tmp, jobs=2).flat() == validate(tmp, jobs=1).flat()


# -- findings as data -------------------------------------------------------------------------------

def test_every_catalogue_message_and_fix_renders_with_literal_braces_kept():
    for code, _entry in findings_catalogue().items():
        f = make_finding(code, file="x.jsonl", line=1)
        assert f.message and f.fix, code
    fix = make_finding("header-missing", file="x.jsonl", line=1).fix
    assert '{"type": "header"' in fix
    assert make_finding("not-an-object", kind="array").fix.endswith("object {...}.")


def test_a_template_fills_only_named_placeholders():
    assert render_template("{a} {b!r} {} {1} {a:>3}", {"a": 1, "b": "q"}) == "1 'q' {} {1} {a:>3}"
    assert render_template("{missing}", {}) == "<missing>"


def test_check_raises_on_the_first_error(tmp_path):
    with pytest.raises(CorpusInvalid) as e:
        check(tmp_path)
    assert e.value.finding.severity == "error"


# -- issue 2, done when: a broken copy of the corpus -----------------------------------------------

def _first_word(text: str, after: int = 0) -> tuple[int, int]:
    """A run of letters whose slice shifted by one differs from it."""
    import re

    for m in re.finditer(r"[A-Za-z]{3,}", text):
        if m.start() >= after and text[m.start() + 1:m.end() + 1] != m.group():
            return m.start(), m.end()
    raise AssertionError("no word found")


def _claim(cid: str, start: int, end: int, text: str, **extra) -> dict:
    return {"type": "claim", "id": cid, "start": start, "end": end, "text": text, "claim_type": "fact",
            "certainty": "asserted", "checkworthy": False, "asserted_by": "author", "attribution": None, **extra}


def test_a_broken_copy_is_reported_with_code_file_and_line_in_json(corpus_copy):
    gold = corpus_copy / "annotations" / "gold"
    docs = sorted(p.stem for p in gold.glob("*.jsonl"))
    doc, other = docs[0], docs[1]
    text = (corpus_copy / "corpus" / "texts" / f"{doc}.txt").read_bytes().decode("utf-8")
    path = gold / f"{doc}.jsonl"
    lines = path.read_bytes().split(b"\n")[:-1]
    s, e = _first_word(text)
    s2, e2 = _first_word(text, e)
    added = [
        _claim("c9999001", s + 1, e + 1, text[s:e]),                                   # shifted by one
        _claim("c9999002", s2, e2, text[s2:e2]),
        _claim("c9999002", s2, e2, text[s2:e2]),                                       # duplicated id
        _claim("c9999003", s2, e2, text[s2:e2], asserted_by="attributed", attribution="a9999999"),  # dangling
    ]
    lines += [orjson.dumps(r) for r in added]
    path.write_bytes(b"".join(x + b"\n" for x in lines))
    n = len(lines)
    rel = f"annotations/gold/{doc}.jsonl"
    other_path = gold / f"{other}.jsonl"
    other_path.write_bytes(other_path.read_bytes() + b'{"type": "claim", "id": \n')  # malformed JSON
    other_line = len(other_path.read_bytes().split(b"\n")) - 1

    r = _cli("validate", str(corpus_copy), "--format", "json")
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    out = json.loads(r.stdout)
    found = {(f["code"], f["file"], f["line"]) for f in out["findings"]}
    assert ("span-text-mismatch", rel, n - 3) in found
    assert ("duplicate-id", rel, n - 1) in found
    assert ("dangling-reference", rel, n) in found
    assert ("json-syntax", f"annotations/gold/{other}.jsonl", other_line) in found
    assert out["summary"]["errors"] >= 4
    for f in out["findings"]:
        assert {"code", "file", "line", "message", "fix", "severity", "params"} <= set(f)
    shifted = next(f for f in out["findings"] if f["code"] == "span-text-mismatch" and f["record"] == "c9999001")
    assert shifted["params"] == {"field": "claim", "start": s + 1, "end": e + 1, "text": text[s:e],
                                 "actual": text[s + 1:e + 1]}
    again = next(f for f in out["findings"] if f["code"] == "duplicate-id")
    assert again["params"] == {"id": "c9999002", "first_line": n - 2}
    dangling = next(f for f in out["findings"] if f["code"] == "dangling-reference" and f["file"] == rel)
    assert dangling["params"] == {"field": "attribution", "ref": "a9999999"}


GARBAGE = {
    "empty": b"",
    "binary": bytes(range(256)) * 4,
    "nul bytes": b"\x00" * 100,
    "a lone newline": b"\n",
    "half a UTF-8 character": b"\xe2\x82",
    "JSON but not lines": b'[{"id": "kash-000"}]',
    "a UTF-16 file": '{"id": "x"}\n'.encode("utf-16"),
    "deep nesting": b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "huge number": b'{"start": 1' + b"0" * 5000 + b"}\n",
    "lone surrogate escape": b'{"type": "zone", "id": "z1", "text": "\\ud800"}\n',
}
TARGETS = ["corpus/documents.jsonl", "annotations/gold/{doc}.jsonl", "annotations/entities.jsonl",
           "annotations/links.jsonl", "corpus/texts/{doc}.txt"]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("kind", sorted(GARBAGE))
def test_garbage_in_any_file_gives_findings_and_no_traceback(corpus_copy, target, kind, capsys):
    doc = sorted(p.stem for p in (corpus_copy / "corpus" / "texts").glob("*.txt"))[0]
    path = corpus_copy / target.format(doc=doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(GARBAGE[kind])
    assert main(["validate", str(corpus_copy), "--format", "json"]) == 1  # an exception would fail the test
    out = json.loads(capsys.readouterr().out)
    assert out["findings"] and out["summary"]["errors"] >= 1


def test_a_bom_or_blank_line_before_the_header_does_not_hide_the_header(corpus_copy):
    gold = sorted((corpus_copy / "annotations" / "gold").glob("*.jsonl"))
    gold[0].write_bytes(b"\xef\xbb\xbf" + gold[0].read_bytes())
    gold[1].write_bytes(b"\n" + gold[1].read_bytes())
    codes = sorted(c for c, _f, _l in validate(corpus_copy).flat())
    assert codes == ["blank-line", "utf8-bom"]


def test_a_huge_value_is_cut_short_in_the_message():
    f = make_finding("span-text-mismatch", field="zone", start=0, end=1, text="x" * 10**6, actual="y")
    assert len(f.message) < 600 and "(1000000 characters)" in f.message


# -- the docs stay generated ---------------------------------------------------------------------------

def test_docs_validation_md_lists_every_code_as_the_catalogue_says(repo_root):
    from kashcorpus.findings import catalogue_markdown
    from kashcorpus.gendocs import between, stale_message

    table = between((repo_root / "docs" / "validation.md").read_text(encoding="utf-8"), "codes")
    assert table == catalogue_markdown(), stale_message("docs/validation.md", "codes")


def test_docs_integrity_md_lists_every_invariant_with_a_test_that_exists(repo_root):
    from kashcorpus.gendocs import between, stale_message
    from kashcorpus.integrity import INVARIANTS, invariants_table

    doc = (repo_root / "docs" / "integrity.md").read_text(encoding="utf-8")
    assert between(doc, "invariants") == invariants_table(), stale_message("docs/integrity.md", "invariants")
    assert between(doc, "figures") is not None
    for _sentence, test in INVARIANTS:
        path, name = test.split("::")
        assert f"def {name}(" in (repo_root / path).read_text(encoding="utf-8"), test


@settings(max_examples=max(10, settings().max_examples // 3))
@given(corpora())
def test_the_fast_path_summarises_a_clean_file_as_the_detailed_path_does(corpus):
    from kashcorpus.layout import Layout
    from kashcorpus.resources import taxonomy
    from kashcorpus.validate.annotations import fast_view, read_view, summarise
    from kashcorpus.validate.rules import RULES, Context

    with tempfile.TemporaryDirectory() as tmp:
        layout = Layout(corpus.write(Path(tmp)))
        ctx = Context(taxonomy(), {e["id"]: e["type"] for e in corpus.entities})
        for layer, path in layout.annotation_files():
            doc, rel = corpus.doc(path.stem), layout.rel(path)
            fast = fast_view(path, rel, layer, doc.id, doc.text)
            assert fast is not None, path
            found, slow = read_view(path, rel, layer, doc.id, doc.text)
            assert found == []
            assert (fast.headers, fast.records, fast.objects) == (slow.headers, slow.records, slow.objects)
            assert [rule.id for rule in RULES if not rule.fast(fast, ctx)] == []
            assert summarise(fast, ctx) == summarise(slow, ctx)


# -- a pass with its own entity registry --------------------------------------------------------------

def _pass_d(root: Path) -> Path:
    return root / "annotations" / "passes" / "annotator-d"


def _edit_lines(path: Path, old: str, new: str) -> None:
    data = path.read_text(encoding="utf-8")
    assert old in data
    path.write_text(data.replace(old, new), encoding="utf-8")


def test_a_pass_registry_validates_and_its_mentions_resolve_against_it_not_against_gold(corpus_copy):
    registry = _pass_d(corpus_copy) / "entities.jsonl"
    assert registry.is_file()
    assert validate(corpus_copy).ok
    # an id of the pass's own registry that gold's lacks is fine in the pass ...
    pass_ids = {json.loads(x)["id"] for x in registry.read_text(encoding="utf-8").splitlines()}
    gold_ids = {json.loads(x)["id"] for x in (corpus_copy / "annotations" / "entities.jsonl").read_text(encoding="utf-8").splitlines()}
    only_gold = sorted(gold_ids - pass_ids)[0]
    # ... and a gold id the pass registry lacks is a dangling reference there
    path = _pass_d(corpus_copy) / "kash-004.jsonl"
    recs = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    line = next(i for i, r in enumerate(recs, 1) if r["type"] == "mention" and r["entity"] is not None)
    recs[line - 1]["entity"] = only_gold
    path.write_text("".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in recs), encoding="utf-8")
    found = validate(corpus_copy).flat()
    assert ("dangling-reference", "annotations/passes/annotator-d/kash-004.jsonl", line) in found


def test_a_pass_registry_is_checked_against_the_pass_mentions_and_never_read_as_a_document(corpus_copy):
    registry = _pass_d(corpus_copy) / "entities.jsonl"
    first = json.loads(registry.read_text(encoding="utf-8").splitlines()[0])
    _edit_lines(registry, json.dumps(first["aliases"], ensure_ascii=False, separators=(",", ":")),
                json.dumps([*first["aliases"], "Zzz never mentioned"], ensure_ascii=False, separators=(",", ":")))
    found = validate(corpus_copy).flat()
    rel = "annotations/passes/annotator-d/entities.jsonl"
    assert ("alias-not-in-corpus", rel, 1) in found
    assert not [f for f in found if f[0] == "unknown-document"]
    # the registry's schema is the registry's: a record without a type is a schema violation with its line
    _edit_lines(registry, f'"type":"{first["type"]}",', "")
    assert ("schema-violation", rel, 1) in validate(corpus_copy).flat()


def test_fmt_rewrites_a_pass_registry_in_canonical_order(corpus_copy):
    from kashcorpus.store import format_corpus

    registry = _pass_d(corpus_copy) / "entities.jsonl"
    lines = registry.read_text(encoding="utf-8").splitlines(keepends=True)
    registry.write_text("".join(reversed(lines)), encoding="utf-8")
    changed, blocking = format_corpus(corpus_copy)
    assert not blocking and changed == ["annotations/passes/annotator-d/entities.jsonl"]
    assert registry.read_text(encoding="utf-8") == "".join(lines)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(corpus=corpora(min_docs=2, max_docs=4), data=st.data())
def test_the_findings_do_not_depend_on_the_order_of_the_metadata_file(corpus, data):
    """A metadata file in canonical order is read as a stream, another one is kept in memory: both find the
    same, stray files included (ids whose sorted order differs from their file names' order, like a-b and a)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = corpus.write(Path(tmp))
        first = corpus.docs[0]
        ids = {d.id for d in corpus.docs}  # a stray file is one of no document ("a0" may be a document's id)
        stray = data.draw(st.sampled_from([n for n in (f"{first.id}-x", f"{first.id}0", "zz", "0bad", "a.b")
                                           if n not in ids]), label="stray")
        (root / "annotations" / "gold" / f"{stray}.jsonl").write_bytes(
            (root / "annotations" / "gold" / f"{first.id}.jsonl").read_bytes())
        (root / "corpus" / "texts" / f"{stray}-t.txt").write_text("x", encoding="utf-8")
        if data.draw(st.booleans(), label="no gold file"):
            (root / "annotations" / "gold" / f"{corpus.docs[-1].id}.jsonl").unlink()
        canonical = validate(root)
        meta = root / "corpus" / "documents.jsonl"
        lines = meta.read_bytes().splitlines(keepends=True)
        meta.write_bytes(b"".join(data.draw(st.permutations(lines), label="order")))
        shuffled = validate(root)
        def where(report):  # a finding of the metadata file is on the line its record moved to: its code counts
            return (sorted(f for f in report.flat() if f[1] != "corpus/documents.jsonl"),
                    sorted(c for c, f, _l in report.flat() if f == "corpus/documents.jsonl"))

        assert where(shuffled) == where(canonical)
        assert shuffled.stats == canonical.stats
        codes = {c for c, _f, _l in canonical.flat()}
        assert "unknown-document" in codes and {"metadata-missing", "seed-file-mismatch"} & codes


def test_the_registry_rules_see_every_batchs_mentions_with_worker_processes(tmp_path):
    """The (entity, text) pairs of the mentions go back from each worker once: the registry rules, run on
    their union, find with two workers what one process finds, over many batches."""
    from kashcorpus.synth import synth

    root = tmp_path / "s"
    synth(root, docs=150, seed=5)
    registry = root / "annotations" / "entities.jsonl"
    records = [orjson.loads(line) for line in registry.read_bytes().splitlines()]
    for r in records[::2]:
        r["aliases"] = [*r["aliases"][1:], "Never Mentioned"][:1] if r["aliases"] else ["Never Mentioned"]
    registry.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    one, two = validate(root, jobs=1), validate(root, jobs=2)
    codes = {c for c, _f, _l in one.flat()}
    assert {"mention-text-not-alias", "alias-not-in-corpus"} <= codes
    assert two.flat() == one.flat() and two.stats == one.stats


@pytest.mark.parametrize("spans, shared", [(((9, 13), (9, 11)), ""), (((9, 11), (12, 13)), " (they share the token 'AT&T')")])
def test_validate_reports_overlapping_mentions_of_a_canonical_file_naming_the_other(tmp_path, spans, shared):
    from helpers import build_small_corpus

    from kashcorpus.io import dumps_annotation_file, read_jsonl
    from kashcorpus.layout import Layout

    text = "They met AT&T staff in Delta.\n"
    root = build_small_corpus(tmp_path / "c", {"doc-a": text}, mentions=False)
    path = Layout(root).gold_path("doc-a")
    recs = read_jsonl(path) + [{"type": "mention", "id": f"m{k}", "start": s, "end": e, "text": text[s:e],
                                "label": "ORG", "entity": None} for k, (s, e) in enumerate(spans, 1)]
    path.write_bytes(dumps_annotation_file(recs))
    found = [f for f in validate(root).findings if f.code == "mention-overlap"]
    first, second = sorted(spans)
    assert [(f.file, f.record, f.message) for f in found] == [
        ("annotations/gold/doc-a.jsonl", f"m{spans.index(second) + 1}",
         f"mention [{second[0]}, {second[1]}) {text[second[0]:second[1]]!r} overlaps mention m{spans.index(first) + 1} "
         f"[{first[0]}, {first[1]}) {text[first[0]:first[1]]!r}{shared}")]

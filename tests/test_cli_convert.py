"""kashcorpus export FORMAT / import FORMAT: one table of formats, the same options for each, old spellings as aliases."""
from __future__ import annotations

import orjson
import pytest

from kashcorpus.cli import main
from kashcorpus.convert import FORMATS
from kashcorpus.io import read_jsonl
from kashcorpus.layout import Layout


def _files(path):
    if path.is_dir():
        return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
    return {path.name: path.read_bytes()}


@pytest.mark.parametrize("name", sorted(f.name for f in FORMATS.values() if f.exports))
def test_every_format_exports_with_the_same_options(name, corpus_copy, tmp_path, capsys):
    out = tmp_path / ("out" if FORMATS[name].target == "folder" else f"out.{name}")
    assert main(["export", name, "kash-003", "kash-004", "--out", str(out), "--layer", "gold",
                 "--root", str(corpus_copy)]) == 0
    said = capsys.readouterr().out
    assert f"wrote 2 documents to {out} ({name}" in said
    assert out.is_dir() if FORMATS[name].target == "folder" else out.is_file()


@pytest.mark.parametrize("name", sorted(f.name for f in FORMATS.values() if f.imports))
def test_every_importing_format_reads_back_its_own_export_into_a_pass(name, corpus_copy, tmp_path, capsys):
    out = tmp_path / ("out" if FORMATS[name].target == "folder" else f"out.{name}")
    assert main(["export", name, "--out", str(out), "--root", str(corpus_copy)]) == 0
    if name == "labelstudio":  # an annotator accepts every prediction: they come back as annotations
        tasks = orjson.loads(out.read_bytes())
        for t in tasks:
            t["annotations"] = [{"id": 1, "completed_by": 1, "result": t.pop("predictions")[0]["result"]}]
        out.write_bytes(orjson.dumps(tasks))
    assert main(["import", name, str(out), "--annotator", "back", "--root", str(corpus_copy)]) == 0, capsys.readouterr()
    layout = Layout(corpus_copy)
    for gold in layout.gold_dir.glob("*.jsonl"):
        assert read_jsonl(layout.pass_path("back", gold.stem))[1:] == read_jsonl(gold)[1:]


@pytest.mark.parametrize("argv", [["export", "brat", "--alignment", "expand"], ["export", "labelstudio", "--alignment", "strict"],
                                  ["import", "brat", ".", "--offsets", "utf16"]])
def test_an_option_the_format_does_not_honour_is_a_usage_error_naming_who_does(argv, corpus_copy, tmp_path, capsys):
    if argv[0] == "export":
        argv = [*argv, "--out", str(tmp_path / "x")]
    assert main([*argv, "--root", str(corpus_copy)]) == 2
    err = capsys.readouterr().err
    assert "applies to" in err and err.count("\n") == 1


def test_text_formats_go_to_standard_output_and_binary_ones_refuse_it(corpus_copy, capsys):
    assert main(["export", "conll", "kash-000", "--out", "-", "--root", str(corpus_copy)]) == 0
    assert capsys.readouterr().out.startswith("-DOCSTART- -X- -X- O\n\n")
    assert main(["export", "checkthat", "kash-000", "--out", "-", "--root", str(corpus_copy)]) == 0
    assert capsys.readouterr().out.startswith("Sentence_id\tText\tclass_label\nkash-000-s")
    assert main(["export", "labelstudio", "kash-000", "--out", "-", "--root", str(corpus_copy)]) == 0
    assert '"doc": "kash-000"' in capsys.readouterr().out
    for name in ("spacy", "brat"):
        assert main(["export", name, "--out", "-", "--root", str(corpus_copy)]) == 2
        assert "give --out PATH" in capsys.readouterr().err


def test_a_bad_layer_document_or_annotator_is_a_usage_error(corpus_copy, tmp_path, capsys):
    for argv in (["export", "conll", "--out", "-", "--layer", "Gold"], ["export", "conll", "nope", "--out", "-"],
                 ["import", "brat", str(tmp_path), "--annotator", "Not A Name"]):
        assert main([*argv, "--root", str(corpus_copy)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("old, new", [
    (["brat", "export", "{out}"], ["export", "brat", "--out", "{out}"]),
    (["spacy", "export", "{out}"], ["export", "spacy", "--out", "{out}", "--alignment", "strict"]),
    (["conll", "export", "--out", "{out}"], ["export", "conll", "--out", "{out}"]),
    (["labelstudio", "export", "--out", "{out}"], ["export", "labelstudio", "--out", "{out}"]),
])
def test_an_old_spelling_says_so_and_writes_what_the_new_one_writes(old, new, corpus_copy, tmp_path, capsys):
    fill = lambda argv, out: [a.replace("{out}", str(out)) for a in argv] + ["--root", str(corpus_copy)]  # noqa: E731
    assert main(fill(old, tmp_path / "old")) == 0
    err = capsys.readouterr().err
    assert f"'kashcorpus {old[0]} {old[1]}' is an old spelling of 'kashcorpus {new[0]} {new[1]}" in err
    assert main(fill(new, tmp_path / "new")) == 0
    assert "old spelling" not in capsys.readouterr().err
    assert list(_files(tmp_path / "old").values()) == list(_files(tmp_path / "new").values())


def test_checkthat_export_is_a_second_spelling_of_export_checkthat_without_a_note(corpus_copy, tmp_path, capsys):
    root = ["--root", str(corpus_copy)]
    assert main(["checkthat", "export", "kash-001", "--out", str(tmp_path / "a.tsv"), *root]) == 0
    assert "old spelling" not in capsys.readouterr().err
    assert main(["export", "checkthat", "kash-001", "--out", str(tmp_path / "b.tsv"), *root]) == 0
    assert (tmp_path / "a.tsv").read_bytes() == (tmp_path / "b.tsv").read_bytes()
    assert (tmp_path / "a.tsv").read_text(encoding="utf-8").startswith("Sentence_id\tText\tclass_label\n")

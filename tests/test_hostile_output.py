"""What a hostile value can do to the output: every printing path escapes it, cuts it and never echoes a refused file."""
from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from hypothesis import given, strategies as st

from helpers import run_cli

from kashcorpus.findings import MAX_LINE_CHARS, safe_output

ROOT = Path(__file__).resolve().parent.parent
DOC = "kash-000"
FORGED = "ORG\n::error file=x::forged\x1b[31m\x07"
SECRET = "KASH-OUTPUT-SECRET-51c2"


run = run_cli  # kashcorpus in process: (exit code, stdout, stderr)


def forged(text: str) -> list[str]:
    """Lines a CI runner would read as a workflow command, and raw terminal control characters."""
    bad = [line for line in text.splitlines() if line.lstrip().startswith(("::", "##["))]
    return bad + [repr(c) for c in "\x1b\x07\x9b" if c in text]


@pytest.fixture
def checkout(corpus_copy) -> Path:
    return corpus_copy


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_the_escaping_function_leaves_no_control_character_and_no_workflow_command(value):
    out = safe_output(f"note: {value}\n{value}\n")
    assert forged(out) == []
    assert not any(c in out for c in "\r\x00\x1b\x85\u2028\u202e")


def test_a_line_of_a_million_tabs_is_cut_to_the_stated_length():
    out = safe_output("x" + "\t" * 1_000_000, limit=MAX_LINE_CHARS)
    assert len(out) < MAX_LINE_CHARS + 40 and out.endswith("(1000001 characters)")


def test_a_label_studio_label_with_a_workflow_command_is_one_escaped_line(checkout, tmp_path, capsys):
    assert run(["export", "labelstudio", DOC, "--root", checkout, "--out", tmp_path / "ls.json"], capsys)[0] == 0
    tasks = orjson.loads((tmp_path / "ls.json").read_bytes())
    region = next(r for r in tasks[0]["predictions"][0]["result"] if r["type"] == "labels")
    region["value"]["labels"] = [FORGED]
    tasks[0]["annotations"] = [{"id": 1, "completed_by": {"email": "a@example.org"}, "result": [region]}]
    (tmp_path / "ls.json").write_bytes(orjson.dumps(tasks))
    code, out, err = run(["import", "labelstudio", tmp_path / "ls.json", "--root", checkout, "--dry-run"], capsys)
    assert code == 1 and "import-unknown-label" in err
    assert forged(out + err) == []
    assert "\\n::error file=x::forged\\x1b[31m" in err


def test_a_brat_file_name_with_a_newline_and_an_escape_is_escaped(checkout, tmp_path, capsys):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "x\n::error::y\x1b[2J.ann").write_text("T1\tORG 0 5\tHamas\n")
    code, out, err = run(["import", "brat", folder, "--root", checkout, "--dry-run"], capsys)
    assert code == 1 and forged(out + err) == []


def test_a_brat_file_that_links_to_the_environment_or_a_secret_is_never_read(checkout, tmp_path, capsys):
    secret = tmp_path / "secret.env"
    secret.write_text(f"TOKEN={SECRET}\nOTHER={SECRET}\n")
    for target in ("/proc/self/environ", str(secret)):
        folder = tmp_path / f"brat-{len(target)}"
        folder.mkdir()
        (folder / f"{DOC}.txt").write_bytes((checkout / "corpus" / "texts" / f"{DOC}.txt").read_bytes())
        (folder / f"{DOC}.ann").symlink_to(target)
        os.environ["KASH_OUTPUT_TEST_TOKEN"] = SECRET
        try:
            code, out, err = run(["import", "brat", folder, "--root", checkout, "--dry-run"], capsys)
        finally:
            del os.environ["KASH_OUTPUT_TEST_TOKEN"]
        assert code == 1 and "(file-unsafe)" in err, err
        assert SECRET not in out + err and "TOKEN" not in out + err and target not in out + err


def test_a_lock_owner_note_with_a_newline_and_an_escape_is_escaped(checkout, capsys):
    from filelock import FileLock

    from kashcorpus.store import _lock_file

    lock = _lock_file(checkout, checkout / "annotations" / "gold" / f"{DOC}.jsonl")
    lock.parent.mkdir(parents=True, exist_ok=True)
    held = FileLock(str(lock))
    held.acquire()
    try:
        Path(f"{lock}.owner").write_bytes(orjson.dumps({"pid": 1, "command": FORGED, "since": "\x1b]0;x\x07"}))
        code, out, err = run(["span", "rm", DOC, "z1", "--root", checkout, "--timeout", "0.2"], capsys)
    finally:
        held.release()
    assert code == 1 and "(lock-timeout)" in err
    assert forged(out + err) == []


def test_a_usage_error_escapes_the_value_it_quotes(capsys):
    code, out, err = run(["validate", "--jobs", "1\x1b[31m\n::error::x"], capsys)
    assert code == 2 and forged(out + err) == [] and "\\x1b[31m" in err


def test_success_messages_escape_the_out_path(checkout, tmp_path, capsys):
    out_path = tmp_path / "x\x1b[31m\n::warning::y.json"
    code, out, err = run(["export", "labelstudio", DOC, "--root", checkout, "--out", out_path], capsys)
    assert code == 0 and forged(out + err) == [] and "\\x1b[31m" in out


def test_a_text_replace_snippet_with_escapes_is_escaped(checkout, capsys):
    code, out, err = run(["text", "replace", DOC, "--old", "Hamas", "--new", "Ha\x1bmas", "--occurrence", "1",
                          "--root", checkout], capsys)
    assert forged(out + err) == []


@pytest.mark.parametrize("payload,code_word", [(b"\xff\xfe not utf-8", "convert"), (b"[{\"data\": ", "convert"),
                                                (b"\x00" * 10, "convert")], ids=["not-utf8", "cut-json", "nul"])
def test_a_label_studio_file_that_cannot_be_decoded_is_a_data_error_naming_the_file(payload, code_word, checkout,
                                                                                     tmp_path, capsys):
    bad = tmp_path / "export.json"
    bad.write_bytes(payload)
    code, out, err = run(["import", "labelstudio", bad, "--root", checkout, "--annotator", "a"], capsys)
    assert code == 1, err
    assert "export.json" in err and f"({code_word})" in err and len(err.splitlines()) == 1


def test_a_brat_file_that_is_not_utf8_names_its_line_and_never_echoes_its_bytes(checkout, tmp_path, capsys):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / f"{DOC}.txt").write_bytes((checkout / "corpus" / "texts" / f"{DOC}.txt").read_bytes())
    (folder / f"{DOC}.ann").write_bytes(b"T1\tORG 0 5\tHamas\nT2\tORG 0 5\t" + SECRET.encode() + b"\xff\n")
    code, out, err = run(["import", "brat", folder, "--root", checkout], capsys)
    assert code == 1 and f"{DOC}.ann line 2 is not UTF-8" in err and SECRET not in err


def test_repeated_problems_are_summarised_after_the_stated_number(checkout, tmp_path, capsys):
    from kashcorpus.cli._common import MAX_REPORTED

    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / f"{DOC}.txt").write_bytes((checkout / "corpus" / "texts" / f"{DOC}.txt").read_bytes())
    (folder / f"{DOC}.ann").write_text("".join(f"T{i}\tNOPE 0 5\tHamas\n" for i in range(1, 3000)))
    code, out, err = run(["import", "brat", folder, "--root", checkout, "--annotator", "a"], capsys)
    assert code == 1
    assert sum("import-unknown-label" in line for line in err.splitlines()) == MAX_REPORTED + 1
    assert f"and {2999 - MAX_REPORTED} more import-unknown-label problems" in err


def test_a_link_description_and_note_with_a_workflow_command_are_escaped_in_every_listing(checkout, capsys):
    link = "claim-asghar-khan-kashmiri-role"
    code, out, err = run(["link", "set", link, "--description", FORGED, "--note", FORGED, "--root", checkout], capsys)
    assert code == 0 and forged(out + err) == [], err
    for argv in (["link", "ls"], ["link", "ls", link]):
        code, out, err = run([*argv, "--root", checkout], capsys)
        assert code == 0 and forged(out + err) == [] and "\\x1b[31m" in out, argv


def test_a_saved_page_whose_title_and_author_hold_escapes_is_proposed_escaped(checkout, tmp_path, capsys):
    page = (ROOT / "tests" / "fixtures" / "pages" / "news-site.html").read_text(encoding="utf-8")
    hostile = "&#10;::error file=x::forged&#x202e;"  # (an ESC or BEL is refused: add-binary)
    page = page.replace(">Talks on Indus water data resume in Lahore<", f">Talks on Indus water data{hostile} resume in "
                                                                            "Lahore<")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    code, out, err = run(["document", "add", tmp_path / "page.html", "--root", checkout, "--dry-run"], capsys)
    assert forged(out + err) == [], out + err
    assert "Traceback" not in err and "internal-error" not in err
    assert code == 0 and "::error file=x::forged" in out and "\\u202e" in out, out  # shown, escaped


def test_a_pass_label_with_a_workflow_command_is_one_escaped_line_of_the_adjudication_listing(checkout, capsys):
    path = checkout / "annotations" / "passes" / "annotator-c" / f"{DOC}.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    i = next(i for i, raw in enumerate(lines) if b'"type":"mention"' in raw)
    rec = orjson.loads(lines[i])
    rec["label"] = FORGED
    lines[i] = orjson.dumps(rec) + b"\n"
    path.write_bytes(b"".join(lines))
    code, out, err = run(["adjudicate", DOC, "--from", "pass-annotator-c", "--root", checkout], capsys)
    assert code == 1 and "(corpus-invalid)" in err and out == "" and forged(err) == []
    code, out, err = run(["adjudicate", DOC, "--from", "pass-annotator-c", "--root", checkout, "--force"], capsys)
    assert code == 0 and forged(out + err) == [], out
    shown = [line for line in out.splitlines() if "forged" in line]
    assert shown and all("ORG\\n::error file=x::forged\\x1b[31m\\x07" in line for line in shown), shown

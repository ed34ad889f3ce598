"""The command line: exit codes, formats, and no heavy imports at start-up."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kashcorpus.cli import main


def test_validate_on_the_corpus_exits_zero(repo_root, capsys, monkeypatch):
    monkeypatch.chdir(repo_root)
    assert main(["validate"]) == 0
    assert "0 errors" in capsys.readouterr().out


def test_validate_on_a_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope")]) == 2
    assert "error:" in capsys.readouterr().err


def test_build_with_no_worker_processes_is_a_usage_error_and_writes_nothing(repo_root, tmp_path, capsys):
    assert main(["build", str(repo_root), "--out", str(tmp_path / "ds"), "--jobs", "0"]) == 2
    assert "--jobs 0" in capsys.readouterr().err and not (tmp_path / "ds").exists()


def test_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["validate", "--no-such-option"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_help_and_validate_do_not_import_datasets_pandas_pyarrow_or_the_page_extractor(repo_root):
    code = ("import sys; from kashcorpus.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit: pass\n"
            "main(['validate', sys.argv[1]])\n"
            "bad = [m for m in ('datasets', 'pandas', 'pyarrow', 'trafilatura', 'lxml') if m in sys.modules]\n"
            "assert not bad, bad\n")
    r = subprocess.run([sys.executable, "-c", code, str(repo_root)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_codes_json_lists_every_catalogue_entry(capsys):
    assert main(["codes", "--format", "json"]) == 0
    cat = json.loads(capsys.readouterr().out)
    assert "span-text-mismatch" in cat and all("fix" in e for e in cat.values())


def test_a_fault_of_kashcorpus_itself_exits_70_in_one_line_ending_with_its_code_and_blames_no_data(monkeypatch, capsys):
    import kashcorpus.resources

    def broken():
        raise AttributeError("a bug")

    monkeypatch.setattr(kashcorpus.resources, "findings_catalogue", broken)
    assert main(["codes"]) == 70
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].endswith("(internal-error)") and "AttributeError: a bug" in err[0]
    assert "corpus-invalid" not in err[0]

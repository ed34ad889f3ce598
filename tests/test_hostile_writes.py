"""Where the tools write in a hostile checkout: never through a link, never a half build, never a planted cache."""
from __future__ import annotations

import errno
import os
import shutil
import time
from pathlib import Path

import orjson
import pytest

from helpers import run_cli


ROOT = Path(__file__).resolve().parent.parent


run = run_cli  # kashcorpus in process: (exit code, stdout, stderr)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def checkout(tmp_path) -> Path:
    root = tmp_path / "checkout"
    for name in ("corpus", "annotations"):
        shutil.copytree(ROOT / name, root / name)
    return root


@pytest.fixture
def built(sample_dataset, tmp_path) -> Path:
    """A copy of a good built folder that a test may damage."""
    _root, folder = sample_dataset
    copy = tmp_path / "dataset"
    shutil.copytree(folder, copy)
    return copy


@pytest.mark.slow
def test_a_failed_build_leaves_the_previous_build_untouched(sample_dataset, tmp_path, monkeypatch):
    import kashcorpus.build as build_module

    root, folder = sample_dataset
    out = tmp_path / "dist" / "dataset"
    shutil.copytree(folder, out)
    before = files(out)

    def full_disk(_out):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build_module, "manifest", full_disk)
    with pytest.raises(OSError):
        build_module.build(root, out)
    assert files(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["dataset"]  # no folder built aside is left


@pytest.mark.slow
def test_a_build_replaces_the_previous_one_whole_and_keeps_a_hub_clone(sample_dataset, tmp_path):
    from kashcorpus.build import build

    root, folder = sample_dataset
    out = tmp_path / "dataset"
    shutil.copytree(folder, out)
    (out / "data" / "stale-config").mkdir()
    (out / "data" / "stale-config" / "x.parquet").write_bytes(b"old")
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    build(root, out)
    assert not (out / "data" / "stale-config").exists()
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert files(out).keys() - {".git/HEAD"} == files(folder).keys()


@pytest.mark.parametrize("command", [["build"], ["view"], ["build", "--out", "dist/dataset"],
                                     ["view", "--out", "dist/site"]])
def test_a_committed_dist_link_never_takes_output_outside_the_checkout(command, checkout, tmp_path, capsys,
                                                                       monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "README.md").write_text("mine\n")
    (checkout / "dist").symlink_to(outside)
    monkeypatch.chdir(checkout)
    code, _out, err = run([*command, checkout], capsys)
    assert code == 1 and "dist is a symbolic link" in err and "(file-unsafe)" in err
    assert files(outside) == {"README.md": b"mine\n"}


def test_a_linked_card_or_doc_is_refused_and_never_replaced_by_a_copy(checkout, tmp_path, capsys, monkeypatch):
    outside = tmp_path / "card.md"
    outside.write_text("<!-- stats:start -->\nold\n<!-- stats:end -->\n")
    (checkout / "DATACARD.md").symlink_to(outside)
    monkeypatch.chdir(checkout)
    code, _out, err = run(["stats", checkout, "--write"], capsys)
    assert code == 1 and "DATACARD.md is a symbolic link" in err
    assert (checkout / "DATACARD.md").is_symlink() and "old" in outside.read_text()


def test_docs_write_refuses_a_linked_doc(tmp_path, capsys):
    root = tmp_path / "repo"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".venv", ".git", "dist", "__pycache__", "bench"))
    real = root / "docs" / "validation.md"
    outside = tmp_path / "validation.md"
    shutil.move(real, outside)
    real.symlink_to(outside)
    before = outside.read_bytes()
    code, _out, err = run(["docs", root, "--write"], capsys)
    assert code == 1 and "docs/validation.md is a symbolic link" in err
    assert real.is_symlink() and outside.read_bytes() == before


@pytest.mark.parametrize("damage", ["truncated-parquet", "missing-parquet", "extra-file", "linked-file",
                                    "sums-not-utf8"])
def test_summary_and_diff_name_the_damaged_file_of_a_built_folder(damage, built, sample_dataset, capsys):
    shard = sorted((built / "data" / "mentions").glob("*.parquet"))[0]
    rel = shard.relative_to(built).as_posix()
    if damage == "truncated-parquet":
        shard.write_bytes(shard.read_bytes()[:100])
    elif damage == "missing-parquet":
        shard.unlink()
    elif damage == "extra-file":
        rel = "data/mentions/extra.parquet"
        (built / rel).write_bytes(b"PAR1")
    elif damage == "linked-file":
        shard.unlink()
        shard.symlink_to("/etc/hostname")
    else:
        rel = "SHA256SUMS"
        (built / rel).write_bytes(b"\xff\xfe")
    for argv in (["summary", built], ["diff", sample_dataset[1], built]):
        code, out, err = run(argv, capsys)
        assert code == 1 and "(dataset-damaged)" in err and rel in err, (argv, err)
        assert "internal-error" not in err and "Traceback" not in err


def test_summary_of_a_checkout_says_what_it_expects(checkout, capsys):
    code, _out, err = run(["summary", checkout], capsys)
    assert code == 2 and "is a corpus checkout; summary expects a built dataset folder" in err
    assert "task.toml" not in err


@pytest.mark.parametrize("reader", [["export", "conll", "--out", "-", "--root", "{root}"], ["stats", "{root}"],
                                    ["agree", "{root}"], ["diff", "{root}", "{root}"],
                                    ["adjudicate", "--from", "pass-annotator-c", "--root", "{root}"],
                                    ["link", "ls", "--root", "{root}"]])
def test_a_reader_refuses_an_invalid_corpus_in_one_line_and_force_runs_it_loudly(reader, checkout, tmp_path, capsys):
    (checkout / "annotations" / "gold" / "kash-001.jsonl").unlink()
    argv = [a.format(root=checkout, tmp=tmp_path) for a in reader]
    code, out, err = run(argv, capsys)
    assert code == 1 and "(corpus-invalid)" in err and len(err.strip().splitlines()) == 1 and out == ""
    code, _out, err = run([*argv, "--force"], capsys)
    assert code == 0 and err.startswith("warning: the checkout") and "--force" in err


@pytest.mark.parametrize("reader", [["view", "{root}", "--out", "{tmp}/site"],
                                    ["evaluate", "{root}/annotations/gold", "--gold", "{root}"]])
def test_the_site_and_the_scores_of_an_invalid_corpus_say_so_first(reader, checkout, tmp_path, capsys):
    (checkout / "annotations" / "gold" / "kash-001.jsonl").unlink()
    code, _out, err = run([a.format(root=checkout, tmp=tmp_path) for a in reader], capsys)
    assert err.startswith("warning: the checkout") and "cannot be used" in err.splitlines()[0]
    assert "Traceback" not in err and code in (0, 1)


def test_a_journal_the_store_did_not_write_is_set_aside_and_stops_blocking(checkout, capsys):
    journal = checkout / ".kashcorpus" / "journal"
    journal.mkdir(parents=True)
    (journal / f"{'a' * 32}.json").write_bytes(b'{"files": [["/etc/passwd", "x"]]}')
    assert run(["validate", checkout], capsys)[0] == 1  # change-interrupted
    assert run(["fmt", checkout], capsys)[0] == 0
    assert run(["validate", checkout], capsys)[0] == 0
    assert (journal / f"{'a' * 32}.json.rejected").is_file()


def test_a_dead_writers_temporary_journal_is_removed_and_a_fresh_one_is_left(checkout, capsys):
    from kashcorpus.store import STALE_TEMP_SECONDS

    journal = checkout / ".kashcorpus" / "journal"
    journal.mkdir(parents=True)
    old, fresh = journal / ".x.json.old.tmp", journal / ".y.json.new.tmp"
    for p in (old, fresh):
        p.write_bytes(b"{")
    past = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(old, (past, past))
    assert run(["fmt", checkout], capsys)[0] == 0
    assert not old.exists() and fresh.exists()


@pytest.mark.parametrize("place", [".kashcorpus/locks", ".kashcorpus/journal", ".kashcorpus/texts"])
def test_a_linked_state_folder_is_a_finding_and_no_writer_writes_there(place, checkout, tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (checkout / place).parent.mkdir(parents=True, exist_ok=True)
    (checkout / place).symlink_to(outside)
    article = tmp_path / "rain.txt"
    article.write_text("Rain in Lahore\n\nIt rained all day in Lahore.\n")
    code, out, _err = run(["validate", checkout], capsys)
    assert code == 1 and f"{place}: error file-unsafe" in out
    for argv in (["span", "rm", "kash-000", "z1", "--root", checkout],
                 ["entity", "merge", "doha", "ankara", "--root", checkout],
                 ["adjudicate", "kash-000", "--from", "pass-annotator-c", "--accept", "c3:c3", "--root", checkout],
                 ["text", "replace", "kash-000", "--old", "Hamas", "--new", "HAMAS", "-n", "1", "--reanchor",
                  "--root", checkout],
                 ["document", "add", article, "--root", checkout]):
        code, _out, err = run(argv, capsys)
        assert "Traceback" not in err and "internal-error" not in err
        assert code == 1 or place == ".kashcorpus/texts" and argv[0] != "text", (argv, err)  # only text keeps texts
    assert list(outside.iterdir()) == []


def test_a_linked_owner_note_is_never_written_through_or_deleted(checkout, tmp_path, capsys):
    secret = tmp_path / "secret.env"
    secret.write_text("TOKEN=x\n")
    locks = checkout / ".kashcorpus" / "locks"
    locks.mkdir(parents=True)
    owner = locks / "annotations%gold%kash-000.jsonl.lock.owner"
    owner.symlink_to(secret)
    code, _out, err = run(["span", "rm", "kash-000", "z1", "--root", checkout], capsys)
    assert code == 1 and "(file-unsafe)" in err and ".lock.owner" in err
    assert secret.read_text() == "TOKEN=x\n" and owner.is_symlink()


def test_a_missing_links_file_is_said_on_the_last_line(checkout, capsys):
    (checkout / "annotations" / "links.jsonl").unlink()
    code, out, _err = run(["validate", checkout], capsys)
    assert code == 0 and out.splitlines()[-1].endswith("no annotations/links.jsonl: no cross-document links are "
                                                        "checked or published")


def test_jobs_are_capped_at_the_documents_and_the_cpus(checkout, capsys):
    from kashcorpus.cli._common import cap_jobs

    assert cap_jobs(256, checkout) <= min(5, os.cpu_count() or 1)
    assert run(["validate", checkout, "--jobs", "256"], capsys)[0] == 0


def test_a_planted_shared_cache_folder_is_never_used(tmp_path, monkeypatch):
    import tempfile

    from kashcorpus.loader import private_cache

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    planted = tmp_path / f"kashcorpus-cache-{os.getuid()}"
    planted.mkdir()
    os.chmod(planted, 0o777)
    got = private_cache()
    assert got != planted and got.parent == tmp_path and (got.stat().st_mode & 0o777) == 0o700


def test_a_changed_cached_build_is_built_again(tmp_path, monkeypatch):
    from kashcorpus.loader import dataset_folder

    monkeypatch.setenv("KASHCORPUS_CACHE", str(tmp_path / "cache"))
    folder = dataset_folder()
    card = folder / "README.md"
    good = card.read_bytes()
    card.write_bytes(good + b"planted\n")
    assert (dataset_folder() / "README.md").read_bytes() == good
    assert orjson.loads((folder / "croissant.json").read_bytes())["name"]

"""The safe store: validated all-or-nothing changes, canonical bytes, locks, and writers that die mid-write."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kashcorpus.io import dumps_line
from kashcorpus.layout import Layout
from kashcorpus.io import read_jsonl
from kashcorpus.store import HOOKS, Change, ChangeRefused, StoreError, format_corpus, recover, state_dir
from kashcorpus.validate import validate

from helpers import build_small_corpus, snapshot


@pytest.fixture
def small(tmp_path) -> Path:
    return build_small_corpus(tmp_path / "small")


def test_the_small_corpus_is_valid(small):
    report = validate(small)
    assert report.ok, report.flat()


def test_a_change_writes_only_the_files_that_differ(small):
    lay = Layout(small)
    with Change(small, [lay.gold_path("doc-a"), lay.gold_path("doc-b")]) as ch:
        af = ch.annotations(lay.gold_path("doc-a"), "doc-a", "gold")
        af.get("m1")["note"] = "checked"
        ch.put(af)
        ch.put(ch.annotations(lay.gold_path("doc-b"), "doc-b", "gold"))
    assert ch.written == ["annotations/gold/doc-a.jsonl"]


def test_unchanged_records_keep_their_bytes_even_when_not_canonical(small):
    lay = Layout(small)
    path = lay.gold_path("doc-b")
    lines = path.read_bytes().splitlines(keepends=True)
    loose = orjson.loads(lines[3])
    lines[3] = b'{"type": "mention", ' + orjson.dumps({k: v for k, v in loose.items() if k != "type"})[1:] + b"\n"
    path.write_bytes(b"".join(lines))
    with Change(small, [path]) as ch:
        af = ch.annotations(path, "doc-b", "gold")
        af.get("m1")["note"] = "checked"
        ch.put(af)
    new = path.read_bytes().splitlines(keepends=True)
    assert [i for i, (a, b) in enumerate(zip(lines, new)) if a != b] == [2]
    assert len(new) == len(lines) and new[3].startswith(b'{"type": "mention", ')


def test_a_change_that_adds_an_error_is_refused_and_changes_nothing(small):
    before = snapshot(small)
    lay = Layout(small)
    with pytest.raises(ChangeRefused) as err:
        with Change(small, [lay.gold_path("doc-a")]) as ch:
            af = ch.annotations(lay.gold_path("doc-a"), "doc-a", "gold")
            af.get("m1")["start"] += 1
            ch.put(af)
    assert "span-text-mismatch" in str(err.value) and "nothing was changed" in str(err.value)
    assert snapshot(small) == before


def test_an_error_that_was_already_there_does_not_block_other_changes(small):
    lay = Layout(small)
    path = lay.gold_path("doc-b")
    recs = [orjson.loads(x) for x in path.read_bytes().splitlines()]
    recs[2]["label"] = "NOPE"
    path.write_bytes(b"".join(dumps_line(r, r["type"]) for r in recs))
    with Change(small, [lay.gold_path("doc-a")]) as ch:
        af = ch.annotations(lay.gold_path("doc-a"), "doc-a", "gold")
        af.get("m1")["note"] = "fine"
        ch.put(af)
    assert ch.written == ["annotations/gold/doc-a.jsonl"]


def test_an_exception_inside_the_block_writes_nothing(small):
    before = snapshot(small)
    lay = Layout(small)
    with pytest.raises(RuntimeError):
        with Change(small, [lay.gold_path("doc-a")]) as ch:
            af = ch.annotations(lay.gold_path("doc-a"), "doc-a", "gold")
            af.records.clear()
            ch.put(af)
            raise RuntimeError("boom")
    assert snapshot(small) == before


def test_a_failure_while_staging_several_files_leaves_no_file_changed_and_no_temporary_file(small):
    before = snapshot(small)
    lay = Layout(small)

    def fail(**_kw):
        raise OSError("disk full")

    HOOKS["staged"] = fail
    try:
        with pytest.raises(OSError):
            with Change(small, [lay.gold_path("doc-a"), lay.gold_path("doc-b")]) as ch:
                for doc in ("doc-a", "doc-b"):
                    af = ch.annotations(lay.gold_path(doc), doc, "gold")
                    af.get("m1")["note"] = "both"
                    ch.put(af)
    finally:
        HOOKS.clear()
    assert snapshot(small) == before


def test_staging_a_file_that_was_not_locked_is_a_programming_error(small):
    lay = Layout(small)
    with pytest.raises(RuntimeError):
        with Change(small, [lay.gold_path("doc-a")]) as ch:
            ch.stage(lay.gold_path("doc-b"), b"")


def test_a_lock_held_elsewhere_makes_a_change_wait_then_give_up_with_one_sentence(small):
    lay = Layout(small)
    with Change(small, [lay.gold_path("doc-a")]):
        code = textwrap.dedent(f"""
            from pathlib import Path
            from kashcorpus.layout import Layout
            from kashcorpus.store import Change, StoreError
            root = Path({str(small)!r})
            try:
                with Change(root, [Layout(root).gold_path("doc-a")], timeout=0.2):
                    pass
            except StoreError as e:
                print(e)
        """)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert f"is being changed by process {os.getpid()} (" in out and "gave up after 0.2 s (--timeout)" in out


# -- writers that die ---------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from kashcorpus.layout import Layout
    from kashcorpus.store import HOOKS, Change

    root, mode = Path(sys.argv[1]), sys.argv[2]
    lay = Layout(root)

    def pause(**kw):
        print("ready", flush=True)
        time.sleep(60)

    if mode in ("staged", "published"):
        HOOKS[mode] = pause
    docs = ["doc-a", "doc-b"] if mode == "published" else ["doc-a"]
    n = 0
    while True:
        n += 1
        # (the loop writes many copies of m1: identical twins, which this test of atomic writes lets through)
        with Change(root, [lay.gold_path(d) for d in docs], allow=["duplicate-record"]) as ch:
            for d in docs:
                af = ch.annotations(lay.gold_path(d), d, "gold")
                if mode == "loop":
                    m1 = af.get("m1")
                    af.records[:] = [r for r in af.records if not int(r["id"][1:]) >= 1000]
                    if n % 2:  # ids are never reused: each round's copies get new ones
                        first = max(1000, int(af.next_id("mention")[1:]))
                        af.records += [dict(m1, id=f"m{first + i}") for i in range(EXTRA)]
                else:
                    af.get("m1")["note"] = "changed"
                ch.put(af)
        if n == 1:
            print("ready", flush=True)
""").replace("EXTRA", "20000")


def _writer(root: Path, mode: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(root), mode], stdout=subprocess.PIPE, text=True)


def _kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()


def _note(path: Path):
    return next(orjson.loads(x) for x in path.read_bytes().splitlines() if b'"id":"m1"' in x).get("note")


def test_a_writer_killed_between_staging_and_renaming_leaves_the_old_file(small):
    before = snapshot(small)
    proc = _writer(small, "staged")
    assert proc.stdout.readline().strip() == "ready"
    _kill(proc)
    path = Layout(small).gold_path("doc-a")
    assert path.read_bytes() == before["annotations/gold/doc-a.jsonl"]
    assert validate(small).ok
    assert list(path.parent.glob(".*.tmp")), "the dead writer's temporary file is still there"
    recover(small)
    assert snapshot(small) == before


def test_a_writer_killed_during_large_writes_leaves_the_old_or_the_new_file_never_a_mix(small):
    path = Layout(small).gold_path("doc-a")
    old = path.read_bytes()
    proc = _writer(small, "loop")
    assert proc.stdout.readline().strip() == "ready"
    seen = set()
    for _ in range(500):
        seen.add(hashlib.sha256(path.read_bytes()).hexdigest())
        if len(seen) >= 2:
            break
        time.sleep(0.01)
    _kill(proc)
    lines, before = path.read_bytes().splitlines(), old.splitlines()
    assert len(lines) in (len(before), len(before) + 20000)  # the old or the new file, never a mix
    assert set(before[1:]) <= set(lines[1:])
    assert validate(small).ok


def test_a_writer_killed_half_way_through_a_change_of_several_files_is_completed_by_the_next_change(small):
    lay = Layout(small)
    proc = _writer(small, "published")
    assert proc.stdout.readline().strip() == "ready"
    _kill(proc)
    assert [_note(lay.gold_path(d)) for d in ("doc-a", "doc-b")] == ["changed", None]
    interrupted = [f for f in validate(small).findings if f.code == "change-interrupted"]
    assert len(interrupted) == 1 and interrupted[0].file.startswith(".kashcorpus/journal/")  # readers say so
    assert recover(small) == ["annotations/gold/doc-b.jsonl"]
    assert [_note(lay.gold_path(d)) for d in ("doc-a", "doc-b")] == ["changed", "changed"]
    assert validate(small).ok
    assert not list((state_dir(small) / "journal").glob("*.json"))


def test_a_journal_whose_writer_still_holds_the_locks_is_left_alone(small):
    Layout(small)
    proc = _writer(small, "published")
    assert proc.stdout.readline().strip() == "ready"
    try:
        assert recover(small) == []
        assert list((state_dir(small) / "journal").glob("*.json"))
    finally:
        _kill(proc)


def test_the_store_error_carries_one_sentence(small):
    err = StoreError("one sentence")
    assert str(err) == "one sentence" and err.details == []


# -- fmt races an edit: both changes are kept; a wait names the holder and honours --timeout ----------------

def _slow_fmt(root: Path, flag: Path, seconds: float) -> subprocess.Popen:
    """``format_corpus`` in another process, sleeping ``seconds`` between staging its files and publishing them."""
    code = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from kashcorpus import store
        def slow(**kw):
            Path({str(flag)!r}).touch()
            time.sleep({seconds})
        store.HOOKS["staged"] = slow
        with store.lock_policy(holder="kashcorpus fmt"):
            print(store.format_corpus(Path({str(root)!r})))
    """)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _unformat(path: Path) -> bytes:
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + b"".join(reversed(lines[1:])))  # records out of canonical order: fmt rewrites it
    return path.read_bytes()


def _span_add(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kashcorpus", "span", "add", "doc-a", "--layer", "claim", "--label",
                           "event", "--quote", "the deal was off", "--root", str(root),
                           *extra], capture_output=True, text=True, timeout=120)


def _wait_for(flag: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_an_edit_racing_a_slow_fmt_is_kept_and_the_wait_names_the_holder(small, tmp_path):
    gold = Layout(small).gold_path("doc-a")
    unformatted = _unformat(gold)
    flag = tmp_path / "staged"
    fmt = _slow_fmt(small, flag, 2.0)
    _wait_for(flag, fmt)  # fmt has read and staged every file, and holds their locks
    edit = _span_add(small, "--timeout", "60")
    fmt_out, fmt_err = fmt.communicate(timeout=60)
    assert fmt.returncode == 0, fmt_err
    assert "annotations/gold/doc-a.jsonl" in fmt_out  # fmt did rewrite the file the edit changed
    assert edit.returncode == 0, edit.stderr
    assert edit.stdout.startswith("added c")
    assert f"is locked by process {fmt.pid} (kashcorpus fmt) since " in edit.stderr
    added = edit.stdout.split()[1]
    recs = {r.get("id"): r for r in read_jsonl(gold)}
    assert recs[added]["text"] == "the deal was off"  # the edit survived fmt
    assert gold.read_bytes() != unformatted  # and fmt's work survived the edit
    assert format_corpus(small, write=False) == ([], [])


def test_a_lock_wait_gives_up_after_timeout_naming_the_holder_and_changes_nothing(small, tmp_path):
    gold = Layout(small).gold_path("doc-a")
    _unformat(gold)
    flag = tmp_path / "staged"
    fmt = _slow_fmt(small, flag, 3.0)
    _wait_for(flag, fmt)
    before = gold.read_bytes()
    started = time.monotonic()
    edit = _span_add(small, "--timeout", "0.5")
    waited = time.monotonic() - started
    fmt.communicate(timeout=60)
    assert edit.returncode == 1 and edit.stdout == ""
    assert f"is being changed by process {fmt.pid} (kashcorpus fmt)" in edit.stderr
    assert "gave up after 0.5 s (--timeout)" in edit.stderr and "(lock-timeout)" in edit.stderr
    assert waited < 2.9  # it did not wait for fmt to finish
    assert sorted(str(r.get("id")) for r in read_jsonl(gold)) == sorted(str(orjson.loads(x).get("id"))
                                                                        for x in before.splitlines())


def test_fmt_finishes_an_interrupted_change_and_removes_its_journal_and_temporary_files(small):
    lay = Layout(small)
    proc = _writer(small, "published")
    assert proc.stdout.readline().strip() == "ready"
    _kill(proc)
    assert not validate(small).ok
    format_corpus(small)
    assert [_note(lay.gold_path(d)) for d in ("doc-a", "doc-b")] == ["changed", "changed"]
    assert validate(small).ok
    assert not list((state_dir(small) / "journal").glob("*.json"))
    assert not list(lay.gold_dir.glob(".*.tmp"))


def test_a_journal_naming_files_outside_the_data_folders_is_never_followed(small, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n")
    jdir = state_dir(small) / "journal"
    jdir.mkdir(parents=True)
    (small / "corpus" / ".x.tmp").write_text("evil\n")
    (jdir / "evil.json").write_bytes(orjson.dumps({"files": [["corpus/.x.tmp", "../victim.txt"]]}))
    assert recover(small) == []
    assert victim.read_text() == "keep\n"


def test_fmt_puts_a_hand_written_removed_list_in_order_and_keeps_every_id_of_it(small):
    path = Layout(small).gold_path("doc-a")
    lines = path.read_bytes().split(b"\n")
    header = orjson.loads(lines[0])
    lines[0] = orjson.dumps({**header, "removed": {"mention": [90, 88, 90], "zone": [7]}})
    path.write_bytes(b"\n".join(lines))
    format_corpus(small)
    assert orjson.loads(path.read_bytes().split(b"\n")[0])["removed"] == {"zone": [7], "mention": [88, 90]}
    assert list(orjson.loads(path.read_bytes().split(b"\n")[0])["removed"]) == ["zone", "mention"]


@given(st.sets(st.tuples(st.sampled_from("zmca"), st.integers(1, 10**7 - 1)), max_size=30))
def test_a_header_lists_exactly_the_removed_ids_it_is_given_and_the_next_id_is_above_them(pairs):
    from kashcorpus.model import ID_PREFIX, next_id, removed_ids, with_removed

    ids = {f"{p}{n}" for p, n in pairs}
    header = with_removed({"type": "header", "doc": "d"}, sorted(ids, reverse=True))
    assert removed_ids(header) == ids
    assert all(nums == sorted(set(nums)) for nums in header.get("removed", {}).values())
    for kind, prefix in ID_PREFIX.items():
        new = next_id([], kind, ids)
        assert new not in ids and int(new[1:]) > max((n for p, n in pairs if p == prefix), default=0)

"""Reading and writing corpus files: canonical form, per-file locks, validated all-or-nothing changes."""
from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from collections.abc import Callable, Iterable

import orjson

from .errors import ChangeRefused, FileUnsafe, LockTimeout, StoreError
from .findings import Finding
from .io import atomic_write, check_inside, unsafe_part, dumps_annotation_file, read_bytes, dumps_line, dumps_table, read_text, sort_key, stage
from .layout import Layout
from .model import RECORD_TYPES
from .validate.schemas import schema_findings
from .validate.syntax import iter_objects

TABLES = (("documents_file", "document"), ("entities_file", "entity"), ("links_file", "link"))


def _load(path: Path, rel: str, schema_of) -> tuple[list[dict], list[Finding]]:
    records, bad = [], []
    for item in iter_objects(path, rel):
        if isinstance(item, Finding):
            if item.level <= 2 and item.severity == "error":
                bad.append(item)
            continue
        line, obj = item
        name = schema_of(obj)
        if name is None:
            from .findings import make_finding

            bad.append(make_finding("unknown-record-type", file=rel, line=line, rtype=obj.get("type"),
                                    allowed=", ".join(RECORD_TYPES)))
            continue
        bad.extend(schema_findings(obj, name, rel, line, None))
        records.append(obj)
    return records, bad


def _annotation_schema(obj: dict) -> str | None:
    t = obj.get("type")
    return t if t in RECORD_TYPES else None


def format_corpus(root: Path, write: bool = True, timeout: float | None = None) -> tuple[list[str], list[Finding]]:
    """Rewrite every data file in canonical form; return ``(changed files, blocking findings)``.

    Nothing is written when any file has a syntax or schema error. The files are locked, read and
    written through a :class:`Change` (the journaled store), so an edit made meanwhile is never lost.
    """
    layout = Layout(Path(root))
    if not write:
        plans, blocking = _format_plans(layout)
        if blocking:
            return [], blocking
        return [layout.rel(p) for p, data in plans if read_bytes(p, layout.root) != data], []
    paths = ([getattr(layout, attr) for attr, _s in TABLES] + [p for _l, p in layout.pass_registries()]
             + [p for _l, p in layout.annotation_files()])
    with Change(Path(root), paths, timeout=timeout, validate=False) as change:
        plans, blocking = _format_plans(layout)  # read under the locks: no edit can slip in between
        if blocking:
            return [], blocking
        for path, data in plans:
            change.stage(path, data)
        changed = [layout.rel(p) for p in change.changed_files()]
    return changed, []


def _format_plans(layout: Layout) -> tuple[list[tuple[Path, bytes]], list[Finding]]:
    plans: list[tuple[Path, bytes]] = []
    blocking: list[Finding] = []
    for attr, schema in TABLES:
        path = getattr(layout, attr)
        if os.path.lexists(path):
            recs, bad = _load(path, layout.rel(path), lambda _o, s=schema: s)
            blocking += bad
            plans.append((path, dumps_table(recs, schema)))
    for _layer, path in layout.pass_registries():
        recs, bad = _load(path, layout.rel(path), lambda _o: "entity")
        blocking += bad
        plans.append((path, dumps_table(recs, "entity")))
    for _layer, path in layout.annotation_files():
        recs, bad = _load(path, layout.rel(path), _annotation_schema)
        blocking += bad
        plans.append((path, dumps_annotation_file(recs)))
    return plans, blocking


# -- the safe store: locked, validated, all-or-nothing changes ------------------

STATE_DIR = ".kashcorpus"
LOCK_TIMEOUT = 120.0
# How long a change waits for a lock, who it says is waiting and whom it tells (the CLI sets them from
# --timeout and its command line); by default the module's LOCK_TIMEOUT and no notice.
_POLICY: ContextVar[tuple[float | None, str, Callable[[str], None] | None]] = ContextVar(
    "kashcorpus_lock_policy", default=(None, "", None))


@contextmanager
def lock_policy(timeout: float | None = None, holder: str = "", notify: Callable[[str], None] | None = None):
    """Within the block, changes wait ``timeout`` seconds for a lock (``None``: :data:`LOCK_TIMEOUT`), name
    themselves ``holder`` in the lock's owner note and report waits to ``notify``."""
    token = _POLICY.set((timeout, holder, notify))
    try:
        yield
    finally:
        _POLICY.reset(token)
# Test hooks, called by name at each step of a commit: "staged", "journaled", "published".
HOOKS: dict[str, Callable[..., None]] = {}


def _hook(name: str, **kw) -> None:
    fn = HOOKS.get(name)
    if fn is not None:
        fn(**kw)


def _identity(obj: dict) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)


class AnnotationFile:
    """One annotation file in memory: its header and records (dicts), with the raw lines it was read from."""

    def __init__(self, path: Path, rel: str, doc: str, layer: str, header: dict, records: list[dict], raw: dict):
        self.path, self.rel, self.doc, self.layer = path, rel, doc, layer
        self.header, self.records, self._raw = header, records, raw

    def get(self, rid: str) -> dict | None:
        return next((r for r in self.records if r.get("id") == rid), None)

    def of_type(self, kind: str) -> list[dict]:
        return [r for r in self.records if r.get("type") == kind]

    def dumps(self) -> bytes:
        """Canonical bytes; records that did not change keep their line byte for byte."""
        recs = [self.header] + sorted(self.records, key=sort_key)
        return b"".join(self._raw.get(_identity(r)) or dumps_line(r, r["type"]) for r in recs)


class Table:
    """A registry, links or documents file in memory (records sorted by id on output)."""

    def __init__(self, path: Path, schema: str, records: list[dict], raw: dict):
        self.path, self.schema, self.records, self._raw = path, schema, records, raw

    def get(self, rid: str) -> dict | None:
        return next((r for r in self.records if r.get("id") == rid), None)

    def dumps(self) -> bytes:
        recs = sorted(self.records, key=lambda r: r["id"])
        return b"".join(self._raw.get(_identity(r)) or dumps_line(r, self.schema) for r in recs)


def state_dir(root: Path) -> Path:
    """Local, git-ignored working state of the tools (locks, commit journal, texts annotations were made on).

    A committed link in its place would send locks and journals elsewhere: :class:`FileUnsafe`.
    """
    check_inside(Path(root), Path(root) / STATE_DIR / "x")
    return Path(root) / STATE_DIR


def _lock_file(root: Path, path: Path) -> Path:
    rel = Layout(Path(root)).rel(path)
    return state_dir(root) / "locks" / (rel.replace("/", "%") + ".lock")


def _lock(root: Path, path: Path):
    from filelock import FileLock

    lf = _lock_file(root, path)
    lf.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(lf), thread_local=False)


def _owner_file(lock_file: str) -> Path:
    return Path(lock_file + ".owner")


def _note_owner(lock_file: str, holder: str) -> None:
    """Say who holds a lock (process id, command, since when) for the commands that wait on it."""
    import time

    note = {"pid": os.getpid(), "command": holder or Path(sys.argv[0]).name,
            "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    try:
        _owner_file(lock_file).write_bytes(orjson.dumps(note))
    except OSError:
        pass


def _drop_owner(lock_file: str) -> None:
    try:
        _owner_file(lock_file).unlink(missing_ok=True)
    except OSError:
        pass


def lock_owner(lock_file: str) -> str:
    """Who holds a lock, as one phrase (``process 12 (kashcorpus fmt) since …``), from its owner note."""
    try:
        note = orjson.loads(_owner_file(lock_file).read_bytes())
        return f"process {int(note['pid'])} ({clip(str(note['command']), 80)}) since {clip(str(note['since']), 40)}"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def recover(root: Path) -> list[str]:
    """Finish every commit whose writer died after its journal was written (roll forward); return the files.

    A journal whose files are still locked belongs to a live writer and is left alone.
    """
    jdir = state_dir(root) / "journal"
    done: list[str] = []
    for journal in sorted(jdir.glob("*.json")) if jdir.is_dir() else []:
        try:
            pairs = orjson.loads(read_bytes(journal, Path(root)))["files"]
            if not all(_journal_pair_ok(Path(root), pair) for pair in pairs):
                continue  # not a journal this store wrote: never move files it names
        except (OSError, ValueError, KeyError, TypeError, FileUnsafe):
            continue
        locks = [_lock(root, Path(root) / p) for _t, p in sorted(pairs, key=lambda tp: tp[1])]
        held = []
        try:
            for lk in locks:
                lk.acquire(timeout=0)
                held.append(lk)
        except Exception:
            for lk in reversed(held):
                lk.release()
            continue
        try:
            if journal.exists():
                for tmp, target in pairs:
                    t = Path(root) / tmp
                    if t.exists():
                        os.replace(t, Path(root) / target)
                        done.append(target)
                journal.unlink(missing_ok=True)
        finally:
            for lk in reversed(held):
                lk.release()
    _remove_orphans(Path(root))
    return done


def _journal_pair_ok(root: Path, pair) -> bool:
    """A journal entry names a temporary file and its target, both data files of the checkout, side by side."""
    if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
        return False
    tmp, target = (root / x for x in pair)
    if tmp.parent != target.parent or not tmp.name.startswith(f".{target.name}.") or not tmp.name.endswith(".tmp"):
        return False
    if pair[1].split("/")[0] not in ("corpus", "annotations", "sources"):
        return False
    try:
        check_inside(root, tmp)
        check_inside(root, target)
    except FileUnsafe:
        return False
    return True


def pending_journals(root: Path) -> list[Path]:
    """Journals of changes that were interrupted (or are being written right now)."""
    jdir = state_dir(root) / "journal"
    return sorted(jdir.glob("*.json")) if jdir.is_dir() and not jdir.is_symlink() else []


def _remove_orphans(root: Path) -> None:
    """Delete temporary files left by writers that died before renaming them (their target is unlocked)."""
    lay = Layout(root)
    folders = [lay.documents_file.parent, lay.texts_dir, lay.entities_file.parent, lay.gold_dir, lay.sources_dir]
    if lay.passes_dir.is_dir():
        folders += sorted(d for d in lay.passes_dir.iterdir() if d.is_dir())
    for folder in folders:
        if unsafe_part(root, folder) is not None:
            continue  # never delete through a link
        for tmp in sorted(folder.glob(".*.tmp")) if folder.is_dir() else []:
            target = folder / tmp.name[1:].rsplit(".", 2)[0]
            lk = _lock(root, target)
            try:
                lk.acquire(timeout=0)
            except Exception:
                continue
            try:
                tmp.unlink(missing_ok=True)
            finally:
                lk.release()


class Change:
    """One change to a corpus checkout, all-or-nothing.

    Lock the files it may write (in a fixed order), read them, modify them in memory, then
    :meth:`commit`: the corpus with the change applied is validated in a scratch copy, and only if the
    change adds no validator error are the files written (temporary file + rename; a journal makes a
    change of several files complete even if the writer dies half way). Used as a context manager, it
    commits when the block ends without an exception and writes nothing otherwise.
    """

    def __init__(self, root: Path, paths: Iterable[Path], *, allow: Iterable[str] = (), allow_in: Iterable[Path] = (),
                 timeout: float | None = None, validate: bool = True):
        policy_timeout, self.holder, self.notify = _POLICY.get()
        self.root = Path(root)
        self.layout = Layout(self.root)
        self.paths = sorted({Path(p) for p in paths}, key=lambda p: self.layout.rel(p))
        self.allow = set(allow)
        self.allow_in = {self.layout.rel(p) for p in allow_in}
        self.timeout = timeout if timeout is not None else policy_timeout if policy_timeout is not None else LOCK_TIMEOUT
        self.validate = validate
        self.staged: dict[Path, bytes] = {}
        self.written: list[str] = []
        self.warnings: list[Finding] = []  # the warnings the committed change introduced
        self._locks: list = []

    def __enter__(self) -> Change:
        from filelock import Timeout

        for p in self.paths:
            check_inside(self.root, p)  # never write through a link: it could lead anywhere
        recover(self.root)
        for p in self.paths:
            lk = _lock(self.root, p)
            try:
                lk.acquire(timeout=0)
            except Timeout:
                rel, who = self.layout.rel(p), lock_owner(lk.lock_file)
                if self.notify is not None and self.timeout > 0:
                    self.notify(f"{rel} is locked by {who}; waiting up to {self.timeout:g} s (--timeout)")
                try:
                    lk.acquire(timeout=self.timeout, poll_interval=0.005)
                except Timeout:
                    self._release()
                    raise LockTimeout(f"{rel} is being changed by {lock_owner(lk.lock_file)}; gave up after "
                                      f"{self.timeout:g} s (--timeout); try again when it has finished") from None
            _note_owner(lk.lock_file, self.holder)
            self._locks.append(lk)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.commit()
        finally:
            self._release()

    def _release(self) -> None:
        while self._locks:
            lk = self._locks.pop()
            _drop_owner(lk.lock_file)
            lk.release()

    # -- reading (staged bytes win over the file on disk) --------------------

    def _bytes(self, path: Path) -> bytes | None:
        if path in self.staged:
            return self.staged[path]
        return read_bytes(path, self.root) if os.path.lexists(path) else None

    def text(self, doc: str) -> str:
        data = self._bytes(self.layout.text_path(doc))
        if data is None:
            raise StoreError(f"document {doc!r} has no text file")
        return data.decode("utf-8")

    def table(self, path: Path, schema: str) -> Table:
        data = self._bytes(path) or b""
        pairs = [(raw + b"\n", orjson.loads(raw)) for raw in data.split(b"\n") if raw.strip()]
        return Table(path, schema, [o for _r, o in pairs], {_identity(o): r for r, o in pairs})

    def annotations(self, path: Path, doc: str, layer: str) -> AnnotationFile:
        """The annotation file at ``path``; a missing file starts as a bare header for the current text."""
        data = self._bytes(path)
        pairs = [(raw + b"\n", orjson.loads(raw)) for raw in (data or b"").split(b"\n") if raw.strip()]
        header = next((o for _r, o in pairs if o.get("type") == "header"), None)
        if header is None:
            from .resources import schema_version

            sha = hashlib.sha256(self.text(doc).encode("utf-8")).hexdigest()
            header = {"type": "header", "doc": doc, "layer": layer, "text_sha256": sha,
                      "schema_version": schema_version()}
        records = [o for _r, o in pairs if o.get("type") != "header"]
        return AnnotationFile(path, self.layout.rel(path), doc, layer, header, records,
                              {_identity(o): r for r, o in pairs})

    # -- staging and committing ---------------------------------------------

    def stage(self, path: Path, data: bytes) -> None:
        path = Path(path)
        if path not in self.paths:
            raise RuntimeError(f"{path} was not locked by this change")
        self.staged[path] = data

    def put(self, obj: AnnotationFile | Table) -> None:
        self.stage(obj.path, obj.dumps())

    def changed_files(self) -> list[Path]:
        out = []
        for path, data in self.staged.items():
            if not path.exists() or read_bytes(path, self.root) != data:
                out.append(path)
        return sorted(out, key=self.layout.rel)

    def check(self) -> list[Finding]:
        """The errors the staged change would add to the corpus (empty: the change may be written)."""
        changed = self.changed_files()
        if not changed:
            return []
        from .validate import iter_findings

        with tempfile.TemporaryDirectory(prefix="kashcorpus-") as tmp:
            shadow = Path(tmp)
            sources = [self.layout.documents_file, self.layout.entities_file, self.layout.links_file]
            sources += sorted(self.layout.texts_dir.glob("*.txt")) if self.layout.texts_dir.is_dir() else []
            sources += sorted(self.layout.sources_dir.glob("*.html")) if self.layout.listable(self.layout.sources_dir) else []
            sources += [p for _l, p in self.layout.annotation_files()] + [p for _l, p in self.layout.pass_registries()]
            for src in sources:
                if os.path.lexists(src):
                    dst = shadow / self.layout.rel(src)
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    try:
                        dst.write_bytes(read_bytes(src, self.root))
                    except FileUnsafe:  # the copy stays as unsafe as the file (same finding), never its target
                        os.symlink("unsafe-link", dst)
                    except OSError:
                        pass  # unreadable here too: the copy is missing, as the validator of the checkout reports
            for path in changed:
                dst = shadow / self.layout.rel(path)
                dst.parent.mkdir(parents=True, exist_ok=True)
                dst.write_bytes(self.staged[path])
            found = list(iter_findings(shadow))
        after = [f for f in found if f.severity == "error" and f.code not in self.allow and f.file not in self.allow_in]
        warned = [f for f in found if f.severity != "error"]
        if not after and not warned:
            self.warnings = []
            return []
        key = lambda f: (f.code, f.file, f.doc, f.record, f.message)  # noqa: E731
        earlier = {key(f) for f in iter_findings(self.root)}
        self.warnings = [f for f in warned if key(f) not in earlier]
        return [f for f in after if key(f) not in earlier]

    def commit(self) -> list[str]:
        """Validate and write the staged files; raise :class:`ChangeRefused` (writing nothing) on new errors."""
        changed = self.changed_files()
        if not changed:
            return []
        bad = self.check() if self.validate else []
        if bad:
            f = bad[0]
            where = f" [{f.doc}#{f.record}]" if f.doc and f.record else (f" [{f.doc}]" if f.doc else "")
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            raise ChangeRefused(f"the change would break the corpus{where}: {clip(f.message)} ({f.code}){more}; "
                                "nothing was changed", bad)
        self._write(changed)
        self.written = [self.layout.rel(p) for p in changed]
        return self.written

    def _write(self, changed: list[Path]) -> None:
        tmps: list[tuple[Path, Path]] = []
        journal = None
        try:
            for path in changed:
                tmps.append((stage(path, self.staged[path]), path))
            _hook("staged", files=[self.layout.rel(p) for p in changed])
            if len(tmps) > 1:
                jdir = state_dir(self.root) / "journal"
                jdir.mkdir(parents=True, exist_ok=True)
                journal = jdir / f"{uuid.uuid4().hex}.json"
                atomic_write(journal, orjson.dumps({"files": [[self.layout.rel(t), self.layout.rel(p)] for t, p in tmps]}))
                _hook("journaled", journal=journal)
        except BaseException:
            for t, _p in tmps:
                t.unlink(missing_ok=True)
            if journal is not None:
                journal.unlink(missing_ok=True)
            raise
        for t, path in tmps:
            os.replace(t, path)
            _hook("published", file=self.layout.rel(path))
        for folder in sorted({p.parent for _t, p in tmps}):
            _fsync_dir(folder)
        if journal is not None:
            journal.unlink(missing_ok=True)


def clip(message: str, limit: int = 240) -> str:
    """Shorten a long message (findings quote whole spans) for one line of output."""
    return message if len(message) <= limit else message[:limit - 1] + "…"


def remember_text(root: Path, text: str) -> str:
    """Keep a copy of a text annotations may have been made on, by its sha256 (for re-anchoring later)."""
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    path = state_dir(root) / "texts" / f"{sha}.txt"
    if not path.exists():
        atomic_write(path, data)
    return sha


def recall_text(root: Path, sha: str) -> str | None:
    """A text kept by :func:`remember_text`, or ``None``."""
    path = state_dir(root) / "texts" / f"{sha}.txt"
    return read_text(path) if path.exists() else None


def sync_aliases(ch: Change, af: AnnotationFile, entities: Iterable[str | None]) -> list[str]:
    """Keep each touched entity's aliases in step with its gold mentions: the aliases are every surface form
    its gold mentions use (the name too, when a mention uses it); a form no mention uses any more is removed.

    ``af`` is the gold file being changed (its records as modified in memory); the other gold files are read
    as staged in ``ch``. The registry must be among the change's files. Every writer of gold mentions calls
    this (span commands, imports), so a new surface form never deadlocks on ``mention-text-not-alias``.
    Returns one note per alias added or removed.
    """
    touched = {e for e in entities if e}
    if not touched or af.layer != "gold":
        return []
    reg = ch.table(ch.layout.entities_file, "entity")
    used: dict[str, set[str]] = {e: set() for e in touched if reg.get(e)}
    files: dict[Path, AnnotationFile | None] = {p: None for _l, p in ch.layout.annotation_files() if _l == "gold"}
    files[af.path] = af
    for p, f in files.items():
        records = f.records if f is not None else ch.annotations(p, p.name[:-6], "gold").records
        for r in records:
            if r.get("type") == "mention" and r.get("entity") in used:
                used[r["entity"]].add(r["text"])
    notes = []
    for eid, texts in sorted(used.items()):
        e = reg.get(eid)
        assert e is not None  # used holds registry entities only
        old = e["aliases"]
        new = sorted(texts)
        if new != old:
            added, gone = sorted(set(new) - set(old)), sorted(set(old) - set(new))
            e["aliases"] = new
            notes += [f"alias {a!r} added to entity {eid}" for a in added]
            notes += [f"alias {a!r} removed from entity {eid} (no gold mention uses it now)" for a in gone]
    if notes:
        ch.put(reg)
    return notes

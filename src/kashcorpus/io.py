"""Bytes on disk: canonical JSON Lines (key order, record order), reading, and atomic writes."""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Any, BinaryIO
from collections.abc import Iterable, Iterator

import orjson

from . import resources
from .errors import ArchiveUnsafe, FileUnsafe
from .model import TYPE_RANK, id_number, record_anchor

# -- canonical serialisation -------------------------------------------------

def _object_schema(schema: dict) -> dict | None:
    if "properties" in schema:
        return schema
    for alt in [*schema.get("anyOf", []), *schema.get("oneOf", [])]:
        found = _object_schema(alt)
        if found:
            return found
    return None


def _ordered(value: Any, schema: dict | None) -> Any:
    if isinstance(value, dict):
        obj = _object_schema(schema or {})
        props = obj["properties"] if obj else {}
        keys = [k for k in props if k in value] + sorted(k for k in value if k not in props)
        return {k: _ordered(value[k], props.get(k)) for k in keys}
    if isinstance(value, list):
        items = (schema or {}).get("items") if schema else None
        return [_ordered(v, items) for v in value]
    return value


SCHEMA_OF_FILE = {"documents": "document", "entities": "entity", "links": "link"}


def canonical(record: dict, schema_name: str) -> dict:
    """Return ``record`` with its keys in the order its schema lists them (nested objects too).

    >>> list(canonical({"text": "x", "id": "z1", "type": "zone", "end": 1, "start": 0, "label": "body"}, "zone"))
    ['type', 'id', 'start', 'end', 'text', 'label']
    """
    return _ordered(record, resources.record_schema(schema_name))


def dumps_line(record: dict, schema_name: str) -> bytes:
    """One canonical JSON Lines line: compact, UTF-8, keys in schema order, newline-terminated."""
    return orjson.dumps(canonical(record, schema_name)) + b"\n"


def sort_key(rec: dict) -> tuple:
    """Canonical order of records in an annotation file: header, zones, mentions, claims, attributions, by offset."""
    start, end = record_anchor(rec)
    return TYPE_RANK.get(str(rec.get("type")), 9), start, end, id_number(str(rec.get("id", ""))), str(rec.get("id", ""))


def dumps_annotation_file(records: Iterable[dict]) -> bytes:
    recs = sorted(records, key=sort_key)
    return b"".join(dumps_line(r, r["type"]) for r in recs)


def dumps_table(records: Iterable[dict], schema_name: str) -> bytes:
    """A registry, links or documents file: records sorted by id."""
    return b"".join(dumps_line(r, schema_name) for r in sorted(records, key=lambda r: r["id"]))


# -- reading inside a checkout -------------------------------------------------

def inside_parts(root: Path, path: Path) -> tuple[str, ...]:
    """The names leading from ``root`` to ``path``; :class:`FileUnsafe` when ``path`` is not lexically inside.

    >>> inside_parts(Path("r"), Path("r/corpus/texts/a.txt"))
    ('corpus', 'texts', 'a.txt')
    """
    try:
        parts = Path(path).relative_to(Path(root)).parts
    except ValueError:
        raise FileUnsafe(Path(path).name, "outside the checkout") from None
    if not parts or any(p in ("", ".", "..") for p in parts):
        raise FileUnsafe("/".join(parts) or ".", "outside the checkout")
    return parts


def unsafe_part(root: Path, path: Path) -> str | None:
    """The first place from ``root`` to ``path`` that is a symbolic link (relative, with ``/``), or ``None``.

    A missing place ends the walk (nothing behind it can be a link); ``path`` must lie inside ``root``.
    """
    parts = inside_parts(root, path)
    here = Path(root)
    for i, part in enumerate(parts):
        here = here / part
        try:
            if stat.S_ISLNK(os.lstat(here).st_mode):
                return "/".join(parts[:i + 1])
        except OSError:
            return None
    return None


def check_inside(root: Path, path: Path) -> None:
    """Raise :class:`FileUnsafe` when ``path`` (which may not exist yet) is reached through a symbolic link
    or lies outside ``root``: a place a writer must not write to."""
    bad = unsafe_part(root, path)
    if bad is not None:
        raise FileUnsafe(bad)


def check_writable(root: Path, path: Path) -> None:
    """Raise :class:`FileUnsafe` unless ``path`` may be written: inside ``root``, reached through no symbolic
    link, and either missing or a regular file (a committed FIFO, device or socket is never opened).

    >>> import tempfile; r = Path(tempfile.mkdtemp()); check_writable(r, r / ".kashcorpus" / "locks" / "a.lock")
    >>> import os; os.symlink("/tmp", r / "out"); check_writable(r, r / "out" / "x")
    Traceback (most recent call last):
    kashcorpus.errors.FileUnsafe: out is a symbolic link; it is not followed or read (replace it by a regular file)
    """
    check_inside(root, path)
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode):
        raise FileUnsafe("/".join(inside_parts(root, path)), "a folder" if stat.S_ISDIR(mode) else "a special file")


def check_output(path: Path, folder: bool = False) -> Path:
    """Check a place a command writes (``--out``, ``--write``, a default such as ``dist/dataset``) and return it.

    A relative path is taken inside the current folder, the checkout: a link on the way (a committed ``dist``
    link, a linked ``DATACARD.md``) or a special file raises :class:`FileUnsafe` naming the place, so nothing is
    written outside the checkout and a linked file is never replaced by a copy of its target. An absolute path,
    or one with ``..``, is the user's own choice and is taken as given.

    >>> check_output(Path("/srv/site"), folder=True)
    PosixPath('/srv/site')
    """
    path = Path(path)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return path
    here = Path.cwd()
    if folder:
        check_inside(here, here / path)
    else:
        check_writable(here, here / path)
    return path


def write_inside(root: Path, path: Path, data: bytes) -> None:
    """Write a small working file (a lock's owner note) in place, following no link and opening no special
    file: :class:`FileUnsafe` otherwise. Readers of such a file must accept a partial one."""
    check_writable(root, path)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags, 0o644)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileUnsafe("/".join(inside_parts(root, path)), "a special file")
        os.write(fd, data)
    finally:
        os.close(fd)


def open_inside(root: Path, path: Path) -> BinaryIO:
    """Open the regular file ``path`` of the checkout at ``root`` for reading, following no symbolic link.

    Each folder from ``root`` down is opened relative to the one before with ``O_NOFOLLOW``, so a link
    anywhere on the way (or a path outside ``root``) raises :class:`FileUnsafe` and its target is never
    opened; a FIFO or a device raises ``OSError`` at once instead of blocking.
    """
    parts = inside_parts(root, path)
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    if os.open not in os.supports_dir_fd or not nofollow:  # no openat: check, then open
        check_inside(root, path)
        return _regular(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), path)
    fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            flags = os.O_RDONLY | nofollow | (getattr(os, "O_NONBLOCK", 0) if last else getattr(os, "O_DIRECTORY", 0))
            try:
                nfd = os.open(part, flags, dir_fd=fd)
            except OSError as e:
                try:
                    link = stat.S_ISLNK(os.lstat(part, dir_fd=fd).st_mode)
                except OSError:
                    link = False
                if link:
                    raise FileUnsafe("/".join(parts[:i + 1])) from None
                raise OSError(e.errno, e.strerror, str(path)) from None
            os.close(fd)
            fd = nfd
    except BaseException:
        os.close(fd)
        raise
    return _regular(fd, path)


def _regular(fd: int, path: Path) -> BinaryIO:
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


MAX_INPUT_BYTES = 512 * 1024 * 1024  # an import file (the whole corpus is a few MB in any format)


def read_input(path: Path, limit: int = MAX_INPUT_BYTES, inside: Path | None = None) -> bytes:
    """The bytes of a file given on the command line: a regular file of at most ``limit`` bytes.

    A FIFO, a device (``/dev/zero``) or a folder raises ``OSError`` at once (never blocks, never fills the
    memory); a longer file raises ``ValueError``. With ``inside`` (the folder given on the command line that
    holds ``path``), a link in that folder is not followed: :class:`FileUnsafe`, so a planted ``.ann``
    linking to ``/proc/self/environ`` or a key is never read, let alone echoed.
    """
    f = open_inside(inside, path) if inside is not None else _regular(
        os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), Path(path))
    with f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{Path(path).name} is larger than {limit} bytes")
    return data


def _open(path: Path, root: Path | None) -> BinaryIO:
    return open_inside(root, path) if root is not None else open(path, "rb")


def read_bytes(path: Path, root: Path | None = None) -> bytes:
    """The bytes of ``path``; with ``root``, through :func:`open_inside` (no link followed)."""
    with _open(path, root) as f:
        return f.read()


def iter_lines(path: Path, root: Path | None = None) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line number, raw bytes without the newline)`` for each line, streaming."""
    with _open(path, root) as f:
        for n, raw in enumerate(f, 1):
            yield n, raw[:-1] if raw.endswith(b"\n") else raw


def read_jsonl(path: Path, root: Path | None = None) -> list[Any]:
    """Read a JSON Lines file that is known to be valid (run the validator first for messages).

    With ``root`` (the checkout the file belongs to) no symbolic link is followed (:func:`open_inside`).
    """
    return [orjson.loads(raw) for _, raw in iter_lines(path, root) if raw.strip()]


def read_text(path: Path, root: Path | None = None) -> str:
    """A UTF-8 text; with ``root``, read through :func:`open_inside`."""
    return read_bytes(path, root).decode("utf-8")


# -- writing -------------------------------------------------------------------

def stage(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, flushed to disk; ``path`` is untouched.

    The temporary file gets ``path``'s permissions (or 0644); renaming it over ``path`` is atomic.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write(path: Path, data: bytes, root: Path | None = None) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a mix.

    The bytes go to a temporary file in the same folder (:func:`stage`), and the temporary file
    is renamed over ``path``. With ``root`` (the checkout ``path`` belongs to), a link on the way or a
    special file in its place raises :class:`FileUnsafe` first (:func:`check_writable`).
    """
    path = Path(path)
    if root is not None:
        check_writable(root, path)
    tmp = stage(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def atomic_move(src: Path, path: Path) -> None:
    """Put the finished file ``src`` (in ``path``'s file system) at ``path`` as :func:`atomic_write` does, without
    reading it: flushed to disk, given ``path``'s permissions (or 0644), renamed over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(src, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(src, path.stat().st_mode & 0o777 if path.exists() else 0o644)
    os.replace(src, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def file_sha256(path: Path) -> str:
    """The sha256 of a file in hex, read a block at a time.

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "x"; _ = p.write_bytes(b"abc")
    >>> file_sha256(p)[:16]
    'ba7816bf8f01cfea'
    """
    import hashlib

    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# -- archives ------------------------------------------------------------------

MAX_ARCHIVE_BYTES = 1 << 30  # what a git archive of the corpus may unpack to (the corpus is a few MB)


def extract_tar(data: bytes, dest: Path) -> list[str]:
    """Unpack a tar archive (``git archive``'s output) into the folder ``dest``; return the files written.

    Every member is checked first, on every Python version (no reliance on ``extractall(filter=...)``):
    only regular files and folders, with relative names that stay inside ``dest`` (no ``..``, no absolute
    path, no link, device or FIFO), at most :data:`MAX_ARCHIVE_BYTES` in all. Anything else raises
    :class:`ArchiveUnsafe` before a byte is written.
    """
    import io as _io
    import posixpath
    import tarfile

    try:
        tar = tarfile.open(fileobj=_io.BytesIO(data), mode="r:")
        members = tar.getmembers()
    except tarfile.TarError as e:
        raise ArchiveUnsafe(f"the archive cannot be read ({e})") from None
    total = 0
    for m in members:
        name = m.name
        norm = posixpath.normpath(name)
        if (not name or name.startswith(("/", "\\")) or norm == ".." or norm.startswith("../") or "\x00" in name
                or any(ord(c) < 32 for c in name) or (len(name) > 1 and name[1] == ":")):
            raise ArchiveUnsafe(f"the archive has a member named {name[:120]!r} outside its folder")
        if not (m.isfile() or m.isdir()):
            raise ArchiveUnsafe(f"the archive member {name[:120]!r} is a link or a special file; it is not extracted")
        total += m.size
        if total > MAX_ARCHIVE_BYTES:
            raise ArchiveUnsafe(f"the archive unpacks to more than {MAX_ARCHIVE_BYTES} bytes")
    written = []
    dest = Path(dest)
    for m in members:
        target = dest.joinpath(*[p for p in posixpath.normpath(m.name).split("/") if p not in ("", ".")])
        if m.isdir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        src = tar.extractfile(m)
        assert src is not None
        with open(target, "xb") as out:
            out.write(src.read())
        written.append(m.name)
    return written

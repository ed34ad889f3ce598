"""Level 1: bytes, UTF-8 and JSON Lines syntax."""
from __future__ import annotations

from pathlib import Path
from collections.abc import Iterator

import orjson

from ..errors import FileUnsafe
from ..findings import Finding, make_finding

# every code this level reports (iter_objects, read_bytes, decode_text)
CODES = ("file-unsafe", "crlf-line-end", "duplicate-key", "file-unreadable", "utf8-bom", "not-utf8", "json-syntax", "not-an-object", "blank-line",
         "missing-final-newline", "empty-file", "line-too-long", "text-nul")

_KIND = {list: "array", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


# No record needs more: a span text of this size would be a whole book. Longer lines are not read into memory.
MAX_LINE_BYTES = 16 * 1024 * 1024


def root_of(path: Path, rel: str | None) -> Path | None:
    """The checkout ``path`` belongs to, when ``rel`` (its place in the checkout, as findings name it) ends it.

    >>> root_of(Path("r/corpus/texts/a.txt"), "corpus/texts/a.txt").as_posix()
    'r'
    """
    if not rel:
        return None
    parts = Path(rel).parts
    path = Path(path)
    if Path(rel).is_absolute() or path.parts[-len(parts):] != parts:
        return None
    return path.parents[len(parts) - 1]


def open_regular(path: Path, rel: str | None = None):
    """Open a regular file for reading in binary; anything else (a FIFO, a device) raises ``OSError``
    at once instead of blocking the validator. With ``rel`` (the file's place in its checkout), no
    symbolic link inside the checkout is followed: :class:`~kashcorpus.errors.FileUnsafe` is raised.

    >>> open_regular(Path("/dev/null"))
    Traceback (most recent call last):
    OSError: [Errno 22] not a regular file: '/dev/null'
    """
    from ..io import _regular, open_inside

    root = root_of(path, rel)
    if root is not None:
        return open_inside(root, path)
    import os

    return _regular(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), path)


def unsafe_finding(e: FileUnsafe, rel: str, doc: str | None = None) -> Finding:
    return make_finding("file-unsafe", file=rel, doc=doc, place=e.rel, what=e.what)


def read_bytes(path: Path, rel: str) -> tuple[bytes | None, Finding | None]:
    """Read a whole file; reports ``file-unreadable``."""
    try:
        with open_regular(path, rel) as f:
            return f.read(), None
    except FileUnsafe as e:
        return None, unsafe_finding(e, rel)
    except (OSError, ValueError) as e:
        return None, make_finding("file-unreadable", file=rel, reason=getattr(e, "strerror", None) or str(e))


def decode_text(data: bytes, rel: str, doc: str | None = None) -> tuple[str | None, list[Finding]]:
    """Decode a document text; reports ``not-utf8`` and ``text-nul``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return None, [make_finding("not-utf8", file=rel, line=line, doc=doc, byte=e.start, reason=e.reason)]
    nul = text.find("\x00")
    if nul >= 0:
        return text, [make_finding("text-nul", file=rel, line=text.count("\n", 0, nul) + 1, doc=doc, offset=nul)]
    return text, []


def duplicate_key(line: bytes, obj: dict) -> str | None:
    """A key that occurs twice in one JSON object of ``line`` (the parser keeps the last), or ``None``.

    A compact line whose parsed object serialises to as many bytes has no duplicate (the fast path);
    only other lines are parsed again, keeping every pair.

    >>> duplicate_key(b'{"a":1,"a":2}', {"a": 2}), duplicate_key(b'{"a":1}', {"a": 1})
    ('a', None)
    """
    if len(orjson.dumps(obj)) == len(line.strip()):
        return None
    import json

    found: list[str] = []

    def pairs(items: list) -> dict:
        keys = [k for k, _v in items]
        if len(set(keys)) != len(keys) and not found:
            found.append(next(k for i, k in enumerate(keys) if k in keys[:i]))
        return dict(items)

    try:
        json.loads(line, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return None
    return found[0] if found else None


def iter_objects(path: Path, rel: str, doc: str | None = None) -> Iterator[tuple[int, dict] | Finding]:
    """Stream a JSON Lines file: yield ``(line, object)`` for good lines and a finding for each bad one.

    Reports ``file-unreadable``, ``utf8-bom``, ``not-utf8``, ``json-syntax``, ``not-an-object``,
    ``blank-line``, ``missing-final-newline``, ``empty-file`` and ``line-too-long``.
    """
    try:
        f = open_regular(path, rel)
    except FileUnsafe as e:
        yield unsafe_finding(e, rel, doc)
        return
    except (OSError, ValueError) as e:
        yield make_finding("file-unreadable", file=rel, doc=doc, reason=getattr(e, "strerror", None) or str(e))
        return
    with f:
        n = 0
        blank: int | None = None
        last = b""
        try:
            while True:
                raw = f.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    break
                n += 1
                last = raw
                if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                    size = len(raw)
                    while True:  # skip the rest of the line, a chunk at a time
                        chunk = f.readline(1 << 20)
                        if not chunk:
                            break
                        last = chunk
                        if chunk.endswith(b"\n"):
                            size += len(chunk) - 1
                            break
                        size += len(chunk)
                    if blank is not None:
                        yield make_finding("blank-line", file=rel, line=blank, doc=doc)
                        blank = None
                    yield make_finding("line-too-long", file=rel, line=n, doc=doc, bytes=size, limit=MAX_LINE_BYTES)
                    continue
                line = raw[:-1] if raw.endswith(b"\n") else raw
                if n == 1 and line.startswith(b"\xef\xbb\xbf"):
                    yield make_finding("utf8-bom", file=rel, line=1, doc=doc)
                    line = line[3:]
                if not line.strip():
                    blank = blank or n
                    continue
                if blank is not None:
                    yield make_finding("blank-line", file=rel, line=blank, doc=doc)
                    blank = None
                try:
                    obj = orjson.loads(line)
                except orjson.JSONDecodeError as e:
                    try:
                        line.decode("utf-8")
                    except UnicodeDecodeError as u:
                        yield make_finding("not-utf8", file=rel, line=n, doc=doc, byte=u.start, reason=u.reason)
                        continue
                    yield make_finding("json-syntax", file=rel, line=n, doc=doc, reason=str(e).split(": line")[0])
                    continue
                if not isinstance(obj, dict):
                    yield make_finding("not-an-object", file=rel, line=n, doc=doc, kind=_KIND.get(type(obj), "value"))
                    continue
                if line.endswith(b"\r"):
                    yield make_finding("crlf-line-end", file=rel, line=n, doc=doc)
                key = duplicate_key(line, obj)
                if key is not None:
                    yield make_finding("duplicate-key", file=rel, line=n, doc=doc, key=key)
                yield n, obj
        except OSError as e:
            yield make_finding("file-unreadable", file=rel, doc=doc, reason=e.strerror or str(e))
            return
        if n == 0:
            yield make_finding("empty-file", file=rel, doc=doc)
        elif blank is not None:
            yield make_finding("blank-line", file=rel, line=blank, doc=doc)
        elif not last.endswith(b"\n"):
            yield make_finding("missing-final-newline", file=rel, line=n, doc=doc)

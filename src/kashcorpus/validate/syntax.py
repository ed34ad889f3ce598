"""Level 1: bytes, UTF-8 and JSON Lines syntax."""
from __future__ import annotations

from pathlib import Path
from collections.abc import Iterator

import orjson

from ..findings import Finding, make_finding

# every code this level reports (iter_objects, read_bytes, decode_text)
CODES = ("file-unreadable", "utf8-bom", "not-utf8", "json-syntax", "not-an-object", "blank-line",
         "missing-final-newline", "empty-file", "line-too-long", "text-nul")

_KIND = {list: "array", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


# No record needs more: a span text of this size would be a whole book. Longer lines are not read into memory.
MAX_LINE_BYTES = 16 * 1024 * 1024


def open_regular(path: Path):
    """Open a regular file for reading in binary; anything else (a FIFO, a device) raises ``OSError``
    at once instead of blocking the validator.

    >>> open_regular(Path("/dev/null"))
    Traceback (most recent call last):
    OSError: [Errno 22] not a regular file: '/dev/null'
    """
    import errno
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path, rel: str) -> tuple[bytes | None, Finding | None]:
    """Read a whole file; reports ``file-unreadable``."""
    try:
        with open_regular(path) as f:
            return f.read(), None
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


def iter_objects(path: Path, rel: str, doc: str | None = None) -> Iterator[tuple[int, dict] | Finding]:
    """Stream a JSON Lines file: yield ``(line, object)`` for good lines and a finding for each bad one.

    Reports ``file-unreadable``, ``utf8-bom``, ``not-utf8``, ``json-syntax``, ``not-an-object``,
    ``blank-line``, ``missing-final-newline``, ``empty-file`` and ``line-too-long``.
    """
    try:
        f = open_regular(path)
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

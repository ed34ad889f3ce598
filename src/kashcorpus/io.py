"""Bytes on disk: canonical JSON Lines (key order, record order), reading, and atomic writes."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any
from collections.abc import Iterable, Iterator

import orjson

from . import resources
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


# -- reading -------------------------------------------------------------------

def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line number, raw bytes without the newline)`` for each line, streaming."""
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            yield n, raw[:-1] if raw.endswith(b"\n") else raw


def read_jsonl(path: Path) -> list[Any]:
    """Read a JSON Lines file that is known to be valid (run the validator first for messages)."""
    return [orjson.loads(raw) for _, raw in iter_lines(path) if raw.strip()]


def read_text(path: Path) -> str:
    with open(path, "rb") as f:
        return f.read().decode("utf-8")


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


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a mix.

    The bytes go to a temporary file in the same folder (:func:`stage`), and the temporary file
    is renamed over ``path``.
    """
    path = Path(path)
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

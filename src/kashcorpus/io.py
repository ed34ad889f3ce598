"""Files on disk: the corpus layout, canonical JSON Lines, and atomic writes."""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import orjson

from . import resources

DOC_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
ANNOTATOR = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TYPE_RANK = {"header": 0, "zone": 1, "mention": 2, "claim": 3, "attribution": 4}


# Names a file system refuses or treats as a device (Windows: con.txt is the console, whatever the folder).
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul"} | {f"{p}{d}" for p in ("com", "lpt") for d in range(10)})


def is_doc_id(value: str) -> bool:
    """True when ``value`` is a safe document id (it can never name a path outside the corpus, nor a device).

    >>> is_doc_id("kash-000"), is_doc_id("../etc"), is_doc_id("a/b"), is_doc_id("con")
    (True, False, False, False)
    """
    return (isinstance(value, str) and len(value) <= 64 and DOC_ID.fullmatch(value) is not None
            and value not in RESERVED_NAMES)


@dataclass(frozen=True)
class Layout:
    """Paths of a corpus checkout.

    >>> Layout(Path("x")).gold_path("kash-000").as_posix()
    'x/annotations/gold/kash-000.jsonl'
    """

    root: Path

    @property
    def documents_file(self) -> Path:
        return self.root / "corpus" / "documents.jsonl"

    @property
    def texts_dir(self) -> Path:
        return self.root / "corpus" / "texts"

    @property
    def gold_dir(self) -> Path:
        return self.root / "annotations" / "gold"

    @property
    def passes_dir(self) -> Path:
        return self.root / "annotations" / "passes"

    @property
    def entities_file(self) -> Path:
        return self.root / "annotations" / "entities.jsonl"

    @property
    def links_file(self) -> Path:
        return self.root / "annotations" / "links.jsonl"

    def text_path(self, doc: str) -> Path:
        if not is_doc_id(doc):
            raise ValueError(f"not a document id: {doc!r}")
        return self.texts_dir / f"{doc}.txt"

    def gold_path(self, doc: str) -> Path:
        if not is_doc_id(doc):
            raise ValueError(f"not a document id: {doc!r}")
        return self.gold_dir / f"{doc}.jsonl"

    def pass_path(self, annotator: str, doc: str) -> Path:
        if not is_doc_id(doc) or not ANNOTATOR.fullmatch(annotator) or annotator in RESERVED_NAMES:
            raise ValueError(f"not a document id or annotator name: {doc!r}, {annotator!r}")
        return self.passes_dir / annotator / f"{doc}.jsonl"

    def annotation_files(self) -> Iterator[tuple[str, Path]]:
        """Yield ``(layer, path)`` for every annotation file: gold first, then each pass, sorted."""
        if self.gold_dir.is_dir():
            for p in sorted(self.gold_dir.glob("*.jsonl")):
                yield "gold", p
        if self.passes_dir.is_dir():
            for d in sorted(x for x in self.passes_dir.iterdir() if x.is_dir()):
                for p in sorted(d.glob("*.jsonl")):
                    yield f"pass-{d.name}", p

    def rel(self, path: Path) -> str:
        """``path`` relative to the root, with forward slashes (as findings report it)."""
        path = Path(path)
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            pass
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def default_root() -> Path:
    """The corpus to work on: the current directory if it is a checkout, else the packaged data."""
    cwd = Path.cwd()
    if (cwd / "corpus").is_dir() and (cwd / "annotations").is_dir():
        return cwd
    return resources.data_root()


# -- canonical serialisation -------------------------------------------------

def _object_schema(schema: dict) -> dict | None:
    if "properties" in schema:
        return schema
    for alt in [*schema.get("anyOf", []), *schema.get("oneOf", [])]:
        found = _object_schema(alt)
        if found:
            return found
    return None


def _ordered(value, schema: dict | None):
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


def _id_number(rid: str) -> int:
    digits = rid[1:]
    return int(digits) if digits.isdigit() else 0


def record_anchor(rec: dict) -> tuple[int, int]:
    if rec.get("type") == "attribution":
        spans = [rec.get(k) for k in ("source", "cue", "content")]
        spans = [s for s in spans if isinstance(s, dict)]
        return (min(s["start"] for s in spans), max(s["end"] for s in spans)) if spans else (0, 0)
    return rec.get("start", 0), rec.get("end", 0)


def sort_key(rec: dict) -> tuple:
    """Canonical order of records in an annotation file: header, zones, mentions, claims, attributions, by offset."""
    start, end = record_anchor(rec)
    return TYPE_RANK.get(rec.get("type"), 9), start, end, _id_number(str(rec.get("id", ""))), str(rec.get("id", ""))


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


def read_jsonl(path: Path) -> list[dict]:
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

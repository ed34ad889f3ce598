"""Reading the corpus into memory, one document at a time or whole."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Collection, Iterator

import orjson

from .io import iter_lines, read_jsonl, read_text
from .layout import Layout
from .model import DecisionRecord, EntityRecord, LinkRecord


@dataclass(frozen=True)
class DocumentRecords:
    """A document's metadata, text and gold annotation records (as dicts, header removed)."""

    meta: dict
    text: str
    records: tuple[dict, ...]

    @property
    def id(self) -> str:
        return self.meta["id"]

    def layer(self, kind: str) -> list[Any]:
        """The records of one type (``zone``, ``mention``...), in file order."""
        return [r for r in self.records if r["type"] == kind]


def iter_documents(root: Path | str, layer: str = "gold", only: Collection[str] | None = None) -> Iterator[DocumentRecords]:
    """Yield every document (or those whose ids are in ``only``) with its annotations of ``layer`` (``gold`` or
    ``pass-<name>``), sorted by id.

    >>> from kashcorpus.resources import data_root
    >>> next(iter_documents(data_root())).id
    'kash-000'
    """
    layout = Layout(Path(root))
    for meta in iter_metadata(layout):
        if only is None or meta["id"] in only:
            yield read_document(layout, meta, layer)


def read_metadata(layout: Layout) -> list[dict]:
    """Every document's metadata record, sorted by document id."""
    return sorted(read_jsonl(layout.documents_file, layout.root), key=lambda m: m["id"])


def iter_metadata(layout: Layout) -> Iterator[dict]:
    """Every document's metadata record, sorted by document id, holding only the ids when the file is in id
    order (as ``kashcorpus fmt`` writes it): memory does not grow with the records' size.
    """
    path = layout.documents_file
    ids = [orjson.loads(raw)["id"] for _, raw in iter_lines(path, layout.root) if raw.strip()]
    if any(a > b for a, b in zip(ids, ids[1:])):
        yield from read_metadata(layout)
        return
    del ids
    for _, raw in iter_lines(path, layout.root):
        if raw.strip():
            yield orjson.loads(raw)


def read_document(layout: Layout, meta: dict, layer: str = "gold") -> DocumentRecords:
    """The document of the metadata record ``meta``: its text and its annotations of ``layer``."""
    doc = meta["id"]
    path = layout.layer_path(doc, layer)
    records = [r for r in read_jsonl(path, layout.root) if r["type"] != "header"] if path.exists() else []
    return DocumentRecords(meta, read_text(layout.text_path(doc), layout.root), tuple(records))


def read_entities(root: Path | str) -> list[EntityRecord]:
    path = Layout(Path(root)).entities_file
    return sorted(read_jsonl(path, Path(root)), key=lambda e: e["id"]) if path.exists() else []


def read_links(root: Path | str) -> list[LinkRecord]:
    path = Layout(Path(root)).links_file
    return sorted(read_jsonl(path, Path(root)), key=lambda e: e["id"]) if path.exists() else []


def read_decisions(root: Path | str) -> list[DecisionRecord]:
    """The adjudication log in the order the decisions were taken (empty when nothing was adjudicated)."""
    path = Layout(Path(root)).decisions_file
    return list(read_jsonl(path, Path(root))) if path.exists() else []

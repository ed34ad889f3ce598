"""Checks of corpus/documents.jsonl against the texts in corpus/texts/."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding, make_finding
from ..layout import Layout
from ..model import is_doc_id
from .schemas import schema_findings
from .syntax import decode_text, iter_objects, read_bytes

EVIDENCED = ("title", "publisher", "author", "date")
# every code check_documents and check_text report (besides the level-1 codes of the metadata file)
CODES = ("schema-violation", "duplicate-id", "unknown-label", "metadata-missing", "seed-file-mismatch", "text-missing",
         "text-hash-mismatch", "text-length-mismatch", "evidence-not-in-text")


def check_documents(layout: Layout, taxonomy: dict) -> tuple[list[Finding], DocumentIndex]:
    """Metadata records against their schema and their texts.

    Reports ``schema-violation``, ``duplicate-id``, ``unknown-label`` (genre), ``metadata-missing``,
    ``seed-file-mismatch`` and level-1 codes of the metadata file; :func:`check_text` checks each text.
    """
    out: list[Finding] = []
    index = DocumentIndex()
    rel = layout.rel(layout.documents_file)
    lines: dict[str, int] = {}
    for item in iter_objects(layout.documents_file, rel):
        if isinstance(item, Finding):
            out.append(item)
            continue
        line, obj = item
        bad = schema_findings(obj, "document", rel, line, obj.get("id") if isinstance(obj.get("id"), str) else None)
        if bad:
            out.extend(bad)
            continue
        doc = obj["id"]
        where: dict[str, Any] = {"file": rel, "line": line, "doc": doc, "record": None}
        if doc in index.meta:
            out.append(make_finding("duplicate-id", id=doc, first_line=lines[doc], **where))
            continue
        index.meta[doc] = TextFacts.of(obj, line)
        lines[doc] = line
        genre = obj["genre"]["value"]
        if genre not in taxonomy["genre"]:
            out.append(make_finding("unknown-label", field="genre", value=genre, allowed=", ".join(taxonomy["genre"]), **where))
    texts = sorted(layout.texts_dir.glob("*.txt")) if layout.listable(layout.texts_dir) else []
    for p in texts:
        doc = p.name[:-4]
        if doc not in index.meta:
            if not is_doc_id(doc):
                out.append(make_finding("seed-file-mismatch", file=layout.rel(p),
                                        detail=f"text file name {p.name!r} is not a valid document id"))
            else:
                out.append(make_finding("metadata-missing", file=layout.rel(p), doc=doc))
    index.lines = lines
    return out, index


@dataclass(frozen=True)
class TextFacts:
    """The metadata a text is checked against, small enough to send to a worker process."""

    doc: str
    line: int
    sha256: str
    length: int
    bytes: int
    evidence: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, meta: dict, line: int) -> TextFacts:
        ev = tuple((k, meta[k]["evidence"]) for k in EVIDENCED + ("genre",) if meta[k].get("evidence") is not None)
        return cls(meta["id"], line, meta["sha256"], meta["length"], meta["bytes"], ev)


@dataclass
class DocumentIndex:
    """What later levels need about the documents: their metadata and its line numbers."""

    meta: dict[str, TextFacts] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def check_text(layout: Layout, facts: TextFacts) -> tuple[list[Finding], str | None, str | None]:
    """One text against its metadata; returns ``(findings, text or None, sha256 or None)``.

    Reports ``text-missing``, ``file-unreadable``, ``text-hash-mismatch``, ``text-length-mismatch``,
    ``not-utf8``, ``text-nul`` and ``evidence-not-in-text``.
    """
    doc, line = facts.doc, facts.line
    rel = layout.rel(layout.documents_file)
    path = layout.text_path(doc)
    trel = layout.rel(path)
    data, err = read_bytes(path, trel)
    if err or data is None:
        if not (err and err.code == "file-unsafe") and not os.path.lexists(path):
            return [make_finding("text-missing", file=rel, line=line, doc=doc, textfile=trel, named=doc)], None, None
        return [err] if err else [], None, None
    out: list[Finding] = []
    where: dict[str, Any] = {"file": rel, "line": line, "doc": doc}
    digest = hashlib.sha256(data).hexdigest()
    meta = {"sha256": facts.sha256, "bytes": facts.bytes, "length": facts.length}
    if digest != meta["sha256"]:
        out.append(make_finding("text-hash-mismatch", actual=digest, expected=meta["sha256"], **where))
    if len(data) != meta["bytes"]:
        out.append(make_finding("text-length-mismatch", actual=len(data), unit="bytes", expected=meta["bytes"], **where))
    text, bad = decode_text(data, trel, doc)
    out.extend(bad)
    if text is None:
        return out, None, digest
    if len(text) != meta["length"]:
        out.append(make_finding("text-length-mismatch", actual=len(text), unit="code points", expected=meta["length"], **where))
    for key, evidence in facts.evidence:
        if evidence not in text:
            out.append(make_finding("evidence-not-in-text", field=key, evidence=evidence, **where))
    return out, text, digest

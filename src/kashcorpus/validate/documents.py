"""Checks of corpus/documents.jsonl against the texts in corpus/texts/."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Iterator

from ..findings import Finding, make_finding
from ..layout import Layout
from ..model import is_doc_id
from .schemas import schema_findings
from ..errors import FileUnsafe
from .syntax import decode_text, iter_objects, open_regular, read_bytes

EVIDENCED = ("title", "publisher", "author", "date")
LINE_LOST = ("json-syntax", "not-utf8", "not-an-object", "line-too-long")  # a line that yields no record
# every code check_documents and check_text report (besides the level-1 codes of the metadata file)
CODES = ("schema-violation", "duplicate-id", "unknown-label", "metadata-missing", "seed-file-mismatch", "text-missing",
         "text-hash-mismatch", "text-length-mismatch", "evidence-not-in-text", "page-missing", "page-hash-mismatch",
         "page-without-document")


def check_documents(layout: Layout, taxonomy: dict) -> tuple[list[Finding], DocumentIndex]:
    """Metadata records against their schema and their texts.

    Reports ``schema-violation``, ``duplicate-id``, ``unknown-label`` (genre), ``metadata-missing``,
    ``seed-file-mismatch``, ``page-without-document`` and level-1 codes of the metadata file; :func:`check_text` checks each text.
    A metadata file in canonical order (ids rising) is not kept in memory: :meth:`DocumentIndex.facts`
    reads it again, so memory stays flat in corpus size; another one is kept, by id.
    """
    out: list[Finding] = []
    index = DocumentIndex(path=layout.documents_file, rel=layout.rel(layout.documents_file),
                          streamed=_ids_rising(layout.documents_file, layout.rel(layout.documents_file)))
    rel = index.rel
    lines: dict[str, int] = {}
    try:  # a folder that may not be listed is reported by the validator's folder check
        names = sorted(n[:-4] for n in os.listdir(layout.texts_dir) if n.endswith(".txt")) \
            if layout.listable(layout.texts_dir) else []
    except OSError:
        names = []
    matched = bytearray(len(names))  # texts that have metadata: both lists are sorted, so a merge finds them
    paged: set[str] = set()  # documents added from a saved page (few)
    at = 0
    for item in iter_objects(layout.documents_file, rel):
        if isinstance(item, Finding):
            out.append(item)
            if item.code in LINE_LOST and item.line is not None:
                index.skipped.add(item.line)
            continue
        line, obj = item
        bad = schema_findings(obj, "document", rel, line, obj.get("id") if isinstance(obj.get("id"), str) else None)
        if bad:
            out.extend(bad)
            index.skipped.add(line)
            continue
        doc = obj["id"]
        where: dict[str, Any] = {"file": rel, "line": line, "doc": doc, "record": None}
        if not index.streamed:
            if doc in index.meta:
                out.append(make_finding("duplicate-id", id=doc, first_line=lines[doc], **where))
                index.skipped.add(line)
                continue
            index.meta[doc] = TextFacts.of(obj, line)
            lines[doc] = line
        else:
            while at < len(names) and names[at] < doc:
                at += 1
            if at < len(names) and names[at] == doc:
                matched[at] = 1
        index.count += 1
        if "page" in obj:
            paged.add(doc)
        genre = obj["genre"]["value"]
        if genre not in taxonomy["genre"]:
            out.append(make_finding("unknown-label", field="genre", value=genre, allowed=", ".join(taxonomy["genre"]), **where))
    if not index.streamed:
        matched = bytearray(doc in index.meta for doc in names)
    for doc, has_metadata in zip(names, matched):
        if has_metadata:
            continue
        path = layout.texts_dir / f"{doc}.txt"
        if not is_doc_id(doc):
            out.append(make_finding("seed-file-mismatch", file=layout.rel(path),
                                    detail=f"text file name {path.name!r} is not a valid document id"))
        else:
            out.append(make_finding("metadata-missing", file=layout.rel(path), doc=doc))
    out.extend(_stray_pages(layout, paged))
    index.lines = lines
    return out, index


def _stray_pages(layout: Layout, paged: set[str]) -> Iterator[Finding]:
    """``page-without-document`` for each file of ``sources/`` that no document records as its saved page;
    ``file-unsafe`` for ``sources`` itself committed as a link (never listed, and no page is written through it)."""
    from ..io import unsafe_part

    rel = layout.rel(layout.sources_dir)
    if os.path.islink(layout.sources_dir) and unsafe_part(layout.root, layout.sources_dir) == rel:
        yield make_finding("file-unsafe", file=rel, place=rel, what="a symbolic link")
    try:
        names = sorted(os.listdir(layout.sources_dir)) if layout.listable(layout.sources_dir) else []
    except OSError:
        names = []
    for name in names:
        if not (name.endswith(".html") and name[:-5] in paged):
            yield make_finding("page-without-document", file=layout.rel(layout.sources_dir / name))


def _ids_rising(path, rel: str) -> bool:
    """Whether the ids of the metadata file's records rise strictly, line by line (its canonical order).

    The file is opened as every checkout file is (no link followed, no FIFO or device read): a file that
    cannot be opened so is not streamed, and the syntax level reports it.
    """
    import orjson

    last = ""
    try:
        with open_regular(path, rel) as f:
            for raw in f:
                try:
                    obj = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    continue
                doc = obj.get("id") if isinstance(obj, dict) else None
                if isinstance(doc, str):
                    if doc <= last:
                        return False
                    last = doc
    except (OSError, FileUnsafe):
        return False
    return True


@dataclass(frozen=True)
class TextFacts:
    """The metadata a text is checked against, small enough to send to a worker process."""

    doc: str
    line: int
    sha256: str
    length: int
    bytes: int
    evidence: tuple[tuple[str, str], ...]
    page: tuple[str, int, str] | None = None  # (sha256, bytes, encoding) of the saved page it was added from

    @classmethod
    def of(cls, meta: dict, line: int) -> TextFacts:
        ev = tuple((k, meta[k]["evidence"]) for k in EVIDENCED + ("genre",) if meta[k].get("evidence") is not None)
        page = meta.get("page")
        saved = (page["sha256"], page["bytes"], page["encoding"]) if isinstance(page, dict) else None
        return cls(meta["id"], line, meta["sha256"], meta["length"], meta["bytes"], ev, saved)


@dataclass
class DocumentIndex:
    """What later levels need about the documents: their metadata, kept (``meta``, by id) or read again in
    id order (``streamed``, for a metadata file in canonical order)."""

    meta: dict[str, TextFacts] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    path: Any = None
    rel: str = ""
    streamed: bool = False
    skipped: set[int] = field(default_factory=set)  # lines of records that are not documents (they have findings)
    count: int = 0

    def facts(self) -> Iterator[TextFacts]:
        """The metadata of every document, in id order."""
        if not self.streamed:
            yield from (self.meta[doc] for doc in sorted(self.meta))
            return
        import orjson

        # the lines check_documents read: a record with a finding is skipped, so every other object is a document
        with open_regular(self.path, self.rel) as f:
            for line, raw in enumerate(f, 1):
                if line in self.skipped or not raw.strip():
                    continue
                try:
                    obj = orjson.loads(raw[3:] if line == 1 and raw.startswith(b"\xef\xbb\xbf") else raw)
                except orjson.JSONDecodeError:
                    continue
                if isinstance(obj, dict):
                    yield TextFacts.of(obj, line)


def check_text(layout: Layout, facts: TextFacts) -> tuple[list[Finding], str | None, str | None]:
    """One text against its metadata; returns ``(findings, text or None, sha256 or None)``.

    Reports ``text-missing``, ``file-unreadable``, ``text-hash-mismatch``, ``text-length-mismatch``,
    ``not-utf8``, ``text-nul``, ``evidence-not-in-text`` and, for a document added from a saved page,
    ``page-missing`` and ``page-hash-mismatch`` (its evidence may quote the page).
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
    page = None
    if facts.page is not None:
        bad, page = _check_page(layout, facts, where)
        out.extend(bad)
    for key, evidence in facts.evidence:
        if evidence not in text and (page is None or evidence not in page):
            out.append(make_finding("evidence-not-in-text", field=key, evidence=evidence, **where))
    return out, text, digest


def _check_page(layout: Layout, facts: TextFacts, where: dict[str, Any]) -> tuple[list[Finding], str | None]:
    """The saved page of a document against its metadata; returns ``(findings, the page as text or None)``."""
    assert facts.page is not None
    sha, size, encoding = facts.page
    path = layout.page_path(facts.doc)
    prel = layout.rel(path)
    data, err = read_bytes(path, prel)
    if err or data is None:
        if not (err and err.code == "file-unsafe") and not os.path.lexists(path):
            return [make_finding("page-missing", pagefile=prel, named=facts.doc, **where)], None
        return [err] if err else [], None
    out = []
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha:
        out.append(make_finding("page-hash-mismatch", what="sha256", actual=digest, expected=sha, **where))
    if len(data) != size:
        out.append(make_finding("page-hash-mismatch", what="size in bytes", actual=len(data), expected=size, **where))
    try:
        return out, data.decode(encoding, errors="replace")
    except LookupError:
        return out, data.decode("utf-8", errors="replace")

"""Checks of corpus/documents.jsonl against the texts in corpus/texts/."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..findings import Finding, make_finding
from ..io import Layout, is_doc_id
from .spans import schema_findings
from .syntax import decode_text, iter_objects, read_bytes

EVIDENCED = ("title", "publisher", "author", "date")


@dataclass
class DocumentIndex:
    """What later levels need about the documents: ids, text hashes, and which texts decode."""

    meta: dict[str, dict] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)
    readable: set[str] = field(default_factory=set)


def check_documents(layout: Layout, taxonomy: dict) -> tuple[list[Finding], DocumentIndex]:
    """Metadata records against their schema and their texts.

    Reports ``schema-violation``, ``duplicate-id``, ``unknown-label`` (genre), ``text-missing``,
    ``metadata-missing``, ``text-hash-mismatch``, ``text-length-mismatch``, ``evidence-not-in-text``,
    ``not-utf8``, ``text-nul`` and level-1 codes of the metadata file.
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
        where = dict(file=rel, line=line, doc=doc, record=None)
        if doc in index.meta:
            out.append(make_finding("duplicate-id", id=doc, first_line=lines[doc], **where))
            continue
        index.meta[doc] = obj
        lines[doc] = line
        genre = obj["genre"]["value"]
        if genre not in taxonomy["genre"]:
            out.append(make_finding("unknown-label", field="genre", value=genre, allowed=", ".join(taxonomy["genre"]), **where))
    texts = sorted(layout.texts_dir.glob("*.txt")) if layout.texts_dir.is_dir() else []
    for p in texts:
        doc = p.name[:-4]
        if doc not in index.meta:
            if not is_doc_id(doc):
                out.append(make_finding("seed-file-mismatch", file=layout.rel(p),
                                        detail=f"text file name {p.name!r} is not a valid document id"))
            else:
                out.append(make_finding("metadata-missing", file=layout.rel(p), doc=doc))
    for doc, meta in index.meta.items():
        out.extend(_check_text(layout, doc, meta, lines[doc], rel, index))
    return out, index


def _check_text(layout: Layout, doc: str, meta: dict, line: int, rel: str, index: DocumentIndex) -> list[Finding]:
    path = layout.text_path(doc)
    trel = layout.rel(path)
    if not path.is_file():
        return [make_finding("text-missing", file=rel, line=line, doc=doc, textfile=trel, named=doc)]
    data, err = read_bytes(path, trel)
    if err:
        return [err]
    out: list[Finding] = []
    where = dict(file=rel, line=line, doc=doc)
    digest = hashlib.sha256(data).hexdigest()
    index.sha256[doc] = digest
    if digest != meta["sha256"]:
        out.append(make_finding("text-hash-mismatch", actual=digest, expected=meta["sha256"], **where))
    if len(data) != meta["bytes"]:
        out.append(make_finding("text-length-mismatch", actual=len(data), unit="bytes", expected=meta["bytes"], **where))
    text, bad = decode_text(data, trel, doc)
    out.extend(bad)
    if text is None:
        return out
    index.readable.add(doc)
    if len(text) != meta["length"]:
        out.append(make_finding("text-length-mismatch", actual=len(text), unit="code points", expected=meta["length"], **where))
    for key in EVIDENCED + ("genre",):
        evidence = meta[key].get("evidence")
        if evidence is not None and evidence not in text:
            out.append(make_finding("evidence-not-in-text", field=key, evidence=evidence, **where))
    return out

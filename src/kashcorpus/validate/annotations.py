"""One annotation file: read it (levels 1 and 2), then dispatch the rule table (level 3), fast forms first."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ..errors import FileUnsafe
from ..findings import Finding, make_finding
from ..model import RECORD_TYPES, SPAN_LAYERS
from . import schemas
from .rules import Context, FileView, rules_for
from .syntax import MAX_LINE_BYTES, iter_objects, open_regular

__all__ = ["Context", "FileSummary", "READER_CODES", "read_view", "fast_view", "validate_annotation_file"]

# level-1 findings about a line that held a record (a BOM or a blank line before the header does not)
LINE_LOST = ("json-syntax", "not-utf8", "not-an-object")
# what the reader reports on the way to the rules (besides the level-1 codes of syntax.iter_objects)
READER_CODES = ("header-missing", "unknown-record-type", "schema-violation")


@dataclass
class FileSummary:
    """What corpus-level checks need from one annotation file (small, not the records)."""

    doc: str | None
    layer: str | None
    records: int = 0
    kinds: dict[str, str] = field(default_factory=dict)
    mention_texts: set[tuple[str, str]] = field(default_factory=set)


def summarise(view: FileView, ctx: Context) -> FileSummary:
    """The summary of a read file: every object counted, the ids (first of each) and the linked mention texts."""
    texts = {(m["entity"], m["text"]) for _line, m in view.by_type["mention"] if m["entity"] in ctx.entity_types}
    return FileSummary(view.doc, view.layer, view.objects, dict(view.kinds), texts)


def read_view(path: Path, rel: str, layer: str | None, doc: str, text: str | None) -> tuple[list[Finding], FileView]:
    """Read a file line by line: level-1 findings, the header's place, record types and schemas.

    Reports the level-1 codes of :func:`~kashcorpus.validate.syntax.iter_objects`, ``header-missing``,
    ``unknown-record-type`` and ``schema-violation``; a record with a finding is left out of the view.
    """
    out: list[Finding] = []
    view = FileView(rel, doc, layer, text)
    header_seen = False
    first = True
    for item in iter_objects(path, rel, doc):
        if isinstance(item, Finding):
            out.append(item)
            if item.code in LINE_LOST:
                first = False
            continue
        line, obj = item
        view.objects += 1
        rtype = obj.get("type")
        if rtype == "header":
            if header_seen or not first:
                out.append(make_finding("header-missing", file=rel, line=line, doc=doc))
            first = False
            header_seen = True
            bad = schemas.schema_findings(obj, "header", rel, line, doc)
            out.extend(bad)
            if not bad:
                view.headers.append((line, obj))
            continue
        if first:
            out.append(make_finding("header-missing", file=rel, line=line, doc=doc))
            first = False
        if rtype not in SPAN_LAYERS:
            out.append(make_finding("unknown-record-type", file=rel, line=line, doc=doc, rtype=rtype,
                                    allowed=", ".join(RECORD_TYPES)))
            continue
        if not (schemas.fast_validator(rtype).is_valid(obj) and schemas.plain_offsets(obj, rtype)):
            out.extend(schemas.schema_findings(obj, rtype, rel, line, doc))
            continue
        view.records.append((line, obj))
    return out, view


def _has_long_line(data: bytes) -> bool:
    start = 0
    while True:
        end = data.find(b"\n", start)
        if end < 0:
            return len(data) - start > MAX_LINE_BYTES
        if end - start > MAX_LINE_BYTES:
            return True
        start = end + 1


def fast_view(path: Path, rel: str, layer: str | None, doc: str, text: str | None) -> FileView | None:
    """The fast form of :func:`read_view`: the whole file at once, or ``None`` when it would report anything.

    A file qualifies when it ends with a newline, has no byte order mark, blank line or over-long line,
    and every line is an object: a valid header first, then valid span records. Its view is then the
    one :func:`read_view` builds (record ``n`` is on line ``n + 1``).
    """
    if text is None:
        return None
    try:
        with open_regular(path, rel) as f:
            data = f.read()
        if not data.endswith(b"\n") or data.startswith((b"\xef\xbb\xbf", b"\n")) or b"\n\n" in data:
            return None
        if len(data) > MAX_LINE_BYTES and _has_long_line(data):
            return None
        if b"\r" in data:
            return None
        lines = data[:-1].split(b"\n")
        recs = [orjson.loads(line) for line in lines]
        if not all(isinstance(r, dict) for r in recs):
            return None
        if any(len(orjson.dumps(r)) != len(line) for r, line in zip(recs, lines)):
            return None  # not compact: the detailed reader looks for duplicate keys
        header, body = recs[0], recs[1:]
        if header.get("type") != "header" or not schemas.fast_validator("header").is_valid(header):
            return None
        if not all(r.get("type") in SPAN_LAYERS and schemas.fast_validator(r["type"]).is_valid(r)
                   and schemas.plain_offsets(r, r["type"]) for r in body):
            return None
    except (KeyError, TypeError, AttributeError, IndexError, ValueError, OSError, FileUnsafe):
        return None
    return FileView(rel, doc, layer, text, [(1, header)], list(enumerate(body, 2)), len(recs))


def validate_annotation_file(path: Path, rel: str, layer: str | None, expected_doc: str, text: str | None,
                             ctx: Context) -> tuple[list[Finding], FileSummary]:
    """All checks of levels 1 to 3 on one annotation file.

    ``text`` is the document's text (``None`` when the document is unknown or unreadable: then only
    levels 1 and 2 and the rules that do not need it run). ``layer`` is the layer the file's place implies
    (``gold``, ``pass-<name>``), or ``None`` for a file whose header may name any layer (a system's
    predictions). A file the fast reader accepts is checked by each rule's fast form, and only the rules
    whose fast form fails run their detailed form.
    """
    view = fast_view(path, rel, layer, expected_doc, text)
    if view is not None:
        found: list[Finding] = []
        for rule in rules_for(view):
            if not rule.fast(view, ctx):
                found.extend(rule.check(view, ctx))
    else:
        found, view = read_view(path, rel, layer, expected_doc, text)
        for rule in rules_for(view):
            found.extend(rule.check(view, ctx))
    found.sort(key=lambda f: f.line or 0)
    return found, summarise(view, ctx)

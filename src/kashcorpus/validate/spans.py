"""Level 2 and 3 for one annotation file: schemas, offsets, ids, references and labels."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ..findings import Finding, make_finding
from ..model import LABEL_FIELDS, PARTS, RECORD_TYPES, SPAN_LAYERS, TYPE_RANK, record_anchor
from . import schemas
from .syntax import MAX_LINE_BYTES, iter_objects, open_regular

SPAN_TYPES = SPAN_LAYERS
# level-1 findings about a line that held a record (a BOM or a blank line before the header does not)
LINE_LOST = ("json-syntax", "not-utf8", "not-an-object")


@dataclass
class Context:
    """What checks of one document need to know about the rest of the corpus."""

    taxonomy: dict
    entity_types: dict[str, str]
    text_sha256: dict[str, str] = field(default_factory=dict)


@dataclass
class FileSummary:
    """What corpus-level checks need from one annotation file (small, not the records)."""

    doc: str | None
    layer: str
    records: int = 0
    kinds: dict[str, str] = field(default_factory=dict)
    mention_texts: set[tuple[str, str]] = field(default_factory=set)


def schema_findings(obj: dict, name: str, rel: str, line: int, doc: str | None) -> list[Finding]:
    """Level 2: the record against its schema. Reports ``schema-violation``."""
    if schemas.is_valid(obj, name) and _integers_are_integers(obj):
        return []
    rid = obj.get("id") if isinstance(obj.get("id"), str) else None
    out = []
    for pointer, keyword, message in schemas.explain(obj, name):
        out.append(make_finding("schema-violation", file=rel, line=line, doc=doc, record=rid, path=pointer,
                                keyword=keyword, detail=message, schema=name))
        break
    if not out:
        out.append(make_finding("schema-violation", file=rel, line=line, doc=doc, record=rid, path="/",
                                keyword="type", detail="offsets must be written as integers (no decimal point)",
                                schema=name))
    return out


def _integers_are_integers(obj) -> bool:
    """JSON Schema counts 1.0 as an integer; offsets must be written as plain integers."""
    for key in ("start", "end"):
        if isinstance(obj.get(key), float):
            return False
    for key in PARTS:
        sub = obj.get(key)
        if isinstance(sub, dict) and not _integers_are_integers(sub):
            return False
    return True


def _where(rel: str, line: int, doc: str, rid: str) -> dict:
    return {"file": rel, "line": line, "doc": doc, "record": rid}


def _plain_offsets(obj: dict, rtype: str) -> bool:
    """JSON Schema counts 1.0 as an integer; offsets must be written as plain integers."""
    if rtype != "attribution":
        return type(obj["start"]) is int and type(obj["end"]) is int
    return all(sp is None or (type(sp["start"]) is int and type(sp["end"]) is int)
               for sp in (obj["source"], obj["cue"], obj["content"]))


def _span_ok(span: dict, text: str, n_text: int, edge_rule: bool) -> bool:
    start, end, stext = span["start"], span["end"], span["text"]
    if not (start < end <= n_text) or text[start:end] != stext:
        return False
    return not edge_rule or not (stext[0].isspace() or stext[-1].isspace())


def check_span(span: dict, fieldname: str, text: str, edge_rule: bool, where: dict) -> list[Finding]:
    """Offsets in range, non-empty, text equals the slice, no white space at the edges.

    Reports ``span-inverted``, ``offset-out-of-range``, ``span-text-mismatch``, ``span-whitespace-edge``.
    """
    start, end, stext = span["start"], span["end"], span["text"]
    if start >= end:
        return [make_finding("span-inverted", field=fieldname, start=start, end=end, **where)]
    if end > len(text):
        return [make_finding("offset-out-of-range", field=fieldname, start=start, end=end, length=len(text), **where)]
    actual = text[start:end]
    if actual != stext:
        return [make_finding("span-text-mismatch", field=fieldname, start=start, end=end, text=stext, actual=actual, **where)]
    if edge_rule and (stext[0].isspace() or stext[-1].isspace()):
        return [make_finding("span-whitespace-edge", field=fieldname, text=stext, **where)]
    return []


def check_labels(rec: dict, taxonomy: dict, where: dict) -> list[Finding]:
    """Reports ``unknown-label``."""
    out = []
    for fieldname, table in LABEL_FIELDS[rec["type"]]:
        value = rec[fieldname]
        if value not in taxonomy[table]:
            out.append(make_finding("unknown-label", field=fieldname, value=value,
                                    allowed=", ".join(taxonomy[table]), **where))
    return out


def check_zones(zones: list[tuple[int, dict]], text: str, rel: str, doc: str) -> list[Finding]:
    """Zones tile the text. Reports ``zone-overlap`` and ``zone-gap``."""
    out = []
    pos = 0
    prev: dict | None = None
    for line, z in sorted(zones, key=lambda lz: (lz[1]["start"], lz[1]["end"])):
        where = dict(file=rel, line=line, doc=doc, record=z["id"])
        if z["start"] < pos and prev is not None:
            out.append(make_finding("zone-overlap", start=z["start"], end=z["end"], other=prev["id"], other_end=pos, **where))
        elif z["start"] > pos:
            out.append(make_finding("zone-gap", start=pos, end=z["start"], **where))
        if z["end"] > pos:
            pos, prev = z["end"], z
    if pos < len(text):
        out.append(make_finding("zone-gap", file=rel, line=zones[-1][0], doc=doc, start=pos, end=len(text)))
    return out


def check_attribution_nesting(parents: dict[str, str | None], lines: dict[str, int], rel: str, doc: str) -> list[Finding]:
    """Reports ``nesting-cycle``."""
    out = []
    reported: set[str] = set()
    for aid in sorted(parents):
        chain = [aid]
        cur = parents.get(aid)
        while cur is not None and cur in parents and cur not in chain:
            chain.append(cur)
            cur = parents.get(cur)
        if cur == aid and aid not in reported:
            reported.update(chain)
            out.append(make_finding("nesting-cycle", file=rel, line=lines[aid], doc=doc, record=aid, id=aid,
                                    chain=" -> ".join(chain + [aid])))
    return out


def validate_annotation_file(path: Path, rel: str, layer: str | None, expected_doc: str, text: str | None,
                             ctx: Context) -> tuple[list[Finding], FileSummary]:
    """All checks of levels 1 to 3 on one annotation file.

    ``text`` is the document's text (``None`` when the document is unknown or unreadable: then only
    levels 1 and 2 run). ``layer`` is the layer the file's place implies (``gold``, ``pass-<name>``), or
    ``None`` for a file whose header may name any layer (a system's predictions).
    """
    clean = clean_file_summary(path, layer, expected_doc, text, ctx)
    if clean is not None:
        return [], clean
    out: list[Finding] = []
    summ = FileSummary(doc=expected_doc, layer=layer)
    seen: dict[str, int] = {}
    zones: list[tuple[int, dict]] = []
    claims: list[tuple[int, dict]] = []
    parents: dict[str, str | None] = {}
    attr_lines: dict[str, int] = {}
    attr_source: dict[str, str] = {}
    header_seen = False
    first = True
    last_key: tuple = ()
    order_reported = False
    tax = ctx.taxonomy
    entity_types = ctx.entity_types
    fast = {t: schemas.fast_validator(t) for t in SPAN_TYPES}
    label_sets = {t: [(f, tax[table]) for f, table in LABEL_FIELDS[t]] for t in SPAN_TYPES}
    n_text = len(text) if text is not None else 0
    for item in iter_objects(path, rel, expected_doc):
        if isinstance(item, Finding):
            out.append(item)
            if item.code in LINE_LOST:
                first = False
            continue
        line, obj = item
        summ.records += 1
        rtype = obj.get("type")
        if rtype == "header":
            if header_seen or not first:
                out.append(make_finding("header-missing", file=rel, line=line, doc=expected_doc))
            first = False
            header_seen = True
            bad = schema_findings(obj, "header", rel, line, expected_doc)
            out.extend(bad)
            if bad:
                continue
            if obj["doc"] != expected_doc:
                out.append(make_finding("header-doc-mismatch", file=rel, line=line, doc=expected_doc,
                                        named=obj["doc"], expected=expected_doc))
            if layer is not None and obj["layer"] != layer:
                out.append(make_finding("header-layer-mismatch", file=rel, line=line, doc=expected_doc,
                                        named=obj["layer"], expected=layer))
            if text is not None:
                actual = ctx.text_sha256.get(expected_doc) or hashlib.sha256(text.encode("utf-8")).hexdigest()
                if obj["text_sha256"] != actual:
                    out.append(make_finding("annotation-stale", file=rel, line=line, doc=expected_doc,
                                            old=obj["text_sha256"], new=actual))
            continue
        if first:
            out.append(make_finding("header-missing", file=rel, line=line, doc=expected_doc))
            first = False
        if rtype not in SPAN_TYPES:
            out.append(make_finding("unknown-record-type", file=rel, line=line, doc=expected_doc,
                                    rtype=rtype, allowed=", ".join(RECORD_TYPES)))
            continue
        if not (fast[rtype].is_valid(obj) and _plain_offsets(obj, rtype)):
            out.extend(schema_findings(obj, rtype, rel, line, expected_doc))
            continue
        rid = obj["id"]
        if rid in seen:
            out.append(make_finding("duplicate-id", id=rid, first_line=seen[rid], **_where(rel, line, expected_doc, rid)))
        else:
            seen[rid] = line
            summ.kinds[rid] = rtype
        if rtype == "attribution":
            key = (4,) + record_anchor(obj)
        else:
            key = (TYPE_RANK[rtype], obj["start"], obj["end"])
        if key < last_key and not order_reported:
            out.append(make_finding("record-order", **_where(rel, line, expected_doc, rid)))
            order_reported = True
        last_key = key
        for fieldname, allowed in label_sets[rtype]:
            if obj[fieldname] not in allowed:
                out.extend(check_labels(obj, tax, _where(rel, line, expected_doc, rid)))
                break
        if rtype == "attribution":
            parents[rid] = obj["parent"]
            attr_lines[rid] = line
            attr_source[rid] = obj["source_type"]
            ent = obj["source_entity"]
            if ent is not None and ent not in entity_types:
                out.append(make_finding("dangling-reference", field="source_entity", ref=ent, **_where(rel, line, expected_doc, rid)))
            if text is not None:
                for part in PARTS:
                    sp = obj[part]
                    if sp is not None and not _span_ok(sp, text, n_text, True):
                        out.extend(check_span(sp, f"{part} span", text, True, _where(rel, line, expected_doc, rid)))
            continue
        if text is not None and not _span_ok(obj, text, n_text, rtype != "zone"):
            out.extend(check_span(obj, rtype, text, rtype != "zone", _where(rel, line, expected_doc, rid)))
        if rtype == "zone":
            zones.append((line, obj))
        elif rtype == "mention":
            ent = obj["entity"]
            if ent is None:
                if layer == "gold":
                    out.append(make_finding("mention-unlinked", text=obj["text"], **_where(rel, line, expected_doc, rid)))
            elif ent not in entity_types:
                out.append(make_finding("dangling-reference", field="entity", ref=ent, **_where(rel, line, expected_doc, rid)))
            else:
                summ.mention_texts.add((ent, obj["text"]))
                if entity_types[ent] != obj["label"]:
                    out.append(make_finding("mention-type-mismatch", label=obj["label"], entity=ent,
                                            etype=entity_types[ent], **_where(rel, line, expected_doc, rid)))
        elif rtype == "claim":
            claims.append((line, obj))
    for line, c in claims:
        where = dict(file=rel, line=line, doc=expected_doc, record=c["id"])
        ref = c["attribution"]
        if ref is not None and summ.kinds.get(ref) != "attribution":
            out.append(make_finding("dangling-reference", field="attribution", ref=ref, **where))
        elif c["asserted_by"] == "attributed" and ref is None:
            out.append(make_finding("claim-attribution-inconsistent", asserted_by="attributed", attribution=None, **where))
        elif c["asserted_by"] == "author" and ref is not None and attr_source.get(ref) != "author":
            out.append(make_finding("claim-attribution-inconsistent", asserted_by="author", attribution=ref, **where))
    for aid, parent in sorted(parents.items()):
        if parent is not None and summ.kinds.get(parent) != "attribution":
            out.append(make_finding("dangling-reference", file=rel, line=attr_lines[aid], doc=expected_doc,
                                    record=aid, field="parent", ref=parent))
    out.extend(check_attribution_nesting({a: p for a, p in parents.items() if p in parents}, attr_lines, rel, expected_doc))
    if zones and text is not None:
        good = [(ln, z) for ln, z in zones if z["start"] < z["end"] <= len(text)]
        if good:
            out.extend(check_zones(good, text, rel, expected_doc))
    return out, summ


def _has_long_line(data: bytes) -> bool:
    start = 0
    while True:
        end = data.find(b"\n", start)
        if end < 0:
            return len(data) - start > MAX_LINE_BYTES
        if end - start > MAX_LINE_BYTES:
            return True
        start = end + 1


def clean_file_summary(path: Path, layer: str | None, expected_doc: str, text: str | None,
                       ctx: Context) -> FileSummary | None:
    """The fast path: the file's summary if it has no finding at all, else ``None``.

    It runs the same rules as :func:`validate_annotation_file` as whole-file comprehensions and
    reports nothing; any doubt returns ``None`` and the detailed path finds and explains the problem.
    """
    if text is None:
        return None
    try:
        with open_regular(path) as f:
            data = f.read()
        if not data.endswith(b"\n") or data.startswith((b"\xef\xbb\xbf", b"\n")) or b"\n\n" in data:
            return None
        if len(data) > MAX_LINE_BYTES and _has_long_line(data):
            return None
        recs = [orjson.loads(line) for line in data[:-1].split(b"\n")]
        header, body = recs[0], recs[1:]
        if header.get("type") != "header" or not schemas.fast_validator("header").is_valid(header):
            return None
        sha = ctx.text_sha256.get(expected_doc) or hashlib.sha256(text.encode("utf-8")).hexdigest()
        if header["doc"] != expected_doc or (layer is not None and header["layer"] != layer) or header["text_sha256"] != sha:
            return None
        fast = {t: schemas.fast_validator(t) for t in SPAN_TYPES}
        if not all(fast[r["type"]].is_valid(r) and _plain_offsets(r, r["type"]) for r in body):
            return None
    except (KeyError, TypeError, AttributeError, IndexError, ValueError, OSError):
        return None
    tax = ctx.taxonomy
    ids = [r["id"] for r in body]
    kinds = dict(zip(ids, (r["type"] for r in body)))
    if len(kinds) != len(ids):
        return None
    keys = [(TYPE_RANK[r["type"]],) + record_anchor(r) if r["type"] == "attribution"
            else (TYPE_RANK[r["type"]], r["start"], r["end"]) for r in body]
    if any(a > b for a, b in zip(keys, keys[1:])):
        return None
    by = {t: [r for r in body if r["type"] == t] for t in SPAN_TYPES}
    for t in SPAN_TYPES:
        for fieldname, table in LABEL_FIELDS[t]:
            if not {r[fieldname] for r in by[t]} <= tax[table].keys():
                return None
    n = len(text)
    spans = by["mention"] + by["claim"] + [r[p] for r in by["attribution"] for p in PARTS
                                           if r[p] is not None]
    if not all(s["start"] < s["end"] <= n and text[s["start"]:s["end"]] == s["text"]
               and not s["text"][0].isspace() and not s["text"][-1].isspace() for s in spans):
        return None
    zones = by["zone"]
    if zones:
        if zones[0]["start"] != 0 or zones[-1]["end"] != n:
            return None
        if not all(a["end"] == b["start"] for a, b in zip(zones, zones[1:])):
            return None
        if not all(text[z["start"]:z["end"]] == z["text"] for z in zones):
            return None
    ents = ctx.entity_types
    unlinked_ok = layer != "gold"
    if not all((m["entity"] is None and unlinked_ok) or ents.get(m["entity"]) == m["label"] for m in by["mention"]):
        return None
    attrs = {a["id"]: a for a in by["attribution"]}
    if not all(a["source_entity"] is None or a["source_entity"] in ents for a in attrs.values()):
        return None
    if not all(a["parent"] is None or a["parent"] in attrs for a in attrs.values()):
        return None
    if any(a["parent"] is not None for a in attrs.values()):
        parents = {k: a["parent"] for k, a in attrs.items()}
        if check_attribution_nesting(parents, dict.fromkeys(parents, 0), "", expected_doc):
            return None
    for c in by["claim"]:
        ref = c["attribution"]
        if ref is not None and ref not in attrs:
            return None
        if c["asserted_by"] == "attributed" and ref is None:
            return None
        if c["asserted_by"] == "author" and ref is not None and attrs[ref]["source_type"] != "author":
            return None
    summ = FileSummary(doc=expected_doc, layer=layer, records=len(recs), kinds=kinds)
    summ.mention_texts = {(m["entity"], m["text"]) for m in by["mention"]}
    return summ

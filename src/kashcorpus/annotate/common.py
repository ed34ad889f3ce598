"""What every annotation command shares: values from the command line, a document's files, results."""
from __future__ import annotations

import hashlib
from pathlib import Path
from collections.abc import Iterable

from ..errors import AnnotateError
from ..io import read_jsonl
from ..layout import Layout
from ..model import FLAT_LAYERS, ID_PREFIX, LABEL_FIELDS, describe, is_doc_id, layer_name  # noqa: F401  (describe: re-exported)
from ..resources import record_schema, taxonomy
from ..store import AnnotationFile, Change, Result, finish, sync_aliases  # noqa: F401  (re-exported: they moved to the store)

SPAN_KINDS = FLAT_LAYERS
CLAIM_DEFAULTS = {"certainty": "asserted", "checkworthy": False, "asserted_by": "author", "attribution": None}
FIXED = ("type", "id", "start", "end", "text", "source", "cue", "content")


# -- values from the command line ---------------------------------------------------------

def _field_schema(kind: str, key: str) -> dict | None:
    return record_schema(kind)["properties"].get(key)


def parse_value(kind: str, key: str, value: str):
    """A ``key=value`` value as the schema types it: ``true``/``false`` for booleans, ``null`` where allowed.

    >>> parse_value("claim", "checkworthy", "true"), parse_value("mention", "entity", "null")
    (True, None)
    >>> parse_value("mention", "note", "null") is None  # clears the note
    True
    """
    sch = _field_schema(kind, key) or {}
    alts = sch.get("anyOf", [sch])
    types = {a.get("type") for a in alts}
    if value == "null" and ("null" in types or key == "note"):
        return None
    if "boolean" in types:
        if value not in ("true", "false"):
            raise AnnotateError(f"{key} takes true or false, not {value!r}")
        return value == "true"
    return value


def parse_assignments(kind: str, pairs: Iterable[str]) -> dict:
    """``["key=value", …]`` for a record type; only fields that may change without moving the span."""
    allowed = [k for k in record_schema(kind)["properties"] if k not in FIXED]
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep:
            raise AnnotateError(f"{pair!r} is not key=value")
        if key in FIXED:
            raise AnnotateError(f"{key} cannot be set; move the span with 'kashcorpus span move' instead"
                                if key in ("start", "end", "text") else f"{key} cannot be set")
        if key not in allowed:
            raise AnnotateError(f"a {kind} has no field {key!r}; it has {', '.join(allowed)}")
        out[key] = parse_value(kind, key, value)
    return out


def check_values(kind: str, values: dict, registry: dict[str, dict]) -> None:
    """Labels in the taxonomy and entity ids in the registry, before anything is written."""
    tax = taxonomy()
    for fieldname, table in LABEL_FIELDS[kind]:
        if fieldname in values and values[fieldname] not in tax[table]:
            raise AnnotateError(f"{fieldname} {values[fieldname]!r} is not a {kind} {fieldname}; "
                                f"choose one of {', '.join(tax[table])}")
    for key in ("entity", "source_entity"):
        ent = values.get(key)
        if ent is not None and ent not in registry:
            raise AnnotateError(f"there is no entity {ent!r} in the registry; add it with 'kashcorpus entity add' "
                                "or see 'kashcorpus entity ls'")


# -- the files of one document ----------------------------------------------------------

def document_ids(layout: Layout) -> list[str]:
    return sorted(r["id"] for r in read_jsonl(layout.documents_file, layout.root)) if layout.documents_file.exists() else []


def annotation_path(layout: Layout, doc: str, annotator: str | None = None) -> Path:
    """The annotation file of ``doc``: gold, or the pass of ``annotator``; unknown documents are refused."""
    known = document_ids(layout)
    if not is_doc_id(doc) or doc not in known:
        raise AnnotateError(f"there is no document {doc!r}; the corpus has {', '.join(known) or 'none'}")
    if annotator is None:
        return layout.gold_path(doc)
    try:
        return layout.pass_path(annotator, doc)
    except ValueError:
        raise AnnotateError(f"{annotator!r} is not an annotator name (lower-case letters, digits and hyphens)") from None


def lock_paths(layout: Layout, path: Path, annotator: str | None) -> list[Path]:
    return [path] if annotator is not None else [path, layout.entities_file]


def registry_of(ch: Change, annotator: str | None = None) -> dict[str, dict]:
    """The registry the annotations of ``annotator`` link to: gold's, or a pass's own when it has one."""
    return {e["id"]: e for e in ch.table(ch.layout.registry_file(layer_name(annotator)), "entity").records}


def open_document(ch: Change, path: Path, doc: str, annotator: str | None) -> tuple[AnnotationFile, str]:
    af = ch.annotations(path, doc, layer_name(annotator))
    text = ch.text(doc)
    if af.header["text_sha256"] != hashlib.sha256(text.encode("utf-8")).hexdigest():
        raise AnnotateError(f"{af.rel} was made on an earlier version of the text; run 'kashcorpus reanchor {doc}' first")
    return af, text


def record_of(af: AnnotationFile, rid: str) -> dict:
    rec = af.get(rid)
    if rec is None:
        kinds = sorted({r["type"] for r in af.records})
        have = "; ".join(f"{k}s {_id_range(af, k)}" for k in kinds) or "no records yet"
        raise AnnotateError(f"there is no record {rid!r} in {af.rel} (it has {have})")
    return rec


def _id_range(af: AnnotationFile, kind: str) -> str:
    nums = sorted(int(r["id"][1:]) for r in af.of_type(kind))
    p = ID_PREFIX[kind]
    return f"{p}{nums[0]}" if len(nums) == 1 else f"{p}{nums[0]}…{p}{nums[-1]}"


def span_fields(text: str, s: int, e: int) -> dict:
    return {"start": s, "end": e, "text": text[s:e]}


def zone_clash(af: AnnotationFile, s: int, e: int, skip: str | None = None) -> None:
    for z in af.of_type("zone"):
        if z["id"] != skip and z["start"] < e and s < z["end"]:
            raise AnnotateError(f"zone [{s}, {e}) would overlap zone {z['id']} [{z['start']}, {z['end']}) "
                                f"{z['label']}; zones tile the text without overlapping")


def mention_clash(af: AnnotationFile, text: str, mention: dict) -> None:
    """Refuse ``mention`` (new, or moved: its id is left out of the others) where it would overlap another
    mention of the file (guidelines 2.2.7); an identical twin is left to the validator's own rule."""
    from ..validate.rules import mention_clashes

    s, e = mention["start"], mention["end"]
    others = [(1, m) for m in af.of_type("mention") if m["id"] != mention["id"]]
    for _line, m, other, token in mention_clashes(text, others + [(0, mention)]):
        if m is mention or other is mention:
            o = other if m is mention else m
            how = "would overlap" if token is None else f"would share the token {token!r} with"
            raise AnnotateError(f"the mention [{s}, {e}) {text[s:e]!r} {how} {describe(o)} in {af.rel}; mentions "
                                "never overlap (guidelines 2.2.7: the longest name wins): remove or move "
                                f"{o['id']} first, or choose other words")


"""Level 2: records against their JSON Schemas (jsonschema-rs fast, python-jsonschema for the messages)."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from ..findings import Finding, make_finding
from ..model import PARTS
from ..resources import record_schema

SCHEMA_NAMES = ("document", "header", "zone", "mention", "claim", "attribution", "entity", "link", "decision")


@functools.cache
def fast_validator(name: str):
    """The jsonschema-rs validator of a record schema, compiled once per process."""
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(record_schema(name))


def _ecma_pattern(validator, pattern, instance, schema):
    # python's re lets `$` match before a final newline; ECMA 262 (and jsonschema-rs) does not.
    if not validator.is_type(instance, "string"):
        return
    from jsonschema.exceptions import ValidationError

    m = re.search(pattern, instance)
    if m is None or (pattern.endswith("$") and not pattern.endswith("\\$") and m.end() != len(instance)):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def reference_validator(name: str):
    """The python-jsonschema validator of a record schema, with ECMA 262 semantics for ``pattern``."""
    from jsonschema import Draft202012Validator, validators

    cls = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})
    return cls(record_schema(name))


def is_valid(obj, name: str) -> bool:
    return fast_validator(name).is_valid(obj)


def _pointer(parts) -> str:
    return "/" + "/".join(str(p) for p in parts) if parts else "/"


def explain(obj, name: str) -> Iterator[tuple[str, str, str]]:
    """Yield ``(json pointer, keyword, message)`` for each schema error, most relevant first.

    >>> next(explain({"type": "zone"}, "zone"))[1]
    'required'
    """
    from jsonschema.exceptions import relevance

    errors = sorted(reference_validator(name).iter_errors(obj), key=relevance)
    for e in errors:
        leaf = e
        if e.context:
            leaf = min(e.context, key=relevance)
        yield _pointer(leaf.absolute_path), str(leaf.validator), leaf.message


def schema_findings(obj: dict, name: str, rel: str, line: int, doc: str | None) -> list[Finding]:
    """Level 2: the record against its schema. Reports ``schema-violation``."""
    if is_valid(obj, name) and _integers_are_integers(obj):
        return []
    rid = obj.get("id") if isinstance(obj.get("id"), str) else None
    out = []
    for pointer, keyword, message in explain(obj, name):
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


def plain_offsets(obj: dict, rtype: str) -> bool:
    """JSON Schema counts 1.0 as an integer; offsets must be written as plain integers."""
    if rtype != "attribution":
        return type(obj["start"]) is int and type(obj["end"]) is int
    return all(sp is None or (type(sp["start"]) is int and type(sp["end"]) is int)
               for sp in (obj["source"], obj["cue"], obj["content"]))

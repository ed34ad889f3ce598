"""Compiled JSON Schemas: jsonschema-rs as the fast path, python-jsonschema as the reference for messages."""
from __future__ import annotations

import functools
import re
from typing import Iterator

from ..resources import record_schema

SCHEMA_NAMES = ("document", "header", "zone", "mention", "claim", "attribution", "entity", "link")


@functools.lru_cache(maxsize=None)
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


@functools.lru_cache(maxsize=None)
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

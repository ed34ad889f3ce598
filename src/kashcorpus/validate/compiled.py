"""Record schemas compiled to msgspec types: one C-level decode checks every record of a file against its schema."""
from __future__ import annotations

import functools
import re
from typing import Annotated, Any, Union

from ..model import RECORD_TYPES
from ..resources import record_schema

# the JSON Schema keywords the compiler understands; a schema using any other one is not compiled
# (its records take the jsonschema-rs path), so a compiled type is never more lenient than its schema
KNOWN = frozenset({"$schema", "$id", "x-version", "title", "description", "type", "const", "properties", "required",
                   "additionalProperties", "anyOf", "pattern", "minLength", "maxLength", "minimum", "items"})


class NotCompiled(ValueError):
    """A schema uses something the compiler does not translate exactly."""


def ecma_pattern(pattern: str) -> str:
    r"""The Python regex that matches what an ECMA 262 ``pattern`` (JSON Schema's dialect) matches.

    Python's ``$`` also matches before a final newline, ECMA's does not: it becomes ``\Z``. Anything
    whose meaning differs between the two (``\d``, ``\w``, ``\s``, ``\b``, character class escapes,
    flags) is refused rather than translated.

    >>> ecma_pattern("^z[1-9][0-9]{0,6}$")
    '^z[1-9][0-9]{0,6}\\Z'
    >>> ecma_pattern(r"^\d+$")
    Traceback (most recent call last):
    kashcorpus.validate.compiled.NotCompiled: pattern '^\\d+$': escape \d means something else in Python
    """
    out = []
    i = 0
    in_class = False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            nxt = pattern[i + 1:i + 2]
            if not nxt or nxt.isalnum():
                raise NotCompiled(f"pattern {pattern!r}: escape \\{nxt} means something else in Python")
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "$" and not in_class:
            c = r"\Z"
        elif c == "(" and pattern[i + 1:i + 3] not in ("?:", "?!", "?="):
            if pattern[i + 1:i + 2] == "?":
                raise NotCompiled(f"pattern {pattern!r}: group {pattern[i:i + 3]!r} is not translated")
        out.append(c)
        i += 1
    translated = "".join(out)
    re.compile(translated)
    return translated


def _type(schema: dict, name: str, patterns: dict[str, str] | None) -> Any:
    """The msgspec type of ``schema``; a ``pattern`` goes into ``patterns`` (by field) instead of the type:
    checking it for each distinct value of a column is much cheaper than for every record while decoding."""
    import msgspec

    unknown = set(schema) - KNOWN
    if unknown:
        raise NotCompiled(f"{name}: keyword {sorted(unknown)[0]!r}")
    if "anyOf" in schema:
        if set(schema) - {"anyOf", "description", "title"}:
            raise NotCompiled(f"{name}: anyOf beside other keywords")
        return Union[tuple(_type(alt, name, patterns) for alt in schema["anyOf"])]  # noqa: UP007
    kind = schema.get("type")
    if kind == "null":
        return type(None)
    if kind == "boolean":
        return bool
    if kind == "string":
        meta = {}
        if "pattern" in schema:
            if patterns is None or name.rsplit(".", 1)[-1] in patterns:
                raise NotCompiled(f"{name}: a pattern below the top level of a record, or two for one field")
            patterns[name.rsplit(".", 1)[-1]] = ecma_pattern(schema["pattern"])
        if "minLength" in schema:
            meta["min_length"] = schema["minLength"]
        if "maxLength" in schema:
            meta["max_length"] = schema["maxLength"]
        return Annotated[str, msgspec.Meta(**meta)] if meta else str
    if kind == "integer":
        # JSON Schema counts 1.0 as an integer, msgspec does not: the validator refuses 1.0 for offsets anyway
        return Annotated[int, msgspec.Meta(ge=schema["minimum"])] if "minimum" in schema else int
    if kind == "object":
        return _struct(schema, name, None)
    if kind == "array" and "items" in schema:
        return list[_type(schema["items"], f"{name}[]", None)]  # type: ignore[misc]
    raise NotCompiled(f"{name}: type {kind!r}")


def _struct(schema: dict, name: str, patterns: dict[str, str] | None, tag: str | None = None) -> Any:
    import msgspec

    if schema.get("type") != "object" or schema.get("additionalProperties") is not False:
        raise NotCompiled(f"{name}: only closed objects are compiled")
    unknown = set(schema) - KNOWN
    if unknown:
        raise NotCompiled(f"{name}: keyword {sorted(unknown)[0]!r}")
    required = set(schema.get("required", ()))
    fields: list[tuple] = []
    for key, sub in schema["properties"].items():
        if tag is not None and key == "type":
            if sub.get("const") != tag or key not in required:
                raise NotCompiled(f"{name}: the type field must be the required constant {tag!r}")
            continue
        if "const" in sub:
            raise NotCompiled(f"{name}.{key}: const")
        kind = _type(sub, f"{name}.{key}", patterns)
        fields.append((key, kind) if key in required else (key, Union[kind, msgspec.UnsetType], msgspec.UNSET))  # noqa: UP007
    # the fields are kept in the schema's order: encoding a record gives its canonical line back
    return msgspec.defstruct(name, fields, kw_only=True, forbid_unknown_fields=True, gc=False,
                             tag_field="type" if tag is not None else None, tag=tag)


@functools.cache
def record_types() -> dict[str, Any]:
    """The msgspec type of each record type of an annotation file, by its ``type`` tag.

    >>> sorted(record_types())
    ['attribution', 'claim', 'header', 'mention', 'zone']
    """
    return {name: compiled(name)[0] for name in RECORD_TYPES}


@functools.cache
def compiled(name: str) -> tuple[Any, tuple[tuple[str, re.Pattern], ...]]:
    """``(msgspec type, ((field, pattern), ...))`` of a record schema: the type checks everything but the
    patterns of its fields, which the caller checks on each distinct value.

    >>> compiled("zone")[1][0][0]
    'id'
    """
    patterns: dict[str, str] = {}
    kind = _struct(record_schema(name), name.title(), patterns, tag=name)
    return kind, tuple((k, re.compile(v)) for k, v in patterns.items())


@functools.cache
def codec() -> tuple[Any, Any]:
    """``(decoder, encoder)`` of annotation file lines: every record type, told apart by ``type``.

    >>> dec, enc = codec()
    >>> line = b'{"type":"zone","id":"z1","start":0,"end":4,"text":"Text","label":"body"}\\n'
    >>> enc.encode_lines(dec.decode_lines(line)) == line
    True
    """
    import msgspec

    union: Any = Union[tuple(record_types().values())]  # noqa: UP007
    return msgspec.json.Decoder(union), msgspec.json.Encoder()

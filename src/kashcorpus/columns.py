"""Rows to Arrow columns from the configs' feature dictionaries: buffers built directly, no pandas, no datasets."""
from __future__ import annotations

from array import array
from itertools import accumulate, chain
from operator import itemgetter
from typing import Any
from collections.abc import Callable, Sequence

INT32, INT64 = "i", "q"  # array typecodes of 4 and 8 bytes (checked on import below)
assert array(INT32).itemsize == 4 and array(INT64).itemsize == 8


def _bitmap(bits: Sequence[Any]):
    """An Arrow bitmap (LSB first) of the truth of each item."""
    import numpy as np
    import pyarrow as pa

    return pa.py_buffer(np.packbits(np.fromiter(map(bool, bits), dtype=bool, count=len(bits)), bitorder="little"))


def _validity(values: list[Any]) -> tuple[Any, int]:
    """``(validity bitmap or None, null count)`` of a column's values (``None`` is null)."""
    nulls = values.count(None)  # the values are str, int, bool, list, dict or None: only None equals None
    if not nulls:
        return None, 0
    return _bitmap([v is not None for v in values]), nulls


Builder = Callable[[list[Any]], Any]


def _field(values: list[Any], key: str) -> list[Any]:
    """The value of ``key`` in each dictionary of ``values`` (a missing key is ``None``)."""
    try:
        return list(map(itemgetter(key), values))
    except KeyError:
        return [v.get(key) for v in values]


def arrow_type(feature: dict):
    """The Arrow type ``datasets`` stores a feature dictionary as (ClassLabel ids are int64).

    >>> from kashcorpus.configs import list_of, value
    >>> str(arrow_type(list_of({"a": value("int32")})))
    'list<item: struct<a: int32>>'
    """
    import pyarrow as pa

    kind = feature.get("_type")
    if kind == "Value":
        dtype = feature["dtype"]
        return {"string": pa.string(), "int32": pa.int32(), "int64": pa.int64(), "bool": pa.bool_()}[dtype]
    if kind == "ClassLabel":
        return pa.int64()
    if kind == "List":
        return pa.list_(arrow_type(feature["feature"]))
    if kind is None:
        return pa.struct([pa.field(k, arrow_type(f)) for k, f in feature.items()])
    raise TypeError(f"no Arrow type for feature {feature!r}")


def arrow_schema(spec: dict):
    """The Arrow schema of a config's feature dictionary, with the ``huggingface`` metadata ``datasets`` reads
    back (the same schema, metadata included, as ``datasets.Features.from_dict(spec).arrow_schema``)."""
    import json

    import pyarrow as pa

    return pa.schema([pa.field(k, arrow_type(f)) for k, f in spec.items()]).with_metadata(
        {"huggingface": json.dumps({"info": {"features": spec}})})


def compile_column(feature: dict) -> Builder:
    """A function from a column's values (Python objects, labels as names or ids) to its Arrow array, for
    one feature dictionary (:mod:`kashcorpus.configs`); the array equals what ``pyarrow.array`` makes of the
    encoded values with the feature's Arrow type, without its per-object conversion (and without the pandas
    import it triggers).

    >>> from kashcorpus.configs import class_label, list_of, value
    >>> compile_column(list_of({"a": value("string"), "b": class_label(["x", "y"])}))([[{"a": "é", "b": "y"}], None]).to_pylist()
    [[{'a': 'é', 'b': 1}], None]
    """
    import pyarrow as pa

    kind = feature.get("_type")
    typ = arrow_type(feature)
    if kind == "ClassLabel" or (kind == "Value" and feature["dtype"] in ("int32", "int64")):
        code = INT32 if typ == pa.int32() else INT64
        index = {name: i for i, name in enumerate(feature["names"])} if kind == "ClassLabel" else None

        def numbers(values: list[Any]):
            validity, nulls = _validity(values)
            if index is not None:
                try:
                    values = list(map(index.__getitem__, values))
                except (KeyError, TypeError):  # ids already, or nulls
                    values = [index[v] if isinstance(v, str) else v for v in values]
            data = array(code, [0 if v is None else v for v in values] if nulls else values)
            return pa.Array.from_buffers(typ, len(values), [validity, pa.py_buffer(data)], null_count=nulls)
        return numbers
    if kind == "Value" and feature["dtype"] == "string":
        def strings(values: list[Any]):
            validity, nulls = _validity(values)
            present = [v for v in values if v is not None] if nulls else values
            joined = "".join(present)
            offsets = array(INT32, [0])
            if joined.isascii():  # a character is a byte
                data = joined.encode()
                offsets.extend(accumulate(map(len, [("" if v is None else v) for v in values] if nulls else values)))
            else:
                encoded = [b"" if v is None else v.encode() for v in values] if nulls else list(map(str.encode, values))
                data = b"".join(encoded)
                offsets.extend(accumulate(map(len, encoded)))
            return pa.Array.from_buffers(typ, len(values), [validity, pa.py_buffer(offsets), pa.py_buffer(data)],
                                         null_count=nulls)
        return strings
    if kind == "Value" and feature["dtype"] == "bool":
        def booleans(values: list[Any]):
            validity, nulls = _validity(values)
            return pa.Array.from_buffers(typ, len(values), [validity, _bitmap(values)], null_count=nulls)
        return booleans
    if kind == "List":
        item = compile_column(feature["feature"])

        def lists(values: list[Any]):
            validity, nulls = _validity(values)
            offsets = array(INT32, [0])
            if nulls:
                offsets.extend(accumulate(0 if v is None else len(v) for v in values))
                child = item(list(chain.from_iterable(v for v in values if v is not None)))
            else:
                offsets.extend(accumulate(map(len, values)))
                child = item(list(chain.from_iterable(values)))
            return pa.Array.from_buffers(typ, len(values), [validity, pa.py_buffer(offsets)], null_count=nulls,
                                         children=[child])
        return lists
    if kind is None:
        fields = [(k, compile_column(f)) for k, f in feature.items()]

        def structs(values: list[Any]):
            validity, nulls = _validity(values)
            if nulls:
                children = [build([None if v is None else v.get(k) for v in values]) for k, build in fields]
            else:
                children = [build(_field(values, k)) for k, build in fields]
            return pa.Array.from_buffers(typ, len(values), [validity], null_count=nulls, children=children)
        return structs
    raise TypeError(f"no Arrow column for feature {feature!r}")


def compile_table(spec: dict, schema) -> Callable[[Sequence[dict]], Any]:
    """A function from rows (dicts keyed by column; a missing key is null) to an Arrow table of ``schema``.

    >>> from kashcorpus.configs import layer_spec
    >>> spec = layer_spec("zones")
    >>> table = compile_table(spec, arrow_schema(spec))([{"doc": "d", "id": "z1", "start": 0, "end": 1, "text": "x",
    ...                                                   "label": "body", "note": None}])
    >>> table.column("label").to_pylist()
    [5]
    """
    import pyarrow as pa

    columns = [(k, compile_column(f)) for k, f in spec.items()]

    def table(rows: Sequence[dict]):
        rows = rows if isinstance(rows, list) else list(rows)
        return pa.Table.from_arrays([build(_field(rows, k)) for k, build in columns], schema=schema)
    return table

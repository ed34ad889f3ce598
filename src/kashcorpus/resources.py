"""Where the corpus, annotations and schemas live, and the tables loaded from schema/."""
from __future__ import annotations

import functools
import json
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def data_root() -> Path:
    """Return the folder holding ``corpus/``, ``annotations/`` and ``schema/``.

    A wheel carries them in ``kashcorpus/_data``; a source checkout has them at
    the repository root.

    >>> (data_root() / "schema").is_dir()
    True
    """
    packaged = PACKAGE_DIR / "_data"
    if (packaged / "schema").is_dir():
        return packaged
    return PACKAGE_DIR.parent.parent


def schema_dir() -> Path:
    return data_root() / "schema"


@functools.cache
def load_table(name: str) -> dict:
    """Load a JSON table from ``schema/`` (``taxonomy``, ``findings`` or ``<type>.schema``)."""
    with open(schema_dir() / f"{name}.json", encoding="utf-8") as f:
        return json.load(f)


def taxonomy() -> dict:
    """The label sets: ``taxonomy()["mention"]`` maps each mention label to its description."""
    return load_table("taxonomy")


def findings_catalogue() -> dict:
    """Every validator code with its level, severity, title, description, message and fix."""
    return load_table("findings")["findings"]


def conversion_codes() -> dict:
    """Every converter code with its direction, formats, severity, title, description, message and fix."""
    return load_table("findings")["conversions"]


def nli_table() -> dict:
    """The NLI label set and the NLI label of each ``claim_pairs`` relation, with why (``schema/nli.json``).

    >>> nli_table()["relation"]["complement"]["nli"]
    'neutral'
    """
    return load_table("nli")


def addition_codes() -> dict:
    """Every reason ``kashcorpus document add`` refuses a file, with its title, description, message and fix."""
    return load_table("findings")["additions"]


def record_schema(record_type: str) -> dict:
    return load_table(f"{record_type}.schema")


def schema_version() -> str:
    return record_schema("header")["x-version"]

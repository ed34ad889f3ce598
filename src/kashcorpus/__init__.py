"""kashcorpus: an annotated news corpus of entities, claims and attributions, with its tools."""
from __future__ import annotations

__version__ = "2.0.0"

from .findings import Finding
from .layout import Layout
from .validate import Report, validate

__all__ = ["__version__", "Finding", "Layout", "Report", "validate",
           "load_dataset", "Corpus", "Document", "Span", "Zone", "Mention", "Claim", "Attribution", "Entity", "Link",
           "to_pandas", "UnknownId", "UnknownLabel"]

# The loader and the typed API load lazily: `import kashcorpus` must not import datasets, pandas or pyarrow.
_LAZY = {"load_dataset": "loader", "Corpus": "api", "Document": "api", "Span": "api", "Zone": "api",
         "Mention": "api", "Claim": "api", "Attribution": "api", "Entity": "api", "Link": "api", "to_pandas": "api",
         "UnknownId": "api", "UnknownLabel": "api"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

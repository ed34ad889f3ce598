"""kashcorpus: an annotated news corpus of entities, claims and attributions, with its tools."""
from __future__ import annotations

__version__ = "0.1.0"

from .findings import Finding
from .io import Layout
from .validate import Report, validate

__all__ = ["__version__", "Finding", "Layout", "Report", "validate"]

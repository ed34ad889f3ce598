"""Baseline: look up every name and alias of the entity registry with spaCy's EntityRuler, and link to it.

This baseline reads ``annotations/entities.jsonl``, whose aliases are the gold mention texts: it is a
dictionary-lookup ceiling, showing what string matching alone gets wrong (ambiguity, nesting, context).
"""
from __future__ import annotations

import sys
from pathlib import Path
from collections.abc import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cli  # noqa: E402
from ner_gazetteer import ruler_predictor  # noqa: E402

from kashcorpus.corpus import read_entities  # noqa: E402

NAME = "ner-registry-lookup"
LAYERS = ("mention",)
DESCRIPTION = "Every registry name and alias looked up with spaCy EntityRuler and linked to its entity (reads the gold registry)"


def predictor(root: Path) -> Callable:
    patterns = []
    for e in read_entities(root):
        for form in sorted({e["name"], *e["aliases"]}):
            patterns.append({"label": e["type"], "pattern": form, "id": e["id"]})
    return ruler_predictor(patterns)


if __name__ == "__main__":
    cli(NAME, __doc__.splitlines()[0], predictor)

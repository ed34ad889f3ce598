"""Baseline: gazetteer and date patterns with spaCy's rule-based EntityRuler (``spacy.blank("en")``, no model)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from collections.abc import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, cli  # noqa: E402

NAME = "ner-gazetteer"
LAYERS = ("mention",)
DESCRIPTION = "Hand-compiled gazetteer of well-known names and date patterns (baselines/data/ner_patterns.jsonl), spaCy EntityRuler"


def ruler_predictor(patterns: list[dict]) -> Callable:
    """A predictor that tags the longest pattern matches as mentions (with the pattern's ``id`` as entity)."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True})
    ruler.add_patterns(patterns)

    def predict(doc) -> list[dict]:
        out = []
        for ent in nlp(doc.text).ents:
            out.append({"type": "mention", "start": ent.start_char, "end": ent.end_char, "text": ent.text,
                        "label": ent.label_, "entity": ent.ent_id_ or None})
        return out

    return predict


def load_patterns() -> list[dict]:
    with open(DATA / "ner_patterns.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def predictor(root: Path) -> Callable:
    return ruler_predictor(load_patterns())


if __name__ == "__main__":
    cli(NAME, __doc__, predictor)

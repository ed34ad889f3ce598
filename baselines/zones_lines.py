"""Baseline: zones from line rules (title first, boilerplate and caption patterns, short unpunctuated lines as subheadings)."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from collections.abc import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cli, data_json, lines_of, span  # noqa: E402

NAME = "zones-line-rules"
LAYERS = ("zone",)
DESCRIPTION = "Each line labelled by rules (baselines/data/zone_rules.json); blank lines join the zone before them"


def line_label(line: str, first: bool, rules: dict) -> str:
    for label in ("boilerplate", "caption", "byline"):
        if any(re.match(p, line, re.I) for p in rules[label]):
            return label
    if first and len(line.split()) <= rules["title_max_words"]:
        return "title"
    if len(line.split()) <= rules["subheading_max_words"] and not re.search(r"[.!?:;,”\"]$", line):
        return "subheading"
    return "body"


def predictor(root: Path) -> Callable:
    rules = data_json("zone_rules.json")

    def predict(doc) -> list[dict]:
        text = doc.text
        lines = lines_of(text)
        if not lines:
            return [{"type": "zone", **span(text, 0, len(text)), "label": "body"}] if text else []
        labels = [line_label(text[s:e], i == 0, rules) for i, (s, e) in enumerate(lines)]
        # zones tile the text: each line's zone runs to the start of the next line
        bounds = [0] + [s for s, _ in lines[1:]] + [len(text)]
        zones: list[list] = []
        for label, s, e in zip(labels, bounds, bounds[1:]):
            if zones and zones[-1][2] == label:
                zones[-1][1] = e
            else:
                zones.append([s, e, label])
        return [{"type": "zone", **span(text, s, e), "label": label} for s, e, label in zones]

    return predict


if __name__ == "__main__":
    cli(NAME, __doc__, predictor)

"""Sentence segmenters on the corpus texts against the hand-checked reference: which sentences each gets exactly.

Runs every candidate that is importable (kashcorpus.sentences always; spaCy's rule-based sentencizer,
pysbd, syntok, blingfire, nupunkt and sentencex when installed, e.g. in a scratch venv), each on the
whole text and on each line alone, and prints a Markdown table for docs/formats.md:

    python bench/segmenters.py [--reference tests/fixtures/sentences/reference.jsonl]
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kashcorpus.corpus import iter_documents  # noqa: E402
from kashcorpus.sentences import segment  # noqa: E402


def _from_strings(text: str, parts) -> list[tuple[int, int]]:
    """Offsets of segmenters that return strings: each found in order in the text."""
    out, pos = [], 0
    for part in parts:
        part = part.strip()
        if part:
            pos = text.index(part, pos)
            out.append((pos, pos + len(part)))
            pos += len(part)
    return out


def candidates() -> dict:
    found = {"kashcorpus.sentences": (lambda t: [tuple(s) for s in segment(t)], None)}
    try:
        import spacy
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        found["spaCy sentencizer"] = (lambda t: [(s.start_char, s.end_char) for s in nlp(t).sents], "spacy")
    except ImportError:
        pass
    try:
        import pysbd
        seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
        found["pysbd"] = (lambda t: [(s.start, s.end) for s in seg.segment(t)], "pysbd")
    except ImportError:
        pass
    try:
        import syntok.segmenter as syntok
        found["syntok"] = (lambda t: [(s[0].offset, s[-1].offset + len(s[-1].value))
                                      for p in syntok.analyze(t) for s in map(list, p)], "syntok")
    except ImportError:
        pass
    try:
        import blingfire
        found["blingfire"] = (lambda t: [tuple(o) for o in blingfire.text_to_sentences_and_offsets(t)[1]] if t.strip()
                              else [], "blingfire")
    except ImportError:
        pass
    try:
        import nupunkt
        found["nupunkt"] = (lambda t: _from_strings(t, nupunkt.sent_tokenize(t)), "nupunkt")
    except ImportError:
        pass
    try:
        from sentencex import segment as sx
        found["sentencex"] = (lambda t: _from_strings(t, sx("en", t)), "sentencex")
    except ImportError:
        pass
    return found


def trimmed(text: str, spans) -> set[tuple[int, int]]:
    out = set()
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.add((a, b))
    return out


def per_line(fn):
    def run(text):
        return [(a + m.start(), b + m.start()) for m in re.finditer(r"[^\n]+", text) for a, b in fn(m.group())]
    return run


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reference", type=Path, default=ROOT / "tests" / "fixtures" / "sentences" / "reference.jsonl")
    args = ap.parse_args(argv)
    ref: dict[str, set] = {}
    for line in args.reference.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        ref.setdefault(r["doc"], set()).add((r["start"], r["end"]))
    docs = [d for d in iter_documents(ROOT) if d.id in ref]
    total = sum(len(s) for s in ref.values())
    print("| segmenter | version | whole text: exact / spurious | each line alone: exact / spurious | mentions cut |")
    print("|---|---|---|---|---|")
    for name, (fn, dist) in candidates().items():
        cells, cut = [], 0
        for variant in (fn, per_line(fn)):
            exact = spurious = 0
            for d in docs:
                got = trimmed(d.text, variant(d.text))
                exact += len(got & ref[d.id])
                spurious += len(got - ref[d.id])
                if variant is fn:
                    cut += sum(any(m["start"] < x < m["end"] for span in got for x in span) for m in d.layer("mention"))
            cells.append(f"{exact}/{total} / {spurious}")
        version = importlib.metadata.version(dist) if dist else "this release"
        print(f"| {name} | {version} | {cells[0]} | {cells[1]} | {cut} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

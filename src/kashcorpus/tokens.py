"""Tokens with character offsets, and the pure converters between spans and BIO tags."""
from __future__ import annotations

import re
from dataclasses import dataclass
from bisect import bisect_left, bisect_right
from typing import NamedTuple
from collections.abc import Iterable, Sequence

# Words (letters, digits, inner hyphens and apostrophes) or single non-space symbols.
TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)


class Token(NamedTuple):
    start: int
    end: int
    text: str


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens that carry their code-point offsets.

    >>> [t.text for t in tokenize("Jaish-e-Mohammed (JeM) met.")]
    ['Jaish-e-Mohammed', '(', 'JeM', ')', 'met', '.']
    >>> tokenize("Hamas’s")[0]
    Token(start=0, end=7, text='Hamas’s')
    """
    return [Token(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]


@dataclass(frozen=True)
class Alignment:
    """BIO tags for a token sequence, and the spans that could not be tagged (with why)."""

    tags: list[str]
    skipped: list[tuple[int, int, str, str]]


def spans_to_bio(tokens: Sequence[Token], spans: Iterable[tuple[int, int, str]], mode: str = "expand") -> Alignment:
    """Tag tokens with ``B-``/``I-``/``O`` from labelled character spans.

    Alignment policy, as spaCy's ``Doc.char_span``: ``strict`` skips a span whose edges fall inside a
    token; ``expand`` widens it to the tokens it touches; ``contract`` narrows it to the tokens wholly
    inside. Overlapping spans: the longer one wins (earlier on ties); the other is skipped with
    reason ``overlap``. Every skipped span is returned, never dropped silently.

    >>> toks = tokenize("Hamas met LeT")
    >>> spans_to_bio(toks, [(0, 5, "ORG"), (10, 13, "ORG")]).tags
    ['B-ORG', 'O', 'B-ORG']
    """
    tags = ["O"] * len(tokens)
    skipped: list[tuple[int, int, str, str]] = []
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    ordered = sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0], s[2]))
    for start, end, label in ordered:
        # tokens are sorted and disjoint: those touching [start, end) are a contiguous run
        inside = list(range(bisect_right(ends, start), bisect_left(starts, end)))
        if mode == "contract":
            inside = [i for i in inside if tokens[i].start >= start and tokens[i].end <= end]
        elif mode == "strict":
            if not inside or tokens[inside[0]].start != start or tokens[inside[-1]].end != end:
                skipped.append((start, end, label, "misaligned"))
                continue
        if not inside:
            skipped.append((start, end, label, "no-token"))
            continue
        if any(tags[i] != "O" for i in inside):
            skipped.append((start, end, label, "overlap"))
            continue
        tags[inside[0]] = f"B-{label}"
        for i in inside[1:]:
            tags[i] = f"I-{label}"
    return Alignment(tags, sorted(skipped))


def bio_to_spans(tokens: Sequence[Token], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """The inverse of :func:`spans_to_bio`: labelled character spans from BIO tags.

    An ``I-`` tag that does not continue a span of the same label starts a new one (the usual repair).

    >>> toks = tokenize("Hamas met LeT")
    >>> bio_to_spans(toks, ["B-ORG", "O", "B-ORG"])
    [(0, 5, 'ORG'), (10, 13, 'ORG')]
    """
    spans: list[tuple[int, int, str]] = []
    cur: list | None = None
    for tok, tag in zip(tokens, tags):
        if tag == "O":
            cur = None
            continue
        prefix, _, label = tag.partition("-")
        if prefix == "I" and cur is not None and cur[2] == label:
            cur[1] = tok.end
            spans[-1] = tuple(cur)
            continue
        cur = [tok.start, tok.end, label]
        spans.append(tuple(cur))
    return spans

"""Tokens with character offsets, the pure converters between spans and BIO tags, and what an alignment keeps."""
from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import accumulate, chain, repeat
from operator import itemgetter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .resources import load_table

# Stand-ins written over characters that continue the one before them (combining marks, variation
# selectors, emoji modifiers, tag characters, ZWNJ: _EXTEND; ZWJ: _JOIN), so that the patterns below,
# which only know \w, keep them inside their word. One character for one, so offsets do not move.
_EXTEND, _JOIN, _OTHER = "\uFDD0", "\uFDD1", "\u00A4"
_WC = r"[\w\uFDD0\uFDD1]"          # a word character
_NOT_WC = r"(?![\w\uFDD0\uFDD1])"
_NO_WC_BEFORE = r"(?<![\w.\uFDD0\uFDD1])"
_APOS = "['\u2019]"
_DOT = re.compile(r"\.")
_NEXT_NON_SPACE = re.compile(r"\s+(\S)")


class Token(NamedTuple):
    start: int
    end: int
    text: str


@functools.cache
def rules() -> dict:
    """The word lists of ``schema/segmentation.json`` (abbreviations, sentence punctuation, line continuation)."""
    return load_table("segmentation")


@functools.cache
def abbreviation_class() -> dict[str, str]:
    """Each listed abbreviation (with its full stop) and its class: ``nonterminal``, ``numeric`` or ``terminal``.

    >>> abbreviation_class()["Dr."], abbreviation_class()["Oct."], abbreviation_class()["etc."]
    ('nonterminal', 'numeric', 'terminal')
    """
    return {w: kind for kind, entry in rules()["abbreviations"].items() for w in entry["words"]}


def _parts(with_links: bool) -> list[tuple[str, str]]:
    """The token pattern's alternatives, in order of precedence: ``(kind, regular expression)``."""
    abbrs = "|".join(re.escape(w) for w in sorted(abbreviation_class(), key=lambda w: (-len(w), w)))
    links = [
        # a URL ends before the punctuation that ends its sentence or closes its bracket
        ("url", r"(?:[Hh][Tt][Tt][Pp][Ss]?://|www\.)\S+?(?=[.,;:!?'\"\u2019\u201D\u00BB)\]}]*(?:\s|$))"),
        ("email", r"[\w.+-]*\w@\w[\w-]*(?:\.\w[\w-]*)+"),
    ] if with_links else []
    return links + [
        ("abbr", rf"{_NO_WC_BEFORE}(?:{abbrs}){_NOT_WC}"),
        ("initialism", rf"{_NO_WC_BEFORE}(?:[^\W\d_]\.){{2,}}{_NOT_WC}"),
        ("initial", rf"{_NO_WC_BEFORE}[^\W\d_]\.(?!\S)"),
        ("number", rf"\d+(?:[.,:/]\d+)+{_WC}*"),
        # inner apostrophes (Mash'al, don't), full stops and ampersands (AT&T) stay; a final 's does not
        ("word", rf"{_WC}+(?:(?:{_APOS}(?![sS]{_NOT_WC})|[.&](?={_WC})){_WC}+)*"),
        ("clitic", rf"(?<={_WC}){_APOS}[sS]{_NOT_WC}"),
        ("run", r"\.{2,}|\u2026+|-{2,}|\u2014+|\u2015+"),
        ("flag", r"[\U0001F1E6-\U0001F1FF]{2}"),
        ("symbol", r"[^\w\s\uFDD0\uFDD1]\uFDD0*(?:\uFDD1\uFDD0*[^\s\uFDD0\uFDD1]?\uFDD0*)*"),
        ("other", r"\S"),
    ]


@functools.lru_cache(maxsize=2)
def _pattern(with_links: bool) -> re.Pattern:
    """One token, its kind the name of the group that matched."""
    return re.compile("|".join(f"(?P<{kind}>{rx})" for kind, rx in _parts(with_links)))


@functools.lru_cache(maxsize=2)
def _gap_and_token(with_links: bool) -> re.Pattern:
    """The white space before a token, and the token: ``findall`` gives both as strings, in C.

    Tried first, letters and digits up to white space (most words): there every alternative of
    :func:`_pattern` fails or matches the same characters (all but ``abbr`` and ``word`` need a mark).
    """
    return re.compile(r"(\s*)([^\W_]+(?!\S)|" + "|".join(f"(?:{rx})" for _, rx in _parts(with_links)) + ")")


def _shadow(text: str) -> str:
    """``text`` with the characters that continue the previous one replaced by stand-ins (same length)."""
    if text.isascii():
        return text
    table = {}
    for ch in set(text):
        cp = ord(ch)
        if ch == "\u200D":
            table[cp] = _JOIN
        elif (unicodedata.category(ch)[0] == "M" or ch == "\u200C" or 0x1F3FB <= cp <= 0x1F3FF
              or 0xE0020 <= cp <= 0xE007F):
            table[cp] = _EXTEND
        elif ch in (_EXTEND, _JOIN):
            table[cp] = _OTHER
    return text.translate(table) if table else text


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens that carry their code-point offsets.

    The policy (docs/formats.md): white space separates; a possessive ``'s``/``’s`` and the apostrophe
    after a plural ``s`` are tokens of their own; every hyphen, dash and slash is a token of its own;
    quotes, brackets and other punctuation are single tokens. Kept whole: numbers with inner
    separators (2,000  3.5  10:30  24/7), listed abbreviations and initialisms with their full stop
    (Dr.  Oct.  U.S.), apostrophes inside a word (Mash'al, don't), URLs and e-mail addresses, and a
    letter with its combining marks. Tokens never contain white space, and ``text[t.start:t.end] == t.text``.

    >>> [t.text for t in tokenize("Jaish-e-Mohammed (JeM) met.")]
    ['Jaish', '-', 'e', '-', 'Mohammed', '(', 'JeM', ')', 'met', '.']
    >>> [t.text for t in tokenize("Hamas’s “anti-India” U.S. ties, 2,000 Pakistan-based")]
    ['Hamas', '’s', '“', 'anti', '-', 'India', '”', 'U.S.', 'ties', ',', '2,000', 'Pakistan', '-', 'based']
    >>> tokenize("Hamas’s")[0]
    Token(start=0, end=5, text='Hamas')
    """
    starts, ends, texts = token_columns(text)
    return list(map(tuple.__new__, repeat(Token), zip(starts, ends, texts)))


def token_columns(text: str) -> tuple[list[int], list[int], list[str]]:
    """The tokens of :func:`tokenize` as three columns: starts, ends and texts (no object per token).

    >>> token_columns("Hamas’s U.S. ties")
    ([0, 5, 8, 13], [5, 7, 12, 17], ['Hamas', '’s', 'U.S.', 'ties'])
    """
    shadow = _shadow(text)
    with_links = "@" in text or "://" in text or "www." in text
    pairs = _gap_and_token(with_links).findall(shadow)
    edges = list(accumulate(map(len, chain.from_iterable(pairs))))
    starts, ends = edges[0::2], edges[1::2]
    texts = list(map(itemgetter(1), pairs)) if shadow is text else [text[a:b] for a, b in zip(starts, ends)]
    # A token of more than one character with a full stop may be a word to cut at a case change, or a
    # letter and full stop that is not an initial: the only kinds whose tokens are not the pattern's matches.
    pattern, redo = _pattern(with_links), list[int]()
    for dot in _DOT.finditer(shadow):
        i = bisect_right(ends, dot.start())
        if i < len(ends) and ends[i] - starts[i] > 1 and (not redo or redo[-1] != i):
            redo.append(i)
    for i in reversed(redo):
        start, end = starts[i], ends[i]
        kind = pattern.match(shadow, start).lastgroup  # type: ignore[union-attr]
        if kind == "word":
            parts = _split_case_changes(text, start, end)
        elif kind == "initial" and not _is_initial(text, start, end):
            parts = [Token(start, end - 1, text[start:end - 1]), Token(end - 1, end, ".")]
        else:
            continue
        if len(parts) > 1:
            starts[i:i + 1] = [t.start for t in parts]
            ends[i:i + 1] = [t.end for t in parts]
            texts[i:i + 1] = [t.text for t in parts]
    return starts, ends, texts


def _split_case_changes(text: str, start: int, end: int) -> list[Token]:
    """A full stop before a capital ends a word when a lower-case letter is on either side of the pair
    (``Pakistan.The``, ``JeM.The``); ``U.S`` and ``Firstpost.com`` stay whole."""
    out, a = [], start
    for i in range(start + 1, end - 1):
        after = text[i + 2:min(i + 3, end)]
        if text[i] == "." and text[i + 1].isupper() and (text[i - 1].islower() or after.islower()):
            out += [Token(a, i, text[a:i]), Token(i, i + 1, ".")]
            a = i + 1
    out.append(Token(a, end, text[a:end]))
    return out



def _is_initial(text: str, start: int, end: int) -> bool:
    """An upper-case letter with its full stop, then a word not in lower case (``Masood A. Khan``)."""
    nxt = _NEXT_NON_SPACE.match(text, end)
    return text[start].isupper() and nxt is not None and nxt.group(1).isalpha() and not nxt.group(1).islower()


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
    return bio_columns([t.start for t in tokens], [t.end for t in tokens], spans, mode)


def bio_columns(starts: Sequence[int], ends: Sequence[int], spans: Iterable[tuple[int, int, str]],
                mode: str = "expand") -> Alignment:
    """:func:`spans_to_bio` for tokens given as their starts and ends (:func:`token_columns`).

    >>> bio_columns([0, 6], [5, 9], [(0, 5, "ORG")]).tags
    ['B-ORG', 'O']
    """
    tags = ["O"] * len(starts)
    skipped: list[tuple[int, int, str, str]] = []
    ordered = sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0], s[2]))
    for start, end, label in ordered:
        # tokens are sorted and disjoint: those touching [start, end) are a contiguous run
        inside = list(range(bisect_right(ends, start), bisect_left(starts, end)))
        if mode == "contract":
            inside = [i for i in inside if starts[i] >= start and ends[i] <= end]
        elif mode == "strict":
            if not inside or starts[inside[0]] != start or ends[inside[-1]] != end:
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


OUTCOMES = ("exact", "widened", "narrowed", "lost", "overlap")


def alignment_outcomes(tokens: Sequence[Token], spans: Iterable[tuple[int, int, str]],
                       mode: str = "strict") -> list[str]:
    """What becomes of each span (in the order given) when tagged with ``mode`` and decoded back.

    ``exact``: decoded as it was; ``widened`` / ``narrowed``: decoded to whole tokens around / inside
    it; ``lost``: no tag (its edges are not token edges under ``strict``, or no token under
    ``contract``); ``overlap``: left out because it overlaps a longer span.

    >>> toks = tokenize("Hamas-linked men")
    >>> alignment_outcomes(toks, [(0, 5, "ORG"), (0, 3, "ORG")], mode="expand")
    ['exact', 'overlap']
    >>> alignment_outcomes(tokenize("Hamasite men"), [(0, 5, "ORG")], mode="strict")
    ['lost']
    """
    spans = list(spans)
    alignment = spans_to_bio(tokens, spans, mode=mode)
    skipped = {(s, e, label): why for s, e, label, why in alignment.skipped}
    decoded = bio_to_spans(tokens, alignment.tags)
    out = []
    for start, end, label in spans:
        why = skipped.get((start, end, label))
        if why is not None:
            out.append("overlap" if why == "overlap" else "lost")
        elif (start, end, label) in decoded:
            out.append("exact")
        else:
            got = next(d for d in decoded if d[2] == label and d[0] < end and start < d[1])
            out.append("widened" if got[0] <= start and end <= got[1] else "narrowed")
    return out


def alignment_figures(documents: Iterable, kind: str = "mention", mode: str = "strict",
                      tokenizer: Callable[[str], Sequence[Token]] = tokenize) -> dict[str, int]:
    """How many spans of ``kind`` a token-level format keeps exactly, widens, narrows, loses or skips.

    ``documents`` are objects with ``text`` and ``records`` (e.g. from ``corpus.iter_documents``);
    ``tokenizer`` gives the format's tokens (``tokenize`` for the ``ner`` config and CoNLL), ``mode``
    its alignment policy. The keys are ``spans`` and :data:`OUTCOMES`.

    >>> from kashcorpus.corpus import iter_documents
    >>> from kashcorpus.resources import data_root
    >>> figures = alignment_figures(iter_documents(data_root()))
    >>> figures["exact"] == figures["spans"], figures["lost"]
    (True, 0)
    """
    counts = Counter(dict.fromkeys(("spans", *OUTCOMES), 0))
    for doc in documents:
        spans = [(r["start"], r["end"], r.get("label", kind)) for r in doc.records if r["type"] == kind]
        counts.update(alignment_outcomes(tokenizer(doc.text), spans, mode))
        counts["spans"] += len(spans)
    return dict(counts)

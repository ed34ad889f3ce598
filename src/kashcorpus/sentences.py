"""Sentence spans of news text in code points, on token edges (word lists in schema/segmentation.json)."""
from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import chain, compress
from typing import NamedTuple
from collections.abc import Iterable, Sequence

from .tokens import Token, abbreviation_class, rules, token_columns

_ELLIPSIS = re.compile(r"\.{2,}|\u2026+")
_ALNUM = re.compile(r"[^\W_]")  # a letter or digit: str.isalnum
# str.splitlines() boundaries; CR LF counts as one
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_RARE_BREAKS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # all but LF: a text with none of them is split on LF alone


class Sentence(NamedTuple):
    start: int
    end: int


@functools.cache
def _tables() -> tuple[frozenset, frozenset, frozenset, frozenset]:
    r = rules()
    cont = r["line_continuation"]
    return (frozenset(r["sentence_terminals"]), frozenset(r["closing_punctuation"]),
            frozenset(cont["words"]), frozenset(cont["punctuation"]))


@functools.cache
def _stops() -> frozenset[str]:
    """The tokens :func:`_stop_class` gives a class, but for ellipses (any run of dots)."""
    return _tables()[0] | {w for w, cls in abbreviation_class().items() if cls != "nonterminal"}


def _stop_class(tok: str) -> str | None:
    """How a token can end a sentence: ``terminal``, ``numeric`` (not before a digit), or None."""
    terminals = _tables()[0]
    if tok in terminals or _ELLIPSIS.fullmatch(tok):
        return "terminal"
    cls = abbreviation_class().get(tok)  # initialisms (U.S.) and initials (A.) are not listed: None
    return None if cls in (None, "nonterminal") else cls


def _first_word(texts: Sequence[str], k: int) -> str | None:
    """The first token from ``k`` on with a letter or digit (skipping opening quotes and brackets)."""
    for tok in texts[k:k + 4]:
        if _ALNUM.search(tok):
            return tok
    return None


def _starts_sentence(texts: Sequence[str], k: int, cls: str) -> bool:
    word = _first_word(texts, k)
    if word is None:
        return True
    c = _ALNUM.search(word).group()  # type: ignore[union-attr]
    return not (c.islower() or (cls == "numeric" and c.isdigit()))


def segment(text: str, breaks: Iterable[int] = (), tokens: Sequence[Token] | None = None) -> list[Sentence]:
    """Split ``text`` into sentences: ``(start, end)`` code-point spans on token edges, in order.

    Rules (docs/formats.md): a blank line always ends a sentence; a single line break ends one unless
    the line ends with a function word, a comma or a hyphen, or the next line starts in lower case
    (so headlines, bylines and captions are sentences of their own); ``. ! ? …`` end a sentence when
    the next word does not start in lower case, taking closing quotes and brackets with them;
    abbreviations behave as listed in ``schema/segmentation.json`` (``Dr.`` never ends a sentence,
    ``Oct.`` not before a number, ``etc.`` like a full stop); initialisms (``U.S.``) and initials
    (``A.``) never end one; decimals (``3.5``) are single tokens. ``breaks`` are positions where a
    sentence must end (e.g. zone edges); one that falls inside a token is ignored. ``tokens`` may pass
    ``tokenize(text)`` if already at hand. Sentences never start or end with white space and
    together hold every token once.

    >>> text = "Dr. Khalid met U.S. envoys on Oct. 7. “It was good.” He left.\\nMap of Kashmir"
    >>> [text[s:e] for s, e in segment(text)]
    ['Dr. Khalid met U.S. envoys on Oct. 7.', '“It was good.”', 'He left.', 'Map of Kashmir']
    """
    if tokens is None:
        return segment_columns(text, *token_columns(text), breaks)
    return segment_columns(text, [t.start for t in tokens], [t.end for t in tokens], [t.text for t in tokens], breaks)


def segment_columns(text: str, starts: Sequence[int], ends: Sequence[int], texts: Sequence[str],
                    breaks: Iterable[int] = ()) -> list[Sentence]:
    """:func:`segment` over the tokens as columns (:func:`kashcorpus.tokens.token_columns`).

    Only the tokens after which a sentence can end are looked at: those before a break or a line break,
    and those that can stop a sentence (terminals, ellipses, abbreviations that may end one).

    >>> text = "It rained. He left."
    >>> segment_columns(text, *token_columns(text))
    [Sentence(start=0, end=10), Sentence(start=11, end=19)]
    """
    n = len(starts)
    if not n:
        return []
    _, closers, cont_words, cont_punct = _tables()
    stops = _stops()
    candidates = set(compress(range(n - 1), map(stops.__contains__, texts)))
    for m in (_ELLIPSIS.finditer(text) if ".." in text or "\u2026" in text else ()):
        i = bisect_right(ends, m.start())  # a run of dots may start inside the token before (U.S....)
        while i < n - 1 and starts[i] < m.end():
            if _ELLIPSIS.fullmatch(texts[i]):
                candidates.add(i)
            i += 1
    for p in chain(sorted(set(breaks)), _line_breaks(text)):
        i = bisect_right(ends, p) - 1  # the last token ending at or before p
        if 0 <= i < n - 1 and starts[i + 1] >= p:
            candidates.add(i)
    cuts = sorted(set(breaks))
    out_ends: set[int] = set()
    for i in sorted(candidates):
        a_end, b_start, a_text = ends[i], starts[i + 1], texts[i]
        if cuts:
            k = bisect_left(cuts, a_end)
            if k < len(cuts) and cuts[k] <= b_start:
                out_ends.add(i)
                continue
        gap = text[a_end:b_start]
        lines = 0 if gap == " " or not gap else len(_LINE_BREAK.findall(gap))
        if lines >= 2 or "\u2029" in gap:
            out_ends.add(i)
            continue
        if lines == 1 and not (a_text.lower() in cont_words or a_text in cont_punct
                               or not _starts_sentence(texts, i + 1, "terminal")):
            out_ends.add(i)
            continue
        cls = _stop_class(a_text)
        if cls is None:
            continue
        j = i  # closing quotes, brackets and further stops written right after go with this sentence
        while j + 1 < n and starts[j + 1] == ends[j] and (
                texts[j + 1] in closers or _stop_class(texts[j + 1]) == "terminal"):
            j += 1
        if j + 1 < n and _starts_sentence(texts, j + 1, cls):
            out_ends.add(j)
    out, first = [], 0
    for i in sorted(out_ends):
        out.append(Sentence(starts[first], ends[i]))
        first = i + 1
    out.append(Sentence(starts[first], ends[-1]))
    return out


def _line_breaks(text: str) -> Iterable[int]:
    """Where the line breaks of ``text`` are (the first character of a CR LF)."""
    if any(c in text for c in _RARE_BREAKS):
        return [m.start() for m in _LINE_BREAK.finditer(text)]
    out, i = [], text.find("\n")
    while i >= 0:
        out.append(i)
        i = text.find("\n", i + 1)
    return out


def zone_edges(records: Iterable[dict]) -> list[int]:
    """The start and end of every zone: where :func:`segment` must end a sentence in an annotated text."""
    return sorted({p for r in records if r["type"] == "zone" for p in (r["start"], r["end"])})


def crossing(sentences: Sequence[Sentence], start: int, end: int) -> bool:
    """Whether the span ``[start, end)`` is not inside a single sentence (a sentence edge falls within it).

    >>> crossing([Sentence(0, 5), Sentence(6, 9)], 3, 8), crossing([Sentence(0, 5), Sentence(6, 9)], 0, 5)
    (True, False)
    """
    k = bisect_right([s.start for s in sentences], start) - 1
    return k < 0 or sentences[k].end < end


def sentence_figures(documents: Iterable, zones: bool = True) -> dict:
    """Sentences per document, and how many mentions and claims a sentence edge falls within.

    ``documents`` are objects with ``id``, ``text`` and ``records`` (e.g. from
    ``corpus.iter_documents``); with ``zones`` every zone edge ends a sentence.

    >>> from kashcorpus.corpus import iter_documents
    >>> from kashcorpus.resources import data_root
    >>> figures = sentence_figures(iter_documents(data_root()))
    >>> figures["mentions_cut"], figures["sentences"] == sum(figures["per_document"].values())
    (0, True)
    """
    out: Counter = Counter()
    per_document = {}
    for doc in documents:
        sents = segment(doc.text, zone_edges(doc.records) if zones else ())
        per_document[doc.id] = len(sents)
        out["sentences"] += len(sents)
        for r in doc.records:
            if r["type"] in ("mention", "claim"):
                out[r["type"]] += 1
                out[f"{r['type']} crossing"] += crossing(sents, r["start"], r["end"])
    return {"documents": len(per_document), "sentences": out["sentences"], "per_document": per_document,
            "mentions": out["mention"], "mentions_cut": out["mention crossing"],
            "claims": out["claim"], "claims_crossing": out["claim crossing"]}


def sentence_id(doc: str, index: int) -> str:
    """The id of a document's sentence: ``<doc>-s<index>``, the index counted from 0 over the whole text.

    >>> sentence_id("kash-000", 7)
    'kash-000-s7'
    """
    return f"{doc}-s{index}"


CLAIM_ZONES = ("body", "standfirst")  # the zones claims are annotated in (docs/guidelines.md, section 3)


class ClaimSentence(NamedTuple):
    """A sentence of a zone that holds claims: its index in the document (``sentence``), span, zone label and claims."""

    sentence: int
    start: int
    end: int
    zone: str
    claims: tuple[dict, ...]

    @property
    def checkworthy(self) -> bool:
        return any(c.get("checkworthy") for c in self.claims)


def document_sentences(text: str, records: Iterable[dict], tokens: Sequence[Token] | None = None) -> list[Sentence]:
    """The sentences of an annotated text: :func:`segment` with every zone edge a break (the ``ner`` config's)."""
    return segment(text, zone_edges(records), tokens)


def claim_sentences(text: str, records: Sequence[dict], sentences: Sequence[Sentence] | None = None) -> list[ClaimSentence]:
    """The sentences inside :data:`CLAIM_ZONES` zones, each with the claims that overlap it.

    A claim over two sentences counts for both; a nested claim for the sentence it is in. Sentence
    indices count every sentence of the text (those outside these zones too), as the ``ner`` config does.
    ``sentences``: :func:`document_sentences` of the text, if already at hand.

    >>> text = "Title\\n\\nHamas met LeT. It rained."
    >>> recs = [{"type": "zone", "label": "title", "start": 0, "end": 5},
    ...         {"type": "zone", "label": "body", "start": 7, "end": 32},
    ...         {"type": "claim", "id": "c1", "start": 7, "end": 21, "checkworthy": True}]
    >>> [(s.sentence, text[s.start:s.end], [c["id"] for c in s.claims], s.checkworthy) for s in claim_sentences(text, recs)]
    [(1, 'Hamas met LeT.', ['c1'], True), (2, 'It rained.', [], False)]
    """
    sentences = document_sentences(text, records) if sentences is None else sentences
    starts, ends = [s.start for s in sentences], [s.end for s in sentences]  # both rising: sentences are disjoint
    zone_of: dict[int, str] = {}  # sentence index: the label of the first zone (in record order) that holds it
    overlapping: dict[int, list[dict]] = {}  # sentence index: the claims over it, in record order
    for r in records:
        if r["type"] == "zone" and r["label"] in CLAIM_ZONES:
            for n in range(bisect_left(starts, r["start"]), bisect_right(ends, r["end"])):
                zone_of.setdefault(n, r["label"])
        elif r["type"] == "claim":
            for n in range(bisect_right(ends, r["start"]), bisect_left(starts, r["end"])):
                overlapping.setdefault(n, []).append(r)
    return [ClaimSentence(n, starts[n], ends[n], zone_of[n], tuple(overlapping.get(n, ())))
            for n in sorted(zone_of)]

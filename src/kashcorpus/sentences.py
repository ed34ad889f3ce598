"""Sentence spans of news text in code points, on token edges (word lists in schema/segmentation.json)."""
from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from typing import NamedTuple
from collections.abc import Iterable, Sequence

from .tokens import Token, abbreviation_class, rules, tokenize

_ELLIPSIS = re.compile(r"\.{2,}|\u2026+")
# str.splitlines() boundaries; CR LF counts as one
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


class Sentence(NamedTuple):
    start: int
    end: int


@functools.cache
def _tables() -> tuple[frozenset, frozenset, frozenset, frozenset]:
    r = rules()
    cont = r["line_continuation"]
    return (frozenset(r["sentence_terminals"]), frozenset(r["closing_punctuation"]),
            frozenset(cont["words"]), frozenset(cont["punctuation"]))


def _stop_class(tok: str) -> str | None:
    """How a token can end a sentence: ``terminal``, ``numeric`` (not before a digit), or None."""
    terminals = _tables()[0]
    if tok in terminals or _ELLIPSIS.fullmatch(tok):
        return "terminal"
    cls = abbreviation_class().get(tok)  # initialisms (U.S.) and initials (A.) are not listed: None
    return None if cls in (None, "nonterminal") else cls


def _first_word(tokens: Sequence[Token], k: int) -> str | None:
    """The first token from ``k`` on with a letter or digit (skipping opening quotes and brackets)."""
    for tok in tokens[k:k + 4]:
        if any(c.isalnum() for c in tok.text):
            return tok.text
    return None


def _starts_sentence(tokens: Sequence[Token], k: int, cls: str) -> bool:
    word = _first_word(tokens, k)
    if word is None:
        return True
    c = next(c for c in word if c.isalnum())
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
    toks = tokenize(text) if tokens is None else tokens
    if not toks:
        return []
    _, closers, cont_words, cont_punct = _tables()
    cuts = sorted(set(breaks))
    ends: set[int] = set()
    n = len(toks)
    for i in range(n - 1):
        a, b = toks[i], toks[i + 1]
        if cuts:
            k = bisect_left(cuts, a.end)
            if k < len(cuts) and cuts[k] <= b.start:
                ends.add(i)
                continue
        gap = text[a.end:b.start]
        lines = 0 if gap == " " or not gap else len(_LINE_BREAK.findall(gap))
        if lines >= 2 or "\u2029" in gap:
            ends.add(i)
            continue
        if lines == 1 and not (a.text.lower() in cont_words or a.text in cont_punct
                               or not _starts_sentence(toks, i + 1, "terminal")):
            ends.add(i)
            continue
        cls = _stop_class(a.text)
        if cls is None:
            continue
        j = i  # closing quotes, brackets and further stops written right after go with this sentence
        while j + 1 < n and toks[j + 1].start == toks[j].end and (
                toks[j + 1].text in closers or _stop_class(toks[j + 1].text) == "terminal"):
            j += 1
        if j + 1 < n and _starts_sentence(toks, j + 1, cls):
            ends.add(j)
    out, first = [], 0
    for i in sorted(ends):
        out.append(Sentence(toks[first].start, toks[i].end))
        first = i + 1
    out.append(Sentence(toks[first].start, toks[-1].end))
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
    zones = [r for r in records if r["type"] == "zone" and r["label"] in CLAIM_ZONES]
    claims = [r for r in records if r["type"] == "claim"]
    out = []
    for n, s in enumerate(document_sentences(text, records) if sentences is None else sentences):
        zone = next((z for z in zones if z["start"] <= s.start and s.end <= z["end"]), None)
        if zone is not None:
            inside = tuple(c for c in claims if c["start"] < s.end and s.start < c["end"])
            out.append(ClaimSentence(n, s.start, s.end, zone["label"], inside))
    return out

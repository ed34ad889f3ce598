"""Finding a quoted passage in a text: exact occurrences, disambiguation by context, fuzzy suggestions."""
from __future__ import annotations

import re

from .errors import AnnotateError

CONTEXT = 30
# Quotation marks and apostrophes that differ only in shape, each mapped to its plain form (one for one).
QUOTE_FORMS = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033", '"')
                            | dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"))
QUOTE_MARKS = "\"'\u201c\u201d\u201e\u201f\u00ab\u00bb\u2018\u2019\u201a\u201b\u2039\u203a"


def plain_quotes(s: str) -> str:
    """``s`` with curly quotation marks and apostrophes made straight (the same length).

    >>> print(plain_quotes("“Kashmir’s”"))
    "Kashmir's"
    """
    return s.translate(QUOTE_FORMS)


def quote_edge_warning(text: str, kind: str) -> str | None:
    """A warning when a claim or mention starts or ends with a quotation mark (the guidelines put the marks
    outside the span), else ``None``.

    >>> quote_edge_warning("“we will fight”", "claim")
    'span-quote-edge: the claim starts and ends with a quotation mark; the guidelines leave quotation marks outside the span'
    """
    if kind not in ("claim", "mention") or not text:
        return None
    ends = [w for w, ch in (("starts", text[0]), ("ends", text[-1])) if ch in QUOTE_MARKS]
    if not ends:
        return None
    return (f"span-quote-edge: the {kind} {' and '.join(ends)} with a quotation mark; the guidelines leave "
            "quotation marks outside the span")


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of ``quote`` in ``text`` (overlapping ones too).

    >>> occurrences("Hamas and Hamas", "Hamas")
    [0, 10]
    """
    out, i = [], text.find(quote)
    while quote and i >= 0:
        out.append(i)
        i = text.find(quote, i + 1)
    return out


def show(text: str, start: int, end: int, width: int = CONTEXT) -> str:
    """The span in brackets with some context, on one line.

    >>> show("The minister said on Monday", 13, 17, width=5)
    '…ster [said] on M…'
    """
    left, right = max(0, start - width), min(len(text), end + width)
    s = ("…" if left else "") + text[left:start] + "[" + text[start:end] + "]" + text[end:right] + ("…" if right < len(text) else "")
    return s.replace("\r", "").replace("\n", "⏎")


def ratio(a: str, b: str) -> float:
    """Similarity of two strings, 0 to 100 (rapidfuzz's ratio)."""
    try:
        from rapidfuzz import fuzz

        return fuzz.ratio(a, b)
    except ImportError:  # pragma: no cover - rapidfuzz is a listed dependency
        import difflib

        return 100.0 * difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def fuzzy_matches(text: str, quote: str, limit: int = 3, cutoff: float = 60.0) -> list[tuple[int, int, float]]:
    """The passages of ``text`` nearest to ``quote`` (word-aligned), best first, as ``(start, end, score)``.

    >>> fuzzy_matches("Hamas joined the Al Aqsa Flood conference", "Al-Aqsa Flood", limit=1)
    [(17, 30, 92.3)]
    """
    words = [(m.start(), m.end()) for m in re.finditer(r"\w[\w'’-]*", text)]
    n = max(1, len(re.findall(r"\w[\w'’-]*", quote)))
    q = quote.casefold()
    scored: dict[tuple[int, int], float] = {}
    for size in {max(1, n - 1), n, n + 1}:
        for i in range(len(words) - size + 1):
            s, e = words[i][0], words[i + size - 1][1]
            score = round(ratio(q, text[s:e].casefold()), 1)
            if score >= cutoff and score > scored.get((s, e), -1):
                scored[(s, e)] = score
    best = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
    out: list[tuple[int, int, float]] = []
    for (s, e), score in best:
        if all(e <= s2 or s >= e2 for s2, e2, _ in out):
            out.append((s, e, score))
        if len(out) == limit:
            break
    return out


def _listing(text: str, starts: list[int], length: int, limit: int = 20) -> tuple[str, list[dict]]:
    rows, details = [], []
    for n, s in enumerate(starts, 1):
        details.append({"occurrence": n, "start": s, "end": s + length, "context": show(text, s, s + length)})
        if n <= limit:
            rows.append(f"  {n}. [{s}, {s + length}) {show(text, s, s + length)}")
    if len(starts) > limit:
        rows.append(f"  … and {len(starts) - limit} more")
    return "\n".join(rows), details


def _differences(quote: str, found: str) -> str:
    """The marks that differ between ``quote`` and ``found`` (equal but for quotation marks), named."""
    pairs = sorted({(a, b) for a, b in zip(quote, found) if a != b})
    return ", ".join(f"{a!r} (U+{ord(a):04X}) where the text has {b!r} (U+{ord(b):04X})" for a, b in pairs)


def _absent(text: str, quote: str, doc: str, what: str = "quote") -> AnnotateError:
    starts = occurrences(plain_quotes(text), plain_quotes(quote))
    if starts:  # only quotation marks or apostrophes differ: say which, and where
        n = len(quote)
        rows = "\n".join(f"  [{s}, {s + n}) {text[s:s + n]!r} {show(text, s, s + n)}" for s in starts[:5])
        return AnnotateError(
            f"the {what} {quote!r} does not occur in {doc} as typed: only quotation marks or apostrophes differ "
            f"(the {what} has {_differences(quote, text[starts[0]:starts[0] + n])}); quote it with the text's marks, "
            f"or give --start/--end:\n{rows}",
            [{"start": s, "end": s + n, "text": text[s:s + n], "score": 100.0, "differs_in": "quotation marks"}
             for s in starts])
    near = fuzzy_matches(text, quote)
    if not near:
        return AnnotateError(f"the {what} {quote!r} does not occur in {doc}, and nothing in it is similar")
    rows = "\n".join(f"  [{s}, {e}) {text[s:e]!r} ({score:.0f}% similar) {show(text, s, e)}" for s, e, score in near)
    return AnnotateError(f"the {what} {quote!r} does not occur in {doc}; the nearest passages are:\n{rows}",
                         [{"start": s, "end": e, "text": text[s:e], "score": score} for s, e, score in near])


def locate(text: str, quote: str, *, occurrence: int | None = None, context: str | None = None,
           doc: str = "the text", option: str = "--occurrence", choose: str = "--occurrence N or --context TEXT",
           ) -> tuple[int, int]:
    """The ``(start, end)`` of ``quote`` in ``text``: the only occurrence, the ``occurrence``-th (from 1), or
    the one inside the passage ``context``. Raises :class:`AnnotateError` when that is not exactly one place;
    its message names the command's own options (``option`` for the occurrence, ``choose`` for the ways to pick one).

    >>> locate("Hamas and Hamas leaders", "Hamas", context="Hamas leaders")
    (10, 15)
    """
    if not quote:
        raise AnnotateError("the quote is empty")
    base = 0
    if context is not None:
        if quote not in context:
            raise AnnotateError(f"the context {context!r} does not contain the quote {quote!r}")
        found = occurrences(text, context)
        if not found:
            raise _absent(text, context, doc, "context")
        if len(found) > 1:
            rows, details = _listing(text, found, len(context))
            raise AnnotateError(f"the context {context!r} occurs {len(found)} times in {doc}; give a longer one:\n{rows}", details)
        base, text_in = found[0], context
    else:
        text_in = text
    starts = occurrences(text_in, quote)
    where = f"the context {context!r}" if context is not None else doc
    if not starts:
        raise _absent(text, quote, doc)
    if occurrence is not None:
        if not 1 <= occurrence <= len(starts):
            rows, details = _listing(text, [base + s for s in starts], len(quote))
            raise AnnotateError(f"{option} {occurrence} is out of range: {quote!r} occurs {len(starts)} "
                                f"time{'s' if len(starts) > 1 else ''} in {where}:\n{rows}", details)
        s = base + starts[occurrence - 1]
        return s, s + len(quote)
    if len(starts) > 1:
        rows, details = _listing(text, [base + s for s in starts], len(quote))
        raise AnnotateError(f"the quote {quote!r} occurs {len(starts)} times in {where}; choose one with "
                            f"{choose}:\n{rows}", details)
    return base + starts[0], base + starts[0] + len(quote)


def resolve_span(text: str, doc: str, *, quote: str | None = None, occurrence: int | None = None,
                 context: str | None = None, start: int | None = None, end: int | None = None) -> tuple[int, int]:
    """Offsets from a quote (see :func:`locate`) or from ``start``/``end``, checked against the text."""
    if quote is not None:
        if start is not None or end is not None:
            raise AnnotateError("give either --quote or --start/--end, not both")
        quote = quote.strip()
        return locate(text, quote, occurrence=occurrence, context=context, doc=doc)
    if start is None or end is None:
        raise AnnotateError("give --quote TEXT (or both --start and --end)")
    if start >= end:
        raise AnnotateError(f"offsets [{start}, {end}) are inverted or empty: --start must be less than --end")
    if not 0 <= start < end <= len(text):
        raise AnnotateError(f"offsets [{start}, {end}) do not lie inside {doc}, which has {len(text)} code points")
    return start, end

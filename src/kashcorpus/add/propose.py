"""What an added article is proposed to be: its blocks, the zones that tile its text, its metadata with evidence."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import AddRefused
from ..findings import printable, render_template
from ..resources import addition_codes

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_TITLE_END = tuple(".!?:;,")
BYLINE = re.compile(r"(?:By|BY|by)\s+(\S.{0,118})")
MAX_TITLE = 200  # a first line longer than this is a paragraph, not a headline


@dataclass(frozen=True)
class Block:
    """A run of the text with one zone label."""

    label: str
    text: str


@dataclass
class Proposal:
    """An article as ``document add`` proposes it: blocks of text (``None`` for a text kept as it is), metadata."""

    blocks: list[Block] | None
    meta: dict
    extractor: str | None = None
    zones: list[dict] = field(default_factory=list)


def refuse(code: str, name: str, **params) -> AddRefused:
    """The error of catalogue code ``code`` (``schema/findings.json``, ``additions``) for the file ``name``.

    >>> str(refuse("add-empty", "a.txt", file="a.txt"))
    'cannot add a.txt: a.txt is empty; nothing was written (fix: Add the file that holds the article.)'
    """
    entry = addition_codes()[code]
    safe = {k: printable(v) if isinstance(v, str) else v for k, v in params.items()}
    message = render_template(entry["message"], safe)
    return AddRefused(code, f"cannot add {printable(name)}: {message}; nothing was written (fix: {entry['fix']})")


def evidenced(value: str, evidence: str) -> dict:
    return {"value": value, "evidence": evidence, "reason": None}


def unknown(reason: str) -> dict:
    return {"value": None, "evidence": None, "reason": reason}


def date_in(text: str, iso: str) -> str | None:
    """The precision (``day``, ``month``, ``year``) at which ``text`` states the date ``iso`` (``YYYY-MM-DD``),
    or ``None``: the year must be there, then the month by name, abbreviation or number, then the day.

    >>> date_in("Published March 14, 2025", "2025-03-14"), date_in("Apr 2025", "2025-04-02"), date_in("2024", "2025-01-01")
    ('day', 'month', None)
    """
    year, month, day = iso[:4], int(iso[5:7] or 0), int(iso[8:10] or 0)
    if not re.search(rf"(?<!\d){year}(?!\d)", text):
        return None
    if iso.startswith(iso[:10]) and re.search(rf"(?<!\d){re.escape(iso[:10])}(?!\d)", text):
        return "day"
    if not month:
        return "year"
    name = MONTHS[month - 1]
    low = text.lower()
    named = re.search(rf"\b{name[:3]}(?:{name[3:]}|\.)?\b", low) is not None
    if not named and not re.search(rf"(?<!\d)0?{month}[/.-]", text):
        return "year"
    if day and re.search(rf"(?<![\d:]){day}(?:st|nd|rd|th)?(?![\d:])", re.sub(rf"(?<!\d){year}(?!\d)", " ", text)):
        return "day"
    return "month"


def dateline_date(line: str) -> str | None:
    """The ISO date of a short line that states a full date (``March 14, 2025``, ``14 March 2025``, ``2025-03-14``).

    >>> dateline_date("Published: 14 March 2025"), dateline_date("In 2025 we saw rain")
    ('2025-03-14', None)
    """
    if len(line) > 80:
        return None
    low = line.lower()
    m = re.search(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)", low)
    if m:
        return m.group(0)
    month = r"(" + "|".join(f"{n[:3]}(?:{n[3:]}|\\.)?" for n in MONTHS) + r")"
    for pat, order in ((rf"\b{month}\s+(\d{{1,2}}),?\s+(\d{{4}})\b", "mdy"), (rf"\b(\d{{1,2}})\s+{month},?\s+(\d{{4}})\b", "dmy")):
        m = re.search(pat, low)
        if m:
            mon, d = (m.group(1), m.group(2)) if order == "mdy" else (m.group(2), m.group(1))
            num = next(i for i, n in enumerate(MONTHS, 1) if mon.startswith(n[:3]))
            if 1 <= int(d) <= 31:
                return f"{m.group(3)}-{num:02d}-{int(d):02d}"
    return None


def plain(text: str) -> Proposal:
    """Proposals for a plain text kept as it is: a short first line without final punctuation is its headline,
    a ``By …`` paragraph its byline, a short line with a full date near the top its dateline.

    >>> p = plain("Rain in Lahore\\n\\nBy A. Khan\\n\\nIt rained all day.\\n")
    >>> [(z["label"], z["start"], z["end"]) for z in p.zones], p.meta["author"]["value"]
    ([('title', 0, 16), ('byline', 16, 28), ('body', 28, 47)], 'A. Khan')
    """
    paras = [(m.start(), m.start() + len(m.group().rstrip())) for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text)]
    paras = paras or [(0, len(text))]
    labels = ["body"] * len(paras)
    meta: dict = {"title": unknown("The text has no headline."),
                  "author": unknown("The text names no author."),
                  "publisher": unknown("No outlet was proposed from a plain text: name it, with its evidence, "
                                       "if the text shows it."),
                  "date": {"value": None, "precision": None, "basis": "unknown", "evidence": None,
                           "reason": "The text has no dateline; a date in its body may be an event's, so none was "
                                     "proposed."}}
    for i, (s, e) in enumerate(paras[:4]):
        line = text[s:e]
        last = i == len(paras) - 1
        if i == 0 and not last and "\n" not in line and len(line) <= MAX_TITLE and not line.endswith(_TITLE_END):
            labels[i] = "title"
            meta["title"] = evidenced(line, line)
            continue
        m = BYLINE.fullmatch(line)
        if m and not last and "\n" not in line and meta["author"]["value"] is None:
            labels[i] = "byline"
            meta["author"] = evidenced(m.group(1).strip(), line)
            continue
        iso = dateline_date(line) if not last and "\n" not in line else None
        if iso and meta["date"]["value"] is None:
            labels[i] = "dateline"
            meta["date"] = {"value": iso, "precision": "day", "basis": "stated", "evidence": line, "reason": None}
            continue
        break
    return Proposal(None, meta, zones=tile(text, [(s, lab) for (s, _e), lab in zip(paras, labels)]))


def assemble(blocks: list[Block]) -> tuple[str, list[dict]]:
    """The text of ``blocks`` (a blank line between two, a line end after the last) and the zones that tile it.

    >>> text, zones = assemble([Block("title", "Rain"), Block("body", "It rained.")])
    >>> text, [(z["label"], z["text"]) for z in zones]
    ('Rain\\n\\nIt rained.\\n', [('title', 'Rain\\n\\n'), ('body', 'It rained.\\n')])
    """
    starts, at = [], 0
    for b in blocks:
        starts.append((at, b.label))
        at += len(b.text) + 2
    text = "\n\n".join(b.text for b in blocks) + "\n"
    return text, tile(text, starts)


def tile(text: str, starts: list[tuple[int, str]]) -> list[dict]:
    """Zones from ``(start, label)`` pairs: each runs to the next start of another label (the first from 0, the
    last to the end), so that together they cover every character once."""
    merged: list[tuple[int, str]] = []
    for s, label in starts:
        if not merged or merged[-1][1] != label:
            merged.append((0 if not merged else s, label))
    ends = [s for s, _l in merged[1:]] + [len(text)]
    return [{"type": "zone", "id": f"z{i}", "start": s, "end": e, "text": text[s:e], "label": label}
            for i, ((s, label), e) in enumerate(zip(merged, ends), 1)]

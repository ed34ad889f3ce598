"""A saved web page to an article text: blocks told apart (title, standfirst, byline, dateline, body), metadata with evidence."""
from __future__ import annotations

import codecs
import re
from typing import Any

from .propose import BYLINE, Block, Proposal, date_in, evidenced, refuse, unknown

EXTRACTOR = "trafilatura"
# trafilatura.bare_extraction's settings (docs/formats.md says why each): the article only, precise rather than
# complete, headings kept to tell subheadings apart, the original (not the updated) date, no guessing search.
SETTINGS: dict[str, Any] = {"with_metadata": True, "include_comments": False, "include_tables": False,
                            "include_images": False, "include_links": False, "include_formatting": True,
                            "favor_precision": True, "deduplicate": False,
                            "date_extraction_params": {"extensive_search": False, "original_date": True}}
MAX_EVIDENCE = 300  # characters of a page excerpt quoted as evidence
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._-]+)""", re.I)
_CONTROL_REFERENCE = re.compile(r"&#(?:[xX]0*([0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])(?![0-9a-fA-F])"
                                r"|0*([0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]|127)(?![0-9]));?")
_BYLINE = ("//*[@rel='author' or @itemprop='author' or contains(@class, 'byline') or contains(@class, 'author')]"
           "[not(self::meta) and not(self::link) and not(self::script)]")
_DATELINE = ("//time | //*[contains(@class, 'date') or contains(@class, 'published') or contains(@class, 'dateline')]"
             "[not(self::meta) and not(self::script)]")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The page as text and the encoding it was read with: its byte order mark, else its declared charset, else
    UTF-8. A page that is not in its encoding is refused (``add-not-utf8``).

    >>> decode(b'<meta charset="windows-1252"><p>caf\\xe9</p>', "a.html")
    ('<meta charset="windows-1252"><p>café</p>', 'cp1252')
    """
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8"
    else:
        m = _CHARSET.search(data[:4096])
        try:
            encoding = codecs.lookup(m.group(1).decode("ascii")).name if m else "utf-8"
        except LookupError:
            encoding = "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as e:
        raise refuse("add-not-utf8", name, file=name, reason=f"{e.reason} (read as {encoding})", offset=e.start) from None


def check_references(html: str, name: str, encoding: str) -> None:
    """Refuse (``add-binary``) a page that writes a control character no text has as a character reference
    (``&#x1b;``): the extractor's XML parser would drop the whole article, and no text may hold one.

    >>> check_references("<p>caf&#233;&#10;</p>", "a.html", "utf-8")
    >>> try:
    ...     check_references("<p>a&#x1b;[31m</p>", "a.html", "utf-8")
    ... except Exception as e:
    ...     print(e.code, str(e).split(": ", 1)[1].split("; nothing")[0])
    add-binary a.html is not text: it holds the control character U+001B (written &#x1b;) at byte 4
    """
    m = _CONTROL_REFERENCE.search(html)
    if m is not None:
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        raise refuse("add-binary", name, file=name, char=f"U+{code:04X} (written {m.group()})",
                     offset=len(html[:m.start()].encode(encoding, "replace")))


def extract(html: str, name: str, url: str | None = None) -> Proposal:
    """The article of a saved page: its text in blocks and the metadata the page supports, each with evidence.

    >>> p = extract("<html><body><article><h1>Rain in Lahore</h1><div class='byline'>By A. Khan</div>"
    ...             "<p>" + "It rained all day in Lahore, the weather office said on Monday. " * 3 + "</p>"
    ...             "</article></body></html>", "x.html")
    >>> [b.label for b in p.blocks], p.meta["title"]["value"], p.meta["author"]["evidence"]
    (['title', 'byline', 'body'], 'Rain in Lahore', 'By A. Khan')
    """
    from ..extras import require

    trafilatura = require("trafilatura", extra="add", feature="adding a saved web page")
    import lxml.html  # trafilatura's own dependency: present once it is

    doc = trafilatura.bare_extraction(html, url=url, **SETTINGS)
    found = getattr(doc, "body", None)
    body = [] if found is None else _body_blocks(found)
    if not any(b.label == "body" for b in body):
        raise refuse("add-no-article", name, file=name, reason="the extractor found no paragraph of article text "
                                                                "(a section front, a list of links or navigation only)")
    tree = lxml.html.fromstring(_XML_DECLARATION.sub("", html, count=1))  # lxml refuses a str that declares bytes
    description = _meta(tree, "description")
    title, author, sitename, date = (getattr(doc, k, None) for k in ("title", "author", "sitename", "date"))
    blocks: list[Block] = []
    if body[0].label == "title":
        blocks.append(body.pop(0))
    if body and body[0].label == "subheading" and description and _norm(body[0].text) == _norm(description):
        blocks.append(Block("standfirst", body.pop(0).text))
    body_text = " ".join(b.text for b in body)
    if not author or author not in html:  # the byline the page shows ("By A. Khan"), not a normalised name
        shown = _visible(tree, _BYLINE, lambda t: BYLINE.fullmatch(t) is not None)
        named = BYLINE.fullmatch(shown or "")
        author = named.group(1) if named else author
    byline = _visible(tree, _BYLINE, lambda t: bool(author) and author in t and len(t) <= 200)
    if byline and byline not in body_text:
        blocks.append(Block("byline", byline))
    dateline = _visible(tree, _DATELINE, lambda t: isinstance(date, str) and date_in(t, date) is not None and len(t) <= 120)
    if dateline and dateline not in body_text:
        blocks.append(Block("dateline", dateline))
    blocks += body
    heads = [b.text for b in blocks if b.label not in ("body", "subheading")]
    lines = [line for b in blocks if b.label in ("body", "subheading") for line in b.text.split("\n")]
    meta = {
        "title": _field(title if blocks[0].label != "title" else blocks[0].text, heads, lines, html,
                        "The page has no headline."),
        "publisher": _field(sitename, heads, lines, html, "The page names no outlet."),
        "author": _field(author, heads, lines, html, "The page names no author."),
        "date": _date(date, heads, html),
        "language": _language(tree),
    }
    return Proposal(blocks, meta, f"{EXTRACTOR} {_version()}")


def _version() -> str:
    from importlib.metadata import version

    return version("trafilatura")


def _norm(s: str) -> str:
    return " ".join(s.split())


def _body_blocks(body) -> list[Block]:
    """The extractor's article: ``head`` elements (the first ``h1`` is the title), paragraphs, lists and quotes."""
    out: list[Block] = []
    for el in body:
        text = "\n".join(_norm(t) for t in ("".join(el.itertext()).split("\n") if el.tag != "list" else
                                             ("".join(i.itertext()) for i in el)) if _norm(t))
        if not text:
            continue
        if el.tag == "head":
            first = not out and el.get("rend") == "h1"
            out.append(Block("title" if first else "subheading", text))
        elif out and out[-1].label == "body":
            out[-1] = Block("body", out[-1].text + "\n\n" + text)
        else:
            out.append(Block("body", text))
    return out


def _meta(tree, name: str) -> str | None:
    for el in tree.xpath(f"//meta[@name='{name}' or @property='og:{name}']"):
        if el.get("content"):
            return str(el.get("content"))
    return None


def _visible(tree, xpath: str, fits) -> str | None:
    """The text of the first element the page shows that ``xpath`` finds and ``fits`` accepts."""
    for el in tree.xpath(xpath):
        text = _norm(el.text_content())
        if text and fits(text):
            return text
    return None


def _language(tree) -> str | None:
    lang = tree.get("lang") or ""
    return lang if re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", lang) else None


def _field(value: str | None, heads: list[str], lines: list[str], html: str, reason: str) -> dict:
    """A value with its evidence: the headline, byline or dateline of the text that holds it, else the page's
    markup that states it, else a line of the article that holds it (the weakest: a name in the body may be
    someone quoted, not the author)."""
    if not value:
        return unknown(reason)
    for line in heads:
        if value in line:
            return evidenced(value, line)
    excerpt = page_excerpt(html, value)
    if excerpt is not None:
        return evidenced(value, excerpt)
    for line in lines:
        if value in line:
            return evidenced(value, line if len(line) <= MAX_EVIDENCE else value)
    return unknown(f"The extractor proposed {value!r}, but no excerpt of the page holds it.")


def _date(value: str | None, heads: list[str], html: str) -> dict:
    """The date with its evidence: the dateline the text shows, else the page's markup that states it (a date in
    the article's body is left alone: it may be an event's)."""
    if not value:
        return {"value": None, "precision": None, "basis": "unknown", "evidence": None,
                "reason": "The page states no publication date."}
    for line in heads:
        found = date_in(line, value)
        if found is not None:
            return {"value": value[:{"day": 10, "month": 7, "year": 4}[found]], "precision": found, "basis": "stated",
                    "evidence": line, "reason": None}
    excerpt = page_excerpt(html, value)
    if excerpt is None:
        return {"value": None, "precision": None, "basis": "unknown", "evidence": None,
                "reason": f"The extractor proposed {value}, but no excerpt of the page states it (a guess from "
                          "the address or the copyright line, not a publication date)."}
    return {"value": value, "precision": "day", "basis": "stated", "evidence": excerpt, "reason": None}


def page_excerpt(html: str, value: str) -> str | None:
    """The shortest markup of the page that states ``value``: a ``<meta>`` tag, a ``<title>`` element or a
    ``"key": "value"`` pair of embedded JSON (metadata a page holds but does not show), verbatim.

    >>> page_excerpt('<head><meta property="og:site_name" content="The Ledger"></head>', "The Ledger")
    '<meta property="og:site_name" content="The Ledger">'
    >>> page_excerpt('<script>{"@type": "NewsArticle", "datePublished": "2025-01-21T06:10:00Z"}</script>', "2025-01-21")
    '"datePublished": "2025-01-21T06:10:00Z"'
    """
    import html as _html

    best: tuple[int, str] | None = None
    for form in dict.fromkeys((value, _html.escape(value, quote=True), _html.escape(value, quote=False))):
        for m in re.finditer(re.escape(form), html):
            found = (_in_tag(html, m.start(), m.end()), _json_pair(html, m.start(), m.end()),
                     _element(html, m.start(), m.end()))
            for rank, excerpt in enumerate(found):
                if not excerpt or len(excerpt) > MAX_EVIDENCE:
                    continue
                whole = f'"{form}"' in excerpt or f">{form}<" in excerpt  # the value is all the tag says
                key = rank + (0 if whole else len(found))
                if best is None or key < best[0]:
                    best = (key, excerpt)
    return best[1] if best else None


def _in_tag(html: str, s: int, e: int) -> str | None:
    lt, gt = html.rfind("<", 0, s), html.rfind(">", 0, s)
    end = html.find(">", e)
    if lt > gt and end >= 0 and html.startswith("<meta", lt):
        return html[lt:end + 1]
    return None


def _json_pair(html: str, s: int, e: int) -> str | None:
    m = re.search(r'"[A-Za-z@]+"\s*:\s*"[^"]*$', html[max(0, s - 80):s])
    close = html.find('"', e)
    if m is None or close < 0:
        return None
    return html[max(0, s - 80) + m.start():close + 1]


def _element(html: str, s: int, e: int) -> str | None:
    m = re.search(r"<(title|h[1-6])\b[^<>]*>[^<>]*$", html[max(0, s - 300):s], re.I)
    if m is None:
        return None
    close = re.match(rf"[^<>]*</{m.group(1)}\s*>", html[e:], re.I)
    return html[max(0, s - 300) + m.start():e + close.end()] if close else None

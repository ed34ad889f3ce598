"""Shared hypothesis strategies: whole valid corpora (texts, metadata, every layer, registry, links).

``corpora()`` draws a :class:`Corpus`; ``Corpus.write(root)`` lays it out as a checkout that the
validator must accept with zero findings. Texts mix astral characters, combining marks, zero-width
joiners, right-to-left script, CRLF, lone CR and other Unicode white space (never NUL). Other suites
may add strategies here with a small local edit.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import assume
from hypothesis import strategies as st

from kashcorpus.io import dumps_annotation_file, dumps_table
from kashcorpus.layout import Layout
from kashcorpus.model import is_doc_id
from kashcorpus.resources import schema_version, taxonomy
from kashcorpus.validate.rules import shared_token, twin_key

TAX = taxonomy()

# -- figures: how much each property test generated (written out by `kashcorpus integrity`) --------

FIGURES: Counter = Counter()


def count(name: str, n: int = 1) -> None:
    """Add ``n`` to the figure ``name``; ``KASHCORPUS_FIGURES=<file>`` saves the totals at exit."""
    FIGURES[name] += n


def _dump_figures() -> None:
    target = os.environ.get("KASHCORPUS_FIGURES")
    if target:
        Path(target).write_text(json.dumps(dict(sorted(FIGURES.items())), indent=1), encoding="utf-8")


atexit.register(_dump_figures)

# -- text --------------------------------------------------------------------------------------------

# Hard cases, each a single token (no white space inside, none at the edges).
SPECIAL_TOKENS = (
    "\U0001F600",                       # astral emoji: one code point, four UTF-8 bytes, two UTF-16 units
    "\U0001D518\U0001D522",             # mathematical fraktur, astral
    "\U0001F469\u200D\U0001F4BB",       # woman technologist: emoji ZWJ sequence (3 code points)
    "\U0001F1F5\U0001F1F0",             # regional-indicator flag (2 code points)
    "e\u0301",                          # e + combining acute (2 code points, 1 grapheme)
    "\u0915\u094D\u0937",               # Devanagari conjunct with virama
    "\u05E9\u05DC\u05D5\u05DD",         # Hebrew, right to left
    "\u0645\u0631\u062D\u0628\u0627",   # Arabic, right to left
    "\u202Eevil\u202C",                 # right-to-left override ... pop directional formatting
    "\u200F\u05D0",                     # right-to-left mark + alef
    "a\u200Db",                         # zero-width joiner between letters
    "\uFEFFbom",                        # a BOM inside the text is just a character
    "\u0130stanbul", "stra\u00DFe",     # case mapping that changes length
    "\uFB01",                           # ligature fi
    "\u0301",                           # a combining mark with no base
)
# Separators: all white space, so that span edges next to them are easy to find.
SEPARATORS = (" ", " ", " ", "\n", "\r\n", "\r", "\t", "\n\n", "\r\n\r\n", "\u00A0", "\u2028", "\u3000",
              "\x85", " \r", "\x0b", "\x1c")

_token_chars = st.characters(codec="utf-8", exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc"))
tokens = st.one_of(
    st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,'\"-"),
            min_size=1, max_size=8),
    st.text(alphabet=_token_chars, min_size=1, max_size=6),
    st.sampled_from(SPECIAL_TOKENS),
).filter(lambda t: not t[0].isspace() and not t[-1].isspace())
separators = st.sampled_from(SEPARATORS)


@dataclass
class Tokenised:
    """A text and the code-point ranges of its tokens."""

    text: str
    bounds: list[tuple[int, int]]

    def span(self, i: int, j: int) -> tuple[int, int, str]:
        """Tokens ``i..j`` (inclusive) as ``(start, end, text)``."""
        start, end = self.bounds[i][0], self.bounds[j][1]
        return start, end, self.text[start:end]


@st.composite
def tokenised_texts(draw, min_tokens: int = 4, max_tokens: int = 24) -> Tokenised:
    """A text of white-space separated tokens; may start or end with white space, never holds NUL."""
    toks = draw(st.lists(tokens, min_size=min_tokens, max_size=max_tokens))
    parts, bounds, pos = [], [], 0
    lead = draw(st.one_of(st.just(""), separators))
    parts.append(lead)
    pos += len(lead)
    for k, tok in enumerate(toks):
        if k:
            sep = draw(separators)
            parts.append(sep)
            pos += len(sep)
        bounds.append((pos, pos + len(tok)))
        parts.append(tok)
        pos += len(tok)
    parts.append(draw(st.one_of(st.just(""), st.just("\n"), st.just("\r\n"), separators)))
    text = "".join(parts)
    assert "\x00" not in text
    return Tokenised(text, bounds)


texts = tokenised_texts().map(lambda t: t.text)

# -- ids and small values ----------------------------------------------------------------------------

RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{d}" for p in ("com", "lpt") for d in range(10)}
doc_ids = st.from_regex(r"[a-z][a-z0-9]{0,7}(?:-[a-z0-9]{1,4}){0,2}", fullmatch=True).filter(
    lambda s: is_doc_id(s) and s not in RESERVED)
entity_ids = st.from_regex(r"[a-z0-9]{1,8}(?:-[a-z0-9]{1,4}){0,2}", fullmatch=True).filter(lambda s: s not in RESERVED)
notes = st.text(min_size=1, max_size=30)
optional_notes = st.one_of(st.none(), notes)


def _with_note(rec: dict, note: str | None) -> dict:
    if note is not None:
        rec["note"] = note
    return rec


@st.composite
def _token_range(draw, tt: Tokenised, max_len: int = 3) -> tuple[int, int]:
    n = len(tt.bounds)
    i = draw(st.integers(0, n - 1))
    j = draw(st.integers(i, min(n - 1, i + max_len - 1)))
    return i, j


@st.composite
def _span(draw, tt: Tokenised, max_len: int = 3) -> dict:
    start, end, text = tt.span(*draw(_token_range(tt, max_len)))
    return {"start": start, "end": end, "text": text}


def _evidenced(draw, tt: Tokenised) -> dict:
    if draw(st.booleans()):
        ev = draw(_span(tt, 4))["text"]
        return {"value": draw(st.one_of(st.just(ev), st.text(min_size=1, max_size=20))), "evidence": ev, "reason": None}
    return {"value": None, "evidence": None, "reason": draw(st.text(min_size=1, max_size=20))}


@st.composite
def metadata(draw, doc: str, tt: Tokenised) -> dict:
    """A valid ``documents.jsonl`` record for ``doc`` whose evidence excerpts occur in the text."""
    data = tt.text.encode("utf-8")
    if draw(st.booleans()):
        precision = draw(st.sampled_from(("day", "month", "year")))
        value = {"day": "2024-02-05", "month": "2024-02", "year": "2024"}[precision]
        date = {"value": value, "precision": precision, "basis": draw(st.sampled_from(("stated", "inferred"))),
                "evidence": draw(_span(tt, 3))["text"], "reason": None}
    else:
        date = {"value": None, "precision": None, "basis": "unknown", "evidence": None,
                "reason": draw(st.text(min_size=1, max_size=20))}
    genre = {"value": draw(st.sampled_from(list(TAX["genre"]))),
             "evidence": draw(st.one_of(st.none(), _span(tt, 3).map(lambda s: s["text"])))}
    meta = {"id": doc, "seed_file": draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)),
            "sha256": hashlib.sha256(data).hexdigest(), "length": len(tt.text), "bytes": len(data),
            "language": draw(st.sampled_from(("en", "ur", "he", "ar", "en-GB", "hi"))),
            "title": _evidenced(draw, tt), "publisher": _evidenced(draw, tt), "author": _evidenced(draw, tt),
            "date": date, "genre": genre, "rights": draw(st.text(min_size=1, max_size=20))}
    return _with_note(meta, draw(optional_notes))


# -- whole corpora -----------------------------------------------------------------------------------

@dataclass
class Doc:
    """One document: its text, metadata, gold records (no header) and independent passes."""

    id: str
    text: str
    meta: dict
    records: list[dict] = field(default_factory=list)
    passes: dict[str, list[dict]] = field(default_factory=dict)

    def header(self, layer: str = "gold") -> dict:
        return {"type": "header", "doc": self.id, "layer": layer, "text_sha256": self.meta["sha256"],
                "schema_version": schema_version()}

    def layer(self, kind: str) -> list[dict]:
        return [r for r in self.records if r["type"] == kind]


@dataclass
class Corpus:
    """A whole valid corpus in memory; :meth:`write` lays it out on disk in canonical form."""

    docs: list[Doc]
    entities: list[dict]
    links: list[dict]

    def doc(self, doc_id: str) -> Doc:
        return next(d for d in self.docs if d.id == doc_id)

    def files(self) -> dict[str, bytes]:
        """Relative path -> bytes of every file of the checkout."""
        out = {"corpus/documents.jsonl": dumps_table([d.meta for d in self.docs], "document")}
        for d in self.docs:
            out[f"corpus/texts/{d.id}.txt"] = d.text.encode("utf-8")
            out[f"annotations/gold/{d.id}.jsonl"] = dumps_annotation_file([d.header()] + d.records)
            for name, recs in d.passes.items():
                out[f"annotations/passes/{name}/{d.id}.jsonl"] = dumps_annotation_file([d.header(f"pass-{name}")] + recs)
        if self.entities:
            out["annotations/entities.jsonl"] = dumps_table(self.entities, "entity")
        if self.links:
            out["annotations/links.jsonl"] = dumps_table(self.links, "link")
        return out

    def write(self, root: Path) -> Path:
        root = Path(root)
        for rel, data in self.files().items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        (root / "annotations" / "gold").mkdir(parents=True, exist_ok=True)
        Layout(root)  # the folder is a checkout
        return root

    @property
    def record_count(self) -> int:
        return sum(len(d.records) + 1 + sum(len(p) + 1 for p in d.passes.values()) for d in self.docs) \
            + len(self.docs) + len(self.entities) + len(self.links)


def _number(recs: list[dict], prefix: str, key) -> list[dict]:
    recs = sorted(recs, key=key)
    for k, r in enumerate(recs, 1):
        r["id"] = f"{prefix}{k}"
    return recs


def _anchor(a: dict) -> tuple[int, int]:
    spans = [a[k] for k in ("source", "cue", "content") if a[k] is not None]
    return min(s["start"] for s in spans), max(s["end"] for s in spans)


def _flat(text: str, spans: list[dict]) -> list[dict]:
    """The spans that can be mentions together (guidelines 2.2.7): in offset order, each one that overlaps none
    kept before it, in characters or in a token."""
    kept: list[dict] = []
    for s in sorted(spans, key=lambda s: (s["start"], s["end"])):
        if not kept or (s["start"] >= kept[-1]["end"] and shared_token(text, kept[-1]["end"], s["start"]) is None):
            kept.append(s)
    return kept


@st.composite
def corpora(draw, min_docs: int = 1, max_docs: int = 3, rich: bool = False) -> Corpus:
    """A whole valid corpus. ``rich=True`` guarantees every feature the mutation catalogue needs:
    at least two documents, each with a mention, a claim and an attribution, two or more registry
    entities, and a link with a pair."""
    if rich:
        min_docs = max(min_docs, 2)
    ids = draw(st.lists(doc_ids, min_size=min_docs, max_size=max_docs, unique=True))
    tts = {doc: draw(tokenised_texts()) for doc in ids}
    docs = [Doc(doc, tts[doc].text, draw(metadata(doc, tts[doc]))) for doc in sorted(ids)]
    # zones tile the text: cut points anywhere, even inside a CRLF or before a combining mark
    for d in docs:
        n = len(d.text)
        cuts = draw(st.lists(st.integers(1, n - 1), min_size=1, max_size=min(5, n - 1), unique=True))
        edges = [0] + sorted(cuts) + [n]
        d.records += [_with_note({"type": "zone", "id": "", "start": a, "end": b, "text": d.text[a:b],
                                  "label": draw(st.sampled_from(list(TAX["zone"])))}, draw(optional_notes))
                      for a, b in zip(edges, edges[1:])]
    # mention spans first; the registry is made from their texts
    # (never two records with the same span, label and entity: the validator refuses identical twins)
    spans = {d.id: _flat(tts[d.id].text, draw(st.lists(_span(tts[d.id]), min_size=1 if rich else 0, max_size=6,
                                                       unique_by=lambda s: (s["start"], s["end"])))) for d in docs}
    texts_used = sorted({s["text"] for ss in spans.values() for s in ss})
    if rich:
        assume(len(texts_used) >= 2)
    n_ent = draw(st.integers(2 if rich else min(1, len(texts_used)), len(texts_used))) if texts_used else 0
    owner = {t: (k if k < n_ent else draw(st.integers(0, n_ent - 1))) for k, t in enumerate(texts_used)}
    eids = draw(st.lists(entity_ids, min_size=n_ent, max_size=n_ent, unique=True))
    etypes = [draw(st.sampled_from(list(TAX["mention"]))) for _ in range(n_ent)]
    entities, taken = [], set()
    for k, eid in enumerate(eids):
        forms = sorted(t for t, o in owner.items() if o == k)
        name = forms[0]
        if name.casefold() in taken:  # canonical names are unique regardless of case
            name = next(c for c in (f"{eid} entity {m}" for m in range(99))
                        if c.casefold() not in taken and c not in owner)
        taken.add(name.casefold())
        ent = {"id": eid, "name": name, "type": etypes[k], "aliases": [f for f in forms if f != name],
               "description": draw(st.text(min_size=1, max_size=20))}
        if draw(st.booleans()):
            ent["external_ids"] = {"wikidata": f"Q{draw(st.integers(1, 10**8))}"}
        entities.append(_with_note(ent, draw(optional_notes)))
    for d in docs:
        ms = [_with_note({"type": "mention", "id": "", **s, "label": etypes[owner[s["text"]]],
                          "entity": eids[owner[s["text"]]]}, draw(optional_notes)) for s in spans[d.id]]
        d.records += ms
    # attributions (parents point backwards, so there is no cycle), then claims that refer to them
    for d in docs:
        tt = tts[d.id]
        attrs = []
        for _ in range(draw(st.integers(1 if rich else 0, 4))):
            attrs.append(_with_note({
                "type": "attribution", "id": "",
                "source": draw(st.one_of(st.none(), _span(tt))),
                "source_type": draw(st.sampled_from(list(TAX["source_type"]))),
                "source_entity": draw(st.one_of(st.none(), st.sampled_from(eids))) if eids else None,
                "cue": draw(st.one_of(st.none(), _span(tt, 2))),
                "content": draw(_span(tt, 6)),
                "parent": None}, draw(optional_notes)))
        attrs = list({twin_key(a): a for a in reversed(attrs)}.values())[::-1]  # no identical twins
        attrs = _number(attrs, "a", lambda a: _anchor(a))
        for k, a in enumerate(attrs):
            if k and draw(st.booleans()):
                a["parent"] = attrs[draw(st.integers(0, k - 1))]["id"]
        claims = []
        for _ in range(draw(st.integers(1 if rich else 0, 4))):
            s = draw(_span(tt, 6))
            by = draw(st.sampled_from(list(TAX["asserted_by"]))) if attrs else "author"
            if by == "attributed":
                ref = draw(st.sampled_from([a["id"] for a in attrs]))
            else:
                authors = [a["id"] for a in attrs if a["source_type"] == "author"]
                ref = draw(st.one_of(st.none(), st.sampled_from(authors))) if authors else None
            claims.append(_with_note({"type": "claim", "id": "", **s,
                                      "claim_type": draw(st.sampled_from(list(TAX["claim_type"]))),
                                      "certainty": draw(st.sampled_from(list(TAX["certainty"]))),
                                      "checkworthy": draw(st.booleans()), "asserted_by": by, "attribution": ref},
                                     draw(optional_notes)))
        claims = list({twin_key(c): c for c in reversed(claims)}.values())[::-1]
        zones = _number(d.layer("zone"), "z", lambda r: (r["start"], r["end"]))
        mentions = _number(d.layer("mention"), "m", lambda r: (r["start"], r["end"]))
        claims = _number(claims, "c", lambda r: (r["start"], r["end"]))
        d.records = zones + mentions + claims + attrs
    # an independent pass: the zones and some of the mentions
    for d in docs:
        if draw(st.booleans()):
            keep = [m for m in d.layer("mention") if draw(st.booleans())]
            d.passes[draw(st.sampled_from(("ann1", "b-2")))] = [dict(r) for r in d.layer("zone") + keep]
    # cross-document links
    links = []
    events = [f"{d.id}#{r['id']}" for d in docs for r in d.records if r["type"] in ("mention", "claim")]
    claim_refs = [f"{d.id}#{r['id']}" for d in docs for r in d.records if r["type"] == "claim"]
    for k in range(draw(st.integers(1 if rich else 0, 3))):
        kind = draw(st.sampled_from(("event", "claim")))
        pool = events if kind == "event" else claim_refs
        if not pool:
            continue
        members = draw(st.lists(st.sampled_from(pool), min_size=2 if rich and len(pool) > 1 else 1,
                                max_size=4, unique=True))
        pairs = []
        if len(members) > 1:
            for _ in range(draw(st.integers(1 if rich else 0, 2))):
                a, b = draw(st.lists(st.sampled_from(members), min_size=2, max_size=2, unique=True))
                pairs.append(_with_note({"a": a, "b": b, "relation": draw(st.sampled_from(list(TAX["relation"])))},
                                        draw(optional_notes)))
        links.append(_with_note({"id": f"{kind}-{k + 1}", "type": kind, "description": draw(notes),
                                 "entity": draw(st.one_of(st.none(), st.sampled_from(eids))) if eids else None,
                                 "members": members, "pairs": pairs}, draw(optional_notes)))
    if rich:
        assume(any(link["pairs"] for link in links))
    return Corpus(docs, entities, links)


rich_corpora = corpora(rich=True)


# -- records generated from the JSON Schemas (hypothesis-jsonschema) --------------------------------

class _ManyWithMore:
    """hypothesis-jsonschema 0.23.1 drives ``many`` with ``more()``, which hypothesis 6.170 replaced by a
    context manager and an iterator; this adapter gives it the old interface on the new one."""

    def __init__(self, *args, **kwargs):
        self._many = _real_many(*args, **kwargs)
        self._many.__enter__()
        self._it = iter(self._many)

    def more(self) -> bool:
        try:
            next(self._it)
            return True
        except StopIteration:
            self._many.__exit__(None, None, None)
            return False

    def reject(self) -> None:
        self._many.reject()


from hypothesis_jsonschema import _from_schema  # noqa: E402

_real_many = _from_schema.cu.many
if not hasattr(_real_many, "more"):
    _from_schema.cu = type("cu", (), {"many": _ManyWithMore})


def schema_records(name: str):
    """Records valid against ``schema/<name>.schema.json``, from hypothesis-jsonschema."""
    from hypothesis_jsonschema import from_schema

    from kashcorpus.resources import record_schema

    return from_schema(record_schema(name))


# -- names at the boundaries news text puts around them (tokens, sentences) -------------------------

_name_letters = st.characters(categories=("Lu", "Ll", "Lo"))
_marks = st.sampled_from(("\u0301", "\u0308", "\u0327", "\u094D", "\u064E"))


@st.composite
def _name_part(draw) -> str:
    """Letters, some with combining marks; at least two letters (one letter and a full stop is an initial)."""
    letters = draw(st.lists(_name_letters, min_size=2, max_size=7))
    return "".join(c + (draw(_marks) if draw(st.integers(0, 5)) == 0 else "") for c in letters)


@st.composite
def name_words(draw) -> str:
    """A word of a name, maybe with an inner apostrophe (Mash'al); never a listed abbreviation."""
    from kashcorpus.tokens import abbreviation_class

    word = draw(_name_part())
    if draw(st.integers(0, 4)) == 0:
        rest = draw(_name_part())
        assume(rest[0] not in "sS")  # a final 's is a clitic, by policy
        word += draw(st.sampled_from("'\u2019")) + rest
    assume(word + "." not in abbreviation_class() and word.lower() != "www")
    return word


# (before the name, after it); hyphens, dashes and slashes join it to a word, the rest is glued punctuation
NAME_LEFT = ("", "(", "[", "\u201C", "\u2018", '"', "'", "\u00AB", "anti-", "Israel-", "Pakistan\u2013", "and/",
             "duplicity\u2014")
NAME_RIGHT = ("", ")", "]", "\u201D", "\u2019", '"', "'", "\u00BB", "\u2019s", "'s", "\u2019S", "-based",
              "-led", "\u2013Hamas", "/India", ",", ".", ";", ":", "!", "?", "\u2026", "...", "\u2019s\u2019",
              ".\u201D", "),", ".The", "\u2014on")


@dataclass
class NameInText:
    """A text and the code-point span of one name in it."""

    text: str
    start: int
    end: int


@st.composite
def names_in_text(draw) -> NameInText:
    """A name of one to three words (joined by spaces or hyphens) glued to the punctuation, possessives
    and compounds around names in news text (``Hamas’s``, ``anti-India``, ``“Pakistan-based``)."""
    words = draw(st.lists(name_words(), min_size=1, max_size=3))
    name = words[0]
    for w in words[1:]:
        name += draw(st.sampled_from((" ", "-"))) + w
    left = draw(st.sampled_from(NAME_LEFT))
    right = draw(st.sampled_from(NAME_RIGHT))
    before = draw(st.sampled_from(("", "said ", "The\n", "\r\n")))
    after = draw(st.sampled_from(("", " met", " and Hamas.", "\r\nNext")))
    text = before + left + name + right + after
    start = len(before) + len(left)
    return NameInText(text, start, start + len(name))


# Arbitrary text for the tokeniser and the segmenter: any Unicode, news punctuation, and the hard cases above.
arbitrary_texts = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from("aZ9 .,'’-–—/\"“”()…!?\r\n\t\u00A0\u0301\u200d\U0001F600s")),
    tokenised_texts().map(lambda t: t.text),
    st.lists(st.one_of(st.sampled_from(SPECIAL_TOKENS), separators,
                       st.sampled_from(["’s", "-", ".", "U.S.", "Dr.", "Oct.", "A.", "”", "\n\n", "The", "the"])),
             max_size=30).map("".join),
)

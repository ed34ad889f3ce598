"""CoNLL-style BIO for mentions, with the tokenisation of the dataset's ``ner`` config (the format and its mapping)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable

from ..tokens import Token, bio_to_spans, spans_to_bio, tokenize
from .common import Annotated, Exported, Problem, assign_ids, problem

DOCSTART = "-DOCSTART-"


# -- the format ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TokenLine:
    """``TOKEN<TAB>START<TAB>END<TAB>TAG``: a token with its code-point offsets and its BIO tag."""

    text: str
    start: int
    end: int
    tag: str
    line: int = 0


@dataclass
class Block:
    """A ``-DOCSTART-`` line naming a document, and its token lines."""

    doc: str
    tokens: list[TokenLine] = field(default_factory=list)
    line: int = 0


def parse(conll: str) -> tuple[list[Block], list[Problem]]:
    """The blocks of a CoNLL text; lines that are not ``-DOCSTART-`` or token lines are reported.

    >>> blocks, _ = parse("-DOCSTART-\\td\\t-\\tO\\n\\nHamas\\t0\\t5\\tB-ORG\\n\\n")
    >>> blocks[0].doc, [(t.text, t.tag) for t in blocks[0].tokens]
    ('d', [('Hamas', 'B-ORG')])
    """
    blocks: list[Block] = []
    problems: list[Problem] = []
    for n, line in enumerate(conll.split("\n"), 1):
        if not line.strip():
            continue
        cols = line.split("\t")
        if cols[0] == DOCSTART:
            blocks.append(Block(cols[1] if len(cols) > 1 else "", [], n))
            continue
        if not blocks:
            problems.append(problem("import-bad-line", None, f"line {n}", detail="a token line before any -DOCSTART- line"))
            continue
        if len(cols) != 4 or not cols[1].isdigit() or not cols[2].isdigit():
            problems.append(problem("import-bad-line", blocks[-1].doc or None, f"line {n}",
                                    detail=f"{line!r} is not TOKEN START END TAG"))
            continue
        blocks[-1].tokens.append(TokenLine(cols[0], int(cols[1]), int(cols[2]), cols[3], n))
    return blocks, problems


def serialise(blocks: Iterable[Block]) -> str:
    """CoNLL text: per block, the ``-DOCSTART-`` line, a blank line, its token lines and a blank line."""
    out = []
    for b in blocks:
        lines = [f"{DOCSTART}\t{b.doc}\t-\tO", ""] + [f"{t.text}\t{t.start}\t{t.end}\t{t.tag}" for t in b.tokens]
        out.append("\n".join(lines) + "\n\n")
    return "".join(out)


# -- the mapping -----------------------------------------------------------------------------------

def to_block(doc: Annotated, mode: str = "expand") -> tuple[Block, list[Problem]]:
    """``doc``'s mentions as the tokens and BIO tags of the ``ner`` dataset config (``tokenize``, ``spans_to_bio``).

    A mention whose edges are not token edges, or that overlaps a longer one, is reported (widened, or
    left out), never silently changed.
    """
    tokens = tokenize(doc.text)
    mentions = [r for r in doc.records if r["type"] == "mention"]
    alignment = spans_to_bio(tokens, [(m["start"], m["end"], m["label"]) for m in mentions], mode=mode)
    problems: list[Problem] = []
    skipped = {(s, e, label): why for s, e, label, why in alignment.skipped}
    for m in mentions:
        key = (m["start"], m["end"], m["label"])
        if key in skipped:
            problems.append(problem(f"export-{skipped[key]}", doc.doc, m["id"],
                                    detail=f"mention {m['text']!r} at {m['start']}-{m['end']} is not tagged "
                                           f"({skipped[key]}, alignment mode {mode})"))
            continue
        inside = [t for t in tokens if t.end > m["start"] and t.start < m["end"]]
        if mode == "contract":
            inside = [t for t in inside if t.start >= m["start"] and t.end <= m["end"]]
        if inside and (inside[0].start, inside[-1].end) != (m["start"], m["end"]):
            problems.append(problem("export-misaligned", doc.doc, m["id"],
                                    detail=f"mention {m['text']!r} at {m['start']}-{m['end']} is tagged as tokens "
                                           f"{inside[0].start}-{inside[-1].end} (alignment mode {mode})"))
    lines = [TokenLine(t.text, t.start, t.end, tag) for t, tag in zip(tokens, alignment.tags)]
    return Block(doc.doc, lines), problems


def from_block(block: Block, text: str) -> tuple[Annotated, list[Problem]]:
    """Mentions from a block's BIO tags; a token that is not the text at its offsets is reported and left out."""
    problems: list[Problem] = []
    toks: list[Token] = []
    tags: list[str] = []
    for t in block.tokens:
        if text[t.start:t.end] != t.text:
            problems.append(problem("import-span-mismatch", block.doc, f"line {t.line}",
                                    detail=f"token {t.text!r} is not the text at {t.start}-{t.end} "
                                           f"({text[t.start:t.end]!r})"))
            continue
        toks.append(Token(t.start, t.end, t.text))
        tags.append(t.tag)
    recs = [{"type": "mention", "id": None, "start": s, "end": e, "text": text[s:e], "label": label, "entity": None}
            for s, e, label in bio_to_spans(toks, tags)]
    return Annotated(block.doc, text, assign_ids(recs)), problems


def to_conll(doc: Annotated, mode: str = "expand") -> tuple[str, list[Problem]]:
    """One document as CoNLL lines ``TOKEN<TAB>START<TAB>END<TAB>TAG`` after a ``-DOCSTART-`` line.

    >>> out, probs = to_conll(Annotated("d", "Hamas met LeT", [{"type": "mention", "id": "m1", "start": 0,
    ...                        "end": 5, "text": "Hamas", "label": "ORG", "entity": None}]))
    >>> out.splitlines()[2:4], probs
    (['Hamas\\t0\\t5\\tB-ORG', 'met\\t6\\t9\\tO'], [])
    """
    block, problems = to_block(doc, mode)
    return serialise([block]), problems


def from_conll(conll: str, texts: dict[str, str]) -> tuple[list[Annotated], list[Problem]]:
    """Mentions from CoNLL lines written by :func:`to_conll`, checked against the texts named by ``-DOCSTART-``.

    >>> docs, probs = from_conll("-DOCSTART-\\td\\t-\\tO\\n\\nHamas\\t0\\t5\\tB-ORG\\n\\n", {"d": "Hamas met"})
    >>> [(r["id"], r["start"], r["end"], r["label"]) for r in docs[0].records], probs
    ([('m1', 0, 5, 'ORG')], [])
    """
    blocks, problems = parse(conll)
    docs: list[Annotated] = []
    for b in blocks:
        if b.doc not in texts:
            problems.append(problem("import-unknown-document", b.doc or None, f"line {b.line}",
                                    detail=f"{b.doc!r} is not a known document"))
            continue
        got, probs = from_block(b, texts[b.doc])
        docs.append(got)
        problems += probs
    return docs, problems


def export_conll(root: Path, out: Path, docs: Iterable[str] | None = None, layer: str = "gold",
                 mode: str = "expand") -> list[Problem]:
    """Write the mentions of the corpus at ``root`` as one CoNLL file (atomically); return the problems."""
    return export_corpus(root, out, docs, layer, mode).problems


def export_corpus(root: Path, out: Path | None, docs: Iterable[str] | None = None, layer: str = "gold",
                  alignment: str | None = None) -> Exported:
    """The table's entry point (kashcorpus export conll): one CoNLL file at ``out`` (or the text, for no file)."""
    from ..io import atomic_write
    from .common import load_documents

    blocks, problems = [], []
    documents = load_documents(root, docs, layer)
    for d in documents:
        block, probs = to_block(d, alignment or "expand")
        blocks.append(block)
        problems += probs
    if out is None:
        return Exported(len(documents), problems, serialise(blocks))
    atomic_write(Path(out), serialise(blocks).encode("utf-8"))
    return Exported(len(documents), problems)

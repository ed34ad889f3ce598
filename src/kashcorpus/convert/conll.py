"""CoNLL-2003-style BIO for mentions, one sentence per block, tokenised and segmented as the dataset's ``ner`` config."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable

from ..sentences import segment, zone_edges
from ..tokens import Token, bio_to_spans, spans_to_bio, tokenize
from .common import Annotated, Exported, Problem, assign_ids, problem

DOCSTART = "-DOCSTART-"
DOCSTART_LINE = "-DOCSTART- -X- -X- O"  # conll2003's document line: the word, two placeholder columns, tag O
LABEL_SETS = ("conll2003",)  # --labels: a label set mentions can be mapped to (schema/<name>.json)


def label_mapping(labels: str | None) -> dict[str, str | None] | None:
    """The label of each mention label in the label set ``labels`` (``None``: the corpus's own labels), from
    ``schema/<labels>.json``; a label mapped to ``None`` has no counterpart there.

    >>> m = label_mapping("conll2003")
    >>> m["GPE"], m["NORP"], m["DATE"], label_mapping(None)
    ('LOC', 'MISC', None, None)
    """
    if labels is None:
        return None
    if labels not in LABEL_SETS:
        raise ValueError(f"no label set {labels!r}; the label sets are: {', '.join(LABEL_SETS)}")
    from ..resources import load_table

    return dict(load_table(labels)["map"])


# -- the format ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TokenLine:
    """``TOKEN START END TAG``: a token with its code-point offsets in the document and its BIO tag."""

    text: str
    start: int
    end: int
    tag: str
    line: int = 0


@dataclass
class Block:
    """A document: the sentences after one ``-DOCSTART-`` line, each a list of token lines.

    ``doc`` names the document; the file does not carry it (conll2003's document line has no room for
    it), so a reader pairs blocks with documents by their order.
    """

    doc: str
    sentences: list[list[TokenLine]] = field(default_factory=list)
    line: int = 0

    @property
    def tokens(self) -> list[TokenLine]:
        return [t for s in self.sentences for t in s]


def parse(conll: str) -> tuple[list[Block], list[Problem]]:
    """The blocks of a CoNLL text (columns split at white space); lines that are neither a ``-DOCSTART-``
    line, a blank line nor a token line are reported.

    >>> blocks, _ = parse("-DOCSTART- -X- -X- O\\n\\nHamas 0 5 B-ORG\\nmet 6 9 O\\n\\nYes 10 13 O\\n\\n")
    >>> [[(t.text, t.tag) for t in s] for s in blocks[0].sentences]
    [[('Hamas', 'B-ORG'), ('met', 'O')], [('Yes', 'O')]]
    """
    blocks: list[Block] = []
    problems: list[Problem] = []
    open_sentence = False
    for n, line in enumerate(conll.split("\n"), 1):
        cols = line.split()
        if not cols:
            open_sentence = False
            continue
        if cols[0] == DOCSTART:
            blocks.append(Block("", [], n))
            open_sentence = False
            continue
        if not blocks:
            problems.append(problem("import-bad-line", None, f"line {n}", detail="a token line before any -DOCSTART- line"))
            continue
        if len(cols) != 4 or not cols[1].isdigit() or not cols[2].isdigit():
            problems.append(problem("import-bad-line", blocks[-1].doc or None, f"line {n}",
                                    detail=f"{line!r} is not TOKEN START END TAG"))
            continue
        if not open_sentence:
            blocks[-1].sentences.append([])
            open_sentence = True
        blocks[-1].sentences[-1].append(TokenLine(cols[0], int(cols[1]), int(cols[2]), cols[3], n))
    return blocks, problems


def serialise(blocks: Iterable[Block]) -> str:
    """CoNLL text as conll2003 lays it out: per document the line ``-DOCSTART- -X- -X- O`` and a blank line,
    then each sentence's token lines ``TOKEN START END TAG`` (single spaces), each sentence followed by a
    blank line."""
    out = []
    for b in blocks:
        out.append(DOCSTART_LINE + "\n\n")
        for sentence in b.sentences:
            out.append("".join(f"{t.text} {t.start} {t.end} {t.tag}\n" for t in sentence) + "\n")
    return "".join(out)


# -- the mapping -----------------------------------------------------------------------------------

def to_block(doc: Annotated, mode: str = "expand", labels: str | None = None) -> tuple[Block, list[Problem]]:
    """``doc``'s mentions as the sentences, tokens and BIO tags of the ``ner`` dataset config (``tokenize``,
    ``segment`` with the zone edges as breaks, ``spans_to_bio``); with ``labels``, their labels mapped to that
    label set (:func:`label_mapping`).

    A mention whose edges are not token edges, or that overlaps a longer one, is reported (widened, or
    left out), never silently changed; so is one whose label has no counterpart in ``labels`` (left out).
    """
    tokens = tokenize(doc.text)
    mentions = [r for r in doc.records if r["type"] == "mention"]
    mapping = label_mapping(labels)
    problems: list[Problem] = []
    if mapping is not None:
        for m in mentions:
            if mapping.get(m["label"]) is None:
                problems.append(problem("export-label-unmapped", doc.doc, m["id"],
                                        detail=f"mention {m['text']!r} at {m['start']}-{m['end']} is not tagged: "
                                               f"{labels} has no counterpart of {m['label']}"))
        mentions = [{**m, "label": mapping[m["label"]]} for m in mentions if mapping.get(m["label"]) is not None]
    alignment = spans_to_bio(tokens, [(m["start"], m["end"], m["label"]) for m in mentions], mode=mode)
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
    sentences: list[list[TokenLine]] = []
    i = 0
    for sent in segment(doc.text, zone_edges(doc.records), tokens):
        first = i
        while i < len(tokens) and tokens[i].end <= sent.end:
            i += 1
        sentences.append([TokenLine(t.text, t.start, t.end, tag) for t, tag in zip(tokens[first:i], alignment.tags[first:i])])
    return Block(doc.doc, sentences), problems


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
    """One document as CoNLL: a ``-DOCSTART-`` line, then sentences of lines ``TOKEN START END TAG``.

    >>> out, probs = to_conll(Annotated("d", "Hamas met LeT. It left.", [{"type": "mention", "id": "m1",
    ...                        "start": 0, "end": 5, "text": "Hamas", "label": "ORG", "entity": None}]))
    >>> print(out, end="")
    -DOCSTART- -X- -X- O
    <BLANKLINE>
    Hamas 0 5 B-ORG
    met 6 9 O
    LeT 10 13 O
    . 13 14 O
    <BLANKLINE>
    It 15 17 O
    left 18 22 O
    . 22 23 O
    <BLANKLINE>
    >>> probs
    []
    """
    block, problems = to_block(doc, mode)
    return serialise([block]), problems


def from_conll(conll: str, texts: dict[str, str]) -> tuple[list[Annotated], list[Problem]]:
    """Mentions from CoNLL text written by :func:`to_conll`; ``texts`` are the documents in the file's order
    (id -> text), and every token is checked against its document's text.

    >>> docs, probs = from_conll("-DOCSTART- -X- -X- O\\n\\nHamas 0 5 B-ORG\\n\\n", {"d": "Hamas met"})
    >>> [(r["id"], r["start"], r["end"], r["label"]) for r in docs[0].records], probs
    ([('m1', 0, 5, 'ORG')], [])
    """
    blocks, problems = parse(conll)
    docs: list[Annotated] = []
    names = list(texts)
    for k, b in enumerate(blocks):
        if k >= len(names):
            problems.append(problem("import-unknown-document", None, f"line {b.line}",
                                    detail=f"document {k + 1} of the file, but only {len(names)} texts were given"))
            continue
        b.doc = names[k]
        got, probs = from_block(b, texts[b.doc])
        docs.append(got)
        problems += probs
    return docs, problems


def export_conll(root: Path, out: Path, docs: Iterable[str] | None = None, layer: str = "gold",
                 mode: str = "expand") -> list[Problem]:
    """Write the mentions of the corpus at ``root`` as one CoNLL file (atomically); return the problems."""
    return export_corpus(root, out, docs, layer, mode).problems


def export_corpus(root: Path, out: Path | None, docs: Iterable[str] | None = None, layer: str = "gold",
                  alignment: str | None = None, only: str | None = None, labels: str | None = None) -> Exported:
    """The table's entry point (kashcorpus export conll): one CoNLL file at ``out`` (or the text, for no file);
    ``labels="conll2003"`` writes the tags of conll2003's label set (PER, ORG, LOC, MISC)."""
    from ..io import atomic_write
    from .common import load_documents

    blocks, problems = [], []
    documents = load_documents(root, docs, layer, only)
    for d in documents:
        block, probs = to_block(d, alignment or "expand", labels)
        blocks.append(block)
        problems += probs
    if out is None:
        return Exported(len(documents), problems, serialise(blocks))
    atomic_write(Path(out), serialise(blocks).encode("utf-8"))
    return Exported(len(documents), problems)

"""CoNLL-style BIO for mentions, with the tokenisation of the dataset's ``ner`` config (to_conll / from_conll)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..tokens import Token, bio_to_spans, spans_to_bio, tokenize
from .common import Annotated, Problem, assign_ids

DOCSTART = "-DOCSTART-"


def to_conll(doc: Annotated, mode: str = "expand") -> tuple[str, list[Problem]]:
    """One document as CoNLL lines ``TOKEN<TAB>START<TAB>END<TAB>TAG`` after a ``-DOCSTART-`` line.

    Tokens and tags are exactly those of the ``ner`` dataset config (``tokenize`` and ``spans_to_bio``,
    mode ``expand``). A mention whose edges are not token edges, or that overlaps a longer one, is
    reported (widened, or left out), never silently changed.

    >>> out, probs = to_conll(Annotated("d", "Hamas met LeT", [{"type": "mention", "id": "m1", "start": 0,
    ...                        "end": 5, "text": "Hamas", "label": "ORG", "entity": None}]))
    >>> out.splitlines()[2:4], probs
    (['Hamas\\t0\\t5\\tB-ORG', 'met\\t6\\t9\\tO'], [])
    """
    tokens = tokenize(doc.text)
    mentions = [r for r in doc.records if r["type"] == "mention"]
    alignment = spans_to_bio(tokens, [(m["start"], m["end"], m["label"]) for m in mentions], mode=mode)
    problems: list[Problem] = []
    skipped = {(s, e, label): why for s, e, label, why in alignment.skipped}
    for m in mentions:
        key = (m["start"], m["end"], m["label"])
        if key in skipped:
            problems.append(Problem(doc.doc, m["id"], skipped[key], f"mention {m['text']!r} at {m['start']}-{m['end']} "
                                    f"is not tagged ({skipped[key]}, alignment mode {mode})"))
            continue
        inside = [t for t in tokens if t.end > m["start"] and t.start < m["end"]]
        if mode == "contract":
            inside = [t for t in inside if t.start >= m["start"] and t.end <= m["end"]]
        if inside and (inside[0].start, inside[-1].end) != (m["start"], m["end"]):
            problems.append(Problem(doc.doc, m["id"], "misaligned",
                                    f"mention {m['text']!r} at {m['start']}-{m['end']} is tagged as tokens "
                                    f"{inside[0].start}-{inside[-1].end} (alignment mode {mode})"))
    lines = [f"{DOCSTART}\t{doc.doc}\t-\tO", ""]
    lines += [f"{t.text}\t{t.start}\t{t.end}\t{tag}" for t, tag in zip(tokens, alignment.tags)]
    return "\n".join(lines) + "\n\n", problems


def from_conll(conll: str, texts: dict[str, str]) -> tuple[list[Annotated], list[Problem]]:
    """Mentions from CoNLL lines written by :func:`to_conll`, checked against the texts named by ``-DOCSTART-``.

    >>> docs, probs = from_conll("-DOCSTART-\\td\\t-\\tO\\n\\nHamas\\t0\\t5\\tB-ORG\\n\\n", {"d": "Hamas met"})
    >>> [(r["id"], r["start"], r["end"], r["label"]) for r in docs[0].records], probs
    ([('m1', 0, 5, 'ORG')], [])
    """
    docs: list[Annotated] = []
    problems: list[Problem] = []
    current: tuple[str, list[Token], list[str]] | None = None

    def finish():
        if current is None:
            return
        doc, toks, tags = current
        spans = bio_to_spans(toks, tags)
        text = texts[doc]
        recs = [{"type": "mention", "id": None, "start": s, "end": e, "text": text[s:e], "label": label, "entity": None}
                for s, e, label in spans]
        docs.append(Annotated(doc, text, assign_ids(recs)))

    for n, line in enumerate(conll.split("\n"), 1):
        if not line.strip():
            continue
        cols = line.split("\t")
        if cols[0] == DOCSTART:
            finish()
            current = None
            doc = cols[1] if len(cols) > 1 else ""
            if doc not in texts:
                problems.append(Problem(doc or None, f"line {n}", "unknown-document", f"{doc!r} is not a known document"))
                continue
            current = (doc, [], [])
            continue
        if current is None:
            problems.append(Problem(None, f"line {n}", "bad-line", "a token line before any -DOCSTART- line"))
            continue
        if len(cols) != 4 or not cols[1].isdigit() or not cols[2].isdigit():
            problems.append(Problem(current[0], f"line {n}", "bad-line", f"{line!r} is not TOKEN START END TAG"))
            continue
        s, e = int(cols[1]), int(cols[2])
        if texts[current[0]][s:e] != cols[0]:
            problems.append(Problem(current[0], f"line {n}", "span-mismatch",
                                    f"token {cols[0]!r} is not the text at {s}-{e} ({texts[current[0]][s:e]!r})"))
            continue
        current[1].append(Token(s, e, cols[0]))
        current[2].append(cols[3])
    finish()
    return docs, problems


def export_conll(root: Path, out: Path, docs: Iterable[str] | None = None, layer: str = "gold",
                 mode: str = "expand") -> list[Problem]:
    """Write the mentions of the corpus at ``root`` as one CoNLL file (atomically); return the problems."""
    from ..io import atomic_write
    from .common import load_documents

    parts, problems = [], []
    for d in load_documents(root, docs, layer):
        text, probs = to_conll(d, mode)
        parts.append(text)
        problems += probs
    atomic_write(Path(out), "".join(parts).encode("utf-8"))
    return problems

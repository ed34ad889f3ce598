"""CLEF CheckThat! check-worthiness (Task 1, English, sentence level): the TSV layout and the mapping from claims."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterable

from ..sentences import claim_sentences, sentence_id
from .common import Annotated, Exported, Problem, problem

COLUMNS = ("Sentence_id", "Text", "class_label")  # the header of the CheckThat! 2023/2024 Task 1 English files
LABELS = ("Yes", "No")
_BREAKS = re.compile(r"[\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


# -- the format ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One sentence: its id, its text on one line, and ``Yes`` (check-worthy) or ``No``."""

    sentence_id: str
    text: str
    label: str
    line: int = 0


def one_line(text: str) -> str:
    """``text`` with each tab and line break replaced by one space (the same length: a TSV field is one line).

    >>> one_line("Hamas\\nmet\\tLeT")
    'Hamas met LeT'
    """
    return _BREAKS.sub(" ", text)


def parse(tsv: str) -> tuple[list[Row], list[Problem]]:
    """The rows of a CheckThat! TSV (header ``Sentence_id<TAB>Text<TAB>class_label``); other lines are reported.

    Fields are read as the ``csv`` module and ``pandas.read_csv(sep="\\t")`` read them (a field in
    double quotes may hold quotes, doubled).

    >>> q = chr(34)
    >>> rows, _ = parse(f"Sentence_id\\tText\\tclass_label\\nd-s3\\t{q}{q}{q}Hamas{q}{q} met LeT.{q}\\tYes\\n")
    >>> rows[0].sentence_id, rows[0].text, rows[0].label
    ('d-s3', '"Hamas" met LeT.', 'Yes')
    """
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(tsv, newline=""), delimiter="\t", quotechar='"', strict=False)
    rows = []
    header = next(reader, None)
    if header is None or tuple(header) != COLUMNS:
        problems.append(problem("import-bad-line", None, "line 1",
                                detail=f"the header is not {chr(9).join(COLUMNS)!r}"))
    for cols in reader:
        n = reader.line_num
        if not cols:
            continue
        if len(cols) != 3 or cols[2] not in LABELS:
            problems.append(problem("import-bad-line", None, f"line {n}",
                                    detail=f"{chr(9).join(cols)!r} is not Sentence_id, Text and Yes or No"))
            continue
        rows.append(Row(cols[0], cols[1], cols[2], n))
    return rows, problems


def serialise(rows: Iterable[Row]) -> str:
    """The TSV: the header line, then one line per row (LF line ends); a field with a double quote is
    quoted as ``csv`` and pandas expect, so that a sentence that opens with a quote reads back whole.

    >>> [f.replace(chr(34), "*") for f in serialise([Row("d-s0", chr(34) + "Yes, it is.", "No")]).split()]
    ['Sentence_id', 'Text', 'class_label', 'd-s0', '***Yes,', 'it', 'is.*', 'No']
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows((r.sentence_id, one_line(r.text), r.label) for r in rows)
    return buf.getvalue()


# -- the mapping -----------------------------------------------------------------------------------

def to_rows(doc: Annotated) -> list[Row]:
    """The sentences of ``doc``'s claim zones (body, standfirst), ``Yes`` when a check-worthy claim overlaps one.

    The rows are those of the dataset's ``sentences`` config: same ids, same text, ``Yes`` exactly when
    its ``checkworthy`` is true.

    >>> doc = Annotated("d", "Hamas met LeT. It rained.", [
    ...     {"type": "zone", "id": "z1", "label": "body", "start": 0, "end": 25},
    ...     {"type": "claim", "id": "c1", "start": 0, "end": 14, "checkworthy": True}])
    >>> [(r.sentence_id, r.text, r.label) for r in to_rows(doc)]
    [('d-s0', 'Hamas met LeT.', 'Yes'), ('d-s1', 'It rained.', 'No')]
    """
    return [Row(sentence_id(doc.doc, s.sentence), doc.text[s.start:s.end], "Yes" if s.checkworthy else "No")
            for s in claim_sentences(doc.text, doc.records)]


def export_corpus(root: Path, out: Path | None, docs: Iterable[str] | None = None, layer: str = "gold",
                  alignment: str | None = None, only: str | None = None) -> Exported:
    """The table's entry point (kashcorpus export checkthat): one TSV at ``out`` (or the text, for no file).

    Nothing is left out: every sentence of a body or standfirst zone is a row, and claims exist only
    there, so the export has no problems to report (a document without such zones has no rows).
    """
    from ..io import atomic_write
    from .common import load_documents

    documents = load_documents(root, docs, layer, only)
    text = serialise(row for d in documents for row in to_rows(d))
    if out is None:
        return Exported(len(documents), [], text)
    atomic_write(Path(out), text.encode("utf-8"))
    return Exported(len(documents), [])

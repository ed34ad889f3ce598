"""The CLEF CheckThat! check-worthiness TSV (Task 1, English, sentence level): rows, reading, writing, gold rows."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from collections.abc import Iterable, Sequence

from .sentences import claim_sentences, sentence_id

COLUMNS = ("Sentence_id", "Text", "class_label")  # the header of the CheckThat! 2023/2024 Task 1 English files
LABELS = ("Yes", "No")
_BREAKS = re.compile(r"[\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


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


def read_rows(tsv: str) -> tuple[list[Row], list[tuple[int, str]]]:
    """The rows of a CheckThat! TSV (header ``Sentence_id<TAB>Text<TAB>class_label``), and ``(line, what is
    wrong)`` for every other line. Fields are read as the ``csv`` module and ``pandas.read_csv(sep="\\t")`` read
    them (a field in double quotes may hold quotes, doubled).

    >>> q = chr(34)
    >>> rows, bad = read_rows(f"Sentence_id\\tText\\tclass_label\\nd-s3\\t{q}{q}{q}Hamas{q}{q} met LeT.{q}\\tYes\\nd-s4\\tx\\n")
    >>> rows[0].sentence_id, rows[0].text, rows[0].label, bad
    ('d-s3', '"Hamas" met LeT.', 'Yes', [(3, "'d-s4\\\\tx' is not Sentence_id, Text and Yes or No")])
    """
    bad: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(tsv, newline=""), delimiter="\t", quotechar='"', strict=False)
    rows = []
    header = next(reader, None)
    if header is None or tuple(header) != COLUMNS:
        bad.append((1, f"the header is not {chr(9).join(COLUMNS)!r}"))
    for cols in reader:
        if not cols:
            continue
        if len(cols) != 3 or cols[2] not in LABELS:
            bad.append((reader.line_num, f"{chr(9).join(cols)!r} is not Sentence_id, Text and Yes or No"))
            continue
        rows.append(Row(cols[0], cols[1], cols[2], reader.line_num))
    return rows, bad


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


def rows_of(doc: str, text: str, records: Sequence[dict]) -> list[Row]:
    """The sentences of a document's claim zones (body, standfirst), ``Yes`` when a check-worthy claim overlaps
    one: the rows of the dataset's ``sentences`` config (same ids, same text, ``Yes`` exactly when its
    ``checkworthy`` is true).

    >>> [(r.sentence_id, r.text, r.label) for r in rows_of("d", "Hamas met LeT. It rained.", [
    ...     {"type": "zone", "id": "z1", "label": "body", "start": 0, "end": 25},
    ...     {"type": "claim", "id": "c1", "start": 0, "end": 14, "checkworthy": True}])]
    [('d-s0', 'Hamas met LeT.', 'Yes'), ('d-s1', 'It rained.', 'No')]
    """
    return [Row(sentence_id(doc, s.sentence), text[s.start:s.end], "Yes" if s.checkworthy else "No")
            for s in claim_sentences(text, records)]

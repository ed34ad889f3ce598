"""CLEF CheckThat! check-worthiness (Task 1, English, sentence level): the TSV layout and the mapping from claims."""
from __future__ import annotations

from pathlib import Path
from collections.abc import Iterable

from ..checkworthy import COLUMNS, LABELS, Row, one_line, read_rows, rows_of, serialise
from .common import Annotated, Exported, Problem, problem

__all__ = ["COLUMNS", "LABELS", "Row", "one_line", "parse", "serialise", "to_rows", "export_corpus"]


# -- the format (kashcorpus.checkworthy) ------------------------------------------------------------

def parse(tsv: str) -> tuple[list[Row], list[Problem]]:
    """The rows of a CheckThat! TSV (header ``Sentence_id<TAB>Text<TAB>class_label``); other lines are reported.

    Fields are read as the ``csv`` module and ``pandas.read_csv(sep="\\t")`` read them (a field in
    double quotes may hold quotes, doubled).

    >>> q = chr(34)
    >>> rows, _ = parse(f"Sentence_id\\tText\\tclass_label\\nd-s3\\t{q}{q}{q}Hamas{q}{q} met LeT.{q}\\tYes\\n")
    >>> rows[0].sentence_id, rows[0].text, rows[0].label
    ('d-s3', '"Hamas" met LeT.', 'Yes')
    """
    rows, bad = read_rows(tsv)
    return rows, [problem("import-bad-line", None, f"line {n}", detail=detail) for n, detail in bad]


# -- the mapping -----------------------------------------------------------------------------------

def to_rows(doc: Annotated) -> list[Row]:
    """The rows of ``doc``'s claim-zone sentences (:func:`kashcorpus.checkworthy.rows_of`).

    >>> to_rows(Annotated("d", "It rained.", [{"type": "zone", "id": "z1", "label": "body", "start": 0, "end": 10}]))
    [Row(sentence_id='d-s0', text='It rained.', label='No', line=0)]
    """
    return rows_of(doc.doc, doc.text, doc.records)


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

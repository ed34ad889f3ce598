"""Scoring check-worthiness predictions in the CheckThat! TSV layout: F1 of the Yes class, as CheckThat! Task 1."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..checkworthy import read_rows, rows_of
from ..errors import PredictionsError
from ..io import read_input
from .metrics import accuracy, prf
from .submission import Gold


def gold_labels(gold: Gold) -> dict[str, str]:
    """``Yes`` or ``No`` for every sentence of the gold claim zones, by sentence id (``<doc>-s<n>``).

    >>> from kashcorpus.evaluate.submission import load_gold
    >>> from kashcorpus.resources import data_root
    >>> gold_labels(load_gold(data_root()))["kash-000-s1"] in ("Yes", "No")
    True
    """
    return {r.sentence_id: r.label for d in gold.documents.values() for r in rows_of(d.id, d.text, d.records)}


def checkworthy_scores(gold: Mapping[str, str], predicted: Mapping[str, str]) -> dict:
    """CheckThat! Task 1's measure, precision, recall and F1 of the ``Yes`` class, and accuracy, over the
    sentences of ``gold`` (every one must be predicted: :func:`read_predictions` checks it).

    >>> s = checkworthy_scores({"a": "Yes", "b": "No", "c": "Yes"}, {"a": "Yes", "b": "Yes", "c": "No"})
    >>> s["yes"]["f1"], s["accuracy"]["accuracy"]
    (0.5, 0.3333333333333333)
    """
    tp = sum(gold[k] == predicted[k] == "Yes" for k in gold)
    yes = prf(tp, sum(predicted[k] == "Yes" for k in gold), sum(v == "Yes" for v in gold.values()))
    return {"yes": yes, "accuracy": accuracy(sum(gold[k] == predicted[k] for k in gold), len(gold))}


def read_predictions(path: Path, gold: Mapping[str, str], shown: str | None = None) -> dict[str, str]:
    """The labels of a CheckThat! TSV by sentence id; a line that is not a row, a sentence id the gold does not
    have, one given twice or a gold sentence left out is a :class:`~kashcorpus.errors.PredictionsError` that
    names the file and the line (``shown``: the name to print for ``path``)."""
    shown = shown or path.name
    try:
        text = read_input(path).decode("utf-8")
    except UnicodeDecodeError as e:
        raise PredictionsError("checkthat-not-utf8", f"{shown} is not UTF-8 text (byte {e.start}); save the TSV as "
                               "UTF-8") from None
    except ValueError as e:
        raise PredictionsError("checkthat-too-large", f"{e}; a CheckThat! TSV of this corpus is a few kB") from None
    rows, bad = read_rows(text)
    if bad:
        line, detail = bad[0]
        more = f" (and {len(bad) - 1} more lines)" if len(bad) > 1 else ""
        raise PredictionsError("checkthat-bad-line", f"{shown} line {line}: {detail}{more}; write the CheckThat! "
                               "TSV as kashcorpus export checkthat does")
    got: dict[str, str] = {}
    for r in rows:
        if r.sentence_id not in gold:
            raise PredictionsError("checkthat-unknown-sentence", f"{shown} line {r.line}: sentence "
                                   f"{r.sentence_id!r} is not a sentence of the gold claim zones; take the ids from "
                                   "kashcorpus export checkthat or the sentences configuration")
        if r.sentence_id in got:
            raise PredictionsError("checkthat-duplicate-sentence", f"{shown} line {r.line}: sentence "
                                   f"{r.sentence_id!r} is labelled a second time; give each sentence one row")
        got[r.sentence_id] = r.label
    missing = [k for k in gold if k not in got]
    if missing:
        raise PredictionsError("checkthat-missing-sentence", f"{shown}: {len(missing)} of {len(gold)} gold sentences "
                               f"have no row (first: {missing[0]!r}); label every sentence Yes or No, as "
                               "CheckThat! requires")
    return got

"""CheckThat! check-worthiness TSV: the sentences config's rows in the task's layout, readable by its tools."""
from __future__ import annotations

import csv
import io

from hypothesis import given
from strategies import corpora

from kashcorpus.configs import CONFIGS
from kashcorpus.convert.checkthat import COLUMNS, Row, export_corpus, one_line, parse, serialise, to_rows
from kashcorpus.convert.common import Annotated


def test_the_export_is_the_sentences_config_in_the_checkthat_columns(repo_root):
    done = export_corpus(repo_root, None)
    assert done.problems == []
    rows, problems = parse(done.text or "")
    assert problems == []
    config = list(CONFIGS["sentences"].rows(repo_root))
    assert [(r.sentence_id, r.text, r.label) for r in rows] == [
        (c["id"], one_line(c["text"]), "Yes" if c["checkworthy"] else "No") for c in config]
    assert {r.label for r in rows} == {"Yes", "No"}


def test_pandas_and_csv_read_the_header_and_every_sentence_whole_as_checkthat_systems_do(repo_root):
    import pandas as pd

    text = export_corpus(repo_root, None).text or ""
    config = list(CONFIGS["sentences"].rows(repo_root))
    assert any(c["text"].startswith('"') for c in config)  # the case a naive writer gets wrong
    frame = pd.read_csv(io.StringIO(text), sep="\t", dtype=object)
    assert tuple(frame.columns) == COLUMNS == ("Sentence_id", "Text", "class_label")
    assert list(frame["Sentence_id"]) == [c["id"] for c in config]
    assert list(frame["Text"]) == [one_line(c["text"]) for c in config]
    assert list(csv.reader(io.StringIO(text), delimiter="\t"))[1:] == frame.values.tolist()


@given(corpora(max_docs=2))
def test_every_sentence_of_a_claim_zone_is_one_line_that_reads_back(corpus):
    rows = [r for d in corpus.docs for r in to_rows(Annotated(d.id, d.text, d.records))]
    back, problems = parse(serialise(rows))
    assert problems == []
    assert back == [Row(r.sentence_id, one_line(r.text), r.label, n) for n, r in enumerate(rows, 2)]
    ids = [r.sentence_id for r in rows]
    assert len(ids) == len(set(ids))


def test_a_line_that_is_not_id_text_and_yes_or_no_is_reported():
    _, problems = parse("Sentence_id\tText\tclass_label\nx\tsome text\tMaybe\n")
    assert [p.code for p in problems] == ["import-bad-line"]
    _, problems = parse("id\ttext\tlabel\n")
    assert [p.code for p in problems] == ["import-bad-line"]

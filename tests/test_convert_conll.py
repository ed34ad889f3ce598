"""CoNLL/BIO in the conll2003 layout: the ner config's sentences, tokens and tags, and mentions back from them."""
from __future__ import annotations

from hypothesis import given
from strategies import corpora

from kashcorpus.cli import main
from kashcorpus.configs import ner_rows, ner_tag_names
from kashcorpus.convert.common import Annotated, load_documents
from kashcorpus.convert.conll import DOCSTART_LINE, export_corpus, from_conll, to_conll
from kashcorpus.corpus import iter_documents
from kashcorpus.tokens import tokenize


def test_the_file_has_the_conll2003_layout_with_the_sentences_tokens_and_tags_of_the_ner_config(corpus_copy, tmp_path):
    out = tmp_path / "m.conll"
    assert main(["export", "conll", "--root", str(corpus_copy), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.endswith("\n\n") and "\t" not in text
    blocks = text.split(DOCSTART_LINE + "\n\n")
    assert blocks[0] == ""
    docs = list(iter_documents(corpus_copy))
    assert len(blocks) - 1 == len(docs)
    for d, block in zip(docs, blocks[1:]):
        sentences = [[line.split(" ") for line in s.split("\n")] for s in block.rstrip("\n").split("\n\n")]
        rows = list(ner_rows(d))
        assert len(sentences) == len(rows)
        for lines, row in zip(sentences, rows):
            assert [(t[0], int(t[1]), int(t[2]), t[3]) for t in lines] == [
                (t, s, e, ner_tag_names()[g] if isinstance(g, int) else g)
                for t, s, e, g in zip(row["tokens"], row["token_start"], row["token_end"], row["ner_tags"])]


def test_the_gold_exports_with_no_misaligned_or_lost_mention_and_every_mention_comes_back(repo_root):
    done = export_corpus(repo_root, None)
    assert done.problems == []
    docs = load_documents(repo_root)
    back, problems = from_conll(done.text or "", {d.doc: d.text for d in docs})
    assert problems == []
    for d, got in zip(docs, back):
        gold = sorted((r["start"], r["end"], r["label"]) for r in d.records if r["type"] == "mention")
        assert sorted((r["start"], r["end"], r["label"]) for r in got.records) == gold


def test_no_token_line_has_white_space_inside_a_column(repo_root):
    for d in load_documents(repo_root):
        assert all(len(t.text.split()) == 1 for t in tokenize(d.text))


def aligned_mentions(text: str, records: list[dict]) -> list[dict]:
    """Mentions whose edges are token edges and that overlap no other mention: what BIO can carry."""
    toks = tokenize(text)
    starts, ends = {t.start for t in toks}, {t.end for t in toks}
    ms = [r for r in records if r["type"] == "mention" and r["start"] in starts and r["end"] in ends]
    return [m for m in ms if not any(o is not m and o["start"] < m["end"] and m["start"] < o["end"] for o in ms)]


@given(corpora(max_docs=2))
def test_export_then_import_gives_back_every_mention_or_reports_it(corpus):
    texts = {d.id: d.text for d in corpus.docs}
    conll, reported = "", {}
    for d in corpus.docs:
        out, probs = to_conll(Annotated(d.id, d.text, d.records))
        conll += out
        reported[d.id] = {p.where for p in probs}
    docs, back_problems = from_conll(conll, texts)
    assert back_problems == []
    for d, src in zip(docs, corpus.docs):
        got = {(r["start"], r["end"], r["label"]) for r in d.records}
        mentions = [r for r in src.records if r["type"] == "mention"]
        assert {(m["start"], m["end"], m["label"]) for m in aligned_mentions(src.text, src.records)} <= got
        for m in mentions:
            assert (m["start"], m["end"], m["label"]) in got or m["id"] in reported[d.doc]
        for r in d.records:
            assert texts[d.doc][r["start"]:r["end"]] == r["text"]


def test_a_token_that_is_not_the_text_is_reported():
    docs, problems = from_conll("-DOCSTART- -X- -X- O\n\nHamas 1 6 B-ORG\n", {"d": "Hamas met"})
    assert problems[0].code == "import-span-mismatch"


def test_a_block_beyond_the_given_texts_is_reported():
    _, problems = from_conll("-DOCSTART- -X- -X- O\n\nHamas 0 5 B-ORG\n\n" * 2, {"d": "Hamas met"})
    assert [p.code for p in problems] == ["import-unknown-document"]


def test_conll2003_labels_map_every_mention_to_per_org_loc_or_misc_and_report_the_dates_left_out(repo_root, tmp_path):
    import json

    mapping = json.loads((repo_root / "schema" / "conll2003.json").read_text(encoding="utf-8"))
    assert set(mapping["map"]) == set(json.loads((repo_root / "schema" / "taxonomy.json").read_text())["mention"])
    out = tmp_path / "c.conll"
    assert main(["export", "conll", "--labels", "conll2003", "--out", str(out), "--root", str(repo_root)]) == 0
    ours = export_corpus(repo_root, None)
    theirs = export_corpus(repo_root, None, labels="conll2003")
    assert out.read_text(encoding="utf-8") == theirs.text
    ours_lines, theirs_lines = ours.text.split("\n"), theirs.text.split("\n")
    assert len(ours_lines) == len(theirs_lines)  # the same sentences, tokens and offsets: only the tags differ
    dates = 0
    for a, b in zip(ours_lines, theirs_lines):
        *head_a, tag_a = a.split(" ") if a else [""]
        *head_b, tag_b = b.split(" ") if b else [""]
        assert head_a == head_b
        if tag_a == "O" or not a or a == DOCSTART_LINE:
            assert tag_b == tag_a
            continue
        prefix, label = tag_a.split("-", 1)
        want = mapping["map"][label]
        assert tag_b == ("O" if want is None else f"{prefix}-{want}")
        dates += want is None and prefix == "B"
    assert {t.split("-", 1)[1] for t in theirs.text.split() if t[:2] in ("B-", "I-")} == {"PER", "ORG", "LOC", "MISC"}
    unmapped = [p for p in theirs.problems if p.code == "export-label-unmapped"]
    assert dates > 0 and len(unmapped) == dates and "DATE" in unmapped[0].message


def test_labels_is_refused_for_a_format_that_has_one_label_set(repo_root, tmp_path, capsys):
    assert main(["export", "brat", "--labels", "conll2003", "--out", str(tmp_path / "b"), "--root", str(repo_root)]) == 2
    assert "--labels applies to conll" in capsys.readouterr().err

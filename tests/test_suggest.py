"""Suggested mentions: registry names found at word boundaries, longest first, never overlapping, written as a pass."""
from __future__ import annotations

import orjson
from hypothesis import given
from hypothesis import strategies as st

from kashcorpus.cli import main
from kashcorpus.io import read_jsonl
from kashcorpus.layout import Layout
from kashcorpus.suggest import Found, RegistrySuggester, Suggestion, at_word_edges, suggest_documents
from kashcorpus.validate import iter_findings

from strategies import name_words

# texts made of registry names, their pieces, glue that is and is not a word boundary, and hard characters
GLUE = st.sampled_from([" ", "  ", "-", "’s ", "\r\n", ".", "x", "\u0301", "\U0001F600", "e\u0301", "7", "_", ""])


@st.composite
def registries_and_texts(draw):
    words = draw(st.lists(name_words(), min_size=1, max_size=5, unique=True))
    names = draw(st.lists(st.lists(st.sampled_from(words), min_size=1, max_size=3).map(" ".join),
                          min_size=1, max_size=6, unique=True))
    entities, owner = [], draw(st.lists(st.integers(0, 3), min_size=len(names), max_size=len(names)))
    for k in range(4):  # up to four entities share the names; a name given to two of them is ambiguous
        mine = [n for n, o in zip(names, owner) if o == k]
        if mine:
            entities.append({"id": f"e{k}", "name": mine[0], "type": "ORG", "aliases": mine[1:]})
    if draw(st.booleans()) and len(entities) > 1:
        entities[1]["aliases"] = [*entities[1]["aliases"], entities[0]["name"]]
    pieces = draw(st.lists(st.one_of(st.sampled_from(names), st.sampled_from(words), GLUE), max_size=14))
    return entities, "".join(pieces)


def owners(entities: list[dict]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for e in entities:
        for n in [e["name"], *e["aliases"]]:
            out.setdefault(n, set()).add(e["id"])
    return out


@given(registries_and_texts())
def test_every_suggestion_repeats_its_text_and_no_two_overlap(case):
    entities, text = case
    found = RegistrySuggester(entities).suggest(text)
    names = owners(entities)
    spans = sorted((s.start, s.end) for s in found.suggestions)
    for s in found.suggestions:
        assert s.text == text[s.start:s.end] and s.start < s.end
        assert names[s.text] == {s.entity}  # one entity's name exactly, case as the registry writes it
        assert at_word_edges(text, s.start, s.end)
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:]))
    for x in found.skipped:
        assert x.text == text[x.start:x.end]
        if x.reason == "ambiguous":
            assert len(names[x.text]) > 1
        else:  # nested or overlap: it lost to a longer (or as long and earlier) match that touches it
            ws, we = x.by
            assert ws < x.end and x.start < we and (we - ws) >= (x.end - x.start)


@given(registries_and_texts())
def test_every_whole_word_occurrence_of_a_name_is_suggested_reported_or_covered(case):
    entities, text = case
    found = RegistrySuggester(entities).suggest(text)
    told = {(s.start, s.end) for s in found.suggestions} | {(x.start, x.end) for x in found.skipped}
    for name in owners(entities):
        i = text.find(name)
        while i != -1:
            if at_word_edges(text, i, i + len(name)):
                assert (i, i + len(name)) in told
            i = text.find(name, i + 1)


def test_the_longest_name_wins_and_a_shared_alias_is_reported_not_guessed():
    reg = [{"id": "lashkar-e-taiba", "name": "Lashkar-e-Taiba", "type": "ORG", "aliases": ["Lashkar", "LeT"]},
           {"id": "let-band", "name": "Let Band", "type": "ORG", "aliases": ["LeT"]},
           {"id": "lahore", "name": "Lahore", "type": "GPE", "aliases": []}]
    found = RegistrySuggester(reg).suggest("Lashkar-e-Taiba (LeT) met in Lahore; lashkar and Lahores did not.")
    assert [(s.text, s.entity, s.label) for s in found.suggestions] == [
        ("Lashkar-e-Taiba", "lashkar-e-taiba", "ORG"), ("Lahore", "lahore", "GPE")]
    assert [(x.text, x.reason, x.entities) for x in found.skipped] == [
        ("Lashkar", "nested", ("lashkar-e-taiba",)), ("LeT", "ambiguous", ("lashkar-e-taiba", "let-band"))]


def test_an_empty_registry_suggests_nothing():
    assert RegistrySuggester([]).suggest("Hamas") == Found()


def test_suggest_writes_a_valid_pass_never_gold_and_a_second_run_adds_nothing(corpus_copy, capsys):
    gold = Layout(corpus_copy).gold_path("kash-000").read_bytes()
    assert main(["suggest", "kash-000", "--annotator", "reg", "--root", str(corpus_copy), "--json"]) == 0
    report = orjson.loads(capsys.readouterr().out)
    records = read_jsonl(Layout(corpus_copy).pass_path("reg", "kash-000"))
    text = Layout(corpus_copy).text_path("kash-000").read_text(encoding="utf-8")
    mentions = [r for r in records if r["type"] == "mention"]
    assert records[0]["layer"] == "pass-reg" and len(mentions) == len(report["documents"][0]["added"]) > 10
    assert all(text[m["start"]:m["end"]] == m["text"] and m["entity"] for m in mentions)
    assert report["per_entity"]["hamas"] == sum(m["entity"] == "hamas" for m in mentions)
    assert "ndtv" in report["unmatched"] and "hamas" not in report["unmatched"]
    assert Layout(corpus_copy).gold_path("kash-000").read_bytes() == gold
    assert not [f for f in iter_findings(corpus_copy) if f.severity == "error"]

    before = Layout(corpus_copy).pass_path("reg", "kash-000").read_bytes()
    assert main(["suggest", "kash-000", "--annotator", "reg", "--root", str(corpus_copy), "--json"]) == 0
    again = orjson.loads(capsys.readouterr().out)
    assert again["documents"][0]["added"] == [] and again["files"] == []
    assert {x["reason"] for x in again["documents"][0]["skipped"]} >= {"annotated"}
    assert Layout(corpus_copy).pass_path("reg", "kash-000").read_bytes() == before


def test_suggest_without_an_annotator_is_refused_and_writes_nothing(corpus_copy, capsys):
    assert main(["suggest", "kash-000", "--root", str(corpus_copy)]) == 2
    assert "never gold" in capsys.readouterr().err
    assert not Layout(corpus_copy).pass_dir("reg").exists()


def test_an_unknown_document_is_one_clear_error(corpus_copy, capsys):
    assert main(["suggest", "kash-999", "--annotator", "reg", "--root", str(corpus_copy)]) == 2
    err = capsys.readouterr().err
    assert "no document 'kash-999'" in err and "Traceback" not in err


def test_another_suggester_plugs_in_and_a_mention_already_there_is_kept(corpus_copy):
    class Fixed:
        name = "fixed"

        def suggest(self, text: str) -> Found:
            i = text.index("Hamas")
            return Found([Suggestion(i, i + 5, "Hamas", "ORG", "hamas"), Suggestion(i, i + 5, "Hamas", "ORG", None)])

    result = suggest_documents(corpus_copy, ["kash-000"], "plug", suggester=Fixed())
    doc = result.data["documents"][0]
    assert [m["entity"] for m in doc["added"]] == ["hamas"]
    assert [x["reason"] for x in doc["skipped"]] == ["annotated"]
    assert result.data["suggester"] == "fixed"


def test_a_spacy_pipeline_saved_to_a_folder_suggests_through_the_command(corpus_copy, tmp_path, capsys):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": "Vinod Bansal"},
                                               {"label": "MONEY", "pattern": "VHP"}])  # no counterpart: left out
    nlp.to_disk(tmp_path / "pipeline")
    argv = ["suggest", "kash-000", "--annotator", "spacy-run", "--suggester", f"spacy:{tmp_path / 'pipeline'}",
            "--root", str(corpus_copy), "--json"]
    assert main(argv) == 0
    report = orjson.loads(capsys.readouterr().out)
    added = report["documents"][0]["added"]
    assert report["suggester"] == "spacy" and added
    assert {(m["text"], m["label"], m["entity"]) for m in added} == {("Vinod Bansal", "PER", "vinod-bansal")}


def test_an_unknown_suggester_or_pipeline_is_one_clear_error(corpus_copy, tmp_path, capsys):
    for name, says in (("nope", "no suggester 'nope'"), (f"spacy:{tmp_path / 'missing'}", "cannot load the spaCy pipeline")):
        assert main(["suggest", "kash-000", "--annotator", "x", "--suggester", name, "--root", str(corpus_copy)]) == 2
        err = capsys.readouterr().err
        assert says in err and "Traceback" not in err
    assert not Layout(corpus_copy).pass_dir("x").exists()


def test_more_documents_than_open_files_allow_are_written_in_batches(corpus_copy, monkeypatch):
    import kashcorpus.suggest as suggest

    monkeypatch.setattr(suggest, "_batch_size", lambda n: 2)
    docs = ["kash-000", "kash-001", "kash-002", "kash-003", "kash-004"]
    result = suggest_documents(corpus_copy, docs, "batched")
    assert [d["doc"] for d in result.data["documents"]] == docs and len(result.data["files"]) == 5
    monkeypatch.undo()
    assert suggest._batch_size(5) == 5
    suggest_documents(corpus_copy, docs, "whole")
    for doc in docs:  # the same records as one change writes
        assert read_jsonl(Layout(corpus_copy).pass_path("batched", doc))[1:] == \
            read_jsonl(Layout(corpus_copy).pass_path("whole", doc))[1:]

"""The baselines: valid, deterministic predictions, the rules on small cases, and tables that match the gold."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kashcorpus.corpus import DocumentRecords
from kashcorpus.gendocs import between, stale_message

BASELINES_DIR = Path(__file__).resolve().parent.parent / "baselines"
sys.path.insert(0, str(BASELINES_DIR))

import attribution_rules  # noqa: E402
import checkworthy_cues  # noqa: E402
import common  # noqa: E402
import links_overlap  # noqa: E402
import run as runner  # noqa: E402
import zones_lines  # noqa: E402


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    """Every baseline run once on the current corpus: the table block and the predictions folder."""
    out = tmp_path_factory.mktemp("baselines")
    return runner.results_markdown(runner.ROOT, out), out


def test_the_results_tables_in_the_data_card_and_readme_match_what_the_baselines_produce(produced, repo_root):
    block, _ = produced
    for name in runner.DOCUMENTS:
        text = (repo_root / name).read_text(encoding="utf-8")
        assert between(text, "baselines") == block, stale_message(name, "baselines")


def test_every_baseline_writes_one_valid_file_per_document(produced, repo_root):
    _, out = produced
    docs = sorted(p.stem for p in (repo_root / "corpus" / "texts").glob("*.txt"))
    for b in runner.BASELINES:
        if hasattr(b, "score"):  # scored by itself: the CheckThat! one writes one TSV
            continue
        assert sorted(p.stem for p in (out / b.NAME).glob("*.jsonl") if p.name != "links.jsonl") == docs


def test_baselines_are_deterministic(produced, tmp_path):
    _, out = produced
    for b in runner.BASELINES:
        again = runner.run_baseline(b, runner.ROOT, tmp_path / b.NAME)
        for path in sorted((out / b.NAME).glob("*.*sv")) + sorted((out / b.NAME).glob("*.jsonl")):
            assert (again / path.name).read_bytes() == path.read_bytes(), (b.NAME, path.name)


def test_the_table_has_a_row_for_every_baseline_and_layer(produced):
    block, _ = produced
    for b in runner.BASELINES:
        for layer in b.LAYERS:
            assert f"| {b.NAME} | {layer} |" in block


def _doc(text: str) -> DocumentRecords:
    return DocumentRecords({"id": "kash-900", "sha256": ""}, text, ())


def _attribution(sentence: str) -> dict | None:
    return attribution_rules.find_attribution(sentence, 0, len(sentence), attribution_rules.Rules())


def test_a_subject_before_a_reporting_verb_is_the_source_and_the_that_clause_the_content():
    a = _attribution("VHP spokesperson Vinod Bansal emphasized that this could signal a new phase.")
    assert (a["source"]["text"], a["cue"]["text"], a["content"]["text"]) == (
        "VHP spokesperson Vinod Bansal", "emphasized", "this could signal a new phase")
    assert a["source_type"] == "person"


def test_an_appositive_between_subject_and_cue_is_skipped_and_auxiliaries_join_the_cue():
    a = _attribution("The Vishwa Hindu Parishad (VHP), a Hindu organization, has expressed apprehension that Pakistan may act.")
    assert a["source"]["text"] == "The Vishwa Hindu Parishad (VHP)"
    assert a["cue"]["text"] == "has expressed apprehension" and a["content"]["text"] == "Pakistan may act"


def test_according_to_takes_the_source_after_it_and_the_content_after_the_comma():
    a = _attribution("According to the report, another conference was held in Mirpur.")
    assert (a["source"]["text"], a["content"]["text"]) == ("the report", "another conference was held in Mirpur")
    assert a["source_type"] == "anonymous"


def test_a_sentence_without_a_cue_has_no_attribution():
    assert _attribution("The meeting took place in Gujranwala.") is None


def test_attributed_claims_refer_to_their_attribution_by_id():
    text = "Title\n\nAnalysts suggest that Hamas may expand its reach in South Asia.\n\nThe meeting took place in Gujranwala last week.\n"
    doc = _doc(text)
    recs = common.finish(doc, attribution_rules.predictor(runner.ROOT)(doc))
    claims = [r for r in recs if r["type"] == "claim"]
    assert [(c["asserted_by"], c["attribution"]) for c in claims] == [("attributed", "a1"), ("author", None)]
    assert claims[0]["certainty"] == "hedged"


def test_line_zones_tile_the_text_with_title_subheading_body_and_boilerplate():
    text = "A Headline\n\nA first paragraph of the article, long enough to be body text.\n\nA Subheading\n\nShare this Post\n"
    doc = _doc(text)
    zones = zones_lines.predictor(runner.ROOT)(doc)
    assert [z["label"] for z in zones] == ["title", "body", "subheading", "boilerplate"]
    assert zones[0]["start"] == 0 and zones[-1]["end"] == len(text)
    assert all(a["end"] == b["start"] for a, b in zip(zones, zones[1:]))


def test_the_cue_lexicon_is_a_data_file_of_unique_lower_case_cues():
    cues = common.data_lines("reporting_verbs.txt")
    assert len(cues) == len(set(cues)) > 50 and all(c == c.lower() for c in cues)


def test_claims_of_different_documents_with_overlapping_words_are_linked():
    stop = {"the", "in", "was", "on"}
    claims = [("kash-000#c1", "The conference was held in Rawalakot on February 5"),
              ("kash-001#c2", "A conference was held in Rawalakot on February 5, 2025"),
              ("kash-001#c3", "Hamas leaders attended a rally"),
              ("kash-002#c1", "India struck Pakistan")]
    links = links_overlap.links_of(claims, stop)
    assert [lk["members"] for lk in links] == [["kash-000#c1", "kash-001#c2"]]
    assert links[0]["pairs"] == [{"a": "kash-000#c1", "b": "kash-001#c2", "relation": "agree"}]


def test_the_overlap_baseline_labels_a_pair_by_numbers_and_word_containment():
    stop = {"the", "on", "in"}
    claims = [("kash-000#c1", "The strike began on 4 March in Setúbal"), ("kash-001#c1", "The strike began on 7 March"),
              ("kash-002#c1", "The strike began in March at the port")]
    pairs = {(p["a"], p["b"]): p["relation"] for lk in links_overlap.links_of(claims, stop) for p in lk["pairs"]}
    assert pairs[("kash-000#c1", "kash-001#c1")] == "conflict"
    assert pairs[("kash-001#c1", "kash-002#c1")] == "complement"
    assert pairs[("kash-000#c1", "kash-002#c1")] == "complement"


def test_the_checkworthiness_baseline_labels_every_gold_sentence_once_in_the_checkthat_layout(produced):
    from kashcorpus.convert.checkthat import one_line, parse

    _, out = produced
    rows, problems = parse((out / checkworthy_cues.NAME / checkworthy_cues.PREDICTIONS).read_text(encoding="utf-8"))
    gold = checkworthy_cues.gold_rows(runner.ROOT)
    assert problems == [] and [r.sentence_id for r in rows] == [g.sentence_id for g in gold]
    assert [r.text for r in rows] == [one_line(g.text) for g in gold]


def test_the_checkworthiness_rule_says_yes_for_numbers_cues_and_names_only():
    rules = checkworthy_cues.Rules()
    assert rules.checkworthy("At least 12 people were there.")
    assert rules.checkworthy("the minister said it was over.")
    assert rules.checkworthy("the conference was held in Rawalakot.")
    assert not rules.checkworthy("It was a cold and grey morning.")


def test_the_checkworthiness_score_is_f1_of_the_yes_class(produced):
    _, out = produced
    s = checkworthy_cues.score(runner.ROOT, out / checkworthy_cues.NAME)["sentence"]
    yes = s["yes"]
    assert yes["gold"] == sum(r.label == "Yes" for r in checkworthy_cues.gold_rows(runner.ROOT))
    assert yes["f1"] == pytest.approx(2 * yes["precision"] * yes["recall"] / (yes["precision"] + yes["recall"]))

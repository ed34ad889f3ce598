"""The scorer: hand-computed small cases, properties, validation of submissions, and the command."""
from __future__ import annotations

import hashlib
import json
import random

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kashcorpus.cli import main
from kashcorpus.corpus import DocumentRecords
from kashcorpus.evaluate import LAYERS, Gold, Submission, evaluate, score
from kashcorpus.evaluate.layers import attribution_scores, claim_scores, link_scores, mention_scores, zone_scores
from kashcorpus.evaluate.metrics import b_cubed, ceaf_e, match, overlaps, prf
from kashcorpus.evaluate.report import render_text, results_table
from kashcorpus.io import dumps_annotation_file, dumps_table
from kashcorpus.resources import schema_version, taxonomy

TAX = taxonomy()


def rec(kind: str, rid: str, text: str, start: int, end: int, **fields) -> dict:
    return {"type": kind, "id": rid, "start": start, "end": end, "text": text[start:end], **fields}


def at(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(phrase, i + 1)
    return i, i + len(phrase)


def mention(text, rid, phrase, label, entity=None, nth=0):
    return rec("mention", rid, text, *at(text, phrase, nth), label=label, entity=entity)


def claim(text, rid, phrase, claim_type="event", certainty="asserted", checkworthy=True,
          asserted_by="author", attribution=None):
    return rec("claim", rid, text, *at(text, phrase), claim_type=claim_type, certainty=certainty,
               checkworthy=checkworthy, asserted_by=asserted_by, attribution=attribution)


def span(text, phrase):
    if phrase is None:
        return None
    s, e = at(text, phrase)
    return {"start": s, "end": e, "text": phrase}


def attribution(text, rid, source, cue, content, source_type="person", source_entity=None, parent=None):
    return {"type": "attribution", "id": rid, "source": span(text, source), "source_type": source_type,
            "source_entity": source_entity, "cue": span(text, cue), "content": span(text, content), "parent": parent}


# -- hand-computed cases -------------------------------------------------------

A = "Hamas met LeT in Pakistan on February 5.\nVHP spokesperson Vinod Bansal said that Pakistan may seek help.\nShare this\n"
B = "Pakistan denied it. Hamas said nothing.\n"


def test_precision_recall_f1_from_counts():
    s = prf(2, 4, 3)
    assert (s["precision"], s["recall"]) == (0.5, 2 / 3)
    assert s["f1"] == pytest.approx(4 / 7)


def test_one_long_predicted_span_matches_only_one_gold_span():
    assert match([(0, 5), (6, 9)], [(0, 9)], overlaps) == [(0, 0)]


def test_overlap_matching_finds_the_maximum_not_the_greedy_pairing():
    # greedy would give gold 0 to pred 0 and leave gold 1 unmatched
    assert len(match([(0, 10), (8, 12)], [(9, 11), (0, 3)], overlaps)) == 2


def test_mentions_exact_overlap_micro_and_macro_by_hand():
    gold = [mention(A, "m1", "Hamas", "ORG", "hamas"), mention(A, "m2", "LeT", "ORG", "let"),
            mention(A, "m3", "Pakistan", "GPE", "pakistan"), mention(A, "m4", "February 5", "DATE")]
    pred = [mention(A, "m1", "Hamas", "ORG", "hamas"), mention(A, "m2", "LeT", "PER", "hamas"),
            mention(A, "m3", "Pakistan on", "GPE", "pakistan"), mention(A, "m4", "February", "DATE")]
    s = mention_scores({"a": (gold, pred)})
    assert s["exact"]["micro"]["tp"] == 1 and s["exact"]["micro"]["f1"] == 0.25
    assert s["overlap"]["micro"]["tp"] == 3 and s["overlap"]["micro"]["f1"] == 0.75
    per = s["exact"]["per_label"]
    assert (per["ORG"]["precision"], per["ORG"]["recall"]) == (1.0, 0.5)
    assert per["PER"]["f1"] == 0.0 and per["LOC"]["f1"] is None
    # ORG 2/3, PER 0, GPE 0, DATE 0 over the four labels with anything to score
    assert s["exact"]["macro"]["labels"] == 4
    assert s["exact"]["macro"]["f1"] == pytest.approx((2 / 3) / 4)
    # three gold mentions are linked; Hamas is right, LeT is linked wrong, Pakistan's exact span is missing
    assert (s["linking"]["correct"], s["linking"]["total"]) == (1, 3)
    assert (s["linking"]["found"]["correct"], s["linking"]["found"]["total"]) == (1, 2)


def test_cross_document_clustering_by_hand():
    ga = [mention(A, "m1", "Hamas", "ORG", "hamas"), mention(A, "m2", "Pakistan", "GPE", "pakistan"),
          mention(A, "m3", "Pakistan", "GPE", "pakistan", nth=1)]
    gb = [mention(B, "m1", "Pakistan", "GPE", "pakistan"), mention(B, "m2", "Hamas", "ORG", "hamas")]
    # the system links only the first Pakistan of each document and Hamas only in A
    pa = [mention(A, "m1", "Hamas", "ORG", "hamas"), mention(A, "m2", "Pakistan", "GPE", "pakistan"),
          mention(A, "m3", "Pakistan", "GPE", None, nth=1)]
    pb = [mention(B, "m1", "Pakistan", "GPE", "pakistan"), mention(B, "m2", "Hamas", "ORG", None)]
    s = mention_scores({"a": (ga, pa), "b": (gb, pb)})
    # key {H_a,H_b} {P1,P2,P_b}; response {H_a} {P1,P_b} {P2} {H_b}
    # recall: (1+1)/2 for Hamas + (4+1)/3 for Pakistan = 1 + 5/3, over 5 mentions
    assert s["clustering"]["b3"]["recall"] == pytest.approx((1 + 5 / 3) / 5)
    assert s["clustering"]["b3"]["precision"] == 1.0
    assert s["clustering"]["ceaf_e"]["recall"] == pytest.approx((2 * 1 / 3 + 2 * 2 / 5) / 2)


def test_b_cubed_and_ceaf_of_a_split_cluster():
    b3 = b_cubed([{1, 2, 3}], [{1, 2}, {3}])
    assert (b3["precision"], b3["recall"]) == (1.0, pytest.approx(5 / 9))
    ce = ceaf_e([{1, 2, 3}], [{1, 2}, {3}])
    assert (ce["precision"], ce["recall"]) == (pytest.approx(0.4), pytest.approx(0.8))


def test_claims_span_scores_and_attribute_accuracy_by_hand():
    gold = [claim(A, "c1", "Hamas met LeT in Pakistan on February 5"),
            claim(A, "c2", "Pakistan may seek help", "prediction", "hedged", True, "attributed", "a1")]
    pred = [claim(A, "c1", "Hamas met LeT in Pakistan on February 5", "fact"),
            claim(A, "c2", "Pakistan may seek help.", "prediction", "asserted", False, "attributed", "a1"),
            claim(A, "c3", "Share this", "evaluation")]
    s = claim_scores({"a": (gold, pred)})
    assert (s["exact"]["tp"], s["exact"]["pred"], s["exact"]["gold"]) == (1, 3, 2)
    assert s["overlap"]["tp"] == 2 and s["overlap"]["recall"] == 1.0
    acc = {k: (v["correct"], v["total"]) for k, v in s["attributes"].items()}
    assert acc == {"claim_type": (1, 2), "certainty": (1, 2), "checkworthy": (1, 2), "asserted_by": (2, 2)}


def test_attribution_roles_and_triples_by_hand():
    gold = [attribution(A, "a1", "VHP spokesperson Vinod Bansal", "said", "Pakistan may seek help"),
            attribution(A, "a2", None, None, "Share this", "author")]
    pred = [attribution(A, "a1", "Vinod Bansal", "said", "Pakistan may seek help", "person"),
            attribution(A, "a2", None, None, "Share this", "anonymous")]
    s = attribution_scores({"a": (gold, pred)})
    assert s["roles"]["source"]["exact"]["f1"] == 0.0 and s["roles"]["source"]["overlap"]["f1"] == 1.0
    assert s["roles"]["cue"]["exact"]["f1"] == 1.0
    assert s["roles"]["content"]["exact"]["tp"] == 2
    # the second triple matches exactly (null source and cue on both sides); the first only by overlap
    assert s["triples"]["exact"]["tp"] == 1 and s["triples"]["overlap"]["tp"] == 2
    assert (s["attributes"]["source_type"]["correct"], s["attributes"]["source_type"]["total"]) == (1, 2)


def test_a_null_cue_does_not_match_a_predicted_cue():
    gold = [attribution(A, "a1", None, None, "Share this", "author")]
    pred = [attribution(A, "a1", None, "said", "Share this", "author")]
    assert attribution_scores({"a": (gold, pred)})["triples"]["overlap"]["tp"] == 0


def test_zone_character_accuracy_by_hand():
    text = "Title\nBody text.\nShare"
    gold = [rec("zone", "z1", text, 0, 6, label="title"), rec("zone", "z2", text, 6, 17, label="body"),
            rec("zone", "z3", text, 17, 22, label="boilerplate")]
    pred = [rec("zone", "z1", text, 0, 17, label="body"), rec("zone", "z2", text, 17, 22, label="boilerplate")]
    s = zone_scores({"t": (gold, pred)}, {"t": len(text)})
    assert (s["accuracy"]["correct"], s["accuracy"]["total"]) == (16, 22)
    assert s["boilerplate"]["accuracy"] == 1.0
    assert s["per_label"]["body"]["precision"] == 11 / 17 and s["per_label"]["title"]["recall"] == 0.0


def test_characters_no_predicted_zone_covers_are_wrong():
    text = "Title\nBody"
    gold = [rec("zone", "z1", text, 0, 6, label="title"), rec("zone", "z2", text, 6, 10, label="body")]
    pred = [rec("zone", "z1", text, 0, 6, label="title")]
    s = zone_scores({"t": (gold, pred)}, {"t": len(text)})
    assert s["accuracy"]["accuracy"] == 0.6 and s["boilerplate"]["accuracy"] == 0.6


def test_links_are_compared_by_place_not_by_record_id():
    ga = [claim(A, "c1", "Hamas met LeT"), claim(A, "c2", "Pakistan may seek help")]
    gb = [claim(B, "c1", "Pakistan denied it"), claim(B, "c2", "Hamas said nothing")]
    gold_links = [{"id": "claim-x", "type": "claim", "description": "d", "entity": None,
                   "members": ["a#c1", "b#c2"], "pairs": [{"a": "a#c1", "b": "b#c2", "relation": "conflict"}]}]
    pb = [claim(B, "c7", "Hamas said nothing"), claim(B, "c8", "Pakistan denied it")]
    pred_links = [{"id": "claim-y", "type": "claim", "description": "d", "entity": None,
                   "members": ["b#c7", "a#c1"], "pairs": [{"a": "b#c7", "b": "a#c1", "relation": "agree"}]}]
    s = link_scores(gold_links, {"a": ga, "b": gb}, pred_links, {"a": ga, "b": pb})
    assert s["claim"]["b3"]["f1"] == 1.0 and s["claim"]["ceaf_e"]["f1"] == 1.0
    assert s["claim"]["pairs"]["tp"] == 0 and s["event"]["b3"]["f1"] is None


# -- properties ------------------------------------------------------------------

def _spans(draw, n: int, length: int, unique: bool):
    out = []
    for _ in range(n):
        s = draw(st.integers(0, length - 2))
        e = draw(st.integers(s + 1, min(length, s + 12)))
        out.append((s, e))
    return sorted(set(out)) if unique else out


@st.composite
def documents(draw):
    """A few documents with random gold records of every layer and random links between them."""
    docs = {}
    for d in range(draw(st.integers(1, 3))):
        doc = f"doc-{d}"
        text = "".join(draw(st.lists(st.sampled_from("ab c"), min_size=20, max_size=60)))
        cuts = sorted(set(draw(st.lists(st.integers(1, len(text) - 1), max_size=4))))
        bounds = [0] + cuts + [len(text)]
        recs = [rec("zone", f"z{i + 1}", text, s, e, label=draw(st.sampled_from(list(TAX["zone"]))))
                for i, (s, e) in enumerate(zip(bounds, bounds[1:]))]
        for i, (s, e) in enumerate(_spans(draw, draw(st.integers(0, 6)), len(text), True)):
            recs.append(rec("mention", f"m{i + 1}", text, s, e, label=draw(st.sampled_from(list(TAX["mention"]))),
                            entity=draw(st.sampled_from([None, "e-1", "e-2", "e-3"]))))
        for i, (s, e) in enumerate(_spans(draw, draw(st.integers(0, 4)), len(text), True)):
            recs.append(rec("claim", f"c{i + 1}", text, s, e, claim_type=draw(st.sampled_from(list(TAX["claim_type"]))),
                            certainty=draw(st.sampled_from(list(TAX["certainty"]))), checkworthy=draw(st.booleans()),
                            asserted_by="author", attribution=None))
        for i in range(draw(st.integers(0, 3))):
            parts = {}
            for role in ("source", "cue", "content"):
                if role != "content" and draw(st.booleans()):
                    parts[role] = None
                    continue
                s, e = _spans(draw, 1, len(text), False)[0]
                parts[role] = {"start": s, "end": e, "text": text[s:e]}
            recs.append({"type": "attribution", "id": f"a{i + 1}", **parts,
                         "source_type": draw(st.sampled_from(list(TAX["source_type"]))), "source_entity": None,
                         "parent": None})
        docs[doc] = DocumentRecords({"id": doc, "sha256": ""}, text, tuple(recs))
    claims = sorted({f"{d}#{r['id']}" for d, dr in docs.items() for r in dr.records if r["type"] == "claim"})
    links = []
    if len(claims) >= 2:
        members = draw(st.lists(st.sampled_from(claims), min_size=2, max_size=4, unique=True))
        links.append({"id": "claim-x", "type": "claim", "description": "d", "entity": None, "members": members,
                      "pairs": [{"a": members[0], "b": members[1], "relation": draw(st.sampled_from(list(TAX["relation"])))}]})
    return Gold(docs, links)


def _submission(gold: Gold, keep=lambda r: True, shuffle: random.Random | None = None, links=True) -> Submission:
    records = {d: [r for r in dr.records if keep(r)] for d, dr in gold.documents.items()}
    lk = [dict(x) for x in gold.links] if links else None
    if shuffle is not None:
        for recs in records.values():
            shuffle.shuffle(recs)
        items = list(records.items())
        shuffle.shuffle(items)
        records = dict(items)
        lk = [{**x, "members": shuffle.sample(x["members"], len(x["members"]))} for x in lk or []]
    return Submission(records, lk, [], tuple(sorted(gold.documents)))


def _leaves(scores, path=()):
    """Every (path, value) of a score tree whose key is a score (not a count)."""
    for k, v in scores.items():
        if isinstance(v, dict):
            yield from _leaves(v, path + (k,))
        elif k in ("precision", "recall", "f1", "accuracy"):
            yield path + (k,), v


@given(documents())
def test_perfect_predictions_score_one_everywhere(gold):
    scores = score(gold, _submission(gold))
    bad = [(p, v) for p, v in _leaves(scores) if v is not None and v != 1.0]
    assert not bad


@given(documents())
def test_empty_predictions_score_zero_recall_wherever_there_is_gold(gold):
    scores = score(gold, _submission(gold, keep=lambda r: False, links=False))
    recalls = [(p, v) for p, v in _leaves(scores) if p[-1] in ("recall", "accuracy") and v is not None]
    assert all(v == 0.0 for _, v in recalls)
    has = {r["type"] for dr in gold.documents.values() for r in dr.records}
    if "mention" in has:
        assert scores["mention"]["exact"]["micro"]["recall"] == 0.0


@given(documents(), st.integers(0, 2**32 - 1))
def test_scores_do_not_depend_on_the_order_of_records(gold, seed):
    half = random.Random(seed)
    keep = lambda r: half.random() < 0.7  # noqa: E731 - a fixed subset of the records
    first = _submission(gold, keep)
    again = Submission({d: list(r) for d, r in first.records.items()}, first.links, [], first.documents)
    rng = random.Random(seed + 1)
    for recs in again.records.values():
        rng.shuffle(recs)
    again.records = dict(reversed(list(again.records.items())))
    assert _flat(score(gold, first)) == pytest.approx(_flat(score(gold, again)))


def _flat(scores) -> dict:
    return {p: (-1.0 if v is None else v) for p, v in _leaves(scores)}


# -- submissions on disk ---------------------------------------------------------

def write_checkout(root, gold_records: dict[str, list[dict]], texts: dict[str, str], links=()):
    """A minimal corpus checkout: texts, document records, gold annotations, registry and links."""
    (root / "corpus" / "texts").mkdir(parents=True)
    (root / "annotations" / "gold").mkdir(parents=True)
    metas = []
    for doc, text in texts.items():
        (root / "corpus" / "texts" / f"{doc}.txt").write_text(text, encoding="utf-8")
        metas.append({"id": doc, "sha256": hashlib.sha256(text.encode()).hexdigest()})
    (root / "corpus" / "documents.jsonl").write_bytes(b"".join(orjson.dumps(m) + b"\n" for m in metas))
    for doc, recs in gold_records.items():
        write_predictions(root / "annotations" / "gold" / f"{doc}.jsonl", doc, texts[doc], recs)
    entities = [{"id": e, "name": e, "type": t, "aliases": [], "description": "x"}
                for e, t in (("hamas", "ORG"), ("let", "ORG"), ("pakistan", "GPE"), ("vinod-bansal", "PER"))]
    (root / "annotations" / "entities.jsonl").write_bytes(dumps_table(entities, "entity"))
    if links:
        (root / "annotations" / "links.jsonl").write_bytes(dumps_table(list(links), "link"))
    return root


def write_predictions(path, doc, text, recs):
    path.parent.mkdir(parents=True, exist_ok=True)
    header = {"type": "header", "doc": doc, "layer": "gold", "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
              "schema_version": schema_version()}
    path.write_bytes(dumps_annotation_file([header] + recs))


def gold_a():
    return [rec("zone", "z1", A, 0, 41, label="body"), rec("zone", "z2", A, 41, 105, label="body"),
            rec("zone", "z3", A, 105, len(A), label="boilerplate"),
            mention(A, "m1", "Hamas", "ORG", "hamas"), mention(A, "m2", "LeT", "ORG", "let"),
            mention(A, "m3", "Pakistan", "GPE", "pakistan"), mention(A, "m4", "Vinod Bansal", "PER", "vinod-bansal"),
            mention(A, "m5", "Pakistan", "GPE", "pakistan", nth=1),
            claim(A, "c1", "Hamas met LeT in Pakistan on February 5"),
            claim(A, "c2", "Pakistan may seek help", "prediction", "hedged", True, "attributed", "a1"),
            attribution(A, "a1", "VHP spokesperson Vinod Bansal", "said", "Pakistan may seek help", "person", "vinod-bansal")]


def gold_b():
    return [rec("zone", "z1", B, 0, len(B), label="body"), mention(B, "m1", "Pakistan", "GPE", "pakistan"),
            mention(B, "m2", "Hamas", "ORG", "hamas"), claim(B, "c1", "Pakistan denied it")]


LINKS = [{"id": "claim-help", "type": "claim", "description": "d", "entity": None, "members": ["doc-a#c2", "doc-b#c1"],
          "pairs": [{"a": "doc-a#c2", "b": "doc-b#c1", "relation": "conflict"}]}]


@pytest.fixture
def checkout(tmp_path):
    assert A[105:] == "Share this\n" and A[41:44] == "VHP"
    return write_checkout(tmp_path / "gold", {"doc-a": gold_a(), "doc-b": gold_b()}, {"doc-a": A, "doc-b": B}, LINKS)


def test_the_gold_annotations_score_one_against_themselves(checkout):
    ev = evaluate(checkout, checkout)
    assert ev.ok and set(ev.scores) == set(LAYERS)
    values = [v for _, v in _leaves(ev.scores) if v is not None]
    assert values and all(v == 1.0 for v in values)


def test_the_corpus_gold_scores_one_against_itself(repo_root):
    ev = evaluate(repo_root, repo_root, LAYERS)
    assert ev.ok, [f.code for f in ev.submission.findings if f.severity == "error"]
    assert all(v == 1.0 for _, v in _leaves(ev.scores) if v is not None)


def test_a_folder_of_predictions_with_some_documents_missing(checkout, tmp_path):
    write_predictions(tmp_path / "run" / "doc-b.jsonl", "doc-b", B, gold_b())
    ev = evaluate(tmp_path / "run", checkout, ["mention"])
    m = ev.scores["mention"]["exact"]["micro"]
    assert (m["tp"], m["pred"], m["gold"]) == (2, 2, 7)


def test_a_single_file_is_scored_against_its_own_document(checkout, tmp_path):
    path = tmp_path / "mine.jsonl"
    write_predictions(path, "doc-b", B, gold_b()[1:2])
    ev = evaluate(path, checkout, ["mention"])
    assert ev.submission.documents == ("doc-b",)
    assert ev.scores["mention"]["exact"]["micro"]["recall"] == 0.5


def test_a_malformed_submission_gets_the_validators_coded_findings_and_exit_one(checkout, tmp_path, capsys):
    bad = gold_b()
    bad[1] = {**bad[1], "text": "Pakistam"}
    write_predictions(tmp_path / "run" / "doc-b.jsonl", "doc-b", B, bad)
    (tmp_path / "run" / "doc-z.jsonl").write_text("{not json\n", encoding="utf-8")
    assert main(["evaluate", str(tmp_path / "run"), "--gold", str(checkout)]) == 1
    out = capsys.readouterr().out
    assert "span-text-mismatch" in out and "unknown-document" in out and "nothing was scored" in out


def test_predictions_on_another_text_are_stale(checkout, tmp_path):
    path = tmp_path / "run" / "doc-b.jsonl"
    write_predictions(path, "doc-b", B + " ", gold_b())
    ev = evaluate(path.parent, checkout)
    assert not ev.ok and "annotation-stale" in {f.code for f in ev.submission.findings}


def test_a_checkout_as_predictions_brings_its_links(checkout):
    ev = evaluate(checkout, checkout, ["link"])
    assert ev.scores["link"]["claim"]["pairs"]["f1"] == 1.0


def test_evaluate_prints_json_with_every_score(checkout, capsys):
    assert main(["evaluate", str(checkout / "annotations" / "gold"), "--gold", str(checkout), "--format", "json",
                 "--layer", "claim"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] and out["scores"]["claim"]["exact"]["f1"] == 1.0 and list(out["scores"]) == ["claim"]


def test_evaluate_text_and_markdown_show_each_layer(checkout, capsys):
    assert main(["evaluate", str(checkout), "--gold", str(checkout)]) == 0
    text = capsys.readouterr().out
    assert all(f"\n{layer}\n" in text for layer in LAYERS) and "exact micro" in text
    assert main(["evaluate", str(checkout), "--gold", str(checkout), "--format", "markdown"]) == 0
    assert "### attribution" in capsys.readouterr().out


def test_evaluate_without_a_gold_corpus_is_a_usage_error(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path), "--gold", str(tmp_path)]) == 2
    assert "corpus/documents.jsonl" in capsys.readouterr().err


def test_the_results_table_has_a_row_per_baseline_layer_and_metric(checkout):
    ev = evaluate(checkout, checkout, ["zone", "claim"])
    table = results_table({"gold": ev.scores})
    assert table.count("| gold | zone |") == 3 and "| gold | claim | span exact | 1.000 | 1.000 | 1.000 |" in table


def test_text_report_lists_warnings_by_code(checkout, tmp_path):
    recs = [{**r, "label": "PER"} if r["type"] == "mention" else r for r in gold_b()]
    write_predictions(tmp_path / "run" / "doc-b.jsonl", "doc-b", B, recs)
    ev = evaluate(tmp_path / "run", checkout)
    assert ev.ok and "2 mention-type-mismatch" in render_text(ev)


def test_b_cubed_of_overlapping_clusters_by_hand():
    # item 1 is in both key clusters; the response puts all three together
    s = b_cubed([{1, 2}, {1, 3}], [{1, 2, 3}])
    assert s["precision"] == pytest.approx(7 / 9) and s["recall"] == pytest.approx(17 / 18)
    assert b_cubed([{1, 2}, {1, 3}], [{1, 3}, {2, 1}])["f1"] == 1.0


# -- nothing to score, CheckThat! predictions, a system's own clusters -------------------------------------

@pytest.mark.parametrize("files", [{}, {"doc-a.json": "x", "notes.txt": "y"}])
def test_a_folder_without_prediction_files_is_an_error_that_says_what_was_looked_for(checkout, tmp_path, capsys, files):
    run = tmp_path / "run"
    run.mkdir()
    for name, text in files.items():
        (run / name).write_text(text, encoding="utf-8")
    assert main(["evaluate", str(run), "--gold", str(checkout)]) == 1
    err = capsys.readouterr().err
    assert "(no-predictions)" in err and "looked for <doc>.jsonl" in err
    assert ("'doc-a.json'" in err) if files else ("it is empty" in err)


def _tsv(rows) -> str:
    from kashcorpus.checkworthy import serialise

    return serialise(rows)


def _gold_sentences(checkout):
    from kashcorpus.checkworthy import rows_of
    from kashcorpus.evaluate import load_gold

    return [r for d in load_gold(checkout).documents.values() for r in rows_of(d.id, d.text, d.records)]


def test_a_checkthat_tsv_is_scored_from_the_command_line_by_f1_of_the_yes_class(checkout, tmp_path, capsys):
    from kashcorpus.checkworthy import Row

    gold = _gold_sentences(checkout)
    assert [r.label for r in gold].count("Yes") >= 2 and "No" in [r.label for r in gold]
    flipped = [Row(r.sentence_id, r.text, "No" if k == 0 else "Yes") for k, r in enumerate(gold)]
    path = tmp_path / "run.tsv"
    path.write_text(_tsv(flipped), encoding="utf-8")
    gold_yes = sum(r.label == "Yes" for r in gold)
    tp = sum(r.label == "Yes" for r in gold[1:])
    assert main(["evaluate", str(path), "--gold", str(checkout), "--format", "json"]) == 0
    yes = json.loads(capsys.readouterr().out)["scores"]["sentence"]["yes"]
    assert (yes["tp"], yes["pred"], yes["gold"]) == (tp, len(gold) - 1, gold_yes)
    assert yes["f1"] == pytest.approx(2 * tp / (len(gold) - 1 + gold_yes))
    assert main(["evaluate", str(path), "--gold", str(checkout)]) == 0
    assert "Yes-class" in capsys.readouterr().out


@pytest.mark.parametrize("edit, code", [
    (lambda rows: rows[1:], "checkthat-missing-sentence"),
    (lambda rows: rows + rows[:1], "checkthat-duplicate-sentence"),
    (lambda rows: [rows[0].__class__("doc-z-s0", "x", "Yes"), *rows], "checkthat-unknown-sentence"),
])
def test_a_checkthat_tsv_that_leaves_out_repeats_or_invents_a_sentence_is_one_error(checkout, tmp_path, capsys,
                                                                                     edit, code):
    path = tmp_path / "run.tsv"
    path.write_text(_tsv(edit(_gold_sentences(checkout))), encoding="utf-8")
    assert main(["evaluate", str(path), "--gold", str(checkout)]) == 1
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and f"({code})" in err and "run.tsv" in err


def test_a_checkthat_tsv_with_a_bad_line_names_the_line_and_another_layer_is_refused(checkout, tmp_path, capsys):
    path = tmp_path / "run.tsv"
    path.write_text(_tsv(_gold_sentences(checkout)) + "doc-a-s0\tmaybe\n", encoding="utf-8")
    assert main(["evaluate", str(path), "--gold", str(checkout)]) == 1
    assert "(checkthat-bad-line)" in capsys.readouterr().err
    path.write_text(_tsv(_gold_sentences(checkout)), encoding="utf-8")
    assert main(["evaluate", str(path), "--gold", str(checkout), "--layer", "mention"]) == 1
    assert "(layer-not-predicted)" in capsys.readouterr().err


def _renamed(records: list[dict], names: dict) -> list[dict]:
    """The records with their entity ids (mentions' and attribution sources') renamed by ``names``."""
    field = {"mention": "entity", "attribution": "source_entity"}
    return [{**r, field[r["type"]]: names.get(r[field[r["type"]]])} if r["type"] in field and r[field[r["type"]]]
            else r for r in records]


def test_a_system_s_own_clusters_are_scored_without_gold_ids_by_muc_b3_and_ceaf(checkout, tmp_path, capsys):
    names = {"hamas": "sys-7", "let": "sys-3", "pakistan": "sys-1", "vinod-bansal": "sys-9"}
    write_predictions(tmp_path / "run" / "doc-a.jsonl", "doc-a", A, _renamed(gold_a(), names))
    write_predictions(tmp_path / "run" / "doc-b.jsonl", "doc-b", B, _renamed(gold_b(), names))
    assert main(["evaluate", str(tmp_path / "run"), "--gold", str(checkout), "--layer", "mention"]) == 1
    assert "dangling-reference" in capsys.readouterr().out  # registry ids are expected without the option
    ev = evaluate(tmp_path / "run", checkout, ["mention"], own_clusters=True)
    clustering = ev.scores["mention"]["clustering"]
    assert ev.ok and {m: s["f1"] for m, s in clustering.items()} == {"muc": 1.0, "b3": 1.0, "ceaf_e": 1.0}
    assert ev.scores["mention"]["linking"]["accuracy"] is None
    assert main(["evaluate", str(tmp_path / "run"), "--gold", str(checkout), "--own-clusters"]) == 0
    assert "system's own clusters" in capsys.readouterr().out


def test_own_clusters_by_hand_one_merged_and_one_split_cluster(checkout, tmp_path):
    # gold: hamas {a, b}, pakistan {a1, a2, b}, let {a}, vinod-bansal {a}; the system puts LeT with Hamas and
    # splits doc-b's Pakistan off
    recs_a = _renamed(gold_a(), {"hamas": "x", "let": "x", "pakistan": "p", "vinod-bansal": "v"})
    recs_b = _renamed(gold_b(), {"hamas": "x", "pakistan": "q"})
    write_predictions(tmp_path / "run" / "doc-a.jsonl", "doc-a", A, recs_a)
    write_predictions(tmp_path / "run" / "doc-b.jsonl", "doc-b", B, recs_b)
    c = evaluate(tmp_path / "run", checkout, ["mention"], own_clusters=True).scores["mention"]["clustering"]
    # MUC: key links 1 + 2 + 0 + 0 = 3, kept 1 + 1 = 2; response links 2 + 1 + 0 + 0 = 3, right 1 + 1 = 2
    assert (c["muc"]["recall"], c["muc"]["precision"]) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    # B³ over the 7 mentions, per mention (Hamas ×2, LeT, Pakistan ×3, Vinod Bansal):
    # recall 1, 1, 1, 2/3, 2/3, 1/3, 1; precision 2/3, 2/3, 1/3, 1, 1, 1, 1
    assert c["b3"]["recall"] == pytest.approx((1 + 1 + 1 + 2 / 3 + 2 / 3 + 1 / 3 + 1) / 7)
    assert c["b3"]["precision"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1 + 1 + 1) / 7)


def test_a_system_s_own_registry_beside_its_predictions_makes_its_ids_clusters(checkout, tmp_path):
    names = {"hamas": "org-1", "let": "org-2", "pakistan": "gpe-1", "vinod-bansal": "per-1"}
    write_predictions(tmp_path / "run" / "doc-a.jsonl", "doc-a", A, _renamed(gold_a(), names))
    registry = [{"id": v, "name": v, "type": {"o": "ORG", "g": "GPE", "p": "PER"}[v[0]], "aliases": [],
                 "description": "x"} for v in sorted(names.values())]
    (tmp_path / "run" / "entities.jsonl").write_bytes(dumps_table(registry, "entity"))
    ev = evaluate(tmp_path / "run", checkout, ["mention"])
    assert ev.ok and ev.submission.own_clusters and ev.scores["mention"]["linking"]["accuracy"] is None


@given(documents(), st.randoms(use_true_random=False))
def test_renaming_a_system_s_own_clusters_never_changes_their_scores(gold, rng):
    ids = sorted({r["entity"] for dr in gold.documents.values() for r in dr.records
                  if r["type"] == "mention" and r["entity"]})
    fresh = [f"sys-{n}" for n in rng.sample(range(100), len(ids))]
    names = dict(zip(ids, fresh))
    base = score(gold, _submission(gold), ["mention"])["mention"]["clustering"]
    renamed = Submission({d: _renamed(list(dr.records), names) for d, dr in gold.documents.items()}, None, [],
                         tuple(sorted(gold.documents)), own_clusters=True)
    got = score(gold, renamed, ["mention"])["mention"]
    assert got["clustering"] == base and got["linking"]["accuracy"] is None

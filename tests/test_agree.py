"""Tests of kashcorpus.agree and `kashcorpus agree`: arithmetic, matching, invariants, and the report's drift."""
from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kashcorpus import agree
from kashcorpus.cli import main
from kashcorpus.gendocs import between, markers, stale_message

TEXT = "Hamas met LeT in Rawalakot on February 5, said the report, and analysts agree it matters."


def mention(s, e, label="ORG", text=TEXT):
    return {"type": "mention", "id": "m1", "start": s, "end": e, "text": text[s:e], "label": label, "entity": None}


def span(s, e, text=TEXT):
    return {"start": s, "end": e, "text": text[s:e]}


def attribution(source, cue, content, source_type="document", parent=None):
    return {"type": "attribution", "id": "a1", "source": source and span(*source), "source_type": source_type,
            "source_entity": None, "cue": cue and span(*cue), "content": span(*content), "parent": parent}


# -- arithmetic on hand-computed cases -------------------------------------------------

def test_precision_recall_and_f1_are_computed_b_against_a():
    assert agree.prf(4, 5, 3) == {"a": 4, "b": 5, "matched": 3, "precision": 0.6, "recall": 0.75, "f1": 0.6667}
    assert agree.prf(0, 0, 0)["f1"] is None


def test_cohen_kappa_of_a_two_by_two_table():
    # 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: p_o = 0.7, p_e = 0.5*0.6 + 0.5*0.4 = 0.5, kappa = 0.4
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert agree.cohen_kappa(pairs) == 0.4


def test_krippendorff_alpha_of_four_units_matches_the_coincidence_matrix():
    # o_xx = 4, o_yy = 2, o_xy = o_yx = 1; D_o = 2/8, D_e = 2*5*3/(8*7); alpha = 1 - D_o/D_e = 0.5333
    assert agree.nominal_alpha(["x", "y", "y", "x"], ["x", "y", "x", "x"]) == 0.5333


def test_alpha_is_one_when_the_coders_never_disagree_even_with_one_value():
    assert agree.nominal_alpha(["O"] * 5, ["O"] * 5) == 1.0


def test_overlap_matching_prefers_more_pairs_over_the_closest_pair():
    a = [{"start": 0, "end": 10}, {"start": 0, "end": 2}]
    b = [{"start": 0, "end": 10}, {"start": 8, "end": 12}]
    assert agree.match(a, b, agree.overlap_score) == [(0, 1), (1, 0)]
    assert agree.match(a, b, agree.exact_score) == [(0, 0)]


def test_mentions_boundary_label_and_missing_spans_are_counted_and_listed():
    ra = [mention(0, 5), mention(10, 13), mention(17, 26, "GPE"), mention(30, 40, "DATE")]
    rb = [mention(0, 5), mention(10, 13, "PER"), mention(17, 29, "GPE")]
    r = agree.compare({"d": (TEXT, ra, rb)})
    m = r["layers"]["mention"]
    assert m["spans"]["exact"] == {"a": 4, "b": 3, "matched": 2, "precision": 0.6667, "recall": 0.5, "f1": 0.5714}
    assert m["spans"]["overlap"]["matched"] == 3
    assert m["label"] == {"n": 3, "agree": 2, "accuracy": 0.6667, "kappa": 0.5}
    kinds = [(d["kind"], (d["a"] or d["b"])["start"]) for d in r["disagreements"]]
    assert kinds == [("label", 10), ("boundary", 17), ("only-a", 30)]


def test_attribution_roles_and_triples_are_compared_separately():
    report = (47, 57)
    ra = [attribution(report, (42, 46), (0, 40))]
    rb = [attribution(report, (42, 46), (0, 26)), attribution((63, 71), (72, 77), (78, 88), "collective")]
    r = agree.compare({"d": (TEXT, ra, rb)})["layers"]["attribution"]
    assert r["roles"]["source"]["exact"]["matched"] == 1 and r["roles"]["source"]["exact"]["b"] == 2
    assert r["roles"]["content"]["exact"]["matched"] == 0 and r["roles"]["content"]["overlap"]["matched"] == 1
    assert r["triples"]["exact"]["matched"] == 0 and r["triples"]["overlap"]["f1"] == 0.6667
    assert r["attributes"]["source_type"]["accuracy"] == 1.0


def test_claim_attributes_are_compared_on_matched_claims():
    def claim(s, e, ctype, certainty):
        return {"type": "claim", "id": "c1", "start": s, "end": e, "text": TEXT[s:e], "claim_type": ctype,
                "certainty": certainty, "checkworthy": True, "asserted_by": "author", "attribution": None}
    r = agree.compare({"d": (TEXT, [claim(0, 40, "event", "asserted")], [claim(0, 40, "fact", "asserted")])})
    attrs = r["layers"]["claim"]["attributes"]
    assert attrs["claim_type"]["accuracy"] == 0.0 and attrs["certainty"]["accuracy"] == 1.0
    assert [d["kind"] for d in r["disagreements"]] == ["claim_type"]


# -- properties -------------------------------------------------------------------------

@st.composite
def layers(draw):
    """A random annotation layer over TEXT: tiling zones, mentions, claims and attributions."""
    n = len(TEXT)
    cuts = sorted(draw(st.sets(st.integers(1, n - 1), max_size=4)))
    bounds = [0, *cuts, n]
    recs = [{"type": "zone", "id": f"z{i + 1}", "start": s, "end": e, "text": TEXT[s:e],
             "label": draw(st.sampled_from(["title", "body", "boilerplate"]))}
            for i, (s, e) in enumerate(zip(bounds, bounds[1:]))]

    def a_span():
        s = draw(st.integers(0, n - 2))
        return s, draw(st.integers(s + 1, min(n, s + 15)))
    for i in range(draw(st.integers(0, 6))):
        recs.append(mention(*a_span(), draw(st.sampled_from(["ORG", "PER", "GPE"]))) | {"id": f"m{i + 1}"})
    for i in range(draw(st.integers(0, 4))):
        s, e = a_span()
        recs.append({"type": "claim", "id": f"c{i + 1}", "start": s, "end": e, "text": TEXT[s:e],
                     "claim_type": draw(st.sampled_from(["event", "fact"])), "certainty": "asserted",
                     "checkworthy": draw(st.booleans()), "asserted_by": "author", "attribution": None})
    for i in range(draw(st.integers(0, 3))):
        source = a_span() if draw(st.booleans()) else None
        recs.append(attribution(source, a_span(), a_span(), draw(st.sampled_from(["document", "anonymous"])))
                    | {"id": f"a{i + 1}"})
    return recs


def _spans(report):
    L = report["layers"]
    out = {k: L[k]["spans"] for k in ("zone", "mention", "claim")}
    out["triples"] = L["attribution"]["triples"]
    out.update(dict(L["attribution"]["roles"].items()))
    return out


@given(layers())
def test_a_layer_against_itself_agrees_perfectly(recs):
    r = agree.compare({"d": (TEXT, recs, list(recs))})
    assert r["disagreements"] == []
    for s in _spans(r).values():
        assert s["exact"]["f1"] in (1.0, None) and s["overlap"]["f1"] in (1.0, None)
    assert r["layers"]["zone"]["alpha"]["alpha"] == 1.0 and r["layers"]["mention"]["alpha"]["alpha"] == 1.0
    assert r["layers"]["zone"]["label"]["kappa"] == 1.0


@given(layers(), layers())
def test_f1_is_symmetric(ra, rb):
    ab, ba = _spans(agree.compare({"d": (TEXT, ra, rb)})), _spans(agree.compare({"d": (TEXT, rb, ra)}))
    for name in ab:
        for mode in ("exact", "overlap"):
            assert ab[name][mode]["f1"] == ba[name][mode]["f1"]
            assert ab[name][mode]["precision"] == ba[name][mode]["recall"]


@given(layers(), layers(), st.randoms(use_true_random=False))
def test_the_report_does_not_depend_on_record_order(ra, rb, rnd):
    sa, sb = list(ra), list(rb)
    rnd.shuffle(sa)
    rnd.shuffle(sb)
    assert agree.compare({"d": (TEXT, ra, rb)}) == agree.compare({"d": (TEXT, sa, sb)})


# -- files and the command --------------------------------------------------------------

def test_write_report_creates_a_file_and_replaces_only_the_marked_block(tmp_path):
    report = agree.compare({"d": (TEXT, [mention(0, 5)], [mention(0, 5)])}, "gold", "pass-x")
    new = tmp_path / "agreement.md"
    assert agree.write_report(new, report) == "report"
    assert between(new.read_text(encoding="utf-8"), agree.REPORT_BLOCK) == agree.to_markdown(report)
    card = tmp_path / "CARD.md"
    start, end = markers(agree.SUMMARY_BLOCK)
    card.write_text(f"# Card\nbefore\n{start}\nSTALE-BLOCK\n{end}\nafter\n", encoding="utf-8")
    assert agree.write_report(card, report) == "summary"
    text = card.read_text(encoding="utf-8")
    assert text.startswith("# Card\nbefore\n") and text.endswith("after\n") and "STALE-BLOCK" not in text
    assert between(text, agree.SUMMARY_BLOCK) == agree.to_summary_markdown(report)


def test_the_command_compares_a_layer_with_itself_as_json(corpus_copy, capsys):
    assert main(["agree", str(corpus_copy), "--a", "gold", "--b", "gold", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["disagreements"] == [] and report["layers"]["mention"]["alpha"]["alpha"] in (1.0, None)


@pytest.mark.parametrize("argv", [["--b", "pass-nobody"], ["--b", "Not A Layer"], ["--write", "README.md"]])
def test_bad_input_is_a_usage_error(corpus_copy, capsys, argv):
    (corpus_copy / "README.md").write_text("# no markers\n", encoding="utf-8")
    assert main(["agree", str(corpus_copy), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_the_output_is_deterministic(repo_root, capsys):
    outputs = []
    for _ in range(2):
        assert main(["agree", str(repo_root), "--format", "markdown"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


def test_docs_agreement_md_is_what_the_command_produces_now(repo_root):
    """Drift test: after any change to gold or a pass, run `make docs` (`kashcorpus docs --write`)."""
    reports = agree.agreements(repo_root)
    doc = (repo_root / "docs" / "agreement.md").read_text(encoding="utf-8")
    assert between(doc, agree.REPORT_BLOCK) == agree.to_markdown_all(reports), \
        stale_message("docs/agreement.md", agree.REPORT_BLOCK)


def test_the_data_card_block_is_what_the_command_produces_now(repo_root):
    """Drift test: after any change to gold or the pass, run `make docs` (`kashcorpus docs --write`)."""
    card = (repo_root / "DATACARD.md").read_text(encoding="utf-8")
    block = between(card, agree.SUMMARY_BLOCK)
    if block is None:
        pytest.skip("DATACARD.md has no agreement markers")
    assert block == agree.to_summary_markdown_all(agree.agreements(repo_root)), \
        stale_message("DATACARD.md", agree.SUMMARY_BLOCK)


def test_the_reports_cover_every_independent_pass(repo_root):
    passes = sorted(p.name for p in (repo_root / "annotations" / "passes").iterdir() if any(p.glob("*.jsonl")))
    reports = agree.agreements(repo_root)
    assert [r["b"] for r in reports] == [f"pass-{p}" for p in passes] and all(r["a"] == "gold" for r in reports)
    full = agree.to_markdown_all(reports)
    assert all(f"## `pass-{p}` against `gold`" in full for p in passes)


def test_without_b_the_command_compares_every_pass_with_gold(corpus_copy, capsys):
    assert main(["agree", str(corpus_copy), "--format", "json"]) == 0
    reports = json.loads(capsys.readouterr().out)
    assert [r["b"] for r in reports] == agree.pass_layers(corpus_copy) and len(reports) >= 1


def test_the_shuffled_corpus_gives_the_same_report(corpus_copy):
    before = agree.agreement(corpus_copy, "gold", "pass-annotator-b")
    rnd = random.Random(7)
    for path in sorted((corpus_copy / "annotations" / "passes" / "annotator-b").glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        body = lines[1:]
        rnd.shuffle(body)
        path.write_text("".join([lines[0], *body]), encoding="utf-8")
    assert agree.agreement(corpus_copy, "gold", "pass-annotator-b") == before


# -- the blind pass annotator-d: what it saw is recorded with it ------------------------------------------

def test_the_blind_pass_records_its_kit_and_ships_its_output_unchanged(repo_root):
    import hashlib
    import subprocess

    folder = repo_root / "annotations" / "passes" / "annotator-d"
    prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert prov["layer"] == "pass-annotator-d"
    sha = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    for item in prov["output"]:
        assert sha(folder / item["path"]) == item["sha256"], item["path"]
    kit = {k["path"]: k["sha256"] for k in prov["kit"]}
    for doc in ("kash-000", "kash-001", "kash-002", "kash-003", "kash-004"):
        assert kit[f"texts/{doc}.txt"] == sha(repo_root / "corpus" / "texts" / f"{doc}.txt")
    assert "decisions" not in " ".join(kit) and all(k.startswith(("texts/", "schema/")) or "/" not in k for k in kit)
    shown = subprocess.run(["git", "show", f"{prov['source_commit']}:docs/guidelines.md"], cwd=repo_root,
                           capture_output=True)
    if shown.returncode != 0:
        pytest.skip("the source commit is not in this clone's history")
    assert hashlib.sha256(shown.stdout).hexdigest() == kit["guidelines.md"]
    page = (folder / "PROVENANCE.md").read_text(encoding="utf-8")
    assert all(f"> {line}" in page for line in prov["instruction"].splitlines() if line)


# -- entity linking as clustering ------------------------------------------------------------------------

from kashcorpus.agree.linking import linking_scores  # noqa: E402
from kashcorpus.clustering import b_cubed, ceaf_e, clusters_of, muc  # noqa: E402


@given(st.lists(st.integers(0, 5), min_size=1, max_size=30), st.permutations(list(range(6))))
def test_linking_scores_do_not_depend_on_entity_ids_only_on_the_clusters(entities, renaming):
    key = clusters_of({i: f"gold-{e}" for i, e in enumerate(entities)})
    response = clusters_of({i: f"pass-{renaming[e]}" for i, e in enumerate(entities)})
    scores = linking_scores(key, response)
    for metric in ("b_cubed", "ceaf_e"):
        assert scores[metric] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert scores["muc"]["f1"] in (1.0, None)  # MUC is undefined when every cluster is a singleton


@given(st.lists(st.integers(0, 4), min_size=2, max_size=25), st.lists(st.integers(0, 4), min_size=2, max_size=25))
def test_linking_scores_are_symmetric_precision_and_recall_swap_with_the_layers(xs, ys):
    n = min(len(xs), len(ys))
    a, b = clusters_of(dict(enumerate(xs[:n]))), clusters_of(dict(enumerate(ys[:n])))
    for metric in (muc, b_cubed, ceaf_e):
        ab, ba = metric(a, b), metric(b, a)
        assert (ab["precision"], ab["recall"], ab["f1"]) == (ba["recall"], ba["precision"], ba["f1"])


def test_splitting_an_entity_costs_recall_and_merging_two_costs_precision():
    key = clusters_of({"m1": "x", "m2": "x", "m3": "y", "m4": "y"})
    split = clusters_of({"m1": "p", "m2": "q", "m3": "r", "m4": "r"})
    merged = clusters_of({"m1": "p", "m2": "p", "m3": "p", "m4": "p"})
    assert b_cubed(key, split)["precision"] == 1.0 and b_cubed(key, split)["recall"] == 0.75
    assert b_cubed(key, merged)["recall"] == 1.0 and b_cubed(key, merged)["precision"] == 0.5


def _mention(mid: str, start: int, end: int, text: str, entity: str | None) -> dict:
    return {"type": "mention", "id": mid, "start": start, "end": end, "text": text, "label": "ORG", "entity": entity}


def test_compare_scores_a_pass_with_its_own_registry_ids_and_lists_the_clusters_that_differ():
    text = "Hamas met LeT. Hamas left."
    gold = [_mention("m1", 0, 5, "Hamas", "hamas"), _mention("m2", 10, 13, "LeT", "lashkar"),
            _mention("m3", 15, 20, "Hamas", "hamas")]
    same = [_mention("m1", 0, 5, "Hamas", "e1"), _mention("m2", 10, 13, "LeT", "e2"), _mention("m3", 15, 20, "Hamas", "e1")]
    split = [_mention("m1", 0, 5, "Hamas", "e1"), _mention("m2", 10, 13, "LeT", "e2"), _mention("m3", 15, 20, "Hamas", "e3")]
    unlinked = [{**m, "entity": None} for m in same]
    lk = agree.compare({"d": (text, gold, same)})["layers"]["linking"]
    assert lk["same_mentions"]["conll_f1"] == lk["all_mentions"]["conll_f1"] == 1.0 and lk["differences"] == []
    lk = agree.compare({"d": (text, gold, split)})["layers"]["linking"]
    assert lk["same_mentions"]["b_cubed"]["recall"] < 1.0
    assert [(d["kind"], d["entity"], [p["entity"] for p in d["parts"]]) for d in lk["differences"]] == \
        [("split", "hamas", ["e1", "e3"])]
    lk = agree.compare({"d": (text, gold, unlinked)})["layers"]["linking"]
    assert lk["all_mentions"] is None and lk["linked_b"] == 0
    assert "not compared: b links no mention" in agree.to_text(agree.compare({"d": (text, gold, unlinked)}))


def test_the_repository_passes_are_scored_for_linking_only_where_they_link(repo_root):
    reports = {r["b"]: r for r in agree.agreements(repo_root)}
    assert reports["pass-annotator-d"]["layers"]["linking"]["all_mentions"] is not None
    assert reports["pass-annotator-b"]["layers"]["linking"]["all_mentions"] is None
    assert "### Entity linking" in agree.to_markdown_all(list(reports.values()))


def test_what_the_agreement_page_says_of_the_pass_made_under_instructed_isolation_holds(repo_root):
    """docs/agreement.md: the kit held no gold mention string or entity id; the pass has gold's zones, mention
    spans and clusters, one mention label differs, 80 of its 88 registry ids are gold's and 29 of its entities have
    gold's description word for word."""
    import re
    import subprocess

    folder = repo_root / "annotations" / "passes" / "annotator-d"
    prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    rows = lambda p: [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()]  # noqa: E731
    gold_ids = {e["id"] for e in rows(repo_root / "annotations" / "entities.jsonl")}
    pass_ids = {e["id"] for e in rows(folder / "entities.jsonl")}
    assert (len(pass_ids & gold_ids), len(pass_ids), len(gold_ids)) == (80, 88, 88)
    from kashcorpus.annotate.registry import slug

    names = {e["id"]: e["name"] for e in rows(repo_root / "annotations" / "entities.jsonl")}
    pass_names = {e["id"]: e["name"] for e in rows(folder / "entities.jsonl")}
    assert len([i for i in pass_ids & gold_ids if slug(names[i]) != i and slug(pass_names[i]) != i]) == 17
    descriptions = {e["id"]: e["description"] for e in rows(repo_root / "annotations" / "entities.jsonl")}
    assert len([e for e in rows(folder / "entities.jsonl") if e["description"] == descriptions.get(e["id"])]) == 29
    attribution_kinds = {d["kind"] for d in agree.agreement(repo_root, "gold", "pass-annotator-d")["disagreements"]
                         if d["layer"] == "attribution"}
    assert attribution_kinds <= {"cue", "source"}
    strings = {r["text"] for p in (repo_root / "annotations" / "gold").glob("*.jsonl") for r in rows(p)
               if r["type"] == "mention"}
    assert len(strings) == 122
    report = agree.agreement(repo_root, "gold", "pass-annotator-d")
    L = report["layers"]
    assert L["zone"]["spans"]["exact"]["f1"] == L["mention"]["spans"]["exact"]["f1"] == 1.0
    assert L["mention"]["label"]["n"] - L["mention"]["label"]["agree"] == 1
    assert L["linking"]["all_mentions"]["conll_f1"] == 1.0 and not L["linking"]["differences"]
    kit = [k["path"] for k in prov["kit"] if not k["path"].startswith(("texts/", "TASK"))]
    sources = {"guidelines.md": "docs/guidelines.md", "data-model.md": "docs/data-model.md"}
    for path in kit:
        shown = subprocess.run(["git", "show", f"{prov['source_commit']}:{sources.get(path, path)}"], cwd=repo_root,
                               capture_output=True)
        if shown.returncode != 0:
            pytest.skip("the source commit is not in this clone's history")
        content = shown.stdout.decode("utf-8")
        assert not [s for s in strings if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", content)], path
        assert not [i for i in gold_ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", content)], path

"""The dataset's configs: sentence-level ner rows whose tags give back the mentions, sentences rows, and claim_pairs."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import corpora

from kashcorpus.configs import (CLAIM_PAIR_SEED, UNRELATED, claim_pair_relation_names, claim_pair_rows, ner_rows,
                                sentence_rows, unrelated_rank)
from kashcorpus.corpus import DocumentRecords, iter_documents
from kashcorpus.resources import taxonomy
from kashcorpus.sentences import CLAIM_ZONES
from kashcorpus.tokens import Token, bio_to_spans, tokenize


def _doc(d) -> DocumentRecords:
    return DocumentRecords({"id": d.id}, d.text, tuple(d.records))


@given(corpora(max_docs=2))
def test_ner_rows_are_consecutive_sentences_that_hold_every_token_once(corpus):
    for d in corpus.docs:
        rows = list(ner_rows(_doc(d)))
        assert [r["sentence"] for r in rows] == list(range(len(rows)))
        assert [r["id"] for r in rows] == [f"{d.id}-s{n}" for n in range(len(rows))]
        tokens = [Token(s, e, t) for r in rows for s, e, t in zip(r["token_start"], r["token_end"], r["tokens"])]
        assert tokens == tokenize(d.text)
        for r in rows:
            assert r["tokens"] and r["start"] == r["token_start"][0] and r["end"] == r["token_end"][-1]
            assert len(r["ner_tags"]) == len(r["tokens"])


def test_on_the_gold_each_sentence_decodes_to_exactly_the_mentions_inside_it(repo_root):
    total = 0
    for d in iter_documents(repo_root):
        mentions = [(m["start"], m["end"], m["label"]) for m in d.layer("mention")]
        for r in ner_rows(d):
            toks = [Token(s, e, t) for s, e, t in zip(r["token_start"], r["token_end"], r["tokens"])]
            inside = sorted(m for m in mentions if r["start"] <= m[0] and m[1] <= r["end"])
            assert sorted(bio_to_spans(toks, r["ner_tags"])) == inside
            total += len(inside)
        assert not [m for m in mentions if not any(r["start"] <= m[0] and m[1] <= r["end"] for r in ner_rows(d))]
    assert total == sum(len(d.layer("mention")) for d in iter_documents(repo_root))


@given(corpora(max_docs=2))
def test_sentences_rows_are_the_claim_zone_sentences_with_the_claims_that_overlap_them(corpus):
    for d in corpus.docs:
        ner = {r["sentence"]: r for r in ner_rows(_doc(d))}
        zones = [r for r in d.records if r["type"] == "zone" and r["label"] in CLAIM_ZONES]
        claims = [r for r in d.records if r["type"] == "claim"]
        rows = list(sentence_rows(_doc(d)))
        want = [n for n, r in ner.items() if any(z["start"] <= r["start"] and r["end"] <= z["end"] for z in zones)]
        assert [r["sentence"] for r in rows] == want
        for r in rows:
            assert (r["start"], r["end"]) == (ner[r["sentence"]]["start"], ner[r["sentence"]]["end"])
            assert r["text"] == d.text[r["start"]:r["end"]] and r["zone"] in CLAIM_ZONES
            over = [c for c in claims if c["start"] < r["end"] and r["start"] < c["end"]]
            assert r["claims"] == [c["id"] for c in over]
            assert r["has_claim"] == bool(over) and r["checkworthy"] == any(c["checkworthy"] for c in over)


def test_on_the_gold_every_claim_is_in_a_sentences_row(repo_root):
    for d in iter_documents(repo_root):
        carried = {c for r in sentence_rows(d) for c in r["claims"]}
        assert carried == {c["id"] for c in d.layer("claim")}


# -- claim_pairs ------------------------------------------------------------------------------------------

def _lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _gold_claims(root) -> dict[str, dict]:
    return {f"{p.stem}#{r['id']}": r for p in sorted((root / "annotations" / "gold").glob("*.jsonl"))
            for r in _lines(p) if r["type"] == "claim"}


def test_every_pair_a_claim_link_labels_is_one_row_with_the_claims_verbatim(repo_root):
    claims = _gold_claims(repo_root)
    links = _lines(repo_root / "annotations" / "links.jsonl")
    rows = [r for r in claim_pair_rows(repo_root) if r["relation"] != UNRELATED]
    want = {frozenset((p["a"], p["b"])) for x in links if x["type"] == "claim" for p in x["pairs"]}
    assert {frozenset((f"{r['doc_a']}#{r['claim_a']}", f"{r['doc_b']}#{r['claim_b']}")) for r in rows} == want
    assert len(rows) == len(want)
    for r in rows:
        for side in ("a", "b"):
            c = claims[f"{r[f'doc_{side}']}#{r[f'claim_{side}']}"]
            assert (r[f"text_{side}"], r[f"claim_type_{side}"], r[f"certainty_{side}"], r[f"asserted_by_{side}"]) == \
                (c["text"], c["claim_type"], c["certainty"], c["asserted_by"])
            assert (r[f"source_{side}"] is None) or c["asserted_by"] == "attributed"


def test_claim_pairs_are_fit_for_nli_one_label_per_pair_no_leaking_column_clean_negatives_and_folds(repo_root):
    from helpers import claim_pair_problems

    rows = list(claim_pair_rows(repo_root))
    assert claim_pair_problems(rows, repo_root) == []
    assert {"link", "question", "note"}.isdisjoint(rows[0])


def test_a_pair_two_links_label_differently_is_one_row_with_the_merged_relation(repo_root):
    from kashcorpus.configs import ClaimPairs

    links = [{"id": "claim-x", "type": "claim", "members": ["a#c1", "b#c1"],
              "pairs": [{"a": "a#c1", "b": "b#c1", "relation": "agree"}]},
             {"id": "claim-y", "type": "claim", "members": ["b#c1", "a#c1"],
              "pairs": [{"a": "b#c1", "b": "a#c1", "relation": "complement"}]}]
    pairs = ClaimPairs(Path("."), links, n_unrelated=0)
    pairs.note_refs(["a#c1", "b#c1"])
    pairs.sides = {ref: (ref[0], "c1", "t", "event", "asserted", "author", None) for ref in ("a#c1", "b#c1")}
    assert [(r["id"], r["relation"], r["nli_label"]) for r in pairs.rows()] == [("a#c1/b#c1", "complement", "neutral")]


def test_an_unrelated_pair_never_holds_a_claim_nested_in_or_containing_a_linked_claim_with_its_partner(repo_root):
    from helpers import gold_claim_spans, kept_out, near

    spans = gold_claim_spans(repo_root)
    links = _lines(repo_root / "annotations" / "links.jsonl")
    joined = {(a, b) for x in links for a in x["members"] for b in x["members"] if a != b and a in spans}
    nested = [(a, b) for a in spans for b in spans if a != b and near(spans, a, b)]
    assert nested  # the gold has nested claims, so the rule has something to keep out
    rows = list(claim_pair_rows(repo_root, n_unrelated=10_000))  # every candidate
    drawn = {(f"{r['doc_a']}#{r['claim_a']}", f"{r['doc_b']}#{r['claim_b']}") for r in rows if r["relation"] == UNRELATED}
    out = kept_out(spans, joined)
    left_out = {(a, b) for a in spans for b in spans if a.split("#")[0] < b.split("#")[0] and out(a, b)}
    assert not drawn & left_out and left_out - joined  # some are kept out only by nesting


def test_the_nli_label_is_the_relation_s_mapping_and_complement_is_neutral_not_entailment(repo_root):
    from kashcorpus.configs import nli_label, nli_label_names

    assert nli_label_names() == ["entailment", "neutral", "contradiction"]
    assert [nli_label(r) for r in claim_pair_relation_names()] == ["entailment", "contradiction", "neutral", "neutral"]
    card = (repo_root / "DATACARD.md").read_text(encoding="utf-8")
    flat = " ".join(card.split())
    assert "Complement is not entailment" in flat and "kashcorpus.configs.claim_pair_folds(rows)" in flat


def test_the_document_pair_folds_keep_every_claim_and_document_of_a_test_row_out_of_training(repo_root):
    from kashcorpus.configs import claim_pair_folds

    rows = list(claim_pair_rows(repo_root))
    folds = list(claim_pair_folds(rows))
    docs = {r["doc_a"] for r in rows} | {r["doc_b"] for r in rows}
    assert len(folds) == len(docs) * (len(docs) - 1) // 2
    assert sorted(k for _, _, test in folds for k in test) == list(range(len(rows)))  # each row tested once
    for _, train, test in folds:
        seen = {x for k in train for x in (rows[k]["doc_a"], rows[k]["doc_b"])}
        assert train and not seen & {x for k in test for x in (rows[k]["doc_a"], rows[k]["doc_b"])}


def test_the_unrelated_pairs_are_the_lowest_ranked_candidates_and_another_seed_draws_another_set(repo_root):
    from helpers import gold_claim_spans, kept_out

    spans = gold_claim_spans(repo_root)
    links = _lines(repo_root / "annotations" / "links.jsonl")
    joined = [(a, b) for x in links for a in x["members"] for b in x["members"] if a != b and a in spans]
    refs = list(spans)
    out = kept_out(spans, joined)
    candidates = [(a, b) if a.split("#")[0] < b.split("#")[0] else (b, a) for i, a in enumerate(refs) for b in refs[i + 1:]
                  if a.split("#")[0] != b.split("#")[0] and not out(a, b)]
    pick = lambda rows: {(f"{r['doc_a']}#{r['claim_a']}", f"{r['doc_b']}#{r['claim_b']}") for r in rows  # noqa: E731
                         if r["relation"] == UNRELATED}
    drawn = pick(claim_pair_rows(repo_root))
    cut = max(unrelated_rank(a, b) for a, b in drawn)
    assert {c for c in candidates if unrelated_rank(*c) <= cut} == drawn
    assert pick(claim_pair_rows(repo_root)) == drawn  # deterministic
    assert pick(claim_pair_rows(repo_root, seed=CLAIM_PAIR_SEED + 1)) != drawn
    assert len(pick(claim_pair_rows(repo_root, n_unrelated=3))) == 3


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
def test_the_rank_of_a_pair_depends_only_on_the_seed_and_the_two_ids(seed, a, b):
    assert unrelated_rank(a, b, seed) == unrelated_rank(a, b, seed)
    assert re.fullmatch(r"[0-9a-f]{64}", unrelated_rank(a, b, seed))


def test_the_relation_label_set_is_the_link_relations_then_unrelated_and_the_card_states_seed_and_method(repo_root):
    assert claim_pair_relation_names() == [*taxonomy()["relation"], "unrelated"]
    card = (repo_root / "DATACARD.md").read_text(encoding="utf-8")
    assert f"(seed {CLAIM_PAIR_SEED};" in card and f'`"{CLAIM_PAIR_SEED}\\t<a>\\t<b>"`' in card
    assert Counter(r["relation"] for r in claim_pair_rows(repo_root))[UNRELATED] > 0


# -- features: plain dictionaries, the same as datasets' own -----------------------------------------------

def test_every_config_s_feature_dictionary_is_what_datasets_makes_of_it_schema_metadata_and_all():
    from datasets import Features

    from kashcorpus.columns import arrow_schema
    from kashcorpus.configs import CONFIGS

    for name, config in CONFIGS.items():
        spec = config.spec()
        features = Features.from_dict(spec)
        assert features.to_dict() == spec, name
        assert Features.from_dict(features.to_dict()) == features, name
        ours, theirs = arrow_schema(spec), features.arrow_schema
        assert ours.equals(theirs, check_metadata=True), name
        assert ours.metadata == theirs.metadata, name
        assert config.features() == features, name


def test_the_card_yaml_of_every_config_is_what_datasets_writes_for_its_features():
    from datasets import Features

    from kashcorpus.build import yaml_features
    from kashcorpus.configs import CONFIGS

    for name, config in CONFIGS.items():
        assert yaml_features(config.spec()) == Features.from_dict(config.spec())._to_yaml_list(), name


def test_the_one_pass_gives_every_config_exactly_the_rows_of_its_own_reading(repo_root):
    from kashcorpus.configs import CONFIGS, one_pass

    got: dict[str, list] = {name: [] for name in CONFIGS}
    for name, rows in one_pass(repo_root):
        got[name] += list(rows)
    for name, config in CONFIGS.items():
        assert got[name] == list(config.rows(repo_root)), name


def _unrelated_by_sorting_every_candidate(refs: list[str], together: set[frozenset], n: int, seed: int) -> list:
    """The draw as first written: every candidate in a list, sorted by its hex rank, the n lowest, sorted by ids."""
    from kashcorpus.configs import _ref_key

    refs = sorted(refs, key=_ref_key)
    candidates = [(x, y) for i, x in enumerate(refs) for y in refs[i + 1:]
                  if x.split("#", 1)[0] != y.split("#", 1)[0] and frozenset((x, y)) not in together]
    return sorted(sorted(candidates, key=lambda xy: unrelated_rank(xy[0], xy[1], seed))[:n],
                  key=lambda xy: (_ref_key(xy[0]), _ref_key(xy[1])))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 30)), unique=True, max_size=40), st.data(),
       st.integers(0, 25), st.integers(0, 3))
def test_the_unrelated_draw_held_n_at_a_time_is_the_draw_over_every_candidate_sorted(claims, data, n, seed):
    import kashcorpus.configs as configs
    from kashcorpus.configs import ClaimPairs

    refs = [f"kash-{d:03d}#c{c}" for d, c in claims]
    pairs = [(x, y) for i, x in enumerate(refs) for y in refs[i + 1:]]
    linked = data.draw(st.lists(st.sampled_from(pairs), max_size=6)) if pairs else []
    drawer = ClaimPairs(Path("."), [], seed)
    drawer.note_refs(refs)
    chunk = configs.CHUNK
    configs.CHUNK = data.draw(st.sampled_from([1, 3, 1 << 14]))  # small chunks: the threshold path runs too
    try:
        got = drawer._unrelated({p for x, y in linked for p in ((x, y), (y, x))}, n)
    finally:
        configs.CHUNK = chunk
    assert got == _unrelated_by_sorting_every_candidate(refs, {frozenset(p) for p in linked}, n, seed)


def test_a_corpus_too_large_to_rank_every_pair_draws_its_unrelated_pairs_one_at_a_time():
    from kashcorpus.configs import EXACT_DRAW_PAIRS, ClaimPairs

    refs = [f"d{d:04d}#c{c}" for d in range(400) for c in range(1, 9)]  # 3,200 claims: over 5 million pairs
    assert len(refs) * (len(refs) - 1) // 2 > EXACT_DRAW_PAIRS
    linked = {("d0000#c1", "d0001#c1"), ("d0001#c1", "d0000#c1")}
    draws = []
    for _ in range(2):
        pairs = ClaimPairs(Path("."), [], seed=15)
        pairs.note_refs(reversed(refs))
        draws.append(pairs._unrelated(linked, 500))
    drawn = draws[0]
    assert drawn == draws[1]  # seeded: the same pairs every time
    assert len(drawn) == len(set(drawn)) == 500
    assert all(a.split("#")[0] != b.split("#")[0] for a, b in drawn)
    assert not {("d0000#c1", "d0001#c1")} & set(drawn)
    key = [(a.split("#")[0], int(a.split("#c")[1]), b.split("#")[0], int(b.split("#c")[1])) for a, b in drawn]
    assert key == sorted(key)
    assert len({a.split("#")[0] for pair in drawn for a in pair}) > 200  # spread over the corpus


@given(st.lists(st.tuples(st.sampled_from(["kash-002", "kash-000", "kash-010", "kash-001"]), st.integers(1, 40)),
                unique=True, max_size=40))
def test_the_claim_index_holds_every_claim_at_its_place_in_id_order(claims):
    from kashcorpus.configs import ClaimPairs, _ref_key

    refs = [f"{d}#c{c}" for d, c in claims]
    pairs = ClaimPairs(Path("."), [])
    pairs.note_refs(refs)
    index = pairs.index()
    in_order = sorted(refs, key=_ref_key)
    assert [index.ref(p) for p in range(len(index))] == in_order
    assert [index.position(r) for r in in_order] == list(range(len(refs)))
    assert index.position("kash-003#c1") is None and index.position("kash-000#c41") is None
    docs = [r.split("#")[0] for r in in_order]
    assert all((index.block(i) == index.block(j)) == (docs[i] == docs[j])
               for i in range(len(refs)) for j in range(len(refs)))


def test_the_one_at_a_time_draw_names_the_pairs_a_plain_list_of_every_claim_names():
    import hashlib

    from kashcorpus.configs import ClaimPairs, _ref_key

    refs = [f"d{d:04d}#c{c}" for d in range(400) for c in (3, 1, 12, 2, 7, 5, 9, 4)]
    together = {("d0000#c1", "d0001#c1"), ("d0001#c1", "d0000#c1")}
    pairs = ClaimPairs(Path("."), [], seed=15)
    pairs.note_refs(refs)
    got = pairs._unrelated(together, 300)
    plain = sorted(refs, key=_ref_key)
    position = {r: i for i, r in enumerate(plain)}
    skip = {(position[x], position[y]) for x, y in together}
    drawn, k = set(), 0
    while len(drawn) < 300:
        digest = hashlib.sha256(f"15\tdraw\t{k}".encode()).digest()
        k += 1
        i, j = sorted((int.from_bytes(digest[:8], "big") % len(plain), int.from_bytes(digest[8:16], "big") % len(plain)))
        if plain[i].split("#")[0] != plain[j].split("#")[0] and (i, j) not in skip:
            drawn.add((i, j))
    assert got == sorted(((plain[i], plain[j]) for i, j in drawn), key=lambda xy: (_ref_key(xy[0]), _ref_key(xy[1])))


def test_the_data_card_s_fold_recipe_gives_what_claim_pair_folds_gives(repo_root):
    from kashcorpus.configs import claim_pair_folds

    card = (repo_root / "DATACARD.md").read_text(encoding="utf-8")
    assert 'held = {test[0]["doc_a"], test[0]["doc_b"]}' in card
    rows = list(claim_pair_rows(repo_root))
    for fold, train, test in claim_pair_folds(rows):
        picked = [k for k, r in enumerate(rows) if r["fold"] == fold]
        held = {rows[picked[0]]["doc_a"], rows[picked[0]]["doc_b"]}
        assert test == picked
        assert train == [k for k, r in enumerate(rows) if r["doc_a"] not in held and r["doc_b"] not in held]


@st.composite
def _claims_and_links(draw):
    """Documents of claims with random (often nested) spans, and claim links with labelled pairs over them."""
    docs, refs, spans = [], [], {}
    for n in range(draw(st.integers(2, 4))):
        doc, records = f"kash-{n:03d}", []
        for k in range(1, draw(st.integers(1, 6)) + 1):
            start = draw(st.integers(0, 30))
            end = draw(st.integers(start + 1, 40))
            records.append({"type": "claim", "id": f"c{k}", "start": start, "end": end, "text": "x" * (end - start),
                            "claim_type": "event", "certainty": "asserted", "asserted_by": "author", "attribution": None})
            refs.append(f"{doc}#c{k}")
            spans[refs[-1]] = (start, end)
        docs.append(DocumentRecords({"id": doc}, "x" * 40, tuple(records)))
    links = []
    for n in range(draw(st.integers(0, 3))):
        members = draw(st.lists(st.sampled_from(refs), min_size=2, max_size=4, unique=True))
        pairs = []
        cross = [(a, b) for i, a in enumerate(members) for b in members[i + 1:] if a.split("#")[0] != b.split("#")[0]]
        for a, b in (draw(st.lists(st.sampled_from(cross), max_size=3)) if cross else []):
            pairs.append({"a": a, "b": b, "relation": draw(st.sampled_from(list(taxonomy()["relation"])))})
        links.append({"id": f"claim-{n}", "type": "claim", "members": members, "pairs": pairs})
    return docs, links, spans


@settings(max_examples=80, deadline=None)
@given(_claims_and_links())
def test_any_links_give_one_row_per_pair_merged_labels_and_negatives_clear_of_linked_and_nested_claims(case):
    from helpers import kept_out

    from kashcorpus.configs import ClaimPairs, merged_relation, nli_label

    docs, links, spans = case
    pairs = ClaimPairs(Path("."), links)
    for d in docs:
        pairs.add(d)
        pairs._keep(d, set(spans))  # every claim's side values, so that rows reads no file
    rows = list(pairs.rows())
    keys = [frozenset((f"{r['doc_a']}#{r['claim_a']}", f"{r['doc_b']}#{r['claim_b']}")) for r in rows]
    assert len(set(keys)) == len(rows) and all(r["doc_a"] < r["doc_b"] for r in rows)
    labelled: dict[frozenset, list[str]] = {}
    for x in links:
        for p in x["pairs"]:
            labelled.setdefault(frozenset((p["a"], p["b"])), []).append(p["relation"])
    joined = {(a, b) for x in links for a in x["members"] for b in x["members"] if a != b}
    out = kept_out(spans, joined)
    for r, key in zip(rows, keys):
        assert r["relation"] == (merged_relation(labelled[key]) if key in labelled else UNRELATED)
        assert r["nli_label"] == nli_label(r["relation"]) and r["id"] == "/".join(sorted(key, key=_ref_order))
        if r["relation"] == UNRELATED:
            assert not out(*sorted(key, key=_ref_order))
    free = sum(1 for i, a in enumerate(spans) for b in list(spans)[i + 1:]
               if a.split("#")[0] != b.split("#")[0] and not out(a, b))
    assert sum(r["relation"] == UNRELATED for r in rows) == min(len(labelled), free)


def _ref_order(ref: str):
    doc, rid = ref.split("#")
    return doc, int(rid[1:])

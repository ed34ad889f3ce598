"""The link relations agree / complement / conflict: the guideline examples as a corpus the validator
accepts and the scorer tells apart, and the corpus pairs the decisions log cites labelled as it says."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from kashcorpus.evaluate.layers import link_scores
from kashcorpus.io import dumps_annotation_file, dumps_line, dumps_table
from kashcorpus.resources import schema_version, taxonomy
from kashcorpus.validate import validate

ROOT = Path(__file__).resolve().parent.parent

# One text per document; every claim is a quote of guidelines 5.3.
TEXTS = {
    "rel-a": "The strike began on 4 March. Marta Oliveira, the federation's treasurer, spoke first.\n",
    "rel-b": "The strike began on 7 March. Pickets were led by federation treasurer Marta Oliveira.\n",
    "rel-c": "The strike began in March. Among the speakers was press officer Marta Oliveira.\n",
    "rel-d": "The strike began on 4 March in Setúbal.\n",
    "rel-e": "The ship unloaded grain in Lisbon. The ministry denied that the report had been altered.\n",
    "rel-f": "The ship unloaded fertiliser in Lisbon. Staff say the report was altered.\n",
}
CLAIMS = {  # member -> (quote, claim_type, attribution)
    "rel-a#c1": ("The strike began on 4 March", "event", None),
    "rel-a#c2": ("Marta Oliveira, the federation's treasurer", "fact", None),
    "rel-b#c1": ("The strike began on 7 March", "event", None),
    "rel-b#c2": ("federation treasurer Marta Oliveira", "fact", None),
    "rel-c#c1": ("The strike began in March", "event", None),
    "rel-c#c2": ("press officer Marta Oliveira", "fact", None),
    "rel-d#c1": ("The strike began on 4 March in Setúbal", "event", None),
    "rel-e#c1": ("The ship unloaded grain in Lisbon", "event", None),
    "rel-e#c2": ("the report had been altered", "event", ("The ministry", "denied", "organisation")),
    "rel-f#c1": ("The ship unloaded fertiliser in Lisbon", "event", None),
    "rel-f#c2": ("the report was altered", "event", ("Staff", "say", "collective")),
}
# (a, b, relation) as guidelines 5.3.1-5.3.3 state them, quote by quote.
STATED = [
    ("rel-a#c1", "rel-b#c1", "conflict"),
    ("rel-e#c2", "rel-f#c2", "conflict"),
    ("rel-a#c2", "rel-b#c2", "agree"),
    ("rel-c#c1", "rel-d#c1", "agree"),
    ("rel-a#c2", "rel-c#c2", "complement"),
    ("rel-e#c1", "rel-f#c1", "complement"),
]
# The remaining cross-document pairs of the same links, decided by the same three questions.
DERIVED = [
    ("rel-a#c1", "rel-c#c1", "agree"),        # "in March" is a less specific form of "4 March"
    ("rel-a#c1", "rel-d#c1", "agree"),        # a gives only what d gives
    ("rel-b#c1", "rel-c#c1", "agree"),        # 7 March is in March
    ("rel-b#c1", "rel-d#c1", "conflict"),     # 7 March vs 4 March
    ("rel-b#c2", "rel-c#c2", "complement"),   # treasurer vs press officer
]
LINKS = {
    "claim-strike-start": ["rel-a#c1", "rel-b#c1", "rel-c#c1", "rel-d#c1"],
    "claim-marta-oliveira-role": ["rel-a#c2", "rel-b#c2", "rel-c#c2"],
    "claim-ship-cargo": ["rel-e#c1", "rel-f#c1"],
    "claim-report-altered": ["rel-e#c2", "rel-f#c2"],
}
NEIGHBOUR = {"agree": "complement", "complement": "conflict", "conflict": "complement"}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _span(text: str, quote: str) -> dict:
    start = text.index(quote)
    return {"start": start, "end": start + len(quote), "text": quote}


def _records(doc: str) -> list[dict]:
    text = TEXTS[doc]
    recs = [{"type": "zone", "id": "z1", "start": 0, "end": len(text), "text": text, "label": "body"}]
    if "Lisbon" in text:
        recs.append({"type": "mention", "id": "m1", **_span(text, "Lisbon"), "label": "GPE", "entity": "lisbon"})
    for member, (quote, ctype, attr) in CLAIMS.items():
        if not member.startswith(doc + "#"):
            continue
        rid = member.split("#")[1]
        aid = f"a{rid[1:]}" if attr else None
        recs.append({"type": "claim", "id": rid, **_span(text, quote), "claim_type": ctype,
                     "certainty": "reported" if attr else "asserted", "checkworthy": True,
                     "asserted_by": "attributed" if attr else "author", "attribution": aid})
        if attr:
            source, cue, source_type = attr
            recs.append({"type": "attribution", "id": aid, "source": _span(text, source), "source_type": source_type,
                         "source_entity": None, "cue": _span(text, cue), "content": _span(text, quote),
                         "parent": None})
    return recs


def _links(relations: list[tuple[str, str, str]]) -> list[dict]:
    out = []
    for lid, members in LINKS.items():
        pairs = [{"a": a, "b": b, "relation": r} for a, b, r in relations if a in members and b in members]
        out.append({"id": lid, "type": "claim", "description": f"Guidelines 5.3 example ({lid}).", "entity": None,
                    "members": members, "pairs": pairs})
    return out


def write_corpus(root: Path, relations=STATED + DERIVED) -> Path:
    """A valid corpus checkout of the guideline examples: texts, metadata, gold, an empty registry, links."""
    (root / "corpus" / "texts").mkdir(parents=True)
    (root / "annotations" / "gold").mkdir(parents=True)
    metas = []
    for doc, text in TEXTS.items():
        data = text.encode("utf-8")
        (root / "corpus" / "texts" / f"{doc}.txt").write_bytes(data)
        unknown = {"value": None, "evidence": None, "reason": "A constructed example."}
        metas.append({"id": doc, "seed_file": f"{doc}.txt", "sha256": hashlib.sha256(data).hexdigest(),
                      "length": len(text), "bytes": len(data), "language": "en", "title": unknown,
                      "publisher": unknown, "author": unknown,
                      "date": {"value": None, "precision": None, "basis": "unknown", "evidence": None,
                               "reason": "A constructed example."},
                      "genre": {"value": "news-report", "evidence": None}, "rights": "CC BY 4.0"})
        header = {"type": "header", "doc": doc, "layer": "gold", "text_sha256": hashlib.sha256(data).hexdigest(),
                  "schema_version": schema_version()}
        (root / "annotations" / "gold" / f"{doc}.jsonl").write_bytes(dumps_annotation_file([header, *_records(doc)]))
    (root / "corpus" / "documents.jsonl").write_bytes(dumps_table(metas, "document"))
    lisbon = {"id": "lisbon", "name": "Lisbon", "type": "GPE", "aliases": ["Lisbon"], "description": "Capital of Portugal."}
    (root / "annotations" / "entities.jsonl").write_bytes(dumps_line(lisbon, "entity"))
    (root / "annotations" / "links.jsonl").write_bytes(dumps_table(_links(relations), "link"))
    return root


def _gold_records() -> dict[str, list[dict]]:
    return {doc: _records(doc) for doc in TEXTS}


def test_the_taxonomy_lists_the_three_relations_with_the_earlier_ids_unchanged():
    assert list(taxonomy()["relation"]) == ["agree", "conflict", "complement"]


def test_every_relation_example_of_the_guidelines_is_a_fixture_pair_with_the_relation_it_states():
    guide = _norm((ROOT / "docs" / "guidelines.md").read_text(encoding="utf-8"))
    for a, b, relation in STATED:
        stated = f'"{CLAIMS[a][0]}" vs "{CLAIMS[b][0]}" → {relation}'
        if stated not in guide:
            stated = f'"The ministry denied that {CLAIMS[a][0]}" vs "{CLAIMS[b][0]}" → {relation}'
        assert stated in guide, f"guidelines 5.3 no longer say: {stated}"
    for doc, text in TEXTS.items():
        for member, (quote, _t, _a) in CLAIMS.items():
            assert not member.startswith(doc + "#") or quote in text


def test_the_guideline_examples_form_a_corpus_the_validator_accepts(tmp_path):
    report = validate(write_corpus(tmp_path / "c"))
    assert report.flat() == []


def test_a_relation_outside_the_taxonomy_is_refused_with_the_allowed_ones(tmp_path):
    root = write_corpus(tmp_path / "c", [(a, b, "contradicts" if r == "conflict" else r) for a, b, r in STATED + DERIVED])
    codes = {code for code, _file, _line in validate(root).flat()}
    assert codes == {"unknown-label"}


def test_every_pair_of_every_link_of_the_fixture_is_labelled(tmp_path):
    for link in _links(STATED + DERIVED):
        docs = {m: m.split("#")[0] for m in link["members"]}
        expected = {frozenset((a, b)) for a in docs for b in docs if docs[a] < docs[b]}
        assert {frozenset((p["a"], p["b"])) for p in link["pairs"]} == expected, link["id"]


def test_the_gold_relations_score_one_against_themselves():
    gold = _links(STATED + DERIVED)
    s = link_scores(gold, _gold_records(), gold, _gold_records())["claim"]
    assert s["pairs"]["f1"] == 1.0 and s["relation"]["accuracy"] == 1.0
    assert {r: v["f1"] for r, v in s["per_relation"].items()} == {"agree": 1.0, "conflict": 1.0, "complement": 1.0}


@pytest.mark.parametrize("relation", ["agree", "complement", "conflict"])
def test_moving_the_pairs_of_one_relation_across_an_edge_counts_against_that_relation_only(relation):
    gold = _links(STATED + DERIVED)
    moved = _links([(a, b, NEIGHBOUR[r] if r == relation else r) for a, b, r in STATED + DERIVED])
    s = link_scores(gold, _gold_records(), moved, _gold_records())["claim"]
    n = sum(r == relation for _a, _b, r in STATED + DERIVED)
    total = len(STATED + DERIVED)
    assert s["b3"]["f1"] == 1.0, "the clusters are the same; only the relations moved"
    assert s["relation"]["correct"] == total - n and s["relation"]["total"] == total
    assert s["per_relation"][relation]["recall"] == 0.0 and s["pairs"]["tp"] == total - n
    assert all(v["f1"] in (None, 1.0) or k in (relation, NEIGHBOUR[relation])
               for k, v in s["per_relation"].items())
# -- the corpus pairs the decisions log cites --------------------------------------------------------

def cited_pairs() -> list[tuple[str, str, str]]:
    """``(a, b, relation)`` rows of the table of corpus examples in docs/decisions.md (5.3)."""
    log = (ROOT / "docs" / "decisions.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(agree|complement|conflict)` \| `([\w-]+#c\d+)` – `([\w-]+#c\d+)` \|", log, re.M)
    return [(a, b, rel) for rel, a, b in rows]


def test_the_decisions_log_cites_corpus_examples_of_every_relation():
    assert {rel for _a, _b, rel in cited_pairs()} == set(taxonomy()["relation"])


@pytest.mark.parametrize("a,b,relation", cited_pairs())
def test_a_corpus_pair_the_decisions_log_cites_is_labelled_as_it_says(a, b, relation):
    links = [json.loads(line) for line in (ROOT / "annotations" / "links.jsonl").read_text(encoding="utf-8").splitlines()]
    found = [p["relation"] for lk in links for p in lk["pairs"] if {p["a"], p["b"]} == {a, b}]
    assert found and set(found) == {relation}, f"{a} – {b}: {found}"

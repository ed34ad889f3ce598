"""The typed API: documents, spans, the entity registry, the attribution graph, and pandas tables."""
from __future__ import annotations

import pytest

from kashcorpus.api import Attribution, Claim, Corpus, Mention, Span

from helpers import jsonl_counts


@pytest.fixture(scope="module")
def corpus(sample_dataset) -> Corpus:
    return Corpus.load(sample_dataset[0])


def test_documents_carry_text_and_typed_layers_whose_spans_match_the_text(corpus):
    for doc in corpus:
        for m in doc.mentions:
            assert isinstance(m, Mention) and doc.text[m.span.start:m.span.end] == m.span.text
        for a in doc.attributions:
            assert isinstance(a, Attribution) and isinstance(a.content, Span)


def test_all_mentions_of_one_entity_across_documents(corpus):
    hamas = corpus.mentions(entity="hamas")
    assert hamas and {m.span.text for m in hamas} == {"Hamas"}
    assert len({m.doc for m in hamas}) == len(corpus)


def test_claims_attributed_to_anonymous_sources(corpus):
    reports = corpus.reports(source_type="anonymous")
    assert reports and all(r.attribution.source_type == "anonymous" and isinstance(r.claim, Claim) for r in reports)
    assert all(r.claim.attribution == r.attribution.id for r in reports)


def test_who_reports_what_about_a_linked_event(corpus):
    reports = corpus.who_reports("event-sample")
    assert {r.doc for r in reports} == set(sorted(corpus.documents)[:2])
    assert all(r.claim.span.contains(corpus.resolve(f"{r.doc}#m1").span) for r in reports)


def test_link_members_resolve_to_records(corpus):
    link = corpus.links["claim-sample"]
    assert all(isinstance(corpus.resolve(ref), Claim) for ref in link.members)
    assert link.pairs[0].relation == "conflict"


@pytest.mark.parametrize("table", ["documents", "zones", "mentions", "claims", "attributions", "entities", "links"])
def test_pandas_tables_have_the_corpus_counts_and_the_expected_dtypes(corpus, sample_dataset, table):
    df = corpus.to_pandas(table)
    assert len(df) == jsonl_counts(sample_dataset[0])[table]
    if "start" in df:
        assert str(df["start"].dtype) == "Int64" and str(df["doc"].dtype) == "string"
    labels = {"zones": "label", "mentions": "label", "claims": "certainty", "attributions": "source_type",
              "documents": "genre", "entities": "type", "links": "type"}[table]
    assert df[labels].dtype.name == "category" and df[labels].dtype.ordered
    if table == "claims":
        assert str(df["checkworthy"].dtype) == "boolean"


def test_an_unknown_table_is_refused(corpus):
    with pytest.raises(ValueError, match="the tables are"):
        corpus.to_pandas("nope")


def test_the_packaged_corpus_loads_without_arguments():
    import kashcorpus

    c = kashcorpus.Corpus.load()
    assert len(c) >= 5 and c["kash-000"].text


@pytest.mark.parametrize("call,names", [
    (lambda c: c.reports(source_type="anon"), ["'anon' is not a source_type label", "anonymous", "collective"]),
    (lambda c: c.attributions(source_type="Person"), ["'Person' is not a source_type label", "person"]),
    (lambda c: c.mentions(label="PERSON"), ["'PERSON' is not a mention label", "PER, ORG, GPE"]),
    (lambda c: c.claims(certainty="sure"), ["'sure' is not a certainty label", "asserted, hedged"]),
    (lambda c: c.claims(claim_type="opinion"), ["'opinion' is not a claim_type label", "evaluation"]),
    (lambda c: c.claims(speaker="x"), ["claims have no attribute 'speaker'", "certainty", "asserted_by"]),
])
def test_an_unknown_label_or_attribute_names_the_valid_values_instead_of_matching_nothing(corpus, call, names):
    import kashcorpus

    with pytest.raises(kashcorpus.UnknownLabel) as e:
        call(corpus)
    assert all(n in str(e.value) for n in names), str(e.value)


@pytest.mark.parametrize("call,names", [
    (lambda c: c.who_reports("event-..."), ["no link 'event-...'", "event-sample", "claim-sample"]),
    (lambda c: c.mentions(entity="hamaz"), ["no entity 'hamaz'", "hamas"]),
    (lambda c: c.reports(source_entity="nobody"), ["no entity 'nobody'"]),
    (lambda c: c["kash-999"], ["no document 'kash-999'", "kash-000"]),
    (lambda c: c.resolve("kash-000#m999999"), ["no record 'm999999' in kash-000"]),
    (lambda c: c.resolve("kash-000-m1"), ["'kash-000-m1' is not a record reference"]),
])
def test_an_unknown_id_raises_a_key_error_that_names_it(corpus, call, names):
    import kashcorpus

    with pytest.raises(KeyError) as e:
        call(corpus)
    assert isinstance(e.value, kashcorpus.UnknownId)
    assert all(n in str(e.value) for n in names), str(e.value)


def test_a_registry_too_long_to_list_is_answered_with_the_nearest_ids():
    corpus = Corpus.load()
    with pytest.raises(KeyError) as e:
        corpus.mentions(entity="hamaz")
    assert str(e.value) == f"no entity 'hamaz'; did you mean hamas? ({len(corpus.entities)} entities)"

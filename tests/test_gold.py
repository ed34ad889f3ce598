"""The gold annotations: pinned counts, corpus-wide invariants and spot checks of specific records."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from kashcorpus.corpus import iter_documents, read_entities, read_links
from kashcorpus.validate import validate

COUNTS = {  # zones, mentions, claims, attributions
    "kash-000": (9, 86, 40, 8),
    "kash-001": (1, 74, 36, 4),
    "kash-002": (8, 121, 52, 5),
    "kash-003": (3, 84, 30, 13),
    "kash-004": (12, 52, 28, 4),
}


@pytest.fixture(scope="module")
def docs():
    from kashcorpus.resources import data_root

    return {d.id: d for d in iter_documents(data_root())}


@pytest.fixture(scope="module")
def registry():
    from kashcorpus.resources import data_root

    return {e["id"]: e for e in read_entities(data_root())}


@pytest.fixture(scope="module")
def links():
    from kashcorpus.resources import data_root

    return {link["id"]: link for link in read_links(data_root())}


def mention(doc, text, nth=1):
    return [m for m in doc.layer("mention") if m["text"] == text][nth - 1]


def attribution_with_cue(doc, cue):
    (a,) = [a for a in doc.layer("attribution") if a["cue"] and a["cue"]["text"] == cue]
    return a


def test_the_gold_layer_has_the_pinned_number_of_records_per_layer(docs):
    got = {d: tuple(len(docs[d].layer(k)) for k in ("zone", "mention", "claim", "attribution")) for d in docs}
    assert got == COUNTS


def test_the_gold_annotations_validate_without_errors_or_warnings(repo_root):
    report = validate(repo_root)
    gold = [f for f in report.findings if not (f.file or "").startswith("annotations/passes/")]
    assert [(f.code, f.file, f.line) for f in gold] == []


def test_every_zone_layer_tiles_its_text(docs):
    for d in docs.values():
        zones = sorted(d.layer("zone"), key=lambda z: z["start"])
        assert zones[0]["start"] == 0 and zones[-1]["end"] == len(d.text), d.id
        for a, b in zip(zones, zones[1:]):
            assert a["end"] == b["start"], (d.id, a["id"], b["id"])


def test_every_mention_links_to_a_registry_entity_of_its_type(docs, registry):
    for d in docs.values():
        for m in d.layer("mention"):
            assert m["entity"] in registry, (d.id, m["id"])
            assert registry[m["entity"]]["type"] == m["label"], (d.id, m["id"])
            assert m["text"] in set(registry[m["entity"]]["aliases"]) | {registry[m["entity"]]["name"]}


def test_every_alias_occurs_as_the_text_of_a_mention_of_its_entity(docs, registry):
    used = {(m["entity"], m["text"]) for d in docs.values() for m in d.layer("mention")}
    for e in registry.values():
        assert e["aliases"] == sorted(e["aliases"])
        for alias in e["aliases"]:
            assert (e["id"], alias) in used, (e["id"], alias)


def test_no_two_registry_entities_share_a_name_or_an_alias(registry):
    forms = Counter(f for e in registry.values() for f in set(e["aliases"]) | {e["name"]})
    assert [f for f, n in forms.items() if n > 1] == []


def test_mentions_are_flat_and_claims_lie_in_body_or_standfirst_zones(docs):
    for d in docs.values():
        ms = sorted(d.layer("mention"), key=lambda m: m["start"])
        for a, b in zip(ms, ms[1:]):
            assert a["end"] <= b["start"], (d.id, a["id"], b["id"])
        for c in d.layer("claim"):
            (zone,) = [z for z in d.layer("zone") if z["start"] <= c["start"] < z["end"]]
            assert zone["label"] in ("body", "standfirst") and c["end"] <= zone["end"], (d.id, c["id"])


def test_pok_in_kash_000_is_the_pakistan_administered_kashmir_entity(docs, registry):
    m = mention(docs["kash-000"], "PoK")
    assert m["entity"] == "pakistan-administered-kashmir" and m["label"] == "GPE"
    assert registry["pakistan-administered-kashmir"]["name"] == "Pakistan-administered Kashmir"
    assert {"PoK", "Pakistan-occupied Kashmir", "Pakistan-occupied Jammu and Kashmir"} <= set(
        registry["pakistan-administered-kashmir"]["aliases"])


def test_an_acronym_in_parentheses_is_a_second_mention_of_the_same_entity(docs):
    d = docs["kash-000"]
    long, short = mention(d, "Jaish-e-Mohammed"), mention(d, "JeM")
    assert d.text[long["end"]:short["start"]] == " ("
    assert long["entity"] == short["entity"] == "jaish-e-mohammed"


def test_a_possessive_is_outside_the_mention(docs):
    d = docs["kash-000"]
    m = [m for m in d.layer("mention") if d.text[m["end"]:m["end"] + 2] == "’s" and m["text"] == "Pakistan"][0]
    assert m["entity"] == "pakistan"


def test_spelling_variants_resolve_to_one_person(docs):
    assert mention(docs["kash-000"], "Khalid Al-Qadoumi")["entity"] == "khaled-qaddoumi"
    assert mention(docs["kash-002"], "Khaled Qaddoumi")["entity"] == "khaled-qaddoumi"
    assert mention(docs["kash-002"], "Zaheer Naji")["entity"] == "naji-zaheer"
    assert mention(docs["kash-003"], "Jaish-e-Muhammad")["entity"] == "jaish-e-mohammed"
    assert mention(docs["kash-002"], "Lashkar-e-Tayyiba")["entity"] == "lashkar-e-taiba"


def test_the_ndtv_attribution_in_kash_004_nests_the_analysts(docs):
    d = docs["kash-004"]
    ndtv = attribution_with_cue(d, "as reported by")
    assert (ndtv["source"]["text"], ndtv["source_type"], ndtv["source_entity"]) == ("NDTV", "outlet", "ndtv")
    assert ndtv["content"]["text"].startswith("Senior figures from\nHamas")
    analysts = attribution_with_cue(d, "say")
    assert (analysts["source"]["text"], analysts["source_type"], analysts["parent"]) == ("analysts", "collective", ndtv["id"])


def test_the_leaders_quoted_in_the_kash_003_report_are_nested_in_the_report(docs):
    d = docs["kash-003"]
    report = attribution_with_cue(d, "highlighted")
    assert (report["source"]["text"], report["source_type"], report["source_entity"]) == ("the report", "document", "memri")
    leaders = attribution_with_cue(d, "vowed")
    assert leaders["parent"] == report["id"] and leaders["source_type"] == "organisation"
    assert leaders["content"]["text"] == "to work in close coordination with it for the cause of Jihad in Palestine and Kashmir"


def test_an_anonymous_source_carries_a_reported_claim(docs):
    d = docs["kash-001"]
    a = attribution_with_cue(d, "indicate")
    assert (a["source"]["text"], a["source_type"], a["source_entity"]) == ("Reports", "anonymous", None)
    (claim,) = [c for c in d.layer("claim") if c["attribution"] == a["id"]]
    assert (claim["asserted_by"], claim["certainty"]) == ("attributed", "reported")
    assert claim["text"] == a["content"]["text"]


def test_the_unverified_video_claim_in_kash_004(docs):
    (c,) = [c for c in docs["kash-004"].layer("claim") if c["text"].startswith("Video footage")]
    assert (c["claim_type"], c["certainty"], c["asserted_by"]) == ("event", "unverified", "author")


def test_the_rawalakot_conference_is_one_event_linked_across_all_five_articles(links):
    event = links["event-rawalakot-conference-2025"]
    assert event["entity"] == "rawalakot-conference-2025"
    assert {m.split("#")[0] for m in event["members"]} == {f"kash-00{i}" for i in range(5)}


def test_the_roles_given_to_qaddoumi_agree_or_complement_each_other_and_never_conflict(links, docs):
    link = links["claim-qaddoumi-role"]
    relations = Counter(p["relation"] for p in link["pairs"])
    assert relations == {"agree": 1, "complement": 5}
    pair = {frozenset((p["a"], p["b"])): p["relation"] for p in link["pairs"]}
    assert pair[frozenset(("kash-000#c36", "kash-003#c12"))] == "complement"  # Iran / Tehran, and the lead
    assert pair[frozenset(("kash-000#c36", "kash-001#c3"))] == "complement"  # representative / spokesperson
    assert pair[frozenset(("kash-001#c3", "kash-002#c16"))] == "agree"  # spokesperson and spokesman
    texts = {m: docs[m.split("#")[0]].layer("claim") for m in link["members"]}
    for ref, claims in texts.items():
        rid = ref.split("#")[1]
        (c,) = [c for c in claims if c["id"] == rid]
        assert "Qaddoumi" in c["text"] or "Al-Qadoumi" in c["text"]


def claim(doc, text):
    (c,) = [c for c in doc.layer("claim") if c["text"] == text]
    return c


def test_a_role_given_to_a_named_person_is_a_fact_claim_that_spans_the_name(docs):
    d = docs["kash-000"]
    outer = claim(d, "Talha Saif, the brother of JeM chief Masood Azhar")
    inner = claim(d, "JeM chief Masood Azhar")
    assert outer["claim_type"] == inner["claim_type"] == "fact" and outer["checkworthy"]
    assert outer["start"] < inner["start"] and inner["end"] == outer["end"]
    sandhu = claim(docs["kash-004"], "LeT commander Rashid Ali Sandhu")
    assert (sandhu["claim_type"], sandhu["asserted_by"]) == ("fact", "author")


def test_a_supplement_is_a_claim_nested_inside_its_sentence_claim(docs):
    d = docs["kash-004"]
    regarded = claim(d, "widely regarded as a political front for Lashkar")
    (sentence,) = [c for c in d.layer("claim") if c["text"].startswith("The meeting took place in Gujranwala")]
    assert sentence["start"] < regarded["start"] and regarded["end"] == sentence["end"]
    assert claim(d, "held publicly")["claim_type"] == "event"


def test_the_jamaat_request_is_an_attribution_nested_in_the_report_without_a_claim(docs):
    d = docs["kash-003"]
    a = attribution_with_cue(d, "has been asking on various occasions for")
    assert (a["source"]["text"], a["source_type"], a["source_entity"]) == (
        "Pakistan's largest religious-political party", "organisation", "jamaat-e-islami-pakistan")
    assert a["content"]["text"] == "the opening of a Hamas office in Islamabad"
    (parent,) = [p for p in d.layer("attribution") if p["id"] == a["parent"]]
    assert parent["source"]["text"] == "the report" and parent["content"]["start"] <= a["source"]["start"]
    assert not [c for c in d.layer("claim") if c["attribution"] == a["id"]]


def test_an_act_inside_a_purpose_claim_is_a_nested_event_and_the_motive_is_not_checkworthy(docs):
    d = docs["kash-002"]
    purpose = claim(d, "representatives from both groups have met at neutral venues to deepen their ties")
    act = claim(d, "representatives from both groups have met at neutral venues")
    assert (purpose["claim_type"], purpose["checkworthy"]) == ("causal", False)
    assert (act["claim_type"], act["checkworthy"]) == ("event", True)


def test_the_role_links_of_the_attendees_agree_across_three_articles(links, docs):
    link = links["claim-talha-saif-role"]
    assert {m.split("#")[0] for m in link["members"]} == {"kash-000", "kash-001", "kash-003"}
    assert {p["relation"] for p in link["pairs"]} == {"agree"}
    for ref in link["members"]:
        doc, rid = ref.split("#")
        (c,) = [c for c in docs[doc].layer("claim") if c["id"] == rid]
        assert "Talha Saif, " in c["text"] and "Masood Azhar" in c["text"]


def test_the_link_layer_has_the_pinned_links_members_and_relations(links):
    assert Counter(lk["type"] for lk in links.values()) == {"event": 3, "claim": 29}
    assert sum(len(lk["members"]) for lk in links.values()) == 140
    assert Counter(p["relation"] for lk in links.values() for p in lk["pairs"]) == {
        "agree": 69, "complement": 161, "conflict": 4}


def test_every_two_members_of_a_claim_link_from_different_documents_are_a_labelled_pair(links):
    for lk in links.values():
        docs_of = {m: m.split("#")[0] for m in lk["members"]}
        want = {frozenset((a, b)) for a in docs_of for b in docs_of if docs_of[a] < docs_of[b]}
        got = [frozenset((p["a"], p["b"])) for p in lk["pairs"]]
        assert len(got) == len(set(got)) and set(got) == (want if lk["type"] == "claim" else set()), lk["id"]


def test_the_only_conflicts_are_pakistans_denial_against_the_claims_that_put_the_groups_on_its_soil(links, docs):
    conflicts = [(lk["id"], p) for lk in links.values() for p in lk["pairs"] if p["relation"] == "conflict"]
    assert {lid for lid, _ in conflicts} == {"claim-pakistan-support-for-militant-groups", "claim-pakistan-haven-for-hamas"}
    assert all("kash-004#c19" in (p["a"], p["b"]) for _, p in conflicts)
    denial = claim(docs["kash-004"], "harbouring or supporting terrorist groups on its soil")
    (a,) = [a for a in docs["kash-004"].layer("attribution") if a["id"] == denial["attribution"]]
    assert (a["source"]["text"], a["cue"]["text"]) == ("Pakistan", "has historically denied")
    denied = {p["b"] if p["a"] == "kash-004#c19" else p["a"] for _, p in conflicts}
    assert denied == {"kash-000#c28", "kash-002#c27", "kash-002#c29"}  # a safe haven, a hiding place, protection
    elsewhere = [p for lk in links.values() for p in lk["pairs"]
                 if "kash-004#c19" in (p["a"], p["b"]) and p["relation"] != "conflict"]
    assert elsewhere and all(p["relation"] == "complement" and "on its soil" in p["note"] for p in elsewhere)


def test_no_link_holds_a_claim_and_a_claim_nested_in_it(links, docs):
    spans = {f"{d}#{c['id']}": (c["start"], c["end"]) for d in docs for c in docs[d].layer("claim")}
    for lk in links.values():
        claims = [m for m in lk["members"] if m in spans]
        for a in claims:
            for b in claims:
                same_doc = a != b and a.split("#")[0] == b.split("#")[0]
                assert not (same_doc and spans[a][0] <= spans[b][0] and spans[b][1] <= spans[a][1]), (lk["id"], a, b)


def test_every_pair_of_members_with_different_speakers_names_both(links, docs):
    from kashcorpus.inventory import speaker

    who = {}
    for d, doc in docs.items():
        atts = {a["id"]: a for a in doc.layer("attribution")}
        who.update({f"{d}#{c['id']}": speaker(c, atts) for c in doc.layer("claim")})
    mixed = [p for lk in links.values() for p in lk["pairs"] if who[p["a"]] != who[p["b"]]]
    assert len(mixed) > 100
    for p in mixed:
        named = p["note"].rsplit(" Speakers: ", 1)
        assert len(named) == 2 and named[1].count(";") == 1, (p["a"], p["b"], p["note"])
        for m in (p["a"], p["b"]):
            assert m.split("#")[0] in named[1], (p["a"], p["b"], named[1])



def test_two_claims_paired_in_several_links_have_one_relation_in_all(links):
    relations: dict[frozenset, set] = {}
    for lk in links.values():
        for p in lk["pairs"]:
            relations.setdefault(frozenset((p["a"], p["b"])), set()).add(p["relation"])
    assert any(len(lk["pairs"]) for lk in links.values())
    assert {tuple(sorted(k)): v for k, v in relations.items() if len(v) > 1} == {}

def test_kashmir_solidarity_day_is_an_event_three_articles_name(links, docs):
    event = links["event-kashmir-solidarity-day-2025"]
    assert event["entity"] == "kashmir-solidarity-day" and not event["pairs"]
    for ref in event["members"]:
        doc, rid = ref.split("#")
        (m,) = [m for m in docs[doc].layer("mention") if m["id"] == rid]
        assert (m["text"], m["label"], m["entity"]) == ("Kashmir Solidarity Day", "EVENT", "kashmir-solidarity-day")
    assert {m.split("#")[0] for m in event["members"]} == {"kash-000", "kash-001", "kash-003"}


def test_kash_004s_rally_is_linked_to_the_conference_as_an_inference(links):
    event = links["event-rawalakot-conference-2025"]
    assert "kash-004#c12" in event["members"] and "inference" in event["note"] and "Mirpur" in event["note"]
    for lk in links.values():
        for p in lk["pairs"]:
            if "kash-004#c12" in (p["a"], p["b"]):
                assert "inference" in p["note"], (lk["id"], p)


def test_a_role_noun_heading_a_list_of_people_is_carried_by_the_event_claim_and_roles_are_per_person(docs, links):
    for doc, head in (("kash-000", "top figures from Pakistan’s terrorist network, including"),
                      ("kash-001", "High-profile leaders from Hamas, including"),
                      ("kash-002", "Hamas leaders, including")):
        assert not [c for c in docs[doc].layer("claim") if c["text"].startswith(head) and c["claim_type"] == "fact"], doc
        assert [c for c in docs[doc].layer("claim") if head in c["text"] and c["claim_type"] == "event"], doc
    talha, kashmiri = (claim(docs["kash-000"], t) for t in ("Talha Saif, the brother of JeM chief Masood Azhar",
                                                             "Asghar Khan Kashmiri, a senior JeM commander"))
    assert f"kash-000#{talha['id']}" in links["claim-talha-saif-role"]["members"]
    assert f"kash-000#{kashmiri['id']}" in links["claim-asghar-khan-kashmiri-role"]["members"]
    spokespersons = claim(docs["kash-001"], "spokespersons Dr. Khalid Qaddoumi and Dr. Naji Zaheer")
    for person in ("qaddoumi", "zaheer"):
        assert f"kash-001#{spokespersons['id']}" in links[f"claim-{person}-role"]["members"]


def test_a_participle_or_absolute_with_clause_after_a_claim_and_its_comma_is_a_claim_of_its_own(docs):
    split = 0
    for d in docs.values():
        text, claims = d.text, d.layer("claim")
        starts = {c["start"] for c in claims}
        cues = {a["cue"]["text"] for a in d.layer("attribution") if a["cue"]}
        sources = {a["source"]["start"] for a in d.layer("attribution") if a["source"]}  # the act is no claim (3.1.7)
        for c in claims:
            m = re.match(r", (?:thereby |with )?(\w+)", text[c["end"]:])
            at = c["end"] + m.start(1) if m else None
            if m and (m.group(1).endswith("ing") or m.group(0).startswith(", with ")) \
                    and m.group(1) not in cues and at not in sources:
                assert at in starts, (d.id, c["id"], m.group(0))
                split += 1
    assert split >= 12


def test_no_fact_claim_gives_a_role_to_a_list_of_people_holding_two_role_claims_side_by_side(docs):
    for d in docs.values():
        facts = [c for c in d.layer("claim") if c["claim_type"] == "fact"]
        for c in facts:
            inner = [i for i in facts if i is not c and c["start"] <= i["start"] and i["end"] <= c["end"]]
            assert not [(a, b) for a in inner for b in inner if a["end"] <= b["start"]], (d.id, c["id"])


def test_the_purpose_rule_nests_the_act_in_a_relative_clause_as_in_a_fronted_purpose(docs):
    d = docs["kash-002"]
    for purpose, act in [(lambda t: t.startswith("To show their solidarity"), lambda t: t.startswith("a delegation of")),
                         (lambda t: t.startswith("which Hamas participated in to"), lambda t: t == "which Hamas participated in")]:
        (p,) = [c for c in d.layer("claim") if purpose(c["text"])]
        (a,) = [c for c in d.layer("claim") if act(c["text"])]
        assert (p["claim_type"], p["checkworthy"], a["claim_type"], a["checkworthy"]) == ("causal", False, "event", True)
        assert p["start"] <= a["start"] and a["end"] <= p["end"]


def test_an_evidential_claim_naming_an_effort_is_causal_in_every_article(docs):
    for doc, start in (("kash-000", "this latest development suggests a concerted effort"),
                       ("kash-001", "suggesting a deliberate attempt"),
                       ("kash-004", "Such repeated visits and public interactions point to")):
        (c,) = [c for c in docs[doc].layer("claim") if c["text"].startswith(start)]
        assert c["claim_type"] == "causal", doc

"""The dataset's configs: the features and rows of each table (build, croissant, loader and versioning read them)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterable, Iterator, Mapping

from .corpus import DocumentRecords, iter_documents, read_entities, read_links
from .resources import taxonomy
from .sentences import claim_sentences, document_sentences, sentence_id
from .tokens import spans_to_bio, tokenize

LAYERS = ("zones", "mentions", "claims", "attributions")
RECORD_TYPE = {"zones": "zone", "mentions": "mention", "claims": "claim", "attributions": "attribution"}


# -- features --------------------------------------------------------------------------------------

def _labels(table: str):
    from datasets import ClassLabel

    return ClassLabel(names=list(taxonomy()[table]))


def ner_tag_names() -> list[str]:
    """The ``ner_tags`` label set: ``O``, then ``B-``/``I-`` for each mention label in taxonomy order.

    >>> ner_tag_names()[:3]
    ['O', 'B-PER', 'I-PER']
    """
    return ["O"] + [f"{p}-{label}" for label in taxonomy()["mention"] for p in ("B", "I")]


def _span():
    from datasets import Value

    return {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}


def _layer_fields(layer: str) -> dict:
    """The fields of one layer's records (without the document id)."""
    from datasets import Value

    s = Value("string")
    base = {"id": s, **_span()}
    if layer == "zones":
        return {**base, "label": _labels("zone"), "note": s}
    if layer == "mentions":
        return {**base, "label": _labels("mention"), "entity": s, "note": s}
    if layer == "claims":
        return {**base, "claim_type": _labels("claim_type"), "certainty": _labels("certainty"),
                "checkworthy": Value("bool"), "asserted_by": _labels("asserted_by"), "attribution": s, "note": s}
    return {"id": s, "source": _span(), "source_type": _labels("source_type"), "source_entity": s,
            "cue": _span(), "content": _span(), "parent": s, "note": s}


def documents_features():
    """Features of the ``documents`` config: text, metadata and every layer as nested lists."""
    from datasets import Features, List, Value

    s = Value("string")
    return Features({
        "id": s, "text": s, "title": s, "publisher": s, "author": s, "date": s, "date_precision": s,
        "date_basis": s, "genre": _labels("genre"), "language": s, "seed_file": s, "sha256": s,
        "length": Value("int32"), "rights": s,
        **{layer: List(_layer_fields(layer)) for layer in LAYERS},
    })


def layer_features(layer: str):
    """Features of a flat layer config: one row per record, keyed by ``doc``."""
    from datasets import Features, Value

    return Features({"doc": Value("string"), **_layer_fields(layer)})


def entities_features():
    from datasets import Features, List, Value

    s = Value("string")
    return Features({"id": s, "name": s, "type": _labels("mention"), "aliases": List(s), "description": s,
                     "external_ids": List({"kb": s, "id": s}), "note": s})


def links_features():
    from datasets import Features, List, Value

    s = Value("string")
    return Features({"id": s, "type": _labels("link"), "description": s, "entity": s, "members": List(s),
                     "pairs": List({"a": s, "b": s, "relation": _labels("relation"), "note": s}), "note": s})


def ner_features():
    from datasets import ClassLabel, Features, List, Value

    i = Value("int32")
    return Features({"id": Value("string"), "doc": Value("string"), "sentence": i, "start": i, "end": i,
                     "tokens": List(Value("string")), "token_start": List(i), "token_end": List(i),
                     "ner_tags": List(ClassLabel(names=ner_tag_names()))})


# -- rows (labels as names; write_parquet encodes them as ClassLabel ids) ---------------------------

def _sp(span: dict | None) -> dict | None:
    return None if span is None else {"start": span["start"], "end": span["end"], "text": span["text"]}


def record_row(layer: str, r: dict) -> dict:
    """One record of a layer as a row (without ``doc``); keys in feature order."""
    if layer == "attributions":
        return {"id": r["id"], "source": _sp(r["source"]), "source_type": r["source_type"],
                "source_entity": r["source_entity"], "cue": _sp(r["cue"]), "content": _sp(r["content"]),
                "parent": r["parent"], "note": r.get("note")}
    row = {"id": r["id"], "start": r["start"], "end": r["end"], "text": r["text"]}
    if layer == "zones":
        row["label"] = r["label"]
    elif layer == "mentions":
        row.update(label=r["label"], entity=r["entity"])
    else:
        row.update(claim_type=r["claim_type"], certainty=r["certainty"], checkworthy=r["checkworthy"],
                   asserted_by=r["asserted_by"], attribution=r["attribution"])
    row["note"] = r.get("note")
    return row


def document_row(d: DocumentRecords) -> dict:
    """One row of the ``documents`` config."""
    m = d.meta
    return {
        "id": m["id"], "text": d.text,
        "title": m["title"]["value"], "publisher": m["publisher"]["value"], "author": m["author"]["value"],
        "date": m["date"]["value"], "date_precision": m["date"]["precision"], "date_basis": m["date"]["basis"],
        "genre": m["genre"]["value"], "language": m["language"], "seed_file": m["seed_file"],
        "sha256": m["sha256"], "length": len(d.text), "rights": m.get("rights"),
        **{layer: [record_row(layer, r) for r in d.layer(RECORD_TYPE[layer])] for layer in LAYERS},
    }


def layer_rows(root: Path, layer: str) -> Iterator[dict]:
    for d in iter_documents(root):
        for r in d.layer(RECORD_TYPE[layer]):
            yield {"doc": d.id, **record_row(layer, r)}


def entity_row(e: Mapping[str, Any]) -> dict:
    ext = e.get("external_ids") or {}
    return {"id": e["id"], "name": e["name"], "type": e["type"], "aliases": list(e["aliases"]),
            "description": e["description"], "external_ids": [{"kb": k, "id": ext[k]} for k in sorted(ext)],
            "note": e.get("note")}


def link_row(link: Mapping[str, Any]) -> dict:
    return {"id": link["id"], "type": link["type"], "description": link["description"], "entity": link["entity"],
            "members": list(link["members"]),
            "pairs": [{"a": p["a"], "b": p["b"], "relation": p["relation"], "note": p.get("note")}
                      for p in link["pairs"]],
            "note": link.get("note")}


# -- sentence-level configs (ner, sentences) --------------------------------------------------------

def ner_rows(d: DocumentRecords) -> Iterator[dict]:
    """One row per sentence: its tokens with offsets and the BIO tags of the gold mentions (``expand`` alignment).

    Tags are computed over the whole document and cut at sentence edges, which never fall inside a
    mention of the gold (tests/test_configs.py), so a sentence's tags decode to exactly its mentions.

    >>> from kashcorpus.resources import data_root
    >>> row = next(ner_rows(next(iter_documents(data_root()))))
    >>> row["sentence"], len(row["tokens"]) == len(row["ner_tags"]) == len(row["token_start"])
    (0, True)
    """
    tokens = tokenize(d.text)
    tags = spans_to_bio(tokens, [(r["start"], r["end"], r["label"]) for r in d.layer("mention")]).tags
    i = 0
    for n, s in enumerate(document_sentences(d.text, d.records, tokens)):
        first = i
        while i < len(tokens) and tokens[i].end <= s.end:
            i += 1
        toks = tokens[first:i]
        yield {"id": sentence_id(d.id, n), "doc": d.id, "sentence": n, "start": s.start, "end": s.end,
               "tokens": [t.text for t in toks], "token_start": [t.start for t in toks],
               "token_end": [t.end for t in toks], "ner_tags": tags[first:i]}


def sentences_features():
    from datasets import Features, List, Value

    s, i = Value("string"), Value("int32")
    return Features({"id": s, "doc": s, "sentence": i, "zone": _labels("zone"), "start": i, "end": i, "text": s,
                     "has_claim": Value("bool"), "checkworthy": Value("bool"), "claims": List(s)})


def sentence_rows(d: DocumentRecords) -> Iterator[dict]:
    """One row per sentence inside a zone that holds claims (:data:`kashcorpus.sentences.CLAIM_ZONES`).

    ``has_claim``: a gold claim overlaps the sentence; ``checkworthy``: one of those claims is;
    ``claims``: their ids (:func:`kashcorpus.sentences.claim_sentences`).

    >>> from kashcorpus.resources import data_root
    >>> rows = [r for d in iter_documents(data_root()) for r in sentence_rows(d)]
    >>> all(r["checkworthy"] <= r["has_claim"] == bool(r["claims"]) for r in rows)
    True
    """
    for s in claim_sentences(d.text, d.records):
        yield {"id": sentence_id(d.id, s.sentence), "doc": d.id, "sentence": s.sentence, "zone": s.zone, "start": s.start,
               "end": s.end, "text": d.text[s.start:s.end], "has_claim": bool(s.claims),
               "checkworthy": s.checkworthy, "claims": [c["id"] for c in s.claims]}


# -- claim_pairs: pairs of claims with their relation, for NLI-style research ---------------------------
# Self-contained: the related pairs are the labelled pairs of the claim links; the unrelated pairs are drawn
# from cross-document claim pairs that share no link, ranked by sha256 of the seed and the two ids.

UNRELATED = "unrelated"
CLAIM_PAIR_SEED = 15  # the seed of the unrelated pairs (the dataset card states it)
CLAIM_PAIR_SIDE = ("doc", "claim", "text", "claim_type", "certainty", "asserted_by", "source")


def claim_pair_relation_names() -> list[str]:
    """The ``relation`` label set of ``claim_pairs``: the link relations in taxonomy order, then ``unrelated``.

    >>> claim_pair_relation_names()[-1]
    'unrelated'
    """
    return [*taxonomy()["relation"], UNRELATED]


def claim_pairs_features():
    from datasets import ClassLabel, Features, Value

    s = Value("string")
    side = {"doc": s, "claim": s, "text": s, "claim_type": _labels("claim_type"), "certainty": _labels("certainty"),
            "asserted_by": _labels("asserted_by"), "source": s}
    return Features({"id": s, "link": s, "question": s, "relation": ClassLabel(names=claim_pair_relation_names()),
                     **{f"{k}_a": v for k, v in side.items()}, **{f"{k}_b": v for k, v in side.items()}, "note": s})


def _ref_key(ref: str) -> tuple[str, int]:
    doc, rid = ref.split("#", 1)
    return doc, int(rid[1:]) if rid[1:].isdigit() else -1


def unrelated_rank(a: str, b: str, seed: int = CLAIM_PAIR_SEED) -> str:
    """The rank of a candidate unrelated pair: sha256 of ``"<seed>\t<a>\t<b>"`` in hex (lowest drawn first).

    >>> unrelated_rank("kash-000#c1", "kash-001#c1")[:12]
    '6e4095f210a0'
    """
    import hashlib

    return hashlib.sha256(f"{seed}\t{a}\t{b}".encode()).hexdigest()


def claim_pair_rows(root: Path, seed: int = CLAIM_PAIR_SEED, n_unrelated: int | None = None) -> Iterator[dict]:
    """Every labelled pair of every claim link (link id order, then the link's pair order), then ``n_unrelated``
    (default: as many as the related pairs) unrelated pairs: claims of two different documents that no link
    (event or claim) has both as members, the ``n_unrelated`` lowest by :func:`unrelated_rank`, sorted by ids.

    >>> from kashcorpus.resources import data_root
    >>> rows = list(claim_pair_rows(data_root()))
    >>> sum(r["relation"] == "unrelated" for r in rows) == sum(r["relation"] != "unrelated" for r in rows)
    True
    """
    claims: dict[str, dict] = {}
    sources: dict[str, str | None] = {}
    for d in iter_documents(root):
        attributions = {a["id"]: a for a in d.layer("attribution")}
        for c in d.layer("claim"):
            ref = f"{d.id}#{c['id']}"
            claims[ref] = c
            att = attributions.get(c["attribution"]) if c["attribution"] else None
            sources[ref] = att["source"]["text"] if att is not None and att["source"] is not None else None

    def side(ref: str, suffix: str) -> dict:
        c = claims[ref]
        values = {"doc": ref.split("#", 1)[0], "claim": c["id"], "text": c["text"], "claim_type": c["claim_type"],
                  "certainty": c["certainty"], "asserted_by": c["asserted_by"], "source": sources[ref]}
        return {f"{k}_{suffix}": values[k] for k in CLAIM_PAIR_SIDE}

    links = read_links(root)
    together: set[frozenset[str]] = set()
    n_related = 0
    for link in links:
        members = [m for m in link["members"] if m in claims]
        together |= {frozenset((x, y)) for i, x in enumerate(members) for y in members[i + 1:]}
        if link["type"] != "claim":
            continue
        for pair in link["pairs"]:
            n_related += 1
            yield {"id": f"{link['id']}/{pair['a']}/{pair['b']}", "link": link["id"], "question": link["description"],
                   "relation": pair["relation"], **side(pair["a"], "a"), **side(pair["b"], "b"), "note": pair.get("note")}
    refs = sorted(claims, key=_ref_key)
    candidates = [(x, y) for i, x in enumerate(refs) for y in refs[i + 1:]
                  if x.split("#", 1)[0] != y.split("#", 1)[0] and frozenset((x, y)) not in together]
    n = n_related if n_unrelated is None else n_unrelated
    drawn = sorted(sorted(candidates, key=lambda xy: unrelated_rank(xy[0], xy[1], seed))[:n],
                   key=lambda xy: (_ref_key(xy[0]), _ref_key(xy[1])))
    for a, b in drawn:
        yield {"id": f"{UNRELATED}/{a}/{b}", "link": None, "question": None, "relation": UNRELATED,
               **side(a, "a"), **side(b, "b"), "note": None}


@dataclass(frozen=True)
class Config:
    name: str
    features: Callable
    rows: Callable[[Path], Iterable[dict]]
    description: str


CONFIGS: dict[str, Config] = {c.name: c for c in (
    Config("documents", documents_features, lambda root: (document_row(d) for d in iter_documents(root)),
           "One row per document: text, metadata and every gold layer as nested lists."),
    *(Config(layer, partial(layer_features, layer), partial(layer_rows, layer=layer),
             f"One row per gold {RECORD_TYPE[layer]} record, keyed by its document id (doc).")
      for layer in LAYERS),
    Config("entities", entities_features, lambda root: (entity_row(e) for e in read_entities(root)),
           "The corpus-wide entity registry: one row per entity."),
    Config("links", links_features, lambda root: (link_row(x) for x in read_links(root)),
           "Cross-document event and claim links: members are <doc>#<record id>."),
    Config("ner", ner_features, lambda root: (row for d in iter_documents(root) for row in ner_rows(d)),
           "One row per sentence of a document: tokens with code-point offsets and BIO tags of the gold mentions."),
    Config("sentences", sentences_features,
           lambda root: (row for d in iter_documents(root) for row in sentence_rows(d)),
           "One row per sentence of the zones that hold claims (body, standfirst): whether it contains a claim, "
           "whether one of them is check-worthy, and their ids."),
    Config("claim_pairs", claim_pairs_features, claim_pair_rows,
           "Pairs of gold claims of two documents with their relation: every labelled pair of a claim link "
           "(agree, complement, conflict) and as many seeded unrelated pairs (claims no link joins)."),
)}


def label_tables() -> dict[tuple[str, ...], str]:
    """The name of each label set a ClassLabel of the dataset uses, by its names (taxonomy tables and ``ner_tag``)."""
    tables = {tuple(v): k for k, v in taxonomy().items() if isinstance(v, dict)}
    tables[tuple(ner_tag_names())] = "ner_tag"
    tables[tuple(claim_pair_relation_names())] = "claim_pair_relation"
    return tables

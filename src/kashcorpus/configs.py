"""The dataset's configs: the features and rows of each table (build, croissant, loader and versioning read them)."""
from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from functools import partial
from pathlib import Path
from typing import Any
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence

from .corpus import DocumentRecords, iter_documents, read_entities, read_links
from .resources import nli_table, taxonomy
from .sentences import Sentence, claim_sentences, segment_columns, sentence_id, zone_edges
from .tokens import bio_columns, token_columns

LAYERS = ("zones", "mentions", "claims", "attributions")
RECORD_TYPE = {"zones": "zone", "mentions": "mention", "claims": "claim", "attributions": "attribution"}


# -- features --------------------------------------------------------------------------------------
# Features are plain dictionaries in the shape ``datasets.Features.to_dict()`` has (and the card's
# ``dataset_info.features`` YAML is made from): the build derives the Arrow schema and the label encoder
# from them without importing ``datasets``; the ``*_features()`` functions give ``datasets.Features``.

def value(dtype: str) -> dict:
    """A ``Value`` feature as a dictionary.

    >>> value("int32")
    {'dtype': 'int32', '_type': 'Value'}
    """
    return {"dtype": dtype, "_type": "Value"}


def class_label(names: list[str]) -> dict:
    """A ``ClassLabel`` feature as a dictionary (ids are positions in ``names``)."""
    return {"names": list(names), "_type": "ClassLabel"}


def list_of(feature: dict) -> dict:
    """A ``List`` feature (variable length) as a dictionary; ``feature`` is a feature or a struct of them."""
    return {"feature": feature, "_type": "List"}


def to_features(spec: dict):
    """``datasets.Features`` of a feature dictionary (imports ``datasets``).

    >>> to_features({"id": value("string")})["id"]
    Value('string')
    """
    from datasets import Features

    return Features.from_dict(spec)


def _labels(table: str) -> dict:
    return class_label(list(taxonomy()[table]))


def ner_tag_names() -> list[str]:
    """The ``ner_tags`` label set: ``O``, then ``B-``/``I-`` for each mention label in taxonomy order.

    >>> ner_tag_names()[:3]
    ['O', 'B-PER', 'I-PER']
    """
    return ["O"] + [f"{p}-{label}" for label in taxonomy()["mention"] for p in ("B", "I")]


def _span() -> dict:
    return {"start": value("int32"), "end": value("int32"), "text": value("string")}


def _layer_fields(layer: str) -> dict:
    """The fields of one layer's records (without the document id)."""
    s = value("string")
    base = {"id": s, **_span()}
    if layer == "zones":
        return {**base, "label": _labels("zone"), "note": s}
    if layer == "mentions":
        return {**base, "label": _labels("mention"), "entity": s, "note": s}
    if layer == "claims":
        return {**base, "claim_type": _labels("claim_type"), "certainty": _labels("certainty"),
                "checkworthy": value("bool"), "asserted_by": _labels("asserted_by"), "attribution": s, "note": s}
    return {"id": s, "source": _span(), "source_type": _labels("source_type"), "source_entity": s,
            "cue": _span(), "content": _span(), "parent": s, "note": s}


def documents_spec() -> dict:
    """Features of the ``documents`` config (as a dictionary): text, metadata and every layer as nested lists."""
    s = value("string")
    return {
        "id": s, "text": s, "title": s, "publisher": s, "author": s, "date": s, "date_precision": s,
        "date_basis": s, "genre": _labels("genre"), "language": s, "seed_file": s, "sha256": s,
        "length": value("int32"), "rights": s,
        **{layer: list_of(_layer_fields(layer)) for layer in LAYERS},
    }


def layer_spec(layer: str) -> dict:
    """Features of a flat layer config (as a dictionary): one row per record, keyed by ``doc``.

    >>> list(layer_spec("zones"))[:3]
    ['doc', 'id', 'start']
    """
    return {"doc": value("string"), **_layer_fields(layer)}


def entities_spec() -> dict:
    s = value("string")
    return {"id": s, "name": s, "type": _labels("mention"), "aliases": list_of(s), "description": s,
            "external_ids": list_of({"kb": s, "id": s}), "note": s}


def links_spec() -> dict:
    s = value("string")
    return {"id": s, "type": _labels("link"), "description": s, "entity": s, "members": list_of(s),
            "pairs": list_of({"a": s, "b": s, "relation": _labels("relation"), "note": s}), "note": s}


def ner_spec() -> dict:
    i = value("int32")
    return {"id": value("string"), "doc": value("string"), "sentence": i, "start": i, "end": i,
            "tokens": list_of(value("string")), "token_start": list_of(i), "token_end": list_of(i),
            "ner_tags": list_of(class_label(ner_tag_names()))}


def sentences_spec() -> dict:
    s, i = value("string"), value("int32")
    return {"id": s, "doc": s, "sentence": i, "zone": _labels("zone"), "start": i, "end": i, "text": s,
            "has_claim": value("bool"), "checkworthy": value("bool"), "claims": list_of(s)}


def documents_features():
    """``datasets.Features`` of the ``documents`` config (:func:`documents_spec`)."""
    return to_features(documents_spec())


def layer_features(layer: str):
    """``datasets.Features`` of a flat layer config (:func:`layer_spec`)."""
    return to_features(layer_spec(layer))


def entities_features():
    return to_features(entities_spec())


def links_features():
    return to_features(links_spec())


def ner_features():
    return to_features(ner_spec())


def sentences_features():
    return to_features(sentences_spec())


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

_LAST: list = [None, None]  # the last document and its tokens and sentences: ner and sentences share them


def _tokens_and_sentences(d: DocumentRecords) -> tuple[tuple[list[int], list[int], list[str]], list[Sentence]]:
    """The tokens (as columns: starts, ends, texts) and :func:`kashcorpus.sentences.document_sentences` of a
    document, computed once for the two sentence-level configs (the one pass hands them the same document in turn)."""
    if _LAST[0] is not d:
        columns = token_columns(d.text)
        _LAST[:] = [d, (columns, segment_columns(d.text, *columns, zone_edges(d.records)))]
    return _LAST[1]


def ner_rows(d: DocumentRecords) -> Iterator[dict]:
    """One row per sentence: its tokens with offsets and the BIO tags of the gold mentions (``expand`` alignment).

    Tags are computed over the whole document and cut at sentence edges, which never fall inside a
    mention of the gold (tests/test_configs.py), so a sentence's tags decode to exactly its mentions.

    >>> from kashcorpus.resources import data_root
    >>> row = next(ner_rows(next(iter_documents(data_root()))))
    >>> row["sentence"], len(row["tokens"]) == len(row["ner_tags"]) == len(row["token_start"])
    (0, True)
    """
    (starts, ends, texts), sentences = _tokens_and_sentences(d)
    tags = bio_columns(starts, ends, [(r["start"], r["end"], r["label"]) for r in d.layer("mention")]).tags
    first = 0
    for n, s in enumerate(sentences):
        i = bisect_right(ends, s.end, first)
        yield {"id": sentence_id(d.id, n), "doc": d.id, "sentence": n, "start": s.start, "end": s.end,
               "tokens": texts[first:i], "token_start": starts[first:i], "token_end": ends[first:i],
               "ner_tags": tags[first:i]}
        first = i


def sentence_rows(d: DocumentRecords) -> Iterator[dict]:
    """One row per sentence inside a zone that holds claims (:data:`kashcorpus.sentences.CLAIM_ZONES`).

    ``has_claim``: a gold claim overlaps the sentence; ``checkworthy``: one of those claims is;
    ``claims``: their ids (:func:`kashcorpus.sentences.claim_sentences`).

    >>> from kashcorpus.resources import data_root
    >>> rows = [r for d in iter_documents(data_root()) for r in sentence_rows(d)]
    >>> all(r["checkworthy"] <= r["has_claim"] == bool(r["claims"]) for r in rows)
    True
    """
    for s in claim_sentences(d.text, d.records, _tokens_and_sentences(d)[1]):
        yield {"id": sentence_id(d.id, s.sentence), "doc": d.id, "sentence": s.sentence, "zone": s.zone, "start": s.start,
               "end": s.end, "text": d.text[s.start:s.end], "has_claim": bool(s.claims),
               "checkworthy": s.checkworthy, "claims": [c["id"] for c in s.claims]}


# -- claim_pairs: pairs of claims with their relation, for NLI-style research ---------------------------
# Self-contained: one row per unordered pair of claims. The related pairs are the labelled pairs of the claim
# links (a pair two links label gets one relation, schema/nli.json's "merge"); the unrelated pairs are drawn from
# cross-document claim pairs that share no link, not even through a claim nested in or containing one of them,
# ranked by sha256 of the seed and the two ids. What only related pairs have (link, question, note) stays in
# the ``links`` config, so no column's emptiness gives the label away.

UNRELATED = "unrelated"
CLAIM_PAIR_SEED = 15  # the seed of the unrelated pairs (the dataset card states it)
CLAIM_PAIR_SIDE = ("doc", "claim", "text", "claim_type", "certainty", "asserted_by", "source")


def claim_pair_relation_names() -> list[str]:
    """The ``relation`` label set of ``claim_pairs``: the link relations in taxonomy order, then ``unrelated``.

    >>> claim_pair_relation_names()[-1]
    'unrelated'
    """
    return [*taxonomy()["relation"], UNRELATED]


def nli_label_names() -> list[str]:
    """The ``nli_label`` label set of ``claim_pairs``, in MultiNLI's order.

    >>> nli_label_names()
    ['entailment', 'neutral', 'contradiction']
    """
    return list(nli_table()["labels"])


def nli_label(relation: str) -> str:
    """The NLI label of a ``claim_pairs`` relation (``schema/nli.json``).

    >>> nli_label("agree"), nli_label("complement"), nli_label("conflict"), nli_label("unrelated")
    ('entailment', 'neutral', 'contradiction', 'neutral')
    """
    return nli_table()["relation"][relation]["nli"]


def merged_relation(relations: Iterable[str]) -> str:
    """The one relation of a pair of claims that several links label: the first of ``schema/nli.json``'s
    ``merge`` order among them (a conflict on any question is a conflict; agreement only if every link agrees).

    >>> merged_relation(["agree", "complement"]), merged_relation(["agree", "agree"])
    ('complement', 'agree')
    """
    given = set(relations)
    return next(r for r in nli_table()["merge"] if r in given)


def claim_pairs_spec() -> dict:
    s = value("string")
    side = {"doc": s, "claim": s, "text": s, "claim_type": _labels("claim_type"), "certainty": _labels("certainty"),
            "asserted_by": _labels("asserted_by"), "source": s}
    return {"id": s, "relation": class_label(claim_pair_relation_names()), "nli_label": class_label(nli_label_names()),
            "fold": value("int32"), **{f"{k}_a": v for k, v in side.items()}, **{f"{k}_b": v for k, v in side.items()}}


def claim_pairs_features():
    return to_features(claim_pairs_spec())


def _ref_key(ref: str) -> tuple[str, int]:
    doc, rid = ref.split("#", 1)
    return doc, int(rid[1:]) if rid[1:].isdigit() else -1


def pair_fold(docs: Sequence[str], a: str, b: str) -> int:
    """The ``fold`` of a pair of claims of documents ``a`` and ``b``: the place of the pair of documents among all
    pairs of ``docs`` (every document with claims, in id order), pairs in id order.

    >>> docs = ["kash-000", "kash-001", "kash-002"]
    >>> [pair_fold(docs, "kash-000", "kash-001"), pair_fold(docs, "kash-000", "kash-002"), pair_fold(docs, "kash-002", "kash-001")]
    [0, 1, 2]
    """
    i, j = sorted((bisect_left(docs, a), bisect_left(docs, b)))
    return i * (2 * len(docs) - i - 1) // 2 + j - i - 1


def claim_pair_folds(rows: Iterable[Mapping[str, Any]]) -> Iterator[tuple[int, list[int], list[int]]]:
    """The recommended protocol over ``claim_pairs`` rows: for each fold (a pair of documents), the positions of
    the training rows and of the test rows. The test rows are the fold's; the training rows are those of
    neither of its two documents, so no claim and no document of a test row is seen in training.

    >>> rows = [{"fold": 0, "doc_a": "a", "doc_b": "b"}, {"fold": 1, "doc_a": "a", "doc_b": "c"},
    ...         {"fold": 2, "doc_a": "b", "doc_b": "c"}, {"fold": 5, "doc_a": "c", "doc_b": "d"}]
    >>> list(claim_pair_folds(rows))[0]
    (0, [3], [0])
    """
    rows = list(rows)
    for fold in sorted({r["fold"] for r in rows}):
        test = [k for k, r in enumerate(rows) if r["fold"] == fold]
        held = {rows[test[0]]["doc_a"], rows[test[0]]["doc_b"]}
        yield fold, [k for k, r in enumerate(rows) if not {r["doc_a"], r["doc_b"]} & held], test


def unrelated_rank(a: str, b: str, seed: int = CLAIM_PAIR_SEED) -> str:
    """The rank of a candidate unrelated pair: sha256 of ``"<seed>\t<a>\t<b>"`` in hex (lowest drawn first).

    >>> unrelated_rank("kash-000#c1", "kash-001#c1")[:12]
    '6e4095f210a0'
    """
    import hashlib

    return hashlib.sha256(f"{seed}\t{a}\t{b}".encode()).hexdigest()


CHUNK = 1 << 14  # candidate pairs hashed at a time
# Above this many pairs of claims, ranking every candidate would grow with the square of the corpus: the
# unrelated pairs are then drawn one at a time instead (ClaimPairs._sampled). The corpus has far fewer.
EXACT_DRAW_PAIRS = 2_000_000


class ClaimIndex:
    """Every claim of the corpus in id order (:func:`_ref_key`), held as one number per claim (``c<number>``) and
    one id per document: position ``p`` is the ``p``-th claim in that order.

    >>> index = ClaimIndex(["d2", "d1"], [2, 1], [4, 9, 3])
    >>> len(index), [index.ref(p) for p in range(3)], index.position("d2#c9"), index.block(0) == index.block(1)
    (3, ['d1#c3', 'd2#c4', 'd2#c9'], 2, False)
    """

    def __init__(self, docs: Sequence[str], counts: Sequence[int], numbers: Sequence[int]) -> None:
        first = [0, *accumulate(counts)]  # where each document's numbers start, in reading order
        order = sorted(range(len(docs)), key=docs.__getitem__)
        self.docs = [docs[k] for k in order]
        self.first = [first[k] for k in order]
        self.ends = list(accumulate(counts[k] for k in order))  # the position after each document's claims
        self.numbers = numbers

    def __len__(self) -> int:
        return self.ends[-1] if self.ends else 0

    def block(self, p: int) -> int:
        """The document (its place in id order) of the claim at position ``p``."""
        return bisect_right(self.ends, p)

    def ref(self, p: int) -> str:
        b = self.block(p)
        return f"{self.docs[b]}#c{self.numbers[self.first[b] + p - (self.ends[b - 1] if b else 0)]}"

    def position(self, ref: str) -> int | None:
        """The position of ``<doc>#<claim id>``, or ``None`` if it is not a claim of the corpus."""
        doc, _, rid = ref.partition("#")
        b = bisect_left(self.docs, doc)
        if b == len(self.docs) or self.docs[b] != doc or not rid[1:].isdigit():
            return None
        lo = self.first[b]
        hi = lo + self.ends[b] - (self.ends[b - 1] if b else 0)
        k = bisect_left(self.numbers, int(rid[1:]), lo, hi)
        if k == hi or self.numbers[k] != int(rid[1:]):
            return None
        return (self.ends[b - 1] if b else 0) + k - lo


class ClaimPairs:
    """What ``claim_pairs`` needs of every document, collected during the one pass over the corpus.

    Of every claim only its number is kept, and each document's id once (:class:`ClaimIndex`: the draw ranks
    them all, in memory that grows by a few bytes a claim); the side values (text, labels, source) only of the
    claims the links name. :meth:`rows` draws the unrelated pairs and reads again only the few documents whose
    claims were drawn, for their side values.
    """

    def __init__(self, root: Path, links: Iterable[Mapping[str, Any]], seed: int = CLAIM_PAIR_SEED,
                 n_unrelated: int | None = None) -> None:
        self.root, self.links, self.seed, self.n_unrelated = root, list(links), seed, n_unrelated
        self.docs: list[str] = []  # each document with claims, in reading order
        self.counts = array("I")  # its number of claims
        self.numbers = array("I")  # the numbers of its claims (ids are c<number>), rising
        self.members = {m for link in self.links for m in link["members"]}
        self.seen: set[str] = set()  # the members of links that are claims of the corpus
        self.nested: dict[str, list[str]] = {}  # member -> the claims of its document nested in or containing it
        self.sides: dict[str, tuple] = {}  # ref -> values of CLAIM_PAIR_SIDE, for the claims rows will show

    def add(self, d: DocumentRecords) -> None:
        """Note the claims of one document, and keep the side values of those the links name."""
        self.note(d.id, [c["id"] for c in d.records if c["type"] == "claim"])
        self._keep(d, self.members)
        self._nest(d)

    def _nest(self, d: DocumentRecords) -> None:
        """Note, for each claim of ``d`` a link names, the other claims of ``d`` nested in it or containing it."""
        claims = [c for c in d.records if c["type"] == "claim"]
        for c in claims:
            if f"{d.id}#{c['id']}" not in self.members:
                continue
            near = [f"{d.id}#{o['id']}" for o in claims if o is not c and (
                o["start"] <= c["start"] and c["end"] <= o["end"] or c["start"] <= o["start"] and o["end"] <= c["end"])]
            if near:
                self.nested[f"{d.id}#{c['id']}"] = near

    def note(self, doc: str, claim_ids: Iterable[str]) -> None:
        """Note the claims of one document by their ids (``c<number>``, as the schema has them)."""
        numbers = sorted(int(rid[1:]) for rid in claim_ids)
        if numbers:
            self.docs.append(doc)
            self.counts.append(len(numbers))
            self.numbers.extend(numbers)
            self.seen.update(ref for ref in (f"{doc}#c{n}" for n in numbers) if ref in self.members)

    def note_refs(self, refs: Iterable[str]) -> None:
        """Note claims given as ``<doc>#<claim id>``, in any order (a document's all together).

        >>> pairs = ClaimPairs(Path("."), [])
        >>> pairs.note_refs(["b#c2", "a#c1", "b#c1"])
        >>> [pairs.index().ref(p) for p in range(3)]
        ['a#c1', 'b#c1', 'b#c2']
        """
        by_doc: dict[str, list[str]] = {}
        for ref in refs:
            doc, _, rid = ref.partition("#")
            by_doc.setdefault(doc, []).append(rid)
        for doc, ids in by_doc.items():
            self.note(doc, ids)

    def claims(self) -> tuple[list[str], bytes, bytes, set[str], dict[str, list[str]]]:
        """What was noted, to hand to another process's :meth:`merge` (documents in reading order)."""
        return self.docs, self.counts.tobytes(), self.numbers.tobytes(), self.seen, self.nested

    def merge(self, claims: tuple[list[str], bytes, bytes, set[str], dict[str, list[str]]]) -> None:
        docs, counts, numbers, seen, nested = claims
        self.docs += docs
        self.counts.frombytes(counts)
        self.numbers.frombytes(numbers)
        self.seen |= seen
        self.nested.update(nested)

    def index(self) -> ClaimIndex:
        return ClaimIndex(self.docs, self.counts, self.numbers)

    def _keep(self, d: DocumentRecords, keep: Collection[str]) -> None:
        """Keep the side values of the claims of ``d`` in ``keep`` (with the source text of their attribution)."""
        attributions = None
        for c in d.records:
            if c["type"] != "claim" or f"{d.id}#{c['id']}" not in keep:
                continue
            if attributions is None:
                attributions = {a["id"]: a for a in d.records if a["type"] == "attribution"}
            att = attributions.get(c["attribution"]) if c["attribution"] else None
            source = att["source"]["text"] if att is not None and att["source"] is not None else None
            self.sides[f"{d.id}#{c['id']}"] = (d.id, c["id"], c["text"], c["claim_type"], c["certainty"],
                                               c["asserted_by"], source)

    def _side(self, ref: str, suffix: str) -> dict:
        return {f"{k}_{suffix}": v for k, v in zip(CLAIM_PAIR_SIDE, self.sides[ref])}

    def _unrelated(self, together: set[tuple[str, str]], n: int) -> list[tuple[str, str]]:
        """The ``n`` candidate pairs lowest by :func:`unrelated_rank`, sorted by ids.

        The draw is defined over every candidate, so every one is ranked; the hashing runs in C (``map``
        over a claim's later claims, a chunk at a time) and only the ``n`` lowest are held. Two candidates
        never share a rank (different inputs to sha256), and the raw digest orders as its hex does.
        """
        import hashlib
        from bisect import insort
        from operator import methodcaller

        if n <= 0:
            return []
        index = self.index()
        skip = {(i, j) for i, j in (map(index.position, xy) for xy in together) if i is not None and j is not None}
        if len(index) * (len(index) - 1) // 2 > EXACT_DRAW_PAIRS:
            return self._sampled(index, skip, n)
        refs = [index.ref(p) for p in range(len(index))]
        docs = [r.split("#", 1)[0] for r in refs]
        encoded = [r.encode() for r in refs]
        block_end, end = [0] * len(refs), len(refs)  # claims of a document are consecutive in ``refs``
        for i in range(len(refs) - 1, -1, -1):
            if i + 1 < len(refs) and docs[i + 1] != docs[i]:
                end = i + 1
            block_end[i] = end
        sha256, digest, seed = hashlib.sha256, methodcaller("digest"), str(self.seed).encode()
        best: list[tuple[bytes, int, int]] = []  # the lowest so far, in rank order

        def offer(d: bytes, i: int, j: int) -> None:
            if (i, j) not in skip:
                insort(best, (d, i, j))
                if len(best) > n:
                    best.pop()

        for i, ref in enumerate(encoded):
            prefix = seed + b"\t" + ref + b"\t"
            for a in range(block_end[i], len(refs), CHUNK):
                digests = list(map(digest, map(sha256, map(prefix.__add__, encoded[a:a + CHUNK]))))
                if len(best) < n:
                    for k in sorted(range(len(digests)), key=digests.__getitem__)[:n + len(skip)]:
                        offer(digests[k], i, a + k)
                else:
                    for d in filter(best[-1][0].__gt__, digests):
                        offer(d, i, a + digests.index(d))
        ranked = [(refs[i], refs[j]) for _, i, j in best]
        return sorted(ranked, key=lambda xy: (_ref_key(xy[0]), _ref_key(xy[1])))

    def _sampled(self, index: ClaimIndex, skip: set[tuple[int, int]], n: int) -> list[tuple[str, str]]:
        """``n`` candidate pairs drawn one at a time, sorted by ids: the ``k``-th draw (k = 0, 1, ...) is the
        pair of the claims at the two positions (in id order) that sha256 of ``"<seed>\tdraw\t<k>"`` names; a
        pair of one document, one a link joins or one drawn before is passed over. For a corpus too large to
        rank every candidate (:data:`EXACT_DRAW_PAIRS`); the time grows with ``n``, not with the corpus.
        """
        import hashlib

        drawn: set[tuple[int, int]] = set()
        count = len(index)
        k = 0
        while len(drawn) < n and k < 64 * n + 1024:  # a corpus whose pairs are nearly all linked gives up
            digest = hashlib.sha256(f"{self.seed}\tdraw\t{k}".encode()).digest()
            k += 1
            i, j = sorted((int.from_bytes(digest[:8], "big") % count, int.from_bytes(digest[8:16], "big") % count))
            if index.block(i) != index.block(j) and (i, j) not in skip:
                drawn.add((i, j))
        return sorted(((index.ref(i), index.ref(j)) for i, j in drawn), key=lambda xy: (_ref_key(xy[0]), _ref_key(xy[1])))

    def _near(self, together: set[tuple[str, str]]) -> set[tuple[str, str]]:
        """``together`` and every pair of claims nested in or containing the two claims of one of its pairs."""
        near = set(together)
        for x, y in together:
            near.update((p, q) for p in (x, *self.nested.get(x, ())) for q in (y, *self.nested.get(y, ())))
        return near

    def rows(self) -> Iterator[dict]:
        """The rows of ``claim_pairs`` (:func:`claim_pair_rows`) from the claims noted and the links."""
        together: set[tuple[str, str]] = set()
        related: dict[tuple[str, str], list[str]] = {}
        for link in self.links:
            members = [m for m in link["members"] if m in self.seen]
            together |= {p for i, x in enumerate(members) for y in members[i + 1:] for p in ((x, y), (y, x))}
            if link["type"] != "claim":
                continue
            for pair in link["pairs"]:
                a, b = sorted((pair["a"], pair["b"]), key=_ref_key)
                related.setdefault((a, b), []).append(pair["relation"])
        n = len(related) if self.n_unrelated is None else self.n_unrelated
        drawn = self._unrelated(self._near(together), n)
        missing = {ref for pair in drawn for ref in pair if ref not in self.sides}
        for d in iter_documents(self.root, only={ref.split("#", 1)[0] for ref in missing}):
            self._keep(d, missing)
        labelled = {**{ab: merged_relation(rs) for ab, rs in related.items()}, **dict.fromkeys(drawn, UNRELATED)}
        docs = self.index().docs
        for a, b in sorted(labelled, key=lambda ab: (_ref_key(ab[0]), _ref_key(ab[1]))):
            relation = labelled[a, b]
            yield {"id": f"{a}/{b}", "relation": relation, "nli_label": nli_label(relation),
                   "fold": pair_fold(docs, a.split("#", 1)[0], b.split("#", 1)[0]),
                   **self._side(a, "a"), **self._side(b, "b")}


def claim_pair_rows(root: Path, seed: int = CLAIM_PAIR_SEED, n_unrelated: int | None = None) -> Iterator[dict]:
    """One row per unordered pair of claims, in id order (``<a>/<b>``, ``a`` the claim of the earlier document):
    every pair some claim link labels, with one relation (:func:`merged_relation` of its links' relations), and
    ``n_unrelated`` (default: as many as the related pairs) unrelated pairs: claims of two different documents
    that no link (event or claim) has both as members, nor a claim nested in or containing either of them with
    the other, the ``n_unrelated`` lowest by :func:`unrelated_rank` (a corpus with more than
    :data:`EXACT_DRAW_PAIRS` pairs of claims draws them one at a time instead). ``nli_label`` is
    :func:`nli_label` of the relation; ``fold`` is :func:`pair_fold` (the protocol: :func:`claim_pair_folds`).

    >>> from kashcorpus.resources import data_root
    >>> rows = list(claim_pair_rows(data_root()))
    >>> sum(r["relation"] == "unrelated" for r in rows) == sum(r["relation"] != "unrelated" for r in rows)
    True
    """
    pairs = ClaimPairs(root, read_links(root), seed, n_unrelated)
    for d in iter_documents(root):
        pairs.add(d)
    yield from pairs.rows()


def _layer_doc_rows(layer: str, d: DocumentRecords) -> Iterator[dict]:
    kind = RECORD_TYPE[layer]
    for r in d.records:
        if r["type"] == kind:
            yield {"doc": d.id, **record_row(layer, r)}


@dataclass(frozen=True)
class Config:
    """A configuration of the dataset: its features (a dictionary, :func:`value` & co.), its rows, what a row is.

    ``doc_rows`` gives the rows one document contributes (the build feeds it every document of its one pass);
    ``None`` for the corpus-wide tables (entities, links, claim_pairs), which :func:`one_pass` makes itself.
    """

    name: str
    spec: Callable[[], dict]
    rows: Callable[[Path], Iterable[dict]]
    description: str
    doc_rows: Callable[[DocumentRecords], Iterable[dict]] | None = None

    def features(self):
        """The features as ``datasets.Features`` (imports ``datasets``)."""
        return to_features(self.spec())


CONFIGS: dict[str, Config] = {c.name: c for c in (
    Config("documents", documents_spec, lambda root: (document_row(d) for d in iter_documents(root)),
           "One row per document: text, metadata and every gold layer as nested lists.",
           lambda d: (document_row(d),)),
    *(Config(layer, partial(layer_spec, layer), partial(layer_rows, layer=layer),
             f"One row per gold {RECORD_TYPE[layer]} record, keyed by its document id (doc).",
             partial(_layer_doc_rows, layer))
      for layer in LAYERS),
    Config("entities", entities_spec, lambda root: (entity_row(e) for e in read_entities(root)),
           "The corpus-wide entity registry: one row per entity."),
    Config("links", links_spec, lambda root: (link_row(x) for x in read_links(root)),
           "Cross-document event and claim links: members are <doc>#<record id>."),
    Config("ner", ner_spec, lambda root: (row for d in iter_documents(root) for row in ner_rows(d)),
           "One row per sentence of a document: tokens with code-point offsets and BIO tags of the gold mentions.",
           ner_rows),
    Config("sentences", sentences_spec,
           lambda root: (row for d in iter_documents(root) for row in sentence_rows(d)),
           "One row per sentence of the zones that hold claims (body, standfirst): whether it contains a claim, "
           "whether one of them is check-worthy, and their ids.",
           sentence_rows),
    Config("claim_pairs", claim_pairs_spec, claim_pair_rows,
           "One row per unordered pair of gold claims of two documents, with its relation and NLI label: every "
           "pair a claim link labels (agree, complement, conflict; one relation per pair) and as many seeded "
           "unrelated pairs (claims no link joins), with a document-pair fold."),
)}


PER_DOCUMENT = [(c.name, c.doc_rows) for c in CONFIGS.values() if c.doc_rows is not None]


def one_pass(root: Path) -> Iterator[tuple[str, Iterable[dict]]]:
    """Every config's rows from one read of the corpus, as ``(config name, rows)`` chunks.

    Each document is read once and handed to every per-document config in turn; ``claim_pairs`` keeps the
    id of each claim, and the values of the claims the links name (:class:`ClaimPairs`); ``entities`` and ``links`` come from their own
    files. A config's chunks, concatenated, are exactly ``CONFIGS[name].rows(root)``.

    >>> from kashcorpus.resources import data_root
    >>> sum(1 for name, rows in one_pass(data_root()) if name == "documents" for _ in rows)
    5
    """
    links = read_links(root)
    pairs = ClaimPairs(root, links)
    for d in iter_documents(root):
        for name, rows in PER_DOCUMENT:
            yield name, rows(d)
        pairs.add(d)
    _LAST[:] = [None, None]
    yield from corpus_wide(root, links, pairs)


def corpus_wide(root: Path, links: list, pairs: ClaimPairs) -> Iterator[tuple[str, Iterable[dict]]]:
    """The rows of the corpus-wide configs, after every document went through ``pairs``."""
    yield "entities", (entity_row(e) for e in read_entities(root))
    yield "links", (link_row(x) for x in links)
    yield "claim_pairs", pairs.rows()


def label_tables() -> dict[tuple[str, ...], str]:
    """The name of each label set a ClassLabel of the dataset uses, by its names (taxonomy tables and ``ner_tag``)."""
    tables = {tuple(v): k for k, v in taxonomy().items() if isinstance(v, dict)}
    tables[tuple(ner_tag_names())] = "ner_tag"
    tables[tuple(claim_pair_relation_names())] = "claim_pair_relation"
    tables[tuple(nli_label_names())] = "nli_label"
    return tables

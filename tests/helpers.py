"""Corpora the tests build: a small valid checkout, sample annotations of every layer, the review-site corpus."""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import orjson

from kashcorpus.io import atomic_write, dumps_annotation_file, dumps_line, dumps_table, read_jsonl, read_text
from kashcorpus.layout import Layout
from kashcorpus.resources import schema_version
from kashcorpus.store import state_dir

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


# -- a small valid checkout of short known texts (store, annotate, anchor, concurrency) ---------------------

TEXTS = {
    "doc-a": "Alpha Corp said on Monday that Beta Ltd would buy Gamma.\n"
             "Alpha Corp denied it. Officials in Delta said the deal was off.\n",
    "doc-b": "Beta Ltd reported record sales. Alpha Corp and Beta Ltd met in Delta.\n",
}
ENTITIES = [("alpha-corp", "Alpha Corp", "ORG"), ("beta-ltd", "Beta Ltd", "ORG"), ("gamma", "Gamma", "ORG"),
            ("delta", "Delta", "GPE")]
RIGHTS = "Test text written for the test suite."


def _meta(doc: str, text: str) -> dict:
    unknown = {"value": None, "evidence": None, "reason": "A test text."}
    return {"id": doc, "seed_file": f"{doc}.txt", "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "length": len(text), "bytes": len(text.encode()), "language": "en", "title": unknown,
            "publisher": unknown, "author": unknown,
            "date": {"value": None, "precision": None, "basis": "unknown", "evidence": None, "reason": "A test text."},
            "genre": {"value": "news-report", "evidence": None}, "rights": RIGHTS}


def _zones(text: str) -> list[dict]:
    """A title zone for the first line and a body zone for the rest (one body zone for a one-line text)."""
    cut = text.find("\n") + 1
    if 0 < cut < len(text):
        parts = [(0, cut, "title"), (cut, len(text), "body")]
    else:
        parts = [(0, len(text), "body")]
    return [{"type": "zone", "id": f"z{n}", "start": s, "end": e, "text": text[s:e], "label": label}
            for n, (s, e, label) in enumerate(parts, 1)]


def build_small_corpus(root: Path, texts: dict[str, str] | None = None, mentions: bool = True,
                       zones: bool = True) -> Path:
    """A valid corpus checkout of short known texts: zones, a registry, and (if ``mentions``)
    every registry name in the texts annotated as a linked gold mention."""
    texts = texts or TEXTS
    lay = Layout(Path(root))
    lay.texts_dir.mkdir(parents=True)
    lay.gold_dir.mkdir(parents=True)
    metas = []
    for doc, text in sorted(texts.items()):
        (lay.texts_dir / f"{doc}.txt").write_bytes(text.encode())
        metas.append(_meta(doc, text))
        recs = [{"type": "header", "doc": doc, "layer": "gold", "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                 "schema_version": schema_version()},
                *(_zones(text) if zones else [])]
        if mentions:
            found = []
            for eid, name, etype in ENTITIES:
                i = text.find(name)
                while i >= 0:
                    found.append((i, eid, name, etype))
                    i = text.find(name, i + 1)
            for n, (i, eid, name, etype) in enumerate(sorted(found), 1):
                recs.append({"type": "mention", "id": f"m{n}", "start": i, "end": i + len(name), "text": name,
                             "label": etype, "entity": eid})
        lay.gold_path(doc).write_bytes(b"".join(dumps_line(r, r["type"]) for r in recs))
    lay.documents_file.write_bytes(b"".join(dumps_line(m, "document") for m in metas))
    used = {name for t in texts.values() for _e, name, _t in ENTITIES if name in t} if mentions else set()
    ents = [{"id": eid, "name": name, "type": etype, "aliases": [name] if name in used else [],
             "description": f"{name}, a test entity."} for eid, name, etype in ENTITIES]
    lay.entities_file.write_bytes(b"".join(dumps_line(e, "entity") for e in ents))
    return Path(root)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the checkout except the tools' local state, by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(Path(root).rglob("*"))
            if p.is_file() and STATE not in p.relative_to(root).parts}


STATE = state_dir(Path(".")).name


# -- sample gold annotations of every layer on a copy of the real corpus (build, api, croissant, loader) ----

def annotate_sample(root: Path) -> None:
    """Write small, valid gold annotations of every layer into the corpus copy at ``root``."""
    layout = Layout(root)
    metas = sorted(read_jsonl(layout.documents_file), key=lambda m: m["id"])
    entities = {"hamas": {"id": "hamas", "name": "Hamas", "type": "ORG", "aliases": ["Hamas"],
                          "description": "Palestinian Islamist organisation.", "external_ids": {"wikidata": "Q38867"}},
                "pakistan-occupied-kashmir": {"id": "pakistan-occupied-kashmir", "name": "Pakistan-occupied Kashmir",
                                              "type": "GPE", "aliases": ["PoK"], "description": "Region."}}
    for meta in metas:
        doc = meta["id"]
        text = read_text(layout.text_path(doc))
        header = read_jsonl(layout.gold_path(doc))[0]
        recs = [header, {"type": "zone", "id": "z1", "start": 0, "end": len(text), "text": text, "label": "body"}]
        hits = sorted([(m.start(), m.end(), "ORG", "hamas") for m in re.finditer(r"\bHamas\b", text)]
                      + [(m.start(), m.end(), "GPE", "pakistan-occupied-kashmir")
                         for m in re.finditer(r"\bPoK\b", text)])
        for i, (s, e, label, ent) in enumerate(hits, 1):
            recs.append({"type": "mention", "id": f"m{i}", "start": s, "end": e, "text": text[s:e], "label": label,
                         "entity": ent})
        line = next(m for m in re.finditer(r"[^\s][^\n]*[^\s]", text) if len(m.group()) > 30)
        span = {"start": line.start(), "end": line.end(), "text": line.group()}
        recs.append({"type": "claim", "id": "c1", **span, "claim_type": "event", "certainty": "reported",
                     "checkworthy": True, "asserted_by": "attributed", "attribution": "a1", "note": "sample"})
        recs.append({"type": "attribution", "id": "a1", "source": None, "source_type": "anonymous",
                     "source_entity": None, "cue": None, "content": span, "parent": None})
        atomic_write(layout.gold_path(doc), dumps_annotation_file(recs))
    docs = [m["id"] for m in metas]
    links = [{"id": "event-sample", "type": "event", "description": "Sample event.", "entity": None,
              "members": [f"{d}#m1" for d in docs[:2]], "pairs": []},
             {"id": "claim-sample", "type": "claim", "description": "Sample claim.", "entity": None,
              "members": [f"{d}#c1" for d in docs[:2]],
              "pairs": [{"a": f"{docs[0]}#c1", "b": f"{docs[1]}#c1", "relation": "conflict", "note": "differs"}]}]
    atomic_write(layout.entities_file, dumps_table(entities.values(), "entity"))
    atomic_write(layout.links_file, dumps_table(links, "link"))


def jsonl_counts(root: Path) -> dict[str, int]:
    """Rows each config must have, counted straight from the JSON Lines files."""
    lines = lambda p: [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]  # noqa: E731
    types = Counter(r["type"] for p in (root / "annotations" / "gold").glob("*.jsonl") for r in lines(p))
    docs = len(lines(root / "corpus" / "documents.jsonl"))
    opt = lambda p: len(lines(p)) if p.exists() else 0  # noqa: E731
    return {"documents": docs, "zones": types["zone"], "mentions": types["mention"], "claims": types["claim"],
            "attributions": types["attribution"], "entities": opt(root / "annotations" / "entities.jsonl"),
            "links": opt(root / "annotations" / "links.jsonl"), **sentence_counts(root), "claim_pairs": claim_pair_count(root)}


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()] if path.exists() else []


def gold_claim_spans(root: Path) -> dict[str, tuple[int, int]]:
    """Every gold claim as ``<doc>#<id>`` with its span, from the JSON Lines files."""
    return {f"{p.stem}#{r['id']}": (r["start"], r["end"]) for p in sorted((root / "annotations" / "gold").glob("*.jsonl"))
            for r in _lines(p) if r["type"] == "claim"}


def near(spans: dict[str, tuple[int, int]], x: str, y: str) -> bool:
    """Whether claims ``x`` and ``y`` are one claim, or one is nested in the other (same document)."""
    if x.split("#")[0] != y.split("#")[0]:
        return False
    (s, e), (s2, e2) = spans[x], spans[y]
    return s <= s2 and e2 <= e or s2 <= s and e <= e2


def kept_out(spans: dict[str, tuple[int, int]], joined: Iterable[tuple[str, str]]) -> Callable[[str, str], bool]:
    """Whether a pair of claims holds a pair ``joined`` has, up to claims nested in or containing each other."""
    by_doc: dict[str, list[str]] = {}
    for ref in spans:
        by_doc.setdefault(ref.split("#")[0], []).append(ref)
    around = {x: [y for y in by_doc[x.split("#")[0]] if near(spans, x, y)] for x in spans}
    pairs = set(joined)
    return lambda a, b: any((x, y) in pairs for x in around[a] for y in around[b])


def claim_pair_count(root: Path) -> int:
    """Rows of ``claim_pairs``, counted from the JSON Lines files: the unordered pairs the claim links label, plus
    as many unrelated pairs (claims of two documents that no link joins, even through a nested claim) as there
    are, up to that number."""
    spans = gold_claim_spans(root)
    claims = list(spans)
    links = _lines(root / "annotations" / "links.jsonl")
    related = len({frozenset((p["a"], p["b"])) for x in links if x["type"] == "claim" for p in x["pairs"]})
    joined = [(a, b) for x in links for a in x["members"] for b in x["members"] if a != b and a in spans and b in spans]
    out = kept_out(spans, joined)
    free = sum(1 for i, a in enumerate(claims) for b in claims[i + 1:] if a.split("#")[0] != b.split("#")[0]
               and not out(a, b))
    return related + min(related, free)


def claim_pair_problems(rows: list[dict], root: Path) -> list[str]:
    """What makes ``claim_pairs`` rows (label names, not ids) unfit for NLI, checked against the JSON Lines files:
    one row per unordered pair with the links' relations merged, no column whose emptiness or prefix gives the
    label away, no unrelated pair holding a linked pair (or a claim nested in or containing one of its claims),
    nli_label the mapping of the relation, folds by pair of documents."""
    nli = json.loads((ROOT / "schema" / "nli.json").read_text(encoding="utf-8"))
    spans = gold_claim_spans(root)
    links = _lines(root / "annotations" / "links.jsonl")
    labelled: dict[frozenset, set[str]] = {}
    for x in links:
        for p in x.get("pairs") or []:
            labelled.setdefault(frozenset((p["a"], p["b"])), set()).add(p["relation"])
    joined = [(a, b) for x in links for a in x["members"] for b in x["members"] if a != b and a in spans and b in spans]
    problems = []
    out = kept_out(spans, joined)
    refs = [(f"{r['doc_a']}#{r['claim_a']}", f"{r['doc_b']}#{r['claim_b']}") for r in rows]
    if len({frozenset(ab) for ab in refs}) != len(rows):
        problems.append("an unordered pair of claims has two rows")
    for r, (a, b) in zip(rows, refs):
        if r["id"] != f"{a}/{b}" or r["doc_a"] >= r["doc_b"]:
            problems.append(f"{r['id']}: the id is not <a>/<b> in document order")
        want = next((m for m in nli["merge"] if m in labelled.get(frozenset((a, b)), ())), "unrelated")
        if r["relation"] != want:
            problems.append(f"{r['id']}: relation {r['relation']}, the links say {want}")
        if r["nli_label"] != nli["relation"][r["relation"]]["nli"]:
            problems.append(f"{r['id']}: nli_label {r['nli_label']} is not the mapping of {r['relation']}")
        if r["relation"] == "unrelated" and out(a, b):
            problems.append(f"{r['id']}: an unrelated pair holds a linked pair")
    for column in rows[0] if rows else ():
        empty = {k for k, r in enumerate(rows) if r[column] in (None, "", [])}
        for label in {r["relation"] for r in rows}:
            if empty and empty == {k for k, r in enumerate(rows) if r["relation"] == label}:
                problems.append(f"{column} is empty exactly for {label}")
    fold_docs: dict[int, set[frozenset]] = {}
    for r in rows:
        fold_docs.setdefault(r["fold"], set()).add(frozenset((r["doc_a"], r["doc_b"])))
    if any(len(v) != 1 for v in fold_docs.values()) or len({d for v in fold_docs.values() for d in v}) != len(fold_docs):
        problems.append("a fold is not exactly one pair of documents")
    return problems


def sentence_counts(root: Path) -> dict[str, int]:
    """Rows of the sentence-level configs: every sentence (``ner``), those inside body and standfirst zones
    (``sentences``), from the segmenter and the zone records, not from the configs' code."""
    from kashcorpus.sentences import segment

    out = {"ner": 0, "sentences": 0}
    for p in sorted((root / "annotations" / "gold").glob("*.jsonl")):
        recs = [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
        zones = [r for r in recs if r["type"] == "zone"]
        text = (root / "corpus" / "texts" / f"{p.stem}.txt").read_bytes().decode("utf-8")
        sents = segment(text, sorted({e for z in zones for e in (z["start"], z["end"])}))
        out["ner"] += len(sents)
        out["sentences"] += sum(any(z["label"] in ("body", "standfirst") and z["start"] <= s and e <= z["end"]
                                    for z in zones) for s, e in sents)
    return out


# -- the review-site corpus: known spans in kash-003, kash-004 and a small extra document (view) -----------

PAYLOADS = ('<script>document.title="pwned";window.__xss=1</script>',
            '"><img src=x onerror="window.__xss=2;document.title=\'pwned\'">',
            "javascript:window.__xss=3",
            "'><svg onload=window.__xss=4>")
FIXTURE_ENTITY = "view-test-hamas"
TEST_DOC = "view-test"
TEST_TEXT = "Title <b>not bold</b> & \U0001F600 emoji\r\nHamas met Hamas\u2019s allies in Gaza City.\n"



def span_at(text: str, needle: str, after: int = 0) -> dict:
    """The span of the first ``needle`` in ``text`` at or after ``after``."""
    start = text.index(needle, after)
    return {"start": start, "end": start + len(needle), "text": needle}


def gold_header(doc: str) -> dict:
    """A gold header for ``doc`` (its hash is a placeholder: the review site does not check it)."""
    return {"type": "header", "doc": doc, "layer": "gold", "text_sha256": "0" * 64, "schema_version": "1.0.0"}


def _tiled_zones(text: str, cuts: list[int], labels: list[str]) -> list[dict]:
    edges = [0, *cuts, len(text)]
    return [{"type": "zone", "id": f"z{i + 1}", **{"start": a, "end": b, "text": text[a:b]}, "label": lab}
            for i, (a, b, lab) in enumerate(zip(edges, edges[1:], labels))]


def _kash_003(text: str) -> list[dict]:
    claim = span_at(text, "Pakistan, particularly Pakistan-occupied Kashmir (PoK), poses a risk of becoming an ideological "
                        "and logistical safe haven for Hamas")
    crossing = span_at(text, "safe haven for Hamas, a report cited on Wednesday")
    return [
        *_tiled_zones(text, [text.index("Pakistan, particularly")], ["dateline", "body"]),
        {"type": "mention", "id": "m1", **span_at(text, "Pakistan, particularly"[:8]), "label": "GPE", "entity": "view-test-pakistan"},
        {"type": "mention", "id": "m2", **span_at(text, "Pakistan-occupied Kashmir"), "label": "GPE", "entity": None,
         "note": PAYLOADS[0]},
        {"type": "mention", "id": "m3", **span_at(text, "Pakistan-occupied Kashmir"[:8], text.index("Pakistan-occupied")),
         "label": "GPE", "entity": "view-test-pakistan"},
        {"type": "mention", "id": "m4", **span_at(text, "Hamas"), "label": "ORG", "entity": FIXTURE_ENTITY},
        {"type": "claim", "id": "c1", **claim, "claim_type": "prediction", "certainty": "reported", "checkworthy": True,
         "asserted_by": "attributed", "attribution": "a1", "note": PAYLOADS[1]},
        {"type": "claim", "id": "c2", **crossing, "claim_type": "event", "certainty": "hedged", "checkworthy": False,
         "asserted_by": "author", "attribution": None, "note": PAYLOADS[2]},
        {"type": "attribution", "id": "a1", "source": span_at(text, "a report"), "source_type": "document",
         "source_entity": None, "cue": span_at(text, "cited"), "content": claim, "parent": None, "note": PAYLOADS[3]},
    ]


def _kash_004(text: str) -> list[dict]:
    first = span_at(text, "Senior figures from\nHamas")
    return [
        {"type": "mention", "id": "m1", **span_at(text, "Hamas"), "label": "ORG", "entity": FIXTURE_ENTITY},
        {"type": "mention", "id": "m2", **span_at(text, "Hamas", first["end"] - 5), "label": "ORG", "entity": FIXTURE_ENTITY},
        {"type": "claim", "id": "c1", **span_at(text, "Senior leaders of Hamas and Lashkar-e-Taiba have reportedly met in Pakistan"),
         "claim_type": "event", "certainty": "hedged", "checkworthy": True, "asserted_by": "author", "attribution": None},
    ]


def _test_doc(text: str) -> list[dict]:
    return [
        {"type": "zone", "id": "z1", **span_at(text, text.split("\r\n")[0] + "\r\n"), "label": "title"},
        {"type": "zone", "id": "z2", "start": len(text.split("\r\n")[0]) + 2, "end": len(text),
         "text": text[len(text.split("\r\n")[0]) + 2:], "label": "body"},
        {"type": "mention", "id": "m1", **span_at(text, "\U0001F600 emoji"), "label": "EVENT", "entity": None,
         "note": "an astral code point counts once"},
        {"type": "mention", "id": "m2", **span_at(text, "Hamas", text.index("\r\n")), "label": "ORG", "entity": FIXTURE_ENTITY},
        {"type": "mention", "id": "m3", **span_at(text, "Hamas", text.index("met")), "label": "ORG", "entity": FIXTURE_ENTITY},
        {"type": "mention", "id": "m4", **span_at(text, "Gaza City"), "label": "GPE", "entity": None},
        {"type": "mention", "id": "m5", **span_at(text, "Gaza"), "label": "GPE", "entity": None},
        {"type": "claim", "id": "c1", **span_at(text, "<b>not bold</b> & \U0001F600"), "claim_type": "fact",
         "certainty": "asserted", "checkworthy": False, "asserted_by": "author", "attribution": None},
        {"type": "claim", "id": "c2", **span_at(text, "emoji\r\nHamas met"), "claim_type": "event",
         "certainty": "unverified", "checkworthy": True, "asserted_by": "author", "attribution": None},
    ]


def make_view_corpus(root: Path, *, payloads: bool = False) -> dict[str, list[dict]]:
    """Give the corpus copy at ``root`` known spans in kash-003, kash-004 and a small extra document.

    Returns the span records written, by document. With ``payloads`` every free-text field of the
    registry and the links carries script-injection attempts too.
    """
    texts = {d: (root / "corpus" / "texts" / f"{d}.txt").read_text(encoding="utf-8") for d in ("kash-003", "kash-004")}
    (root / "corpus" / "texts" / f"{TEST_DOC}.txt").write_bytes(TEST_TEXT.encode("utf-8"))
    docs = read_jsonl(root / "corpus" / "documents.jsonl")
    test_meta = {**docs[0], "id": TEST_DOC, "seed_file": "view-test.txt", "length": len(TEST_TEXT),
                 "title": {"value": "A test <em>document</em>" + (PAYLOADS[0] if payloads else ""), "evidence": None, "reason": None},
                 "publisher": {"value": PAYLOADS[1] if payloads else None, "evidence": None, "reason": "test"}}
    (root / "corpus" / "documents.jsonl").write_bytes(
        b"".join(orjson.dumps(d) + b"\n" for d in sorted(docs + [test_meta], key=lambda d: d["id"])))
    records = {"kash-003": _kash_003(texts["kash-003"]), "kash-004": _kash_004(texts["kash-004"]),
               TEST_DOC: _test_doc(TEST_TEXT)}
    for doc, recs in records.items():
        (root / "annotations" / "gold" / f"{doc}.jsonl").write_bytes(dumps_annotation_file([gold_header(doc), *recs]))
    evil = " ".join(PAYLOADS) if payloads else ""
    entities_path = root / "annotations" / "entities.jsonl"
    entities = read_jsonl(entities_path) if entities_path.exists() else []
    entities += [
        {"id": FIXTURE_ENTITY, "name": "Hamas (view test)" + evil, "type": "ORG", "aliases": ["Hamas"],
         "description": "The entity the review-site tests follow across documents." + evil,
         **({"external_ids": {"wikidata": PAYLOADS[2]}, "note": evil} if payloads else {})},
        {"id": "view-test-pakistan", "name": "Pakistan (view test)", "type": "GPE", "aliases": ["Pakistan"],
         "description": "A second test entity."},
    ]
    entities_path.write_bytes(b"".join(dumps_line(e, "entity") for e in entities))
    links_path = root / "annotations" / "links.jsonl"
    links = read_jsonl(links_path) if links_path.exists() else []
    links.append({"id": "claim-view-test", "type": "claim", "description": "Where Hamas leaders met." + evil,
                  "entity": FIXTURE_ENTITY, "members": ["kash-003#c1", "kash-004#c1", f"{TEST_DOC}#c2"],
                  "pairs": [{"a": "kash-003#c1", "b": "kash-004#c1", "relation": "agree"},
                            {"a": "kash-004#c1", "b": f"{TEST_DOC}#c2", "relation": "conflict",
                             "note": "Place differs." + evil}],
                  **({"note": evil} if payloads else {})})
    links_path.write_bytes(b"".join(dumps_line(lk, "link") for lk in links))
    return records


def expected_spans(records: list[dict]) -> dict[str, str]:
    """``{data-ref: text}`` of every span the page should draw for these records."""
    out = {}
    for r in records:
        if r["type"] == "attribution":
            for part in ("source", "cue", "content"):
                if r.get(part):
                    out[f"{r['id']}:{part}"] = r[part]["text"]
        else:
            out[r["id"]] = r["text"]
    return out


def run_cli(argv: list, capsys) -> tuple[int, str, str]:
    """``kashcorpus ARGV`` in process: its exit code (a ``SystemExit`` of argparse included), stdout and stderr."""
    from kashcorpus.cli import main

    try:
        code = main([str(a) for a in argv])
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err

"""A deterministic synthetic corpus in the real on-disk format, valid by construction, for scale tests."""
from __future__ import annotations

import hashlib
import random
from pathlib import Path

import orjson

from .io import dumps_line, dumps_table, sort_key
from .layout import Layout
from .resources import schema_version

SYLLABLES = ("ka", "lo", "mi", "ra", "te", "su", "vin", "dor", "an", "el", "is", "ur", "pa", "zen", "qua", "ti")
CUES = ("said", "reported", "claimed", "stated", "told reporters", "according to")
ENTITY_TYPES = ("PER", "ORG", "GPE", "LOC", "NORP", "EVENT", "DATE")
# error kinds that can be injected, each with the finding code it must produce
INJECTIONS = {
    "shift": "span-text-mismatch",
    "duplicate": "duplicate-id",
    "dangle": "dangling-reference",
    "label": "unknown-label",
    "range": "offset-out-of-range",
    "schema": "schema-violation",
    "syntax": "json-syntax",
}


def _word(rng: random.Random) -> str:
    bits = rng.getrandbits(14)  # one draw: the number of syllables (1-3), then up to three of the 16 syllables
    n = 1 + (bits & 3) % 3
    return "".join(SYLLABLES[(bits >> (2 + 4 * k)) & 15] for k in range(n))


def _sentence(rng: random.Random, n: int) -> str:
    words = [_word(rng) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


class _Doc:
    """Builds one text and its records side by side, so offsets are right by construction."""

    def __init__(self, doc_id: str):
        self.id = doc_id
        self.parts: list[str] = []
        self.pos = 0
        self.records: list[dict] = []
        self.n = {"z": 0, "m": 0, "c": 0, "a": 0}

    def put(self, s: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(s)
        self.pos += len(s)
        return start, self.pos

    def next_id(self, p: str) -> str:
        self.n[p] += 1
        return f"{p}{self.n[p]}"

    def span(self, kind: str, start: int, end: int, text: str, **fields) -> dict:
        rec = {"type": kind, "id": self.next_id(kind[0]), "start": start, "end": end, "text": text, **fields}
        self.records.append(rec)
        return rec


def _entities(rng: random.Random, n: int) -> list[dict]:
    ents = []
    for i in range(n):
        etype = ENTITY_TYPES[i % len(ENTITY_TYPES)]
        name = " ".join(_word(rng).capitalize() for _ in range(rng.randint(1, 3))) + f" {i}"
        alias = "".join(w[0] for w in name.split()[:-1]).upper() + f"{i}"
        ents.append({"id": f"e{i}", "name": name, "type": etype, "alias": alias})
    return ents


def _make_doc(rng: random.Random, doc_id: str, ents: list[dict], used: dict[str, set]) -> _Doc:
    d = _Doc(doc_id)
    title = _sentence(rng, rng.randint(5, 9))[:-1]
    d.put(title)
    d.put("\n\n")
    d.span("zone", 0, d.pos, title + "\n\n", label="title")
    body_start = d.pos
    target = rng.randint(3000, 6000)
    while d.pos - body_start < target:
        para_start = d.pos
        for _ in range(rng.randint(3, 6)):
            kind = rng.random()
            e = rng.choice(ents)
            surface = e["name"] if rng.random() < 0.7 else e["alias"]
            if kind < 0.65:
                d.put(_sentence(rng, rng.randint(8, 18)) + " ")
            elif kind < 0.8:
                # an attributed claim: "<Source> <cue> that <content>."
                s0, s1 = d.put(surface)
                d.span("mention", s0, s1, surface, label=e["type"], entity=e["id"])
                used[e["id"]].add(surface)
                d.put(" ")
                cue = rng.choice(CUES)
                c0, c1 = d.put(cue)
                d.put(" that ")
                content = _sentence(rng, rng.randint(6, 14))[:-1]
                k0, k1 = d.put(content)
                d.put(". ")
                a = {"type": "attribution", "id": d.next_id("a"),
                     "source": {"start": s0, "end": s1, "text": surface}, "source_type": "organisation",
                     "source_entity": e["id"], "cue": {"start": c0, "end": c1, "text": cue},
                     "content": {"start": k0, "end": k1, "text": content}, "parent": None}
                d.records.append(a)
                d.span("claim", k0, k1, content, claim_type="event", certainty="reported", checkworthy=True,
                       asserted_by="attributed", attribution=a["id"])
            else:
                pre = _sentence(rng, rng.randint(4, 10))[:-1]
                d.put(pre + " ")
                s0, s1 = d.put(surface)
                d.span("mention", s0, s1, surface, label=e["type"], entity=e["id"])
                used[e["id"]].add(surface)
                d.put(" " + _word(rng) + ". ")
        d.parts[-1] = d.parts[-1][:-1]  # every sentence piece ends in one space
        d.pos -= 1
        d.put("\n\n")
        d.span("zone", para_start, d.pos, "", label="body")
    tail = "Share this post\n"
    z0, z1 = d.put(tail)
    d.span("zone", z0, z1, tail, label="boilerplate")
    text = "".join(d.parts)
    for r in d.records:
        if r["type"] == "zone":
            r["text"] = text[r["start"]:r["end"]]
    return d


def synth(out: Path | str, docs: int, seed: int = 0, inject: int = 0, entities: int = 500) -> dict:
    """Write a synthetic corpus of ``docs`` documents to ``out``; return counts and injected errors.

    >>> import tempfile; r = synth(tempfile.mkdtemp(), docs=3, seed=1)
    >>> r["documents"], r["records"] > 100
    (3, True)
    """
    rng = random.Random(seed)
    layout = Layout(Path(out))
    for p in (layout.texts_dir, layout.gold_dir):
        p.mkdir(parents=True, exist_ok=True)
    ents = _entities(rng, entities)
    used: dict[str, set] = {e["id"]: set() for e in ents}
    version = schema_version()
    records = 0
    claims: list[str] = []
    injected: list[dict] = []
    kinds = list(INJECTIONS)
    todo = [k for k in kinds for _ in range(inject)]
    rng_inj = random.Random(seed + 1)
    inject_at: dict = {}
    if todo:
        for k in todo:
            inject_at.setdefault(rng_inj.randrange(docs), []).append(k)
    with open(layout.documents_file, "wb") as meta_f:
        for i in range(docs):
            doc_id = f"synth-{i:07d}"
            d = _make_doc(rng, doc_id, ents, used)
            text = "".join(d.parts)
            data = text.encode("utf-8")
            (layout.texts_dir / f"{doc_id}.txt").write_bytes(data)
            sha = hashlib.sha256(data).hexdigest()
            unknown = {"value": None, "evidence": None, "reason": "synthetic document"}
            meta = {"id": doc_id, "seed_file": f"{doc_id}.txt", "sha256": sha, "length": len(text), "bytes": len(data),
                    "language": "en", "title": unknown, "publisher": unknown, "author": unknown,
                    "date": {"value": None, "precision": None, "basis": "unknown", "evidence": None, "reason": "synthetic document"},
                    "genre": {"value": "news-report", "evidence": None}, "rights": "Synthetic text, CC0."}
            meta_f.write(dumps_line(meta, "document"))
            header = {"type": "header", "doc": doc_id, "layer": "gold", "text_sha256": sha, "schema_version": version}
            recs = sorted(d.records, key=sort_key)
            # the records are built with their keys in schema order: their canonical lines are plain dumps
            lines = [dumps_line(header, "header")] + [orjson.dumps(r) + b"\n" for r in recs]
            for kind in inject_at.get(i, []):
                injected.append(_inject(kind, lines, recs, doc_id, layout))
            layout.gold_path(doc_id).write_bytes(b"".join(lines))
            records += len(recs) + 1
            claims += [f"{doc_id}#{r['id']}" for r in recs if r["type"] == "claim"][:1]
    reg = []
    for e in ents:
        if not used[e["id"]]:
            continue
        aliases = sorted(used[e["id"]] - {e["name"]})
        reg.append({"id": e["id"], "name": e["name"], "type": e["type"], "aliases": aliases,
                    "description": f"Synthetic entity {e['id']}."})
    layout.entities_file.write_bytes(b"".join(dumps_line(r, "entity") for r in sorted(reg, key=lambda r: r["id"])))
    links = []
    for j in range(0, len(claims) - 1, 50):
        members = claims[j:j + 3]
        if len(members) > 1:
            links.append({"id": f"claim-synth-{j}", "type": "claim", "description": "Synthetic claim cluster.",
                          "entity": None, "members": members,
                          "pairs": [{"a": members[0], "b": members[1], "relation": "agree"}]})
    if links:  # an empty file would be a finding: a corpus without links has no links file
        layout.links_file.write_bytes(dumps_table(links, "link"))
    (Path(out) / "injected.json").write_bytes(orjson.dumps(injected, option=orjson.OPT_INDENT_2))
    return {"documents": docs, "records": records + len(reg) + len(links) + docs, "entities": len(reg),
            "links": len(links), "injected": injected}


def _inject(kind: str, lines: list[bytes], recs: list[dict], doc_id: str, layout: Layout) -> dict:
    """Break one record of ``lines`` (index 0 is the header) in place; return what must be found."""
    first = next(r for r in recs if r["type"] == "mention")
    idx = next(i for i, r in enumerate(recs, 1) if r["type"] == "mention" and r is not first and not r.get("_hit"))
    recs[idx - 1]["_hit"] = True
    rec = {k: v for k, v in recs[idx - 1].items() if k != "_hit"}
    if kind == "shift":
        rec["start"] += 1
        rec["end"] += 1
    elif kind == "duplicate":
        rec["id"] = first["id"]
    elif kind == "dangle":
        rec["entity"] = "no-such-entity"
    elif kind == "label":
        rec["label"] = "NOT_A_LABEL"
    elif kind == "range":
        rec["start"], rec["end"] = 10**7, 10**7 + 5
    elif kind == "schema":
        rec["extra"] = True
    if kind == "syntax":
        lines[idx] = lines[idx][: len(lines[idx]) // 2] + b"\n"
    else:
        lines[idx] = dumps_line(rec, "mention")
    return {"kind": kind, "code": INJECTIONS[kind], "file": f"annotations/gold/{doc_id}.jsonl", "line": idx + 1}

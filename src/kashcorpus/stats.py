"""Corpus statistics computed from the data, rendered as Markdown tables for the data card."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from .corpus import iter_documents, read_entities, read_links
from .resources import taxonomy
from .tokens import tokenize

def compute(root: Path | str) -> dict:
    """Counts of every layer of the gold annotations, the registry and the links.

    >>> from kashcorpus.resources import data_root
    >>> s = compute(data_root())
    >>> sorted(s)
    ['attributions', 'claims', 'documents', 'entities', 'links', 'mentions', 'zones']
    """
    docs: list[dict] = []
    mentioned: dict = {}
    zones, zone_chars, mentions = Counter[str](), Counter[str](), Counter[str]()
    claims, claim_by, attributions, nested = Counter[Any](), Counter[Any](), Counter[str](), Counter[str]()
    for d in iter_documents(root):
        docs.append({"id": d.id, "genre": d.meta["genre"]["value"], "characters": len(d.text),
                     "tokens": len(tokenize(d.text)), "zones": len(d.layer("zone")),
                     "mentions": len(d.layer("mention")), "claims": len(d.layer("claim")),
                     "attributions": len(d.layer("attribution"))})
        for z in d.layer("zone"):
            zones[z["label"]] += 1
            zone_chars[z["label"]] += z["end"] - z["start"]
        for m in d.layer("mention"):
            mentions[m["label"]] += 1
            mentioned.setdefault(m["label"], set()).add(m["entity"])
        for c in d.layer("claim"):
            claims[(c["claim_type"], c["certainty"])] += 1
            claim_by[(c["asserted_by"], c["checkworthy"])] += 1
        for a in d.layer("attribution"):
            attributions[a["source_type"]] += 1
            nested[a["source_type"]] += a["parent"] is not None
    entities = Counter(e["type"] for e in read_entities(root))
    links: dict[str, Counter] = {}
    for link in read_links(root):
        row = links.setdefault(link["type"], Counter())
        row["links"] += 1
        row["members"] += len(link["members"])
        for p in link["pairs"]:
            row[p["relation"]] += 1
    return {"documents": docs,
            "zones": {k: (zones[k], zone_chars[k]) for k in zones},
            "mentions": {k: (mentions[k], len(mentioned[k])) for k in mentions},
            "entities": dict(entities),
            "claims": {"by_type": dict(claims), "by_source": dict(claim_by)},
            "attributions": {k: (attributions[k], nested[k]) for k in attributions},
            "links": {k: dict(v) for k, v in links.items()}}


def _table(header: list[str], rows: list[list], text_columns: int = 1) -> list[str]:
    right = ["---:" if i >= text_columns else "---" for i in range(len(header))]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(right) + " |"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out + [""]


def to_markdown(stats: dict) -> str:
    """The statistics as Markdown tables (labels in taxonomy order, zero rows left out).

    >>> to_markdown(compute(__import__("kashcorpus.resources").resources.data_root())).startswith("### Documents")
    True
    """
    tax = taxonomy()
    out = ["### Documents", ""]
    docs = stats["documents"]
    cols = ["characters", "tokens", "zones", "mentions", "claims", "attributions"]
    rows = [[d["id"], d["genre"]] + [d[c] for c in cols] for d in docs]
    rows.append(["**total**", ""] + [sum(d[c] for d in docs) for c in cols])
    out += _table(["document", "genre", "characters", "tokens", "zones", "mentions", "claims", "attributions"], rows, 2)
    out += ["Characters are Unicode code points; tokens are words and single symbols (`kashcorpus.tokens`).", ""]

    out += ["### Zones", ""]
    out += _table(["label", "zones", "characters"],
                  [[k, *stats["zones"][k]] for k in tax["zone"] if k in stats["zones"]])

    out += ["### Mentions and entities per type", ""]
    rows = []
    for k in tax["mention"]:
        n, linked = stats["mentions"].get(k, (0, 0))
        if n or stats["entities"].get(k):
            rows.append([k, n, linked, stats["entities"].get(k, 0)])
    rows.append(["**total**", sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows)])
    out += _table(["type", "mentions", "entities mentioned", "registry entities"], rows)

    out += ["### Claims per type and certainty", ""]
    by_type = {tuple(k): v for k, v in stats["claims"]["by_type"].items()}
    certs = [c for c in tax["certainty"] if any(by_type.get((t, c)) for t in tax["claim_type"])]
    rows = [[t] + [by_type.get((t, c), 0) for c in certs] + [sum(by_type.get((t, c), 0) for c in certs)]
            for t in tax["claim_type"] if any(by_type.get((t, c)) for c in certs)]
    rows.append(["**total**"] + [sum(by_type.get((t, c), 0) for t in tax["claim_type"]) for c in certs]
                + [sum(by_type.values())])
    out += _table(["claim type"] + certs + ["total"], rows)
    by_source = {tuple(k): v for k, v in stats["claims"]["by_source"].items()}
    rows = [[a, by_source.get((a, True), 0), by_source.get((a, False), 0),
             by_source.get((a, True), 0) + by_source.get((a, False), 0)] for a in tax["asserted_by"]]
    out += _table(["asserted by", "check-worthy", "not check-worthy", "total"], rows)

    out += ["### Attributions per source type", ""]
    rows = [[k, *stats["attributions"][k]] for k in tax["source_type"] if k in stats["attributions"]]
    rows.append(["**total**", sum(r[1] for r in rows), sum(r[2] for r in rows)])
    out += _table(["source type", "attributions", "nested (with parent)"], rows)

    out += ["### Cross-document links", ""]
    rows = [[k, v.get("links", 0), v.get("members", 0)] + [v.get(r, 0) for r in tax["relation"]]
            for k in tax["link"] if (v := stats["links"].get(k))]
    out += _table(["link type", "links", "members"] + [f"{r} pairs" for r in tax["relation"]], rows)
    return "\n".join(out).rstrip("\n") + "\n"

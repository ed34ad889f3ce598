"""Corpus statistics computed from the data, rendered as Markdown tables for the data card."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from .corpus import iter_documents, read_entities, read_links
from .resources import taxonomy
from .sentences import CLAIM_ZONES, claim_sentences, sentence_figures
from .tokens import OUTCOMES, alignment_figures, tokenize


def compute(root: Path | str) -> dict:
    """Counts of every layer of the gold annotations, the registry and the links.

    >>> from kashcorpus.resources import data_root
    >>> s = compute(data_root())
    >>> sorted(s)
    ['attributions', 'claims', 'documents', 'entities', 'formats', 'links', 'mentions', 'zones']
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
            "formats": format_figures(root),
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
    if "formats" in stats:
        out += ["### What the token- and sentence-level formats keep", "", formats_markdown(stats["formats"])]
    return "\n".join(out).rstrip("\n") + "\n"


# -- what the token- and sentence-level formats keep (DATACARD.md's stats block, docs/formats.md) ---------------

def format_figures(root: Path | str) -> dict:
    """What the sentence-level configs and exports keep of the gold: mention alignment (``ner``, CoNLL),
    sentence edges, and the claims the ``sentences`` config and the CheckThat! export carry.

    >>> from kashcorpus.resources import data_root
    >>> f = format_figures(data_root())
    >>> f["mentions"]["expand"]["exact"] == f["mentions"]["expand"]["spans"], f["sentences"]["mentions_cut"]
    (True, 0)
    """
    docs = list(iter_documents(root))
    zones: dict[str, Counter] = {z: Counter() for z in CLAIM_ZONES}
    carried, claims = 0, 0
    for d in docs:
        found = claim_sentences(d.text, d.records)
        for s in found:
            row = zones[s.zone]
            row["sentences"] += 1
            row["with a claim"] += bool(s.claims)
            row["check-worthy"] += s.checkworthy
        ids = {c["id"] for s in found for c in s.claims}
        claims += len(d.layer("claim"))
        carried += len(ids)
    return {"mentions": {mode: alignment_figures(docs, "mention", mode) for mode in ("expand", "strict")},
            "sentences": sentence_figures(docs),
            "claim_sentences": {z: dict(v) for z, v in zones.items()},
            "claims": {"total": claims, "carried": carried}}


def formats_markdown(figures: dict) -> str:
    """:func:`format_figures` as Markdown: a table per format family, then what each keeps and loses."""
    m, s, c = figures["mentions"], figures["sentences"], figures["claims"]
    out = ["#### Mentions in the `ner` configuration and the CoNLL export", "",
           "Tokens of `kashcorpus.tokens`, BIO tags of the gold mentions, decoded back and compared with the "
           "`mentions` configuration (`kashcorpus.tokens.alignment_figures`).", ""]
    heads = ["spans", *OUTCOMES]
    out += _table(["alignment", *heads],
                  [[f"`{mode}`" + (" (the config's and the export's)" if mode == "expand" else ""),
                    *(m[mode][h] for h in heads)] for mode in ("expand", "strict")])
    lost = sum(m["expand"][h] for h in OUTCOMES if h != "exact")
    out += [f"Sentences (`kashcorpus.sentences`, every zone edge a break): {s['sentences']} in {s['documents']} "
            f"documents; a sentence edge falls inside {s['mentions_cut']} of {s['mentions']} mentions, and "
            f"{s['claims_crossing']} of {s['claims']} claims span more than one sentence. "
            + ("For flat mentions these formats lose nothing: every gold mention comes back exactly. "
               if lost == 0 and s["mentions_cut"] == 0 else
               f"{lost} gold mentions do not come back exactly. ")
            + "They carry no other layer (zones, claims, attributions, entity links), and nested or overlapping "
              "mentions cannot be BIO-tagged (the longer one is kept and the other reported).", ""]
    out += ["#### Sentences in the `sentences` configuration and the CheckThat! export", ""]
    rows = [[f"`{z}`", v.get("sentences", 0), v.get("with a claim", 0), v.get("check-worthy", 0)]
            for z, v in figures["claim_sentences"].items()]
    rows.append(["**total**", *(sum(r[i] for r in rows) for i in (1, 2, 3))])
    out += _table(["zone", "sentences", "with a claim", "check-worthy (Yes)"], rows)
    out += [f"{c['carried']} of {c['total']} gold claims overlap one of these sentences. A sentence keeps the ids "
            "of its claims but not their spans, types, certainty or sources; the CheckThat! export keeps only "
            "the sentence id, its text (tabs and line breaks written as spaces) and Yes/No.", ""]
    return "\n".join(out).rstrip("\n") + "\n"

"""The claim inventory: every gold claim of every document with its speaker and links, side by side."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from .corpus import iter_documents, read_links



def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def speaker(claim: dict, attributions: dict[str, dict]) -> str:
    """Who stands behind a claim: ``author``, or the source of its attribution chain, innermost first.

    >>> speaker({"asserted_by": "author", "attribution": None}, {})
    'author'
    >>> a = {"a1": {"source": {"text": "the report"}, "source_type": "document", "parent": None},
    ...      "a2": {"source": {"text": "analysts"}, "source_type": "collective", "parent": "a1"}}
    >>> speaker({"asserted_by": "attributed", "attribution": "a2"}, a)
    'analysts (collective) < the report (document)'
    """
    if claim["asserted_by"] == "author" or not claim.get("attribution"):
        return "author"
    chain: list[str] = []
    aid = claim["attribution"]
    while aid and aid in attributions and len(chain) < 10:
        a = attributions[aid]
        chain.append(f"{(a.get('source') or {}).get('text') or '(no source span)'} ({a['source_type']})")
        aid = a.get("parent")
    return " < ".join(chain)


def render(root: Path | str) -> str:
    """The generated part of docs/link-inventory.md: a link-by-document matrix, then every claim per document.

    >>> from kashcorpus.resources import data_root
    >>> render(data_root()).startswith("### Links by document")
    True
    """
    docs = list(iter_documents(root))
    links = read_links(root)
    member_of: dict[str, list[str]] = {}
    for lk in links:
        for m in lk["members"]:
            member_of.setdefault(m, []).append(lk["id"])
    ids = [d.id for d in docs]
    out = ["### Links by document", "",
           "Each row is a link; each cell the records of one document that are its members.", "",
           "| link | " + " | ".join(ids) + " | pairs (agree / complement / conflict) |",
           "|---|" + "---|" * len(ids) + "---|"]
    for lk in links:
        by_doc = {d: [m.split("#", 1)[1] for m in lk["members"] if m.split("#", 1)[0] == d] for d in ids}
        rel = Counter(p["relation"] for p in lk["pairs"])
        pairs = f"{rel['agree']} / {rel['complement']} / {rel['conflict']}" if lk["pairs"] else "—"
        out.append(f"| `{lk['id']}` | " + " | ".join(", ".join(by_doc[d]) or "·" for d in ids) + f" | {pairs} |")
    out += ["", "### Claims per document", ""]
    rows = []
    for d in docs:
        claims = d.layer("claim")
        linked = sum(f"{d.id}#{c['id']}" in member_of for c in claims)
        rows.append(f"| {d.id} | {len(claims)} | {linked} |")
    out += ["| document | claims | in at least one link |", "|---|---:|---:|", *rows, ""]
    for d in docs:
        attributions = {a["id"]: a for a in d.layer("attribution")}
        out += [f"#### {d.id}", "", "| claim | type / certainty | speaker | text | links |", "|---|---|---|---|---|"]
        for c in d.layer("claim"):
            ref = f"{d.id}#{c['id']}"
            out.append(f"| {c['id']} | {c['claim_type']} / {c['certainty']} | {_cell(speaker(c, attributions))} | "
                       f"{_cell(c['text'])} | {', '.join(f'`{x}`' for x in member_of.get(ref, [])) or '—'} |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"

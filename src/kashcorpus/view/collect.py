"""What the review site shows, gathered from the corpus: spans to draw, panels, entity index, clusters."""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from ..corpus import DocumentRecords, iter_documents, read_entities, read_links
from ..model import ANNOTATOR, PARTS, SPAN_LAYERS
from ..resources import PACKAGE_DIR, taxonomy
from .markup import Seg, nest, render, stack_levels

LAYERS = SPAN_LAYERS
# The attribute of each layer that the legend colours and the filter selects by.
FILTER_KEY = {"zone": "label", "mention": "label", "claim": "certainty", "attribution": "source_type"}
TAXONOMY_KEY = {"zone": "zone", "mention": "mention", "claim": "certainty", "attribution": "source_type"}
RANK = {"zone": 0, "attribution": 1, "claim": 2, "mention": 3}
SAFE_NAME = ANNOTATOR  # page names: lower-case ASCII words joined by hyphens
CONTEXT = 60


@lru_cache(maxsize=1)
def palette() -> dict:
    """Colours of the labels (``view/palette.json``), with fallbacks for labels it does not list."""
    with open(PACKAGE_DIR / "view" / "palette.json", encoding="utf-8") as f:
        return json.load(f)


def page_name(kind: str, ident: str) -> str:
    """File name of an entity or document page; an id that is not a safe name is replaced by its hash.

    >>> page_name("entity", "hamas"), page_name("entity", "../x")
    ('entity/hamas.html', 'entity/x-d6b96a97d147daaa.html')
    """
    name = ident if len(ident) <= 96 and SAFE_NAME.fullmatch(ident) else "x-" + hashlib.sha256(ident.encode()).hexdigest()[:16]
    return f"{kind}/{name}.html"


def permalink(doc: str, ref: str) -> str:
    """Link from the site root to a span of a document: ``doc/<doc>.html#<doc>/<ref>``.

    >>> permalink("kash-000", "m3")
    'doc/kash-000.html#kash-000/m3'
    """
    return f"{page_name('doc', doc)}#{quote(doc + '/' + ref, safe='/-._')}"


def squash(s: str) -> str:
    """White space runs shown as one space (for context snippets, never for span text)."""
    return re.sub(r"\s+", " ", s)


@dataclass
class Labels:
    """The label list of each layer's filter key: taxonomy order, then unknown labels sorted."""

    names: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, docs: list[DocumentRecords]) -> Labels:
        tax = taxonomy()
        names = {}
        for layer in LAYERS:
            known = list(tax.get(TAXONOMY_KEY[layer], {}))
            seen = {str(r.get(FILTER_KEY[layer])) for d in docs for r in d.records if r.get("type") == layer}
            names[layer] = known + sorted(seen - set(known))
        return cls(names)

    def index(self, layer: str, label) -> int:
        return self.names[layer].index(str(label))

    def colour(self, layer: str, label: str) -> str:
        pal = palette()
        fixed = pal.get(layer, {})
        if label in fixed:
            return fixed[label]
        spare = pal["spare"]
        return spare[self.index(layer, label) % len(spare)]

    def legend(self, layer: str, counts: Counter) -> list[dict]:
        tax = taxonomy().get(TAXONOMY_KEY[layer], {})
        return [{"i": i, "label": lab, "colour": self.colour(layer, lab), "count": counts.get(lab, 0),
                 "description": tax.get(lab, "")} for i, lab in enumerate(self.names[layer])]


def _span_ok(text: str, span) -> bool:
    return (isinstance(span, dict) and isinstance(span.get("start"), int) and isinstance(span.get("end"), int)
            and 0 <= span["start"] < span["end"] <= len(text) and text[span["start"]:span["end"]] == span.get("text"))


def _lines(*pairs) -> str:
    return "\n".join(f"{k}: {v}" for k, v in pairs if v not in (None, ""))


@dataclass
class DocView:
    """One document ready for its page."""

    meta: dict
    text: str
    records: list[dict]
    segs: list[Seg]
    problems: list[str]
    counts: dict[str, int]
    label_counts: dict[str, Counter]

    @property
    def id(self) -> str:
        return self.meta["id"]

    @property
    def title(self) -> str:
        value = (self.meta.get("title") or {}).get("value")
        return value if isinstance(value, str) and value else self.id

    def body(self):
        return render(self.text, nest(len(self.text), self.segs))

    def of(self, layer: str) -> list[dict]:
        return [r for r in self.records if r.get("type") == layer]

    def mention_groups(self) -> list[tuple[str | None, list[dict]]]:
        """Mentions grouped by entity, groups in order of first mention, unlinked ones last."""
        groups: dict = {}
        for r in self.of("mention"):
            groups.setdefault(r.get("entity") or None, []).append(r)
        return sorted(groups.items(), key=lambda kv: kv[0] is None)


def doc_view(doc: DocumentRecords, labels: Labels, entities: dict[str, dict]) -> DocView:
    text, did = doc.text, doc.id
    segs: list[Seg] = []
    problems: list[str] = []
    counts = dict.fromkeys(LAYERS, 0)
    label_counts: dict[str, Counter] = {layer: Counter() for layer in LAYERS}
    underlined: list[Seg] = []
    attributions = [r for r in doc.records if r.get("type") == "attribution"]
    hue = {r.get("id"): n % len(palette()["attribution_hues"]) for n, r in enumerate(attributions)}
    for r in doc.records:
        layer, rid = r.get("type"), str(r.get("id"))
        if layer not in LAYERS:
            continue
        counts[layer] += 1
        label = str(r.get(FILTER_KEY[layer]))
        label_counts[layer][label] += 1
        li = labels.index(layer, label)
        note = r.get("note")
        if layer == "attribution":
            ent = entities.get(r.get("source_entity") or "")
            base = _lines(("source type", label), ("source entity", ent["name"] if ent else r.get("source_entity")),
                          ("nested in", r.get("parent")), ("note", note))
            for part in PARTS:
                span = r.get(part)
                if span is None:
                    continue
                if not _span_ok(text, span):
                    problems.append(f"{rid} {part}: offsets {span.get('start')}-{span.get('end')} do not match its text")
                    continue
                seg = Seg(span["start"], span["end"], f"{rid}:{part}",
                          f"a ap-{part} al{li} ah{hue[r.get('id')]} u", rank=RANK[layer],
                          title=f"{rid} · attribution {part}\n{base}", anchor=f"{did}/{rid}" + ("" if part == "content" else f".{part}"),
                          attrs=(("data-layer", layer), ("data-label", label), ("data-att", rid)))
                segs.append(seg)
                underlined.append(seg)
            continue
        if not _span_ok(text, r):
            problems.append(f"{rid}: offsets {r.get('start')}-{r.get('end')} do not match its text")
            continue
        if layer == "zone":
            title = f"{rid} · zone {label}" + (f"\nnote: {note}" if note else "")
            segs.append(Seg(r["start"], r["end"], rid, f"z zl{li}", tier=0, rank=RANK[layer], title=title,
                            anchor=f"{did}/{rid}", attrs=(("data-layer", layer), ("data-label", label))))
        elif layer == "mention":
            ent = entities.get(r.get("entity") or "")
            entity_line = f"{ent['name']} ({r['entity']})" if ent else (r.get("entity") or "not linked")
            title = f"{rid} · {label} · {r['text']}\n" + _lines(("entity", entity_line), ("note", note))
            segs.append(Seg(r["start"], r["end"], rid, f"m ml{li}", rank=RANK[layer], title=title,
                            anchor=f"{did}/{rid}", attrs=(("data-layer", layer), ("data-label", label))))
        else:
            title = f"{rid} · claim\n" + _lines(
                ("type", r.get("claim_type")), ("certainty", label),
                ("checkworthy", "yes" if r.get("checkworthy") else "no"),
                ("asserted by", r.get("asserted_by")), ("attribution", r.get("attribution")), ("note", note))
            seg = Seg(r["start"], r["end"], rid, f"c cl{li} u" + (" cw" if r.get("checkworthy") else ""),
                      rank=RANK[layer], title=title, anchor=f"{did}/{rid}",
                      attrs=(("data-layer", layer), ("data-label", label)))
            segs.append(seg)
            underlined.append(seg)
    levels = stack_levels(underlined)
    segs = [Seg(s.start, s.end, s.ref, f"{s.classes} lv{min(levels[s.ref], 6)}", s.tier, s.rank, s.title, s.attrs, s.anchor)
            if s.ref in levels else s for s in segs]
    return DocView(doc.meta, text, list(doc.records), segs, problems, counts, label_counts)


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """Squashed text before and after a span, at most :data:`CONTEXT` code points each side."""
    return squash(text[max(0, start - CONTEXT):start]), squash(text[end:end + CONTEXT])


@dataclass
class Site:
    """Everything the pages show."""

    docs: list[DocView]
    labels: Labels
    entities: list[dict]
    mentions_of: dict[str, list[dict]]
    links: list[dict]
    totals: dict[str, int]
    label_totals: dict[str, Counter]
    layer: str

    def entity(self, eid: str) -> dict | None:
        return next((e for e in self.entities if e["id"] == eid), None)


def _member(by_doc: dict[str, DocView], ref: str) -> dict:
    doc, _, rid = str(ref).partition("#")
    dv = by_doc.get(doc)
    rec = next((r for r in dv.records if str(r.get("id")) == rid), None) if dv else None
    out: dict = {"ref": ref, "doc": doc, "rid": rid, "doc_title": dv.title if dv else doc, "record": rec,
                 "href": permalink(doc, rid) if dv and rec else None, "relations": []}
    if dv is not None and rec is not None and rec.get("type") in ("mention", "claim") and _span_ok(dv.text, rec):
        out["before"], out["after"] = context(dv.text, rec["start"], rec["end"])
    return out


def collect(root: Path | str, layer: str = "gold") -> Site:
    """Read the corpus at ``root`` and gather what the site shows."""
    entity_list: list[dict] = [dict(e) for e in read_entities(root)]  # the site adds its own keys to them
    entities = {e["id"]: e for e in entity_list}
    docs_raw = list(iter_documents(root, layer))
    labels = Labels.of(docs_raw)
    docs = [doc_view(d, labels, entities) for d in docs_raw]
    by_doc = {d.id: d for d in docs}
    mentions_of: dict[str, list[dict]] = {}
    for d in docs:
        for r in d.of("mention"):
            if r.get("entity") and _span_ok(d.text, r):
                before, after = context(d.text, r["start"], r["end"])
                mentions_of.setdefault(r["entity"], []).append(
                    {"doc": d.id, "doc_title": d.title, "id": r["id"], "text": r["text"], "label": r.get("label"),
                     "before": before, "after": after, "href": permalink(d.id, str(r["id"]))})
    known = set(entities)
    for eid in sorted(set(mentions_of) - known):
        entity_list.append({"id": eid, "name": eid, "type": "?", "aliases": [],
                            "description": "Mentions link to this id, but the registry does not list it.", "missing": True})
    entity_list.sort(key=lambda e: (str(e.get("name", "")).casefold(), e["id"]))
    for e in entity_list:
        e_mentions = mentions_of.get(e["id"], [])
        e["page"] = page_name("entity", e["id"])
        e["per_doc"] = Counter(m["doc"] for m in e_mentions)
        e["label_i"] = labels.names["mention"].index(e["type"]) if e["type"] in labels.names["mention"] else None
    links = []
    for link in read_links(root):
        members = [_member(by_doc, m) for m in link.get("members", [])]
        index = {m["ref"]: m for m in members}
        for p in link.get("pairs", []):
            for me, other in ((p.get("a"), p.get("b")), (p.get("b"), p.get("a"))):
                if me in index:
                    index[me]["relations"].append({"relation": p.get("relation"), "other": other})
        links.append({**link, "member_views": members})
    totals = {layer_: sum(d.counts[layer_] for d in docs) for layer_ in LAYERS}
    totals["documents"], totals["characters"] = len(docs), sum(len(d.text) for d in docs)
    totals["entities"], totals["links"] = len(entities), len(links)
    label_totals = {layer_: sum((d.label_counts[layer_] for d in docs), Counter()) for layer_ in LAYERS}
    return Site(docs, labels, entity_list, mentions_of, links, totals, label_totals, layer)

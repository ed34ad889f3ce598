"""The entity registry: add an entity, add or remove an alias, merge two entities, list them."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from collections.abc import Iterable

from ..errors import AnnotateError
from ..io import read_jsonl
from ..layout import Layout
from ..model import ENTITY_ID
from ..resources import taxonomy
from ..store import AnnotationFile, Change
from .common import Result, finish

# -- the entity registry ------------------------------------------------------------------------

def slug(name: str) -> str:
    """A registry id made from a name.

    >>> slug("Jaish-e-Muhammad (JeM)")
    'jaish-e-muhammad-jem'
    """
    import unicodedata

    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:96].strip("-")


def entity_add(root: Path, *, name: str, etype: str, description: str, eid: str | None = None,
               external_ids: Iterable[str] = (), note: str | None = None) -> Result:
    """Add an entity to the registry (its aliases grow as gold mentions are linked to it)."""
    layout = Layout(Path(root))
    eid = eid or slug(name)
    if not eid or not ENTITY_ID.fullmatch(eid):
        raise AnnotateError(f"{eid!r} is not an entity id (lower-case ASCII words joined by hyphens); give --id")
    if etype not in taxonomy()["mention"]:
        raise AnnotateError(f"entity type {etype!r} is not one of {', '.join(taxonomy()['mention'])}")
    ext = {}
    for pair in external_ids:
        k, sep, v = pair.partition("=")
        if not sep or not v:
            raise AnnotateError(f"--external-id takes source=id, e.g. wikidata=Q42, not {pair!r}")
        ext[k] = v
    with Change(layout.root, [layout.entities_file]) as ch:
        reg = ch.table(layout.entities_file, "entity")
        existing = reg.get(eid)
        if existing:
            raise AnnotateError(f"entity {eid!r} already exists ({existing['name']})")
        clash = next((e for e in reg.records if e["name"].casefold() == name.casefold()), None)
        if clash:
            raise AnnotateError(f"entity {clash['id']!r} already has the name {clash['name']!r}")
        ent: dict[str, Any] = {"id": eid, "name": name, "type": etype, "aliases": [], "description": description}
        if ext:
            ent["external_ids"] = ext
        if note:
            ent["note"] = note
        reg.records.append(ent)
        ch.put(reg)
    return finish(f"added entity {eid} ({etype}) {name!r} to {layout.rel(layout.entities_file)}", [], ch,
                   {"action": "entity add", "entity": ent})


def gold_registry_files(layout: Layout) -> list[tuple[str, Path]]:
    """``(layer, path)`` of every annotation file whose references name gold's registry (a pass with a registry
    of its own is left out: its ids are its own)."""
    return [(layer, p) for layer, p in layout.annotation_files() if layout.registry_file(layer) == layout.entities_file]


def all_annotation_files(ch: Change) -> list[AnnotationFile]:
    """Every annotation file that links to gold's registry, read within the change."""
    out = []
    for layer, p in gold_registry_files(ch.layout):
        out.append(ch.annotations(p, p.name[:-len(".jsonl")], layer))
    return out


def entity_alias(root: Path, eid: str, alias: str, *, remove: bool = False, link: bool = False) -> Result:
    """Add (or remove) an alias; with ``link``, also link every unlinked gold mention with exactly that text."""
    if not alias.strip():
        raise AnnotateError("the alias is empty; give the surface form, e.g. kashcorpus entity alias hamas \"Hamas's\"")
    if alias != alias.strip():
        raise AnnotateError(f"the alias {alias!r} starts or ends with white space; give it as the text says it, "
                            f"{alias.strip()!r}")
    layout = Layout(Path(root))
    gold = [p for layer, p in layout.annotation_files() if layer == "gold"]
    with Change(layout.root, [layout.entities_file] + (gold if link else [])) as ch:
        reg = ch.table(layout.entities_file, "entity")
        ent = reg.get(eid)
        if ent is None:
            raise AnnotateError(f"there is no entity {eid!r} in the registry; see 'kashcorpus entity ls'")
        notes = []
        if link:
            for af in all_annotation_files(ch):
                if af.layer != "gold":
                    continue
                hits = [m for m in af.of_type("mention") if m["text"] == alias and m["entity"] is None]
                for m in hits:
                    m["entity"] = eid
                    notes.append(f"linked {af.doc}#{m['id']} {m['text']!r} to {eid}")
                if hits:
                    ch.put(af)
        aliases = set(ent["aliases"])
        if remove:
            if alias not in aliases:
                raise AnnotateError(f"{alias!r} is not an alias of {eid}")
            aliases.discard(alias)
        elif alias != ent["name"]:
            aliases.add(alias)
        changed = sorted(aliases) != ent["aliases"]
        ent["aliases"] = sorted(aliases)
        ch.put(reg)
    verb = "removed alias" if remove else "added alias"
    if changed:
        msg = f"{verb} {alias!r} {'from' if remove else 'to'} entity {eid}"
    else:
        msg = f"entity {eid} already {'lacks' if remove else 'has'} {alias!r}"
    return finish(msg, notes, ch, {"action": "entity alias", "entity": ent})


def entity_merge(root: Path, keep: str, gone: str) -> Result:
    """Merge entity ``gone`` into ``keep``: every reference in every annotation file and in the links is
    rewritten and ``gone`` leaves the registry, all in one change."""
    layout = Layout(Path(root))
    if keep == gone:
        raise AnnotateError("an entity cannot be merged into itself")
    files = [p for _l, p in gold_registry_files(layout)]
    with Change(layout.root, [layout.entities_file, layout.links_file] + files) as ch:
        reg = ch.table(layout.entities_file, "entity")
        k, g = reg.get(keep), reg.get(gone)
        for eid, e in ((keep, k), (gone, g)):
            if e is None:
                raise AnnotateError(f"there is no entity {eid!r} in the registry; see 'kashcorpus entity ls'")
        assert k is not None and g is not None
        if k["type"] != g["type"]:
            raise AnnotateError(f"{keep} is {k['type']} but {gone} is {g['type']}; change one type before merging")
        ext = dict(k.get("external_ids", {}))
        for src, val in g.get("external_ids", {}).items():
            if ext.get(src, val) != val:
                raise AnnotateError(f"{keep} and {gone} have different {src} ids ({ext[src]}, {val}); "
                                    "they may not be the same entity")
            ext[src] = val
        counts = {"mention": 0, "attribution": 0, "link": 0}
        used: set[str] = set()
        for af in all_annotation_files(ch):
            hit = False
            for r in af.records:
                if r.get("type") == "mention" and r.get("entity") == gone:
                    r["entity"] = keep
                    counts["mention"] += 1
                    hit = True
                elif r.get("type") == "attribution" and r.get("source_entity") == gone:
                    r["source_entity"] = keep
                    counts["attribution"] += 1
                    hit = True
                if af.layer == "gold" and r.get("type") == "mention" and r.get("entity") == keep:
                    used.add(r["text"])
            if hit:
                ch.put(af)
        links = ch.table(layout.links_file, "link")
        for link in links.records:
            if link.get("entity") == gone:
                link["entity"] = keep
                counts["link"] += 1
        if counts["link"]:
            ch.put(links)
        k["aliases"] = sorted(set(k["aliases"]) | set(g["aliases"]) | used)
        if ext:
            k["external_ids"] = ext
        reg.records.remove(g)
        ch.put(reg)
    msg = (f"merged {gone} into {keep}: {counts['mention']} mentions, {counts['attribution']} attributions, "
           f"{counts['link']} links rewritten in {len(ch.written)} files")
    return finish(msg, [], ch, {"action": "entity merge", "keep": keep, "gone": gone, "counts": counts, "entity": k})


def entity_list(root: Path) -> list[dict]:
    """Every registry entity with the number of gold mentions linked to it."""
    layout = Layout(Path(root))
    ents = sorted(read_jsonl(layout.entities_file, layout.root), key=lambda e: e["id"]) if layout.entities_file.exists() else []
    counts: dict[str, int] = {}
    for layer, p in layout.annotation_files():
        if layer == "gold":
            for r in read_jsonl(p, layout.root):
                if r.get("type") == "mention" and r.get("entity"):
                    counts[r["entity"]] = counts.get(r["entity"], 0) + 1
    return [{**e, "mentions": counts.get(e["id"], 0)} for e in ents]

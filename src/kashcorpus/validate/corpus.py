"""Level 4: the registry, cross-document links, and rules that span the whole corpus."""
from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any
from collections.abc import Iterator

from ..findings import Finding, make_finding
from ..layout import Layout
from ..model import GOLD
from .annotations import FileSummary
from .schemas import schema_findings
from .syntax import iter_objects

# every code of the registry and link checks (besides the level-1 codes of their files)
CODES = ("schema-violation", "duplicate-id", "unknown-label", "dangling-reference", "link-pair-not-member",
         "link-member-type", "mention-text-not-alias", "alias-not-in-corpus", "alias-conflict", "duplicate-entity-name",
         "entity-unused")



def schema_valid_objects(path: Path, rel: str, record_type: str, out: list[Finding]) -> Iterator[tuple[int, dict]]:
    """``(line, object)`` for each line of the table file at ``path`` that is a valid ``record_type`` record; the
    level-1 and schema findings of the other lines go to ``out``."""
    for item in iter_objects(path, rel):
        if isinstance(item, Finding):
            out.append(item)
            continue
        line, obj = item
        bad = schema_findings(obj, record_type, rel, line, None)
        if bad:
            out.extend(bad)
            continue
        yield line, obj

def read_registry(layout: Layout, taxonomy: dict, path: Path | None = None
                  ) -> tuple[list[Finding], dict[str, dict], dict[str, int]]:
    """An entity registry: gold's, or the file ``path`` (a pass's own registry).

    Reports ``schema-violation``, ``duplicate-id``, ``unknown-label`` and level-1 codes.
    """
    out: list[Finding] = []
    entities: dict[str, dict] = {}
    lines: dict[str, int] = {}
    path = layout.entities_file if path is None else path
    if not os.path.lexists(path):
        return out, entities, lines
    rel = layout.rel(path)
    for line, obj in schema_valid_objects(path, rel, "entity", out):
        where: dict[str, Any] = {"file": rel, "line": line, "record": obj["id"]}
        if obj["id"] in entities:
            out.append(make_finding("duplicate-id", id=obj["id"], first_line=lines[obj["id"]], **where))
            continue
        if obj["type"] not in taxonomy["mention"]:
            out.append(make_finding("unknown-label", field="type", value=obj["type"], allowed=", ".join(taxonomy["mention"]), **where))
        entities[obj["id"]] = obj
        lines[obj["id"]] = line
    return out, entities, lines


def read_links(layout: Layout, taxonomy: dict, entities: dict) -> tuple[list[Finding], list[tuple[int, dict]]]:
    """Cross-document links, checked alone. Reports ``schema-violation``, ``duplicate-id``, ``unknown-label``,
    ``dangling-reference`` (link entity) and ``link-pair-not-member``."""
    out: list[Finding] = []
    links: list[tuple[int, dict]] = []
    path = layout.links_file
    if not os.path.lexists(path):
        return out, links
    rel = layout.rel(path)
    seen: dict[str, int] = {}
    for line, obj in schema_valid_objects(path, rel, "link", out):
        where: dict[str, Any] = {"file": rel, "line": line, "record": obj["id"]}
        if obj["id"] in seen:
            out.append(make_finding("duplicate-id", id=obj["id"], first_line=seen[obj["id"]], **where))
            continue
        seen[obj["id"]] = line
        if obj["type"] not in taxonomy["link"]:
            out.append(make_finding("unknown-label", field="type", value=obj["type"], allowed=", ".join(taxonomy["link"]), **where))
        if obj["entity"] is not None and obj["entity"] not in entities:
            out.append(make_finding("dangling-reference", field="entity", ref=obj["entity"], **where))
        members = set(obj["members"])
        for pair in obj["pairs"]:
            if pair["relation"] not in taxonomy["relation"]:
                out.append(make_finding("unknown-label", field="relation", value=pair["relation"],
                                        allowed=", ".join(taxonomy["relation"]), **where))
            for ref in (pair["a"], pair["b"]):
                if ref not in members:
                    out.append(make_finding("link-pair-not-member", ref=ref, **where))
        links.append((line, obj))
    return out, links


# which ids a decision names: the pass record, the gold record (schema/decision.schema.json)
DECISION_IDS = {"accept": ("record", "gold"), "reject": ("record",), "keep": ("gold",), "drop": ("gold",)}


def check_decisions(layout: Layout) -> list[Finding]:
    """The adjudication log: each decision against its schema, the ids its kind names (and no others), and its
    document. Reports ``schema-violation`` and ``dangling-reference``; level-1 codes of the file."""
    out: list[Finding] = []
    path = layout.decisions_file
    if not os.path.lexists(path):
        return out
    rel = layout.rel(path)
    for line, obj in schema_valid_objects(path, rel, "decision", out):
        named = DECISION_IDS[obj["decision"]]
        for key in ("record", "gold"):
            if (obj[key] is None) == (key in named):
                want = "an id" if key in named else "null"
                out.append(make_finding("schema-violation", file=rel, line=line, schema="decision", keyword="decision",
                                        path=key, detail=f"a {obj['decision']} decision has {want} as {key}"))
        if not os.path.lexists(layout.gold_path(obj["doc"])):
            out.append(make_finding("dangling-reference", file=rel, line=line, field="doc", ref=obj["doc"]))
    return out


LINK_KINDS = {"event": ("mention", "claim"), "claim": ("claim",)}


def check_links(layout: Layout, links: list[tuple[int, dict]], gold: dict[str, FileSummary]) -> list[Finding]:
    """Link members resolve to gold records of the right kind. Reports ``dangling-reference`` and ``link-member-type``."""
    out: list[Finding] = []
    rel = layout.rel(layout.links_file)
    for line, link in links:
        where: dict[str, Any] = {"file": rel, "line": line, "record": link["id"]}
        allowed = LINK_KINDS.get(link["type"], ())
        for ref in link["members"]:
            doc, rid = ref.split("#", 1)
            kind = gold[doc].kinds.get(rid) if doc in gold else None
            if kind is None:
                out.append(make_finding("dangling-reference", field="members", ref=ref, **where))
            elif allowed and kind not in allowed:
                out.append(make_finding("link-member-type", ref=ref, kind=kind, link_type=link["type"],
                                        expected=" or ".join(f"{k}s" for k in allowed), **where))
    return out


def check_registry_use(layout: Layout, entities: dict[str, dict], lines: dict[str, int],
                       summaries: list[FileSummary], layer: str = GOLD) -> list[Finding]:
    """Aliases against the mentions of ``layer`` (gold's registry against gold, a pass's own against that pass).

    Reports ``mention-text-not-alias``, ``alias-not-in-corpus``, ``alias-conflict``,
    ``duplicate-entity-name`` and ``entity-unused``.
    """
    out: list[Finding] = []
    rel = layout.rel(layout.registry_file(layer))
    used: dict[str, set[str]] = defaultdict(set)
    for s in summaries:
        if s.layer != layer:
            continue
        for ent, text in s.mention_texts:
            used[ent].add(text)
    for ent_id in sorted(used):
        e = entities.get(ent_id)
        if e is None:
            continue
        forms = set(e["aliases"]) | {e["name"]}
        for text in sorted(used[ent_id] - forms):
            out.append(make_finding("mention-text-not-alias", file=rel, line=lines[ent_id], record=ent_id,
                                    text=text, entity=ent_id))
    owners: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    for ent_id, e in sorted(entities.items()):
        where: dict[str, Any] = {"file": rel, "line": lines[ent_id], "record": ent_id}
        if ent_id not in used:
            out.append(make_finding("entity-unused", entity=ent_id, **where))
        for alias in e["aliases"]:
            if alias not in used.get(ent_id, ()):
                out.append(make_finding("alias-not-in-corpus", alias=alias, entity=ent_id, **where))
        for form in set(e["aliases"]) | {e["name"]}:
            owners[form].append(ent_id)
        key = e["name"].casefold()
        if key in names:
            out.append(make_finding("duplicate-entity-name", name=e["name"], other=names[key], **where))
        else:
            names[key] = ent_id
    for form, ids in sorted(owners.items()):
        if len(ids) > 1:
            out.append(make_finding("alias-conflict", file=rel, line=lines[ids[1]], record=ids[1], alias=form,
                                    entities=", ".join(ids)))
    return out

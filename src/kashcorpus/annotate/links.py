"""Link commands: add, change and remove cross-document links, their members and their pairs of claims."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from collections.abc import Iterable

from ..errors import AnnotateError
from ..io import read_jsonl
from ..layout import Layout
from ..model import GOLD, describe, id_number, is_doc_id
from ..resources import record_schema, taxonomy
from ..store import Change, Result, Table, finish
from .common import document_ids

LINK_ID = re.compile(record_schema("link")["properties"]["id"]["pattern"])
MEMBER_KINDS = {"event": ("mention", "claim"), "claim": ("claim",)}


def ref_key(ref: str) -> tuple:
    """Order of members: by document, then record type and number.

    >>> sorted(["kash-001#c3", "kash-000#c12", "kash-000#c4"], key=ref_key)
    ['kash-000#c4', 'kash-000#c12', 'kash-001#c3']
    """
    doc, _, rid = ref.partition("#")
    return doc, rid[:1], id_number(rid), rid


def _open(root: Path | str) -> tuple[Layout, list[Path]]:
    layout = Layout(Path(root))
    return layout, [layout.links_file]


def _link(table: Table, lid: str) -> dict:
    link = table.get(lid)
    if link is None:
        have = ", ".join(sorted(r["id"] for r in table.records)[:8]) or "none"
        raise AnnotateError(f"there is no link {lid!r} in annotations/links.jsonl (it has {have}{'…' if len(table.records) > 8 else ''}); "
                            "see 'kashcorpus link ls'")
    return link


def _member(ch: Change, ref: str, link_type: str, known: list[str]) -> dict:
    """The gold record ``ref`` (``DOC#ID``) names, of a kind the link type takes."""
    doc, sep, rid = ref.partition("#")
    if not sep or not is_doc_id(doc) or doc not in known:
        raise AnnotateError(f"{ref!r} is not DOC#ID of a document of the corpus ({', '.join(known)}), e.g. kash-000#c12")
    rec = ch.annotations(ch.layout.gold_path(doc), doc, GOLD).get(rid)
    if rec is None:
        raise AnnotateError(f"there is no record {rid!r} in the gold annotations of {doc}")
    kinds = MEMBER_KINDS.get(link_type, ())
    if kinds and rec["type"] not in kinds:
        raise AnnotateError(f"{ref} is a {rec['type']}; a {link_type} link joins {' or '.join(k + 's' for k in kinds)}")
    return rec


def _label(table: str, value: str, what: str) -> None:
    allowed = taxonomy()[table]
    if value not in allowed:
        raise AnnotateError(f"{what} {value!r} is not one of {', '.join(allowed)}")


def _entity(ch: Change, entity: str | None) -> None:
    if entity is not None and ch.table(ch.layout.entities_file, "entity").get(entity) is None:
        raise AnnotateError(f"there is no entity {entity!r} in the registry; see 'kashcorpus entity ls'")


def _add_members(link: dict, refs: Iterable[str]) -> list[str]:
    """Put ``refs`` among the members (in order when the members are); return those that were new."""
    new = [r for r in dict.fromkeys(refs) if r not in link["members"]]
    ordered = link["members"] == sorted(link["members"], key=ref_key)
    link["members"] = sorted(link["members"] + new, key=ref_key) if ordered else link["members"] + new
    return new


def link_add(root: Path | str, lid: str, *, link_type: str, description: str, members: Iterable[str],
             entity: str | None = None, note: str | None = None) -> Result:
    """A new link of ``link_type`` (event or claim) with its members (``DOC#ID`` of gold records)."""
    layout, paths = _open(root)
    members = list(dict.fromkeys(members))
    if not LINK_ID.fullmatch(lid) or not lid.startswith(f"{link_type}-"):
        raise AnnotateError(f"a link id is {link_type}- and lower-case words joined by hyphens "
                            f"(e.g. {link_type}-rawalakot-conference), not {lid!r}")
    _label("link", link_type, "--type")
    if not description.strip():
        raise AnnotateError("give the link a --description: what its members have in common")
    if not members:
        raise AnnotateError("give at least one member with --member DOC#ID")
    known = document_ids(layout)
    with Change(layout.root, paths) as ch:
        table = ch.table(layout.links_file, "link")
        if table.get(lid) is not None:
            raise AnnotateError(f"there is already a link {lid!r}; change it with 'kashcorpus link member' / 'link pair'")
        _entity(ch, entity)
        for ref in members:
            _member(ch, ref, link_type, known)
        link: dict[str, Any] = {"id": lid, "type": link_type, "description": description.strip(), "entity": entity,
                "members": sorted(members, key=ref_key), "pairs": []}
        if note:
            link["note"] = note
        table.records.append(link)
        ch.put(table)
    return finish(f"added link {lid} ({link_type}) with {len(members)} member{'s' if len(members) != 1 else ''}: "
                  f"{', '.join(link['members'])}", [], ch, {"action": "add", "link": link})


def link_remove(root: Path | str, lid: str) -> Result:
    """Remove a link with its members and pairs (the records it joins stay)."""
    layout, paths = _open(root)
    with Change(layout.root, paths) as ch:
        table = ch.table(layout.links_file, "link")
        link = _link(table, lid)
        table.records.remove(link)
        ch.put(table)
    return finish(f"removed link {lid} ({len(link['members'])} members, {len(link['pairs'])} pairs)", [], ch,
                  {"action": "rm", "link": link})


def link_set(root: Path | str, lid: str, *, description: str | None = None, entity: str | None = None,
             clear_entity: bool = False, note: str | None = None, clear_note: bool = False) -> Result:
    """Change a link's description, entity or note."""
    layout, paths = _open(root)
    with Change(layout.root, paths) as ch:
        table = ch.table(layout.links_file, "link")
        link = _link(table, lid)
        before = dict(link)
        if description is not None:
            if not description.strip():
                raise AnnotateError("a link's description cannot be empty")
            link["description"] = description.strip()
        if entity is not None or clear_entity:
            _entity(ch, entity)
            link["entity"] = entity
        if note is not None:
            link["note"] = note
        elif clear_note:
            link.pop("note", None)
        changes = [f"{k} {before.get(k)!r} -> {link.get(k)!r}" for k in ("description", "entity", "note")
                   if before.get(k) != link.get(k)]
        ch.put(table)
    return finish(f"link {lid}: " + ("; ".join(changes) or "nothing changed"), [], ch,
                  {"action": "set", "before": before, "link": link})


def link_members(root: Path | str, lid: str, *, add: Iterable[str] = (), remove: Iterable[str] = ()) -> Result:
    """Add members to a link or remove them (a removed member's pairs go with it)."""
    layout, paths = _open(root)
    add, remove = list(add), list(remove)
    if not add and not remove:
        raise AnnotateError("give members to --add or --remove (DOC#ID)")
    known = document_ids(layout)
    with Change(layout.root, paths) as ch:
        table = ch.table(layout.links_file, "link")
        link = _link(table, lid)
        lines, notes = [], []
        for ref in remove:
            if ref not in link["members"]:
                raise AnnotateError(f"{ref} is not a member of {lid} (its members: {', '.join(link['members'])})")
            gone = [p for p in link["pairs"] if ref in (p["a"], p["b"])]
            link["pairs"] = [p for p in link["pairs"] if p not in gone]
            link["members"].remove(ref)
            lines.append(f"removed member {ref} from link {lid}")
            notes += [f"pair {p['a']} / {p['b']} ({p['relation']}) removed with it" for p in gone]
        for ref in add:
            _member(ch, ref, link["type"], known)
        new = _add_members(link, add)
        lines += [f"added member {ref} to link {lid}" for ref in new]
        notes += [f"{ref} is already a member of {lid}" for ref in add if ref not in new]
        if not link["members"]:
            raise AnnotateError(f"a link keeps at least one member; remove the link with 'kashcorpus link rm {lid}'")
        ch.put(table)
    return finish("\n".join(lines) or f"link {lid}: nothing changed", notes, ch, {"action": "members", "link": link})


def link_pair(root: Path | str, lid: str, a: str, b: str, *, relation: str | None = None, note: str | None = None,
              clear_note: bool = False, remove: bool = False) -> Result:
    """Add a pair of claims to a link, change its relation (agree, complement, conflict) or note, or remove it.
    A claim of a new pair that is not yet a member becomes one."""
    layout, paths = _open(root)
    if a == b:
        raise AnnotateError("a pair joins two different claims")
    if relation is not None:
        _label("relation", relation, "--relation")
    known = document_ids(layout)
    with Change(layout.root, paths) as ch:
        table = ch.table(layout.links_file, "link")
        link = _link(table, lid)
        pair = next((p for p in link["pairs"] if {p["a"], p["b"]} == {a, b}), None)
        notes: list[str] = []
        if remove:
            if pair is None:
                raise AnnotateError(f"link {lid} has no pair {a} / {b}")
            link["pairs"].remove(pair)
            message = f"removed pair {pair['a']} / {pair['b']} ({pair['relation']}) from link {lid}"
        elif pair is None:
            if relation is None:
                raise AnnotateError(f"give the new pair's --relation ({', '.join(taxonomy()['relation'])})")
            for ref in (a, b):
                if _member(ch, ref, link["type"], known)["type"] != "claim":
                    raise AnnotateError(f"{ref} is not a claim; pairs join claims")
            notes += [f"{ref} added as a member of {lid}" for ref in _add_members(link, (a, b))]
            first, second = sorted((a, b), key=ref_key)
            pair = {"a": first, "b": second, "relation": relation, **({"note": note} if note else {})}
            link["pairs"].append(pair)
            message = f"added pair {first} / {second} ({relation}) to link {lid}"
        else:
            before = dict(pair)
            if relation is not None:
                pair["relation"] = relation
            if note is not None:
                pair["note"] = note
            elif clear_note:
                pair.pop("note", None)
            changes = [f"{k} {before.get(k)!r} -> {pair.get(k)!r}" for k in ("relation", "note")
                       if before.get(k) != pair.get(k)]
            message = f"pair {pair['a']} / {pair['b']} of link {lid}: " + ("; ".join(changes) or "nothing changed")
        ch.put(table)
    return finish(message, notes, ch, {"action": "pair", "link": link, "pair": pair})


def link_list(root: Path | str, lid: str | None = None) -> list[dict]:
    """The links (or the one ``lid``), each member with the gold record it names described in one line."""
    layout = Layout(Path(root))
    links = sorted(read_jsonl(layout.links_file, layout.root), key=lambda r: r["id"]) if layout.links_file.exists() else []
    if lid is not None:
        links = [x for x in links if x["id"] == lid]
        if not links:
            raise AnnotateError(f"there is no link {lid!r}; see 'kashcorpus link ls'")
    files: dict[str, dict[str, dict]] = {}
    out = []
    for link in links:
        views = {}
        for ref in link["members"]:
            doc, _, rid = ref.partition("#")
            if not is_doc_id(doc):  # a link file that does not validate, listed with --force: never a path
                views[ref] = "(not a document id)"
                continue
            if doc not in files:
                path = layout.gold_path(doc)
                files[doc] = ({r["id"]: r for r in read_jsonl(path, layout.root) if r.get("type") != "header"}
                              if path.exists() else {})
            rec = files[doc].get(rid)
            views[ref] = describe(rec) if rec else "(missing)"
        out.append({**link, "member_records": views})
    return out

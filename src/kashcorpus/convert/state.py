"""What an export records of each document (so an import never undoes newer gold), and what an import would change."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

STATE_KEY = "kashcorpus"             # a Label Studio task's data field holding the state of its document
STATE_FILE = "kashcorpus-state.json"  # the file of a brat folder holding the state of each document


def _without_offsets(rec: dict) -> dict:
    out = {k: v for k, v in rec.items() if k not in ("start", "end")}
    for k, v in out.items():
        if isinstance(v, dict) and "start" in v:
            out[k] = {a: b for a, b in v.items() if a not in ("start", "end")}
    return out


def content_state(records: list[dict]) -> str:
    """The sha256 of what ``records`` say, their offsets aside: re-anchoring after a text edit that only shifts
    spans leaves it as it was; any other change (a label, a note, a span's text, a record added) changes it.

    >>> a = [{"type": "mention", "id": "m1", "start": 0, "end": 5, "text": "Hamas", "label": "ORG"}]
    >>> content_state(a) == content_state([{**a[0], "start": 3, "end": 8}]), content_state(a) == content_state([])
    (True, False)
    """
    rows = sorted((_without_offsets(r) for r in records), key=lambda r: (str(r.get("type")), str(r.get("id"))))
    return hashlib.sha256(orjson.dumps(rows, option=orjson.OPT_SORT_KEYS)).hexdigest()


def document_state(doc: str, text: str, layer: str, gold: list[dict], base: list[dict] | None = None,
                   only: str | None = None) -> dict[str, Any]:
    """What an export records of one document: the layer exported, its text's hash, the state of its gold
    records (:func:`content_state`) and the records exported when they are a base a merge into gold can use.

    >>> s = document_state("kash-000", "Hamas", "pass-ann1", [])
    >>> sorted(s), s["layer"]
    (['doc', 'gold_state', 'layer', 'text_sha256'], 'pass-ann1')
    """
    out: dict[str, Any] = {"doc": doc, "layer": layer,
                           "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                           "gold_state": content_state(gold)}
    if only is not None:
        out["only"] = only
    if base is not None:
        out["records"] = base
    return out


def _span(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("text"), str)
            and all(isinstance(value.get(k), int) and not isinstance(value.get(k), bool) for k in ("start", "end")))


def _well_formed(rec: Any) -> bool:
    """A base record an import can compare and carry: an id, a type, and spans with integer offsets."""
    if not isinstance(rec, dict) or not isinstance(rec.get("id"), str) or not isinstance(rec.get("type"), str):
        return False
    if rec["type"] == "attribution":
        return _span(rec.get("content")) and all(rec.get(p) is None or _span(rec.get(p)) for p in ("source", "cue"))
    return _span(rec)


def read_state(value: Any) -> dict[str, Any] | None:
    """A recorded state as read back from an export (``None`` when it is missing or not of this shape; its
    base records are left out when any of them is not a record).

    >>> read_state({"gold_state": "ab", "records": [{"id": "m1"}]}), read_state("x")
    ({'gold_state': 'ab'}, None)
    """
    if not isinstance(value, dict) or not isinstance(value.get("gold_state"), str):
        return None
    records = value.get("records")
    if records is not None and not (isinstance(records, list) and all(_well_formed(r) for r in records)):
        value = {k: v for k, v in value.items() if k != "records"}
    return value


def read_state_file(folder: Path) -> dict[str, dict[str, Any]]:
    """The states of a brat folder's documents (``{}`` when it has no readable state file)."""
    from ..io import read_input

    path = Path(folder) / STATE_FILE
    if not path.is_file() or path.is_symlink():
        return {}
    try:
        data = orjson.loads(read_input(path))
    except (OSError, ValueError):
        return {}
    docs = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(docs, dict):
        return {}
    return {k: s for k, v in docs.items() if (s := read_state(v)) is not None}


def state_file(states: list[dict[str, Any]], earlier: dict[str, dict[str, Any]] | None = None) -> bytes:
    """The bytes of a brat folder's state file: the states of the documents exported now, beside the earlier
    ones of documents not exported again."""
    docs = dict(earlier or {})
    docs.update({s["doc"]: s for s in states})
    body = {"about": "the state of each document when it was exported; 'kashcorpus import' reads it to refuse an "
                     "import that would undo newer gold. Keep it beside the .ann files.",
            "documents": {k: docs[k] for k in sorted(docs)}}
    return orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n"


def earlier_text(old: str, new: str, state: dict[str, Any] | None) -> bool:
    """Whether ``old``, the text an export holds, is an earlier text of the document whose text is now ``new``
    (so its spans can be carried through the edit): the export's state says it was exported with that text, or,
    for an export that records no state, the two texts are nine tenths the same.

    >>> earlier_text("Hamas met in PoK.", "Hamas leaders met in PoK.", None), earlier_text("x", "Hamas met", None)
    (True, False)
    """
    import difflib

    if state is not None:
        return state.get("text_sha256") == hashlib.sha256(old.encode("utf-8")).hexdigest()
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return sm.real_quick_ratio() >= 0.8 and sm.quick_ratio() >= 0.8 and sm.ratio() >= 0.8


# -- what an import changes ------------------------------------------------------------------------

def _show(rec: dict) -> str:
    span = rec.get("content") if rec.get("type") == "attribution" else rec
    text = span.get("text", "") if isinstance(span, dict) else ""
    text = text.replace("\n", "⏎")
    quote = repr(text if len(text) <= 50 else text[:49] + "…")
    label = rec.get("label") or rec.get("claim_type") or rec.get("source_type") or ""
    return f"{rec.get('type')} {rec.get('id')}{' ' + str(label) if label else ''} {quote}"


def _field(v: Any) -> str:
    s = f"{v['text']!r} [{v.get('start')}, {v.get('end')})" if isinstance(v, dict) and "text" in v else repr(v)
    s = s.replace("\n", "⏎")
    return s if len(s) <= 60 else s[:59] + "…"


@dataclass
class Changes:
    """What replacing the records ``before`` by ``after`` does, record by record (matched by id)."""

    added: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, dict]] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    unchanged: int = 0

    @classmethod
    def of(cls, before: list[dict], after: list[dict]) -> Changes:
        """
        >>> c = Changes.of([{"type": "mention", "id": "m1", "text": "Hamas", "label": "ORG"}],
        ...                [{"type": "mention", "id": "m1", "text": "Hamas", "label": "PER"}])
        >>> c.lines()
        ["~ mention m1 PER 'Hamas': label 'ORG' -> 'PER'"]
        """
        old = {r.get("id"): r for r in before}
        new = {r.get("id"): r for r in after}
        out = cls()
        for rid, rec in new.items():
            if rid not in old:
                out.added.append(rec)
            elif old[rid] != rec:
                out.changed.append((old[rid], rec))
            else:
                out.unchanged += 1
        out.removed = [r for rid, r in old.items() if rid not in new]
        return out

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def counts(self, done: bool = False) -> str:
        """``1 to add, 0 to change, 2 to remove, 40 unchanged`` (``done``: ``1 added, ...``)."""
        verbs = ("added", "changed", "removed") if done else ("to add", "to change", "to remove")
        return (f"{len(self.added)} {verbs[0]}, {len(self.changed)} {verbs[1]}, {len(self.removed)} {verbs[2]}, "
                f"{self.unchanged} unchanged")

    def lines(self) -> list[str]:
        """One line per record added (``+``), changed (``~``, with the fields that change) or removed (``-``)."""
        out = [f"+ {_show(r)}" for r in self.added]
        for a, b in self.changed:
            diffs = [f"{k} {_field(a.get(k))} -> {_field(b.get(k))}" for k in sorted(set(a) | set(b))
                     if a.get(k) != b.get(k)]
            out.append(f"~ {_show(b)}: {'; '.join(diffs)}")
        out += [f"- {_show(r)}" for r in self.removed]
        return out


def _renumber(base: dict, ours: dict, theirs: list[dict]) -> list[dict]:
    """``theirs`` with each record it added under an id ``ours`` also added (for another record) given the next
    free id of its kind, and the references to it (``attribution``, ``parent``) following."""
    from ..model import id_number

    clash = [r for r in theirs if r.get("id") not in base and r.get("id") in ours and ours[r["id"]] != r]
    if not clash:
        return theirs
    top: dict[str, int] = {}
    for rid in [*ours, *(r.get("id") for r in theirs)]:
        if isinstance(rid, str) and rid[:1].isalpha():
            top[rid[0]] = max(top.get(rid[0], 0), id_number(rid))
    renamed = {}
    for r in clash:
        top[r["id"][0]] += 1
        renamed[r["id"]] = f"{r['id'][0]}{top[r['id'][0]]}"
    out = []
    for r in theirs:
        r = {**r, "id": renamed.get(r.get("id"), r.get("id"))}
        for key in ("attribution", "parent"):
            if r.get(key) in renamed:
                r[key] = renamed[r[key]]
        out.append(r)
    return out


def merge(base: list[dict], ours: list[dict], theirs: list[dict]) -> tuple[list[dict], list[str]]:
    """Both sides' changes to ``base``, record by record: a record only one side changed (added, edited,
    removed) takes that side's version; a record both changed alike is kept once; a record both sides added
    under the same id keeps both (``theirs`` takes the next free id); ids both changed differently are the
    conflicts returned (the merge is then not to be used).

    >>> b = [{"id": "m1", "label": "ORG"}, {"id": "m2", "label": "PER"}]
    >>> merge(b, [{"id": "m1", "label": "GPE"}, b[1]], [b[0], b[1], {"id": "c1", "label": "claim"}])
    ([{'id': 'm1', 'label': 'GPE'}, {'id': 'm2', 'label': 'PER'}, {'id': 'c1', 'label': 'claim'}], [])
    >>> merge([], [{"id": "m1", "label": "ORG"}], [{"id": "m1", "label": "PER"}])[0]
    [{'id': 'm1', 'label': 'ORG'}, {'id': 'm2', 'label': 'PER'}]
    """
    old = {r.get("id"): r for r in base}
    mine = {r.get("id"): r for r in ours}
    other = {r.get("id"): r for r in _renumber(old, mine, theirs)}
    order = list(mine) + [k for k in other if k not in mine]
    out, conflicts = [], []
    for rid in order:
        b, o, t = old.get(rid), mine.get(rid), other.get(rid)
        if o == t or t == b:
            pick = o
        elif o == b:
            pick = t
        else:
            conflicts.append(str(rid))
            continue
        if pick is not None:
            out.append(pick)
    return out, conflicts

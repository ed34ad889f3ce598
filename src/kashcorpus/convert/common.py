"""What every converter shares: an annotated text, problems reported on the way, ids, and the validated write."""
from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from collections.abc import Iterable

from ..findings import Finding, render_template
from ..io import dumps_annotation_file
from ..layout import Layout
from ..model import ID_PREFIX, RECORD_ID, is_doc_id, next_id, removed_ids, with_removed
from ..resources import conversion_codes, schema_version, taxonomy



@dataclass(frozen=True)
class Problem:
    """Something that could not be carried over exactly; converters report these, never drop silently.

    ``code`` is a converter code of the catalogue (``schema/findings.json``, ``conversions``); ``params``
    keeps the values of its message.

    >>> str(problem("import-discontinuous-span", "kash-000", "T3", detail="T3 has 2 fragments"))
    'kash-000 T3: import-discontinuous-span: T3 has 2 fragments'
    """

    doc: str | None
    where: str
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        return f"{self.doc or '-'} {self.where}: {self.code}: {self.message}"

    @property
    def severity(self) -> str:
        return conversion_codes()[self.code]["severity"]


def problem(code: str, doc: str | None, where: str, **params: Any) -> Problem:
    """A problem of converter code ``code`` (its message from the catalogue's template and ``params``)."""
    return Problem(doc, where, code, render_template(conversion_codes()[code]["message"], params, limit=None), params)


@dataclass
class Exported:
    """What an export wrote: how many documents, the problems, and the text itself when it went to no file."""

    documents: int
    problems: list[Problem] = field(default_factory=list)
    text: str | None = None


@dataclass
class Annotated:
    """One document's text and its span records (dicts in the data model's form, no header)."""

    doc: str
    text: str
    records: list[dict] = field(default_factory=list)


def span_key(rec: dict) -> tuple:
    """Everything a record says, as a hashable value (for round-trip comparisons in tests and reports)."""
    return tuple(sorted((k, span_key(v) if isinstance(v, dict) else v) for k, v in rec.items()))


def assign_ids(records: list[dict]) -> list[dict]:
    """Give records without a usable id (``None``, wrong prefix, duplicate) the next free id of their type.

    References (``attribution``, ``parent``) that name a renamed id through ``_ref`` keys are left to the caller.

    >>> [r["id"] for r in assign_ids([{"type": "mention", "id": "m2"}, {"type": "mention", "id": None},
    ...                                {"type": "mention", "id": "m2"}])]
    ['m2', 'm3', 'm4']
    """
    used: set[str] = set()
    out = []
    pending = []
    for rec in records:
        rid = rec.get("id")
        if isinstance(rid, str) and RECORD_ID.fullmatch(rid) and rid[0] == ID_PREFIX[rec["type"]] and rid not in used:
            used.add(rid)
            out.append(rec)
        else:
            pending.append(len(out))
            out.append(rec)
    top: dict[str, int] = {}  # the highest number in use per prefix: one pass, so an import is linear in its records
    for u in used:
        top[u[0]] = max(top.get(u[0], 0), int(u[1:]))
    for i in pending:
        prefix = ID_PREFIX[out[i]["type"]]
        top[prefix] = top.get(prefix, 0) + 1
        out[i] = {**out[i], "id": f"{prefix}{top[prefix]}"}
    return out


def mismatch(actual: str, said: str, limit: int = 40) -> str:
    """Two texts that should be equal, shown around their first difference (a zone's whole text is never
    printed twice).

    >>> mismatch("Hamas met", "Hamas mat")
    "'Hamas met' vs 'Hamas mat' (they differ at character 8)"
    >>> mismatch("x" * 100 + "A" + "y" * 100, "x" * 100 + "B" + "y" * 100, limit=10)
    "…'xxxxxxAyyy'… vs …'xxxxxxByyy'… (they differ at character 101 of 201)"
    """
    if len(actual) <= limit and len(said) <= limit:
        at = next((i for i, (a, b) in enumerate(zip(actual, said)) if a != b), min(len(actual), len(said)))
        return f"{actual!r} vs {said!r} (they differ at character {at + 1})"
    at = next((i for i, (a, b) in enumerate(zip(actual, said)) if a != b), min(len(actual), len(said)))
    lo = max(0, at - (limit * 3) // 5)

    def cut(s: str) -> str:
        return ("…" if lo else "") + repr(s[lo:lo + limit]) + ("…" if lo + limit < len(s) else "")

    return f"{cut(actual)} vs {cut(said)} (they differ at character {at + 1} of {len(actual)})"


def check_span_text(text: str, start, end, expected: str | None) -> str | None:
    """Why ``[start, end)`` is not a usable span of ``text`` (``None`` when it is).

    >>> check_span_text("Hamas met", 0, 5, "Hamas") is None, check_span_text("Hamas met", 0, 4, "Hamas")
    (True, "text[0:4] is 'Hama', the file says 'Hamas'")
    """
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        return f"offsets {start!r}, {end!r} are not integers"
    if not 0 <= start < end <= len(text):
        return f"offsets {start}-{end} are outside the text (length {len(text)}) or empty"
    if expected is not None and text[start:end] != expected:
        if max(len(expected), end - start) > 40:
            return f"text[{start}:{end}] and the file's text differ: {mismatch(text[start:end], expected)}"
        return f"text[{start}:{end}] is {text[start:end]!r}, the file says {expected!r}"
    return None


# -- the validated, atomic write -------------------------------------------------------------------

@dataclass
class Plan:
    """Bytes ready to be written to one annotation file, with the validator's findings on them."""

    path: Path
    rel: str
    data: bytes
    findings: list[Finding]
    renamed: dict[str, str] = field(default_factory=dict)  # imported id -> the new id it got (it was removed before)

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def plan_layer(root: Path, doc: str, layer: str, records: Iterable[dict]) -> Plan:
    """Serialise ``records`` as the annotation file of ``doc`` in ``layer`` and validate the bytes.

    The bytes are validated exactly as they will be written (levels 1-3 of the validator, against the
    corpus text and the entity registry); nothing is written here. Ids are never reused: the header keeps
    listing what the file's header listed as removed, adds the ids of the file that the records leave out,
    and a record whose id was removed before gets a new one (``Plan.renamed``).
    """
    from ..corpus import read_entities
    from ..io import read_text
    from ..validate.annotations import Context, validate_annotation_file

    layout = Layout(Path(root))
    if not is_doc_id(doc):
        raise ValueError(f"not a document id: {doc!r}")
    text = read_text(layout.text_path(doc), layout.root)
    path = layout.layer_path(doc, layer)
    before, held = _previous_ids(path, layout.root)
    records, renamed = fresh_ids(list(records), before | held, before)
    gone = before | (held - {r.get("id") for r in records})
    header = with_removed({"type": "header", "doc": doc, "layer": layer,
                           "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                           "schema_version": schema_version()}, gone)
    data = dumps_annotation_file([header, *records])
    rel = layout.rel(path)
    ctx = Context(taxonomy=taxonomy(), entity_types={e["id"]: e["type"] for e in read_entities(root)})
    with tempfile.TemporaryDirectory(prefix="kashcorpus-") as tmp:
        probe = Path(tmp) / f"{doc}.jsonl"
        probe.write_bytes(data)
        findings, _ = validate_annotation_file(probe, rel, layer, doc, text, ctx)
    return Plan(path, rel, data, findings, renamed)


def _previous_ids(path: Path, root: Path) -> tuple[set[str], set[str]]:
    """``(ids the header lists as removed, ids of the records)`` of the file an import would replace (empty sets
    for a missing file; a line that is not a JSON object counts for nothing, the import replaces it)."""
    from ..io import iter_lines

    if not path.exists():
        return set(), set()
    removed: set[str] = set()
    held: set[str] = set()
    for _line, raw in iter_lines(path, root):
        try:
            obj = orjson.loads(raw)
        except ValueError:
            continue
        if isinstance(obj, dict) and obj.get("type") == "header":
            removed |= removed_ids(obj)
        elif isinstance(obj, dict) and isinstance(obj.get("id"), str):
            held.add(obj["id"])
    return removed, held


def fresh_ids(records: list[dict], taken: set[str], removed: set[str]) -> tuple[list[dict], dict[str, str]]:
    """``records`` with a new id for each whose id is in ``removed`` (above every id of ``records`` and ``taken``),
    the claims and attributions that named it following; and ``{old id: new id}``.

    >>> recs, renamed = fresh_ids([{"type": "attribution", "id": "a2", "parent": None},
    ...                            {"type": "claim", "id": "c1", "attribution": "a2"}], {"a3"}, {"a2"})
    >>> renamed, recs[1]["attribution"]
    ({'a2': 'a4'}, 'a4')
    """
    renamed: dict[str, str] = {}
    used = set(taken) | {r.get("id") for r in records if isinstance(r.get("id"), str)}
    for r in records:
        if r.get("id") in removed:
            new = next_id([{"id": i} for i in used if isinstance(i, str)], r["type"])
            renamed[r["id"]] = new
            used.add(new)
    if not renamed:
        return records, renamed
    out = []
    for r in records:
        r = {**r, "id": renamed.get(r["id"], r["id"])}
        for ref in ("attribution", "parent"):
            if r.get(ref) in renamed and r["type"] in ("claim", "attribution"):
                r[ref] = renamed[r[ref]]
        out.append(r)
    return out, renamed


def write_plans(root: Path, plans: list[Plan], notes: list[str] | None = None) -> list[str]:
    """Write every plan through the store's locked, validated, all-or-nothing change; return the files changed.

    Gold files keep the registry's aliases in step with their mentions, as ``span add`` does (a mention of an
    entity under a new surface form adds the alias; a form no gold mention uses any more is removed); one
    line per alias changed is appended to ``notes``. Passes do not touch the registry.

    Raises :class:`kashcorpus.store.StoreError` (``ChangeRefused`` when the corpus with the change would
    have new validator errors); nothing is written then.
    """
    from ..io import read_jsonl
    from ..store import Change, sync_aliases

    if not all(p.ok for p in plans):
        raise ValueError("refusing to write: some annotation files do not validate")
    layout = Layout(Path(root))
    gold = [p for p in plans if p.path.parent == layout.gold_dir]
    paths = [p.path for p in plans] + ([layout.entities_file] if gold else [])
    with Change(Path(root), paths) as change:
        for p in plans:
            change.stage(p.path, p.data)
        touched: set[str] = set()
        for p in gold:
            before = read_jsonl(p.path) if p.path.exists() else []
            after = [orjson.loads(line) for line in p.data.splitlines() if line.strip()]
            touched |= {r.get("entity") for r in before + after if r.get("type") == "mention" and r.get("entity")}
        if gold:
            first = gold[0]
            af = change.annotations(first.path, first.path.name.removesuffix(".jsonl"), "gold")
            changed = sync_aliases(change, af, sorted(touched))
            if notes is not None:
                notes += changed
    if notes is not None:  # the corpus-level warnings the write introduced (the files' own are in the plans)
        planned = {(f.code, f.file, f.line) for p in plans for f in p.findings}
        notes += [f"warning: {f.location}: {f.code}: {f.message}" for f in change.warnings
                  if (f.code, f.file, f.line) not in planned]
    return change.written


def existing_records(root: Path, doc: str, layer: str) -> list[dict]:
    """The records (no header) currently in ``doc``'s file of ``layer``, or ``[]``."""
    from ..io import read_jsonl

    path = Layout(Path(root)).layer_path(doc, layer)
    return [r for r in read_jsonl(path, Path(root)) if r.get("type") != "header"] if path.exists() else []


def load_documents(root: Path, docs: Iterable[str] | None = None, layer: str = "gold") -> list[Annotated]:
    """The documents of the corpus at ``root`` (all, or those named) with their records of ``layer``.

    Raises ``KeyError`` naming the first unknown document.
    """
    from ..corpus import iter_documents

    wanted = None if docs is None else list(docs)
    found = {d.id: Annotated(d.id, d.text, [dict(r) for r in d.records]) for d in iter_documents(root, layer)}
    if wanted is None or not wanted:
        return [found[k] for k in sorted(found)]
    for name in wanted:
        if name not in found:
            raise KeyError(name)
    return [found[name] for name in wanted]


@dataclass
class ImportReport:
    """The outcome of an import: the files it would write, and everything that stands in the way."""

    root: Path | None = None
    plans: list[Plan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    strict: bool = False  # every problem blocks, warnings too

    @property
    def findings(self) -> list[Finding]:
        return [f for p in self.plans for f in p.findings]

    @property
    def blocking(self) -> list[Problem]:
        """The problems that stop the import: errors (a span off the text, an unknown label, a dangling
        reference...), and with ``strict`` warnings too (a cancelled or repeated annotation, a document found
        by its text), which are otherwise reported and skipped."""
        return [p for p in self.problems if self.strict or p.severity == "error"]

    @property
    def skipped(self) -> list[Problem]:
        """The problems reported and skipped (warnings, when not ``strict``)."""
        return [p for p in self.problems if not self.strict and p.severity != "error"]

    @property
    def ok(self) -> bool:
        return not self.blocking and all(p.ok for p in self.plans)

    def commit(self) -> list[str]:
        """Write every planned file (all validated) atomically; nothing is written when anything failed."""
        if not self.ok or self.root is None:
            raise ValueError("refusing to write: the import has problems")
        self.written = write_plans(self.root, self.plans, self.notes)
        return self.written


def plan_import(root: Path, layers: dict[tuple[str, str], list[dict]], replace: bool, report: ImportReport) -> None:
    """Add a validated plan for each ``(doc, layer) -> records`` to ``report`` (a problem when it would overwrite)."""
    report.root = Path(root)
    for (doc, layer), records in sorted(layers.items()):
        if not replace and existing_records(root, doc, layer):
            report.problems.append(problem("import-layer-exists", doc, layer,
                                           detail=f"{doc} already has {layer} annotations; pass --replace to overwrite them"))
            continue
        plan = plan_layer(root, doc, layer, records)
        report.plans.append(plan)
        report.notes += [f"{doc} {layer}: the imported {old} is {new}: {old} was removed from {plan.rel} before, "
                         "and ids are never reused" for old, new in sorted(plan.renamed.items())]

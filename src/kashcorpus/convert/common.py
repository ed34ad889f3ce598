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
from ..model import ID_PREFIX, RECORD_ID, is_doc_id
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
    origins: dict[str, str] = field(default_factory=dict)  # record id -> where in the imported file it came from

    def where(self, f: Finding) -> str:
        """Where a finding of the planned file is in the file imported (the task and region, the .ann line),
        with the record it would be; the planned file's own location when the record's origin is unknown.

        >>> Plan(Path("x.jsonl"), "annotations/passes/a/kash-000.jsonl", b"", [], {"m4": "task 3, region Xq"}).where(
        ...     Finding("mention-unlinked", "warning", 3, "m", "fix", file="annotations/passes/a/kash-000.jsonl",
        ...             line=5, doc="kash-000", record="m4"))
        'task 3, region Xq (kash-000 m4, for annotations/passes/a/kash-000.jsonl)'
        """
        origin = self.origins.get(f.record or "")
        return f"{origin} ({f.doc} {f.record}, for {self.rel})" if origin else f.location

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def plan_layer(root: Path, doc: str, layer: str, records: Iterable[dict], source: dict | None = None,
               origins: dict[str, str] | None = None) -> Plan:
    """Serialise ``records`` as the annotation file of ``doc`` in ``layer`` and validate the bytes; ``source``
    (where the annotation came from: the header's ``source``) goes into the header, ``origins`` (where each
    record came from in the imported file, by id) into the plan, for the findings to point there.

    The bytes are validated exactly as they will be written (levels 1-3 of the validator, against the
    corpus text and the entity registry); nothing is written here.
    """
    from ..corpus import read_entities
    from ..io import read_text
    from ..validate.annotations import Context, validate_annotation_file

    layout = Layout(Path(root))
    if not is_doc_id(doc):
        raise ValueError(f"not a document id: {doc!r}")
    text = read_text(layout.text_path(doc), layout.root)
    header: dict[str, Any] = {"type": "header", "doc": doc, "layer": layer,
              "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "schema_version": schema_version()}
    if source:
        header["source"] = source
    data = dumps_annotation_file([header, *records])
    path = layout.layer_path(doc, layer)
    rel = layout.rel(path)
    ctx = Context(taxonomy=taxonomy(), entity_types={e["id"]: e["type"] for e in read_entities(root)})
    with tempfile.TemporaryDirectory(prefix="kashcorpus-") as tmp:
        probe = Path(tmp) / f"{doc}.jsonl"
        probe.write_bytes(data)
        findings, _ = validate_annotation_file(probe, rel, layer, doc, text, ctx)
    return Plan(path, rel, data, findings, dict(origins or {}))


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


ONLY = ("zones", "text")  # what an export for a blind pass keeps of a layer: its zones, or nothing but the text


def load_documents(root: Path, docs: Iterable[str] | None = None, layer: str = "gold",
                   only: str | None = None) -> list[Annotated]:
    """The documents of the corpus at ``root`` (all, or those named) with their records of ``layer``
    (with ``only="zones"`` its zones alone, with ``only="text"`` none: the start of a blind pass).

    Raises ``KeyError`` naming the first unknown document.
    """
    from ..corpus import iter_documents

    wanted = None if docs is None else list(docs)
    keep = {"zones": ("zone",), "text": ()}.get(only or "")
    found = {d.id: Annotated(d.id, d.text, [dict(r) for r in d.records if keep is None or r["type"] in keep])
             for d in iter_documents(root, layer)}
    if wanted is None or not wanted:
        return [found[k] for k in sorted(found)]
    for name in wanted:
        if name not in found:
            raise KeyError(name)
    return [found[name] for name in wanted]


def layers(root: Path) -> dict[str, set[str]]:
    """Every layer of the corpus at ``root`` that has annotation files, with the documents it holds.

    >>> from kashcorpus.resources import data_root
    >>> sorted(layers(data_root())["gold"])[:2]
    ['kash-000', 'kash-001']
    """
    out: dict[str, set[str]] = {}
    for layer, rel in Layout(Path(root)).annotation_names():
        out.setdefault(layer, set()).add(rel.rsplit("/", 1)[-1].removesuffix(".jsonl"))
    return out


def check_layer(root: Path, docs: Iterable[str] | None, layer: str) -> list[str]:
    """The documents asked for (all, when ``docs`` is empty) that ``layer`` does not annotate.

    Raises :class:`~kashcorpus.errors.ConvertError` naming the layers there are when ``layer`` has no annotation
    file at all (an export of it would look like success and say nothing).
    """
    from ..corpus import iter_metadata
    from ..errors import ConvertError

    have = layers(root)
    if layer not in have:
        raise ConvertError(f"layer {layer!r} has no annotation files; the layers are: "
                           + ", ".join(sorted(have, key=lambda name: (name != "gold", name))))
    known = [m["id"] for m in iter_metadata(Layout(Path(root)))]
    for d in docs or []:
        if d not in known:
            raise KeyError(d)
    return [d for d in (list(docs or []) or known) if d not in have[layer]]


def export_states(root: Path, documents: list[Annotated], layer: str, only: str | None = None) -> dict[str, dict]:
    """What an export records of each of ``documents`` (exported from ``layer``, ``only`` its zones or its
    text): see :func:`kashcorpus.convert.state.document_state`. What a gold export or an export for a blind pass
    holds is the base a merge into gold compares both sides with."""
    from .state import document_state

    based = layer == "gold" or only is not None
    return {d.doc: document_state(d.doc, d.text, layer, existing_records(root, d.doc, "gold"),
                                  d.records if based else None, only) for d in documents}


def _edits_over(m, old: str, new: str, start: int, end: int) -> str:
    """The stretch of ``old`` the edits of ``m`` that touch ``old[start:end]`` rewrote, and what it became:
    ``[372, 382) 'targetting' -> 'targeting'``."""
    def clip(t: str) -> str:
        return repr(t if len(t) <= 30 else t[:29] + "…")

    ops = [op for op in m.ops if op[0] != "equal" and op[1] <= end and start <= op[2]]
    if not ops:
        return "(around it)"
    i1, i2, j1, j2 = ops[0][1], ops[-1][2], ops[0][3], ops[-1][4]
    return f"[{i1}, {i2}) {clip(old[i1:i2])} -> {clip(new[j1:j2])}"


def carry(old: str, new: str, records: list[dict], doc: str, where: str,
          again: str = "kashcorpus export FORMAT {doc}") -> tuple[list[dict], list[Problem]]:
    """``records`` made on ``old`` (the text an export holds) carried onto ``new`` (the corpus text now) through
    the edit between them (:class:`~kashcorpus.model.OffsetMap`, as ``reanchor`` does): a span the edit left
    alone keeps its text at its new offsets; a span it changed takes the new text when it still mostly says the
    same; a span the edit removed is reported (``import-span-edited``) and its record left out.

    >>> recs, probs = carry("Hamas met in PoK.", "Hamas leaders met in PoK.", [{"type": "mention", "id": "m1",
    ...     "start": 13, "end": 16, "text": "PoK"}], "d", "d.ann")
    >>> recs, probs
    ([{'type': 'mention', 'id': 'm1', 'start': 21, 'end': 24, 'text': 'PoK'}], [])
    >>> lost = carry("Hamas met in PoK.", "Hamas met in Lahore.", [{"type": "mention", "id": "m1", "start": 13,
    ...     "end": 16, "text": "PoK"}], "d", "d.ann", "kashcorpus export brat {doc} --out FOLDER")[1][0]
    >>> print(lost.message.split("; ")[0])
    m1 'PoK' became 'Lahore' through the text edit [13, 16) 'PoK' -> 'Lahore' made since the export
    """
    import difflib

    from ..model import OffsetMap, map_record, spans_of

    m = OffsetMap(old, new)
    out: list[dict] = []
    problems: list[Problem] = []
    for rec in records:
        moved = map_record(rec, m)
        ok = True
        for part, span in spans_of(moved):
            s, e = span["start"], span["end"]
            now = new[s:e]
            if now == span["text"]:
                continue
            if s < e and difflib.SequenceMatcher(None, span["text"], now, autojunk=False).ratio() >= 0.75:
                span["text"] = now  # type: ignore[index]
                continue
            ok = False
            name = rec.get("id", "?") + ("" if part == rec.get("type") else f".{part}")
            was = next(sp for p, sp in spans_of(rec) if p == part)
            problems.append(problem("import-span-edited", doc, where, detail=(
                f"{name} {span['text']!r} became {now!r} through the text edit "
                f"{_edits_over(m, old, new, was['start'], was['end'])} made since the export; export {doc} again "
                f"({again.format(doc=doc)}) and redo it on the current text, or import the rest and add it with "
                "'kashcorpus span add'")))
        if ok:
            out.append(moved)
    return out, problems


@dataclass
class ImportReport:
    """The outcome of an import: the files it would write, and everything that stands in the way."""

    root: Path | None = None
    plans: list[Plan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    strict: bool = False  # every problem blocks, warnings too
    # per gold document: a line of counts, then one line per record added, changed or removed (and gold's own
    # changes since the export)
    summary: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for p in self.plans for f in p.findings]

    @property
    def blocking(self) -> list[Problem]:
        """The problems that stop the import: errors (a span off the text, an unknown label, a dangling
        reference, gold changed since the export...), and with ``strict`` warnings too (a cancelled or repeated
        annotation, a document found by its text), which are otherwise reported and skipped."""
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


@dataclass
class Guard:
    """What an import into gold checks against: the state each document's export recorded (``None``: none
    recorded), the base records a merge compares both sides with, and what the user allowed."""

    states: dict[str, dict | None] = field(default_factory=dict)
    bases: dict[str, list[dict]] = field(default_factory=dict)
    force: bool = False
    merge: bool = False


def _guard_gold(root: Path, doc: str, records: list[dict], existing: list[dict], guard: Guard,
                report: ImportReport) -> list[dict] | None:
    """The records to write into ``doc``'s gold (``None``: refused), with the per-record summary in the report."""
    from .state import Changes, content_state, merge

    state = guard.states.get(doc)
    base = guard.bases.get(doc)
    if state is not None and base is not None and state.get("layer") == "gold" and not state.get("only"):
        moved = not Changes.of(base, existing).empty  # the export's gold, carried through any text edit since
    else:
        moved = content_state(existing) != (state["gold_state"] if state else content_state([]))
    since = Changes.of(base, existing) if moved and base is not None else None
    if guard.merge and (moved or base is not None):
        if base is None:
            report.problems.append(problem("import-gold-moved-on", doc, "gold", detail=(
                f"gold of {doc} changed since the export, and the export holds no base to merge with (only gold "
                "exports and --only exports do); check the summary and pass --force, or export again")))
            return None
        merged, conflicts = merge(base, existing, records)
        if conflicts:
            report.problems.append(problem("import-gold-moved-on", doc, "gold", detail=(
                f"gold of {doc} and the export both changed {', '.join(conflicts[:10])}"
                + (f" and {len(conflicts) - 10} more" if len(conflicts) > 10 else "")
                + "; settle these records in one place, or pass --force to take the export's version")))
            return None
        report.notes.append(f"{doc}: merged the export's changes with gold's since the export (no record changed on "
                            "both sides)" if moved else f"{doc}: merged the export's changes into gold")
        records = merged
    elif moved and not guard.force:
        what = ("the export records no state of gold (it was not made by 'kashcorpus export', or before exports "
                "recorded it)" if state is None else "gold changed since the export was made")
        report.problems.append(problem("import-gold-moved-on", doc, "gold", detail=(
            f"{what}; the import would undo those changes (see the summary); pass --merge to keep both sides' "
            "changes, --force to take the export's version anyway, or export again")))
    changes = Changes.of(existing, records)
    lines = [f"  {line}" for line in changes.lines()]
    if since is not None and not since.empty:
        lines.append(f"  gold's changes since the export: {since.counts(done=True)}")
        lines += [f"    {line}" for line in since.lines()]
    report.summary.append((f"{doc} (gold): {changes.counts()}" + (" [gold changed since the export]" if moved else ""),
                           lines))
    return records


def plan_import(root: Path, layers: dict[tuple[str, str], list[dict]], replace: bool, report: ImportReport,
                guard: Guard | None = None, sources: dict[tuple[str, str], dict] | None = None,
                origins: dict[tuple[str, str], dict[str, str]] | None = None) -> None:
    """Add a validated plan for each ``(doc, layer) -> records`` to ``report`` (a problem when it would overwrite,
    or undo gold newer than the export: see :class:`Guard`); ``sources`` and ``origins`` by ``(doc, layer)``
    go to :func:`plan_layer`."""
    report.root = Path(root)
    guard = guard or Guard()
    sources, origins = sources or {}, origins or {}
    for (doc, layer), records in sorted(layers.items()):
        existing = existing_records(root, doc, layer)
        if not replace and existing:
            report.problems.append(problem("import-layer-exists", doc, layer,
                                           detail=f"{doc} already has {layer} annotations; pass --replace to overwrite them"))
            continue
        if layer == "gold":
            kept = _guard_gold(root, doc, records, existing, guard, report)
            if kept is None:
                continue
            records = kept
        report.plans.append(plan_layer(root, doc, layer, records, sources.get((doc, layer)),
                                       origins.get((doc, layer))))

"""The validator: levels 1 (bytes, syntax) to 4 (corpus rules), findings as data.

``iter_findings`` yields every finding; ``validate`` returns a :class:`Report`;
``check`` raises :class:`CorpusInvalid` on the first error.
"""
from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator

from ..errors import CorpusInvalid
from ..findings import Finding, make_finding, sort_findings, summary
from ..layout import Layout
from ..model import GOLD, is_doc_id
from ..resources import taxonomy as load_taxonomy
from .corpus import check_decisions, check_links, check_registry_use, read_links, read_registry
from .documents import check_documents, check_text
from .annotations import Context, FileSummary, validate_annotation_file

__all__ = ["Report", "CorpusInvalid", "iter_findings", "validate", "check", "codes", "checked_codes"]

# what iter_findings itself reports about the corpus's files
CODES = ("unknown-document", "annotations-missing", "change-interrupted", "file-unreadable", "stray-file", "file-unsafe")


@dataclass
class Report:
    """The result of a validation run."""

    findings: list[Finding]
    stats: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def summary(self) -> dict:
        return {**summary(self.findings), **self.stats}

    def flat(self) -> list[tuple[str, str | None, int | None]]:
        """``[(code, file, line)]``, the form tests assert on."""
        return [(f.code, f.file, f.line) for f in self.findings]


def codes() -> dict:
    """The catalogue of every finding code (from ``schema/findings.json``)."""
    from ..resources import findings_catalogue

    return findings_catalogue()


def checked_codes() -> dict[str, tuple[str, ...]]:
    """Where each code of the catalogue is checked: the reader and each rule of an annotation file, and the
    checks of the whole corpus (a code may be checked in several places)."""
    from . import corpus, documents, syntax
    from .annotations import READER_CODES
    from .rules import RULES

    return {"syntax": syntax.CODES, "annotation reader": READER_CODES,
            **{f"rule {r.id}": r.codes for r in RULES},
            "documents": documents.CODES, "registry and links": corpus.CODES, "corpus files": CODES}


@dataclass
class BatchResult:
    """What a batch of documents hands back: its findings and the small facts the corpus-level rules need."""

    found: list[Finding] = field(default_factory=list)
    records: int = 0
    gold: dict[str, FileSummary] = field(default_factory=dict)  # the documents whose ids links name
    used: dict[str | None, set[tuple[str, str]]] = field(default_factory=dict)  # (entity, text) of mentions, by layer


_SHARED: dict = {}  # what every batch reads, set before the workers fork so that it is not sent with each batch
BATCH_DOCS = 64  # documents per batch: large enough that two workers gain, small enough to keep memory flat


def _batch(args) -> BatchResult:
    """One unit of work: the texts of a batch of documents and every annotation file of them.

    The files of each layer go through the fast path together; when it has doubts they go through it
    one by one, and a file it still doubts is read by the detailed path, which reports what is wrong.
    """
    from .batch import Folder, Item, fast_files, fast_text

    root, docs = args
    ctx: Context = _SHARED["ctx"]
    out = BatchResult()
    folders: dict[str, Folder] = {}

    def folder(rel: str) -> Folder:
        if rel not in folders:
            folders[rel] = Folder(root, tuple(rel.split("/")))
        return folders[rel]

    pending: dict[str | None, list[tuple[Item, str]]] = {}  # layer -> (item, file), for the fast path
    slow: list[tuple[str | None, str, str, str | None, str | None, frozenset[str]]] = []
    try:
        texts = folder("corpus/texts")
        for facts, files, needed in docs:
            text = fast_text(texts.read(f"{facts.doc}.txt"), facts)
            sha = facts.sha256
            if text is None:
                found, text, sha = check_text(Layout(Path(root)), facts)
                out.found.extend(found)
            for layer, rel in files:
                place, name = rel.rsplit("/", 1)
                data = folder(place).read(name) if text is not None and sha is not None else None
                if data is None:
                    slow.append((layer, rel, facts.doc, text, sha, needed))
                else:
                    assert text is not None and sha is not None
                    pending.setdefault(layer, []).append((Item(data, facts.doc, text, sha, needed), rel))
    finally:
        for f in folders.values():
            f.close()
    for layer, entries in pending.items():
        lctx = ctx.for_layer(layer)
        passed = fast_files([item for item, _rel in entries], layer, lctx.taxonomy, lctx.entity_types)
        if passed is not None:
            _passed(out, layer, entries, passed)
            continue
        for item, rel in entries:
            one = fast_files([item], layer, lctx.taxonomy, lctx.entity_types)
            if one is not None:
                _passed(out, layer, [(item, rel)], one)
            else:
                slow.append((layer, rel, item.doc, item.text, item.sha, item.needed))
    for layer, rel, doc, text, sha, needed in slow:
        lctx = ctx.for_layer(layer)
        if sha is not None:
            lctx = Context(lctx.taxonomy, lctx.entity_types, {doc: sha}, lctx.pass_entity_types)
        found, summ = validate_annotation_file(Path(root) / rel, rel, layer, doc, text, lctx)
        out.found.extend(found)
        out.records += summ.records
        out.used.setdefault(layer, set()).update(summ.mention_texts)
        if layer == GOLD:
            if needed:
                # only the ids that cross-document links name are kept: memory stays flat in corpus size
                out.gold[doc] = FileSummary(doc, layer, summ.records, {r: summ.kinds[r] for r in needed if r in summ.kinds})
    # a (entity, text) pair goes back once per process: the same surface forms recur in every batch
    sent = _SHARED.setdefault("sent", {})
    for layer, pairs in out.used.items():
        seen = sent.setdefault(layer, set())
        out.used[layer] = pairs - seen
        seen |= out.used[layer]
    return out


def _passed(out: BatchResult, layer: str | None, entries: list, passed) -> None:
    out.records += sum(passed.records)
    out.used.setdefault(layer, set()).update(passed.mention_texts)
    if layer == GOLD:
        for (item, _rel), records in zip(entries, passed.records):
            if item.needed:
                out.gold[item.doc] = FileSummary(item.doc, layer, records, passed.kinds.get(item.doc, {}))


def iter_findings(root: Path | str, *, jobs: int = 1, stats: dict | None = None) -> Iterator[Finding]:
    """Yield every finding of the corpus at ``root``, level by level, one document at a time.

    >>> from kashcorpus.resources import data_root
    >>> [f.code for f in iter_findings(data_root()) if f.severity == "error"]
    []
    """
    layout = Layout(Path(root))
    tax = load_taxonomy()
    stats = stats if stats is not None else {}
    yield from _folder_findings(layout)
    doc_findings, index = check_documents(layout, tax)
    yield from doc_findings
    reg_findings, entities, ent_lines = read_registry(layout, tax)
    yield from reg_findings
    link_findings, links = read_links(layout, tax, entities)
    yield from link_findings
    yield from check_decisions(layout)
    registries = {}  # a pass's own registry: its mentions resolve against it, not against gold's
    for layer, path in layout.pass_registries():
        found, ents, lines = read_registry(layout, tax, path)
        yield from found
        registries[layer] = (ents, lines)
    ctx = Context(taxonomy=tax, entity_types={k: v["type"] for k, v in entities.items()},
                  pass_entity_types={layer: {k: v["type"] for k, v in ents.items()}
                                     for layer, (ents, _l) in registries.items()})
    needed: dict[str, set[str]] = {}
    for _line, link in links:
        for ref in link["members"]:
            doc, rid = ref.split("#", 1)
            needed.setdefault(doc, set()).add(rid)
    files_seen: dict[str, int] = {}
    unknown: deque[Finding] = deque()  # filled as the tasks are made (by the pool's thread, with workers)
    tasks = _batches(layout, index, needed, unknown, files_seen)
    used = FileSummary(doc=None, layer=GOLD)  # every (entity, text) of the gold mentions, merged
    pass_used = {layer: FileSummary(doc=None, layer=layer) for layer in registries}  # the same, per pass registry
    gold: dict[str, FileSummary] = {}
    records = 0
    _SHARED["ctx"] = ctx
    try:
        for part in _run(tasks, jobs):
            while unknown:
                yield unknown.popleft()
            yield from part.found
            records += part.records
            gold.update(part.gold)
            for layer, texts in part.used.items():
                if layer == GOLD:
                    used.mention_texts |= texts
                elif layer in pass_used:
                    pass_used[layer].mention_texts |= texts
    finally:
        _SHARED.clear()
    while unknown:
        yield unknown.popleft()
    n_files = files_seen.get("files", 0)
    yield from check_links(layout, links, gold)
    yield from check_registry_use(layout, entities, ent_lines, [used])
    for layer, (ents, lines) in registries.items():
        yield from check_registry_use(layout, ents, lines, [pass_used[layer]], layer)
    n_pass_entities = sum(len(ents) for ents, _l in registries.values())
    stats.update(files=n_files + index.count + 3 + len(registries),
                 records=records + index.count + len(entities) + len(links) + n_pass_entities,
                 documents=index.count, links_file=os.path.lexists(layout.links_file))


def _batches(layout: Layout, index, needed: dict[str, set[str]], unknown: deque[Finding],
             files_seen: dict[str, int]) -> Iterator[tuple[str, list]]:
    """The work, a batch of documents at a time: the documents in id order, each with its annotation files.
    An annotation file of no document goes into ``unknown`` as ``unknown-document``, a document without a
    gold file as ``annotations-missing``; ``files_seen["files"]`` counts the annotation files.

    Nothing is kept per document: with the metadata in canonical order, each document's files are found by
    their names, and each folder's entries are only counted (when a folder holds more than were found, its
    names are listed to say which); otherwise the sorted listings are merged with the metadata.
    """
    root = str(layout.root)
    places = layout.annotation_places()
    probe = _Probe(root, places) if index.streamed else None
    if probe is None or not probe.ok:
        yield from _merged_batches(root, index, layout.annotation_folders(), needed, unknown, files_seen,
                                   layout.rel(layout.gold_dir))
        return
    batch: list = []
    gold_rel = layout.rel(layout.gold_dir)
    try:
        for facts in index.facts():
            batch.append(_task(facts, probe.files(facts.doc), gold_rel, needed, unknown))
            if len(batch) == BATCH_DOCS:
                yield root, batch
                batch = []
        if batch:
            yield root, batch
        listed = probe.entries()
    finally:
        probe.close()
    files_seen["files"] = sum(listed)
    if listed != probe.found:  # a file of no document: list the folders to name it
        found: dict[str, int] = {}
        for _root, _batch in _merged_batches(root, index, layout.annotation_folders(), {}, unknown, found, ""):
            pass


class _Probe:
    """The folders of annotation files, opened once: a document's files are found by their names."""

    def __init__(self, root: str, places: list[tuple[str, str]]):
        import os

        self.places = places
        self.fds: list[int] = []
        self.found = [0] * len(places)
        self.ok = True
        for _layer, place in places:
            try:
                self.fds.append(os.open(os.path.join(root, place), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)))
            except OSError:
                self.ok = False
        self.ok = self.ok and os.stat in os.supports_dir_fd

    def files(self, doc: str) -> list[tuple[str, str]]:
        import os

        out = []
        for k, ((layer, place), fd) in enumerate(zip(self.places, self.fds)):
            name = f"{doc}.jsonl"
            if not Layout.is_annotation_name(layer, name):
                continue
            try:
                os.stat(name, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                continue
            except OSError:
                pass  # there, but not to be looked at: the reader says why
            self.found[k] += 1
            out.append((layer, f"{place}/{name}"))
        return out

    def entries(self) -> list[int]:
        """How many annotation files each folder holds (counted, not listed)."""
        import os

        counts = []
        for (layer, _place), fd in zip(self.places, self.fds):
            with os.scandir(fd) as it:  # it reads a duplicate of the descriptor, from the start
                counts.append(sum(1 for e in it if Layout.is_annotation_name(layer, e.name)))
        return counts

    def close(self) -> None:
        import os

        for fd in self.fds:
            os.close(fd)
        self.fds = []


def _merged_batches(root: str, index, listing: list[tuple[str, str, list[str]]], needed: dict[str, set[str]],
                    unknown: deque[Finding], files_seen: dict[str, int], gold_rel: str) -> Iterator[tuple[str, list]]:
    """:func:`_batches` from the sorted listings of the folders, merged with the metadata by document id.
    With an empty ``gold_rel`` only the files of no document are reported."""
    import heapq

    files_seen["files"] = sum(len(names) for _layer, _place, names in listing)

    def files_of(k: int, layer: str, place: str, names: list[str]) -> Iterator[tuple[str, int, str, str]]:
        names.sort(key=_doc_of)  # in place: by document id ("a" before "a-b"), not by file name
        for name in names:
            yield _doc_of(name), k, layer, f"{place}/{name}"

    files = heapq.merge(*(files_of(k, *folder) for k, folder in enumerate(listing)))
    pending = next(files, None)
    batch: list = []
    for facts in index.facts():
        mine = []
        while pending is not None and (pending[0] < facts.doc or not is_doc_id(pending[0])):
            unknown.append(make_finding("unknown-document", file=pending[3], named=pending[0]))
            pending = next(files, None)
        while pending is not None and pending[0] == facts.doc:
            mine.append((pending[2], pending[3]))
            pending = next(files, None)
        batch.append(_task(facts, mine, gold_rel, needed, unknown))
        if len(batch) == BATCH_DOCS:
            yield root, batch
            batch = []
    if batch:
        yield root, batch
    while pending is not None:
        unknown.append(make_finding("unknown-document", file=pending[3], named=pending[0]))
        pending = next(files, None)


def _task(facts, mine: list, gold_rel: str | None, needed: dict, unknown) -> tuple:
    """One document's share of a batch: its facts, its annotation files and the ids links name in it; a document
    without a gold file gets ``annotations-missing`` in ``unknown`` (when ``gold_rel`` is given)."""
    if gold_rel and not any(layer == GOLD for layer, _rel in mine):
        unknown.append(make_finding("annotations-missing", file=gold_rel, doc=facts.doc, named=facts.doc))
    return facts, mine, frozenset(needed.get(facts.doc, ()))


def _doc_of(name: str) -> str:
    return name[:-len(".jsonl")]


def _folder_findings(layout: Layout) -> Iterator[Finding]:
    """The folders the validator lists: a missing ``annotations/``, a folder it may not list (it would
    otherwise look empty and pass), an interrupted change (its journal) are errors."""
    import os

    from ..io import unsafe_part

    annotations = layout.root / "annotations"
    if not annotations.is_dir():
        yield make_finding("file-unreadable", file="annotations", reason="the folder annotations/ is missing")
    folders = [layout.root / "corpus", layout.texts_dir, annotations, layout.gold_dir, layout.passes_dir]
    if layout.listable(layout.passes_dir):
        try:
            folders += sorted(d for d in layout.passes_dir.iterdir() if d.is_dir())
        except OSError:
            pass
    linked: set[str] = set()
    for folder in folders:
        bad = unsafe_part(layout.root, folder)
        if bad is not None:
            if bad not in linked:  # a linked folder is reported once, and never listed
                linked.add(bad)
                yield make_finding("file-unsafe", file=bad, place=bad, what="a symbolic link")
            continue
        if folder.is_dir():
            try:
                os.listdir(folder)
            except OSError as e:
                yield make_finding("file-unreadable", file=layout.rel(folder), reason=e.strerror or str(e))
    yield from _stray_files(layout)
    yield from _state_findings(layout)
    journal = layout.root / ".kashcorpus" / "journal"
    pending = sorted(journal.glob("*.json")) if unsafe_part(layout.root, journal) is None and journal.is_dir() else []
    if pending:
        yield make_finding("change-interrupted", file=layout.rel(pending[0]), count=len(pending))


PASS_NOTES = ("provenance.json",)  # besides *.md: what a pass folder may hold beside its data


def _stray_files(layout: Layout) -> Iterator[Finding]:
    """``stray-file`` for every entry under annotations/ that is no data file of its place (dot-files aside)."""
    from ..model import is_annotator

    places: list[tuple[str, set[str] | None, str]] = [
        ("annotations", {"gold", "passes", layout.links_file.name, layout.entities_file.name,
                         layout.decisions_file.name}, ""), ("annotations/gold", None, ".jsonl")]
    if layout.listable(layout.passes_dir):
        places += [(f"annotations/passes/{d.name}", None, ".jsonl") for d in layout.pass_folders()
                   if is_annotator(d.name)]
    for place, names, suffix in places:
        folder = layout.root / place
        if not layout.listable(folder):
            continue
        for e in _entries(folder):
            if e.name.startswith("."):
                continue  # a writer's temporary file, .gitkeep
            if names is not None:
                ok = e.name in names
            else:
                ok = e.name.endswith(suffix) or e.is_symlink()  # read (and reported) as data files: no second finding
                if place != "annotations/gold" and e.is_file(follow_symlinks=False):
                    ok = ok or e.name.endswith(".md") or e.name in PASS_NOTES
            if not ok:
                rel = f"{place}/{e.name}"
                yield make_finding("stray-file", file=rel, place=rel)


def _entries(folder: Path) -> list:
    """The entries of ``folder`` by name (``os.DirEntry``, no link followed); none when it may not be listed (that
    is the finding of the check that reads it)."""
    try:
        return sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []


STATE_PLACES = (".kashcorpus", ".kashcorpus/locks", ".kashcorpus/journal", ".kashcorpus/texts")


def _state_findings(layout: Layout) -> Iterator[Finding]:
    """The tools' working state (``.kashcorpus/``) holds no link and no special file: every writer would refuse
    the checkout (``file-unsafe``), so the validator says so first, naming the place."""
    import stat

    from ..io import unsafe_part

    for place in STATE_PLACES:
        folder = layout.root / place
        bad = unsafe_part(layout.root, folder)
        if bad is not None:
            if bad == place:
                yield make_finding("file-unsafe", file=place, place=place, what="a symbolic link")
            continue
        if place == ".kashcorpus" or not folder.is_dir():
            continue
        for e in _entries(folder):
            try:
                mode = e.stat(follow_symlinks=False).st_mode
            except OSError:
                continue
            if not stat.S_ISREG(mode):
                rel = f"{place}/{e.name}"
                what = "a symbolic link" if stat.S_ISLNK(mode) else "a folder" if stat.S_ISDIR(mode) else "a special file"
                yield make_finding("file-unsafe", file=rel, place=rel, what=what)


def _run(tasks, jobs: int):
    """Results of the tasks in order, computed here or by ``jobs`` worker processes, streamed."""
    if jobs <= 1:
        yield from map(_batch, tasks)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_batch, tasks)


def validate(root: Path | str, *, jobs: int = 1) -> Report:
    """Validate the corpus at ``root`` and return every finding, sorted by file and line.

    >>> from kashcorpus.resources import data_root
    >>> validate(data_root()).ok
    True
    """
    stats: dict = {}
    found = sort_findings(iter_findings(root, jobs=jobs, stats=stats))
    return Report(found, stats)


def check(root: Path | str) -> None:
    """Raise :class:`CorpusInvalid` with the first error, as ``jsonschema.validate`` does."""
    for f in iter_findings(root):
        if f.severity == "error":
            raise CorpusInvalid(f)

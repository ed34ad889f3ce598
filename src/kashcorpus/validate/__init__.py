"""The validator: levels 1 (bytes, syntax) to 4 (corpus rules), findings as data.

``iter_findings`` yields every finding; ``validate`` returns a :class:`Report`;
``check`` raises :class:`CorpusInvalid` on the first error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator

from ..errors import CorpusInvalid
from ..findings import Finding, make_finding, sort_findings, summary
from ..layout import Layout
from ..model import is_doc_id
from ..resources import taxonomy as load_taxonomy
from .corpus import check_links, check_registry_use, read_links, read_registry
from .documents import check_documents, check_text
from .annotations import Context, FileSummary, validate_annotation_file

__all__ = ["Report", "CorpusInvalid", "iter_findings", "validate", "check", "codes", "checked_codes"]

# what iter_findings itself reports about the corpus's files
CODES = ("unknown-document", "annotations-missing", "change-interrupted", "file-unreadable")


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


def _task(args) -> tuple[list[Finding], list[FileSummary]]:
    """One unit of work: a document's text and every annotation file of it."""
    root, facts, files, ctx, needed = args
    layout = Layout(Path(root))
    found, text, sha = check_text(layout, facts) if facts is not None else ([], None, None)
    if sha is not None:
        ctx = Context(ctx.taxonomy, ctx.entity_types, {facts.doc: sha}, ctx.pass_entity_types)
    summaries = []
    for layer, path, rel, doc in files:
        f, summ = validate_annotation_file(Path(path), rel, layer, doc, text, ctx.for_layer(layer))
        found.extend(f)
        # only the ids that cross-document links name are kept: memory stays flat in corpus size
        summ.kinds = {rid: summ.kinds[rid] for rid in needed if rid in summ.kinds}
        summaries.append(summ)
    return found, summaries


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
    registries = {}  # a pass's own registry: its mentions resolve against it, not against gold's
    for layer, path in layout.pass_registries():
        found, ents, lines = read_registry(layout, tax, path)
        yield from found
        registries[layer] = (ents, lines)
    ctx = Context(taxonomy=tax, entity_types={k: v["type"] for k, v in entities.items()},
                  pass_entity_types={layer: {k: v["type"] for k, v in ents.items()}
                                     for layer, (ents, _l) in registries.items()})
    per_doc: dict[str, list] = {doc: [] for doc in index.meta}
    n_files = 0
    for layer, path in layout.annotation_files():
        doc = path.name[:-len(".jsonl")]
        rel = layout.rel(path)
        n_files += 1
        if not is_doc_id(doc) or doc not in index.meta:
            yield make_finding("unknown-document", file=rel, named=doc)
            continue
        per_doc[doc].append((layer, str(path), rel, doc))
    needed: dict[str, set[str]] = {}
    for _line, link in links:
        for ref in link["members"]:
            doc, rid = ref.split("#", 1)
            needed.setdefault(doc, set()).add(rid)
    tasks = ((str(layout.root), index.meta[doc], files, ctx, frozenset(needed.get(doc, ())))
             for doc, files in sorted(per_doc.items()))
    used = FileSummary(doc=None, layer="gold")  # every (entity, text) of the gold mentions, merged
    pass_used = {layer: FileSummary(doc=None, layer=layer) for layer in registries}  # the same, per pass registry
    gold_docs: set[str] = set()
    gold: dict[str, FileSummary] = {}
    records = 0
    for found, summs in _run(tasks, jobs):
        yield from found
        for summ in summs:
            records += summ.records
            if summ.layer == "gold":
                gold_docs.add(summ.doc)
                used.mention_texts |= summ.mention_texts
                if summ.doc in needed:
                    gold[summ.doc] = summ
                summ.mention_texts = set()
            elif summ.layer in pass_used:
                pass_used[summ.layer].mention_texts |= summ.mention_texts
    for doc in sorted(index.meta):
        if doc not in gold_docs:
            yield make_finding("annotations-missing", file=layout.rel(layout.gold_dir), doc=doc, named=doc)
    yield from check_links(layout, links, gold)
    yield from check_registry_use(layout, entities, ent_lines, [used])
    for layer, (ents, lines) in registries.items():
        yield from check_registry_use(layout, ents, lines, [pass_used[layer]], layer)
    n_pass_entities = sum(len(ents) for ents, _l in registries.values())
    stats.update(files=n_files + len(index.meta) + 3 + len(registries),
                 records=records + len(index.meta) + len(entities) + len(links) + n_pass_entities,
                 documents=len(index.meta))


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
    journal = layout.root / ".kashcorpus" / "journal"
    pending = sorted(journal.glob("*.json")) if journal.is_dir() and not journal.is_symlink() else []
    if pending:
        yield make_finding("change-interrupted", file=layout.rel(pending[0]), count=len(pending))


def _run(tasks, jobs: int):
    """Results of the tasks in order, computed here or by ``jobs`` worker processes, streamed."""
    if jobs <= 1:
        yield from map(_task, tasks)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_task, tasks, chunksize=16)


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

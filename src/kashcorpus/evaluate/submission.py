"""Reading a system's predictions and validating them with the corpus validator before scoring."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import DocumentRecords, iter_documents, read_entities, read_links
from ..errors import PredictionsError
from ..findings import Finding, make_finding, sort_findings
from ..io import read_jsonl
from ..layout import Layout
from ..model import is_doc_id
from ..resources import taxonomy as load_taxonomy
from ..validate.corpus import check_links, read_registry
from ..validate.corpus import read_links as validate_links
from ..validate.annotations import Context, validate_annotation_file

LINKS_FILE = "links.jsonl"
REGISTRY_FILE = "entities.jsonl"  # a system's own entity registry beside its predictions (as a pass has one)


@dataclass(frozen=True)
class Gold:
    """The gold side: every document with its gold records, and the cross-document links."""

    documents: dict[str, DocumentRecords]
    links: list[Any]


@dataclass
class Submission:
    """Predictions per document (records as dicts, header removed), their links and the validator's findings."""

    records: dict[str, list[dict]]
    links: list[dict] | None
    findings: list[Finding] = field(default_factory=list)
    documents: tuple[str, ...] = ()
    own_clusters: bool = False  # mention entities are the system's own clusters, not ids of the gold registry
    checkthat: int | None = None  # for a CheckThat! TSV (no records): the number of sentences it labels

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def layers(self) -> set[str]:
        """The record types the predictions hold (``link`` when a links file came with them)."""
        found = {r["type"] for recs in self.records.values() for r in recs}
        return found | ({"link"} if self.links is not None else set())


def load_gold(root: Path | str) -> Gold:
    """The gold annotations of the corpus checkout at ``root``.

    >>> from kashcorpus.resources import data_root
    >>> "kash-000" in load_gold(data_root()).documents
    True
    """
    docs = {d.id: d for d in iter_documents(root)}
    return Gold(docs, read_links(root))


class _LinksAt(Layout):
    """A layout whose links file is a given file (a submission's own ``links.jsonl``)."""

    _links: Path

    def __init__(self, root: Path, links: Path):
        object.__setattr__(self, "root", root)
        object.__setattr__(self, "_links", links)

    @property
    def links_file(self) -> Path:
        return self._links


def _files(predictions: Path) -> tuple[list[Path], Path | None, bool]:
    """Annotation files and links file of a submission, and whether it is a single file; a folder with neither
    is a :class:`~kashcorpus.errors.PredictionsError` that says what was looked for and what is there instead."""
    if predictions.is_file():
        return [predictions], None, True
    folder = predictions
    links = None
    if (predictions / "annotations" / "gold").is_dir():
        folder = predictions / "annotations" / "gold"
        links = predictions / "annotations" / LINKS_FILE
    elif (predictions / LINKS_FILE).is_file():
        links = predictions / LINKS_FILE
    files = sorted(p for p in folder.glob("*.jsonl") if p.name not in (LINKS_FILE, REGISTRY_FILE))
    links = links if links is not None and links.is_file() else None
    if not files and links is None:
        others = sorted(p.name for p in folder.iterdir())
        found = (f"it holds {len(others)} other entr{'y' if len(others) == 1 else 'ies'} (first: {others[0]!r})"
                 if others else "it is empty")
        raise PredictionsError("no-predictions", f"no predictions in {folder.as_posix()}: looked for <doc>.jsonl "
                                                 f"annotation files and {LINKS_FILE}, and {found}; give a folder of "
                                                 "<doc>.jsonl files, a corpus checkout, one annotation file or a "
                                                 "CheckThat! .tsv")
    return files, links, False


def _own_types(files: list[Path]) -> dict[str, str]:
    """The system's own clusters: each ``entity`` value of the predicted mentions with the label it first has
    (files the validator will refuse are passed over here)."""
    types: dict[str, str] = {}
    for path in files:
        try:
            records = read_jsonl(path)
        except (OSError, ValueError):
            continue
        for r in records:
            if isinstance(r, dict) and r.get("type") == "mention" and isinstance(r.get("entity"), str):
                types.setdefault(r["entity"], str(r.get("label")))
    return types


def _doc_of(path: Path, single: bool, known: dict) -> str:
    stem = path.name[:-len(".jsonl")] if path.name.endswith(".jsonl") else path.stem
    if stem in known or not single:
        return stem
    try:
        head = read_jsonl(path)[0]
    except (OSError, ValueError, IndexError):
        return stem
    doc = head.get("doc") if isinstance(head, dict) else None
    return doc if isinstance(doc, str) and doc in known else stem


def load_submission(predictions: Path | str, gold_root: Path | str, gold: Gold | None = None,
                    own_clusters: bool = False) -> Submission:
    """Read and validate predictions: a single annotation file, a folder of ``<doc>.jsonl`` files
    (with an optional ``links.jsonl``), or a corpus checkout (its ``annotations/gold`` and links).

    Every file is checked with the validator's per-file checks against the gold corpus's texts and
    registry; a file that names no document of the corpus is ``unknown-document``. The mentions' ``entity``
    values are the system's own clusters, not gold registry ids, with ``own_clusters`` (any id names a
    cluster) or when the folder holds its own ``entities.jsonl`` (as a pass does: the ids resolve against it).

    >>> from kashcorpus.resources import data_root
    >>> sub = load_submission(data_root() / "annotations" / "gold", data_root())
    >>> sub.ok, sub.documents[0]
    (True, 'kash-000')
    """
    predictions = Path(predictions)
    gold = gold or load_gold(gold_root)
    entities = {e["id"]: e for e in read_entities(gold_root)}
    files, links_path, single = _files(predictions)
    findings: list[Finding] = []
    own_registry = None if single else predictions / REGISTRY_FILE
    if own_clusters:
        types = _own_types(files)
    elif own_registry is not None and own_registry.is_file():
        found_in_registry, own, _lines = read_registry(Layout(predictions), load_taxonomy(), own_registry)
        findings.extend(found_in_registry)
        types, own_clusters = {k: v["type"] for k, v in own.items()}, True
    else:
        types = {k: v["type"] for k, v in entities.items()}
    ctx = Context(taxonomy=load_taxonomy(), entity_types=types,
                  text_sha256={d: g.meta["sha256"] for d, g in gold.documents.items()})
    records: dict[str, list[dict]] = {}
    summaries = {}
    for path in files:
        rel = path.as_posix()
        doc = _doc_of(path, single, gold.documents)
        if not is_doc_id(doc) or doc not in gold.documents:
            findings.append(make_finding("unknown-document", file=rel, named=doc))
            continue
        found, summ = validate_annotation_file(path, rel, None, doc, gold.documents[doc].text, ctx)
        findings.extend(found)
        summaries[doc] = summ
        if not any(f.severity == "error" for f in found):
            records[doc] = [r for r in read_jsonl(path) if r.get("type") != "header"]
    links = None
    if links_path is not None:
        layout = _LinksAt(predictions, links_path)
        found, checked = validate_links(layout, ctx.taxonomy, entities)
        findings.extend(found)
        findings.extend(check_links(layout, checked, summaries))
        links = [obj for _, obj in checked]
    documents = tuple(sorted(summaries)) if single else tuple(sorted(gold.documents))
    return Submission(records, links, sort_findings(findings), documents, own_clusters)

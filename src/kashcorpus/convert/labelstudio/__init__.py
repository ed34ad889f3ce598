"""Label Studio: the labeling config, tasks with predictions, and exports read back (the format, the mapping, the files)."""
from __future__ import annotations

from pathlib import Path
from collections.abc import Iterable

import orjson

from ...errors import ConvertError, UsageError
from ..common import Exported, problem
from .config import CHECKWORTHY, CLAIM_CHOICES, labeling_config
from .from_tasks import ImportedAnnotation, annotator_name, from_items, from_labelstudio, from_result, from_task
from .to_tasks import MODEL_VERSION, to_items, to_labelstudio, to_result, to_task
from .offsets import OFFSET_SYSTEMS, offset_maps, text_agrees, utf16_length
from .tasks import TEXT, Task, parse_export, parse_task, serialise_tasks

__all__ = ["CHECKWORTHY", "CLAIM_CHOICES", "MODEL_VERSION", "OFFSET_SYSTEMS", "TEXT", "ImportedAnnotation", "Task",
           "annotator_name", "export_tasks", "from_items", "from_labelstudio", "from_result", "from_task",
           "import_tasks", "labeling_config", "offset_maps", "read_export", "text_agrees", "to_items",
           "to_labelstudio", "to_result", "to_task", "utf16_length", "write_tasks"]


# -- files -----------------------------------------------------------------------------------------

def read_export(path: Path) -> list[Task]:
    """The tasks of a Label Studio JSON export file (a list of tasks, or one task object).

    Raises :class:`~kashcorpus.errors.ConvertError` (a ``ValueError``) with one sentence when the file is not
    such an export.
    """
    from ...io import read_input

    try:
        data = read_input(Path(path))
    except OSError as e:
        raise ConvertError(f"cannot read {Path(path).name[:120]}: {e.strerror or e}") from None
    except ValueError as e:
        raise ConvertError(f"cannot read {e}") from None
    try:
        return parse_export(data)
    except (orjson.JSONDecodeError, RecursionError) as e:
        raise ConvertError(f"cannot read {Path(path).name[:120]} as JSON: {str(e)[:200]}") from None
    except ValueError:
        raise ConvertError(f"{Path(path).name} is not a Label Studio JSON export (a list of tasks with 'data')") from None


def write_tasks(path: Path, tasks: list[Task]) -> None:
    """Write tasks as an indented JSON list, atomically (the file Label Studio's import accepts)."""
    from ...io import atomic_write

    atomic_write(Path(path), serialise_tasks(tasks))


# -- the corpus ------------------------------------------------------------------------------------

def export_tasks(root: Path, docs: Iterable[str] | None = None, layer: str = "gold") -> list[Task]:
    """One task per document of the corpus at ``root``, its ``layer`` annotations as predictions."""
    from ..common import load_documents

    return [to_task(d) for d in load_documents(root, docs, layer)]


def import_tasks(root: Path, tasks: list[Task] | list[dict], *, annotator: str | None = None, as_layer: str = "annotator",
                 offsets: str = "auto", label_map: dict[str, str] | None = None, replace: bool = False):
    """Convert exported tasks into annotation files of the corpus at ``root``, validated but not yet written.

    Each annotator becomes the layer ``pass-<annotator>`` (or ``gold`` with ``as_layer="gold"``, which
    needs one annotation per document). Returns an :class:`~kashcorpus.convert.common.ImportReport`;
    call its ``commit()`` to write (all files or none).
    """
    from ...model import ANNOTATOR
    from ..common import ImportReport, load_documents, plan_import

    report = ImportReport()
    documents = {d.doc: d.text for d in load_documents(root)}
    by_text = {t: k for k, t in documents.items()}
    by_lf_text = {t.replace("\r\n", "\n"): k for k, t in documents.items()}
    imported: list[ImportedAnnotation] = []
    for i, task in enumerate(t if isinstance(t, Task) else parse_task(t) for t in tasks):
        data = task.data
        where = f"task {task.id if task.id is not None else i + 1}"
        named = data.get("doc")
        doc = named if isinstance(named, str) and named in documents else None
        if doc is None and isinstance(data.get(TEXT), str):
            doc = by_text.get(data[TEXT]) or by_lf_text.get(data[TEXT])
            if doc is not None and named is not None:
                report.problems.append(problem("import-document-by-text", doc, where,
                                               detail=f"the task names document {named!r}, which is not in the corpus; "
                                                      f"its text is the text of {doc}, so it is imported as {doc}"))
            elif doc is not None:
                report.notes.append(f"{doc} {where}: the task names no document; its text is the text of {doc}")
        if doc is None:
            report.problems.append(problem("import-unknown-document", None, where,
                                           detail="the task names no corpus document and its text is not a corpus text"))
            continue
        imported += from_task(task, documents[doc], doc, offsets=offsets, label_map=label_map)
    names = sorted({a.annotator for a in imported if a.annotator and not a.skipped})
    if annotator is not None:
        if not ANNOTATOR.fullmatch(annotator):
            raise UsageError(f"{annotator!r} is not an annotator name (lower-case letters, digits and hyphens)")
        if len(names) > 1 and annotator not in names:
            raise UsageError(f"the export has annotations by {', '.join(names)}; --annotator must name one of them")
        if len(names) > 1:  # the others' annotations are not imported; what was skipped is still reported
            imported = [a for a in imported if a.annotator == annotator or not a.annotator or a.skipped]
        for a in imported:
            if a.annotator and not a.skipped:
                a.annotator = annotator
    layers: dict[tuple[str, str], list[dict]] = {}
    for a in imported:
        report.problems += a.problems
        if not a.annotator or a.skipped:
            continue
        if a.offsets != "codepoints":
            report.notes.append(f"{a.doc} {a.source}: offsets read as {a.offsets}")
        layer = "gold" if as_layer == "gold" else f"pass-{a.annotator}"
        if (a.doc, layer) in layers:
            report.problems.append(problem("import-several-annotations", a.doc, a.source,
                                           detail=f"{a.doc} has more than one annotation for layer {layer}; "
                                                  "import one annotator at a time with --annotator"))
            continue
        layers[(a.doc, layer)] = a.records
    plan_import(Path(root), layers, replace, report)
    return report


# -- the format table's entry points (kashcorpus export / import labelstudio) ----------------------------

def export_corpus(root: Path, out: Path | None, docs: Iterable[str] | None = None, layer: str = "gold",
                  alignment: str | None = None) -> Exported:
    """Write one task per document to ``out`` (or return the JSON when ``out`` is ``None``)."""
    tasks = export_tasks(root, docs, layer)
    if out is None:
        return Exported(len(tasks), [], serialise_tasks(tasks).decode("utf-8"))
    write_tasks(out, tasks)
    return Exported(len(tasks))


def import_source(root: Path, source: Path, *, annotator: str | None = None, as_layer: str | None = None,
                  offsets: str | None = None, label_map: dict[str, str] | None = None, replace: bool = False):
    """:func:`import_tasks` of the export file ``source``."""
    return import_tasks(root, read_export(source), annotator=annotator, as_layer=as_layer or "annotator",
                        offsets=offsets or "auto", label_map=label_map, replace=replace)

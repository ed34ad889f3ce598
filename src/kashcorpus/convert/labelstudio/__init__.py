"""Label Studio: the labeling config, tasks with predictions, and exports read back (the format, the mapping, the files)."""
from __future__ import annotations

from pathlib import Path
from collections.abc import Iterable

import orjson

from ...errors import ConvertError
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

def export_tasks(root: Path, docs: Iterable[str] | None = None, layer: str = "gold", only: str | None = None) -> list[Task]:
    """One task per document of the corpus at ``root``, its ``layer`` annotations as predictions (``only`` its
    zones, or none), and in ``data.kashcorpus`` the state of the document (what an import into gold checks,
    with the base a merge uses: a real server's export names predictions by id only)."""
    from ..common import export_states, load_documents
    from ..state import STATE_KEY

    documents = load_documents(root, docs, layer, only)
    states = export_states(root, documents, layer, only)
    tasks = []
    for d in documents:
        task = to_task(d)
        task.data[STATE_KEY] = states[d.doc]
        tasks.append(task)
    return tasks


def _carry_task(task: Task, text: str, doc: str, offsets: str, label_map: dict[str, str] | None,
                guard) -> tuple[list[ImportedAnnotation], str]:
    """The annotations of a task whose text is an earlier text of ``doc``: read on the task's own text, then
    carried onto the corpus text ``text`` through the edit (:func:`~kashcorpus.convert.common.carry`)."""
    from ..common import carry

    old = task.data[TEXT]
    got = from_task(task, old, doc, offsets=offsets, label_map=label_map)
    for a in got:
        a.records, lost = carry(old, text, a.records, doc, a.source or f"task {task.id}",
                                "kashcorpus export labelstudio {doc} --out FILE")
        a.problems += lost
    if doc in guard.bases:
        guard.bases[doc], _ = carry(old, text, guard.bases[doc], doc, "base")
    return got, (f"{doc} task {task.id if task.id is not None else '?'}: made on an earlier text; its spans were "
                 "carried through the text edit since")


def import_tasks(root: Path, tasks: list[Task] | list[dict], *, annotator: str | None = None, as_layer: str = "annotator",
                 offsets: str = "auto", label_map: dict[str, str] | None = None, replace: bool = False,
                 force: bool = False, merge: bool = False):
    """Convert exported tasks into annotation files of the corpus at ``root``, validated but not yet written.

    Each annotator becomes the layer ``pass-<annotator>`` (or ``gold`` with ``as_layer="gold"``, which
    needs one annotation per document). An import into gold whose gold changed since the export (the state in
    ``data.kashcorpus``) is refused unless ``force`` (take the export's version) or ``merge`` (keep both sides'
    changes to different records). A task made on an earlier text of its document is carried onto the current
    one. Returns an :class:`~kashcorpus.convert.common.ImportReport`; call its ``commit()`` to write (all files
    or none).
    """
    from ...model import ANNOTATOR
    from ..common import Guard, ImportReport, load_documents, plan_import
    from ..state import STATE_KEY, earlier_text, read_state

    report = ImportReport()
    guard = Guard(force=force, merge=merge)
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
        state = read_state(data.get(STATE_KEY))
        guard.states[doc] = state
        data_text = data.get(TEXT)
        differs = (isinstance(data_text, str) and data_text != documents[doc]
                   and data_text.replace("\r\n", "\n") != documents[doc].replace("\r\n", "\n"))
        if state is not None and isinstance(state.get("records"), list):
            guard.bases[doc] = state["records"]
        if differs and not earlier_text(str(data_text), documents[doc], state):
            report.problems.append(problem("import-text-differs", doc, where, detail=(
                f"the task's text is neither the corpus text of {doc} nor an earlier text of it, so no offset can be "
                f"trusted; export {doc} again (kashcorpus export labelstudio {doc} --out FILE) and annotate that")))
            continue
        if differs:
            got, note = _carry_task(task, documents[doc], doc, offsets, label_map, guard)
            imported += got
            report.notes.append(note)
            continue
        imported += from_task(task, documents[doc], doc, offsets=offsets, label_map=label_map)
    names = sorted({a.annotator for a in imported if a.annotator and not a.skipped})
    if annotator is not None:
        if not ANNOTATOR.fullmatch(annotator):
            raise ConvertError(f"{annotator!r} is not an annotator name (lower-case letters, digits and hyphens)")
        if len(names) > 1 and annotator not in names:
            raise ConvertError(f"the export has annotations by {', '.join(names)}; --annotator must name one of them")
        if len(names) > 1:  # the others' annotations are not imported; what was skipped is still reported
            imported = [a for a in imported if a.annotator == annotator or not a.annotator or a.skipped]
        for a in imported:
            if a.annotator and not a.skipped:
                a.annotator = annotator
    layers: dict[tuple[str, str], list[dict]] = {}
    sources: dict[tuple[str, str], dict] = {}
    origins: dict[tuple[str, str], dict[str, str]] = {}
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
        origins[(a.doc, layer)] = a.origins
        if layer != "gold" and a.about:  # a pass keeps who made it and when; gold is everyone's
            lead = a.about.get("lead_time")
            sources[(a.doc, layer)] = {"tool": "label-studio", **{k: v for k, v in a.about.items() if k != "lead_time"},
                                       **({"lead_time_ms": round(lead * 1000)} if lead is not None else {})}
    plan_import(Path(root), layers, replace, report, guard, sources, origins)
    return report


# -- the format table's entry points (kashcorpus export / import labelstudio) ----------------------------

def export_corpus(root: Path, out: Path | None, docs: Iterable[str] | None = None, layer: str = "gold",
                  alignment: str | None = None, only: str | None = None) -> Exported:
    """Write one task per document to ``out`` (or return the JSON when ``out`` is ``None``)."""
    tasks = export_tasks(root, docs, layer, only)
    if out is None:
        return Exported(len(tasks), [], serialise_tasks(tasks).decode("utf-8"))
    write_tasks(out, tasks)
    return Exported(len(tasks))


def import_source(root: Path, source: Path, *, annotator: str | None = None, as_layer: str | None = None,
                  offsets: str | None = None, label_map: dict[str, str] | None = None, replace: bool = False,
                  force: bool = False, merge: bool = False):
    """:func:`import_tasks` of the export file ``source``."""
    return import_tasks(root, read_export(source), annotator=annotator, as_layer=as_layer or "annotator",
                        offsets=offsets or "auto", label_map=label_map, replace=replace, force=force, merge=merge)

"""brat standoff: one .txt and .ann per document plus the three .conf files (the format, the mapping, the folders)."""
from __future__ import annotations

import os
from pathlib import Path
from collections.abc import Iterable

from ...errors import ConvertError, UsageError  # usage: the folder named; convert: its files
from ...findings import printable
from ..common import Annotated, Exported, Problem, problem
from .mapping import BratImport, from_brat, from_standoff, to_brat, to_standoff
from .standoff import (DB, FIELD_BREAKS, NOTE_CONVENTION, Standoff, annotation_conf, field_text, norm_db, norm_tsv, parse,
                       readme, serialise, tools_conf, visual_conf)

__all__ = ["FIELD_BREAKS", "NOTE_CONVENTION", "BratImport", "Standoff", "annotation_conf", "field_text", "from_brat",
           "from_standoff", "import_folder",
           "norm_db", "norm_tsv", "parse", "read_folder", "readme", "serialise", "to_brat", "to_standoff", "tools_conf",
           "visual_conf", "write_folder"]


# -- folders ---------------------------------------------------------------------------------------

def write_folder(folder: Path, docs: Iterable[Annotated], entities: Iterable[dict] = ()) -> list[Problem]:
    """Write ``<doc>.txt`` and ``<doc>.ann`` per document, the three .conf files and the registry ``entities`` as
    brat's normalisation database (``kashcorpus.db``, and ``kashcorpus.tsv`` for brat's own tool); return the
    problems."""
    from ...io import atomic_write

    folder = Path(folder)
    problems: list[Problem] = []
    for d in docs:
        ann, probs = to_brat(d)
        problems += probs
        atomic_write(folder / f"{d.doc}.txt", d.text.encode("utf-8"))
        atomic_write(folder / f"{d.doc}.ann", ann.encode("utf-8"))
    atomic_write(folder / "annotation.conf", annotation_conf().encode("utf-8"))
    atomic_write(folder / "visual.conf", visual_conf().encode("utf-8"))
    atomic_write(folder / "tools.conf", tools_conf().encode("utf-8"))
    registry = list(entities)
    atomic_write(folder / f"{DB}.tsv", norm_tsv(registry).encode("utf-8"))
    atomic_write(folder / f"{DB}.db", norm_db(registry))
    atomic_write(folder / "README.md", readme().encode("utf-8"))
    return problems


MAX_ANN_BYTES = 64 * 1024 * 1024  # a brat .ann or .txt an import reads (the corpus's largest is a few KB)


def _utf8(data: bytes, name: str) -> str:
    """``data`` decoded; a ``ConvertError`` naming the line (never echoing the bytes: the file may hold anything)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ConvertError(f"{name} line {line} is not UTF-8 (byte {e.start}); save the file as UTF-8") from None


def read_folder(folder: Path) -> list[tuple[str, str, str]]:
    """``(doc, text, ann)`` for every ``.ann`` file of ``folder`` that has its ``.txt``, sorted.

    Each file is read only if it is a regular file of ``folder`` itself (no link followed, no FIFO or device)
    of at most :data:`MAX_ANN_BYTES`; otherwise :class:`~kashcorpus.errors.FileUnsafe` or a ``ConvertError``.

    Raises :class:`~kashcorpus.errors.ConvertError` (a ``ValueError``) with one sentence for a missing .txt or a file that is not UTF-8.
    """
    from ...io import read_input

    out = []
    if not Path(folder).is_dir():
        raise UsageError(f"{str(folder)[:120]!r} is not a folder of brat .txt and .ann files")
    for ann_path in sorted(Path(folder).glob("*.ann")):
        txt = ann_path.with_suffix(".txt")
        if not os.path.lexists(txt):
            raise ConvertError(f"{printable(ann_path.name[:120])} has no {printable(txt.name[:120])} beside it")
        name = printable(ann_path.stem[:120])
        try:
            text, ann = (_utf8(read_input(p, MAX_ANN_BYTES, inside=Path(folder)), f"{name}{p.suffix}")
                         for p in (txt, ann_path))
        except OSError as e:
            raise ConvertError(f"cannot read {name}.ann or {name}.txt: {e.strerror or e}") from None
        except ConvertError:
            raise
        except ValueError as e:  # larger than the bound
            raise ConvertError(f"cannot read {printable(str(e))}; brat files of a corpus are far smaller") from None
        out.append((ann_path.stem, text, ann))
    return out


def import_folder(root: Path, folder: Path, *, layer: str = "gold", label_map: dict[str, str] | None = None,
                  replace: bool = False, force: bool = False, merge: bool = False):
    """Read a brat folder into annotation files of the corpus at ``root`` (validated; ``commit()`` writes).

    Every line of every .ann is accounted for or reported. A document whose .txt is an earlier text of it (the
    folder's state file says so) is read on that text and carried onto the current one. An import into gold
    whose gold changed since the export is refused unless ``force`` or ``merge`` (as for Label Studio).
    """
    from ..common import Guard, ImportReport, carry, load_documents, plan_import
    from ..state import earlier_text, read_state_file

    report = ImportReport()
    states = read_state_file(Path(folder))
    guard = Guard(force=force, merge=merge)
    texts = {d.doc: d.text for d in load_documents(root)}
    layers: dict[tuple[str, str], list[dict]] = {}
    origins: dict[tuple[str, str], dict[str, str]] = {}
    found = read_folder(folder)
    if not found:
        raise UsageError(f"{Path(folder).name or str(folder)!r} holds no .ann files (brat: <doc>.ann beside <doc>.txt)")
    for doc, text, ann in found:
        if doc not in texts:
            report.problems.append(problem("import-unknown-document", doc, f"{doc}.ann",
                                           detail=f"{doc} is not a corpus document"))
            continue
        state = states.get(doc)
        guard.states[doc] = state
        if state is not None and isinstance(state.get("records"), list):
            guard.bases[doc] = state["records"]
        if text != texts[doc] and not earlier_text(text, texts[doc], state):
            report.problems.append(problem("import-text-differs", doc, f"{doc}.txt", detail=(
                f"{doc}.txt is not the corpus text of {doc}, nor an earlier text of it (the one the folder's "
                "kashcorpus-state.json says it was exported with); offsets would not fit")))
            continue
        got = from_brat(text, ann, doc, label_map)
        report.problems += got.problems
        records = got.records
        if text != texts[doc]:
            records, lost = carry(text, texts[doc], records, doc, f"{doc}.ann", "kashcorpus export brat {doc} --out FOLDER")
            report.problems += lost
            if doc in guard.bases:
                guard.bases[doc], _ = carry(text, texts[doc], guard.bases[doc], doc, "base")
            report.notes.append(f"{doc}: made on an earlier text; its spans were carried through the text edit since")
        report.notes.append(f"{doc}: {len(records)} records from {len(got.accounted)} lines")
        layers[(doc, layer)] = records
        origins[(doc, layer)] = {rid: f"{doc}.ann line {n}" for n, rid in sorted(got.accounted.items(), reverse=True)
                                 if " " not in rid}
    plan_import(Path(root), layers, replace, report, guard, origins=origins)
    return report


# -- the format table's entry points (kashcorpus export / import brat) ------------------------------------

def export_corpus(root: Path, out: Path, docs: Iterable[str] | None = None, layer: str = "gold",
                  alignment: str | None = None, only: str | None = None) -> Exported:
    """Write the brat folder ``out`` for the documents of ``layer`` (``only`` its zones, or none), with the
    registry its mentions link to and the state of each document in ``kashcorpus-state.json`` (what an import
    into gold checks)."""
    from ...io import atomic_write, read_jsonl
    from ...layout import Layout
    from ..common import export_states, load_documents
    from ..state import STATE_FILE, read_state_file, state_file

    documents = load_documents(root, docs, layer, only)
    registry = Layout(Path(root)).registry_file(layer)
    entities = read_jsonl(registry, Path(root)) if registry.exists() else []
    problems = write_folder(out, documents, entities)
    states = export_states(root, documents, layer, only)
    atomic_write(Path(out) / STATE_FILE, state_file(list(states.values()), read_state_file(Path(out))))
    return Exported(len(documents), problems)


def import_source(root: Path, source: Path, *, annotator: str | None = None, as_layer: str | None = None,
                  offsets: str | None = None, label_map: dict[str, str] | None = None, replace: bool = False,
                  force: bool = False, merge: bool = False):
    """:func:`import_folder` of the folder ``source``: into gold, or into ``pass-<annotator>`` (brat files do not
    say who made them)."""
    if not Path(source).is_dir():
        raise UsageError(f"{str(source)!r} is not a folder")
    if as_layer == "annotator" and annotator is None:
        raise UsageError("brat files do not say who annotated them; give --annotator NAME")
    layer = "gold" if annotator is None or as_layer == "gold" else f"pass-{annotator}"
    return import_folder(root, Path(source), layer=layer, label_map=label_map, replace=replace, force=force,
                         merge=merge)

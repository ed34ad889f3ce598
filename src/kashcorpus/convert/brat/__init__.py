"""brat standoff: one .txt and .ann per document plus the three .conf files (the format, the mapping, the folders)."""
from __future__ import annotations

from pathlib import Path
from collections.abc import Iterable

from ...errors import ConvertError
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


def read_folder(folder: Path) -> list[tuple[str, str, str]]:
    """``(doc, text, ann)`` for every ``.ann`` file of ``folder`` that has its ``.txt``, sorted.

    Raises :class:`~kashcorpus.errors.ConvertError` (a ``ValueError``) with one sentence for a missing .txt or a file that is not UTF-8.
    """
    from ...io import read_input

    out = []
    if not Path(folder).is_dir():
        raise ConvertError(f"{str(folder)[:120]!r} is not a folder of brat .txt and .ann files")
    for ann_path in sorted(Path(folder).glob("*.ann")):
        txt = ann_path.with_suffix(".txt")
        if not txt.is_file():
            raise ConvertError(f"{ann_path.name} has no {txt.name} beside it")
        try:
            out.append((ann_path.stem, read_input(txt).decode("utf-8"), read_input(ann_path).decode("utf-8")))
        except UnicodeDecodeError as e:
            raise ConvertError(f"{ann_path.stem[:120]} is not UTF-8: {e}") from None
        except OSError as e:
            raise ConvertError(f"cannot read {ann_path.name[:120]} or {txt.name[:120]}: {e.strerror or e}") from None
        except ValueError as e:
            raise ConvertError(f"cannot read {e}") from None
    return out


def import_folder(root: Path, folder: Path, *, layer: str = "gold", label_map: dict[str, str] | None = None,
                  replace: bool = False):
    """Read a brat folder into annotation files of the corpus at ``root`` (validated; ``commit()`` writes).

    A document's .txt must be its corpus text exactly; every line of every .ann is accounted for or
    reported.
    """
    from ..common import ImportReport, load_documents, plan_import

    report = ImportReport()
    texts = {d.doc: d.text for d in load_documents(root)}
    layers: dict[tuple[str, str], list[dict]] = {}
    found = read_folder(folder)
    if not found:
        raise ConvertError(f"{Path(folder).name or str(folder)!r} holds no .ann files (brat: <doc>.ann beside <doc>.txt)")
    for doc, text, ann in found:
        if doc not in texts:
            report.problems.append(problem("import-unknown-document", doc, f"{doc}.ann",
                                           detail=f"{doc} is not a corpus document"))
            continue
        if text != texts[doc]:
            report.problems.append(problem("import-text-differs", doc, f"{doc}.txt",
                                           detail=f"{doc}.txt is not the corpus text of {doc}; offsets would not fit"))
            continue
        got = from_brat(text, ann, doc, label_map)
        report.problems += got.problems
        report.notes.append(f"{doc}: {len(got.records)} records from {len(got.accounted)} lines")
        layers[(doc, layer)] = got.records
    plan_import(Path(root), layers, replace, report)
    return report


# -- the format table's entry points (kashcorpus export / import brat) ------------------------------------

def export_corpus(root: Path, out: Path, docs: Iterable[str] | None = None, layer: str = "gold",
                  alignment: str | None = None) -> Exported:
    """Write the brat folder ``out`` for the documents of ``layer``, with the registry its mentions link to."""
    from ...io import read_jsonl
    from ...layout import Layout
    from ..common import load_documents

    documents = load_documents(root, docs, layer)
    registry = Layout(Path(root)).registry_file(layer)
    entities = read_jsonl(registry, Path(root)) if registry.exists() else []
    return Exported(len(documents), write_folder(out, documents, entities))


def import_source(root: Path, source: Path, *, annotator: str | None = None, as_layer: str | None = None,
                  offsets: str | None = None, label_map: dict[str, str] | None = None, replace: bool = False):
    """:func:`import_folder` of the folder ``source``: into gold, or into ``pass-<annotator>`` (brat files do not
    say who made them)."""
    if not Path(source).is_dir():
        raise ConvertError(f"{str(source)!r} is not a folder")
    if as_layer == "annotator" and annotator is None:
        raise ConvertError("brat files do not say who annotated them; give --annotator NAME")
    layer = "gold" if annotator is None or as_layer == "gold" else f"pass-{annotator}"
    return import_folder(root, Path(source), layer=layer, label_map=label_map, replace=replace)

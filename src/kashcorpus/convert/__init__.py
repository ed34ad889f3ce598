"""Interchange formats, registered in one table: what each exports and imports, and which options it honours."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

# The options of `kashcorpus export FORMAT` and `kashcorpus import FORMAT` that only some formats honour.
FORMAT_OPTIONS = ("alignment", "offsets", "as_layer", "label_map", "labels", "stdout")


@dataclass(frozen=True)
class Format:
    """One interchange format: the module that parses, serialises and maps it, and what it can do.

    The module provides ``export_corpus(root, out, docs, layer, alignment=None, only=None) -> Exported`` when
    the format ``exports`` (``only``: ``zones`` or ``text`` for a blind pass; with the keyword ``labels`` when it
    honours that option), and ``import_source(root, source, annotator=None, as_layer=None, offsets=None,
    label_map=None, replace=False, force=False, merge=False) -> ImportReport`` when it ``imports``.
    """

    name: str
    description: str
    module: str
    target: str  # what --out names on export (and SOURCE on import): "file" or "folder"
    exports: bool
    imports: bool
    options: frozenset[str] = frozenset()

    def load(self) -> ModuleType:
        """The format's module (imported only when used: spaCy is heavy)."""
        return importlib.import_module(f"{__name__}.{self.module}")


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("labelstudio", "Label Studio JSON tasks: the text and the annotations as predictions; exports read back",
           "labelstudio", "file", True, True, frozenset({"offsets", "as_layer", "label_map", "stdout"})),
    Format("brat", "brat standoff: a folder of <doc>.txt and <doc>.ann with annotation.conf, visual.conf, tools.conf "
                   "and the registry as the normalisation database kashcorpus.db",
           "brat", "folder", True, True, frozenset({"label_map", "as_layer"})),
    Format("spacy", "a spaCy DocBin: every layer a doc.spans group, mentions also doc.ents",
           "spacy", "file", True, False, frozenset({"alignment"})),
    Format("conll", "CoNLL-2003 layout: BIO tags of the mentions, one sentence per block, tokenised and segmented "
                    "as the dataset's ner config",
           "conll", "file", True, False, frozenset({"alignment", "labels", "stdout"})),
    Format("checkthat", "CLEF CheckThat! check-worthiness TSV (Sentence_id, Text, class_label Yes/No): the sentences "
                        "of the claim zones, as the dataset's sentences config",
           "checkthat", "file", True, False, frozenset({"stdout"})),
)}


def get(name: str) -> Format:
    """The format called ``name``; ``KeyError`` naming the known ones otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        raise KeyError(f"no format {name!r}; the formats are: {', '.join(FORMATS)}") from None

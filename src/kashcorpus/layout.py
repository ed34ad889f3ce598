"""Paths of a corpus checkout: where the texts, the metadata, the registry and each layer's files live."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator

from . import resources
from .model import GOLD, PASS_PREFIX, is_annotator, is_doc_id

REGISTRY_FILE = "entities.jsonl"  # a registry's file name, in annotations/ (gold) and in a pass folder (its own)


@dataclass(frozen=True)
class Layout:
    """Paths of a corpus checkout.

    >>> Layout(Path("x")).gold_path("kash-000").as_posix()
    'x/annotations/gold/kash-000.jsonl'
    """

    root: Path

    @property
    def documents_file(self) -> Path:
        return self.root / "corpus" / "documents.jsonl"

    @property
    def texts_dir(self) -> Path:
        return self.root / "corpus" / "texts"

    @property
    def gold_dir(self) -> Path:
        return self.root / "annotations" / "gold"

    @property
    def passes_dir(self) -> Path:
        return self.root / "annotations" / "passes"

    @property
    def entities_file(self) -> Path:
        return self.root / "annotations" / "entities.jsonl"

    @property
    def links_file(self) -> Path:
        return self.root / "annotations" / "links.jsonl"

    @property
    def sources_dir(self) -> Path:
        """Saved web pages documents were added from (``<id>.html``): in the checkout, not in the package."""
        return self.root / "sources"

    def page_path(self, doc: str) -> Path:
        """The saved page a document was added from.

        >>> Layout(Path("x")).page_path("kash-005").as_posix()
        'x/sources/kash-005.html'
        """
        if not is_doc_id(doc):
            raise ValueError(f"not a document id: {doc!r}")
        return self.sources_dir / f"{doc}.html"

    def text_path(self, doc: str) -> Path:
        if not is_doc_id(doc):
            raise ValueError(f"not a document id: {doc!r}")
        return self.texts_dir / f"{doc}.txt"

    def gold_path(self, doc: str) -> Path:
        if not is_doc_id(doc):
            raise ValueError(f"not a document id: {doc!r}")
        return self.gold_dir / f"{doc}.jsonl"

    def pass_dir(self, annotator: str) -> Path:
        if not is_annotator(annotator):
            raise ValueError(f"not an annotator name: {annotator!r}")
        return self.passes_dir / annotator

    def registry_file(self, layer: str = GOLD) -> Path:
        """The entity registry the mentions of ``layer`` resolve against: a pass's own when it has one, else gold's.

        >>> Layout(Path("x")).registry_file("pass-ann1").as_posix()
        'x/annotations/entities.jsonl'
        """
        if layer.startswith(PASS_PREFIX):
            own = self.pass_dir(layer.removeprefix(PASS_PREFIX)) / REGISTRY_FILE
            if own.exists():
                return own
        return self.entities_file

    def pass_registries(self) -> Iterator[tuple[str, Path]]:
        """Yield ``(layer, path)`` for every pass that carries its own registry (``<pass>/entities.jsonl``), sorted."""
        for d in self.pass_folders():
            if os.path.lexists(d / REGISTRY_FILE):  # a linked registry is yielded so that its reader refuses it
                yield f"{PASS_PREFIX}{d.name}", d / REGISTRY_FILE

    def pass_path(self, annotator: str, doc: str) -> Path:
        if not is_doc_id(doc) or not is_annotator(annotator):
            raise ValueError(f"not a document id or annotator name: {doc!r}, {annotator!r}")
        return self.passes_dir / annotator / f"{doc}.jsonl"

    def layer_path(self, doc: str, layer: str) -> Path:
        """The file of ``doc`` in ``layer`` (``gold`` or ``pass-<annotator>``).

        >>> Layout(Path("x")).layer_path("kash-000", "pass-ann1").as_posix()
        'x/annotations/passes/ann1/kash-000.jsonl'
        """
        if layer == GOLD:
            return self.gold_path(doc)
        if layer.startswith(PASS_PREFIX):
            return self.pass_path(layer.removeprefix(PASS_PREFIX), doc)
        raise ValueError(f"not a layer: {layer!r}")

    def listable(self, folder: Path) -> bool:
        """``folder`` is a folder of the checkout reached through no symbolic link (a linked folder is never
        listed: the names of the files it leads to would show in findings)."""
        from .io import unsafe_part

        return folder.is_dir() and unsafe_part(self.root, folder) is None

    def annotation_files(self) -> Iterator[tuple[str, Path]]:
        """Yield ``(layer, path)`` for every annotation file: gold first, then each pass, sorted (a pass's own
        registry, ``entities.jsonl``, is not an annotation file)."""
        for layer, rel in self.annotation_names():
            yield layer, self.root / rel

    def annotation_names(self) -> list[tuple[str, str]]:
        """``(layer, path relative to the root)`` of every annotation file, in :meth:`annotation_files` order:
        plain strings, so that listing a large corpus costs little."""
        return [(layer, f"{place}/{name}") for layer, place, names in self.annotation_folders() for name in names]

    def annotation_folders(self) -> list[tuple[str, str, list[str]]]:
        """``(layer, folder relative to the root, sorted file names)`` of each folder of annotation files:
        gold, then each pass (a pass's own registry left out)."""
        out: list[tuple[str, str, list[str]]] = []
        for layer, place in self.annotation_places():
            try:
                names = sorted(n for n in os.listdir(self.root / place) if self.is_annotation_name(layer, n))
            except OSError:
                continue
            out.append((layer, place, names))
        return out

    def annotation_places(self) -> list[tuple[str, str]]:
        """``(layer, folder relative to the root)`` of each folder of annotation files, without listing them."""
        folders = [(GOLD, self.gold_dir)] if self.listable(self.gold_dir) else []
        folders += [(f"{PASS_PREFIX}{d.name}", d) for d in self.pass_folders()]
        return [(layer, self.rel(folder)) for layer, folder in folders]

    @staticmethod
    def is_annotation_name(layer: str, name: str) -> bool:
        """Whether the entry ``name`` of a folder of ``layer`` is an annotation file (a pass's registry is not)."""
        return name.endswith(".jsonl") and not (layer != GOLD and name == REGISTRY_FILE)

    def pass_folders(self) -> list[Path]:
        """The folders of the passes, sorted; linked ones are left out, and a passes folder that may not be
        listed has none (that is the validator's finding, not a crash here)."""
        if not self.listable(self.passes_dir):
            return []
        try:
            return sorted(x for x in self.passes_dir.iterdir() if x.is_dir() and not x.is_symlink())
        except OSError:
            return []

    def rel(self, path: Path) -> str:
        """``path`` relative to the root, with forward slashes (as findings report it)."""
        path = Path(path)
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            pass
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def default_root() -> Path:
    """The corpus to work on: the current directory if it is a checkout, else the packaged data."""
    cwd = Path.cwd()
    if (cwd / "corpus").is_dir() and (cwd / "annotations").is_dir():
        return cwd
    return resources.data_root()

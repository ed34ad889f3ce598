"""kashcorpus.load_dataset: the packaged corpus as a datasets.DatasetDict, offline, from any directory."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .resources import data_root

if TYPE_CHECKING:  # heavy: imported when a dataset is loaded, not with the package
    from datasets import Dataset, DatasetDict, IterableDataset, IterableDatasetDict

DATA_PARTS = ("corpus", "annotations", "schema", "DATACARD.md", "CHANGELOG.md", "LICENSE", "docs/guidelines.md",
              "docs/decisions.md", "docs/agreement.md", "docs/link-inventory.md", "docs/link-inventory-second-reader",
              "docs/data-model.md")  # every input of the built folder


def data_fingerprint(root: Path | None = None) -> str:
    """A short hash of the data files and the package version (the name of the built cache folder).

    >>> len(data_fingerprint())
    16
    """
    from . import __version__

    root = Path(root) if root else data_root()
    h = hashlib.sha256(f"kashcorpus {__version__}\n".encode())
    for part in DATA_PARTS:
        base = root / part
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base] * base.is_file()
        for p in files:
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def cache_home() -> Path:
    """Where built dataset folders are kept: ``$KASHCORPUS_CACHE``, else ``$XDG_CACHE_HOME/kashcorpus``."""
    if os.environ.get("KASHCORPUS_CACHE"):
        return Path(os.environ["KASHCORPUS_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kashcorpus"


def private_cache() -> Path:
    """A cache folder in the shared temporary folder that only this user can write (``kashcorpus-cache-<uid>``,
    mode 0700, owned by the user); one planted by someone else is never used: a fresh private folder is made."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    home = Path(tempfile.gettempdir()) / f"kashcorpus-cache-{uid}"
    try:
        home.mkdir(mode=0o700, exist_ok=True)
        st = os.lstat(home)
        import stat

        if stat.S_ISDIR(st.st_mode) and st.st_uid == uid and not st.st_mode & 0o022:
            return home
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="kashcorpus-cache-"))


def dataset_folder(root: Path | str | None = None) -> Path:
    """The built dataset folder of the corpus at ``root`` (default: the packaged data), building it once."""
    from .build import build

    root = Path(root) if root else data_root()
    home = cache_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError:
        home = private_cache()
    target = home / f"dataset-{data_fingerprint(root)}"
    if (target / "SHA256SUMS").is_file():
        from .errors import DatasetDamaged
        from .publish import verify_folder

        try:
            verify_folder(target)  # a cached folder someone changed is built again, never trusted
            return target
        except DatasetDamaged:
            shutil.rmtree(target, ignore_errors=True)
    if target.exists():  # left incomplete by an interrupted build
        shutil.rmtree(target, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=home))
    try:
        build(root, tmp)
        try:
            os.replace(tmp, target)
        except OSError:  # another process got there first
            pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def config_names(root: Path | str | None = None) -> list[str]:
    """The configs the built folder offers (a layer without records is not offered)."""
    folder = dataset_folder(root)
    return sorted(p.name for p in (folder / "data").iterdir() if p.is_dir() and any(p.glob("*.parquet")))


def load_dataset(name: str = "documents", *, root: Path | str | None = None,
                 **kwargs: Any) -> DatasetDict | Dataset | IterableDatasetDict | IterableDataset:
    """Load one config of the packaged corpus as a ``datasets.DatasetDict`` (offline, no download).

    ``kwargs`` go to ``datasets.load_dataset`` (``split``, ``streaming``, ``cache_dir``, ...). The corpus
    is an evaluation set: its one split is ``test``; ``split="train"`` is refused.

    >>> ds = load_dataset("documents")
    >>> ds["test"].features["genre"].names[:2]
    ['news-report', 'opinion']
    >>> load_dataset("mentions", split="train")
    Traceback (most recent call last):
    ...
    ValueError: kashcorpus is an evaluation set: its one split is 'test' ('train' until 0.1.0); use split="test"
    """
    from .build import SPLIT
    from .configs import CONFIGS

    split = kwargs.get("split")
    if isinstance(split, str) and re.match(r"train\b", split):
        raise ValueError(f"kashcorpus is an evaluation set: its one split is {SPLIT!r} ('train' until 0.1.0); "
                         f'use split="{SPLIT}"')
    if name not in CONFIGS:
        raise ValueError(f"no config {name!r}; the configs are: {', '.join(CONFIGS)}")
    folder = dataset_folder(root)
    if not (folder / "data" / name).is_dir():
        raise ValueError(f"the config {name!r} has no records in this version of the corpus; "
                         f"available: {', '.join(config_names(root))}")
    import datasets

    return datasets.load_dataset(str(folder), name, **kwargs)

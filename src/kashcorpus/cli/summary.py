"""kashcorpus summary: load a built dataset folder back with datasets and summarise it."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError


def register(sub) -> None:
    p = sub.add_parser("summary", help="load a built dataset folder with datasets (offline) and summarise it",
                       description="Load every config of a built dataset folder with datasets.load_dataset, offline, "
                                   "and print rows, columns and label sets.",
                       epilog="Example: kashcorpus summary dist/dataset")
    p.add_argument("folder", nargs="?", default="dist/dataset")
    p.set_defaults(func=run)


def class_label_columns(features, prefix: str = "") -> list[str]:
    """Dotted names of every ClassLabel column, nested ones too (``claims.certainty``, ``ner_tags``)."""
    from datasets import ClassLabel, List

    out = []
    for name, f in features.items():
        while isinstance(f, List):
            f = f.feature
        if isinstance(f, ClassLabel):
            out.append(prefix + name)
        elif isinstance(f, dict):
            out += class_label_columns(f, f"{prefix}{name}.")
    return out


def run(args) -> int:
    import os
    import tempfile


    from ..publish import verify_folder

    folder = Path(args.folder)
    if not folder.is_dir():
        raise UsageError(f"{args.folder!r} is not a folder; give a built dataset folder (kashcorpus build writes "
                         "dist/dataset)")
    if (folder / "corpus").is_dir():
        raise UsageError(f"{args.folder!r} is a corpus checkout; summary expects a built dataset folder (README.md, "
                         "data/<config>/*.parquet, croissant.json, SHA256SUMS): run kashcorpus build --out "
                         "dist/dataset, then kashcorpus summary dist/dataset")
    verify_folder(folder)  # a damaged or linked folder is named with (dataset-damaged), never loaded
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    import datasets

    datasets.disable_progress_bars()
    datasets.utils.logging.set_verbosity_error()
    with tempfile.TemporaryDirectory() as cache:
        for name in datasets.get_dataset_config_names(str(folder)):
            ds = datasets.load_dataset(str(folder), name, cache_dir=cache)
            for split, d in ds.items():
                labels = class_label_columns(d.features)
                sys.stdout.write(f"{name}/{split}: {d.num_rows} rows, {len(d.column_names)} columns"
                                 + (f"; ClassLabel: {', '.join(labels)}" if labels else "") + "\n")
                if name == "documents":
                    for row in d:
                        counts = ", ".join(f"{len(row[k])} {k}" for k in ("zones", "mentions", "claims", "attributions"))
                        sys.stdout.write(f"  {row['id']}: {len(row['text'])} chars; {counts}\n")
    return 0

"""Build the Hugging Face dataset folder: card with generated YAML, parquet per config, Croissant, checksums."""
from __future__ import annotations

import hashlib
import math
from pathlib import Path
from collections.abc import Callable

from .configs import CONFIGS, Config
from .io import check_inside, atomic_write
from .resources import data_root

PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 9, "row_group_size": 50_000, "use_dictionary": True,
                       "write_statistics": True, "data_page_size": 1 << 20}
SHARD_ROWS = 100_000  # rows per parquet file; a larger corpus gets several shards per config
SPLIT = "test"  # an evaluation set: the Hub convention for data not meant for training
DEFAULT_CONFIG = "documents"


# -- writing ---------------------------------------------------------------------------------------

def shard_paths(name: str, rows: int, shard_rows: int = SHARD_ROWS) -> list[str]:
    """Relative paths of a config's parquet files.

    >>> shard_paths("ner", 5)
    ['data/ner/test-00000-of-00001.parquet']
    """
    n = max(1, math.ceil(rows / shard_rows))
    return [f"data/{name}/{SPLIT}-{i:05d}-of-{n:05d}.parquet" for i in range(n)]


def encoder(features) -> Callable[[dict], dict]:
    """A function that encodes a row for ``features`` (label names to ClassLabel ids), compiled once.

    It does what ``Features.encode_example`` does for the feature kinds used here, at a fraction of
    the cost per row.

    >>> from kashcorpus.configs import layer_features
    >>> enc = encoder(layer_features("zones"))
    >>> enc({"doc": "d", "id": "z1", "start": 0, "end": 1, "text": "x", "label": "body", "note": None})["label"]
    5
    """
    from datasets import ClassLabel, LargeList, List, Value

    def compile_(feature):
        if isinstance(feature, ClassLabel):
            index = {name: i for i, name in enumerate(feature.names)}
            return lambda v: None if v is None else (v if isinstance(v, int) else index[v])
        if isinstance(feature, dict):
            parts = [(k, compile_(f)) for k, f in feature.items()]
            if all(fn is None for _, fn in parts):
                keys = [k for k, _ in parts]
                return lambda v: None if v is None else {k: v.get(k) for k in keys}
            return lambda v: None if v is None else {k: (fn(v.get(k)) if fn else v.get(k)) for k, fn in parts}
        if isinstance(feature, (List, LargeList)):
            inner = compile_(feature.feature)
            if inner is None:
                return None
            return lambda v: None if v is None else [inner(x) for x in v]
        if isinstance(feature, Value):
            return None
        raise TypeError(f"no encoder for feature {feature!r}")

    top = compile_(dict(features))
    return top if top is not None else (lambda row: row)


def parquet_bytes(rows: list[dict], features) -> bytes:
    """Rows as one deterministic parquet file, in memory (the streaming writer's format)."""
    import io as _io

    import pyarrow as pa
    import pyarrow.parquet as pq

    encode = encoder(features)
    buf = _io.BytesIO()
    with pq.ParquetWriter(buf, features.arrow_schema,
                          **{k: v for k, v in PARQUET_OPTIONS.items() if k != "row_group_size"}) as w:
        for i in range(0, len(rows), BATCH_ROWS):
            w.write_table(pa.Table.from_pylist([encode(r) for r in rows[i:i + BATCH_ROWS]], schema=features.arrow_schema),
                          row_group_size=BATCH_ROWS)
    return buf.getvalue()


BATCH_ROWS = 2_000  # rows converted to Arrow at a time: bounds memory, and fixes the row-group layout


def write_config(out: Path, config: Config, root: Path, shard_rows: int = SHARD_ROWS) -> tuple[int, int, list[str]]:
    """Stream one config's rows into parquet shards; return ``(rows, bytes, relative paths)``.

    Rows are converted and written a batch at a time, so memory does not grow with the corpus.
    Shards are named ``-of-NNNNN`` once their number is known. Nothing is written for no rows.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    features = config.features()
    schema = features.arrow_schema
    encode = encoder(features)
    options = {k: v for k, v in PARQUET_OPTIONS.items() if k != "row_group_size"}
    tmp_dir = out / "data" / f".{config.name}.partial"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    shards: list[Path] = []
    total = 0
    writer = None
    in_shard = 0
    batch: list[dict] = []

    def flush():
        nonlocal batch
        if batch:
            assert writer is not None
            writer.write_table(pa.Table.from_pylist(batch, schema=schema), row_group_size=BATCH_ROWS)
            batch = []

    try:
        for row in config.rows(root):
            if writer is None or in_shard == shard_rows:
                flush()
                if writer is not None:
                    writer.close()
                shards.append(tmp_dir / f"{len(shards):05d}.parquet")
                writer = pq.ParquetWriter(shards[-1], schema, **options)
                in_shard = 0
            batch.append(encode(row))
            in_shard += 1
            total += 1
            if len(batch) == BATCH_ROWS:
                flush()
        if writer is not None:
            flush()
            writer.close()
        paths = shard_paths(config.name, total, shard_rows) if total else []
        size = 0
        for src, rel in zip(shards, paths):
            data = src.read_bytes()
            atomic_write(out / rel, data)
            size += len(data)
        return total, size, paths
    finally:
        for p in tmp_dir.glob("*"):
            p.unlink()
        tmp_dir.rmdir()


def _source(root: Path, rel: str) -> Path:
    """A file of the corpus checkout at ``root``, else the packaged one (a bare corpus copy has neither docs nor card)."""
    path = root / rel
    check_inside(root, path)  # a committed link would ship whatever it points to
    return path if path.exists() else data_root() / rel


def card_text(root: Path, counts: dict[str, int], sizes: dict[str, int], repo_id: str | None = None) -> str:
    """The dataset card: DATACARD.md's YAML with ``configs`` and ``dataset_info`` generated into it, and a
    body that stands alone (:func:`kashcorpus.card.card_body`).

    Only the configs in ``counts`` are listed (an empty layer is not published: ``datasets`` cannot
    load a split with no rows). Each ``dataset_info`` entry carries the description, citation, homepage
    and licence that ``datasets.load_dataset_builder(folder).info`` reports.
    """
    from datasets.info import DatasetInfo, DatasetInfosDict
    from datasets.splits import SplitDict, SplitInfo
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCard

    from . import __version__
    from .card import DEFAULT_REPO_ID, LICENSE_SUMMARY, SUMMARY, card_body, citation, hub_url, release_year
    from .croissant import changelog

    repo_id = repo_id or DEFAULT_REPO_ID
    source = _source(root, "DATACARD.md")
    card = DatasetCard(source.read_text(encoding="utf-8") if source.exists() else "---\n---\n")
    year = release_year(changelog(root), __version__)
    card.text = "\n" + card_body(root, card.text, counts, __version__, year, repo_id)  # the YAML stays DATACARD.md's
    configs = MetadataConfigs({
        name: {"data_files": [{"split": SPLIT, "path": f"data/{name}/{SPLIT}-*.parquet"}],
               **({"default": True} if name == DEFAULT_CONFIG else {})}
        for name in counts
    })
    infos = {}
    for name in counts:
        config = CONFIGS[name]
        splits = SplitDict()
        splits.add(SplitInfo(name=SPLIT, num_bytes=sizes[name], num_examples=counts[name]))
        infos[name] = DatasetInfo(features=config.features(), splits=splits, config_name=name)
    configs.to_dataset_card_data(card.data)
    DatasetInfosDict(infos).to_dataset_card_data(card.data)
    about = {"citation": citation(__version__, year, repo_id), "homepage": hub_url(repo_id), "license": LICENSE_SUMMARY}
    for entry in card.data["dataset_info"]:  # datasets writes only features and sizes; the builder reads these too
        entry.update(description=f"{SUMMARY} Configuration {entry['config_name']}: "
                                 f"{CONFIGS[entry['config_name']].description}", **about)
    return str(card).rstrip("\n") + "\n"


def ship(root: Path, out: Path) -> None:
    """Copy the files the card links to into ``out``; the taxonomy is the one the ClassLabels were made from."""
    from .card import SHIPPED

    for rel in SHIPPED:
        src = _source(root, rel) if rel != "schema/taxonomy.json" else data_root() / rel
        if src.is_file():
            atomic_write(out / rel, src.read_bytes())


def manifest(out: Path) -> bytes:
    """``SHA256SUMS`` of every file in ``out`` (sha256sum -c format), sorted by path."""
    return "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(out).as_posix()}\n"
                   for p in sorted(out.rglob("*")) if p.is_file() and p.name != "SHA256SUMS").encode()


def build(root: Path | str | None = None, out: Path | str = "dist/dataset", shard_rows: int = SHARD_ROWS,
          repo_id: str | None = None) -> dict:
    """Write the dataset folder ``out`` from the corpus at ``root``; return rows per config.

    A config without rows (a layer not annotated yet) is left out of the folder and counts 0.
    ``repo_id`` is the Hub repository the card, citation and ``croissant.json`` name (default
    :data:`kashcorpus.card.DEFAULT_REPO_ID`).

    >>> import tempfile; from kashcorpus.resources import data_root
    >>> build(data_root(), tempfile.mkdtemp())["documents"]
    5
    """
    from .croissant import croissant_bytes

    root = Path(root) if root else data_root()
    out = Path(out)
    for stale in sorted(out.glob("data/*/*.parquet")):
        stale.unlink()
    for folder in sorted(out.glob("data/*")):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    counts, sizes, files = {}, {}, {}
    for name, config in CONFIGS.items():
        counts[name], sizes[name], files[name] = write_config(out, config, root, shard_rows)
    built = {name: n for name, n in counts.items() if n}
    atomic_write(out / "README.md", card_text(root, built, sizes, repo_id).encode("utf-8"))
    ship(root, out)
    files = {name: paths for name, paths in files.items() if paths}
    atomic_write(out / "croissant.json", croissant_bytes(root, out, files, repo_id))
    atomic_write(out / "SHA256SUMS", manifest(out))
    return counts

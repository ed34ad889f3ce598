"""Build the Hugging Face dataset folder: card with generated YAML, parquet per config, Croissant, checksums."""
from __future__ import annotations

import math
import os
from itertools import islice
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator

from .columns import arrow_schema, compile_table
from .configs import CONFIGS, PER_DOCUMENT, Config, one_pass
from .io import atomic_move, atomic_write, check_inside, file_sha256
from .resources import data_root

# zstd level 3: chosen from the benchmark's codec table (docs/performance.md, "The published files' codec")
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3, "row_group_size": 50_000, "use_dictionary": True,
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


def encoder(spec: dict) -> Callable[[dict], dict]:
    """A function that encodes a row for the feature dictionary ``spec`` (label names to ClassLabel ids),
    compiled once: what ``Features.encode_example`` does for the feature kinds used here.

    >>> from kashcorpus.configs import layer_spec
    >>> enc = encoder(layer_spec("zones"))
    >>> enc({"doc": "d", "id": "z1", "start": 0, "end": 1, "text": "x", "label": "body", "note": None})["label"]
    5
    """
    def compile_(feature: dict):
        kind = feature.get("_type")
        if kind == "ClassLabel":
            index = {name: i for i, name in enumerate(feature["names"])}
            return lambda v: None if v is None else (v if isinstance(v, int) else index[v])
        if kind is None:
            parts = [(k, compile_(f)) for k, f in feature.items()]
            if all(fn is None for _, fn in parts):
                keys = [k for k, _ in parts]
                return lambda v: None if v is None else {k: v.get(k) for k in keys}
            return lambda v: None if v is None else {k: (fn(v.get(k)) if fn else v.get(k)) for k, fn in parts}
        if kind == "List":
            inner = compile_(feature["feature"])
            if inner is None:
                return None
            return lambda v: None if v is None else [inner(x) for x in v]
        if kind == "Value":
            return None
        raise TypeError(f"no encoder for feature {feature!r}")

    top = compile_(dict(spec))
    return top if top is not None else (lambda row: row)


def _spec(features) -> dict:
    """A feature dictionary, from itself or from ``datasets.Features``."""
    return features.to_dict() if hasattr(features, "to_dict") else features


def parquet_bytes(rows: list[dict], features) -> bytes:
    """Rows as one deterministic parquet file, in memory (the streaming writer's format)."""
    import io as _io

    import pyarrow.parquet as pq

    spec = _spec(features)
    schema = arrow_schema(spec)
    table = compile_table(spec, schema)
    buf = _io.BytesIO()
    with pq.ParquetWriter(buf, schema, **WRITER_OPTIONS) as w:
        for i in range(0, len(rows), BATCH_ROWS):
            w.write_table(table(rows[i:i + BATCH_ROWS]), row_group_size=BATCH_ROWS)
    return buf.getvalue()


BATCH_ROWS = 2_000  # rows per row group (the layout of the files: changing it changes their bytes)
PART_ROWS = 100  # rows held as Python objects before they are converted to Arrow (2,000 documents are large)


class ConfigWriter:
    """One config's parquet shards, fed rows as they come (:meth:`extend`) or as Arrow tables (:meth:`extend_table`).

    Rows are converted to Arrow :data:`PART_ROWS` at a time and written as row groups of :data:`BATCH_ROWS`
    rows, so memory does not grow with the corpus. Shards are written under a temporary folder and named
    ``-of-NNNNN`` once their number is known (:meth:`close`).
    """

    def __init__(self, out: Path, config: Config, shard_rows: int = SHARD_ROWS) -> None:
        spec = config.spec()
        self.out, self.name, self.shard_rows = out, config.name, shard_rows
        self.schema, self.encode = arrow_schema(spec), encoder(spec)
        self.table = compile_table(spec, self.schema)
        self.tmp_dir = out / "data" / f".{config.name}.partial"
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self.shards: list[Path] = []
        self.total = self.in_shard = 0
        self.writer = None
        self.batch: list[dict] = []  # rows not yet converted to Arrow
        self.parts: list = []  # Arrow tables of the row group being gathered
        self.gathered = 0  # rows in the row group being gathered
        self.first: dict | None = None  # the first row, encoded (the card shows it)
        self.size, self.paths = 0, list[str]()  # parquet bytes (the download) and the shards' names
        self.nbytes = 0  # Arrow bytes of the rows read back (the split's num_bytes)

    def _convert(self) -> None:
        """Turn the rows held into Arrow (a part of the row group being gathered)."""
        if self.batch:
            self.parts.append(self.table(self.batch))
            self.batch = []

    def _flush(self) -> None:
        """Write the rows gathered as one row group (one contiguous table: the layout does not depend on parts)."""
        import pyarrow as pa

        self._convert()
        if self.parts:
            assert self.writer is not None
            table = self.parts[0] if len(self.parts) == 1 else pa.concat_tables(self.parts).combine_chunks()
            self.writer.write_table(table, row_group_size=BATCH_ROWS)
            self.parts, self.gathered = [], 0

    def extend(self, rows: Iterable[dict]) -> None:
        rows = rows if isinstance(rows, list) else list(rows)
        offset = 0
        while offset < len(rows):
            self._start_shard()
            if self.first is None:
                self.first = self.encode(rows[offset])
            # up to the next edge of a part, a row group or a shard: there one row at a time would act
            take = min(len(rows) - offset, PART_ROWS - len(self.batch), BATCH_ROWS - self.gathered,
                       self.shard_rows - self.in_shard)
            self.batch += rows[offset:offset + take]
            offset += take
            self.in_shard += take
            self.total += take
            self.gathered += take
            if self.gathered == BATCH_ROWS:
                self._flush()
            elif len(self.batch) == PART_ROWS:
                self._convert()

    def extend_table(self, table) -> None:
        """Add the rows of an Arrow table of this config's schema (made by a worker): same row groups and
        shards as :meth:`extend` of the same rows."""
        offset = 0
        while offset < table.num_rows:
            self._start_shard()
            take = min(table.num_rows - offset, BATCH_ROWS - self.gathered, self.shard_rows - self.in_shard)
            part = table.slice(offset, take)
            if self.first is None:
                self.first = part.slice(0, 1).to_pylist()[0]
            self._convert()
            self.parts.append(part)
            self.in_shard += take
            self.total += take
            self.gathered += take
            offset += take
            if self.gathered == BATCH_ROWS:
                self._flush()

    def _start_shard(self) -> None:
        """Open the first shard, or the next one when this one is full."""
        import pyarrow.parquet as pq

        if self.writer is None or self.in_shard == self.shard_rows:
            self._flush()
            if self.writer is not None:
                writer, self.writer = self.writer, None
                _close(writer)
            self.shards.append(self.tmp_dir / f"{len(self.shards):05d}.parquet")
            self.writer = pq.ParquetWriter(self.shards[-1], self.schema, **WRITER_OPTIONS)
            self.in_shard = 0

    def close(self) -> tuple[int, int, list[str]]:
        """Finish the last shard and move the shards to their names; return ``(rows, bytes, relative paths)``."""
        if self.writer is not None:
            self._flush()
            writer, self.writer = self.writer, None
            _close(writer)
        import pyarrow.parquet as pq

        paths = shard_paths(self.name, self.total, self.shard_rows) if self.total else []
        size = 0
        for src, rel in zip(self.shards, paths):
            size += src.stat().st_size
            with pq.ParquetFile(src) as shard:  # the Arrow bytes datasets holds once it reads the shard
                self.nbytes += sum(shard.read_row_group(k).nbytes for k in range(shard.num_row_groups))
            atomic_move(src, self.out / rel)
        self.size, self.paths = size, paths
        return self.total, size, paths

    def discard(self) -> None:
        """Remove the temporary folder (after :meth:`close`, or on failure: an open shard is abandoned)."""
        writer, self.writer = self.writer, None
        if writer is not None:
            try:
                _close(writer)
            except OSError:
                pass  # already failing (a full disk): the shard is thrown away with the folder
        for p in self.tmp_dir.glob("*"):
            p.unlink()
        self.tmp_dir.rmdir()


def _close(writer) -> None:
    """Close a parquet writer once: if closing fails (a full disk), its finaliser must not try again (it would
    print the failure as an ignored exception)."""
    try:
        writer.close()
    finally:
        writer.is_open = False


WRITER_OPTIONS = {k: v for k, v in PARQUET_OPTIONS.items() if k != "row_group_size"}


def default_jobs(root: Path) -> int:
    """Worker processes for a corpus when none are asked for: 2 from :data:`WORKERS_FROM` documents on a
    machine with 2 CPUs or more, else 1 (starting workers costs more than a small corpus takes)."""
    from .corpus import iter_metadata
    from .layout import Layout

    many = sum(1 for _ in islice(iter_metadata(Layout(root)), WORKERS_FROM)) >= WORKERS_FROM
    return min(2, len(os.sched_getaffinity(0))) if many else 1


def write_configs(out: Path, root: Path, shard_rows: int = SHARD_ROWS, jobs: int | None = 1) -> dict[str, ConfigWriter]:
    """Write every config's parquet shards from one pass over the corpus (:func:`kashcorpus.configs.one_pass`);
    return the closed writers by config name (rows, bytes, paths and first row of each).

    With ``jobs`` > 1, that many worker processes make the per-document configs' Arrow tables, a chunk of
    documents each, handed back in document order (:func:`_worker_pass`): the files are the same bytes.
    ``None``: two workers if the corpus has :data:`WORKERS_FROM` documents or more and two CPUs, else none.
    """
    if jobs is None:
        jobs = default_jobs(root)
    writers: dict[str, ConfigWriter] = {}
    try:
        for name, config in CONFIGS.items():
            writers[name] = ConfigWriter(out, config, shard_rows)
        for name, rows in (one_pass(root) if jobs <= 1 else _worker_pass(root, writers, jobs)):
            writers[name].extend(rows)
        for w in writers.values():
            w.close()
        return writers
    finally:
        for w in writers.values():
            w.discard()


# -- worker processes ------------------------------------------------------------------------------

WORKERS_FROM = 400  # documents from which the build uses worker processes (starting them takes about a second)
DOCUMENT_CHUNK = 25  # documents a worker turns into tables at a time
IN_FLIGHT = 3  # chunks per worker handed out ahead (bounds the tables waiting in the main process)
_WORKER: dict = {}


def _worker_init(root: str) -> None:
    from .configs import ClaimPairs
    from .corpus import read_links
    from .layout import Layout

    spec = {name: CONFIGS[name].spec() for name, _ in PER_DOCUMENT}
    _WORKER.update(layout=Layout(Path(root)), members=ClaimPairs(Path(root), read_links(root)).members,
                   tables={name: compile_table(s, arrow_schema(s)) for name, s in spec.items()})


def _worker_chunk(metas: list[dict]) -> tuple[dict[str, bytes], tuple, dict[str, tuple]]:
    """The per-document configs' tables of some documents (Arrow IPC), their claims' ids and the side values
    of the claims the links name (:class:`kashcorpus.configs.ClaimPairs`)."""
    import pyarrow as pa

    from .configs import ClaimPairs
    from .corpus import read_document

    pairs = ClaimPairs(_WORKER["layout"].root, [])
    pairs.members = _WORKER["members"]
    rows: dict[str, list[dict]] = {name: [] for name, _ in PER_DOCUMENT}
    for meta in metas:
        d = read_document(_WORKER["layout"], meta)
        for name, doc_rows in PER_DOCUMENT:
            rows[name] += doc_rows(d)
        pairs.add(d)
    out = {}
    for name, batch in rows.items():
        sink = pa.BufferOutputStream()
        table = _WORKER["tables"][name](batch)
        with pa.ipc.new_stream(sink, table.schema) as w:
            w.write_table(table)
        out[name] = sink.getvalue().to_pybytes()
    return out, pairs.claims(), pairs.sides


def _worker_pass(root: Path, writers: dict[str, ConfigWriter], jobs: int) -> Iterator[tuple[str, Iterable[dict]]]:
    """:func:`kashcorpus.configs.one_pass` with the per-document configs made by ``jobs`` worker processes:
    their tables go straight to ``writers``; the corpus-wide configs' rows are yielded as one_pass does."""
    import multiprocessing
    from collections import deque

    import pyarrow as pa

    from .configs import ClaimPairs, corpus_wide
    from .corpus import iter_metadata, read_links
    from .layout import Layout

    metas = iter_metadata(Layout(root))
    links = read_links(root)
    pairs = ClaimPairs(root, links)
    chunks = iter(lambda: list(islice(metas, DOCUMENT_CHUNK)), [])
    with multiprocessing.get_context("spawn").Pool(jobs, _worker_init, (str(root),)) as pool:
        waiting: deque = deque(pool.apply_async(_worker_chunk, (c,)) for c in islice(chunks, jobs * IN_FLIGHT))
        while waiting:
            tables, claims, sides = waiting.popleft().get()
            nxt = next(chunks, None)
            if nxt is not None:
                waiting.append(pool.apply_async(_worker_chunk, (nxt,)))
            for name, data in tables.items():
                writers[name].extend_table(pa.ipc.open_stream(data).read_all())
            pairs.merge(claims)
            pairs.sides.update(sides)
    yield from corpus_wide(root, links, pairs)


def _source(root: Path, rel: str) -> Path:
    """A file of the corpus checkout at ``root``, else the packaged one (a bare corpus copy has neither docs nor card)."""
    path = root / rel
    check_inside(root, path)  # a committed link would ship whatever it points to
    return path if path.exists() else data_root() / rel


def card_yaml(data, counts: dict[str, int], sizes: dict[str, tuple[int, int]], about: dict[str, str],
              version: str) -> None:
    """Write ``configs`` and ``dataset_info`` for the configs in ``counts`` into the card's YAML ``data``, from
    the configs' feature dictionaries, in the shape ``datasets`` writes them (``MetadataConfigs`` and
    ``DatasetInfosDict.to_dataset_card_data``: sorted by name, features as ``_to_yaml_list``, one split; the
    split's ``num_bytes`` and ``dataset_size`` the Arrow bytes, ``download_size`` the parquet bytes: ``sizes``
    holds both per config) followed by ``about`` (description, citation, homepage, licence) with the config's
    description. Each config carries ``version``, which ``datasets`` reports as ``info.version``."""
    from .card import SUMMARY

    configs = {c["config_name"]: {k: v for k, v in c.items() if k != "config_name"}
               for c in data.get("configs") or []}
    configs.update({name: {"data_files": [{"split": SPLIT, "path": f"data/{name}/{SPLIT}-*.parquet"}],
                           **({"default": True} if name == DEFAULT_CONFIG else {}), "version": version}
                    for name in counts})
    data["configs"] = [{"config_name": name, **c} for name, c in sorted(configs.items())]
    old = data.get("dataset_info")
    infos = {i.get("config_name", "default"): i for i in ([old] if isinstance(old, dict) else old or [])}
    infos.update({name: {"features": yaml_features(CONFIGS[name].spec()),
                         "splits": [{"name": SPLIT, "num_bytes": sizes[name][0], "num_examples": counts[name]}],
                         "download_size": sizes[name][1], "dataset_size": sizes[name][0]}
                  for name in counts})
    entries = [{"config_name": name, **{k: v for k, v in i.items() if k != "config_name"}}
               for name, i in sorted(infos.items())]
    if len(entries) == 1 and entries[0]["config_name"] == "default":
        entries[0].pop("config_name")
    for entry in entries:  # datasets writes only features and sizes; the builder reads these too
        if entry.get("config_name") in counts:
            entry.update(description=f"{SUMMARY} Configuration {entry['config_name']}: "
                                     f"{CONFIGS[entry['config_name']].description}", **about)
    data["dataset_info"] = entries[0] if len(entries) == 1 else entries


def yaml_features(spec: dict) -> list[dict]:
    """A feature dictionary as the card's ``dataset_info.features`` YAML list (``Features._to_yaml_list``).

    >>> from kashcorpus.configs import class_label, list_of, value
    >>> yaml_features({"a": list_of(value("int32")), "b": class_label(["x"])})
    [{'name': 'a', 'list': 'int32'}, {'name': 'b', 'dtype': {'class_label': {'names': {'0': 'x'}}}}]
    """
    def inner(feature: dict) -> dict:
        kind = feature.get("_type")
        if kind == "Value":
            return {"dtype": feature["dtype"]}
        if kind == "ClassLabel":
            return {"dtype": {"class_label": {"names": {str(i): n for i, n in enumerate(feature["names"])}}}}
        if kind == "List":
            item = inner(feature["feature"])
            return {"list": item["dtype"] if list(item) == ["dtype"] else item["struct"] if list(item) == ["struct"]
                    else item}
        if kind is None:
            return {"struct": [{"name": k, **inner(f)} for k, f in feature.items()]}
        raise TypeError(f"no YAML for feature {feature!r}")

    return [{"name": k, **inner(f)} for k, f in spec.items()]


def card_text(root: Path, counts: dict[str, int], sizes: dict[str, tuple[int, int]], repo_id: str | None = None,
              first_rows: dict[str, dict] | None = None) -> str:
    """The dataset card: DATACARD.md's YAML with ``configs`` and ``dataset_info`` generated into it
    (:func:`card_yaml`), and a body that stands alone (:func:`kashcorpus.card.card_body`).

    Only the configs in ``counts`` are listed (an empty layer is not published: ``datasets`` cannot
    load a split with no rows). Each ``dataset_info`` entry carries the description, citation, homepage
    and licence that ``datasets.load_dataset_builder(folder).info`` reports. ``first_rows``: each config's
    first row, encoded, if the caller has them (else they are read).
    """
    from huggingface_hub import DatasetCard

    from . import __version__
    from .card import DEFAULT_REPO_ID, LICENSE_SUMMARY, card_body, citation, hub_url, release_year
    from .croissant import changelog

    repo_id = repo_id or DEFAULT_REPO_ID
    source = _source(root, "DATACARD.md")
    card = DatasetCard(source.read_text(encoding="utf-8") if source.exists() else "---\n---\n")
    year = release_year(changelog(root), __version__)
    card.text = "\n" + card_body(root, card.text, counts, __version__, year, repo_id,
                                  first_rows)  # the YAML stays DATACARD.md's
    about = {"citation": citation(__version__, year, repo_id), "homepage": hub_url(repo_id), "license": LICENSE_SUMMARY}
    card_yaml(card.data, counts, sizes, about, __version__)
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
    return "".join(f"{file_sha256(p)}  {p.relative_to(out).as_posix()}\n"
                   for p in sorted(out.rglob("*")) if p.is_file() and p.name != "SHA256SUMS").encode()


def build(root: Path | str | None = None, out: Path | str = "dist/dataset", shard_rows: int = SHARD_ROWS,
          repo_id: str | None = None, jobs: int | None = 1) -> dict:
    """Write the dataset folder ``out`` from the corpus at ``root``; return rows per config.

    The corpus is read once (:func:`write_configs`); ``jobs`` > 1 worker processes make the rows (started
    with ``spawn``: a script that calls this needs the ``if __name__ == "__main__":`` guard), ``None`` two for
    a large corpus (``kashcorpus build``'s default). The folder is the same bytes whatever ``jobs`` is.

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
    writers = write_configs(out, root, shard_rows, jobs)
    counts = {name: w.total for name, w in writers.items()}
    sizes = {name: (w.nbytes, w.size) for name, w in writers.items()}
    files = {name: w.paths for name, w in writers.items()}
    first = {name: w.first for name, w in writers.items() if w.first is not None}
    built = {name: n for name, n in counts.items() if n}
    atomic_write(out / "README.md", card_text(root, built, sizes, repo_id, first).encode("utf-8"))
    ship(root, out)
    files = {name: paths for name, paths in files.items() if paths}
    atomic_write(out / "croissant.json", croissant_bytes(root, out, files, repo_id, n_docs=counts["documents"]))
    atomic_write(out / "SHA256SUMS", manifest(out))
    return counts

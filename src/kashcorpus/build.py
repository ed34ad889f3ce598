"""Build the Hugging Face dataset folder: card with generated YAML, parquet per config, Croissant, checksums."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .corpus import DocumentRecords, iter_documents, read_entities, read_links
from .io import atomic_write
from .resources import data_root, taxonomy
from .tokens import spans_to_bio, tokenize

PARQUET_OPTIONS = dict(compression="zstd", compression_level=9, row_group_size=50_000, use_dictionary=True,
                       write_statistics=True, data_page_size=1 << 20)
SHARD_ROWS = 100_000  # rows per parquet file; a larger corpus gets several shards per config
SPLIT = "test"  # an evaluation set: the Hub convention for data not meant for training
DEFAULT_CONFIG = "documents"
LAYERS = ("zones", "mentions", "claims", "attributions")
RECORD_TYPE = {"zones": "zone", "mentions": "mention", "claims": "claim", "attributions": "attribution"}


# -- features --------------------------------------------------------------------------------------

def _labels(table: str):
    from datasets import ClassLabel

    return ClassLabel(names=list(taxonomy()[table]))


def ner_tag_names() -> list[str]:
    """The ``ner_tags`` label set: ``O``, then ``B-``/``I-`` for each mention label in taxonomy order.

    >>> ner_tag_names()[:3]
    ['O', 'B-PER', 'I-PER']
    """
    return ["O"] + [f"{p}-{label}" for label in taxonomy()["mention"] for p in ("B", "I")]


def _span():
    from datasets import Value

    return {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}


def _layer_fields(layer: str) -> dict:
    """The fields of one layer's records (without the document id)."""
    from datasets import Value

    s = Value("string")
    base = {"id": s, **_span()}
    if layer == "zones":
        return {**base, "label": _labels("zone"), "note": s}
    if layer == "mentions":
        return {**base, "label": _labels("mention"), "entity": s, "note": s}
    if layer == "claims":
        return {**base, "claim_type": _labels("claim_type"), "certainty": _labels("certainty"),
                "checkworthy": Value("bool"), "asserted_by": _labels("asserted_by"), "attribution": s, "note": s}
    return {"id": s, "source": _span(), "source_type": _labels("source_type"), "source_entity": s,
            "cue": _span(), "content": _span(), "parent": s, "note": s}


def documents_features():
    """Features of the ``documents`` config: text, metadata and every layer as nested lists."""
    from datasets import Features, List, Value

    s = Value("string")
    return Features({
        "id": s, "text": s, "title": s, "publisher": s, "author": s, "date": s, "date_precision": s,
        "date_basis": s, "genre": _labels("genre"), "language": s, "seed_file": s, "sha256": s,
        "length": Value("int32"), "rights": s,
        **{layer: List(_layer_fields(layer)) for layer in LAYERS},
    })


def layer_features(layer: str):
    """Features of a flat layer config: one row per record, keyed by ``doc``."""
    from datasets import Features, Value

    return Features({"doc": Value("string"), **_layer_fields(layer)})


def entities_features():
    from datasets import Features, List, Value

    s = Value("string")
    return Features({"id": s, "name": s, "type": _labels("mention"), "aliases": List(s), "description": s,
                     "external_ids": List({"kb": s, "id": s}), "note": s})


def links_features():
    from datasets import Features, List, Value

    s = Value("string")
    return Features({"id": s, "type": _labels("link"), "description": s, "entity": s, "members": List(s),
                     "pairs": List({"a": s, "b": s, "relation": _labels("relation"), "note": s}), "note": s})


def ner_features():
    from datasets import ClassLabel, Features, List, Value

    return Features({"id": Value("string"), "tokens": List(Value("string")), "token_start": List(Value("int32")),
                     "token_end": List(Value("int32")), "ner_tags": List(ClassLabel(names=ner_tag_names()))})


# -- rows (labels as names; write_parquet encodes them as ClassLabel ids) ---------------------------

def _sp(span: dict | None) -> dict | None:
    return None if span is None else {"start": span["start"], "end": span["end"], "text": span["text"]}


def record_row(layer: str, r: dict) -> dict:
    """One record of a layer as a row (without ``doc``); keys in feature order."""
    if layer == "attributions":
        return {"id": r["id"], "source": _sp(r["source"]), "source_type": r["source_type"],
                "source_entity": r["source_entity"], "cue": _sp(r["cue"]), "content": _sp(r["content"]),
                "parent": r["parent"], "note": r.get("note")}
    row = {"id": r["id"], "start": r["start"], "end": r["end"], "text": r["text"]}
    if layer == "zones":
        row["label"] = r["label"]
    elif layer == "mentions":
        row.update(label=r["label"], entity=r["entity"])
    else:
        row.update(claim_type=r["claim_type"], certainty=r["certainty"], checkworthy=r["checkworthy"],
                   asserted_by=r["asserted_by"], attribution=r["attribution"])
    row["note"] = r.get("note")
    return row


def document_row(d: DocumentRecords) -> dict:
    """One row of the ``documents`` config."""
    m = d.meta
    return {
        "id": m["id"], "text": d.text,
        "title": m["title"]["value"], "publisher": m["publisher"]["value"], "author": m["author"]["value"],
        "date": m["date"]["value"], "date_precision": m["date"]["precision"], "date_basis": m["date"]["basis"],
        "genre": m["genre"]["value"], "language": m["language"], "seed_file": m["seed_file"],
        "sha256": m["sha256"], "length": len(d.text), "rights": m.get("rights"),
        **{layer: [record_row(layer, r) for r in d.layer(RECORD_TYPE[layer])] for layer in LAYERS},
    }


def layer_rows(root: Path, layer: str) -> Iterator[dict]:
    for d in iter_documents(root):
        for r in d.layer(RECORD_TYPE[layer]):
            yield {"doc": d.id, **record_row(layer, r)}


def entity_row(e: dict) -> dict:
    ext = e.get("external_ids") or {}
    return {"id": e["id"], "name": e["name"], "type": e["type"], "aliases": list(e["aliases"]),
            "description": e["description"], "external_ids": [{"kb": k, "id": ext[k]} for k in sorted(ext)],
            "note": e.get("note")}


def link_row(link: dict) -> dict:
    return {"id": link["id"], "type": link["type"], "description": link["description"], "entity": link["entity"],
            "members": list(link["members"]),
            "pairs": [{"a": p["a"], "b": p["b"], "relation": p["relation"], "note": p.get("note")}
                      for p in link["pairs"]],
            "note": link.get("note")}


def ner_row(d: DocumentRecords) -> dict:
    """Tokens of a document with offsets and BIO tags of its gold mentions (``expand`` alignment).

    >>> from kashcorpus.resources import data_root
    >>> row = ner_row(next(iter_documents(data_root())))
    >>> len(row["tokens"]) == len(row["ner_tags"]) == len(row["token_start"])
    True
    """
    tokens = tokenize(d.text)
    tags = spans_to_bio(tokens, [(r["start"], r["end"], r["label"]) for r in d.layer("mention")]).tags
    return {"id": d.id, "tokens": [t.text for t in tokens], "token_start": [t.start for t in tokens],
            "token_end": [t.end for t in tokens], "ner_tags": tags}


@dataclass(frozen=True)
class Config:
    name: str
    features: Callable
    rows: Callable[[Path], Iterable[dict]]
    description: str


CONFIGS: dict[str, Config] = {c.name: c for c in (
    Config("documents", documents_features, lambda root: (document_row(d) for d in iter_documents(root)),
           "One row per document: text, metadata and every gold layer as nested lists."),
    *(Config(layer, lambda layer=layer: layer_features(layer), lambda root, layer=layer: layer_rows(root, layer),
             f"One row per gold {RECORD_TYPE[layer]} record, keyed by its document id (doc).")
      for layer in LAYERS),
    Config("entities", entities_features, lambda root: (entity_row(e) for e in read_entities(root)),
           "The corpus-wide entity registry: one row per entity."),
    Config("links", links_features, lambda root: (link_row(x) for x in read_links(root)),
           "Cross-document event and claim links: members are <doc>#<record id>."),
    Config("ner", ner_features, lambda root: (ner_row(d) for d in iter_documents(root)),
           "One row per document: tokens with code-point offsets and BIO tags of the gold mentions."),
)}


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

"""Build the Hugging Face dataset folder: README.md card with generated YAML, and parquet per config."""
from __future__ import annotations

import hashlib
from pathlib import Path

from .corpus import DocumentRecords, iter_documents
from .io import atomic_write
from .resources import data_root, taxonomy

PARQUET_OPTIONS = dict(compression="zstd", compression_level=9, row_group_size=50_000, use_dictionary=True,
                       write_statistics=True, data_page_size=1 << 20)


def _span_struct(Value):
    return {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}


def documents_features():
    """Features of the ``documents`` config: text, metadata and every layer as nested lists."""
    from datasets import ClassLabel, Features, List, Value

    tax = taxonomy()
    cl = lambda table: ClassLabel(names=list(tax[table]))  # noqa: E731
    span = _span_struct(Value)
    opt_span = {f"{k}": v for k, v in span.items()}
    return Features({
        "id": Value("string"),
        "text": Value("string"),
        "title": Value("string"),
        "publisher": Value("string"),
        "author": Value("string"),
        "date": Value("string"),
        "date_precision": Value("string"),
        "date_basis": Value("string"),
        "genre": cl("genre"),
        "language": Value("string"),
        "seed_file": Value("string"),
        "sha256": Value("string"),
        "zones": List({"id": Value("string"), **span, "label": cl("zone")}),
        "mentions": List({"id": Value("string"), **span, "label": cl("mention"), "entity": Value("string")}),
        "claims": List({"id": Value("string"), **span, "claim_type": cl("claim_type"), "certainty": cl("certainty"),
                        "checkworthy": Value("bool"), "asserted_by": cl("asserted_by"), "attribution": Value("string")}),
        "attributions": List({"id": Value("string"), "source": opt_span, "source_type": cl("source_type"),
                              "source_entity": Value("string"), "cue": opt_span, "content": span,
                              "parent": Value("string")}),
    })


def _index(table: str) -> dict[str, int]:
    return {name: i for i, name in enumerate(taxonomy()[table])}


def document_row(d: DocumentRecords) -> dict:
    """One row of the ``documents`` config (labels as ClassLabel ids)."""
    m = d.meta
    idx = {t: _index(t) for t in ("zone", "mention", "claim_type", "certainty", "asserted_by", "source_type", "genre")}
    sp = lambda r: {"start": r["start"], "end": r["end"], "text": r["text"]}  # noqa: E731
    return {
        "id": m["id"], "text": d.text,
        "title": m["title"]["value"], "publisher": m["publisher"]["value"], "author": m["author"]["value"],
        "date": m["date"]["value"], "date_precision": m["date"]["precision"], "date_basis": m["date"]["basis"],
        "genre": idx["genre"][m["genre"]["value"]], "language": m["language"], "seed_file": m["seed_file"],
        "sha256": m["sha256"],
        "zones": [{"id": r["id"], **sp(r), "label": idx["zone"][r["label"]]} for r in d.layer("zone")],
        "mentions": [{"id": r["id"], **sp(r), "label": idx["mention"][r["label"]], "entity": r["entity"]}
                     for r in d.layer("mention")],
        "claims": [{"id": r["id"], **sp(r), "claim_type": idx["claim_type"][r["claim_type"]],
                    "certainty": idx["certainty"][r["certainty"]], "checkworthy": r["checkworthy"],
                    "asserted_by": idx["asserted_by"][r["asserted_by"]], "attribution": r["attribution"]}
                   for r in d.layer("claim")],
        "attributions": [{"id": r["id"], "source": r["source"], "source_type": idx["source_type"][r["source_type"]],
                          "source_entity": r["source_entity"], "cue": r["cue"], "content": r["content"],
                          "parent": r["parent"]} for r in d.layer("attribution")],
    }


CONFIGS = {
    # name: (features factory, rows factory(root) -> iterable of rows)
    "documents": (documents_features, lambda root: (document_row(d) for d in iter_documents(root))),
}
DEFAULT_CONFIG = "documents"


def write_parquet(rows, features, path: Path) -> int:
    """Write rows deterministically (fixed options, no pandas metadata); return the row count."""
    import io as _io

    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = features.arrow_schema
    table = pa.Table.from_pylist(list(rows), schema=schema)
    buf = _io.BytesIO()
    pq.write_table(table, buf, **PARQUET_OPTIONS)
    atomic_write(path, buf.getvalue())
    return table.num_rows


def card_text(root: Path, counts: dict[str, int], sizes: dict[str, int]) -> str:
    """The dataset card: DATACARD.md with ``configs`` and ``dataset_info`` generated into its YAML."""
    from datasets.info import DatasetInfo, DatasetInfosDict
    from datasets.splits import SplitDict, SplitInfo
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCard

    source = root / "DATACARD.md"
    card = DatasetCard(source.read_text(encoding="utf-8") if source.exists() else "---\n---\n")
    configs = MetadataConfigs({
        name: {"data_files": [{"split": "train", "path": f"data/{name}/train-00000-of-00001.parquet"}],
               **({"default": True} if name == DEFAULT_CONFIG else {})}
        for name in CONFIGS
    })
    infos = {}
    for name, (features, _rows) in CONFIGS.items():
        splits = SplitDict()
        splits.add(SplitInfo(name="train", num_bytes=sizes[name], num_examples=counts[name]))
        infos[name] = DatasetInfo(features=features(), splits=splits, config_name=name)
    configs.to_dataset_card_data(card.data)
    DatasetInfosDict(infos).to_dataset_card_data(card.data)
    return str(card).rstrip("\n") + "\n"


def build(root: Path | str | None = None, out: Path | str = "dist/dataset") -> dict:
    """Write the dataset folder ``out`` from the corpus at ``root``; return rows per config.

    >>> import tempfile; from kashcorpus.resources import data_root
    >>> build(data_root(), tempfile.mkdtemp())["documents"]
    5
    """
    root = Path(root) if root else data_root()
    out = Path(out)
    counts, sizes = {}, {}
    for name, (features, rows) in CONFIGS.items():
        path = out / "data" / name / "train-00000-of-00001.parquet"
        counts[name] = write_parquet(rows(root), features(), path)
        sizes[name] = path.stat().st_size
    atomic_write(out / "README.md", card_text(root, counts, sizes).encode("utf-8"))
    manifest = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(out).as_posix()}\n"
                       for p in sorted(out.rglob("*")) if p.is_file() and p.name != "SHA256SUMS")
    atomic_write(out / "SHA256SUMS", manifest.encode())
    return counts

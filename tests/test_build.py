"""The dataset folder: every config loads offline (streaming and not) with its ClassLabels, and builds are byte-identical."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from kashcorpus.build import build
from kashcorpus.configs import CONFIGS, claim_pair_relation_names, ner_tag_names, nli_label_names
from kashcorpus.resources import taxonomy

from helpers import claim_pair_problems, jsonl_counts


def _load(folder: Path, name: str, cache: Path, **kw):
    import datasets

    datasets.disable_progress_bars()
    return datasets.load_dataset(str(folder), name, cache_dir=str(cache), **kw)


def _class_labels(features, prefix=""):
    from datasets import ClassLabel, List

    out = {}
    for k, v in features.items():
        while isinstance(v, List):
            v = v.feature
        if isinstance(v, ClassLabel):
            out[prefix + k] = v.names
        elif isinstance(v, dict):
            out.update(_class_labels(v, f"{prefix}{k}."))
    return out


EXPECTED_LABELS = {
    "documents": {"genre": "genre", "zones.label": "zone", "mentions.label": "mention",
                  "claims.claim_type": "claim_type", "claims.certainty": "certainty",
                  "claims.asserted_by": "asserted_by", "attributions.source_type": "source_type"},
    "zones": {"label": "zone"}, "mentions": {"label": "mention"},
    "claims": {"claim_type": "claim_type", "certainty": "certainty", "asserted_by": "asserted_by"},
    "attributions": {"source_type": "source_type"}, "entities": {"type": "mention"},
    "links": {"type": "link", "pairs.relation": "relation"}, "ner": {"ner_tags": None}, "sentences": {"zone": "zone"},
    "claim_pairs": {"relation": "claim_pair_relation", "nli_label": "nli_label", "claim_type_a": "claim_type", "certainty_a": "certainty",
                    "asserted_by_a": "asserted_by", "claim_type_b": "claim_type", "certainty_b": "certainty",
                    "asserted_by_b": "asserted_by"},
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_every_config_loads_offline_streaming_and_not_with_the_same_rows_and_class_labels(sample_dataset, name,
                                                                                          tmp_path):
    root, folder = sample_dataset
    ds = _load(folder, name, tmp_path / "a")["test"]
    streamed = _load(folder, name, tmp_path / "b", streaming=True)["test"]
    assert ds.num_rows == jsonl_counts(root)[name] > 0
    assert list(streamed) == list(ds)
    tax = taxonomy()
    derived = {None: ner_tag_names(), "claim_pair_relation": claim_pair_relation_names(), "nli_label": nli_label_names()}
    want = {k: (derived[t] if t in derived else list(tax[t])) for k, t in EXPECTED_LABELS[name].items()}
    assert _class_labels(ds.features) == want
    assert _class_labels(streamed.features) == want


def test_the_built_claim_pairs_loaded_through_datasets_are_fit_for_nli(sample_dataset, tmp_path):
    root, folder = sample_dataset
    ds = _load(folder, "claim_pairs", tmp_path / "a")["test"]
    names = {k: f.names for k, f in ds.features.items() if hasattr(f, "names")}
    rows = [{k: names[k][v] if k in names else v for k, v in r.items()} for r in ds]
    assert "unrelated" in {r["relation"] for r in rows} and len({r["relation"] for r in rows}) > 1
    assert claim_pair_problems(rows, root) == []


def test_the_one_split_is_test_and_plain_datasets_answers_train_with_it(sample_dataset, tmp_path):
    _, folder = sample_dataset
    assert list(_load(folder, "mentions", tmp_path / "a")) == ["test"]
    assert sorted(p.name for p in (folder / "data" / "mentions").iterdir()) == ["test-00000-of-00001.parquet"]
    with pytest.raises(ValueError, match=r"Unknown split \"train\".*\['test'\]"):
        _load(folder, "mentions", tmp_path / "b", split="train")


def test_rows_carry_the_annotations_verbatim(sample_dataset, tmp_path):
    root, folder = sample_dataset
    mentions = _load(folder, "mentions", tmp_path)["test"]
    label = mentions.features["label"]
    from kashcorpus.io import read_jsonl
    gold = [r for p in sorted((root / "annotations" / "gold").glob("*.jsonl")) for r in read_jsonl(p)
            if r["type"] == "mention"]
    assert [(m["start"], m["end"], m["text"], label.int2str(m["label"])) for m in mentions] == \
        [(r["start"], r["end"], r["text"], r["label"]) for r in gold]


def test_ner_tags_map_back_to_the_gold_mentions_through_token_offsets(sample_dataset, tmp_path):
    from kashcorpus.tokens import Token, bio_to_spans

    root, folder = sample_dataset
    ner = _load(folder, "ner", tmp_path)["test"]
    tags = ner.features["ner_tags"].feature
    docs = {d["id"]: d for d in _load(folder, "documents", tmp_path)["test"]}
    decoded: dict[str, list] = {d: [] for d in docs}
    previous = {}
    for row in ner:
        toks = [Token(s, e, t) for s, e, t in zip(row["token_start"], row["token_end"], row["tokens"])]
        text = docs[row["doc"]]["text"]
        assert all(text[t.start:t.end] == t.text for t in toks)
        assert row["id"] == f"{row['doc']}-s{row['sentence']}" and row["sentence"] == previous.get(row["doc"], -1) + 1
        previous[row["doc"]] = row["sentence"]
        assert all(row["start"] <= t.start and t.end <= row["end"] for t in toks)
        decoded[row["doc"]] += bio_to_spans(toks, [tags.int2str(i) for i in row["ner_tags"]])
    for doc, spans in decoded.items():
        # expand alignment: each gold mention lies in exactly one tagged span (generated texts may cut words)
        gold = [(m["start"], m["end"]) for m in docs[doc]["mentions"]]
        assert len(spans) == len(gold)
        assert all(s <= gs and ge <= e for (s, e, _), (gs, ge) in zip(spans, gold))


def test_the_real_corpus_builds_only_configs_that_have_rows_and_they_load(repo_root, tmp_path):
    counts = build(repo_root, tmp_path / "ds")
    assert counts == jsonl_counts(repo_root)
    present = sorted(p.name for p in (tmp_path / "ds" / "data").iterdir())
    assert present == sorted(n for n, c in counts.items() if c)
    for name in present:
        ds = _load(tmp_path / "ds", name, tmp_path / f"c-{name}")["test"]
        streamed = _load(tmp_path / "ds", name, tmp_path / f"s-{name}", streaming=True)["test"]
        assert ds.num_rows == counts[name] and list(streamed) == list(ds)
        assert _class_labels(ds.features) == _class_labels(streamed.features) != {}


def test_two_builds_are_byte_identical(sample_dataset, tmp_path):
    root, first = sample_dataset
    build(root, tmp_path / "again")
    files = lambda d: {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}  # noqa: E731
    assert files(first) == files(tmp_path / "again")


def test_the_manifest_lists_every_file_with_its_sha256(sample_dataset):
    _, folder = sample_dataset
    listed = dict(reversed(line.split("  ", 1)) for line in (folder / "SHA256SUMS").read_text().splitlines())
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"}
    assert set(listed) == files and "croissant.json" in files and "README.md" in files
    for rel, digest in listed.items():
        assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == digest


def test_the_card_yaml_names_every_config_once_with_documents_as_default(sample_dataset):
    from huggingface_hub import DatasetCard

    _, folder = sample_dataset
    card = DatasetCard.load(folder / "README.md")
    configs = {c["config_name"]: c for c in card.data.configs}
    assert set(configs) == set(CONFIGS) and configs["documents"].get("default") is True
    assert {i["config_name"] for i in card.data.dataset_info} == set(CONFIGS)
    assert "\n# kashcorpus" in card.text or card.text.lstrip().startswith("# kashcorpus")


def test_a_rebuild_drops_the_files_of_a_layer_that_became_empty(sample_dataset, tmp_path):
    import shutil

    root, _ = sample_dataset
    copy = tmp_path / "co"
    shutil.copytree(root, copy)
    (copy / "annotations" / "links.jsonl").unlink()
    out = tmp_path / "ds"
    build(root, out)
    assert (out / "data" / "links").is_dir()
    assert build(copy, out)["links"] == 0
    assert not (out / "data" / "links").exists()
    assert "config_name: links" not in (out / "README.md").read_text()


def test_the_build_command_imports_neither_datasets_nor_pandas(repo_root, tmp_path):
    import json
    import subprocess
    import sys

    code = ("import json, sys\nfrom kashcorpus.cli import main\n"
            "code = main(['build', sys.argv[1], '--out', sys.argv[2]])\n"
            "print(json.dumps([code, sorted(m for m in ('datasets', 'pandas') if m in sys.modules)]))\n")
    r = subprocess.run([sys.executable, "-c", code, str(repo_root), str(tmp_path / "ds")], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    assert json.loads(r.stdout.splitlines()[-1]) == [0, []]
    assert (tmp_path / "ds" / "SHA256SUMS").is_file()


@pytest.mark.slow
def test_worker_processes_write_the_same_bytes_with_row_groups_and_shards_cut_across_their_chunks(tmp_path,
                                                                                                 monkeypatch):
    import kashcorpus.build as b
    from kashcorpus.synth import synth

    synth(tmp_path / "corpus", 40, seed=3)
    monkeypatch.setattr(b, "BATCH_ROWS", 45)  # row groups and shards end inside the workers' chunks
    monkeypatch.setattr(b, "PART_ROWS", 7)
    monkeypatch.setattr(b, "DOCUMENT_CHUNK", 3)
    files = lambda d: {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}  # noqa: E731
    one = build(tmp_path / "corpus", tmp_path / "one", shard_rows=100, jobs=1)
    two = build(tmp_path / "corpus", tmp_path / "two", shard_rows=100, jobs=2)
    assert one == two and one["mentions"] > 100
    assert len(list((tmp_path / "two" / "data" / "ner").iterdir())) > 1
    assert files(tmp_path / "one") == files(tmp_path / "two")


def test_columns_built_from_buffers_equal_what_pyarrow_makes_of_the_encoded_rows(repo_root):
    import pyarrow as pa

    from kashcorpus.build import encoder
    from kashcorpus.columns import arrow_schema, compile_table
    from kashcorpus.configs import CONFIGS

    for name, config in CONFIGS.items():
        spec = config.spec()
        rows = list(config.rows(repo_root))[:300]
        schema = arrow_schema(spec)
        ours = compile_table(spec, schema)(rows)
        ours.validate(full=True)
        assert ours.equals(pa.Table.from_pylist([encoder(spec)(r) for r in rows], schema=schema)), name


# -- the build code against a reference commit's, on today's sources --------------------------------------

REFERENCE = Path(__file__).with_name("build-reference.txt")


def _reference_build(repo: Path, commit: str, out: Path) -> None:
    """Build today's sources at ``repo`` into ``out`` with the package code of ``commit`` (version set to today's)."""
    import io
    import subprocess
    import sys
    import tarfile

    from kashcorpus import __version__

    tree = out.parent / "reference-code"
    data = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit, "--", "src/kashcorpus"],
                          capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(tree, filter="data")
    init = tree / "src" / "kashcorpus" / "__init__.py"
    init.write_text(re.sub(r'^__version__ = "[^"]*"', f'__version__ = "{__version__}"',
                           init.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    (tree / "schema").symlink_to(repo / "schema")  # the reference code reads its tables beside its src/
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import kashcorpus\n"
            "assert kashcorpus.__file__.startswith(sys.argv[1]), kashcorpus.__file__\n"
            "from kashcorpus.build import build; build(sys.argv[2], sys.argv[3])\n")
    r = subprocess.run([sys.executable, "-c", code, str(tree / "src"), str(repo), str(out)], capture_output=True,
                       text=True, cwd=out.parent)
    assert r.returncode == 0, r.stderr[-3000:]


@pytest.mark.slow
def test_the_build_writes_byte_for_byte_what_the_reference_build_code_writes(repo_root, tmp_path):
    import subprocess

    commit = next(line for line in REFERENCE.read_text(encoding="utf-8").splitlines()
                  if line.strip() and not line.startswith("#")).strip()
    known = subprocess.run(["git", "-C", str(repo_root), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True)
    if known.returncode != 0:
        pytest.skip(f"the reference commit {commit[:12]} is not in this clone (it needs the git history)")
    _reference_build(repo_root, commit, tmp_path / "reference")
    build(repo_root, tmp_path / "now")
    sums = lambda d: (d / "SHA256SUMS").read_text(encoding="utf-8").splitlines()  # noqa: E731
    differ = sorted(set(sums(tmp_path / "reference")) ^ set(sums(tmp_path / "now")))
    assert not differ, (f"the build writes other bytes than the code of {commit[:12]} ({REFERENCE.name}) for the same "
                        "sources; if that is on purpose, move the reference in a commit that says so:\n"
                        + "\n".join(differ))

"""kashcorpus.load_dataset: the packaged corpus as a DatasetDict, offline, from any working directory."""
from __future__ import annotations

import subprocess
import sys

import pytest

import kashcorpus
from kashcorpus.configs import CONFIGS

from helpers import jsonl_counts


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KASHCORPUS_CACHE", str(tmp_path / "kc"))
    return tmp_path


def test_load_dataset_gives_the_documents_with_class_labels_from_any_directory(cache, monkeypatch, repo_root):
    from datasets import ClassLabel, DatasetDict

    monkeypatch.chdir("/")
    ds = kashcorpus.load_dataset(cache_dir=str(cache / "hf"))
    assert isinstance(ds, DatasetDict)
    assert ds["test"].num_rows == jsonl_counts(repo_root)["documents"]
    assert isinstance(ds["test"].features["genre"], ClassLabel)


def test_every_config_with_records_loads_with_the_corpus_counts(cache, repo_root):
    counts = jsonl_counts(repo_root)
    for name in CONFIGS:
        if counts[name]:
            ds = kashcorpus.load_dataset(name, split="test", cache_dir=str(cache / f"hf-{name}"))
            assert ds.num_rows == counts[name]
        else:
            with pytest.raises(ValueError, match="no records"):
                kashcorpus.load_dataset(name)


def test_the_built_folder_is_reused_until_the_data_changes(cache):
    from kashcorpus.loader import dataset_folder

    first = dataset_folder()
    stamp = (first / "SHA256SUMS").stat().st_mtime_ns
    assert dataset_folder() == first and (first / "SHA256SUMS").stat().st_mtime_ns == stamp


def test_an_unknown_config_is_refused_with_the_list(cache):
    with pytest.raises(ValueError, match="the configs are: documents"):
        kashcorpus.load_dataset("nope")


def test_importing_kashcorpus_imports_neither_datasets_nor_pandas_nor_pyarrow():
    code = ("import sys, kashcorpus\n"
            "assert callable(kashcorpus.load_dataset) and kashcorpus.Corpus\n"
            "bad = [m for m in ('datasets', 'pandas', 'pyarrow') if m in sys.modules]\n"
            "assert not bad, bad\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("split", ["train", "train[:10]"])
def test_asking_for_the_train_split_is_answered_with_the_test_split(cache, split):
    with pytest.raises(ValueError, match="its one split is 'test'.*use split=\"test\""):
        kashcorpus.load_dataset("mentions", split=split, cache_dir=str(cache / "hf"))

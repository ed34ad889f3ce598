"""Shared fixtures: the repository root, a scratch copy of the corpus, a built sample dataset, and hypothesis profiles."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from helpers import ROOT, annotate_sample

settings.register_profile("default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


@pytest.fixture
def repo_root() -> Path:
    return ROOT


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A scratch copy of the corpus checkout (corpus/, annotations/) that a test may change."""
    dest = tmp_path / "checkout"
    for name in ("corpus", "annotations"):
        shutil.copytree(ROOT / name, dest / name)
    return dest


@pytest.fixture(scope="session")
def sample_dataset(tmp_path_factory) -> tuple[Path, Path]:
    """A corpus copy with annotations in every layer, and its built dataset folder (built once; do not change it)."""
    from kashcorpus.build import build

    root = tmp_path_factory.mktemp("sample") / "checkout"
    for name in ("corpus", "annotations"):
        shutil.copytree(ROOT / name, root / name)
    for p in (root / "annotations" / "gold").glob("*.jsonl"):  # keep only the header of each gold file
        p.write_text(p.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    annotate_sample(root)
    out = root.parent / "dataset"
    build(root, out)
    return root, out

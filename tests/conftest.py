"""Shared fixtures: the repository root, a scratch copy of the corpus, and hypothesis profiles."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

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

"""The benchmark runs end to end on a tiny corpus and its JSON has every field (no timing assertions)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_the_benchmark_runs_on_a_tiny_corpus_and_reports_every_field(repo_root, tmp_path):
    out = tmp_path / "bench.json"
    r = subprocess.run([sys.executable, str(repo_root / "bench" / "run.py"), "--sizes", "20", "--repeat", "1",
                        "--inject", "1", "--out", str(out)], capture_output=True, text=True, cwd=repo_root)
    assert r.returncode == 0, r.stderr[-2000:]
    result = json.loads(out.read_text())
    row = result["sizes"][0]
    for key in ("docs", "records", "floor", "validate_j1", "validate_j2", "reference_scaled", "build",
                "load_cold", "load_warm", "injected", "injected_found"):
        assert key in row, key
    assert row["injected_found"] == row["injected"] == 7
    assert {"help", "validate_empty", "help_imports_heavy"} <= set(result["startup"])
    assert result["startup"]["help_imports_heavy"] == []
    assert "| docs |" in r.stdout

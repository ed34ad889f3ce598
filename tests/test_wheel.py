"""The wheel carries the corpus, annotations and schemas: installed into a clean venv it loads from /."""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

LOAD = "import kashcorpus; print(kashcorpus.load_dataset()); print(kashcorpus.__file__)"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, request) -> Path:
    repo = Path(request.config.rootpath)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(out), str(repo)], check=True, capture_output=True)
    return next(out.glob("kashcorpus-*.whl"))


def _venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    return path / "bin" / "python"


def _env(tmp: Path) -> dict:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TMPDIR")}
    return {**keep, "HOME": str(tmp), "KASHCORPUS_CACHE": str(tmp / "kc"), "HF_HOME": str(tmp / "hf"),
            "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def test_the_wheel_contains_the_data_and_the_card(wheel, repo_root):
    names = set(zipfile.ZipFile(wheel).namelist())
    for p in (repo_root / "corpus").rglob("*"):
        if p.is_file():
            assert f"kashcorpus/_data/{p.relative_to(repo_root).as_posix()}" in names
    assert "kashcorpus/_data/schema/taxonomy.json" in names
    assert "kashcorpus/_data/DATACARD.md" in names
    assert any(n.startswith("kashcorpus/_data/annotations/gold/") for n in names)


def test_the_installed_wheel_loads_the_dataset_from_root(wheel, tmp_path):
    """A clean venv gets the wheel alone; its dependencies come from the project's venv as a plain path."""
    py = _venv(tmp_path / "venv")
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    # dependencies only: a path entry does not run the project's editable-install hooks
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    r = subprocess.run([str(py), "-c", LOAD], cwd="/", capture_output=True, text=True, env=_env(tmp_path))
    assert r.returncode == 0, r.stderr[-3000:]
    assert "DatasetDict" in r.stdout and "num_rows" in r.stdout
    assert r.stdout.strip().splitlines()[-1].startswith(str(site))


@pytest.mark.integration
def test_the_wheel_installs_with_its_pinned_dependencies_into_a_clean_venv(wheel, tmp_path, repo_root):
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    py = tmp_path / "venv" / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-c",
                    str(repo_root / "constraints.txt"), str(wheel)], check=True)
    r = subprocess.run([str(py), "-c", LOAD], cwd="/", capture_output=True, text=True, env=_env(tmp_path))
    assert r.returncode == 0, r.stderr[-3000:]
    assert "DatasetDict" in r.stdout

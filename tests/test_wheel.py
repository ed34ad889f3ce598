"""The wheel as a stranger gets it: it carries the data, and installed with only its declared dependencies
into a fresh venv it runs, from /, every command the README shows researchers and annotators."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kashcorpus.card import SHIPPED

EXTRA_HINT = 'pip install "kashcorpus[spacy]"'


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, request) -> Path:
    repo = Path(request.config.rootpath)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(out), str(repo)], check=True, capture_output=True)
    return next(out.glob("kashcorpus-*.whl"))


def test_the_wheel_contains_the_data_the_card_and_the_files_the_card_links_to(wheel, repo_root):
    names = set(zipfile.ZipFile(wheel).namelist())
    for p in (repo_root / "corpus").rglob("*"):
        if p.is_file():
            assert f"kashcorpus/_data/{p.relative_to(repo_root).as_posix()}" in names
    for rel in ("schema/taxonomy.json", "schema/fields.json", "DATACARD.md", *SHIPPED):
        assert f"kashcorpus/_data/{rel}" in names, rel
    assert any(n.startswith("kashcorpus/_data/annotations/gold/") for n in names)
    assert "kashcorpus/py.typed" in names, "the package's type hints are for its users: py.typed ships (PEP 561)"


# -- integration: a fresh venv, the package registry, the README's commands from / --------------------

def _clean_env(**extra: str) -> dict:
    """The environment without anything that could lend the venv our packages (PYTHONPATH, an active venv)."""
    venv = os.environ.get("VIRTUAL_ENV")
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if p and not (venv and p.startswith(venv)) and ".venv" not in Path(p).parts)
    keep = {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "PYTHONUSERBASE")}
    return {**keep, "PATH": path, "PYTHONNOUSERSITE": "1", **extra}


class Venv:
    """A fresh venv that has the wheel and its declared dependencies, and nothing else."""

    def __init__(self, root: Path, home: Path):
        self.root, self.home = root, home
        self.bin = root / "bin"

    def pip(self, *args: str) -> None:
        # the real HOME: pip's cache is there; the registry answers the rest
        r = subprocess.run([str(self.bin / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            *args], capture_output=True, text=True, cwd="/", env=_clean_env())
        assert r.returncode == 0, r.stderr[-3000:]

    def env(self) -> dict:
        return _clean_env(HOME=str(self.home), KASHCORPUS_CACHE=str(self.home / "kc"), HF_HOME=str(self.home / "hf"),
                          XDG_CACHE_HOME=str(self.home / "cache"), HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1",
                          PATH=f"{self.bin}{os.pathsep}{_clean_env()['PATH']}")

    def run(self, *args: str, code: int = 0, python: bool = False) -> subprocess.CompletedProcess:
        """Run ``kashcorpus ARGS`` (or ``python -c``) from /; assert the exit code and that no traceback leaked."""
        cmd = [str(self.bin / "python"), "-c", *args] if python else [str(self.bin / "kashcorpus"), *args]
        for _ in range(2):
            r = subprocess.run(cmd, capture_output=True, text=True, cwd="/", env=self.env(), timeout=900)
            # datasets/arrow can abort at interpreter exit after loading (datasets issue 7566): run it once more
            if r.returncode != -6 and r.returncode != 134:
                break
        assert r.returncode == code, f"{' '.join(cmd[1:])} -> {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
        assert "Traceback" not in r.stderr, r.stderr[-3000:]
        return r


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory, request) -> Venv:
    repo = Path(request.config.rootpath)
    root = tmp_path_factory.mktemp("stranger")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True, env=_clean_env())
    v = Venv(root / "venv", root / "home")
    v.home.mkdir()
    v.pip("-c", str(repo / "constraints.txt"), str(wheel))
    return v


@pytest.fixture(scope="module")
def checkout(tmp_path_factory, request) -> Path:
    """An annotator's copy of the corpus (what a clone holds)."""
    repo = Path(request.config.rootpath)
    dest = tmp_path_factory.mktemp("annotator") / "kashcorpus"
    for name in ("corpus", "annotations"):
        shutil.copytree(repo / name, dest / name)
    return dest


@pytest.mark.integration
def test_the_venv_has_only_the_wheel_and_its_declared_dependencies(venv, repo_root):
    import tomllib

    r = venv.run("import importlib.metadata as m, json, kashcorpus; print(json.dumps([kashcorpus.__file__, "
                 "sorted(d.metadata['Name'].lower() for d in m.distributions())]))", python=True)
    where, installed = json.loads(r.stdout)
    assert where.startswith(str(venv.root))
    assert "spacy" not in installed and "pytest" not in installed and "hypothesis" not in installed
    declared = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["dependencies"]
    for req in declared:
        name = req.split(">")[0].split("=")[0].split("<")[0].strip().lower()
        assert name.replace("_", "-") in {n.replace("_", "-") for n in installed}, name


@pytest.mark.integration
def test_researchers_commands_run_from_root(venv, tmp_path):
    venv.run("--version")
    venv.run("validate")
    venv.run("codes")
    out = tmp_path / "dataset"
    built = venv.run("build", "--out", str(out))
    assert "documents 5 rows" in built.stdout
    assert "mentions/test:" in venv.run("summary", str(out)).stdout
    r = venv.run("import kashcorpus\n"
                 "ds = kashcorpus.load_dataset('mentions', split='test')\n"
                 "corpus = kashcorpus.Corpus.load()\n"
                 "print(ds.num_rows == len(corpus.mentions()), corpus.to_pandas('claims')['certainty'].dtype.name)\n"
                 "try:\n    corpus.reports(source_type='anon')\n"
                 "except kashcorpus.UnknownLabel as e:\n    print('refused:', e)\n", python=True)
    assert r.stdout.startswith("True category\nrefused: 'anon' is not a source_type label")
    r = venv.run("from datasets import load_dataset\n"
                 f"ds = load_dataset({str(out)!r}, 'claims', split='test')\n"
                 "print(ds.features['certainty'].names)", python=True)
    assert "['asserted', 'hedged', 'reported', 'unverified']" in r.stdout


@pytest.mark.integration
def test_evaluate_and_agree_run_from_root(venv, checkout):
    r = venv.run("evaluate", str(checkout / "annotations" / "gold"), "--format", "json")
    assert json.loads(r.stdout)
    assert "pass-annotator-b" in venv.run("agree").stdout


@pytest.mark.integration
def test_annotators_commands_run_from_root_on_a_copy(venv, checkout, tmp_path):
    root = ["--root", str(checkout)]
    venv.run("span", "rm", "kash-003", "m38", *root)  # make room for the README's example
    venv.run("span", "add", "kash-003", "--layer", "mention", "--label", "GPE", "--quote", "Doha", "--entity", "doha",
             *root)
    listed = venv.run("span", "ls", "kash-003", "--layer", "mention", *root).stdout
    assert re.search(r"^m\d+ +mention .* GPE +Doha +doha$", listed, flags=re.M), listed
    venv.run("text", "replace", "kash-003", "--old", "targetting", "--new", "targeting", "--reanchor", *root)
    venv.run("validate", str(checkout))
    venv.run("view", str(checkout), "--out", str(tmp_path / "site"))
    assert (tmp_path / "site" / "index.html").is_file()


@pytest.mark.integration
def test_interchange_exports_run_from_root(venv, checkout, tmp_path):
    root = ["--root", str(checkout)]
    config = venv.run("labelstudio", "config")
    assert config.stdout.lstrip().startswith("<View")
    venv.run("export", "labelstudio", "--out", str(tmp_path / "tasks.json"), *root)
    assert json.loads((tmp_path / "tasks.json").read_text())
    venv.run("export", "brat", "--out", str(tmp_path / "brat"), *root)
    assert (tmp_path / "brat" / "annotation.conf").is_file()
    venv.run("export", "conll", "--out", str(tmp_path / "mentions.conll"), *root)
    assert (tmp_path / "mentions.conll").read_text().startswith("-DOCSTART-")


@pytest.mark.integration
def test_spacy_export_names_the_extra_without_spacy_and_works_with_it(venv, wheel, checkout, tmp_path, repo_root):
    out = tmp_path / "corpus.spacy"
    r = venv.run("export", "spacy", "--out", str(out), "--root", str(checkout), code=2)
    assert r.stderr.strip().splitlines() == [f"kashcorpus export: error: the spaCy converter needs spacy, which is not "
                                             f"installed: {EXTRA_HINT}"]
    assert not out.exists()
    venv.pip("-c", str(repo_root / "constraints.txt"), f"{wheel}[spacy]")
    venv.run("export", "spacy", "--out", str(out), "--root", str(checkout))
    assert out.stat().st_size > 0
    old = venv.run("spacy", "export", str(tmp_path / "old.spacy"), "--root", str(checkout))
    assert (tmp_path / "old.spacy").read_bytes() == out.read_bytes() and "kashcorpus export spacy" in old.stderr

"""Declared dependencies match what the code imports: the package's, the spaCy extra's and the test suite's."""
from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Installed for building the package in place (make venv uses --no-build-isolation), never imported.
BUILD_TOOLS = {"hatchling", "editables"}
LINT_TOOLS = {"mypy", "ruff"}  # make lint; pinned for CI, not dependencies of the package
# Modules that only code behind an extra may import, and the one file each may be imported in.
EXTRA_MODULES = {"spacy": ("spacy", {"src/kashcorpus/convert/spacy.py"}),
                 "trafilatura": ("add", {"src/kashcorpus/add/page.py"}), "lxml": ("add", {"src/kashcorpus/add/page.py"})}


def canonicalize_name(name: str) -> str:
    """A distribution name as pip compares it (PEP 503).

    >>> canonicalize_name("Jinja2"), canonicalize_name("jsonschema_rs")
    ('jinja2', 'jsonschema-rs')
    """
    return re.sub(r"[-_.]+", "-", name).lower()


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(re.match(r"[A-Za-z0-9_.-]+", r).group()) for r in requirements}


def _pinned(path: Path) -> set[str]:
    return _names([line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                   if line.strip() and not line.startswith("#")])


def _catches_import_error(node: ast.Try) -> bool:
    """An import inside ``try: ... except ImportError`` is optional: the code runs without it."""
    names = {ast.unparse(h.type) for h in node.handlers if h.type is not None}
    return bool(names & {"ImportError", "ModuleNotFoundError", "(ImportError, ModuleNotFoundError)"})


def third_party_imports(paths: list[Path], local: set[str], skip_optional: bool = False) -> dict[str, set[str]]:
    """Top-level module -> files importing it, for every absolute import that is neither stdlib nor ``local``.

    With ``skip_optional``, imports guarded by ``except ImportError`` (optional candidates, as in
    bench/segmenters.py) are left out.
    """
    found: dict[str, set[str]] = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        optional = {id(n) for t in ast.walk(tree) if isinstance(t, ast.Try) and _catches_import_error(t)
                    for stmt in t.body for n in ast.walk(stmt)} if skip_optional else set()
        for node in ast.walk(tree):
            if id(node) in optional:
                continue
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods = [node.module]
            else:
                continue
            for mod in mods:
                top = mod.split(".")[0]
                if top not in sys.stdlib_module_names and top not in local:
                    found.setdefault(top, set()).add(path.relative_to(ROOT).as_posix())
    return found


@functools.lru_cache(maxsize=1)
def _module_owners() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _distribution(module: str) -> str:
    dists = _module_owners().get(module)
    assert dists, f"no installed distribution provides the module {module!r}"
    return canonicalize_name(dists[0])


def test_every_module_the_package_imports_is_a_declared_dependency_or_behind_its_extra():
    project = _project()
    declared = _names(project["dependencies"])
    imports = third_party_imports(sorted((ROOT / "src" / "kashcorpus").rglob("*.py")), {"kashcorpus"})
    for module, files in imports.items():
        if module in EXTRA_MODULES:
            extra, allowed = EXTRA_MODULES[module]
            assert _distribution(module) in _names(project["optional-dependencies"][extra])
            assert files <= allowed, f"{module} (extra {extra}) imported outside {allowed}: {files - allowed}"
        else:
            assert _distribution(module) in declared, f"{module} is imported by {sorted(files)} but not declared"


def test_every_declared_dependency_is_imported_somewhere():
    imports = third_party_imports(sorted((ROOT / "src" / "kashcorpus").rglob("*.py")), {"kashcorpus"})
    used = {_distribution(m) for m in imports}
    assert _names(_project()["dependencies"]) <= used


def test_the_test_extra_lists_every_module_the_tests_benchmark_and_baselines_import():
    local = {p.stem for d in ("tests", "tests/integration", "bench", "baselines") for p in (ROOT / d).glob("*.py")}
    paths = sorted(p for d in ("tests", "bench", "baselines") for p in (ROOT / d).rglob("*.py"))
    imports = third_party_imports(paths, local | {"kashcorpus"}, skip_optional=True)
    imports.pop("label_studio_sdk", None)  # runs inside Label Studio's own venv (tests/integration/ls_client.py)
    project = _project()
    available = _names(project["dependencies"]) | _names(project["optional-dependencies"]["test"])
    missing = {m: sorted(f) for m, f in imports.items() if _distribution(m) not in available}
    assert not missing, f"not in the test extra: {missing}"


def test_the_pinned_requirements_are_exactly_the_declared_dependencies_extras_and_build_tools():
    project = _project()
    declared = _names(project["dependencies"]) | {n for reqs in project["optional-dependencies"].values()
                                                  for n in _names(reqs)}
    assert _pinned(ROOT / "requirements.txt") == declared | BUILD_TOOLS | LINT_TOOLS
    assert _pinned(ROOT / "requirements.txt") <= _pinned(ROOT / "constraints.txt")


def test_every_pin_is_exact():
    for name in ("requirements.txt", "constraints.txt"):
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", line.strip()), (name, line)

"""docs/architecture.md against the tree: every module placed in a layer, every named file present, imports going down."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = "kashcorpus"
# bottom to top; "tools" are beside each other: a tool imports no other tool
RANK = {"model": 0, "io": 1, "validate": 2, "store": 3, "tools": 4, "cli": 5, "package": 6}


@pytest.fixture
def doc(repo_root) -> str:
    return (repo_root / "docs" / "architecture.md").read_text(encoding="utf-8")


@pytest.fixture
def src(repo_root) -> Path:
    return repo_root / "src" / PACKAGE


def table(doc: str) -> dict[str, tuple[str, str]]:
    """``{module or package/: (layer, what it holds)}`` from the "What lives where" table."""
    section = doc.split("## What lives where", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\| `([^`]+)` \| ([^|]+) \| (.+) \|$", line)
        if m:
            rows[m.group(1)] = (m.group(2).strip(), m.group(3))
    return rows


def module_name(src: Path, path: Path) -> str:
    parts = list(path.relative_to(src.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def row_of(rows: dict, src: Path, path: Path) -> str:
    """The table row that places ``path``: its own module row, or the row of its top-level package."""
    rel = path.relative_to(src)
    return rel.as_posix() if len(rel.parts) == 1 else f"{rel.parts[0]}/"


def is_command(rel: Path) -> bool:
    """A module of ``cli/`` that registers a command (the table's row says "one module per command")."""
    from kashcorpus.cli import COMMANDS

    return rel.parts[0] == "cli" and rel.stem in COMMANDS


def test_every_module_is_placed_in_a_layer_and_every_row_is_a_module(doc, src):
    rows = table(doc)
    files = sorted(p for p in src.rglob("*.py"))
    for path in files:
        row = row_of(rows, src, path)
        assert row in rows, f"{path.relative_to(src)} is not in docs/architecture.md's table"
        rel = path.relative_to(src)
        if len(rel.parts) > 1 and rel.name != "__init__.py" and not is_command(rel):
            assert f"`{rel.name}`" in rows[row][1] or f"`{rel.parent.name}/`" in rows[row][1], \
                f"{rel} is not named in the row of {row}"
    for row in rows:
        assert (src / row).exists(), f"docs/architecture.md names {row}, which is not in src/{PACKAGE}"
    for layer, _ in rows.values():
        assert layer.split(":")[0] in RANK, layer


def test_every_file_the_page_names_exists(doc, repo_root):
    named = set(re.findall(r"`((?:src|tests|docs|schema)/[^`<>… ]+)`", doc))
    assert named, "the page names no file"
    for rel in sorted(named):
        assert (repo_root / rel).exists(), f"docs/architecture.md names {rel}, which does not exist"


def imports(path: Path, name: str) -> set[tuple[str, tuple[str, ...]]]:
    """``(module, names)`` of every import of the package in ``path`` (at module level or inside functions);
    ``from . import x`` also counts as an import of the module ``x`` when there is one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                target = ".".join(base[:len(base) - node.level + 1] + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == PACKAGE or target.startswith(PACKAGE + "."):
                out.add((target, tuple(a.name for a in node.names)))
                out |= {(f"{target}.{a.name}", ()) for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {(a.name, ()) for a in node.names if a.name == PACKAGE or a.name.startswith(PACKAGE + ".")}
    return out


def place(rows: dict, src: Path, module: str) -> tuple[int, str] | None:
    """``(layer rank, layer)`` of a module of the package (``None`` for a name that is not a module)."""
    parts = module.split(".")[1:]
    if not parts:
        return RANK["package"], "package"
    path = src.joinpath(*parts)
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            layer = rows[row_of(rows, src, candidate)][0]
            return RANK[layer.split(":")[0]], layer
    return None


def allowed(here: tuple[int, str], there: tuple[int, str]) -> bool:
    """An import goes down the layers or stays in its own layer; a tool's own layer is its component."""
    return here[1] == there[1] or there[0] < here[0]


def test_imports_go_down_the_layers_and_tools_do_not_import_each_other(doc, src):
    rows = table(doc)
    wrong = []
    for path in sorted(src.rglob("*.py")):
        name = module_name(src, path)
        here = place(rows, src, name)
        assert here is not None
        for target, names in imports(path, name):
            there = place(rows, src, target)
            if there is None or target == name:
                continue
            if target == PACKAGE and set(names) <= {"__version__"}:
                continue  # the version is read from the package root by any layer
            if names and all(place(rows, src, f"{target}.{n}") for n in names):
                continue  # "from . import x" of submodules: each is checked as itself
            if not allowed(here, there):
                wrong.append(f"{name} ({here[1]}) imports {target} ({there[1]})")
    assert not wrong, "imports against the layers of docs/architecture.md:\n" + "\n".join(sorted(set(wrong)))


def test_the_layering_rule_refuses_an_upward_import_and_one_tool_importing_another(doc, src, tmp_path):
    rows = table(doc)
    at = lambda m: place(rows, src, f"{PACKAGE}.{m}")  # noqa: E731
    assert not allowed(at("build"), at("cli")) and not allowed(at("model"), at("io"))
    assert not allowed(at("convert.brat"), at("annotate")) and not allowed(at("view"), at("agree"))
    assert allowed(at("cli.convert"), at("convert")) and allowed(at("anchor"), at("annotate.common"))
    fake = tmp_path / "x.py"
    fake.write_text("from .cli import main\n\ndef f():\n    from .annotate import add_span\n", encoding="utf-8")
    assert {t for t, _ in imports(fake, f"{PACKAGE}.x")} >= {f"{PACKAGE}.cli", f"{PACKAGE}.annotate"}

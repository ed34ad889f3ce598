"""The README's Python examples are doctests (pytest runs README.md with --doctest-glob), not untested prose."""
from __future__ import annotations

import re


def test_every_python_example_in_the_readme_is_a_doctest(repo_root):
    blocks = re.findall(r"```python\n(.*?)```", (repo_root / "README.md").read_text(encoding="utf-8"), flags=re.S)
    assert blocks
    for block in blocks:
        assert block.startswith(">>> "), block[:200]


def test_the_readme_is_collected_as_a_doctest(repo_root):
    import tomllib

    options = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "README.md" in options["testpaths"] and "--doctest-glob=README.md" in options["addopts"]

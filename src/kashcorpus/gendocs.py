"""Generated blocks of the docs: the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``, found and replaced."""
from __future__ import annotations

from pathlib import Path

REGENERATE = "make docs (kashcorpus docs --write)"
# Every generated block: marker name -> (the files that hold it, the command that writes it). `kashcorpus docs
# --write` (`make docs`) regenerates every block from the data except the MEASURED ones.
BLOCKS = {
    "stats": (("DATACARD.md",), REGENERATE),
    "inventory": (("docs/link-inventory.md",), REGENERATE),
    "formats": (("docs/formats.md",), REGENERATE),
    "agreement": (("DATACARD.md",), REGENERATE),
    "agreement-report": (("docs/agreement.md",), REGENERATE),
    "baselines": (("DATACARD.md", "README.md"), REGENERATE),
    "codes": (("docs/validation.md",), REGENERATE),
    "invariants": (("docs/integrity.md",), REGENERATE),
    "figures": (("docs/integrity.md",), "kashcorpus integrity --write docs/integrity.md"),
    "bench": (("docs/performance.md",), "make bench"),
}
# Blocks that record a measurement (a run of the test suite, the benchmark): written by that run, not from the data.
MEASURED = frozenset({"figures", "bench"})


def stale_message(rel: str, name: str) -> str:
    """What a drift test says when a generated block no longer matches the data.

    >>> stale_message("DATACARD.md", "stats")
    'DATACARD.md: the generated stats block is stale; run make docs (kashcorpus docs --write)'
    """
    return f"{rel}: the generated {name} block is stale; run {BLOCKS[name][1]}"


def markers(name: str) -> tuple[str, str]:
    """The start and end marker lines of the block ``name``.

    >>> markers("stats")
    ('<!-- stats:start -->', '<!-- stats:end -->')
    """
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def between(text: str, name: str) -> str | None:
    """The content of the block ``name`` in ``text`` (``None`` when it has no such block).

    >>> between("a\\n<!-- codes:start -->\\nT\\n<!-- codes:end -->\\n", "codes")
    'T\\n'
    """
    start, end = markers(name)
    i = text.find(start)
    j = text.find(end, i + len(start)) if i >= 0 else -1
    if j < 0:
        return None
    return text[i + len(start):j].removeprefix("\n")


def replace_between(text: str, name: str, content: str) -> str:
    """``text`` with the content of the block ``name`` replaced by ``content``; ``ValueError`` without the block.

    >>> replace_between("a\\n<!-- stats:start -->\\nold\\n<!-- stats:end -->\\nb\\n", "stats", "new\\n")
    'a\\n<!-- stats:start -->\\nnew\\n<!-- stats:end -->\\nb\\n'
    """
    start, end = markers(name)
    i = text.find(start)
    j = text.find(end, i + len(start)) if i >= 0 else -1
    if j < 0:
        raise ValueError(f"no {start} ... {end} block")
    return text[:i + len(start)] + "\n" + content + text[j:]


def write_between(path: Path, name: str, content: str) -> bool:
    """Put ``content`` into the block ``name`` of the file ``path`` (atomically); ``True`` when the file changed."""
    from .io import atomic_write, read_text

    old = read_text(Path(path))
    new = replace_between(old, name, content)
    if new != old:
        atomic_write(Path(path), new.encode("utf-8"))
    return new != old

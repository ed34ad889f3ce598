"""Generated blocks of the docs: the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``, found and replaced."""
from __future__ import annotations

from pathlib import Path

# Every generated block: marker name -> (the files that hold it, the command that writes it).
BLOCKS = {
    "stats": (("DATACARD.md",), "kashcorpus stats --write DATACARD.md"),
    "inventory": (("docs/link-inventory.md",), "kashcorpus stats --inventory --write docs/link-inventory.md"),
    "formats": (("docs/formats.md",), "kashcorpus stats --formats --write docs/formats.md"),
    "agreement": (("DATACARD.md",), "kashcorpus agree --write DATACARD.md"),
    "agreement-report": (("docs/agreement.md",), "kashcorpus agree --write docs/agreement.md"),
    "baselines": (("DATACARD.md", "README.md"), "make baselines"),
    "codes": (("docs/validation.md",), "kashcorpus integrity --tables"),
    "invariants": (("docs/integrity.md",), "kashcorpus integrity --tables"),
    "figures": (("docs/integrity.md",), "kashcorpus integrity --write docs/integrity.md"),
    "bench": (("docs/performance.md",), "make bench"),
}


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

"""kashcorpus docs: regenerate (or check) every generated block of the docs from the data, in one command."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from ._common import EXIT_FINDINGS, UsageError


def register(sub) -> None:
    p = sub.add_parser("docs", help="regenerate every generated block of the docs (statistics, agreement, link "
                                    "inventory, baselines, codes, invariants)",
                       description="Every block between <!-- NAME:start --> and <!-- NAME:end --> markers that is "
                                   "computed from the data (kashcorpus.gendocs.BLOCKS): the data card's statistics "
                                   "and agreement, docs/agreement.md, docs/link-inventory.md, the baselines table "
                                   "(DATACARD.md, README.md; runs baselines/run.py of the checkout), the codes table "
                                   "and the invariants; and CITATION.cff from the package version and CHANGELOG.md. "
                                   "After any change to gold or a pass, or of the version, run it before the pull "
                                   "request: CI's drift tests fail otherwise. Measured blocks (the integrity figures, "
                                   "the benchmark) are written by their own runs and left alone.",
                       epilog="Examples: kashcorpus docs --write; kashcorpus docs --check; make docs")
    p.add_argument("path", nargs="?", help="corpus checkout (default: the current directory)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite the blocks that changed")
    mode.add_argument("--check", action="store_true",
                      help="change nothing; exit 1 when any block is stale (the default without --write)")
    p.set_defaults(func=run)


def _baselines(root: Path) -> str:
    """The baselines block: baselines/run.py of the checkout, run into a scratch folder (it writes nothing else)."""
    import subprocess
    import tempfile

    script = root / "baselines" / "run.py"
    if not script.is_file():
        raise UsageError(f"{str(root)!r} has no baselines/run.py; run kashcorpus docs in a checkout of the repository")
    with tempfile.TemporaryDirectory(prefix="kashcorpus-baselines-") as tmp:
        done = subprocess.run([sys.executable, str(script), "--root", str(root), "--out", tmp, "--check"],
                              capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise UsageError(f"baselines/run.py failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
    return done.stdout


def renderers(root: Path) -> dict[str, Callable[[], str]]:
    """How each generated block is computed from the checkout at ``root`` (one function per block name)."""
    from .. import agree, integrity, inventory, stats
    from ..findings import catalogue_markdown

    reports: list[dict] = []

    def agreements() -> list[dict]:
        if not reports:
            reports.extend(agree.agreements(root))
        return reports

    return {
        "stats": lambda: stats.to_markdown(stats.compute(root)),
        "inventory": lambda: inventory.render(root),
        "formats": lambda: stats.formats_markdown(stats.format_figures(root)),
        "agreement": lambda: agree.to_summary_markdown_all(agreements()),
        "agreement-report": lambda: agree.to_markdown_all(agreements()),
        "baselines": lambda: _baselines(root),
        "codes": catalogue_markdown,
        "invariants": integrity.invariants_table,
    }


def citation_file(root: Path) -> str:
    """``CITATION.cff`` as the checkout at ``root`` makes it: its version, the date of that version in
    CHANGELOG.md and the data card's tags as keywords."""
    from huggingface_hub import DatasetCard

    from .. import __version__
    from ..card import DEFAULT_REPO_ID, citation_cff
    from ..croissant import release_date
    from ..io import read_text

    tags = DatasetCard(read_text(root / "DATACARD.md")).data.to_dict().get("tags") or []
    return citation_cff(__version__, release_date(root, __version__), DEFAULT_REPO_ID, list(tags))


def run(args) -> int:
    from ..card import CFF_FILE
    from ..gendocs import BLOCKS, MEASURED, REGENERATE, replace_between, stale_message
    from ..io import atomic_write, read_text

    root = Path(args.path) if args.path else Path.cwd()
    if not (root / "corpus").is_dir() or not (root / "annotations").is_dir():
        raise UsageError(f"{str(root)!r} is not a corpus checkout (no corpus/ and annotations/)")
    make = renderers(root)
    assert set(make) == set(BLOCKS) - MEASURED, "every block the data makes has a renderer"
    changed, stale = [], []
    texts: dict[Path, str] = {}
    for name, (files, _command) in BLOCKS.items():
        if name in MEASURED:
            continue
        content = make[name]()
        for rel in files:
            path = root / rel
            if not path.is_file():
                raise UsageError(f"{rel} is missing; it holds the {name} block")
            old = texts.get(path, read_text(path))
            try:
                texts[path] = replace_between(old, name, content)
            except ValueError as e:
                raise UsageError(f"{rel}: {e}") from None
            if texts[path] != old:
                stale.append((rel, name))
    cff = root / CFF_FILE
    old_cff = read_text(cff) if cff.is_file() else ""
    texts[cff] = citation_file(root)
    if texts[cff] != old_cff:
        stale.append((CFF_FILE, "citation"))
    if args.write:
        for path, text in texts.items():
            if not path.is_file() or read_text(path) != text:
                atomic_write(path, text.encode("utf-8"))
                changed.append(path.relative_to(root).as_posix())
        for rel, name in stale:
            sys.stdout.write(f"{rel}: {name} block regenerated\n")
        sys.stdout.write(f"{len(changed)} files changed ({', '.join(sorted(changed)) or 'every block was up to date'})\n")
        for name in sorted(MEASURED):
            sys.stdout.write(f"note: the {name} block is a measurement; {BLOCKS[name][1]} writes it\n")
        return 0
    for rel, name in stale:
        sys.stderr.write((stale_message(rel, name) if name in BLOCKS else
                          f"{rel} is stale (the version or its release date changed); run {REGENERATE}") + "\n")
    if stale:
        return EXIT_FINDINGS
    sys.stdout.write(f"every generated block is up to date ({len(BLOCKS) - len(MEASURED)} blocks, and {CFF_FILE})\n")
    return 0

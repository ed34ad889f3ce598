"""kashcorpus stats: statistics tables of the corpus, printed or written into the data card."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError


def register(sub) -> None:
    p = sub.add_parser("stats", help="statistics tables of the corpus as Markdown (or into the data card)",
                       description="Count documents, tokens, zones, mentions, entities, claims, attributions and links "
                                   "of the gold annotations and print them as Markdown tables. --write replaces the block "
                                   "between <!-- stats:start --> and <!-- stats:end --> in a card; --check exits 1 if that "
                                   "block is stale.",
                       epilog="Example: kashcorpus stats --write DATACARD.md")
    p.add_argument("path", nargs="?", help="corpus checkout (default: the current directory or the packaged data)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--write", metavar="CARD", nargs="?", const="DATACARD.md",
                      help="replace the stats block of CARD (default DATACARD.md)")
    mode.add_argument("--check", metavar="CARD", nargs="?", const="DATACARD.md",
                      help="change nothing; exit 1 if the stats block of CARD (default DATACARD.md) is stale")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..io import atomic_write
    from ..layout import default_root
    from ..gendocs import replace_between
    from ..stats import compute, to_markdown

    root = Path(args.path) if args.path else default_root()
    if not (root / "corpus").is_dir():
        raise UsageError(f"{str(root)!r} has no corpus/ folder")
    block = to_markdown(compute(root))
    card_name = args.write or args.check
    if card_name is None:
        sys.stdout.write(block)
        return 0
    card = Path(card_name)
    if not card.is_file():
        raise UsageError(f"{card_name!r} is not a file")
    old = card.read_text(encoding="utf-8")
    try:
        new = replace_between(old, "stats", block)
    except ValueError as e:
        raise UsageError(f"{card_name!r}: {e}") from None
    if args.check:
        if new != old:
            sys.stderr.write(f"{card_name}: the statistics block is stale; run kashcorpus stats --write {card_name}\n")
            return 1
        sys.stdout.write(f"{card_name}: statistics up to date\n")
        return 0
    if new != old:
        atomic_write(card, new.encode("utf-8"))
    sys.stdout.write(f"{card_name}: statistics {'written' if new != old else 'already up to date'}\n")
    return 0

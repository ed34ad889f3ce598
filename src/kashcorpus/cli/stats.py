"""kashcorpus stats: statistics tables of the corpus, printed or written into the data card."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError, add_force, require_valid


def register(sub) -> None:
    p = sub.add_parser("stats", help="statistics tables of the corpus as Markdown (or into the data card)",
                       description="Count documents, tokens, zones, mentions, entities, claims, attributions and links "
                                   "of the gold annotations and print them as Markdown tables. --write replaces the block "
                                   "between <!-- stats:start --> and <!-- stats:end --> in a card; --check exits 1 if that "
                                   "block is stale. --inventory renders the claim inventory instead (every gold claim with "
                                   "its speaker and links, and a link-by-document matrix), for docs/link-inventory.md. "
                                   "--formats renders only what the token- and sentence-level formats keep of the gold "
                                   "(block <!-- formats:start/end -->), for docs/formats.md.",
                       epilog="Examples: kashcorpus stats --write DATACARD.md; "
                              "kashcorpus stats --inventory --write docs/link-inventory.md; "
                              "kashcorpus stats --formats --write docs/formats.md")
    p.add_argument("path", nargs="?", help="corpus checkout (default: the current directory or the packaged data)")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--inventory", action="store_true",
                      help="the claim inventory (block <!-- inventory:start/end -->, default file docs/link-inventory.md)")
    kind.add_argument("--formats", action="store_true",
                      help="what the token- and sentence-level formats keep (block <!-- formats:start/end -->, "
                           "default file docs/formats.md)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--write", metavar="CARD", nargs="?", const="",
                      help="replace the stats block of CARD (default DATACARD.md)")
    mode.add_argument("--check", metavar="CARD", nargs="?", const="",
                      help="change nothing; exit 1 if the stats block of CARD (default DATACARD.md) is stale")
    add_force(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import inventory, stats
    from ..gendocs import replace_between
    from ..io import atomic_write, check_output
    from ..layout import default_root

    root = Path(args.path) if args.path else default_root()
    if not (root / "corpus").is_dir():
        raise UsageError(f"{str(root)!r} has no corpus/ folder")
    require_valid(root, getattr(args, "force", False), "the figures")
    if args.inventory:
        block, marker = inventory.render(root), "inventory"
        default, what = "docs/link-inventory.md", "inventory"
    elif args.formats:
        block, marker = stats.formats_markdown(stats.format_figures(root)), "formats"
        default, what = "docs/formats.md", "formats"
    else:
        block, marker = stats.to_markdown(stats.compute(root)), "stats"
        default, what = "DATACARD.md", "statistics"
    card_name = args.write if args.write is not None else args.check
    if card_name == "":
        card_name = default
    if card_name is None:
        sys.stdout.write(block)
        return 0
    card = check_output(Path(card_name))  # a linked card is refused, never replaced by a copy of its target
    if not card.is_file():
        raise UsageError(f"{card_name!r} is not a file")
    old = card.read_text(encoding="utf-8")
    try:
        new = replace_between(old, marker, block)
    except ValueError as e:
        raise UsageError(f"{card_name!r}: {e}") from None
    if args.check is not None:
        if new != old:
            flag = " --inventory" if args.inventory else " --formats" if args.formats else ""
            sys.stderr.write(f"{card_name}: the {what} block is stale; run kashcorpus stats{flag} --write {card_name}\n")
            return 1
        sys.stdout.write(f"{card_name}: {what} up to date\n")
        return 0
    if new != old:
        atomic_write(card, new.encode("utf-8"))
    sys.stdout.write(f"{card_name}: {what} {'written' if new != old else 'already up to date'}\n")
    return 0

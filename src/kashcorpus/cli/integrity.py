"""kashcorpus integrity: run the property-based integrity suite and write its figures into the docs."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError


def register(sub) -> None:
    p = sub.add_parser("integrity", help="run the integrity suite (needs a source checkout) and report its figures",
                       description="Run the property tests of the validator (generated corpora, the mutation "
                                   "catalogue, fuzzing, round trips, hostile input) with a fixed seed and print how "
                                   "much they generated and caught. Exit 0 when every test passed, 1 otherwise.",
                       epilog="Examples: kashcorpus integrity --write docs/integrity.md; "
                              "kashcorpus integrity --profile thorough; kashcorpus integrity --tables")
    p.add_argument("--profile", choices=("default", "thorough"), default="default", help="hypothesis profile")
    p.add_argument("--seed", type=int, default=0, help="hypothesis seed (default 0, so a run can be repeated)")
    p.add_argument("--write", metavar="MARKDOWN", help="put the figures between the figures markers of this file")
    p.add_argument("--tables", action="store_true",
                   help="only regenerate the invariants table (docs/integrity.md) and the codes table (docs/validation.md)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..gendocs import write_between
    from ..integrity import figures_markdown, run_suite, source_root, write_tables

    root = source_root()
    if root is None:
        raise UsageError("the integrity suite lives in tests/ of a source checkout; run this in the repository")
    if args.tables:
        for rel in write_tables(root):
            sys.stdout.write(f"updated {rel}\n")
        return 0
    target = Path(args.write) if args.write else None
    if target is not None and not target.is_file():
        raise UsageError(f"{args.write!r} is not a file; give the markdown file with the figures markers")
    result = run_suite(root, args.profile, args.seed)
    text = figures_markdown(result)
    sys.stdout.write(text)
    if not result.ok:
        sys.stderr.write("kashcorpus integrity: some tests failed; the figures were not written\n")
        return 1
    if target is not None:
        try:
            write_between(target, "figures", text)
        except ValueError as e:
            raise UsageError(f"{args.write}: {e}") from None
    return 0

"""kashcorpus synth."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError


MAX_DOCS = 1_000_000  # a million documents is about 20 GB on disk: far past any scale test
MAX_INJECT = 1000


def register(sub) -> None:
    p = sub.add_parser("synth", help="write a deterministic synthetic corpus for scale tests",
                       description="Write a synthetic corpus in the real on-disk format (documents, all layers, registry, "
                                   "links), valid by construction; --inject N breaks N records per error kind and lists "
                                   "them in OUT/injected.json.",
                       epilog="Example: kashcorpus synth --docs 1000 --seed 1 --out /path/to/synth --inject 2")
    p.add_argument("--docs", type=int, required=True, help=f"documents to write (1 to {MAX_DOCS})")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    p.add_argument("--inject", type=int, default=0, help=f"records to break per error kind (0 to {MAX_INJECT}, at most --docs)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..synth import synth

    out = Path(args.out)
    if not 1 <= args.docs <= MAX_DOCS or not 0 <= args.inject <= min(MAX_INJECT, args.docs):
        raise UsageError(f"--docs takes a whole number from 1 to {MAX_DOCS} and --inject one from 0 to "
                         f"{MAX_INJECT} (and at most --docs)")
    if not 0 <= args.seed < 2 ** 63:
        raise UsageError("--seed takes a whole number from 0 to 2**63 - 1")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{args.out!r} is a file; give a new or empty folder")
    if out.exists() and any(out.iterdir()):
        raise UsageError(f"{args.out!r} is not empty; give a new or empty folder")
    try:
        r = synth(out, args.docs, args.seed, args.inject)
    except StopIteration:
        raise UsageError(f"--inject {args.inject} breaks more records than {args.docs} documents have; "
                         "give fewer injections or more documents") from None
    sys.stdout.write(f"wrote {r['documents']} documents, {r['records']} records, {r['entities']} entities, "
                     f"{r['links']} links, {len(r['injected'])} injected errors to {args.out}\n")
    return 0

"""kashcorpus synth."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError


def register(sub) -> None:
    p = sub.add_parser("synth", help="write a deterministic synthetic corpus for scale tests",
                       description="Write a synthetic corpus in the real on-disk format (documents, all layers, registry, "
                                   "links), valid by construction; --inject N breaks N records per error kind and lists "
                                   "them in OUT/injected.json.",
                       epilog="Example: kashcorpus synth --docs 1000 --seed 1 --out /path/to/synth --inject 2")
    p.add_argument("--docs", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    p.add_argument("--inject", type=int, default=0, help="records to break per error kind")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..synth import synth

    out = Path(args.out)
    if args.docs < 1 or args.inject < 0:
        raise UsageError("--docs takes a whole number of 1 or more and --inject one of 0 or more")
    if out.exists() and any(out.iterdir()):
        raise UsageError(f"{args.out!r} is not empty; give a new or empty folder")
    r = synth(out, args.docs, args.seed, args.inject)
    sys.stdout.write(f"wrote {r['documents']} documents, {r['records']} records, {r['entities']} entities, "
                     f"{r['links']} links, {len(r['injected'])} injected errors to {args.out}\n")
    return 0

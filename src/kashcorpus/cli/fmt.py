"""kashcorpus fmt: rewrite the data files in canonical form."""
from __future__ import annotations

import sys
from pathlib import Path

from ..findings import printable
from ._common import UsageError, add_timeout


def register(sub) -> None:
    p = sub.add_parser("fmt", help="rewrite data files in canonical order and formatting",
                       description="Rewrite corpus/documents.jsonl, the registry, the links and every annotation file "
                                   "in canonical order and key order, atomically. Refuses when the corpus has errors of levels 1-2.",
                       epilog="Example: kashcorpus fmt --check  (exit 1 if any file would change)")
    p.add_argument("path", nargs="?")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is not canonical")
    add_timeout(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..layout import default_root
    from ..store import format_corpus

    root = Path(args.path) if args.path else default_root()
    if not (root / "corpus").is_dir():
        raise UsageError(f"{str(root)!r} has no corpus/ folder")
    changed, blocking = format_corpus(root, write=not args.check)
    if blocking:
        for f in blocking:
            sys.stderr.write(printable(f"{f.location}: {f.code}: {f.message}") + "\n")
        sys.stderr.write("kashcorpus fmt: error: fix these syntax or schema errors first; nothing was changed\n")
        return 1
    for rel in changed:
        sys.stdout.write(f"{'would reformat' if args.check else 'reformatted'} {rel}\n")
    if args.check and changed:
        return 1
    files = "file" if len(changed) == 1 else "files"
    sys.stdout.write(f"{len(changed)} {files} {'to reformat' if args.check else 'reformatted'}\n")
    return 0

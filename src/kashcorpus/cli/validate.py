"""kashcorpus validate."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError, cap_jobs, write_commands


MAX_JOBS = 256  # worker processes: more than any machine this runs on has cores


def register(sub) -> None:
    p = sub.add_parser("validate", help="check the corpus: syntax, schemas, integrity, corpus rules",
                       description="Check the corpus in levels: bytes/UTF-8/JSON syntax, schema, integrity, corpus rules. "
                                   "Exit 0 when clean, 1 when any error is found, 2 on usage errors.",
                       epilog="Examples: kashcorpus validate; kashcorpus validate path/to/checkout --format json; "
                              "kashcorpus validate --format github  (annotations on a pull request)")
    p.add_argument("path", nargs="?", help="corpus checkout (folder with corpus/ and annotations/); default: here, else the packaged corpus")
    p.add_argument("--format", choices=("text", "json", "github"), default="text")
    p.add_argument("--jobs", "-j", type=int, default=1, help=f"worker processes (default 1, at most {MAX_JOBS}; "
                                                                    "capped at the CPUs and the documents)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..findings import RENDERERS
    from ..layout import default_root
    from ..validate import validate

    root = Path(args.path) if args.path else default_root()
    if not root.is_dir():
        raise UsageError(f"{args.path!r} is not a folder; give the folder that holds corpus/ and annotations/")
    if not (root / "corpus").is_dir():
        raise UsageError(f"{str(root)!r} has no corpus/ folder; give the folder that holds corpus/ and annotations/")
    if not 1 <= args.jobs <= MAX_JOBS:
        raise UsageError(f"--jobs takes a whole number from 1 to {MAX_JOBS}")
    report = validate(root, jobs=cap_jobs(args.jobs, root))
    text = RENDERERS[args.format](report.findings, report.stats)
    if args.format == "github":
        write_commands(text)
    else:
        sys.stdout.write(text)
    failing = [f for f in report.findings if f.severity == "error" or args.strict]
    return 1 if failing else 0

"""kashcorpus build."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError, cap_jobs


def register(sub) -> None:
    p = sub.add_parser("build", help="write the Hugging Face dataset folder (card, parquet, Croissant, checksums)",
                       description="Write a dataset folder that datasets.load_dataset(FOLDER, CONFIG) loads offline: "
                                   "README.md (the data card with generated configs and features), one parquet "
                                   "file per config, croissant.json and SHA256SUMS. Two builds of the same sources "
                                   "are byte-identical. Refuses to build a corpus that does not validate.",
                       epilog="Example: kashcorpus build --out dist/dataset")
    p.add_argument("path", nargs="?", help="corpus checkout; default: here, else the packaged corpus")
    p.add_argument("--out", default="dist/dataset", help="output folder (default dist/dataset)")
    p.add_argument("--repo-id", help="the Hugging Face Hub dataset repository (ORG/NAME) the card, citation and "
                                     "croissant.json name (default kashcorpus/kashcorpus)")
    p.add_argument("--jobs", type=int, default=None,
                   help="worker processes that make the rows (default: 2 for a corpus of 400 documents or more on "
                        "2 or more CPUs, else none); the output is the same bytes whatever the number")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..build import build, default_jobs
    from ..findings import printable, render_text
    from ..io import check_output
    from ..layout import default_root
    from ..publish import REPO_ID
    from ..validate import validate

    if args.jobs is not None and not 1 <= args.jobs <= 64:
        raise UsageError(f"--jobs {args.jobs} is not a number of worker processes from 1 to 64")
    if args.repo_id is not None and not REPO_ID.fullmatch(args.repo_id):
        raise UsageError(f"--repo-id {args.repo_id!r} is not a Hub repository id of the form ORG/NAME")
    root = Path(args.path) if args.path else default_root()
    if not (root / "corpus").is_dir():
        raise UsageError(f"{str(root)!r} has no corpus/ folder")
    check_output(Path(args.out), folder=True)  # a committed dist link never takes the build outside the checkout
    jobs = cap_jobs(args.jobs, root) if args.jobs is not None else default_jobs(root)
    report = validate(root, jobs=jobs)
    if not report.ok:
        sys.stderr.write(render_text([f for f in report.findings if f.severity == "error"]))
        sys.stderr.write("kashcorpus build: error: the corpus does not validate; nothing was built\n")
        return 1
    counts = build(root, args.out, repo_id=args.repo_id, jobs=jobs)
    built = [f"{k} {v} rows" for k, v in counts.items() if v]
    empty = [k for k, v in counts.items() if not v]
    sys.stdout.write(f"built {printable(args.out)}: " + ", ".join(built)
                     + (f"; not published (no records yet): {', '.join(empty)}" if empty else "") + "\n")
    return 0

"""kashcorpus diff: records added, removed and changed between two versions, and the version bump they need."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError, add_force, require_valid


def register(sub) -> None:
    p = sub.add_parser("diff", help="compare two versions of the data and say which version bump they need",
                       description="Compare two versions of the corpus, each a git revision, a checkout folder or a "
                                   "built dataset folder: records added, removed and changed per layer, and the "
                                   "version bump the change requires (docs/versioning.md). With --check-version, "
                                   "exit 1 when the data changed without that bump and a CHANGELOG.md section.",
                       epilog="Examples: kashcorpus diff v0.1.0 HEAD; kashcorpus diff old/dataset dist/dataset; "
                              "kashcorpus diff --check-version HEAD~1")
    p.add_argument("old", metavar="OLD", help="git revision, checkout folder or built dataset folder; vX.Y.Z is the "
                                              "release tag, or without tags the commit that released X.Y.Z")
    p.add_argument("new", metavar="NEW", nargs="?", default=None,
                   help="the same kinds (default: the working tree of --repo)")
    p.add_argument("--repo", default=".", help="git repository the revisions belong to (default: here)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--check-version", action="store_true",
                   help="fail (exit 1) when the data changed without the version bump and changelog entry it needs")
    add_force(p)
    p.set_defaults(func=run)


def run(args) -> int:
    import json
    import os
    import re

    from ..io import read_text

    from ..errors import SourceError
    from ..versioning import check_release, diff, snapshot, to_json, to_text

    repo = Path(args.repo)
    new_source = args.new or str(repo)
    if args.check_version and args.new is not None and not (Path(args.new) / "corpus").is_dir():
        raise UsageError("--check-version compares against a checkout folder (the working tree), not a revision")
    sides = {}
    for role, source in (("OLD", args.old), ("NEW", new_source)):
        if (Path(source) / "corpus").is_dir():
            require_valid(Path(source), getattr(args, "force", False), "the comparison")
        try:
            sides[role] = snapshot(source, repo)
        except SourceError as e:
            shown = source if len(source) <= 80 else source[:79] + "…"
            raise UsageError(f"{role} {shown!r} is not a git revision, checkout or built dataset folder: {e}") from None
    old, new = sides["OLD"], sides["NEW"]
    d = diff(old, new)
    problems: list[str] = []
    if args.check_version:
        root = Path(new_source)
        changelog, pyproject = (read_text(root / name, root) if os.path.lexists(root / name) else ""
                                for name in ("CHANGELOG.md", "pyproject.toml"))  # a link is file-unsafe, never read
        m = re.search(r'^version = "([^"]+)"', pyproject, flags=re.M)
        if not new.version:
            raise UsageError(f"{new_source!r} has no package version (src/kashcorpus/__init__.py)")
        problems = check_release(d, new.version, changelog, m.group(1) if m else None)
    if args.format == "json":
        out = to_json(d)
        if args.check_version:
            out["problems"] = problems
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(to_text(d))
        for p in problems:
            sys.stdout.write(f"error: {p}\n")
        if args.check_version and not problems:
            sys.stdout.write(f"version check: ok ({new.version})\n")
    return 1 if problems else 0

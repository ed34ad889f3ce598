"""kashcorpus view: write the annotated corpus as a static review site."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from ._common import UsageError, layer_of, require_valid


def register(sub) -> None:
    p = sub.add_parser("view", help="write the corpus as a static review site (open index.html in a browser)",
                       description="Write a static site that opens from the file system: an index with statistics and the "
                                   "entity registry, a page per document with its annotations drawn on the text, a page per "
                                   "entity and the cross-document clusters. No network access is needed to read it.",
                       epilog="Example: kashcorpus view --out dist/site && xdg-open dist/site/index.html")
    p.add_argument("path", nargs="?", help="corpus checkout; default: here, else the packaged corpus")
    p.add_argument("--out", default="dist/site", help="output folder (default dist/site)")
    p.add_argument("--layer", default="gold", help="annotation layer to show: gold (default) or pass-<annotator>")
    p.add_argument("--diff", nargs=2, metavar=("OLD", "NEW"),
                   help="also write diff.html: spans added, removed and changed from OLD to NEW "
                        "(checkout folders or git revisions; vX.Y.Z works without tags); the site shows NEW")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..findings import printable
    from ..io import check_output
    from ..layout import default_root
    from ..view import build_site

    root = Path(args.path) if args.path else default_root()
    if not (root / "corpus" / "documents.jsonl").is_file():
        raise UsageError(f"{str(root)!r} has no corpus/documents.jsonl")
    layer = layer_of(args.layer)
    for side in [str(root)] + [s for s in args.diff or [] if (Path(s) / "corpus").is_dir()]:
        require_valid(Path(side), True, "the site")  # the site is where broken data is looked at: it warns
    if not args.diff:
        from ..layout import Layout

        layout = Layout(root)
        folder = layout.gold_dir if layer == "gold" else layout.passes_dir / layer.removeprefix("pass-")
        if folder.is_dir():
            os.listdir(folder)  # a folder that may not be read is the coded OS error, not "no annotation files"
        if not any(folder.glob("*.jsonl")):
            have = sorted(f"pass-{p.name}" for p in layout.passes_dir.iterdir() if any(p.glob("*.jsonl"))) \
                if layout.passes_dir.is_dir() else []
            raise UsageError(f"layer {layer!r} has no annotation files in {str(root)!r}; the layers are: "
                             + ", ".join(["gold", *have]))
    out = check_output(Path(args.out), folder=True)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{args.out!r} exists and is not a folder")
    started = time.perf_counter()
    if args.diff:
        from ..view.site import build_diff

        try:
            changes = build_diff(args.diff[0], args.diff[1], out, repo=root, layer=layer)
        except ValueError as e:
            raise UsageError(str(e)) from None
        sys.stdout.write(f"wrote {printable(str(out / 'diff.html'))}: " + ", ".join(f"{v} {k}" for k, v in changes.items()) + "\n")
        return 0
    counts = build_site(root, out, layer)
    took = time.perf_counter() - started
    sys.stdout.write(f"wrote {counts['pages']} pages to {printable(str(out / 'index.html'))} in {took:.2f} s: "
                     + ", ".join(f"{counts[k]} {k}s" for k in ("mention", "claim", "attribution")) + "\n")
    return 0

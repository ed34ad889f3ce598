"""kashcorpus brat: export a folder that opens in brat, and import one back."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError, add_root, finish_import, label_map, report_problems, root_of


def register(sub) -> None:
    p = sub.add_parser("brat", help="brat standoff: export a folder for brat, import one back",
                       description="Export .txt/.ann per document with annotation.conf, tools.conf and visual.conf "
                                   "(the folder opens in brat as it is), or import such a folder.",
                       epilog="Example: kashcorpus brat export brat-data/")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    e = s.add_parser("export", help="write the brat folder", epilog="Example: kashcorpus brat export out/ kash-000")
    e.add_argument("dir", help="the folder to write")
    e.add_argument("docs", nargs="*", metavar="DOC", help="document ids (default: all)")
    e.add_argument("--layer", default="gold", help="gold or pass-<annotator>")
    add_root(e)
    e.set_defaults(func=run_export)
    i = s.add_parser("import", help="read a brat folder into an annotation layer",
                     description="Read every <doc>.ann (with its <doc>.txt, which must be the corpus text). Every "
                                 "T, E, R, A, N and # line is imported or reported; discontinuous spans are refused.",
                     epilog="Example: kashcorpus brat import brat-data/ --annotator ann1")
    i.add_argument("dir", help="the brat folder")
    i.add_argument("--annotator", help="write annotations/passes/<annotator>/ instead of gold")
    i.add_argument("--label-map", action="append", metavar="FROM=TO", help="read entity type FROM as mention label TO")
    i.add_argument("--replace", action="store_true", help="overwrite layers that already have annotations")
    i.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    add_root(i)
    i.set_defaults(func=run_import)


def run_export(args) -> int:
    from ..convert.brat import write_folder
    from ..convert.common import load_documents

    root = root_of(args)
    try:
        docs = load_documents(root, args.docs, args.layer)
    except KeyError as e:
        raise UsageError(f"{e.args[0]!r} is not a document of the corpus") from None
    except ValueError as e:
        raise UsageError(str(e)) from None
    problems = write_folder(Path(args.dir), docs)
    report_problems(problems)
    sys.stdout.write(f"wrote {len(docs)} documents to {args.dir}\n")
    return 0


def run_import(args) -> int:
    from ..convert.brat import import_folder
    from ..model import ANNOTATOR

    root = root_of(args)
    if not Path(args.dir).is_dir():
        raise UsageError(f"{args.dir!r} is not a folder")
    if args.annotator is not None and not ANNOTATOR.fullmatch(args.annotator):
        raise UsageError(f"{args.annotator!r} is not an annotator name (lower-case letters, digits and hyphens)")
    layer = "gold" if args.annotator is None else f"pass-{args.annotator}"
    try:
        report = import_folder(root, Path(args.dir), layer=layer, label_map=label_map(args.label_map),
                               replace=args.replace)
    except ValueError as e:
        raise UsageError(str(e)) from None
    return finish_import(report, args.dry_run, "brat import")

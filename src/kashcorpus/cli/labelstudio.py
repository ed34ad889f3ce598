"""kashcorpus labelstudio: the labeling config, tasks to annotate, and exports read back."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError, add_root, finish_import, label_map, root_of

OFFSETS = ("auto", "codepoints", "utf16", "lf", "utf16-lf")


def register(sub) -> None:
    p = sub.add_parser("labelstudio", help="Label Studio: labeling config, tasks with predictions, import of exports",
                       description="Work with Label Studio: print the labeling config for our layers, export tasks "
                                   "with the current annotations as predictions, and import Label Studio JSON exports.",
                       epilog="Example: kashcorpus labelstudio export kash-000 --out tasks.json")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = s.add_parser("config", help="print the labeling config (XML)",
                     epilog="Example: kashcorpus labelstudio config > config.xml")
    c.add_argument("--out", help="write to this file instead of standard output")
    c.set_defaults(func=run_config)
    e = s.add_parser("export", help="write tasks (text + current annotations as predictions)",
                     epilog="Example: kashcorpus labelstudio export --out tasks.json")
    e.add_argument("docs", nargs="*", metavar="DOC", help="document ids (default: all)")
    e.add_argument("--out", required=True, help="the tasks JSON file to write")
    e.add_argument("--layer", default="gold", help="the layer sent as predictions: gold or pass-<annotator>")
    add_root(e)
    e.set_defaults(func=run_export)
    i = s.add_parser("import", help="read a Label Studio JSON export into annotation layers",
                     description="Read a Label Studio JSON export (annotations, or legacy completions). Each "
                                 "annotator becomes annotations/passes/<name>/, or gold with --as-layer gold. "
                                 "Offsets are checked against the corpus text; every region that does not match is "
                                 "reported and nothing is written until all of them do.",
                     epilog="Example: kashcorpus labelstudio import export.json --annotator ann1")
    i.add_argument("export", help="the exported JSON file")
    i.add_argument("--annotator", help="name of the layer (export with one annotator) or the one annotator to import")
    i.add_argument("--as-layer", choices=("annotator", "gold"), default="annotator",
                   help="write to annotations/passes/<annotator>/ (default) or to gold")
    i.add_argument("--offsets", choices=OFFSETS, default="auto",
                   help="offset units of the export: auto detects code points, UTF-16 (exports before late 2021) "
                        "and LF-only newlines")
    i.add_argument("--label-map", action="append", metavar="FROM=TO", help="read label FROM as mention label TO")
    i.add_argument("--replace", action="store_true", help="overwrite layers that already have annotations")
    i.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    add_root(i)
    i.set_defaults(func=run_import)


def run_config(args) -> int:
    from ..convert.labelstudio import labeling_config
    from ..io import atomic_write

    xml = labeling_config()
    if args.out:
        atomic_write(Path(args.out), xml.encode("utf-8"))
    else:
        sys.stdout.write(xml)
    return 0


def run_export(args) -> int:
    from ..convert.labelstudio import export_tasks, write_tasks

    root = root_of(args)
    try:
        tasks = export_tasks(root, args.docs, args.layer)
    except KeyError as e:
        raise UsageError(f"{e.args[0]!r} is not a document of the corpus") from None
    except ValueError as e:
        raise UsageError(str(e)) from None
    write_tasks(Path(args.out), tasks)
    sys.stdout.write(f"wrote {len(tasks)} tasks to {args.out}\n")
    return 0


def run_import(args) -> int:
    from ..convert.labelstudio import import_tasks, read_export

    root = root_of(args)
    try:
        tasks = read_export(Path(args.export))
        report = import_tasks(root, tasks, annotator=args.annotator, as_layer=args.as_layer, offsets=args.offsets,
                              label_map=label_map(args.label_map), replace=args.replace)
    except ValueError as e:
        raise UsageError(str(e)) from None
    return finish_import(report, args.dry_run, "labelstudio import")

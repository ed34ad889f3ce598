"""kashcorpus labelstudio: the labeling config, tasks to annotate, and exports read back."""
from __future__ import annotations

import sys
from pathlib import Path

OFFSETS = ("auto", "codepoints", "utf16", "lf", "utf16-lf")


def add_root(p) -> None:
    p.add_argument("--root", help="the corpus checkout (default: the current directory if it is one, else the packaged corpus)")


def root_of(args) -> Path:
    from ..layout import default_root
    from . import UsageError

    root = Path(args.root) if args.root else default_root()
    if not (root / "corpus").is_dir():
        raise UsageError(f"{str(root)!r} has no corpus/ folder")
    return root


def label_map(pairs: list[str] | None) -> dict[str, str]:
    from . import UsageError

    out = {}
    for pair in pairs or []:
        src, sep, dst = pair.partition("=")
        if not sep or not src or not dst:
            raise UsageError(f"--label-map takes FROM=TO, not {pair!r}")
        out[src] = dst
    return out


def report_problems(problems) -> None:
    for p in problems:
        sys.stderr.write(f"{p}\n")


def finish_import(report, dry_run: bool, command: str) -> int:
    """Print what an import found; write when everything validated. Exit 0 written, 1 nothing written."""
    for note in report.notes:
        sys.stdout.write(f"note: {note}\n")
    report_problems(report.problems)
    for f in report.findings:
        sys.stderr.write(f"{f.location}: {f.severity} {f.code}: {f.message}\n")
    if not report.ok:
        sys.stderr.write(f"kashcorpus {command}: {len(report.problems)} problems, "
                         f"{sum(f.severity == 'error' for f in report.findings)} validation errors; nothing was written\n")
        return 1
    if dry_run:
        for p in report.plans:
            sys.stdout.write(f"would write {p.rel}\n")
        return 0
    from ..store import StoreError

    try:
        written = report.commit()
    except StoreError as e:
        sys.stderr.write(f"kashcorpus {command}: error: {e}\n")
        return 1
    for rel in written:
        sys.stdout.write(f"wrote {rel}\n")
    sys.stdout.write(f"{len(report.plans)} annotation files imported\n")
    return 0


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
    from . import UsageError

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
    from . import UsageError

    root = root_of(args)
    try:
        tasks = read_export(Path(args.export))
        report = import_tasks(root, tasks, annotator=args.annotator, as_layer=args.as_layer, offsets=args.offsets,
                              label_map=label_map(args.label_map), replace=args.replace)
    except ValueError as e:
        raise UsageError(str(e)) from None
    return finish_import(report, args.dry_run, "labelstudio import")

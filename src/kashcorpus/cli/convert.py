"""kashcorpus export FORMAT / kashcorpus import FORMAT: one command per direction, the same options for every format."""
from __future__ import annotations

import sys
from pathlib import Path

from ..convert import FORMATS
from ..convert.conll import LABEL_SETS
from ..convert.common import ONLY
from ._common import UsageError, add_root, add_timeout, annotator_arg, finish_import, label_map, layer_of, report_problems, root_of

ALIGNMENTS = ("strict", "contract", "expand")
OFFSETS = ("auto", "codepoints", "utf16", "lf", "utf16-lf")
# the format-specific options: (argparse dest, option, what the default is)
SPECIFIC = (("alignment", "--alignment"), ("offsets", "--offsets"), ("as_layer", "--as-layer"), ("label_map", "--label-map"),
            ("labels", "--labels"))


def _table(direction: str) -> str:
    return "; ".join(f"{f.name}: {f.description}" for f in FORMATS.values() if getattr(f, direction))


def register(sub) -> None:
    from argparse import RawDescriptionHelpFormatter

    exporting = [f.name for f in FORMATS.values() if f.exports]
    importing = [f.name for f in FORMATS.values() if f.imports]
    e = sub.add_parser("export", help="write the corpus in an interchange format (" + ", ".join(exporting) + ")",
                       description="Write the annotations of one layer in FORMAT. Formats: " + _table("exports")
                                   + ". Every span that the format cannot hold exactly is reported with its code "
                                     "(kashcorpus codes).",
                       epilog="examples:\n  kashcorpus export brat --out brat-data/\n"
                              "  kashcorpus export labelstudio kash-000 --out tasks.json\n"
                              "  kashcorpus export spacy --out corpus.spacy --alignment expand\n"
                              "  kashcorpus export conll --out -   (standard output)\n"
                              "  kashcorpus export conll --labels conll2003 --out train-like.conll\n"
                              "  kashcorpus export labelstudio --only zones --out blind.json   (for a blind pass)",
                       formatter_class=RawDescriptionHelpFormatter)
    e.add_argument("format", choices=exporting, metavar="FORMAT", help="one of " + ", ".join(exporting))
    e.add_argument("docs", nargs="*", metavar="DOC", help="document ids (default: all)")
    e.add_argument("--out", required=True, metavar="PATH",
                   help="the file (brat: the folder) to write; - writes a text format to standard output")
    e.add_argument("--layer", default="gold", help="the layer to export: gold (default) or pass-<annotator>")
    e.add_argument("--only", choices=ONLY,
                   help="for a blind pass: export the layer's zones alone, or the text alone (no annotations)")
    e.add_argument("--strict", action="store_true",
                   help="refuse the export when the layer lacks some of the documents asked for (a warning otherwise)")
    e.add_argument("--alignment", choices=ALIGNMENTS,
                   help="spacy, conll: how spans off token edges are placed (default: spacy strict, conll expand)")
    e.add_argument("--labels", choices=LABEL_SETS,
                   help="conll: write the tags of another label set (conll2003: PER, ORG, LOC, MISC; a mention "
                        "without a counterpart, a DATE, is left out and reported)")
    add_root(e)
    e.set_defaults(func=run_export)

    i = sub.add_parser("import", help="read a file of an interchange format into an annotation layer ("
                                      + ", ".join(importing) + ")",
                       description="Read SOURCE (a FORMAT file or folder) into annotation files of the corpus. "
                                   "Formats: " + _table("imports") + ". Offsets are checked against the corpus "
                                   "texts; everything that cannot be carried over is reported with its code "
                                   "(kashcorpus codes), and nothing is written until every file validates.",
                       epilog="examples:\n  kashcorpus import labelstudio export.json --annotator ann1\n"
                              "  kashcorpus import labelstudio export.json --as-layer gold --replace\n"
                              "  kashcorpus import brat brat-data/ --annotator ann1 --dry-run\n"
                              "  kashcorpus import brat brat-data/ --as-layer gold --replace --merge",
                       formatter_class=RawDescriptionHelpFormatter)
    i.add_argument("format", choices=importing, metavar="FORMAT", help="one of " + ", ".join(importing))
    i.add_argument("source", metavar="SOURCE", help="the file (brat: the folder) to read")
    i.add_argument("--annotator", help="the pass to write (annotations/passes/<annotator>/); labelstudio: the one "
                                       "annotator of the export to import")
    i.add_argument("--as-layer", choices=("annotator", "gold"),
                   help="write each annotator's pass (labelstudio's default) or the gold layer (brat's default "
                        "without --annotator)")
    i.add_argument("--offsets", choices=OFFSETS,
                   help="labelstudio: offset units of the export (default auto: code points, UTF-16 or LF-only)")
    i.add_argument("--label-map", action="append", metavar="FROM=TO", help="read label FROM as mention label TO")
    i.add_argument("--replace", action="store_true", help="overwrite layers that already have annotations")
    i.add_argument("--dry-run", action="store_true", help="check and report (for gold: what each record would "
                                                          "become), write nothing")
    i.add_argument("--force", action="store_true",
                   help="import into gold even though gold changed since the export (its changes are undone)")
    i.add_argument("--merge", action="store_true",
                   help="import into gold keeping gold's changes since the export, where they touch other records "
                        "than the export's changes")
    i.add_argument("--strict", action="store_true",
                   help="refuse the import for anything that would otherwise be reported and skipped (a cancelled "
                        "or repeated annotation, a document found by its text)")
    add_timeout(i)
    add_root(i)
    i.set_defaults(func=run_import)


def _refuse_unhonoured(args, fmt) -> None:
    """A format-specific option given to a format that does not honour it is a usage error, not ignored."""
    for dest, option in SPECIFIC:
        if getattr(args, dest, None) and dest not in fmt.options:
            takers = [f.name for f in FORMATS.values() if dest in f.options]
            raise UsageError(f"{option} applies to {' and '.join(takers)}, not to {fmt.name}")


def run_export(args) -> int:
    fmt = FORMATS[args.format]
    _refuse_unhonoured(args, fmt)
    root = root_of(args)
    layer = layer_of(args.layer)
    to_stdout = args.out == "-"
    if to_stdout and "stdout" not in fmt.options:
        raise UsageError(f"{fmt.name} writes a {'folder' if fmt.target == 'folder' else 'binary file'}; "
                         "give --out PATH")
    from ..convert.common import check_layer

    try:
        missing = check_layer(root, args.docs, layer) if args.only != "text" else []
        if missing and args.strict:
            raise UsageError(f"layer {layer} has no annotations of {', '.join(missing)}; export the documents it "
                             "has, or leave out --strict to export these without annotations")
        if missing:
            sys.stderr.write(f"warning: layer {layer} has no annotations of {', '.join(missing)}; they are exported "
                             "without annotations (--strict refuses)\n")
        done = fmt.load().export_corpus(root, None if to_stdout else Path(args.out), args.docs, layer, args.alignment,
                                        only=args.only, **({"labels": args.labels} if args.labels else {}))
    except KeyError as e:
        raise UsageError(f"{e.args[0]!r} is not a document of the corpus") from None
    except ValueError as e:
        raise UsageError(str(e)) from None
    report_problems(done.problems)
    if to_stdout:
        sys.stdout.write(done.text or "")
    else:
        sys.stdout.write(f"wrote {done.documents} documents to {args.out} ({fmt.name}"
                         + (f", alignment mode {args.alignment}" if args.alignment else "")
                         + (f", {args.labels} labels" if args.labels else "")
                         + f"; {len(done.problems)} problems reported)\n")
    return 0


def run_import(args) -> int:
    fmt = FORMATS[args.format]
    _refuse_unhonoured(args, fmt)
    root = root_of(args)
    annotator = annotator_arg(args.annotator)
    if args.force and args.merge:
        raise UsageError("--force takes the export's version and --merge keeps both sides' changes; give one")
    into_gold = args.as_layer == "gold" or (fmt.name == "brat" and not args.annotator)
    if (args.force or args.merge) and not into_gold:
        raise UsageError(f"{'--force' if args.force else '--merge'} applies to an import into gold (--as-layer gold); "
                         "a pass is its annotator's own")
    if not Path(args.source).exists():
        raise UsageError(f"{args.source!r} does not exist")
    try:
        report = fmt.load().import_source(root, Path(args.source), annotator=annotator, as_layer=args.as_layer,
                                          offsets=args.offsets, label_map=label_map(args.label_map),
                                          replace=args.replace, force=args.force, merge=args.merge)
    except ValueError as e:
        raise UsageError(str(e)) from None
    report.strict = bool(getattr(args, "strict", False))
    return finish_import(report, args.dry_run, f"import {fmt.name}")

"""kashcorpus labelstudio config, the old per-format spellings of export and import (aliases until 2.1.0), and `checkthat export`."""
from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from ._common import add_root
from .convert import ALIGNMENTS, OFFSETS, run_export, run_import

REMOVED_IN = "2.1.0"


def _alias(old: str, new: str, run, note: bool = True, **fixed):
    """A command function that (with ``note``) says the spelling is old, then runs the new command with
    ``fixed`` arguments."""
    def alias(args) -> int:
        if note:
            sys.stderr.write(f"note: 'kashcorpus {old}' is an old spelling of 'kashcorpus {new}'; "
                             f"it is removed in {REMOVED_IN}\n")
        values = {k: getattr(args, k, None) for k in ("docs", "root", "layer", "alignment", "annotator", "as_layer",
                                                      "offsets", "label_map", "labels", "replace", "dry_run", "force",
                                                      "merge", "only", "strict", "command")}
        values.update({k: (f(args) if callable(f) else f) for k, f in fixed.items()})
        return run(Namespace(**values))
    return alias


def _export(s, name: str, help_: str, epilog: str):
    e = s.add_parser("export", help=help_ + f" (old spelling of 'kashcorpus export {name}')", epilog=epilog)
    e.add_argument("--layer", default="gold", help="gold or pass-<annotator>")
    add_root(e)
    return e


def _import(s, name: str, source: str, epilog: str):
    i = s.add_parser("import", help=f"old spelling of 'kashcorpus import {name}'", epilog=epilog)
    i.add_argument(source, help=f"the {'folder' if name == 'brat' else 'exported file'} to read")
    i.add_argument("--annotator", help="the pass to write, or (labelstudio) the one annotator to import")
    i.add_argument("--label-map", action="append", metavar="FROM=TO", help="read label FROM as mention label TO")
    i.add_argument("--replace", action="store_true", help="overwrite layers that already have annotations")
    i.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    add_root(i)
    return i


def register(sub) -> None:
    p = sub.add_parser("labelstudio", help="Label Studio: the labeling config (export and import: kashcorpus "
                                           "export/import labelstudio)",
                       description="Print the Label Studio labeling config for every layer. Tasks are written with "
                                   "'kashcorpus export labelstudio' and exports read with 'kashcorpus import "
                                   "labelstudio' (the old spellings 'labelstudio export' and 'labelstudio import' "
                                   f"still work until {REMOVED_IN}).",
                       epilog="Example: kashcorpus labelstudio config --root . > config.xml")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = s.add_parser("config", help="print the labeling config (XML)",
                     epilog="Example: kashcorpus labelstudio config > config.xml")
    c.add_argument("--out", help="write to this file instead of standard output")
    c.add_argument("--layer", default="gold",
                   help="the registry to choose entities from: gold's, or a pass's own (pass-<annotator>)")
    add_root(c)
    c.set_defaults(func=run_config)
    e = _export(s, "labelstudio", "write tasks", "Example: kashcorpus export labelstudio --out tasks.json")
    e.add_argument("docs", nargs="*", metavar="DOC", help="document ids (default: all)")
    e.add_argument("--out", required=True, help="the tasks JSON file to write")
    e.set_defaults(func=_alias("labelstudio export", "export labelstudio", run_export, format="labelstudio",
                               out=lambda a: a.out))
    i = _import(s, "labelstudio", "export", "Example: kashcorpus import labelstudio export.json --annotator ann1")
    i.add_argument("--as-layer", choices=("annotator", "gold"), default="annotator")
    i.add_argument("--offsets", choices=OFFSETS, default="auto")
    i.set_defaults(func=_alias("labelstudio import", "import labelstudio", run_import, format="labelstudio",
                               source=lambda a: a.export,
                               as_layer=lambda a: None if a.as_layer == "annotator" else a.as_layer,
                               offsets=lambda a: None if a.offsets == "auto" else a.offsets))

    for name, help_ in (("brat", "brat standoff"), ("spacy", "spaCy DocBin"), ("conll", "CoNLL BIO")):
        p = sub.add_parser(name, help=f"{help_}: old spelling of 'kashcorpus export {name}'"
                                      + (" and 'kashcorpus import brat'" if name == "brat" else ""),
                           description=f"Old spellings, removed in {REMOVED_IN}: use 'kashcorpus export {name}'"
                                       + (" and 'kashcorpus import brat'." if name == "brat" else "."))
        s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
        e = _export(s, name, f"write {help_}", f"Example: kashcorpus export {name} --out OUT")
        if name == "brat":
            e.add_argument("dir", help="the folder to write")
            e.set_defaults(func=_alias("brat export", "export brat --out DIR", run_export, format="brat",
                                       out=lambda a: a.dir))
        elif name == "spacy":
            e.add_argument("out", help="the .spacy file to write")
            e.add_argument("--alignment", choices=ALIGNMENTS, default="strict")
            e.set_defaults(func=_alias("spacy export", "export spacy --out FILE", run_export, format="spacy",
                                       out=lambda a: a.out))
        else:
            e.add_argument("--out", help="the file to write (default: standard output)")
            e.set_defaults(func=_alias("conll export", "export conll --out FILE", run_export, format="conll",
                                       out=lambda a: a.out or "-"))
        e.add_argument("docs", nargs="*", metavar="DOC", help="document ids (default: all)")
        if name == "brat":
            i = _import(s, "brat", "dir", "Example: kashcorpus import brat brat-data/ --annotator ann1")
            i.set_defaults(func=_alias("brat import", "import brat", run_import, format="brat", source=lambda a: a.dir))
    register_checkthat(sub)


def register_checkthat(sub) -> None:
    """``kashcorpus checkthat export``: the issue's spelling of ``kashcorpus export checkthat``, kept (no note)."""
    p = sub.add_parser("checkthat", help="CLEF CheckThat! check-worthiness TSV: the same as 'kashcorpus export "
                                         "checkthat'",
                       description="Write the sentences of the claim zones in the TSV layout of the CLEF CheckThat! "
                                   "check-worthiness task (Sentence_id, Text, class_label). A second spelling of "
                                   "'kashcorpus export checkthat', with the same options.",
                       epilog="Example: kashcorpus checkthat export --out checkworthy.tsv")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    e = s.add_parser("export", help="write the TSV (same as 'kashcorpus export checkthat')",
                     epilog="Example: kashcorpus checkthat export --out checkworthy.tsv")
    e.add_argument("docs", nargs="*", metavar="DOC", help="document ids (default: all)")
    e.add_argument("--out", required=True, help="the TSV file to write; - for standard output")
    e.add_argument("--layer", default="gold", help="gold or pass-<annotator>")
    add_root(e)
    e.set_defaults(func=_alias("checkthat export", "export checkthat", run_export, note=False, format="checkthat",
                               out=lambda a: a.out))


def run_config(args) -> int:
    from ..convert.labelstudio import labeling_config
    from ..io import atomic_write, read_jsonl
    from ..layout import Layout
    from ._common import layer_of, root_of

    root = root_of(args)
    registry = Layout(root).registry_file(layer_of(args.layer))
    xml = labeling_config(read_jsonl(registry, root) if registry.exists() else [])
    if args.out:
        atomic_write(Path(args.out), xml.encode("utf-8"))
    else:
        sys.stdout.write(xml)
    return 0

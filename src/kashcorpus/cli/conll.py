"""kashcorpus conll: mentions as CoNLL-style BIO, tokenised as the dataset's ner config."""
from __future__ import annotations

import sys
from pathlib import Path

from ._common import UsageError, add_root, report_problems, root_of


def register(sub) -> None:
    p = sub.add_parser("conll", help="CoNLL/BIO: write mentions as tagged tokens",
                       description="Write mentions as TOKEN START END TAG lines, one -DOCSTART- block per document, "
                                   "with the tokens and tags of the dataset's ner config.",
                       epilog="Example: kashcorpus conll export --out mentions.conll")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    e = s.add_parser("export", help="write the CoNLL file", epilog="Example: kashcorpus conll export --out mentions.conll")
    e.add_argument("docs", nargs="*", metavar="DOC", help="document ids (default: all)")
    e.add_argument("--out", help="the file to write (default: standard output)")
    e.add_argument("--layer", default="gold", help="gold or pass-<annotator>")
    add_root(e)
    e.set_defaults(func=run_export)


def run_export(args) -> int:
    from ..convert.common import load_documents
    from ..convert.conll import export_conll, to_conll

    root = root_of(args)
    try:
        if args.out:
            problems = export_conll(root, Path(args.out), args.docs, args.layer)
        else:
            problems = []
            for d in load_documents(root, args.docs, args.layer):
                text, probs = to_conll(d)
                sys.stdout.write(text)
                problems += probs
    except KeyError as e:
        raise UsageError(f"{e.args[0]!r} is not a document of the corpus") from None
    report_problems(problems)
    return 0

"""kashcorpus document add: a new article from a text or a saved web page."""
from __future__ import annotations

import sys

from ._common import EXIT_OK, add_common, edit_root

EXAMPLE = "example: kashcorpus document add saved/indus-talks.html --url https://example.org/indus-talks"


def register(sub) -> None:
    from argparse import RawDescriptionHelpFormatter

    p = sub.add_parser("document", help="add an article to the corpus", formatter_class=RawDescriptionHelpFormatter,
                       description="Add an article: its text, metadata record, zones and an empty gold layer.",
                       epilog=EXAMPLE)
    ss = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    a = ss.add_parser("add", help="add an article from a .txt text or a saved .html page",
                      formatter_class=RawDescriptionHelpFormatter,
                      description="A .txt file is stored byte-identical. A saved .html page is kept byte-identical "
                                  "in sources/ (never in the package or the dataset) and its article text is extracted "
                                  "with trafilatura. The title, author, date and publisher are proposed with the "
                                  "excerpt that supports each (or null with a reason) and printed: check them before "
                                  "committing. The document takes the next free id unless --id is given.",
                      epilog=EXAMPLE)
    a.add_argument("file", metavar="FILE", help="the article: a UTF-8 .txt text or a saved .html page")
    a.add_argument("--id", dest="doc_id", metavar="ID", help="the new document's id (default: the next free one)")
    a.add_argument("--url", metavar="URL", help="the address the article was published at")
    a.add_argument("--language", metavar="TAG", help="BCP 47 language tag (default: the page's, else en)")
    a.add_argument("--dry-run", action="store_true", help="print what would be added; write nothing")
    add_common(a, annotator=False)
    a.set_defaults(func=run_add)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_add(args) -> int:
    from pathlib import Path

    import orjson

    from ..add import add_document
    from ..errors import AddRefused
    from ._common import UsageError, emit

    if args.language is not None:
        import re

        if not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", args.language):
            raise UsageError(f"--language takes a BCP 47 tag such as en or en-GB, not {args.language[:40]!r}")
    try:
        return emit(args, add_document, edit_root(args), Path(args.file), doc_id=args.doc_id, url=args.url,
                    language=args.language, dry_run=args.dry_run)
    except AddRefused as e:
        if not args.json:
            raise
        sys.stdout.write(orjson.dumps({"ok": False, "error": str(e), "code": e.code},
                                      option=orjson.OPT_INDENT_2).decode() + "\n")
        return e.exit_code
    return EXIT_OK

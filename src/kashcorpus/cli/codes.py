"""kashcorpus codes: the catalogue of validator findings."""
from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("codes", help="list every validator code", description="List every finding the validator can report.",
                       epilog="Example: kashcorpus codes --format markdown > table.md")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.set_defaults(func=run)


def run(args) -> int:
    import json

    from ..findings import catalogue_markdown
    from ..resources import findings_catalogue

    if args.format == "json":
        sys.stdout.write(json.dumps(findings_catalogue(), indent=2) + "\n")
    elif args.format == "markdown":
        sys.stdout.write(catalogue_markdown())
    else:
        for code, e in sorted(findings_catalogue().items(), key=lambda kv: (kv[1]["level"], kv[0])):
            sys.stdout.write(f"{code:32} L{e['level']} {e['severity']:8} {e['title']}\n")
    return 0

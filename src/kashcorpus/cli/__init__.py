"""Command line: argument parsing, rendering and exit codes; the work happens in the library."""
from __future__ import annotations

import argparse
import importlib
import sys

from ._common import EXIT_OK, EXIT_USAGE, UsageError

# Each module in kashcorpus.cli named here has register(subparsers) and sets args.func.
COMMANDS = ["validate", "build", "summary", "fmt", "codes", "synth", "evaluate", "view", "convert", "formats", "span",
            "attribution", "entity", "text", "reanchor", "diff", "publish", "stats", "agree", "integrity", "docs"]


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = Parser(prog="kashcorpus", description="Validate, build and edit the kashcorpus annotated corpus.",
                    epilog="Example: kashcorpus validate --format github")
    parser.add_argument("--version", action="version", version=f"kashcorpus {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from ..extras import MissingExtra

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except (UsageError, MissingExtra) as e:
        sys.stderr.write(f"kashcorpus {args.command}: error: {e}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK

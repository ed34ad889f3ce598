"""Command line: argument parsing, rendering and exit codes; the work happens in the library."""
from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import KashcorpusError
from ..findings import MAX_LINE_CHARS, printable, safe_output
from ._common import (GuardedStream, invalid_message, EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, MAX_TIMEOUT,
                      UsageError, clip, os_error_message)

# Each module in kashcorpus.cli named here has register(subparsers) and sets args.func.
COMMANDS = ["validate", "build", "summary", "fmt", "codes", "synth", "evaluate", "view", "convert", "formats", "span",
            "attribution", "entity", "suggest", "text", "document", "reanchor", "diff", "publish", "stats", "agree",
            "adjudicate", "link", "integrity", "docs"]


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        sys.stderr.write(safe_output(f"{self.prog}: error: {printable(message)}\n", limit=MAX_LINE_CHARS))
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
    """Parse ``argv`` and run the command; everything it prints passes through :class:`GuardedStream`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = GuardedStream(out), GuardedStream(err, MAX_LINE_CHARS)
    try:
        return _guarded(args)
    finally:
        sys.stdout, sys.stderr = out, err


def _guarded(args) -> int:
    """Run the command; every failure becomes one line with a code (see :func:`main`)."""
    from ..extras import MissingExtra

    try:
        return _run(args)
    except (UsageError, MissingExtra) as e:
        _say(args, str(e))
        return EXIT_USAGE
    except KashcorpusError as e:
        _say(args, f"{e} ({e.code})")
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as e:
        _say(args, os_error_message(e))
        return EXIT_FINDINGS
    except MemoryError:
        _say(args, "out of memory: the input is too large for this machine (memory)")
        return EXIT_FINDINGS
    except RecursionError:
        _say(args, "the input is nested too deeply to read (nesting)")
        return EXIT_FINDINGS
    except Exception as e:  # the last net: one line, never a traceback
        bad = diagnose(args)
        if bad is not None:  # the data was broken: say where, as the validator does
            _say(args, bad)
            return EXIT_FINDINGS
        _say(args, f"unexpected {type(e).__name__}: {clip(str(e) or type(e).__name__, 200)}; nothing more was "
                   "written; please report it with the command that failed (internal-error)")
        return EXIT_INTERNAL


def diagnose(args) -> str | None:
    """Why a command failed on broken data: the first validator error of the checkouts it was given (one
    sentence with the code ``corpus-invalid``), or ``None`` when they have none."""
    from ..layout import default_root
    from ..validate import iter_findings

    roots = _roots(args)
    if not roots:
        try:
            roots = [default_root()]
        except OSError:
            return None
    for root in roots:
        try:
            errors = [f for f in iter_findings(root) if f.severity == "error"]
        except Exception:  # the validator never fails on data; if it does, this is a bug to report
            return None
        if errors:
            return f"{invalid_message(root, errors)}; nothing was changed (corpus-invalid)"
    return None


def _run(args) -> int:
    """Run the command with the lock policy of its ``--timeout`` (the store says who holds a lock it waits on)."""
    from ..store import lock_policy

    timeout = getattr(args, "timeout", None)
    if timeout is not None and not 0 <= timeout <= MAX_TIMEOUT:
        raise UsageError(f"--timeout takes seconds from 0 to {MAX_TIMEOUT:g}")
    holder = f"kashcorpus {args.command}" + (f" {args.action}" if isinstance(getattr(args, "action", None), str) else "")
    from pathlib import Path

    from ..io import unsafe_part

    for root in _roots(args) or [Path.cwd()]:
        journal = root / ".kashcorpus" / "journal"
        if unsafe_part(root, journal) is None and journal.is_dir() and any(journal.glob("*.json")):
            _note(args, f"note: a change to {clip(str(root), 120)} was interrupted (.kashcorpus/journal); its files "
                        "may be part old, part new until a writing command (kashcorpus fmt) finishes it")
    with lock_policy(timeout, holder, lambda msg: _note(args, msg)):
        return args.func(args)


def _roots(args) -> list:
    """The checkouts a command was given (``--root``, a path, ``--gold``, diff sides) that have a corpus/."""
    from pathlib import Path

    places = [getattr(args, name, None) for name in ("root", "path", "gold", "old", "new")]
    places += list(getattr(args, "diff", None) or [])
    try:
        return [Path(p) for p in places if isinstance(p, str) and p and Path(p, "corpus").is_dir()]
    except OSError:
        return []


def _note(args, message: str) -> None:
    sys.stderr.write(f"kashcorpus {args.command}: {printable(message)}\n")


def _say(args, message: str) -> None:
    lines = "\n".join(printable(line) for line in message.split("\n"))  # a listing keeps its lines
    sys.stderr.write(f"kashcorpus {args.command}: error: {lines}\n")

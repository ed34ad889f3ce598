"""What the commands share: exit codes, the corpus root, layers, label maps, tables and how results are printed."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
MAX_NAME = 64  # an annotator's name (a folder name; file systems allow 255 bytes)
SUMMARY_LINES = 200  # lines of an import's per-record summary shown per document (--dry-run shows all)
MAX_TIMEOUT = 86400.0  # --timeout: seconds a command waits for a lock held by another one (a day at most)

# What an operating-system error means for the user, by errno name: (code, sentence).
_OS_ERRORS = {
    "EROFS": ("read-only", "the file system is read-only"),
    "EACCES": ("permission-denied", "permission denied"),
    "EPERM": ("permission-denied", "operation not permitted"),
    "ENOSPC": ("disk-full", "no space left on the device"),
    "EDQUOT": ("disk-full", "disk quota exceeded"),
    "EFBIG": ("disk-full", "file too large for the file system or the process's file size limit"),
    "ENAMETOOLONG": ("name-too-long", "a file name is too long"),
    "ENOENT": ("not-found", "no such file or folder"),
    "ENOTDIR": ("not-found", "a part of the path is not a folder"),
    "EISDIR": ("not-a-file", "a folder where a file was expected"),
    "ELOOP": ("file-unsafe", "too many levels of symbolic links"),
    "EINVAL": ("not-a-file", "not a regular file"),
}


def os_error_message(e: OSError) -> str:
    """One sentence with a stable code for an operating-system error; the path is named relative to the
    current folder when it lies below it.

    >>> import errno; os_error_message(OSError(errno.EROFS, "Read-only file system", "x/a.jsonl"))
    'cannot write x/a.jsonl: the file system is read-only; nothing was changed (read-only)'
    """
    import errno as _errno
    import os

    name = _errno.errorcode.get(e.errno or 0, "")
    code, what = _OS_ERRORS.get(name, ("os-error", (e.strerror or str(e)).lower()))
    verb = "write" if code in ("read-only", "disk-full") else "use"
    where = ""
    if e.filename is not None:
        path = os.fsdecode(e.filename)
        try:
            rel = os.path.relpath(path)
            path = rel if not rel.startswith("..") else path
        except ValueError:
            pass
        where = f" {clip_cell(path, 160)}"
    tail = "; nothing was changed" if code in ("read-only", "disk-full", "permission-denied") else ""
    return f"cannot {verb}{where}: {what}{tail} ({code})" if where else f"{what}{tail} ({code})"


def clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[:n - 1] + "…"


# -- the corpus and its layers ------------------------------------------------------------------------------

def add_timeout(p) -> None:
    """``--timeout SECONDS``: how long a writing command waits for a file another command has locked."""
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help=f"wait at most this long for files another command is changing (default 120; 0 to "
                        f"{MAX_TIMEOUT:g}); the wait names the process that holds them")


def add_root(p) -> None:
    p.add_argument("--root", help="the corpus checkout (default: the current directory if it is one, else the packaged corpus)")


def root_of(args) -> Path:
    from ..layout import default_root

    root = Path(args.root) if args.root else default_root()
    if not (root / "corpus").is_dir():
        raise UsageError(f"{str(root)!r} has no corpus/ folder")
    return root


def layer_of(name: str, bare_annotator: bool = False) -> str:
    """A layer named on the command line: ``gold`` or ``pass-<annotator>`` (with ``bare_annotator``, an
    annotator's name alone names its pass); anything else is a usage error."""
    from ..model import GOLD, PASS_PREFIX, is_annotator

    if name == GOLD:
        return name
    if not name.startswith(PASS_PREFIX) and not bare_annotator:
        raise UsageError(f"{name!r} is not a layer name; use gold or pass-<annotator>")
    annotator = name.removeprefix(PASS_PREFIX)
    if len(annotator) > MAX_NAME or not is_annotator(annotator):
        raise UsageError(f"{name!r} is not a layer name; use gold or pass-<annotator>")
    return f"{PASS_PREFIX}{annotator}"


def annotator_arg(name: str | None) -> str | None:
    """An ``--annotator`` value: ``None``, or a name a pass folder can have."""
    from ..model import is_annotator

    if name is not None and (len(name) > MAX_NAME or not is_annotator(name)):
        raise UsageError(f"{clip(name, 80)!r} is not an annotator name (lower-case letters, digits and hyphens, "
                         f"at most {MAX_NAME} characters)")
    return name


def annotator_type(name: str) -> str:
    """``--annotator`` of the editing commands, checked by the parser (a bad name is a usage error, exit 2)."""
    import argparse

    try:
        annotator_arg(name)
    except UsageError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return name


def label_map(pairs: list[str] | None) -> dict[str, str]:
    """``--label-map FROM=TO`` values as a mapping."""
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
    """Print what an import found; write when nothing blocks. Exit 0 written, 1 nothing written.

    Problems that block (errors; everything with ``--strict``) are printed as they are; problems reported and
    skipped (warnings) say ``skipped``.
    """
    for note in report.notes:
        sys.stdout.write(f"note: {note}\n")
    for head, lines in report.summary:  # an import into gold: what it adds, changes and removes, record by record
        shown = lines if dry_run or len(lines) <= SUMMARY_LINES else lines[:SUMMARY_LINES]
        sys.stdout.write("".join(f"{line}\n" for line in [head, *shown]))
        if len(shown) < len(lines):
            sys.stdout.write(f"  … and {len(lines) - len(shown)} more lines (--dry-run lists every record)\n")
    blocking = report.blocking
    skipped = report.skipped
    report_problems(blocking)
    for p in skipped:
        sys.stderr.write(f"skipped: {p}\n")
    for plan in report.plans:  # the validator's findings, at the task and region (the .ann line) they came from
        for f in plan.findings:
            sys.stderr.write(f"{plan.where(f)}: {f.severity} {f.code}: {f.message}\n")
    if not report.ok:
        errors = sum(f.severity == "error" for f in report.findings)
        strict_note = report.strict and any(p.severity != "error" for p in blocking)
        why = [_count(len(blocking), "problem") + (" (--strict: warnings block too)" if strict_note else ""),
               _count(errors, "validation error")]
        sys.stderr.write(f"kashcorpus {command}: {', '.join(why)}; nothing was written\n")
        return EXIT_FINDINGS
    if not report.plans:
        sys.stderr.write(f"kashcorpus {command}: nothing to import ({len(skipped)} skipped); nothing was written\n")
        return EXIT_FINDINGS
    if dry_run:
        for p in report.plans:
            sys.stdout.write(f"would write {p.rel}\n")
        sys.stdout.write(f"{_count(len(report.plans), 'annotation file')} would be imported"
                         + (f", {len(skipped)} skipped" if skipped else "") + "; nothing was written (--dry-run)\n")
        return 0
    from ..store import StoreError

    seen = len(report.notes)
    try:
        written = report.commit()
    except StoreError as e:
        sys.stderr.write(f"kashcorpus {command}: error: {e} ({e.code})\n")
        return 1
    for rel in written:
        sys.stdout.write(f"wrote {rel}\n")
    for note in report.notes[seen:]:  # what the write changed beside the files (aliases of the registry)
        sys.stdout.write(f"note: {note}\n")
    unchanged = len(report.plans) - len(written)
    sys.stdout.write(f"{_count(len(report.plans), 'annotation file')} imported"
                     + (f" ({unchanged} unchanged)" if unchanged else "")
                     + (f", {len(skipped)} skipped (see above; --strict refuses them)" if skipped else "") + "\n")
    return 0


def _count(n: int, noun: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


# -- the editing commands (span, attribution, entity, text, reanchor) --------------------------------------

def add_common(p, annotator: bool = True) -> None:
    """Options every editing command has: --root, --json and (for annotation files) --annotator."""
    p.add_argument("--root", metavar="PATH", help="corpus checkout to edit (default: the current folder)")
    if annotator:
        p.add_argument("--annotator", metavar="NAME", type=annotator_type,
                       help=f"write to annotations/passes/NAME/ instead of the gold layer (at most {MAX_NAME} "
                            "lower-case letters, digits and hyphens)")
    p.add_argument("--json", action="store_true", help="print the result (or the error) as JSON")
    add_timeout(p)


def edit_root(args) -> Path:

    root = Path(args.root) if getattr(args, "root", None) else Path.cwd()
    if not (root / "corpus").is_dir() or not (root / "annotations").is_dir():
        where = repr(str(root)) if getattr(args, "root", None) else "the current folder"
        raise UsageError(f"{where} is not a corpus checkout (no corpus/ and annotations/); run the command in one "
                         "or pass --root PATH")
    return root


def emit(args, fn, *a, **kw) -> int:
    """Run a library command; print its confirmation (or JSON); turn refusals into exit codes."""
    import orjson

    from ..errors import LockTimeout
    from ..store import ChangeRefused, StoreError, clip

    try:
        result = fn(*a, **kw)
    except ChangeRefused as e:
        if args.json:
            sys.stdout.write(orjson.dumps({"ok": False, "error": str(e), "findings": e.details},
                                          option=orjson.OPT_INDENT_2).decode() + "\n")
        else:
            sys.stderr.write(f"kashcorpus {args.command}: error: {e}\n")
            for f in e.findings[:10]:
                sys.stderr.write(f"  {f.location}: {f.code}: {clip(f.message)}\n    fix: {clip(f.fix)}\n")
        return 1
    except StoreError as e:
        if args.json:
            sys.stdout.write(orjson.dumps({"ok": False, "error": str(e).split("\n")[0], "code": e.code,
                                           "details": e.details}, option=orjson.OPT_INDENT_2).decode() + "\n")
            return e.exit_code
        if isinstance(e, LockTimeout):
            raise
        raise UsageError(str(e)) from None
    if args.json:
        data = result if isinstance(result, (list, dict)) else result.data
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
    elif isinstance(result, str):
        sys.stdout.write(result)
    else:
        sys.stdout.write(result.message + "\n")
    return 0


def add_quote_options(p, required: bool = False) -> None:
    p.add_argument("--quote", "-q", metavar="TEXT", help="the words to annotate, exactly as in the text")
    p.add_argument("--occurrence", "-n", type=int, metavar="N", help="which occurrence of the quote (from 1)")
    p.add_argument("--context", "-c", metavar="TEXT", help="a longer passage around the quote that occurs once")
    p.add_argument("--start", type=int, help="first code point (with --end, instead of --quote)")
    p.add_argument("--end", type=int, help="code point after the span")


def clip_cell(s: str, n: int) -> str:
    """A table cell: one line, at most ``n`` characters."""
    s = s.replace("\r", "").replace("\n", "⏎")
    return s if len(s) <= n else s[:n - 1] + "…"


def table(rows: list[list[str]]) -> str:
    if not rows:
        return ""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n" for r in rows)

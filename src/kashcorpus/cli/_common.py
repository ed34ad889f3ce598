"""What the commands share: exit codes, the corpus root, layers, label maps, tables and how results are printed."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import KashcorpusError, UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_INTERNAL = 70  # a fault of kashcorpus itself, not of the data or the command line (sysexits EX_SOFTWARE)
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


# -- output: every line passes through one escaping function -------------------------------------------------

class GuardedStream:
    """Standard output or error as the commands see it: every write passes through
    :func:`kashcorpus.findings.safe_output` (control characters escaped, forged CI workflow commands defused,
    lines of ``limit`` characters at most). The GitHub renderer writes its workflow commands with
    :meth:`write_commands`; a text export to standard output writes its data with :meth:`write_data`."""

    def __init__(self, raw, limit: int | None = None):
        self.raw, self.limit = raw, limit

    def write(self, s: str) -> int:
        from ..findings import safe_output

        self.raw.write(safe_output(s, limit=self.limit))
        return len(s)

    def write_commands(self, s: str) -> int:
        from ..findings import safe_output

        self.raw.write(safe_output(s, commands=True, limit=self.limit))
        return len(s)

    def write_data(self, s: str) -> int:
        return self.raw.write(s)

    def __getattr__(self, name):
        return getattr(self.raw, name)


def write_commands(s: str) -> None:
    """Write CI workflow commands (their values escaped by their renderer) to standard output."""
    getattr(sys.stdout, "write_commands", sys.stdout.write)(s)


def write_data(s: str) -> None:
    """Write exported data (a text format given ``--out -``) to standard output as it is."""
    getattr(sys.stdout, "write_data", sys.stdout.write)(s)


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


def cap_jobs(jobs: int, root: Path) -> int:
    """``--jobs`` capped at the CPUs and at the documents of the checkout (more workers than either only cost
    start-up time); at least 1.

    >>> cap_jobs(256, Path("no-such-checkout"))
    1
    """
    import os

    texts = Path(root) / "corpus" / "texts"
    try:
        docs = sum(1 for e in os.scandir(texts) if e.name.endswith(".txt")) if texts.is_dir() else 1
    except OSError:
        docs = 1
    return max(1, min(jobs, os.cpu_count() or 1, docs))


def add_force(p) -> None:
    """``--force``: a reader that needs a valid corpus runs on an invalid one, saying so first."""
    p.add_argument("--force", action="store_true",
                   help="run even when the corpus does not validate (says so first; the output may be partial)")


def invalid_message(root: Path, errors: list) -> str:
    """One line naming the first validator error of the checkout at ``root`` and how many more there are."""
    from ..findings import printable

    f = errors[0]
    more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
    return (f"the checkout {printable(clip(str(root), 120))} cannot be used: {f.location}: {f.code}: "
            f"{printable(clip(f.message, 200))}{more}; run kashcorpus validate and fix it")


def require_valid(root: Path, force: bool = False, what: str = "the output") -> None:
    """Refuse a checkout that does not validate with one line naming its first error (``corpus-invalid``); with
    ``force``, say so on standard error and go on (``what`` may then be partial). A reader meant to look at
    broken data (the review site, scores against a gold folder) passes ``force=True``: it always warns."""
    from ..validate import iter_findings

    errors = [f for f in iter_findings(Path(root)) if f.severity == "error"]
    if not errors:
        return
    if not force:
        raise CorpusRefused(invalid_message(Path(root), errors) + "; --force runs anyway; nothing was written")
    sys.stderr.write(f"warning: {invalid_message(Path(root), errors)}; --force: {what} may be partial or wrong\n")


class CorpusRefused(KashcorpusError):
    """A reader refused a checkout that does not validate (one line, code ``corpus-invalid``, exit 1)."""

    code = "corpus-invalid"
    exit_code = 1


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


MAX_REPORTED = 100  # problems of one code printed one by one (an import holds as many); the rest are counted


def report_problems(problems, prefix: str = "", dropped: dict[str, int] | None = None, show=str) -> None:
    """Print problems one a line (values escaped, so one problem is one line); after :data:`MAX_REPORTED`
    of the same code, the rest (and the ``dropped`` ones an import only counted) are summed up in one line."""
    from ..findings import MAX_LINE_CHARS, printable

    seen: dict[str, int] = {}
    for p in problems:
        code = str(getattr(p, "code", ""))
        seen[code] = seen.get(code, 0) + 1
        if seen[code] <= MAX_REPORTED:
            sys.stderr.write(f"{prefix}{clip(printable(show(p)), MAX_LINE_CHARS)}\n")
    more = {code: n - MAX_REPORTED for code, n in seen.items() if n > MAX_REPORTED}
    for code, n in (dropped or {}).items():
        if code in seen:
            more[code] = more.get(code, 0) + n
    for code, n in sorted(more.items()):
        sys.stderr.write(f"{prefix}... and {n} more {code} problems like these (not shown)\n")


def finish_import(report, dry_run: bool, command: str) -> int:
    """Print what an import found; write when nothing blocks. Exit 0 written, 1 nothing written.

    Problems that block (errors; everything with ``--strict``) are printed as they are; problems reported and
    skipped (warnings) say ``skipped``.
    """
    from ..findings import printable

    for note in report.notes:
        sys.stdout.write(f"note: {printable(note)}\n")
    for head, lines in report.summary:  # an import into gold: what it adds, changes and removes, record by record
        shown = lines if dry_run or len(lines) <= SUMMARY_LINES else lines[:SUMMARY_LINES]
        sys.stdout.write("".join(f"{printable(line)}\n" for line in [head, *shown]))
        if len(shown) < len(lines):
            sys.stdout.write(f"  … and {len(lines) - len(shown)} more lines (--dry-run lists every record)\n")
    blocking = report.blocking
    skipped = report.skipped
    dropped = getattr(report.problems, "dropped", {})
    report_problems(blocking, dropped=dropped)
    report_problems(skipped, "skipped: ", dropped)
    for plan in report.plans:  # the validator's findings, at the task and region (the .ann line) they came from
        report_problems(plan.findings, show=lambda f, plan=plan: f"{plan.where(f)}: {f.severity} {f.code}: {f.message}")
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
        sys.stdout.write(f"note: {printable(note)}\n")
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
    from ..findings import printable
    from ..store import ChangeRefused, StoreError, clip

    try:
        result = fn(*a, **kw)
    except ChangeRefused as e:
        if args.json:
            sys.stdout.write(orjson.dumps({"ok": False, "error": str(e), "findings": e.details},
                                          option=orjson.OPT_INDENT_2).decode() + "\n")
        else:
            sys.stderr.write(f"kashcorpus {args.command}: error: {printable(str(e))}\n")
            for f in e.findings[:10]:
                sys.stderr.write(f"  {printable(f.location)}: {f.code}: {printable(clip(f.message))}\n"
                                 f"    fix: {printable(clip(f.fix))}\n")
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

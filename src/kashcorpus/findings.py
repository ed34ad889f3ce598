"""Validator findings as data: a stable code, where it is, what is wrong and how to fix it."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any
from collections.abc import Iterable

import orjson

from .resources import addition_codes, conversion_codes, findings_catalogue

SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Finding:
    """One problem found by the validator: where it is, and the values its message was made from (``params``).

    >>> f = make_finding("duplicate-id", file="annotations/gold/kash-000.jsonl", line=3, doc="kash-000", record="m1", id="m1", first_line=2)
    >>> f.code, f.severity, f.level, f.line, f.params
    ('duplicate-id', 'error', 3, 3, {'id': 'm1', 'first_line': 2})
    """

    code: str
    severity: str
    level: int
    message: str
    fix: str
    file: str | None = None
    line: int | None = None
    doc: str | None = None
    record: str | None = None
    path: str | None = None
    keyword: str | None = None
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def location(self) -> str:
        where = self.file or "<corpus>"
        if self.line is not None:
            where += f":{self.line}"
        return where


MAX_VALUE_CHARS = 200  # of a value in a message
MAX_PARAM_CHARS = 10_000  # of a value in ``params`` (a longer text keeps its head and says how long it was)
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(!r)?\}")


def render_template(template: str, params: dict, limit: int | None = MAX_VALUE_CHARS) -> str:
    """Fill ``{name}`` and ``{name!r}`` placeholders; any other brace is text (a JSON example stays as it is).

    A string value longer than ``limit`` keeps its head and says how long it was (``None``: no limit).

    >>> print(render_template('line {n}: {v!r} is not {"type": ...}', {"n": 2, "v": "x"}))
    line 2: 'x' is not {"type": ...}
    """
    def fill(m: re.Match) -> str:
        if m.group(1) not in params:
            return f"<{m.group(1)}>"
        value = params[m.group(1)]
        if isinstance(value, str) and limit is not None and len(value) > limit:  # a huge span text stays out
            head = value[:limit]
            return f"{repr(head) if m.group(2) else head}... ({len(value)} characters)"
        return repr(value) if m.group(2) else str(value)

    return _PLACEHOLDER.sub(fill, template)


def _param(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_PARAM_CHARS:
        return f"{value[:MAX_PARAM_CHARS]}... ({len(value)} characters)"
    return value


def make_finding(code: str, *, file: str | None = None, line: int | None = None, doc: str | None = None,
                 record: str | None = None, path: str | None = None, keyword: str | None = None,
                 **params: Any) -> Finding:
    """Build a finding from the catalogue entry of ``code`` and the template's parameters (kept as ``params``)."""
    entry = findings_catalogue()[code]
    message = render_template(entry["message"], params)
    fix = render_template(entry["fix"], params)
    return Finding(code, entry["severity"], entry["level"], message, fix, file, line, doc, record, path, keyword,
                   {k: _param(v) for k, v in params.items()})


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file or "", f.line or 0, f.code, f.record or "", f.message))


def summary(findings: list[Finding]) -> dict:
    return {"errors": sum(f.severity == "error" for f in findings),
            "warnings": sum(f.severity == "warning" for f in findings)}


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LINE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# what a CI runner reads as a command at the start of a line (GitHub: ``::error ...``, Azure: ``##vso[``, ``##[``)
_COMMAND = re.compile(r"^(\s*)(::|##\[|##vso\[)", re.MULTILINE)
MAX_LINE_CHARS = 2000  # of a line of messages (standard error): a longer one keeps its head and says how long it was


def safe_output(text: str, commands: bool = False, limit: int | None = None) -> str:
    r"""Text as it may reach a terminal or a CI log: the one escaping function every line of output passes.

    Control characters other than the line ends and tabs the output is made of are escaped (``\x1b``, a C1
    or bidirectional-override character as ``\u009b``, valid in JSON too); a line that a CI runner would read
    as a workflow command gets a backslash in front unless ``commands`` (the GitHub renderer, whose values
    are escaped already); with ``limit``, each line is cut to that many characters.

    >>> safe_output("ok\n::error::forged\x1b[31m\n")
    'ok\n\\::error::forged\\x1b[31m\n'
    >>> safe_output("x" * 10, limit=5)
    'xxxx… (10 characters)'
    """
    def esc(m: re.Match) -> str:
        c = m.group(0)
        return f"\\x{ord(c):02x}" if ord(c) < 0x20 else f"\\u{ord(c):04x}"

    text = _LINE_CONTROL.sub(esc, text)
    if not commands:
        text = _COMMAND.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    if limit is not None:
        text = "\n".join(line if len(line) <= limit else f"{line[:limit - 1]}… ({len(line)} characters)"
                         for line in text.split("\n"))
    return text


def printable(value: str) -> str:
    """``value`` with every control character escaped (``\\n``, ``\\x1b``...), so a file name or a value
    can neither end a line of output, start a CI workflow command nor send a terminal escape.

    >>> printable("a\\nb\\x1b[31m")
    'a\\\\nb\\\\x1b[31m'
    """
    def esc(m: re.Match) -> str:
        c = m.group(0)
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")

    return _CONTROL.sub(esc, value)


def render_text(findings: list[Finding], stats: dict | None = None) -> str:
    """One finding per line (and its fix on the next); control characters of names and values escaped."""
    lines = []
    for f in findings:
        ref = f" [{f.doc}#{f.record}]" if f.doc and f.record else (f" [{f.doc}]" if f.doc else "")
        extra = f" (at {f.path}, keyword {f.keyword})" if f.path is not None or f.keyword else ""
        lines.append(printable(f"{f.location}: {f.severity} {f.code}{ref}: {f.message}{extra}") +
                     f"\n    fix: {printable(f.fix)}")
    s = summary(findings)
    tail = f"{s['errors']} errors, {s['warnings']} warnings"
    if stats:
        tail += f" in {stats.get('files', 0)} files, {stats.get('records', 0)} records"
        if stats.get("links_file") is False:  # a corpus may have none yet; the reader is told, not left to guess
            tail += "; no annotations/links.jsonl: no cross-document links are checked or published"
    lines.append(tail)
    return "\n".join(lines) + "\n"


def render_json(findings: list[Finding], stats: dict | None = None) -> str:
    out = {"summary": {**summary(findings), **(stats or {})}, "findings": [f.as_dict() for f in findings]}
    return orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n"


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render_github(findings: list[Finding], stats: dict | None = None) -> str:
    """GitHub Actions workflow commands, so findings show on the pull request's diff."""
    lines = []
    for f in findings:
        props = []
        if f.file:
            props.append(f"file={_gh_escape(printable(f.file), True)}")
        if f.line is not None:
            props.append(f"line={f.line}")
        props.append(f"title={_gh_escape(f.code, True)}")
        kind = "error" if f.severity == "error" else "warning"
        lines.append(f"::{kind} {','.join(props)}::{_gh_escape(printable(f.message + ' Fix: ' + f.fix))}")
    s = summary(findings)
    lines.append(f"{s['errors']} errors, {s['warnings']} warnings")
    return "\n".join(lines) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "github": render_github}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def catalogue_markdown() -> str:
    """The catalogue as the Markdown tables of docs/validation.md: validator codes (by level, then code), then
    converter codes (imports, then exports), then the codes of ``document add``."""
    rows = ["| code | level | severity | what it means | how to fix it |", "|---|---|---|---|---|"]
    for code, e in sorted(findings_catalogue().items(), key=lambda kv: (kv[1]["level"], kv[0])):
        rows.append(f"| `{code}` | {e['level']} | {e['severity']} | {_cell(e['description'])} | {_cell(e['fix'])} |")
    rows += ["", "Converter codes (`kashcorpus import FORMAT` and `kashcorpus export FORMAT` report these; an import "
             "with any of them writes nothing):", "",
             "| code | formats | severity | what it means | how to fix it |", "|---|---|---|---|---|"]
    for code, e in sorted(conversion_codes().items(), key=lambda kv: (kv[1]["direction"] != "import", kv[0])):
        rows.append(f"| `{code}` | {', '.join(e['formats'])} | {e['severity']} | {_cell(e['description'])} | "
                    f"{_cell(e['fix'])} |")
    rows += ["", "Codes of `kashcorpus document add` (a file it refuses; nothing is written):", "",
             "| code | what it means | how to fix it |", "|---|---|---|"]
    for code, e in sorted(addition_codes().items()):
        rows.append(f"| `{code}` | {_cell(e['description'])} | {_cell(e['fix'])} |")
    return "\n".join(rows) + "\n"

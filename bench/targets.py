"""The performance targets as one table, checked against a benchmark run, and the results block of docs/performance.md.

Every figure of the block comes from the results of one run (``bench/results/<profile>.json``); a target
whose sizes the profile did not run reads "not measured in this profile", never "met".

    >>> verdict(TARGETS[0], {"sizes": [{"docs": 20000, "floor": {"wall": 2.0}, "validate_j1": {"wall": 4.0}}]}).status
    'met'
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

MET, NOT_MET, NOT_MEASURED = "met", "not met", "not measured in this profile"


@dataclass(frozen=True)
class Target:
    """One target: what is measured, at which sizes, and the limit.

    ``kind`` says how the measurement is read: ``floor`` the median, over the rounds, of ``step``'s wall time
    over the floor's run next to it at ``at[0]`` documents (at most ``limit``; the ratio of the medians for
    results that recorded no pairs); ``seconds`` a wall time of the start-up step (at most ``limit``);
    ``memory`` the peak resident set of ``step`` at every size of ``at`` (each below ``limit`` MB, and the
    largest size's at most ``within`` above the smallest's); ``linear`` the import time of ``step`` at
    ``at[1]`` regions over that at ``at[0]`` (at most ``limit``; proportional time gives their quotient);
    ``scaling`` the same for ``kashcorpus suggest`` at ``at[1]`` documents over ``at[0]``; ``command`` the
    wall time of one command of the five-document corpus, start-up included (at most ``limit``); ``bound`` the
    peak resident set of the import of a hostile input of format ``step`` (below ``limit`` MB).
    """

    what: str
    kind: str
    step: str
    limit: float
    at: tuple[int, ...] = ()
    within: float = 0.0

    @property
    def wanted(self) -> str:
        if self.kind == "floor":
            return f"≤ {self.limit:g}× floor"
        if self.kind in ("seconds", "command"):
            return f"≤ {self.limit:g} s"
        if self.kind == "bound":
            return f"< {self.limit:,.0f} MB"
        if self.kind == "memory":
            return f"< {self.limit:g} MB at {_n(self.at[0])} and {_n(self.at[-1])}, the second within {self.within:.0%} of the first"
        unit = "documents" if self.kind == "scaling" else "regions"
        return f"time × {self.limit:g} at most for {self.at[1] // self.at[0]}× the {unit} (proportional: × {self.at[1] // self.at[0]})"


# The targets: validation near the parse floor, a one-pass build, flat memory, a fast start-up, linear imports and
# suggestions, annotators' commands that answer at once.
TARGETS: tuple[Target, ...] = (
    Target("validate, 1 worker, 20,000 documents", "floor", "validate_j1", 2.5, (20_000,)),
    Target("validate, 2 workers, 20,000 documents", "floor", "validate_j2", 2.0, (20_000,)),
    Target("validate peak RSS, 20,000 → 100,000 documents", "memory", "validate", 100, (20_000, 100_000), 0.20),
    Target("build, 20,000 documents", "floor", "build", 10.0, (20_000,)),
    Target("build peak RSS, 20,000 → 100,000 documents", "memory", "build", 300, (20_000, 100_000), 0.20),
    Target("`kashcorpus --help`", "seconds", "help", 0.15),
    Target("import labelstudio, 10,000 → 100,000 regions", "linear", "labelstudio", 15, (10_000, 100_000)),
    Target("import brat, 10,000 → 100,000 regions", "linear", "brat", 15, (10_000, 100_000)),
    Target("suggest, 10,000 entities, 1,000 → 20,000 documents", "scaling", "suggest", 25, (1_000, 20_000)),
    Target("`kashcorpus document add` of a saved page", "command", "document_add", 0.5),
    Target("`kashcorpus adjudicate kash-001 --from pass-annotator-b --next`", "command", "adjudicate_next", 0.5),
    Target("`kashcorpus link ls`", "command", "link_ls", 0.5),
    Target("import labelstudio of a hostile 50 MB export (one region repeated), peak RSS", "bound", "labelstudio",
           1536),
    Target("import brat of a hostile 50 MB `.ann` (lines repeated), peak RSS", "bound", "brat", 1536),
)


@dataclass(frozen=True)
class Verdict:
    """A target against one run: the measurement as shown, its ratio, and met / not met / not measured."""

    target: Target
    measured: str
    ratio: str
    status: str


def _n(x: int) -> str:
    return f"{x:,}"


def _size(result: dict, docs: int) -> dict | None:
    return next((r for r in result.get("sizes", []) if r.get("docs") == docs), None)


def _rss(row: dict, step: str) -> float | None:
    """Peak RSS of a step in one size's row; ``validate`` is the larger of the 1- and 2-worker runs."""
    steps = ("validate_j1", "validate_j2") if step == "validate" else (step,)
    found = [row[s]["rss_mb"] for s in steps if isinstance(row.get(s), dict) and "rss_mb" in row[s]]
    return max(found) if found else None


def _import(result: dict, fmt: str, regions: int) -> dict | None:
    return next((r for r in result.get("imports", []) if r.get("format") == fmt and r.get("regions") == regions), None)


def _suggest(result: dict, docs: int) -> dict | None:
    return next((r for r in result.get("suggest", []) if r.get("docs") == docs), None)


def _stopped(step: dict) -> str:
    over = f" (over {step['rss_mb']:,.0f} MB)" if step.get("stopped_for") == "memory" else ""
    return f"stopped after {step['stopped_after']:.0f} s{over}"


def verdict(target: Target, result: dict) -> Verdict:
    """How ``target`` fares in ``result`` (the JSON that ``bench/run.py`` writes).

    A step stopped at the run's time limit gives a lower bound: the target is not met when that bound is
    already over the limit, and not measured otherwise.
    """
    kind = target.kind
    if kind == "floor":
        row = _size(result, target.at[0])
        if row is None or not isinstance(row.get(target.step), dict) or not (row.get("floor") or {}).get("wall"):
            return Verdict(target, "–", "–", NOT_MEASURED)
        step, floor = row[target.step], row["floor"]["wall"]
        if step["wall"] is None:
            bound = step["stopped_after"] / floor
            return Verdict(target, f"{_stopped(step)} (floor {floor:.2f} s)", f"> {bound:.2f}× floor",
                           NOT_MET if bound > target.limit else NOT_MEASURED)
        pairs = step.get("pair_ratios") or []
        if pairs:  # each run over the floor run next to it: a change of the machine's load touches both alike
            ratio = statistics.median(pairs)
            spread = f" ({min(pairs):.2f}–{max(pairs):.2f} over {len(pairs)} pairs)" if len(pairs) > 1 else ""
            return Verdict(target, f"{step['wall']:.2f} s (floor {floor:.2f} s)", f"{ratio:.2f}× floor{spread}",
                           MET if ratio <= target.limit else NOT_MET)
        ratio = step["wall"] / floor
        return Verdict(target, f"{step['wall']:.2f} s (floor {floor:.2f} s)", f"{ratio:.2f}× floor",
                       MET if ratio <= target.limit else NOT_MET)
    if kind in ("seconds", "command"):
        step = result.get("startup" if kind == "seconds" else "commands", {}).get(target.step)
        if not isinstance(step, dict):
            return Verdict(target, "–", "–", NOT_MEASURED)
        if step["wall"] is None:
            return Verdict(target, _stopped(step), "–", NOT_MET if step["stopped_after"] > target.limit else NOT_MEASURED)
        return Verdict(target, f"{step['wall']:.3f} s", "–", MET if step["wall"] <= target.limit else NOT_MET)
    if kind == "memory":
        values = {docs: _rss(row, target.step) for docs in target.at if (row := _size(result, docs)) is not None}
        got = {docs: v for docs, v in values.items() if v is not None}
        shown = " → ".join(f"{got[d]:.0f} MB" for d in target.at if d in got)
        partial = [d for d in got if _was_stopped(_size(result, d) or {}, target.step)]
        if len(got) < len(target.at) or partial:
            missing = [d for d in target.at if d not in got]
            notes = [f"{shown} at {', '.join(_n(d) for d in got)}"] if got else []
            notes += [f"{', '.join(_n(d) for d in missing)} not in this profile"] if missing else []
            notes += [f"stopped at {', '.join(_n(d) for d in partial)} (a lower bound)"] if partial else []
            over = any(v >= target.limit for v in got.values())  # already over the limit: known not met
            return Verdict(target, "; ".join(notes), "–", NOT_MET if over else NOT_MEASURED)
        first, last = got[target.at[0]], got[target.at[-1]]
        growth = last / first if first else math.inf
        ok = all(v < target.limit for v in got.values()) and growth <= 1 + target.within
        return Verdict(target, shown, f"{growth:.2f}× ({_n(target.at[-1])} / {_n(target.at[0])})", MET if ok else NOT_MET)
    if kind == "bound":
        row = next((r for r in result.get("hostile_imports", []) if r.get("format") == target.step), None)
        if row is None:
            return Verdict(target, "–", "–", NOT_MEASURED)
        shown = f"{row['rss_mb']:,.0f} MB for {row['input_mb']:g} MB"
        if row["wall"] is None:
            return Verdict(target, f"{shown}, {_stopped(row)}", "–",
                           NOT_MET if row.get("stopped_for") == "memory" or row["rss_mb"] >= target.limit else NOT_MEASURED)
        return Verdict(target, f"{shown} in {row['wall']:.1f} s", "–", MET if row["rss_mb"] < target.limit else NOT_MET)
    if kind in ("linear", "scaling"):
        small, large = (_import(result, target.step, n) if kind == "linear" else _suggest(result, n) for n in target.at)
        if small is None or large is None or small["wall"] is None:
            return Verdict(target, "–" if small is None or small["wall"] is not None else _stopped(small), "–", NOT_MEASURED)
        if large["wall"] is None:
            bound = large["stopped_after"] / small["wall"]
            return Verdict(target, f"{small['wall']:.2f} s → {_stopped(large)}", f"> {bound:.2f}× time",
                           NOT_MET if bound > target.limit else NOT_MEASURED)
        ratio = large["wall"] / small["wall"]
        return Verdict(target, f"{small['wall']:.2f} s → {large['wall']:.2f} s", f"{ratio:.2f}× time",
                       MET if ratio <= target.limit else NOT_MET)
    raise ValueError(f"unknown target kind {kind!r}")


def _was_stopped(row: dict, step: str) -> bool:
    steps = ("validate_j1", "validate_j2") if step == "validate" else (step,)
    return any(isinstance(row.get(s), dict) and row[s].get("wall") is None for s in steps)


def verdicts(result: dict) -> list[Verdict]:
    return [verdict(t, result) for t in TARGETS]


# -- the block of docs/performance.md ----------------------------------------------------------------

def _ratio(x: dict, floor: dict) -> str:
    if not floor.get("wall"):
        return "–"
    if x["wall"] is None:
        return f"> {x['stopped_after'] / floor['wall']:.2f}"
    return f"{x['wall'] / floor['wall']:.2f}"


def _secs(x: dict, digits: int = 2) -> str:
    return f"> {x['stopped_after']:.0f}, stopped" if x["wall"] is None else f"{x['wall']:.{digits}f}"


def _duration(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s} s" if m and s else f"{m} min" if m else f"{s} s"


def run_line(result: dict) -> str:
    """Which run this is: profile, sizes, repeats, commit, machine, when, how long (what the results record)."""
    p = result.get("parameters", {})
    m = result.get("machine", {})
    docs = [_n(r["docs"]) for r in result.get("sizes", [])]
    sizes = " and ".join(filter(None, [", ".join(docs[:-1]), *docs[-1:]]))
    repeat = p.get("repeat", result.get("repeat", "?"))
    profile = f"Profile **{result['profile']}**" if result.get("profile") else "A run whose profile was not recorded"
    commands = ", the annotators' commands" if result.get("commands") else ""
    grown = " and ".join(k for k in ("imports", "suggest") if result.get(k))  # the steps run import_repeat times
    parts = [f"{profile}: corpora of {sizes} synthetic documents; every step in a fresh process, the floor, validation"
             f"{commands} and start-up the median of {repeat} runs, build and load one run"
             + (f", {grown} the median of {p['import_repeat']}" if grown and "import_repeat" in p else "")]
    if p.get("step_timeout_s"):
        parts.append(f"a step still running after {_duration(p['step_timeout_s'])}"
                     + (f" or holding over {p['step_memory_mb']:,} MB" if p.get("step_memory_mb") else "") + " is stopped")
    if result.get("commit"):
        parts.append(f"code at commit `{result['commit']}`")
    parts.append(f"{m.get('cpus', '?')} CPUs ({m.get('system', '?')} {m.get('machine', '?')}, Python {m.get('python', '?')})")
    if result.get("finished"):
        parts.append(f"finished {result['finished']}")
    if result.get("elapsed_s") is not None:
        budget = p.get("budget_s")
        parts.append(f"whole run {_duration(result['elapsed_s'])}" + (f" (budget {_duration(budget)})" if budget else ""))
    return "; ".join(parts) + "."


def targets_table(result: dict) -> str:
    lines = ["| target | measured | ratio | limit | result |", "|---|---|---|---|---|"]
    for v in verdicts(result):
        lines.append(f"| {v.target.what} | {v.measured} | {v.ratio} | {v.target.wanted} | {v.status} |")
    return "\n".join(lines) + "\n"


def sizes_table(result: dict) -> str:
    columns = ["docs", "records", "floor s", "validate 1 worker s (× floor)", "validate 2 workers s (× floor)",
               "records/s (1 worker)", "validate peak RSS MB (1 / 2 workers)", "reference jsonschema s, scaled (× floor)",
               "build s (× floor)", "of which parquet writing alone, 1 process s (× floor)", "build peak RSS MB",
               "load cold / warm s", "injected found"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in result.get("sizes", []):
        f, v1, v2 = r["floor"], r["validate_j1"], r["validate_j2"]
        b, ref = r.get("build"), r.get("reference_scaled")
        cells = [_n(r["docs"]), _n(r["records"]), _secs(f), f"{_secs(v1)} ({_ratio(v1, f)})",
                 f"{_secs(v2)} ({_ratio(v2, f)})", f"{r['records'] / v1['wall']:,.0f}" if v1["wall"] else "–",
                 f"{v1['rss_mb']:.0f} / {v2['rss_mb']:.0f}",
                 f"{ref['wall']:.1f} ({_ratio(ref, f)})" if ref else "–",
                 f"{_secs(b)} ({_ratio(b, f)})" if b else "–",
                 f"{_secs(r['write_only'])} ({_ratio(r['write_only'], f)})" if r.get("write_only") else "–",
                 f"{b['rss_mb']:.0f}" if b else "–",
                 f"{_secs(r['load_cold'])} / {_secs(r['load_warm'])}" if r.get("load_cold") else "–",
                 f"{r['injected_found']}/{r['injected']}" if "injected" in r else "–"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def codecs_table(result: dict) -> str:
    """Per corpus size and codec: the dataset folder's size and the seconds its parquet files take to write."""
    lines = ["| docs | codec | folder MB | × the smallest | writing s, 1 process (× floor) | × the fastest | build's |",
             "|---|---|---|---|---|---|---|"]
    for r in result.get("sizes", []):
        codecs = r.get("codecs") or []
        if not codecs:
            continue
        small = min(c["folder_bytes"] for c in codecs)
        fast = min(c["wall"] for c in codecs) or 1e-9
        for c in codecs:
            name = c["codec"] + (f" {c['level']}" if c["level"] is not None else "")
            lines.append(f"| {_n(r['docs'])} | {name} | {c['folder_bytes'] / 2**20:.1f} | {c['folder_bytes'] / small:.3f} "
                         f"| {c['wall']:.2f} ({_ratio(c, r['floor'])}) | {c['wall'] / fast:.2f} | {'yes' if c['build'] else ''} |")
    return "\n".join(lines) + "\n" if len(lines) > 2 else ""


def imports_table(result: dict) -> str:
    lines = ["| import | regions | s | regions/s | peak RSS MB | time × the size before |", "|---|---|---|---|---|---|"]
    before: dict[str, dict] = {}
    for r in result.get("imports", []):
        prev = before.get(r["format"])
        growth = "–"
        if prev and prev["wall"] and r["wall"]:
            growth = f"{r['wall'] / prev['wall']:.2f} for {r['regions'] / prev['regions']:g}× the regions"
        speed = f"{r['regions'] / r['wall']:,.0f}" if r["wall"] else "–"
        lines.append(f"| {r['format']} | {_n(r['regions'])} | {_secs(r)} | {speed} | {r['rss_mb']:.0f} | {growth} |")
        before[r["format"]] = r
    return "\n".join(lines) + "\n"


COMMANDS = {"document_add": "`document add` of a saved page",
            "adjudicate_next": "`adjudicate kash-001 --from pass-annotator-b --next`", "link_ls": "`link ls`"}


def commands_table(result: dict) -> str:
    """``kashcorpus suggest`` per corpus size, then the commands of the five-document corpus: seconds and memory."""
    lines = ["| command | documents | s | documents/s | peak RSS MB | time × the size before |", "|---|---|---|---|---|---|"]
    before = None
    for r in result.get("suggest", []):
        growth = "–"
        if before and before["wall"] and r["wall"]:
            growth = f"{r['wall'] / before['wall']:.2f} for {r['docs'] / before['docs']:g}× the documents"
        speed = f"{r['docs'] / r['wall']:,.0f}" if r["wall"] else "–"
        lines.append(f"| `suggest`, registry of {_n(r['entities'])} | {_n(r['docs'])} | {_secs(r)} | {speed} "
                     f"| {r['rss_mb']:.0f} | {growth} |")
        before = r
    for step, name in COMMANDS.items():
        c = result.get("commands", {}).get(step)
        if c:
            lines.append(f"| {name} | 5 | {_secs(c, 3)} | – | {c['rss_mb']:.0f} | – |")
    return "\n".join(lines) + "\n" if len(lines) > 2 else ""


def hostile_table(result: dict) -> str:
    """Each hostile import input: its size, the exit code, the seconds and the peak memory."""
    lines = ["| import | input MB | exit | s | peak RSS MB |", "|---|---|---|---|---|"]
    for r in result.get("hostile_imports", []):
        lines.append(f"| {r['format']} | {r['input_mb']:g} | {r.get('rc', '–')} | {_secs(r, 1)} | {r['rss_mb']:,.0f} |")
    return "\n".join(lines) + "\n"


def render(result: dict) -> str:
    """The results block of docs/performance.md: the run, the targets, the figures per size, the imports, the
    annotators' commands, start-up."""
    s = result.get("startup", {})
    heavy = ", ".join(s.get("help_imports_heavy", [])) or "none"
    startup = (f"Start-up: `kashcorpus --help` {_secs(s['help'], 3)} s (heavy modules imported: {heavy}); "
               f"`kashcorpus validate` on an empty corpus {_secs(s['validate_empty'], 3)} s.") if s else ""
    parts = [run_line(result), "", "Targets:", "", targets_table(result), "Validation and build, per corpus size:", "",
             sizes_table(result)]
    if codecs_table(result):
        parts += ["Parquet codecs: the built folder's files written again with each codec, in one process (the "
                  "build's own codec gives the build's bytes):", "", codecs_table(result)]
    if result.get("imports"):
        parts += ["Imports (one document, one region every third word, a note on every tenth region):", "",
                  imports_table(result)]
    if result.get("hostile_imports"):
        parts += ["Hostile imports (the bound of docs/integrity.md; the import refuses them, and what is measured is "
                  "what refusing costs):", "", hostile_table(result)]
    if commands_table(result):
        parts += ["Annotators' commands, each a whole process with its start-up (suggest writes every document's "
                  "pass in one run):", "", commands_table(result)]
    if startup:
        parts.append(startup)
    return "\n".join(parts).rstrip("\n") + "\n"

"""kashcorpus benchmark: validate, build, load and import against the parse-speed floor, on synthetic inputs.

Usage: python bench/run.py [--profile quick|full] [--write-doc docs/performance.md] [--out FILE]
       python bench/run.py --from-results bench/results/full.json --write-doc docs/performance.md
       (--sizes, --repeat, --inject-at, --inject, --import-regions, --import-repeat, --suggest-docs and
       --registry override the profile; the run is then called "custom")
Every step runs in a fresh process. The floor and validation run side by side, alternating, ``repeat``
times each and keep the median; build and load run once; imports and suggest ``import_repeat`` times; the
commands of the five-document corpus ``repeat`` times. Peak RSS is the largest resident set of any one
process of the step. The raw figures go to bench/results/<profile>.json
and, with --write-doc, the block of the targets and tables (bench/targets.py) into the Markdown file.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from profiles import DEFAULT, PROFILES, Profile  # noqa: E402

PY = sys.executable
KASH = [PY, "-m", "kashcorpus"]
# Every step runs as after `pip install`, which compiles the package's bytecode: a shell that forbids writing it
# would add compiling every module to each start-up.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# Runs a command in a child (its own session) and reports wall time and the peak RSS of the child tree. A command
# still running after the time limit (argv[1] seconds), or whose main process holds more than argv[2] MB, is
# stopped with its whole process group (0: no limit).
PROBE = r"""
import json, os, resource, signal, subprocess, sys, tempfile, time
limit, cap = float(sys.argv[1]), float(sys.argv[2])
page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20
t = time.perf_counter()
with tempfile.TemporaryFile() as err:
    p = subprocess.Popen(sys.argv[3:], stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    why = None
    while p.poll() is None:
        try:
            with open(f"/proc/{p.pid}/statm") as f:
                rss = int(f.read().split()[1]) * page_mb
        except (OSError, ValueError, IndexError):
            rss = 0.0
        if cap and rss > cap:
            why = "memory"
        elif limit and time.perf_counter() - t > limit:
            why = "time"
        if why:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            break
        time.sleep(0.05)
    wall = time.perf_counter() - t
    err.seek(0)
    tail = err.read()[-400:].decode(errors="replace")
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "rss_mb": peak / 1024, "rc": p.returncode, "stopped": why, "err": tail}))
"""

FLOOR = r"""
import glob, orjson, sys, time
root = sys.argv[1]
files = sorted(glob.glob(root + "/corpus/*.jsonl") + glob.glob(root + "/annotations/*.jsonl")
               + glob.glob(root + "/annotations/gold/*.jsonl"))
n = 0
for p in files:
    with open(p, "rb") as f:
        for line in f:
            try:
                orjson.loads(line)
            except orjson.JSONDecodeError:
                pass
            n += 1
print(n, file=sys.stderr)
"""

REFERENCE = r"""
import glob, orjson, sys
from jsonschema import Draft202012Validator
from kashcorpus.resources import record_schema
validators = {t: Draft202012Validator(record_schema(t)) for t in ("header", "zone", "mention", "claim", "attribution")}
limit = int(sys.argv[2]); n = 0
for p in sorted(glob.glob(sys.argv[1] + "/annotations/gold/*.jsonl")):
    text = open(p.replace("annotations/gold", "corpus/texts").replace(".jsonl", ".txt"), encoding="utf-8").read()
    seen = set()
    bad = 0
    for line in open(p, "rb"):
        try:
            rec = orjson.loads(line)
        except orjson.JSONDecodeError:
            bad += 1
            continue
        bad += len(list(validators.get(rec.get("type"), validators["header"]).iter_errors(rec)))
        rid = rec.get("id")
        bad += rid in seen
        seen.add(rid)
        if "start" in rec and isinstance(rec["start"], int) and isinstance(rec["end"], int):
            bad += text[rec["start"]:rec["end"]] != rec.get("text")
        n += 1
    if n >= limit:
        break
print(n, file=sys.stderr)
"""

# What writing the built files costs on its own, and what other codecs would cost: every parquet file of a built
# folder is read into memory once, then written again in one process with the build's options and row groups, once
# per codec of CODECS (argv[2], JSON); the build's own codec must give the same bytes, so its time is exactly the
# build's writing (encoding and compression) without making the rows. Prints one JSON object per codec.
WRITE = r"""
import glob, io, json, os, sys, time
import pyarrow.parquet as pq
from kashcorpus.build import BATCH_ROWS, WRITER_OPTIONS
from kashcorpus.columns import arrow_schema
from kashcorpus.configs import CONFIGS
folder, codecs = sys.argv[1], json.loads(sys.argv[2])
files = sorted(glob.glob(folder + "/data/*/*.parquet"))
others = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder) for f in fs
             if not f.endswith(".parquet"))
tables = []
for path in files:
    schema = arrow_schema(CONFIGS[path.split("/")[-2]].spec())  # lists read back name their items "element"
    tables.append((path, schema, pq.read_table(path).cast(schema)))
own = (WRITER_OPTIONS["compression"], WRITER_OPTIONS.get("compression_level"))
for codec, level in codecs:
    options = {**WRITER_OPTIONS, "compression": codec, "compression_level": level}
    spent, size = 0.0, 0
    for path, schema, table in tables:
        buf = io.BytesIO()
        t = time.perf_counter()
        with pq.ParquetWriter(buf, schema, **options) as w:
            for i in range(0, table.num_rows, BATCH_ROWS):
                w.write_table(table.slice(i, BATCH_ROWS).combine_chunks(), row_group_size=BATCH_ROWS)
        spent += time.perf_counter() - t
        size += len(buf.getvalue())
        if (codec, level) == own and buf.getvalue() != open(path, "rb").read():
            sys.exit(f"{path}: writing it again gave other bytes")
    print(json.dumps({"codec": codec, "level": level, "wall": spent, "folder_bytes": size + others,
                      "parquet_bytes": size, "build": (codec, level) == own}))
"""
# The codecs the table compares: zstd at the levels a build could choose, and snappy, the Hub's own parquet
# conversion default.
CODECS = (("zstd", 1), ("zstd", 3), ("zstd", 6), ("zstd", 9), ("snappy", None))

LOAD = r"""
import os, sys
os.environ["HF_HUB_OFFLINE"] = "1"; os.environ["HF_DATASETS_OFFLINE"] = "1"
import datasets
datasets.disable_progress_bars()
ds = datasets.load_dataset(sys.argv[1], "documents", cache_dir=sys.argv[2])
print(ds["test"].num_rows, file=sys.stderr)
"""


# What a step may take before it is stopped: seconds and MB resident (0: no limit); set by run() from the profile.
LIMITS = {"seconds": 0.0, "mb": 0.0}


def probe(cmd: list[str], ok: tuple[int, ...] = (0,)) -> dict:
    """Wall time, peak RSS and exit code of ``cmd`` run once. A step stopped at a limit is recorded as stopped
    (``wall`` None, ``stopped_after`` its seconds so far, ``stopped_for`` time or memory); one that exits otherwise
    than ``ok`` stops the benchmark."""
    out = subprocess.run([PY, "-c", PROBE, str(LIMITS["seconds"]), str(LIMITS["mb"]), *cmd], capture_output=True, text=True)
    res = json.loads(out.stdout)
    if res["stopped"]:
        print(f"stopped ({res['stopped']}) after {res['wall']:.0f} s: {' '.join(cmd[:6])}…", file=sys.stderr)
        return {"wall": None, "stopped_after": res["wall"], "stopped_for": res["stopped"],
                "rss_mb": max(res["rss_mb"], LIMITS["mb"] if res["stopped"] == "memory" else 0.0)}
    if res["rc"] not in ok:
        raise SystemExit(f"benchmark step failed (exit {res['rc']}): {' '.join(cmd[:6])}…: {res['err']}")
    return res


def summary(runs: list[dict]) -> dict:
    """The median wall time of the runs and the largest RSS; a step stopped once is stopped."""
    stopped = [r for r in runs if r["wall"] is None]
    rss = max(r["rss_mb"] for r in runs)
    if stopped:
        return {"wall": None, "stopped_after": stopped[0]["stopped_after"], "stopped_for": stopped[0]["stopped_for"],
                "runs": [], "rss_mb": rss}
    return {"wall": statistics.median(r["wall"] for r in runs), "runs": [round(r["wall"], 4) for r in runs], "rss_mb": rss}


def timed(cmd: list[str], repeat: int, ok: tuple[int, ...] = (0,)) -> dict:
    runs: list[dict] = []
    while len(runs) < repeat and not any(r["wall"] is None for r in runs):
        runs.append(probe(cmd, ok))
    return summary(runs)


def side_by_side(cmds: dict[str, list[str]], repeat: int) -> dict[str, dict]:
    """Each command ``repeat`` times, alternating (a change in the machine's load touches them all alike); a
    command that was stopped is not run again. Each command after the first also gets ``pair_ratios``: its time
    over the first command's time of the same round, the two run next to each other."""
    runs: dict[str, list[dict]] = {k: [] for k in cmds}
    first = next(iter(cmds))
    ratios: dict[str, list[float]] = {k: [] for k in cmds if k != first}
    for _ in range(repeat):
        for k, cmd in cmds.items():
            if not any(r["wall"] is None for r in runs[k]):
                runs[k].append(probe(cmd))
                base = runs[first][-1]["wall"] if runs[first] else None
                if k != first and base and runs[k][-1]["wall"] is not None:
                    ratios[k].append(round(runs[k][-1]["wall"] / base, 4))
    out = {k: summary(v) for k, v in runs.items()}
    for k, r in ratios.items():
        out[k]["pair_ratios"] = r
    return out


def count_records(root: Path) -> int:
    n = 0
    for p in [root / "corpus" / "documents.jsonl", root / "annotations" / "entities.jsonl",
              root / "annotations" / "links.jsonl", *sorted((root / "annotations" / "gold").glob("*.jsonl"))]:
        with open(p, "rb") as f:
            n += sum(1 for _ in f)
    return n


def synth(docs: int, out: Path, inject: int = 0) -> float:
    t = time.perf_counter()
    subprocess.run([*KASH, "synth", "--docs", str(docs), "--seed", "1", "--out", str(out), "--inject", str(inject)],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def write_only(built: Path) -> list[dict]:
    """For each codec of :data:`CODECS`: the seconds the built folder's parquet files take to write on their own
    (:data:`WRITE`, one process) and the size of the folder written so; ``build`` marks the build's own codec."""
    own = build_codec()
    codecs = CODECS if own in CODECS else (*CODECS, own)
    done = subprocess.run([PY, "-c", WRITE, str(built), json.dumps(codecs)], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"the parquet writing step failed: {done.stderr.strip()[-400:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def build_codec() -> tuple[str, int | None]:
    """The codec and level the build writes with."""
    from kashcorpus.build import WRITER_OPTIONS

    return WRITER_OPTIONS["compression"], WRITER_OPTIONS.get("compression_level")


def bench_size(docs: int, repeat: int, work: Path, keep: bool = False) -> dict:
    """Floor, validation (1 and 2 workers), the jsonschema reference, build and load on one clean corpus
    (``keep``: left in place for :func:`bench_suggest`)."""
    corpus = work / f"synth-{docs}"
    synth_s = synth(docs, corpus)
    records = count_records(corpus)
    row: dict = {"docs": docs, "records": records, "synth_s": round(synth_s, 2)}
    row.update(side_by_side({
        "floor": [PY, "-c", FLOOR, str(corpus)],
        "validate_j1": [*KASH, "validate", str(corpus), "--format", "json", "--jobs", "1"],
        "validate_j2": [*KASH, "validate", str(corpus), "--format", "json", "--jobs", "2"],
    }, repeat))
    subset = min(records, 20_000)
    ref = timed([PY, "-c", REFERENCE, str(corpus), str(subset)], 1)
    row["reference_scaled"] = {"wall": ref["wall"] * records / subset, "subset": subset}
    out = work / f"built-{docs}"
    beside = probe([PY, "-c", FLOOR, str(corpus)])  # the floor run next to the build, for its pair ratio
    row["build"] = timed([*KASH, "build", str(corpus), "--out", str(out)], 1)
    if row["build"]["wall"] is not None and beside["wall"]:
        row["build"]["pair_ratios"] = [round(row["build"]["wall"] / beside["wall"], 4)]
    cache = work / f"cache-{docs}"
    if row["build"]["wall"] is not None:  # a build stopped at the time limit left nothing to load
        row["codecs"] = write_only(out)
        row["write_only"] = next(c for c in row["codecs"] if c["build"])
        row["load_cold"] = timed([PY, "-c", LOAD, str(out), str(cache)], 1)
        row["load_warm"] = timed([PY, "-c", LOAD, str(out), str(cache)], 1)
    for p in (out, cache, *([] if keep else [corpus])):
        shutil.rmtree(p, ignore_errors=True)
    return row


def injected_found(docs: int, inject: int, work: Path) -> dict:
    """A corpus with ``inject`` errors of each kind: how many the validator reports with their code, file and line."""
    corpus = work / f"synth-{docs}-injected"
    synth(docs, corpus, inject)
    report = json.loads(subprocess.run([*KASH, "validate", str(corpus), "--format", "json"], capture_output=True,
                                       text=True).stdout)
    found = {(f["code"], f["file"], f["line"]) for f in report["findings"]}
    injected = json.loads((corpus / "injected.json").read_text())
    shutil.rmtree(corpus, ignore_errors=True)
    return {"injected": len(injected), "injected_found": sum((i["code"], i["file"], i["line"]) in found for i in injected)}


def bench_imports(sizes: list[int], repeat: int, work: Path) -> list[dict]:
    """``kashcorpus import labelstudio`` and ``import brat`` of generated inputs, each into a fresh copy of its corpus."""
    import importgen

    rows = []
    for n in sizes:
        inputs = importgen.write_inputs(work / f"import-{n}", n)
        for fmt in ("labelstudio", "brat"):
            runs = []
            for _ in range(repeat):
                root = work / f"import-{n}" / f"corpus-{fmt}"
                shutil.rmtree(root, ignore_errors=True)
                shutil.copytree(inputs["corpus"], root)
                runs.append(probe([*KASH, "import", fmt, str(inputs[fmt]), "--annotator", importgen.ANNOTATOR,
                                   "--root", str(root)]))
                if runs[-1]["wall"] is None:
                    break
                written = root / "annotations" / "passes" / importgen.ANNOTATOR / f"{importgen.DOC}.jsonl"
                with open(written, "rb") as f:
                    lines = sum(1 for _ in f)
                if lines != n + 1:  # the header and one record per region
                    raise SystemExit(f"import {fmt} of {n} regions wrote {lines - 1} records")
            rows.append({"format": fmt, "regions": n, **summary(runs)})
        shutil.rmtree(work / f"import-{n}", ignore_errors=True)
    return rows


def bench_hostile(megabytes: int, work: Path) -> list[dict]:
    """Peak memory and time of ``kashcorpus import`` of hostile inputs of ``megabytes`` MB (importgen.write_hostile),
    each into a fresh copy of its corpus; the import refuses them (exit 1), and what is measured is what refusing
    costs. ``megabytes`` 0: none."""
    import importgen

    if not megabytes:
        return []
    inputs = importgen.write_hostile(work / "hostile", megabytes)
    rows = []
    for fmt in ("labelstudio", "brat"):
        source = inputs[fmt]
        size = source.stat().st_size if source.is_file() else (source / f"{importgen.DOC}.ann").stat().st_size
        root = work / "hostile" / f"corpus-{fmt}"
        shutil.copytree(inputs["corpus"], root)
        res = probe([*KASH, "import", fmt, str(source), "--annotator", importgen.ANNOTATOR, "--root", str(root)],
                    ok=(0, 1))
        rows.append({"format": fmt, "input_mb": round(size / 2**20, 1), "rc": res.get("rc"),
                     **summary([res])})
    shutil.rmtree(work / "hostile", ignore_errors=True)
    return rows


def bench_suggest(sizes: list[int], entities: int, repeat: int, work: Path) -> list[dict]:
    """``kashcorpus suggest`` of every document of a synthetic corpus, with a registry of ``entities`` entries,
    into a throwaway pass (removed before each run, so each run adds every suggestion again). A corpus
    :func:`bench_size` kept is used, not made again."""
    import commandgen

    rows = []
    for n in sizes:
        corpus = work / f"synth-{n}"
        if not corpus.exists():
            synth(n, corpus)
        own = commandgen.grow_registry(corpus, entities)
        docs = sorted(p.stem for p in (corpus / "corpus" / "texts").glob("*.txt"))
        passes = corpus / "annotations" / "passes" / commandgen.ANNOTATOR
        runs = []
        for _ in range(repeat):
            shutil.rmtree(passes, ignore_errors=True)
            runs.append(probe([*KASH, "suggest", *docs, "--annotator", commandgen.ANNOTATOR, "--root", str(corpus)]))
            if runs[-1]["wall"] is None:
                break
        written = len(list(passes.glob("*.jsonl")))
        if runs[-1]["wall"] is not None and written != n:
            raise SystemExit(f"suggest on {n} documents wrote {written} pass files")
        rows.append({"docs": n, "entities": entities, "corpus_entities": own, **summary(runs)})
        shutil.rmtree(corpus, ignore_errors=True)
    return rows


def bench_commands(repeat: int, work: Path) -> dict:
    """``document add`` of a saved page, ``adjudicate kash-001 --from pass-annotator-b --next`` and ``link ls``,
    each a whole process on a fresh copy of the five-document corpus, ``repeat`` times, alternating."""
    import commandgen

    from kashcorpus.resources import data_root

    five = work / "five"
    shutil.rmtree(five, ignore_errors=True)
    for part in ("corpus", "annotations", "schema"):
        shutil.copytree(data_root() / part, five / part, symlinks=True)
    page = commandgen.write_page(work / "page.html")
    cmds = {"document_add": [*KASH, "document", "add", str(page), "--url", commandgen.PAGE_URL, "--root"],
            "adjudicate_next": [*KASH, "adjudicate", "kash-001", "--from", "pass-annotator-b", "--next", "--root"],
            "link_ls": [*KASH, "link", "ls", "--root"]}
    runs: dict[str, list[dict]] = {k: [] for k in cmds}
    for _ in range(repeat):
        for k, cmd in cmds.items():
            root = work / f"five-{k}"
            shutil.rmtree(root, ignore_errors=True)
            shutil.copytree(five, root, symlinks=True)  # a fresh copy, not timed: document add writes into it
            if not any(r["wall"] is None for r in runs[k]):
                runs[k].append(probe([*cmd, str(root)]))
    shutil.rmtree(five, ignore_errors=True)
    return {k: summary(v) for k, v in runs.items()}


def startup(work: Path, repeat: int) -> dict:
    empty = work / "empty"
    (empty / "corpus").mkdir(parents=True)
    (empty / "annotations").mkdir()
    (empty / "corpus" / "documents.jsonl").write_bytes(b"")
    imports = subprocess.run([PY, "-X", "importtime", "-m", "kashcorpus", "--help"], capture_output=True, text=True).stderr
    heavy = sorted({m for m in ("datasets", "pandas", "pyarrow") if f" {m}\n" in imports or f"| {m}\n" in imports})
    probe([*KASH, "--help"])  # a first run to warm the file cache, not counted
    # exit 1 on the empty corpus (an empty documents file is an error): what is timed is the command's start-up
    return {"help": timed([*KASH, "--help"], repeat), "validate_empty": timed([*KASH, "validate", str(empty)], repeat, ok=(0, 1)),
            "help_imports_heavy": heavy}


def commit() -> str | None:
    """The commit of the code measured (short hash), ``+`` when the checkout has uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=HERE, capture_output=True,
                               text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return head.stdout.strip() + ("+" if dirty.stdout.strip() else "")


def parse_args(argv: list[str] | None = None) -> tuple[argparse.Namespace, Profile]:
    """The options, and the profile they describe (``custom`` when an option changes the named profile)."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--profile", choices=sorted(PROFILES), default=DEFAULT)
    ap.add_argument("--sizes", help="documents of each synthetic corpus, comma-separated")
    ap.add_argument("--repeat", type=int, help="runs of each timed step (the median is kept)")
    ap.add_argument("--inject-at", help="sizes at which a corpus with injected errors checks they are found")
    ap.add_argument("--inject", type=int, help="errors of each kind to inject")
    ap.add_argument("--import-regions", help="regions of the generated imports, comma-separated (empty: none)")
    ap.add_argument("--import-repeat", type=int, help="runs of each import")
    ap.add_argument("--suggest-docs", help="documents of the corpora kashcorpus suggest runs on, comma-separated "
                                           "(empty: none)")
    ap.add_argument("--registry", type=int, help="entities of the registry kashcorpus suggest uses")
    ap.add_argument("--hostile-mb", type=int, help="MB of each hostile import input whose memory is measured (0: none)")
    ap.add_argument("--step-timeout", type=int, help="seconds a step may run before it is stopped")
    ap.add_argument("--step-memory", type=int, help="MB resident a step may hold before it is stopped")
    ap.add_argument("--out", help="the results file (default bench/results/<profile>.json)")
    ap.add_argument("--write-doc", help="replace the bench block of this Markdown file")
    ap.add_argument("--from-results", metavar="FILE", help="measure nothing: render the results of an earlier run "
                                                           "(after a change to the targets or the tables)")
    args = ap.parse_args(argv)
    base = PROFILES[args.profile]

    def ints(s: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
        return default if s is None else tuple(int(x) for x in s.split(",") if x)

    profile = Profile(base.name, ints(args.sizes, base.sizes), args.repeat or base.repeat,
                      ints(args.inject_at, base.inject_at), base.inject if args.inject is None else args.inject,
                      ints(args.import_regions, base.import_regions), args.import_repeat or base.import_repeat,
                      ints(args.suggest_docs, base.suggest_docs), args.registry or base.registry_entities,
                      args.step_timeout or base.step_timeout_s, args.step_memory or base.step_memory_mb, base.budget_s,
                      base.description, base.hostile_mb if args.hostile_mb is None else args.hostile_mb)
    if profile != base:
        profile = Profile("custom", *[getattr(profile, f) for f in ("sizes", "repeat", "inject_at", "inject",
                                                                      "import_regions", "import_repeat", "suggest_docs",
                                                                      "registry_entities", "step_timeout_s",
                                                                      "step_memory_mb")],
                          None, "options given on the command line", profile.hostile_mb)
    return args, profile


def run(profile: Profile) -> dict:
    t0 = time.perf_counter()
    LIMITS.update(seconds=float(profile.step_timeout_s), mb=float(profile.step_memory_mb))
    result: dict = {"profile": profile.name,
                    "parameters": {"sizes": list(profile.sizes), "repeat": profile.repeat, "inject_at": list(profile.inject_at),
                                   "inject": profile.inject, "import_regions": list(profile.import_regions),
                                   "import_repeat": profile.import_repeat, "suggest_docs": list(profile.suggest_docs),
                                   "registry_entities": profile.registry_entities, "step_timeout_s": profile.step_timeout_s,
                                   "step_memory_mb": profile.step_memory_mb, "budget_s": profile.budget_s,
                                   "hostile_mb": profile.hostile_mb},
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.system(),
                                "machine": platform.machine()},
                    "commit": commit()}
    with tempfile.TemporaryDirectory(prefix="kashbench-") as tmp:
        work = Path(tmp)
        result["startup"] = startup(work, profile.repeat)
        result["sizes"] = []
        for n in profile.sizes:
            row = bench_size(n, profile.repeat, work, keep=n in profile.suggest_docs)
            if n in profile.inject_at and profile.inject:
                row.update(injected_found(n, profile.inject, work))
            result["sizes"].append(row)
            print(f"done {n} documents ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
        result["imports"] = bench_imports(list(profile.import_regions), profile.import_repeat, work)
        if profile.import_regions:
            print(f"done imports ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
        result["hostile_imports"] = bench_hostile(profile.hostile_mb, work)
        result["suggest"] = bench_suggest(list(profile.suggest_docs), profile.registry_entities, profile.import_repeat,
                                          work)
        result["commands"] = bench_commands(profile.repeat, work)
        print(f"done suggest and commands ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    result["elapsed_s"] = round(time.perf_counter() - t0, 1)
    result["finished"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return result


def main(argv: list[str] | None = None) -> int:
    from targets import render

    args, profile = parse_args(argv)
    if args.from_results:
        result = json.loads(Path(args.from_results).read_text(encoding="utf-8"))
    else:
        result = run(profile)
        out = Path(args.out) if args.out else HERE / "results" / f"{profile.name}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")
    md = render(result)
    print(md)
    if args.write_doc:
        from kashcorpus.gendocs import write_between

        write_between(Path(args.write_doc), "bench", md)
    if not args.from_results and profile.budget_s is not None and result["elapsed_s"] > profile.budget_s:
        print(f"warning: the {profile.name} profile took {result['elapsed_s']:.0f} s, over its budget of "
              f"{profile.budget_s} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

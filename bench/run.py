"""kashcorpus benchmark: validate, build and load against the parse-speed floor, on synthetic corpora.

Usage: python bench/run.py [--sizes 1000,20000,100000] [--repeat 3] [--out bench/results/latest.json]
       [--write-doc docs/performance.md]
Every step runs in a fresh process; wall time is the median of --repeat runs, peak RSS the largest
resident set of that process and its children.
"""
from __future__ import annotations

import argparse
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
PY = sys.executable
KASH = [PY, "-m", "kashcorpus"]

# Runs a command in a child and reports wall time and the peak RSS of the child tree.
PROBE = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "rss_mb": peak / 1024, "rc": r.returncode, "err": r.stderr.decode()[-400:]}))
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

LOAD = r"""
import os, sys
os.environ["HF_HUB_OFFLINE"] = "1"; os.environ["HF_DATASETS_OFFLINE"] = "1"
import datasets
datasets.disable_progress_bars()
ds = datasets.load_dataset(sys.argv[1], "documents", cache_dir=sys.argv[2])
print(ds["test"].num_rows, file=sys.stderr)
"""


def probe(cmd: list[str], env: dict | None = None) -> dict:
    out = subprocess.run([PY, "-c", PROBE, *cmd], capture_output=True, text=True, env=env)
    res = json.loads(out.stdout)
    if res["rc"] != 0 and "validate" not in cmd:
        raise SystemExit(f"benchmark step failed: {' '.join(cmd[:4])}…: {res['err']}")
    return res


def timed(cmd: list[str], repeat: int) -> dict:
    runs = [probe(cmd) for _ in range(repeat)]
    return {"wall": statistics.median(r["wall"] for r in runs), "runs": [round(r["wall"], 4) for r in runs],
            "rss_mb": max(r["rss_mb"] for r in runs), "rc": runs[-1]["rc"]}


def count_records(root: Path) -> int:
    n = 0
    for p in [root / "corpus" / "documents.jsonl", root / "annotations" / "entities.jsonl",
              root / "annotations" / "links.jsonl", *sorted((root / "annotations" / "gold").glob("*.jsonl"))]:
        with open(p, "rb") as f:
            n += sum(1 for _ in f)
    return n


def bench_size(docs: int, repeat: int, work: Path, inject: int) -> dict:
    corpus = work / f"synth-{docs}"
    t = time.perf_counter()
    subprocess.run([*KASH, "synth", "--docs", str(docs), "--seed", "1", "--out", str(corpus), "--inject", str(inject)],
                   check=True, stdout=subprocess.DEVNULL)
    synth_s = time.perf_counter() - t
    records = count_records(corpus)
    row: dict = {"docs": docs, "records": records, "synth_s": round(synth_s, 2)}
    row["floor"] = timed([PY, "-c", FLOOR, str(corpus)], repeat)
    for jobs in (1, 2):
        row[f"validate_j{jobs}"] = timed([*KASH, "validate", str(corpus), "--format", "json", "--jobs", str(jobs)], repeat)
    # every injected error must be found with its code, file and line
    report = json.loads(subprocess.run([*KASH, "validate", str(corpus), "--format", "json"], capture_output=True,
                                       text=True).stdout)
    found = {(f["code"], f["file"], f["line"]) for f in report["findings"]}
    injected = json.loads((corpus / "injected.json").read_text())
    row["injected"] = len(injected)
    row["injected_found"] = sum((i["code"], i["file"], i["line"]) in found for i in injected)
    subset = min(records, 20_000)
    ref = timed([PY, "-c", REFERENCE, str(corpus), str(subset)], 1)
    row["reference_scaled"] = {"wall": ref["wall"] * records / subset, "subset": subset}
    if inject == 0:
        out = work / f"built-{docs}"
        row["build"] = timed([*KASH, "build", str(corpus), "--out", str(out)], 1)
        cache = work / f"cache-{docs}"
        row["load_cold"] = timed([PY, "-c", LOAD, str(out), str(cache)], 1)
        row["load_warm"] = timed([PY, "-c", LOAD, str(out), str(cache)], 1)
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(corpus, ignore_errors=True)
    return row


def startup(work: Path, repeat: int) -> dict:
    empty = work / "empty"
    (empty / "corpus").mkdir(parents=True)
    (empty / "annotations").mkdir()
    (empty / "corpus" / "documents.jsonl").write_bytes(b"")
    imports = subprocess.run([PY, "-X", "importtime", "-m", "kashcorpus", "--help"], capture_output=True, text=True).stderr
    heavy = sorted({m for m in ("datasets", "pandas", "pyarrow") if f" {m}\n" in imports or f"| {m}\n" in imports})
    return {"help": timed([*KASH, "--help"], repeat), "validate_empty": timed([*KASH, "validate", str(empty)], repeat),
            "help_imports_heavy": heavy}


def ratio(x: dict, floor: dict) -> float:
    return round(x["wall"] / floor["wall"], 2) if floor["wall"] else float("nan")


def table(result: dict) -> str:
    columns = ["docs", "records", "floor s", "validate 1 worker s (× floor)", "validate 2 workers s (× floor)", "records/s (1 worker)",
               "validate peak RSS MB", "reference jsonschema s, scaled (× floor)", "build s (× floor)", "build peak RSS MB",
               "load cold / warm s", "injected found"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in result["sizes"]:
        f = r["floor"]
        v1, v2 = r["validate_j1"], r["validate_j2"]
        b = r.get("build")
        lines.append(
            f"| {r['docs']:,} | {r['records']:,} | {f['wall']:.2f} | {v1['wall']:.2f} ({ratio(v1, f)}) | {v2['wall']:.2f} ({ratio(v2, f)}) | "
            f"{r['records'] / v1['wall']:,.0f} | {max(v1['rss_mb'], v2['rss_mb']):.0f} | "
            f"{r['reference_scaled']['wall']:.1f} ({ratio(r['reference_scaled'], f)}) | "
            + (f"{b['wall']:.2f} ({ratio(b, f)}) | {b['rss_mb']:.0f} | "
               f"{r['load_cold']['wall']:.2f} / {r['load_warm']['wall']:.2f} | " if b else "– | – | – | ")
            + f"{r['injected_found']}/{r['injected']} |")
    s = result["startup"]
    lines.append("")
    lines.append(f"Start-up: `kashcorpus --help` {s['help']['wall']:.3f} s (heavy modules imported: {', '.join(s['help_imports_heavy']) or 'none'}); "
                 f"`kashcorpus validate` on an empty corpus {s['validate_empty']['wall']:.3f} s.")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,20000,100000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--inject", type=int, default=0, help="errors per kind to inject (a separate run checks they are found)")
    ap.add_argument("--out", default=str(HERE / "results" / "latest.json"))
    ap.add_argument("--write-doc", help="replace the results block of this Markdown file")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="kashbench-") as tmp:
        work = Path(tmp)
        result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.system(),
                              "machine": platform.machine()},
                  "repeat": args.repeat, "startup": startup(work, args.repeat), "sizes": []}
        for n in sizes:
            row = bench_size(n, args.repeat, work, 0)
            if args.inject:
                inj = bench_size(n, 1, work, args.inject)
                row["injected"], row["injected_found"] = inj["injected"], inj["injected_found"]
            result["sizes"].append(row)
            print(f"done {n} documents", file=sys.stderr)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    md = table(result)
    print(md)
    if args.write_doc:
        from kashcorpus.gendocs import write_between

        write_between(Path(args.write_doc), "bench", md)
    return 0


if __name__ == "__main__":
    sys.exit(main())

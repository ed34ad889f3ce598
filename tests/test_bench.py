"""The benchmark: its targets judged from recorded results, its profiles as the Makefile calls them, its import inputs.

No timing is asserted here: speed and memory are what the benchmark measures (`make bench`).
"""
from __future__ import annotations

import importlib.util
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from kashcorpus.cli import main
from kashcorpus.gendocs import between, markers
from kashcorpus.io import read_jsonl
from kashcorpus.layout import Layout
from kashcorpus.validate import validate

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import commandgen  # noqa: E402
import importgen  # noqa: E402
import targets  # noqa: E402
from profiles import PROFILES  # noqa: E402
from targets import MET, NOT_MEASURED, NOT_MET, TARGETS, render, verdicts  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _load_runner():
    """bench/run.py under a name of its own (baselines/run.py is also a module called ``run``)."""
    spec = importlib.util.spec_from_file_location("kashcorpus_bench_run", BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_runner = _load_runner()
parse_args, bench_main = _runner.parse_args, _runner.main


def timing(wall: float, rss: float = 50.0) -> dict:
    return {"wall": wall, "runs": [wall], "rss_mb": rss}


def size_row(docs: int, floor: float = 2.0, v1: float = 4.0, v2: float = 3.0, build: float = 8.0,
             v_rss: float = 60.0, b_rss: float = 250.0) -> dict:
    return {"docs": docs, "records": docs * 61, "synth_s": 1.0, "floor": timing(floor), "validate_j1": timing(v1, v_rss),
            "validate_j2": timing(v2, v_rss - 5), "reference_scaled": {"wall": floor * 50, "subset": 20_000},
            "build": timing(build, b_rss), "load_cold": timing(1.5), "load_warm": timing(1.0)}


def recorded(sizes: list[dict], imports: list[dict] | None = None, help_s: float = 0.1, profile: str = "quick") -> dict:
    """A results dict in the shape bench/run.py writes, with figures chosen by the test."""
    return {"profile": profile, "parameters": {"sizes": [r["docs"] for r in sizes], "repeat": 3, "import_repeat": 1},
            "machine": {"cpus": 2, "python": "3.11.2", "system": "Linux", "machine": "x86_64"}, "commit": "abc1234",
            "finished": "2026-01-01 00:00 UTC", "elapsed_s": 200.0,
            "startup": {"help": timing(help_s), "validate_empty": timing(0.2), "help_imports_heavy": []},
            "sizes": sizes,
            "imports": imports if imports is not None else [
                {"format": f, "regions": n, **timing(w)} for f in ("labelstudio", "brat") for n, w in ((10_000, 1.0), (100_000, 9.0))],
            "suggest": [{"docs": n, "entities": 10_000, "corpus_entities": 500, **timing(w)} for n, w in ((1000, 2.0), (20_000, 30.0))],
            "commands": {"document_add": timing(0.4), "adjudicate_next": timing(0.2), "link_ls": timing(0.15)},
            "hostile_imports": [{"format": f, "input_mb": 50.0, "rc": 1, "rss_mb": 500.0, **timing(3.0)}
                                for f in ("labelstudio", "brat")]}


def status(result: dict) -> dict[str, str]:
    return {v.target.what: v.status for v in verdicts(result)}


# -- the targets, judged from recorded results ----------------------------------------------------------

def test_targets_under_their_limits_are_met():
    result = recorded([size_row(1000), size_row(20_000), size_row(100_000, v_rss=65, b_rss=260)])
    assert set(status(result).values()) == {MET}


def test_a_step_over_its_ratio_to_the_floor_is_not_met():
    result = recorded([size_row(20_000, floor=2.0, v1=5.2, v2=3.9, build=20.1)])
    got = status(result)
    assert got["validate, 1 worker, 20,000 documents"] == NOT_MET  # 2.6× > 2.5×
    assert got["validate, 2 workers, 20,000 documents"] == MET  # 1.95× ≤ 2.0×
    assert got["build, 20,000 documents"] == NOT_MET  # 10.05× > 10×


def test_the_ratio_shown_is_the_step_over_the_floor_of_the_same_run():
    (v,) = [v for v in verdicts(recorded([size_row(20_000, floor=1.5, v1=6.0)])) if v.target.step == "validate_j1"]
    assert v.ratio == "4.00× floor" and v.measured == "6.00 s (floor 1.50 s)"


def test_the_ratio_is_the_median_of_each_run_over_the_floor_run_next_to_it_when_pairs_were_recorded():
    row = size_row(20_000, floor=1.0, v1=3.0)  # the medians alone would give 3.0×: not met
    row["validate_j1"]["pair_ratios"] = [2.6, 2.2, 2.4]  # but each run over its neighbouring floor: 2.4×
    (v,) = [v for v in verdicts(recorded([row])) if v.target.step == "validate_j1"]
    assert v.status == MET and v.ratio == "2.40× floor (2.20–2.60 over 3 pairs)"


def test_the_codec_table_shows_each_codec_with_its_folder_size_and_writing_time():
    row = size_row(20_000, floor=2.0)
    row["codecs"] = [{"codec": "zstd", "level": 9, "wall": 8.0, "folder_bytes": 100 * 2**20, "parquet_bytes": 1,
                      "build": False},
                     {"codec": "snappy", "level": None, "wall": 2.0, "folder_bytes": 150 * 2**20, "parquet_bytes": 1,
                      "build": True}]
    table = targets.codecs_table(recorded([row]))
    assert "| 20,000 | zstd 9 | 100.0 | 1.000 | 8.00 (4.00) | 4.00 |  |" in table
    assert "| 20,000 | snappy | 150.0 | 1.500 | 2.00 (1.00) | 1.00 | yes |" in table
    assert targets.codecs_table(recorded([size_row(20_000)])) == ""


def test_memory_flatness_without_the_100k_run_is_not_measured_never_met():
    result = recorded([size_row(1000), size_row(20_000, v_rss=60, b_rss=250)])
    got = status(result)
    assert got["validate peak RSS, 20,000 → 100,000 documents"] == NOT_MEASURED
    assert got["build peak RSS, 20,000 → 100,000 documents"] == NOT_MEASURED
    (v,) = [v for v in verdicts(result) if v.target.step == "validate"]
    assert "60 MB at 20,000" in v.measured and "100,000 not in this profile" in v.measured


def test_memory_already_over_the_limit_at_20k_is_not_met_even_without_the_100k_run():
    got = status(recorded([size_row(20_000, b_rss=635)]))
    assert got["build peak RSS, 20,000 → 100,000 documents"] == NOT_MET


def test_memory_that_grows_more_than_a_fifth_or_passes_the_limit_is_not_met():
    grows = recorded([size_row(20_000, v_rss=57), size_row(100_000, v_rss=70)])  # +23%, under 100 MB
    assert status(grows)["validate peak RSS, 20,000 → 100,000 documents"] == NOT_MET
    over = recorded([size_row(20_000, b_rss=290), size_row(100_000, b_rss=310)])  # +7%, over 300 MB
    assert status(over)["build peak RSS, 20,000 → 100,000 documents"] == NOT_MET
    flat = recorded([size_row(20_000, v_rss=57), size_row(100_000, v_rss=68)])  # +19%
    assert status(flat)["validate peak RSS, 20,000 → 100,000 documents"] == MET


def test_a_quadratic_import_is_not_met_and_a_linear_one_is():
    imports = [{"format": "labelstudio", "regions": 10_000, **timing(30.0)},
               {"format": "labelstudio", "regions": 100_000, **timing(3000.0)},
               {"format": "brat", "regions": 10_000, **timing(1.2)}, {"format": "brat", "regions": 100_000, **timing(8.0)}]
    got = status(recorded([size_row(20_000)], imports))
    assert got["import labelstudio, 10,000 → 100,000 regions"] == NOT_MET
    assert got["import brat, 10,000 → 100,000 regions"] == MET


def test_an_import_size_not_run_is_not_measured():
    imports = [{"format": "brat", "regions": 10_000, **timing(1.2)}]
    assert status(recorded([size_row(20_000)], imports))["import brat, 10,000 → 100,000 regions"] == NOT_MEASURED


SUGGEST = "suggest, 10,000 entities, 1,000 → 20,000 documents"


def suggest_rows(small: dict, large: dict | None) -> list[dict]:
    rows = [{"docs": 1000, "entities": 10_000, "corpus_entities": 500, **small}]
    return rows + ([{"docs": 20_000, "entities": 10_000, "corpus_entities": 500, **large}] if large else [])


def test_suggest_over_25_times_slower_for_20_times_the_documents_is_not_met_and_a_linear_one_is():
    result = recorded([size_row(20_000)])
    result["suggest"] = suggest_rows(timing(2.0), timing(50.2))  # × 25.1
    assert status(result)[SUGGEST] == NOT_MET
    result["suggest"] = suggest_rows(timing(2.0), timing(41.0))  # × 20.5
    (v,) = [v for v in verdicts(result) if v.target.what == SUGGEST]
    assert (v.status, v.measured, v.ratio) == (MET, "2.00 s → 41.00 s", "20.50× time")
    assert v.target.wanted == "time × 25 at most for 20× the documents (proportional: × 20)"


def test_suggest_stopped_at_the_time_limit_on_20k_documents_is_a_lower_bound():
    result = recorded([size_row(20_000)])
    result["suggest"] = suggest_rows(timing(2.0), stopped(150.0))  # already > 75×
    assert status(result)[SUGGEST] == NOT_MET
    result["suggest"] = suggest_rows(timing(10.0), stopped(150.0))  # > 15× so far: could still pass
    assert status(result)[SUGGEST] == NOT_MEASURED
    assert "| `suggest`, registry of 10,000 | 20,000 | > 150, stopped | – |" in render(result)


def test_suggest_without_its_20k_run_is_not_measured():
    result = recorded([size_row(20_000)])
    result["suggest"] = suggest_rows(timing(2.0), None)
    assert status(result)[SUGGEST] == NOT_MEASURED
    del result["suggest"]
    assert status(result)[SUGGEST] == NOT_MEASURED


def test_a_command_of_the_five_documents_over_half_a_second_is_not_met_and_one_not_run_is_not_measured():
    result = recorded([size_row(20_000)])
    result["commands"] = {"document_add": timing(0.51), "adjudicate_next": timing(0.5)}
    got = status(result)
    assert got["`kashcorpus document add` of a saved page"] == NOT_MET
    assert got["`kashcorpus adjudicate kash-001 --from pass-annotator-b --next`"] == MET
    assert got["`kashcorpus link ls`"] == NOT_MEASURED
    result["commands"]["link_ls"] = stopped(150.0)
    assert status(result)["`kashcorpus link ls`"] == NOT_MET


def test_the_block_shows_suggest_per_size_and_each_command_of_the_five_documents():
    md = render(recorded([size_row(20_000)]))
    assert "| `suggest`, registry of 10,000 | 20,000 | 30.00 | 667 | 50 | 15.00 for 20× the documents |" in md
    assert "| `document add` of a saved page | 5 | 0.400 | – | 50 | – |" in md and "| `link ls` | 5 | 0.150 |" in md
    result = recorded([size_row(20_000)])
    del result["suggest"], result["commands"]
    assert "Annotators' commands" not in render(result)  # results recorded before these rows render as they were


def test_a_slow_start_up_is_not_met():
    assert status(recorded([size_row(20_000)], help_s=0.21))["`kashcorpus --help`"] == NOT_MET
    assert status(recorded([size_row(20_000)], help_s=0.15))["`kashcorpus --help`"] == MET


def test_a_run_without_the_20k_corpus_measures_none_of_the_20k_targets():
    got = status(recorded([size_row(1000)]))
    assert {got[t.what] for t in TARGETS if t.at and t.at[0] == 20_000} == {NOT_MEASURED}


def stopped(after: float = 150.0, rss: float = 900.0, why: str = "time") -> dict:
    return {"wall": None, "stopped_after": after, "stopped_for": why, "runs": [], "rss_mb": rss}


def test_a_step_stopped_at_the_time_limit_is_not_met_when_the_limit_already_proves_it():
    row = dict(size_row(20_000, floor=2.0), build=stopped(150.0))
    (v,) = [v for v in verdicts(recorded([row])) if v.target.step == "build" and v.target.kind == "floor"]
    assert (v.status, v.ratio) == (NOT_MET, "> 75.00× floor") and "stopped after 150 s" in v.measured
    assert status(recorded([row]))["build peak RSS, 20,000 → 100,000 documents"] == NOT_MET  # 900 MB before the stop
    md = render(recorded([row]))
    assert "> 150, stopped (> 75.00)" in md


def test_a_step_stopped_for_its_memory_says_so_and_fails_the_memory_target():
    row = dict(size_row(20_000, floor=2.0), build=stopped(40.0, rss=4096, why="memory"))
    (v,) = [v for v in verdicts(recorded([row])) if v.target.step == "build" and v.target.kind == "floor"]
    assert v.measured == "stopped after 40 s (over 4,096 MB) (floor 2.00 s)" and v.status == NOT_MET
    assert status(recorded([row]))["build peak RSS, 20,000 → 100,000 documents"] == NOT_MET


def test_a_step_stopped_below_its_limit_is_not_measured():
    row = dict(size_row(20_000, floor=2.0), validate_j1=stopped(3.0, rss=40))
    got = status(recorded([row, size_row(100_000)]))
    assert got["validate, 1 worker, 20,000 documents"] == NOT_MEASURED  # stopped at 1.5× the floor: could still pass
    assert got["validate peak RSS, 20,000 → 100,000 documents"] == NOT_MEASURED  # 40 MB so far is only a lower bound


def test_an_import_stopped_at_the_time_limit_is_not_linear():
    imports = [{"format": "brat", "regions": 10_000, **timing(2.0)}, {"format": "brat", "regions": 100_000, **stopped(150.0)}]
    result = recorded([size_row(20_000)], imports)
    assert status(result)["import brat, 10,000 → 100,000 regions"] == NOT_MET
    assert "| brat | 100,000 | > 150, stopped | – |" in render(result)


def test_the_runner_stops_a_step_at_its_time_limit_with_the_processes_it_started():
    import time

    _runner.LIMITS.update(seconds=1.0, mb=0.0)
    try:
        t = time.perf_counter()
        got = _runner.probe([sys.executable, "-c", "import subprocess, sys, time; "
                             "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"])
        assert time.perf_counter() - t < 30
    finally:
        _runner.LIMITS.update(seconds=0.0, mb=0.0)
    assert got["wall"] is None and got["stopped_for"] == "time" and got["stopped_after"] >= 1.0


def test_the_runner_stops_a_step_that_holds_more_memory_than_its_limit():
    _runner.LIMITS.update(seconds=60.0, mb=200.0)
    try:
        got = _runner.probe([sys.executable, "-c", "import time; x = bytearray(400 * 2**20); time.sleep(60)"])
    finally:
        _runner.LIMITS.update(seconds=0.0, mb=0.0)
    assert got["wall"] is None and got["stopped_for"] == "memory" and got["rss_mb"] >= 200


def test_the_block_has_one_row_per_target_with_measure_ratio_limit_and_result():
    result = recorded([size_row(1000), size_row(20_000, floor=2.0, v1=6.0, b_rss=640)])
    md = render(result)
    table = md.split("Targets:")[1].split("Validation and build")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| target")]
    assert len(rows) == len(TARGETS)
    for row, v in zip(rows, verdicts(result)):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells == [v.target.what, v.measured, v.ratio, v.target.wanted, v.status]
    assert "| validate, 1 worker, 20,000 documents | 6.00 s (floor 2.00 s) | 3.00× floor | ≤ 2.5× floor | not met |" in md
    assert "Profile **quick**" in md and "`abc1234`" in md and "2 CPUs" in md
    assert "validation, the annotators' commands and start-up the median of 3 runs" in md
    assert "imports and suggest the median of 1" in md


def test_the_block_shows_every_size_and_import_of_the_run():
    md = render(recorded([size_row(1000), size_row(20_000)]))
    assert "| 1,000 | 61,000 |" in md and "| 20,000 | 1,220,000 |" in md
    assert "| labelstudio | 100,000 | 9.00 | 11,111 |" in md and "9.00 for 10× the regions" in md


def test_the_performance_doc_block_is_the_rendering_of_a_committed_results_file(repo_root):
    block = between((repo_root / "docs" / "performance.md").read_text(encoding="utf-8"), "bench")
    renderings = {p.name: render(json.loads(p.read_text())) for p in (repo_root / "bench" / "results").glob("*.json")}
    assert block in renderings.values(), f"the block is not the rendering of any of {sorted(renderings)}"


def test_the_prose_of_the_performance_doc_states_no_measured_figure(repo_root):
    doc = (repo_root / "docs" / "performance.md").read_text(encoding="utf-8")
    start, end = markers("bench")
    prose = doc.split(start)[0] + doc.split(end)[1]
    assert not re.findall(r"\b\d+(?:\.\d+)?\s?(?:s|MB|GB|µs|×)(?=[\s,.;)])", prose)


def test_a_recorded_run_renders_into_the_doc_without_measuring_again(tmp_path, capsys):
    result = recorded([size_row(20_000, v1=9.0)])
    (tmp_path / "r.json").write_text(json.dumps(result))
    doc = tmp_path / "perf.md"
    doc.write_text("# P\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\nafter\n", encoding="utf-8")
    assert bench_main(["--from-results", str(tmp_path / "r.json"), "--write-doc", str(doc)]) == 0
    assert between(doc.read_text(encoding="utf-8"), "bench") == render(result)
    assert doc.read_text(encoding="utf-8").endswith("<!-- bench:end -->\n\nafter\n")
    assert "4.50× floor" in capsys.readouterr().out


# -- the profiles, as the Makefile calls them --------------------------------------------------------------

def make_n(repo_root: Path, *args: str) -> list[str]:
    """The arguments ``make -n`` would give bench/run.py."""
    out = subprocess.run(["make", "-n", *args], cwd=repo_root, capture_output=True, text=True, check=True).stdout
    (line,) = [x for x in out.splitlines() if "bench/run.py" in x]
    words = shlex.split(line)
    return words[words.index("bench/run.py") + 1:]


def test_make_bench_runs_the_quick_profile_and_writes_the_doc(repo_root):
    argv = make_n(repo_root, "bench")
    args, profile = parse_args(argv)
    assert profile == PROFILES["quick"] and args.write_doc == "docs/performance.md"


def test_make_bench_full_and_profile_full_run_the_full_profile(repo_root):
    for call in (("bench-full",), ("bench", "PROFILE=full")):
        args, profile = parse_args(make_n(repo_root, *call))
        assert profile == PROFILES["full"] and args.write_doc == "docs/performance.md"


def test_the_quick_profile_leaves_out_100k_and_the_full_one_has_every_size_the_targets_need():
    quick, full = PROFILES["quick"], PROFILES["full"]
    assert 100_000 not in quick.sizes and 20_000 in quick.sizes and quick.budget_s == 300
    needed = {n for t in TARGETS if t.kind in ("floor", "memory") for n in t.at}
    regions = {n for t in TARGETS if t.kind == "linear" for n in t.at}
    assert needed <= set(full.sizes) and regions <= set(full.import_regions) and regions <= set(quick.import_regions)
    assert quick.repeat < full.repeat and quick.import_repeat < full.import_repeat
    docs = {n for t in TARGETS if t.kind == "scaling" for n in t.at}
    assert docs <= set(quick.suggest_docs) and docs <= set(full.suggest_docs)
    assert quick.registry_entities == full.registry_entities == 10_000


def test_an_option_that_changes_a_profile_makes_the_run_custom():
    _, same = parse_args(["--profile", "quick", "--repeat", str(PROFILES["quick"].repeat)])
    assert same == PROFILES["quick"]
    _, changed = parse_args(["--profile", "quick", "--sizes", "20", "--import-regions", ""])
    assert changed.name == "custom" and changed.sizes == (20,) and changed.import_regions == ()
    _, suggest = parse_args(["--suggest-docs", "", "--registry", "50"])
    assert suggest.name == "custom" and suggest.suggest_docs == () and suggest.registry_entities == 50


# -- the import inputs --------------------------------------------------------------------------------------

@pytest.fixture
def inputs(tmp_path) -> dict[str, Path]:
    return importgen.write_inputs(tmp_path / "imp", 50)


def test_the_import_corpus_validates_without_a_finding(inputs):
    assert validate(inputs["corpus"]).findings == []


@pytest.mark.parametrize("fmt", ["labelstudio", "brat"])
def test_every_generated_region_comes_back_from_the_import_with_its_offsets(inputs, fmt, capsys):
    root = inputs["corpus"]
    assert main(["import", fmt, str(inputs[fmt]), "--annotator", importgen.ANNOTATOR, "--root", str(root)]) == 0, \
        capsys.readouterr()
    text, regions = importgen.long_text(50)
    got = read_jsonl(Layout(root).pass_path(importgen.ANNOTATOR, importgen.DOC))[1:]
    assert [(r["start"], r["end"], r["text"], r["label"]) for r in got] == [tuple(x) for x in regions]
    assert [r.get("note") for r in got][:11] == [importgen._note(0)] + [None] * 9 + [importgen._note(10)]


def test_the_long_text_grows_with_the_regions_and_its_regions_do_not_overlap():
    text, regions = importgen.long_text(1000)
    assert len(regions) == 1000 and all(text[s:e] == t for s, e, t, _ in regions)
    assert all(a[1] < b[0] for a, b in zip(regions, regions[1:]))
    assert len(importgen.long_text(10_000)[0]) > 9 * len(text)


def test_the_label_studio_input_has_the_shape_of_a_real_export():
    real = orjson.loads((FIXTURES / "labelstudio" / "lsf_named_entity" / "annotations_1.json").read_bytes())
    text, regions = importgen.long_text(3)
    (task,) = orjson.loads(importgen.labelstudio_export(text, regions))
    assert set(real) - {"task_path"} <= set(task) and set(real["annotations"][0]) <= set(task["annotations"][0])  # task_path: the example's own
    item, real_item = task["annotations"][0]["result"][0], real["annotations"][0]["result"][0]
    assert set(real_item) - {"source"} <= set(item) and set(item["value"]) == set(real_item["value"])
    assert re.fullmatch(r"[A-Za-z0-9]{10}", item["id"]) and task["data"]["text"] == text


def test_the_brat_input_has_the_shape_of_a_real_ann_file(tmp_path):
    from kashcorpus.convert.brat import parse
    from kashcorpus.convert.brat.standoff import Note, TextBound

    real = parse((FIXTURES / "brat" / "nlplab-brat_tutorial-news" / "000-introduction.ann").read_text(encoding="utf-8"))
    text, regions = importgen.long_text(20)
    importgen.write_brat(tmp_path, text, regions)
    ours = parse((tmp_path / f"{importgen.DOC}.ann").read_text(encoding="utf-8"))
    kinds = {type(x) for x in ours.items}
    assert kinds == {TextBound, Note} and kinds <= {type(x) for x in real.items}
    assert sum(isinstance(x, TextBound) for x in ours.items) == 20
    assert {p.name for p in tmp_path.iterdir()} == {f"{importgen.DOC}.txt", f"{importgen.DOC}.ann", "annotation.conf",
                                                    "visual.conf", "tools.conf"}


# -- the inputs of the command rows -----------------------------------------------------------------------

def test_the_grown_registry_keeps_the_corpus_entities_and_is_the_same_at_each_run(tmp_path):
    from kashcorpus.synth import synth

    synth(tmp_path / "c", docs=3, seed=1)
    before = read_jsonl(Layout(tmp_path / "c").entities_file)
    own = commandgen.grow_registry(tmp_path / "c", 800)
    first = Layout(tmp_path / "c").entities_file.read_bytes()
    reg = read_jsonl(Layout(tmp_path / "c").entities_file)
    assert own == len(before) and len(reg) == 800 and len({e["id"] for e in reg}) == 800
    assert all(e in reg for e in before)
    surfaces = [n for e in reg for n in dict.fromkeys([e["name"], *e["aliases"]])]
    assert len(surfaces) == len(set(surfaces))  # no name of two entities: nothing is skipped as ambiguous
    commandgen.grow_registry(tmp_path / "c", 800)
    assert Layout(tmp_path / "c").entities_file.read_bytes() == first


def test_suggest_with_the_grown_registry_writes_a_valid_pass_for_every_document(tmp_path, capsys):
    from kashcorpus.synth import synth

    root = tmp_path / "c"
    synth(root, docs=3, seed=1)
    commandgen.grow_registry(root, 800)
    docs = [f"synth-{i:07d}" for i in range(3)]
    assert main(["suggest", *docs, "--annotator", commandgen.ANNOTATOR, "--root", str(root), "--json"]) == 0
    assert sum(len(d["added"]) for d in json.loads(capsys.readouterr().out)["documents"]) > 0
    for doc in docs:
        assert len(read_jsonl(Layout(root).pass_path(commandgen.ANNOTATOR, doc))) > 1


def test_document_add_extracts_the_article_of_the_saved_page_and_not_its_navigation(tmp_path, repo_root, capsys):
    import shutil

    root = tmp_path / "five"
    for part in ("corpus", "annotations", "schema"):
        shutil.copytree(repo_root / part, root / part)
    page = commandgen.write_page(tmp_path / "page.html")
    assert main(["document", "add", str(page), "--url", commandgen.PAGE_URL, "--root", str(root), "--json"]) == 0, \
        capsys.readouterr()
    (added,) = {p.name for p in Layout(root).texts_dir.glob("*.txt")} - {p.name for p in (repo_root / "corpus" / "texts").glob("*.txt")}
    text = (Layout(root).texts_dir / added).read_text(encoding="utf-8")
    assert "Ghulam Nabi" in text and "The next round is expected in April" in text
    assert "Subscribe" not in text and "Privacy" not in text


# -- the runner, end to end on tiny inputs (slow: it runs every step once) ------------------------------------

@pytest.mark.slow
def test_the_runner_writes_results_that_render_with_every_target(repo_root, tmp_path):
    out = tmp_path / "bench.json"
    r = subprocess.run([sys.executable, str(repo_root / "bench" / "run.py"), "--sizes", "10", "--repeat", "1",
                        "--inject-at", "10", "--inject", "1", "--import-regions", "20", "--import-repeat", "1",
                        "--suggest-docs", "5,10", "--registry", "600", "--hostile-mb", "1", "--out", str(out)],
                       capture_output=True, text=True, cwd=repo_root)
    assert r.returncode == 0, r.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["profile"] == "custom"
    hostile = {h["format"]: h for h in result["hostile_imports"]}
    assert set(hostile) == {"labelstudio", "brat"}
    assert all(h["input_mb"] >= 1 and h["rc"] == 1 and h["rss_mb"] > 0 for h in hostile.values())
    (row,) = result["sizes"]
    for key in ("docs", "records", "floor", "validate_j1", "validate_j2", "reference_scaled", "build", "write_only", "load_cold",
                "load_warm", "injected", "injected_found"):
        assert key in row, key
    assert row["injected_found"] == row["injected"] == 7
    codecs = {(c["codec"], c["level"]): c for c in row["codecs"]}
    assert {("zstd", 1), ("zstd", 3), ("zstd", 6), ("zstd", 9), ("snappy", None)} <= set(codecs)
    assert [c["build"] for c in row["codecs"]].count(True) == 1 and row["write_only"]["build"]
    assert all(c["folder_bytes"] > c["parquet_bytes"] > 0 for c in row["codecs"])
    assert len(row["validate_j1"]["pair_ratios"]) == len(row["validate_j1"]["runs"]) == 1
    assert "Parquet codecs" in targets.render(result)
    assert [(i["format"], i["regions"]) for i in result["imports"]] == [("labelstudio", 20), ("brat", 20)]
    assert result["startup"]["help_imports_heavy"] == []
    assert [(r["docs"], r["entities"]) for r in result["suggest"]] == [(5, 600), (10, 600)]
    assert all(r["wall"] > 0 and len(r["runs"]) == 1 for r in result["suggest"])
    assert set(result["commands"]) == set(targets.COMMANDS)
    assert all(c["wall"] > 0 for c in result["commands"].values())
    assert "Annotators' commands" in targets.render(result)
    assert targets.render(result) in r.stdout


def test_a_hostile_import_under_its_memory_bound_is_met_over_it_not_met_and_absent_not_measured():
    def with_hostile(rss: float, wall: float | None = 2.0) -> dict:
        row = {"format": "labelstudio", "input_mb": 50.0, "rc": 1, "rss_mb": rss, "wall": wall}
        if wall is None:
            row.update(stopped_after=150.0, stopped_for="time")
        return {**recorded([size_row(20_000)]), "hostile_imports": [row]}

    what = "import labelstudio of a hostile 50 MB export (one region repeated), peak RSS"
    assert status(with_hostile(450))[what] == MET
    assert status(with_hostile(1600))[what] == NOT_MET
    assert status(with_hostile(400, wall=None))[what] == NOT_MEASURED
    without = {k: v for k, v in recorded([size_row(20_000)]).items() if k != "hostile_imports"}
    assert status(without)[what] == NOT_MEASURED
    assert "| labelstudio | 50 | 1 | 2.0 | 450 |" in targets.render(with_hostile(450))

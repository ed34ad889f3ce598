"""Two annotators at once: processes adding spans to the same document lose nothing."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from helpers import build_small_corpus

from kashcorpus.io import read_jsonl
from kashcorpus.layout import Layout
from kashcorpus.validate import validate

WORDS = [f"w{i:03d}" for i in range(400)]

ADDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from kashcorpus.annotate import add_span

    root, first, last = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    for i in range(first, last):
        add_span(root, "doc-c", "mention", label="ORG", quote=f"w{i:03d}")
    print("done", flush=True)
""")


@pytest.mark.slow
def test_two_processes_adding_200_spans_each_to_one_document_lose_none(tmp_path):
    root = build_small_corpus(tmp_path / "c", texts={"doc-c": " ".join(WORDS) + "\n"}, mentions=False)
    procs = [subprocess.Popen([sys.executable, "-c", ADDER, str(root), str(a), str(a + 200)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for a in (0, 200)]
    results = [p.communicate(timeout=900) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _out, err in results]
    mentions = [r for r in read_jsonl(Layout(root).gold_path("doc-c")) if r["type"] == "mention"]
    assert len(mentions) == 400
    assert sorted(m["text"] for m in mentions) == WORDS
    assert sorted(int(m["id"][1:]) for m in mentions) == list(range(1, 401))
    report = validate(root)
    assert report.ok, report.flat()[:5]

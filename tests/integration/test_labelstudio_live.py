"""A real Label Studio server: our config and tasks go in, an annotator's annotation comes out and imports span by span."""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import orjson
import pytest

from kashcorpus.io import dumps_table, read_jsonl
from kashcorpus.layout import Layout

pytestmark = pytest.mark.integration

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCRIPT = HERE / "labelstudio-server.sh"
CLIENT = HERE / "ls_client.py"
VENV = Path(os.environ.get("LS_VENV", ROOT / ".ls-venv"))
# CRLF, an astral character, a combining mark and right-to-left text: the hard cases for offsets.
HARD_TEXT = ("Hamas in Lahore\r\n\r\nOn 5 February 2025 \U0001F600 Hamas met e\u0301lite officials of "
             "Lashkar in Lahore.\r\nAnalysts said the meeting\r\nwas planned \U0001D518\U0001D522 by "
             "\u05E9\u05DC\u05D5\u05DD Jaish.\r\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Install (once) and start Label Studio on loopback; always stop it by its pid afterwards."""
    data = tmp_path_factory.mktemp("labelstudio")
    env = {**os.environ, "LS_DATA": str(data), "LS_VENV": str(VENV)}
    subprocess.run(["bash", str(SCRIPT), "install"], check=True, env=env, timeout=1200)
    port, token = _free_port(), secrets.token_hex(20)
    try:
        subprocess.run(["bash", str(SCRIPT), "start", str(port), token], check=True, env=env, timeout=300)
        yield f"http://127.0.0.1:{port}", token
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, timeout=120)


def client(server, *args) -> object:
    url, token = server
    out = subprocess.run([str(VENV / "bin" / "python"), str(CLIENT), url, token, *map(str, args)],
                         check=True, capture_output=True, text=True, timeout=300)
    return json.loads(out.stdout)


def kashcorpus(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kashcorpus", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def add_hard_document(root: Path) -> str:
    """Add a document with CRLF, astral characters and combining marks to the scratch corpus."""
    layout = Layout(root)
    doc = "synth-hard"
    data = HARD_TEXT.encode("utf-8")
    layout.text_path(doc).write_bytes(data)
    metas = read_jsonl(layout.documents_file)
    unknown = {"value": None, "evidence": None, "reason": "A test text."}  # evidence must occur in its own text
    meta = dict(metas[0], id=doc, seed_file=f"{doc}.txt", sha256=hashlib.sha256(data).hexdigest(),
                length=len(HARD_TEXT), bytes=len(data), title=unknown, publisher=unknown, author=unknown,
                date={"value": None, "precision": None, "basis": "unknown", "evidence": None, "reason": "A test text."},
                genre={"value": "news-report", "evidence": None})
    layout.documents_file.write_bytes(dumps_table(metas + [meta], "document"))
    return doc


def region(rid, control, label, text, s, e):
    # as Label Studio's frontend writes it: value.text with newlines escaped
    return {"id": rid, "from_name": control, "to_name": "text", "type": "labels",
            "value": {"start": s, "end": e, "text": text[s:e].replace("\n", "\\n"), "labels": [label]}}


def per_region(rid, control, kind, s, e, value):
    return {"id": rid, "from_name": control, "to_name": "text", "type": kind,
            "value": {"start": s, "end": e, ("choices" if kind == "choices" else "text"): [value]}}


def find(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def annotator_result(text: str) -> tuple[list[dict], list[tuple]]:
    """What an annotator draws on the hard document (Label Studio-style random ids), and what we expect back."""
    m1, m2, m3 = find(text, "Hamas", 1), find(text, "Lashkar"), find(text, "Lahore", 1)
    claim = find(text, "the meeting\r\nwas planned \U0001D518\U0001D522 by \u05E9\u05DC\u05D5\u05DD Jaish")
    src, cue = find(text, "Analysts"), find(text, "said")
    # the entity of a mention chosen in the registry's drop-down (per-region Choices), as the frontend writes it
    result = [region("Xq1-aZ9", "mention", "ORG", text, *m1), per_region("Xq1-aZ9", "entity", "choices", *m1, "hamas"),
              region("b7TTk0_p", "mention", "ORG", text, *m2),
              per_region("b7TTk0_p", "entity", "choices", *m2, "lashkar-e-taiba"),
              region("LhR2", "mention", "GPE", text, *m3),
              per_region("LhR2", "note", "textarea", *m3, "the city, not the district"),
              region("cLm-01", "claim", "claim", text, *claim)]
    result += [per_region("cLm-01", name, "choices", *claim, value) for name, value in
               (("claim_type", "event"), ("certainty", "reported"), ("asserted_by", "attributed"), ("checkworthy", "yes"))]
    result += [region("att-content", "attribution", "content", text, *claim),
               per_region("att-content", "source_type", "choices", *claim, "collective"),
               region("att-src", "attribution", "source", text, *src),
               region("att-cue", "attribution", "cue", text, *cue),
               {"from_id": "att-src", "to_id": "att-content", "type": "relation", "direction": "right", "labels": ["source"]},
               {"from_id": "att-cue", "to_id": "att-content", "type": "relation", "direction": "right", "labels": ["cue"]},
               {"from_id": "cLm-01", "to_id": "att-content", "type": "relation", "direction": "right", "labels": ["attribution"]}]
    expected = [("mention", *m1, "ORG", "hamas"), ("mention", *m2, "ORG", "lashkar-e-taiba"), ("mention", *m3, "GPE", None),
                ("claim", *claim, "event"), ("attribution", src, cue, claim, "collective")]
    return result, expected


def key(rec: dict) -> tuple:
    if rec["type"] == "mention":
        return ("mention", rec["start"], rec["end"], rec["label"], rec["entity"])
    if rec["type"] == "claim":
        return ("claim", rec["start"], rec["end"], rec["claim_type"])
    if rec["type"] == "attribution":
        return ("attribution", *[(rec[p]["start"], rec[p]["end"]) for p in ("source", "cue", "content")], rec["source_type"])
    return (rec["type"], rec["start"], rec["end"], rec.get("label"))


def test_an_annotation_made_in_label_studio_imports_span_by_span(server, corpus_copy, tmp_path):
    root = corpus_copy
    doc = add_hard_document(root)
    config, tasks_file, export_file = tmp_path / "config.xml", tmp_path / "tasks.json", tmp_path / "export.json"
    assert kashcorpus("labelstudio", "config", "--root", root, "--out", config).returncode == 0
    offered = {c.get("value") for c in ET.fromstring(config.read_text(encoding="utf-8")).find(".//Choices[@name='entity']")}
    assert {"hamas", "lashkar-e-taiba"} <= offered  # the registry is a choice, not a free-text box
    done = kashcorpus("labelstudio", "export", "--root", root, "--out", tasks_file)
    assert done.returncode == 0, done.stderr
    tasks = orjson.loads(tasks_file.read_bytes())
    created = client(server, "create", config, tasks_file)
    assert set(created["tasks"]) == {t["data"]["doc"] for t in tasks}

    # a gold document, if there is one yet: the annotator accepts the predictions but deletes one mention
    gold = next((t for t in tasks if t["data"]["doc"] != doc and t["predictions"][0]["result"]), None)
    expected_gold = None
    if gold is not None:
        stored = client(server, "predictions", created["tasks"][gold["data"]["doc"]])
        assert stored == [gold["predictions"][0]["result"]]  # the server keeps predictions as sent
        result = stored[0]
        dropped = next((r["id"] for r in result if r["from_name"] == "mention"), None)
        result = [r for r in result if r.get("id") != dropped]
        (tmp_path / "gold.json").write_bytes(orjson.dumps(result))
        client(server, "annotate", created["tasks"][gold["data"]["doc"]], tmp_path / "gold.json")
        expected_gold = [r for r in read_jsonl(Layout(root).gold_path(gold["data"]["doc"]))[1:] if r["id"] != dropped]

    result, expected = annotator_result(HARD_TEXT)
    (tmp_path / "hard.json").write_bytes(orjson.dumps(result))
    client(server, "annotate", created["tasks"][doc], tmp_path / "hard.json")
    assert client(server, "export", created["project"], export_file)["tasks"] == len(tasks)

    done = kashcorpus("labelstudio", "import", export_file, "--root", root, "--annotator", "live")
    assert done.returncode == 0, done.stdout + done.stderr
    layout = Layout(root)
    records = read_jsonl(layout.pass_path("live", doc))
    assert records[0]["layer"] == "pass-live"
    assert sorted(key(r) for r in records[1:]) == sorted(
        e if e[0] != "attribution" else ("attribution", e[1], e[2], e[3], e[4]) for e in expected)
    for rec in records[1:]:
        spans = [rec[p] for p in ("source", "cue", "content") if rec[p]] if rec["type"] == "attribution" else [rec]
        for span in spans:
            assert HARD_TEXT[span["start"]:span["end"]] == span["text"]
    claim = next(r for r in records if r["type"] == "claim")
    attribution = next(r for r in records if r["type"] == "attribution")
    assert claim["attribution"] == attribution["id"] and claim["checkworthy"] is True
    assert next(r for r in records if r.get("note"))["note"] == "the city, not the district"
    if expected_gold is not None:
        got = read_jsonl(layout.pass_path("live", gold["data"]["doc"]))[1:]
        assert got == expected_gold  # span by span, ids and attributes included


def test_suggested_mentions_reach_label_studio_as_predictions_and_come_back_once_accepted(server, corpus_copy, tmp_path):
    """kashcorpus suggest writes a pass; exported, its mentions are predictions whose entities are the registry's
    choices; the annotator accepts them in the UI (the annotation is the prediction's result) and imports them."""
    root = corpus_copy
    doc = add_hard_document(root)
    done = kashcorpus("suggest", doc, "--annotator", "registry", "--root", root)
    assert done.returncode == 0, done.stdout + done.stderr
    suggested = read_jsonl(Layout(root).pass_path("registry", doc))[1:]
    assert {"hamas", "lashkar-e-taiba"} <= {m["entity"] for m in suggested}
    config, tasks_file, export_file = tmp_path / "config.xml", tmp_path / "tasks.json", tmp_path / "export.json"
    assert kashcorpus("labelstudio", "config", "--root", root, "--out", config).returncode == 0
    done = kashcorpus("export", "labelstudio", doc, "--layer", "pass-registry", "--root", root, "--out", tasks_file)
    assert done.returncode == 0, done.stderr
    created = client(server, "create", config, tasks_file)
    stored = client(server, "predictions", created["tasks"][doc])
    chosen = sorted(r["value"]["choices"][0] for r in stored[0] if r["from_name"] == "entity" and r["type"] == "choices")
    assert chosen == sorted(m["entity"] for m in suggested)
    (tmp_path / "accepted.json").write_bytes(orjson.dumps(stored[0]))
    client(server, "annotate", created["tasks"][doc], tmp_path / "accepted.json")
    client(server, "export", created["project"], export_file)
    done = kashcorpus("labelstudio", "import", export_file, "--root", root, "--annotator", "reviewer")
    assert done.returncode == 0, done.stdout + done.stderr
    assert read_jsonl(Layout(root).pass_path("reviewer", doc))[1:] == suggested


def test_an_import_into_gold_that_would_undo_newer_gold_is_refused_after_a_real_label_studio_round(
        server, corpus_copy, tmp_path):
    root, doc = corpus_copy, "kash-001"
    config, tasks_file, export_file = tmp_path / "config.xml", tmp_path / "tasks.json", tmp_path / "export.json"
    assert kashcorpus("labelstudio", "config", "--out", config).returncode == 0
    done = kashcorpus("export", "labelstudio", doc, "--root", root, "--out", tasks_file)
    assert done.returncode == 0, done.stderr
    (task,) = orjson.loads(tasks_file.read_bytes())
    created = client(server, "create", config, tasks_file)

    # in Label Studio: the annotator accepts the predictions but deletes one mention
    result = client(server, "predictions", created["tasks"][doc])[0]
    gold_before = read_jsonl(Layout(root).gold_path(doc))[1:]
    dropped = next(r["id"] for r in gold_before if r["type"] == "mention" and r["id"] != "m7")
    (tmp_path / "result.json").write_bytes(orjson.dumps([r for r in result if r.get("id") != dropped]))
    client(server, "annotate", created["tasks"][doc], tmp_path / "result.json")
    client(server, "export", created["project"], export_file)
    (exported,) = [t for t in orjson.loads(export_file.read_bytes()) if t["data"]["doc"] == doc]
    assert exported["data"]["kashcorpus"] == task["data"]["kashcorpus"]  # the server keeps the recorded state

    # meanwhile, in gold: a note changes and a claim is added
    assert kashcorpus("span", "set", doc, "m7", "note=checked by the lead", "--root", root).returncode == 0
    assert kashcorpus("span", "add", doc, "--layer", "claim", "--label", "event", "--quote",
                      "a significant event unfolded in Rawalakot", "--attr", "certainty=asserted",
                      "--attr", "checkworthy=false", "--attr", "asserted_by=author", "--root", root).returncode == 0
    gold_now = Layout(root).gold_path(doc).read_bytes()

    refused = kashcorpus("import", "labelstudio", export_file, "--as-layer", "gold", "--replace", "--root", root)
    assert refused.returncode == 1
    assert f"{doc} (gold): 0 to add, 1 to change, 2 to remove" in refused.stdout
    assert "~ mention m7 ORG 'Hamas': note 'checked by the lead' -> None" in refused.stdout
    assert f"- mention {dropped} " in refused.stdout
    assert "gold's changes since the export: 1 added, 1 changed, 0 removed" in refused.stdout
    assert "import-gold-moved-on" in refused.stderr and "nothing was written" in refused.stderr
    assert Layout(root).gold_path(doc).read_bytes() == gold_now

    merged = kashcorpus("import", "labelstudio", export_file, "--as-layer", "gold", "--replace", "--merge",
                        "--root", root)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    gold = {r["id"]: r for r in read_jsonl(Layout(root).gold_path(doc))[1:]}
    assert gold["m7"]["note"] == "checked by the lead" and dropped not in gold
    assert len(gold) == len(gold_before)  # one mention removed in Label Studio, one claim added in gold

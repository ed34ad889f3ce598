"""Label Studio: the config, tasks out, exports back in (current, legacy, UTF-16, CRLF), never shifting a span."""
from __future__ import annotations

import copy
import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path

import orjson
from hypothesis import given
from strategies import corpora

from kashcorpus.cli import main
from kashcorpus.convert.common import Annotated
from kashcorpus.convert.labelstudio import (from_labelstudio, import_tasks, labeling_config, to_labelstudio,
                                            utf16_length)
from kashcorpus.io import dumps_table, read_jsonl
from kashcorpus.layout import Layout
from kashcorpus.resources import taxonomy

FIXTURE = Path(__file__).parent / "fixtures" / "labelstudio" / "lsf_named_entity"


def as_exported(task: dict, annotators=(1,), key: str = "annotations", escape: bool = True) -> dict:
    """What Label Studio exports after annotators accepted the predictions: value.text with escaped newlines."""
    result = copy.deepcopy(task["predictions"][0]["result"])
    if escape:
        for r in result:
            if isinstance(r.get("value", {}).get("text"), str):
                r["value"]["text"] = r["value"]["text"].replace("\n", "\\n")
    out = {"id": 7, "data": task["data"], key: [], "predictions": [11]}
    for k, who in enumerate(annotators):
        out[key].append({"id": 100 + k, "completed_by": who, "result": copy.deepcopy(result), "was_cancelled": False})
    return out


def add_document(root: Path, doc: str, text: str) -> None:
    layout = Layout(root)
    data = text.encode("utf-8")
    layout.text_path(doc).write_bytes(data)
    metas = read_jsonl(layout.documents_file)
    meta = dict(metas[0], id=doc, sha256=hashlib.sha256(data).hexdigest(), length=len(text), bytes=len(data))
    layout.documents_file.write_bytes(dumps_table(metas + [meta], "document"))


def test_the_config_is_xml_with_every_label_of_the_taxonomy():
    root = ET.fromstring(labeling_config())
    tax = taxonomy()
    labels = {c.get("name"): [x.get("value") for x in c] for c in root.iter("Labels")}
    assert labels["zone"] == list(tax["zone"]) and labels["mention"] == list(tax["mention"])
    assert labels["attribution"] == ["source", "cue", "content"]
    choices = {c.get("name"): [x.get("value") for x in c] for c in root.iter("Choices")}
    assert choices["certainty"] == list(tax["certainty"]) and choices["source_type"] == list(tax["source_type"])
    assert all(c.get("perRegion") == "true" for c in root.iter("Choices"))
    assert {t.get("name") for t in root.iter("TextArea")} == {"entity", "source_entity", "note"}  # no registry given
    assert [r.get("value") for r in root.iter("Relation")] == ["source", "cue", "parent", "attribution"]


def test_the_entity_of_a_mention_is_chosen_from_the_registry_not_typed():
    registry = read_jsonl(Layout(Path(__file__).resolve().parent.parent).entities_file)
    root = ET.fromstring(labeling_config(reversed(registry)))
    choices = {c.get("name"): c for c in root.iter("Choices")}
    ids = sorted(e["id"] for e in registry)
    for name in ("entity", "source_entity"):
        assert [x.get("value") for x in choices[name]] == ids
        assert choices[name].get("perRegion") == "true" and choices[name].get("choice") == "single"
    hamas = next(e for e in registry if e["id"] == "hamas")
    assert next(x for x in choices["entity"] if x.get("value") == "hamas").get("hint") == f"{hamas['name']} (ORG)"
    assert {t.get("name") for t in root.iter("TextArea")} == {"note"}


@given(corpora(max_docs=2))
def test_export_then_import_gives_back_exactly_the_same_records(corpus):
    for d in corpus.docs:
        task = to_labelstudio(Annotated(d.id, d.text, d.records))
        (got,) = from_labelstudio(as_exported(task), d.text, d.id)
        assert got.problems == []
        assert sorted(got.records, key=lambda r: r["id"]) == sorted(d.records, key=lambda r: r["id"])


@given(corpora(max_docs=1))
def test_a_legacy_utf16_export_is_detected_and_read_as_code_points(corpus):
    d = corpus.docs[0]
    task = to_labelstudio(Annotated(d.id, d.text, d.records), offsets="utf16")
    (got,) = from_labelstudio(as_exported(task, key="completions"), d.text, d.id)
    assert got.problems == []
    assert sorted(got.records, key=lambda r: r["id"]) == sorted(d.records, key=lambda r: r["id"])
    if utf16_length(d.text) != len(d.text) and d.records:
        assert got.offsets in ("utf16", "utf16-lf")


def without_edges_inside_crlf(text: str, records: list[dict]) -> list[dict]:
    """The records whose every edge can be said in LF-only offsets (and what they refer to is kept too)."""
    def ok(span):
        return all(not (0 < x < len(text) and text[x - 1] == "\r" and text[x] == "\n") for x in (span["start"], span["end"]))

    keep = [r for r in records if all(ok(s) for s in ([r[p] for p in ("source", "cue", "content") if r[p]]
                                                       if r["type"] == "attribution" else [r]))]
    while True:
        ids = {r["id"] for r in keep}
        kept = [r for r in keep if r.get("attribution", None) in ids | {None} and r.get("parent", None) in ids | {None}]
        if len(kept) == len(keep):
            return kept
        keep = kept


@given(corpora(max_docs=1))
def test_a_task_whose_text_lost_its_carriage_returns_is_read_on_lf_offsets(corpus):
    d = corpus.docs[0]
    records = without_edges_inside_crlf(d.text, d.records)
    task = to_labelstudio(Annotated(d.id, d.text, records), offsets="lf")
    task["data"]["text"] = d.text.replace("\r\n", "\n")
    (got,) = from_labelstudio(as_exported(task), d.text, d.id)
    assert got.problems == []
    assert sorted(got.records, key=lambda r: r["id"]) == sorted(records, key=lambda r: r["id"])


def test_a_claim_whose_attribution_was_rejected_is_reported_not_stripped():
    text = "Analysts said Hamas met Lashkar."
    doc = Annotated("d", text, [
        {"type": "claim", "id": "c1", "start": 14, "end": 31, "text": "Hamas met Lashkar", "claim_type": "event",
         "certainty": "reported", "checkworthy": True, "asserted_by": "attributed", "attribution": "a1"},
        {"type": "attribution", "id": "a1", "source": {"start": 0, "end": 8, "text": "Analysts"},
         "source_type": "collective", "source_entity": None, "cue": None,
         "content": {"start": 14, "end": 31, "text": "Hamas met Lashkar"}, "parent": None}])
    task = as_exported(to_labelstudio(doc))
    for r in task["annotations"][0]["result"]:
        if r.get("id") == "a1-source" and r["type"] == "labels":
            r["value"]["start"] = 1
    (got,) = from_labelstudio(task, text, "d")
    assert got.records == []
    assert sorted(p.code for p in got.problems) == ["import-depends-on-rejected", "import-depends-on-rejected", "import-span-mismatch"]


def mention_task(text: str, start: int, end: int, label: str = "ORG", who=1) -> dict:
    return {"id": 3, "data": {"text": text}, "annotations": [{"id": 9, "completed_by": who, "result": [
        {"id": "r1", "from_name": "mention", "to_name": "text", "type": "labels",
         "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}]}]}


def test_a_shifted_span_is_reported_and_not_imported():
    text = "Hamas met Lashkar in Lahore."
    task = mention_task(text, 10, 17)
    task["annotations"][0]["result"][0]["value"].update(start=11, end=18)
    (got,) = from_labelstudio(task, text, "d", offsets="codepoints")
    assert got.records == []
    assert [p.code for p in got.problems] == ["import-span-mismatch"]
    assert "'ashkar '" in got.problems[0].message and "'Lashkar'" in got.problems[0].message


def test_a_region_past_the_end_of_the_text_is_reported():
    task = mention_task("Hamas", 0, 5)
    task["annotations"][0]["result"][0]["value"].update(start=3, end=9)
    (got,) = from_labelstudio(task, "Hamas", "d")
    assert got.records == [] and got.problems[0].code == "import-span-out-of-range"


def test_an_unknown_label_is_reported_with_a_way_out():
    (got,) = from_labelstudio(mention_task("Hamas met", 0, 5, label="Money"), "Hamas met", "d")
    assert got.records == [] and got.problems[0].code == "import-unknown-label"
    (got,) = from_labelstudio(mention_task("Hamas met", 0, 5, label="Money"), "Hamas met", "d", label_map={"Money": "ORG"})
    assert [r["label"] for r in got.records] == ["ORG"]


def test_a_claim_without_its_attributes_is_reported():
    text = "Hamas met Lashkar."
    task = mention_task(text, 0, 17)
    task["annotations"][0]["result"][0].update(from_name="claim")
    task["annotations"][0]["result"][0]["value"]["labels"] = ["claim"]
    (got,) = from_labelstudio(task, text, "d")
    assert got.records == [] and got.problems[0].code == "import-incomplete"


def test_the_label_studio_fixture_imports():
    (task,) = orjson.loads((FIXTURE / "annotations_1.json").read_bytes()) if False else [
        orjson.loads((FIXTURE / "annotations_1.json").read_bytes())]
    text = task["data"]["text"]
    (got,) = from_labelstudio(task, text, "lsf")
    assert got.problems == []
    assert got.records == [{"type": "mention", "id": "m1", "start": 343, "end": 354, "text": "February 22",
                            "label": "DATE", "entity": None}]


def test_the_label_studio_fixture_imports_into_a_corpus(corpus_copy, capsys):
    task = orjson.loads((FIXTURE / "annotations_1.json").read_bytes())
    add_document(corpus_copy, "lsf-named-entity", task["data"]["text"])
    code = main(["labelstudio", "import", str(FIXTURE / "annotations_1.json"), "--root", str(corpus_copy),
                 "--annotator", "lsf"])
    assert code == 0, capsys.readouterr()
    recs = read_jsonl(Layout(corpus_copy).pass_path("lsf", "lsf-named-entity"))
    assert [(r["start"], r["end"], r["text"], r["label"]) for r in recs[1:]] == [(343, 354, "February 22", "DATE")]


def test_several_annotators_become_separate_layers(corpus_copy):
    text = Layout(corpus_copy).text_path("kash-000").read_text(encoding="utf-8")
    start = text.index("Hamas")
    task = mention_task(text, start, start + 5)
    task["data"]["doc"] = "kash-000"
    second = copy.deepcopy(task["annotations"][0])
    second.update(id=10, completed_by={"id": 2, "email": "b.two@example.org"})
    task["annotations"].append(second)
    report = import_tasks(corpus_copy, [task])
    assert report.ok, report.problems
    assert report.commit() == ["annotations/passes/b-two/kash-000.jsonl", "annotations/passes/user-1/kash-000.jsonl"]
    gold = import_tasks(corpus_copy, [task], as_layer="gold")
    assert any(p.code == "import-several-annotations" for p in gold.problems)


def test_an_import_with_a_bad_span_writes_nothing(corpus_copy, tmp_path, capsys):
    text = Layout(corpus_copy).text_path("kash-000").read_text(encoding="utf-8")
    start = text.index("Hamas")
    good = mention_task(text, start, start + 5)
    good["data"]["doc"] = "kash-000"
    bad = copy.deepcopy(good)
    bad["annotations"][0]["result"][0]["value"]["start"] += 1
    bad["data"] = {"doc": "kash-001", "text": "x"}
    export = tmp_path / "export.json"
    export.write_bytes(orjson.dumps([good, bad]))
    before = sorted(p for p in (corpus_copy / "annotations").rglob("*") if p.is_file())
    assert main(["labelstudio", "import", str(export), "--root", str(corpus_copy), "--annotator", "x"]) == 1
    err = capsys.readouterr().err
    assert "import-span-mismatch" in err or "import-text-differs" in err
    assert "nothing was written" in err
    assert sorted(p for p in (corpus_copy / "annotations").rglob("*") if p.is_file()) == before


def test_the_cli_writes_the_config_and_tasks(corpus_copy, tmp_path, capsys):
    assert main(["labelstudio", "config"]) == 0
    assert capsys.readouterr().out.startswith("<View>")
    out = tmp_path / "tasks.json"
    assert main(["labelstudio", "export", "kash-000", "--root", str(corpus_copy), "--out", str(out)]) == 0
    (task,) = orjson.loads(out.read_bytes())
    assert task["data"]["doc"] == "kash-000" and task["predictions"][0]["model_version"] == "kashcorpus"
    assert main(["labelstudio", "export", "nope", "--root", str(corpus_copy), "--out", str(out)]) == 2


def test_a_file_that_is_not_an_export_is_a_data_error(corpus_copy, tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text('{"a": 1}')
    assert main(["labelstudio", "import", str(bad), "--root", str(corpus_copy)]) == 1
    assert "not a Label Studio JSON export" in capsys.readouterr().err


# -- what blocks an import, and what is reported and skipped ------------------------------------------------

def ls_export(root: Path, docs: list[str]) -> list[dict]:
    """The corpus's tasks as a Label Studio 1.23.2 JSON export returns them after annotators worked on them.

    The shape of each annotation follows Label Studio's own: the fields of an annotation in its task format
    (docs/source/guide/task_format.md: ``id``, ``result``, ``was_cancelled``, ``ground_truth``, ``created_at``,
    ``updated_at``, ``lead_time``, ``result_count``, ``task``, ``completed_by``) and ``completed_by`` as the
    JSON export serialises it (label_studio/data_export/serializers.py, ``CompletedBySerializer``: ``id``,
    ``email``, ``first_name``, ``last_name``). A skipped task is an annotation with ``was_cancelled: true`` and an
    empty result (the Skip button); "Update" after "Submit" on a new annotation tab gives a second annotation
    with the same ``completed_by``. Every task starts with one submitted annotation by ann.lee that accepts the
    predictions as they were sent.
    """
    from kashcorpus.convert.labelstudio import export_tasks
    from kashcorpus.convert.labelstudio.tasks import task_json

    out = []
    for n, task in enumerate(export_tasks(root, docs), 1):
        t = orjson.loads(orjson.dumps(task_json(task)))
        result = t.pop("predictions")[0]["result"]
        t.update(id=n, created_at="2026-11-30T09:00:00.000000Z", updated_at="2026-11-30T10:00:00.000000Z",
                 project=1, predictions=[], annotations=[annotation(100 + n, n, LEE, result)])
        out.append(t)
    return out


LEE = {"id": 1, "email": "ann.lee@example.org", "first_name": "Ann", "last_name": "Lee"}
RAO = {"id": 2, "email": "k.rao@example.org", "first_name": "K", "last_name": "Rao"}


def annotation(aid: int, task: int, who: dict, result: list, cancelled: bool = False, at: str = "10:00") -> dict:
    return {"id": aid, "result": [] if cancelled else copy.deepcopy(result), "was_cancelled": cancelled,
            "ground_truth": False, "created_at": f"2026-11-30T{at}:00.000000Z", "updated_at": f"2026-11-30T{at}:00.000000Z",
            "draft_created_at": None, "lead_time": 41.2, "prediction": {}, "result_count": 0 if cancelled else len(result),
            "unique_id": f"5f1c{aid:04d}", "import_id": None, "last_action": None, "bulk_created": False,
            "task": task, "project": 1, "updated_by": who["id"], "parent_prediction": None, "parent_annotation": None,
            "last_created_by": None, "completed_by": dict(who)}


def test_a_skipped_task_and_a_second_annotation_by_one_user_are_reported_and_skipped_not_blocking(corpus_copy):
    tasks = ls_export(corpus_copy, ["kash-000", "kash-001", "kash-002"])
    kept = tasks[0]["annotations"][0]["result"]
    tasks[1]["annotations"] = [annotation(201, 2, LEE, [], cancelled=True)]  # ann.lee skipped kash-001
    gone = next(r["id"] for r in reversed(kept) if r.get("from_name") == "mention")
    again = annotation(202, 1, LEE, [r for r in kept if r.get("id") != gone], at="11:30")  # later, one mention less
    tasks[0]["annotations"].append(again)
    tasks[2]["annotations"].append(annotation(203, 3, RAO, [], cancelled=True))  # k.rao skipped kash-002
    report = import_tasks(corpus_copy, tasks, replace=True)
    codes = sorted(p.code for p in report.problems)
    assert codes == ["import-cancelled", "import-cancelled", "import-repeated-annotation"], report.problems
    assert report.blocking == [] and report.ok, [f.message for f in report.findings]
    assert any("k-rao" in p.message for p in report.skipped) and any("ann-lee" in p.message for p in report.skipped)
    written = report.commit()
    assert written == ["annotations/passes/ann-lee/kash-000.jsonl", "annotations/passes/ann-lee/kash-002.jsonl"]
    recs = read_jsonl(Layout(corpus_copy).pass_path("ann-lee", "kash-000"))[1:]
    assert len(recs) == len(read_jsonl(Layout(corpus_copy).layer_path("kash-000", "gold"))) - 2  # the later one
    assert gone not in {r["id"] for r in recs}
    report.strict = True
    assert not report.ok and len(report.blocking) == 3


def test_a_skip_is_reported_whichever_annotator_is_imported(corpus_copy):
    tasks = ls_export(corpus_copy, ["kash-000"])
    tasks[0]["annotations"].append(annotation(301, 1, RAO, [], cancelled=True))
    tasks[0]["annotations"].append(annotation(302, 1, {**RAO, "id": 3, "email": "z.x@example.org"},
                                              tasks[0]["annotations"][0]["result"]))
    for who in ("ann-lee", "z-x"):
        report = import_tasks(corpus_copy, tasks, annotator=who, replace=True)
        assert [p.code for p in report.problems] == ["import-cancelled"] and report.ok


def test_a_span_off_the_text_still_blocks_with_skips_around_it(corpus_copy):
    tasks = ls_export(corpus_copy, ["kash-000", "kash-001"])
    tasks[1]["annotations"] = [annotation(201, 2, LEE, [], cancelled=True)]
    region = next(r for r in tasks[0]["annotations"][0]["result"] if r.get("type") == "labels")
    region["value"]["start"] += 1
    report = import_tasks(corpus_copy, tasks, replace=True)
    assert [p.code for p in report.blocking] == ["import-span-mismatch"] and not report.ok


def test_a_task_naming_an_unknown_document_is_imported_by_its_text_with_a_warning(corpus_copy, capsys, tmp_path):
    tasks = ls_export(corpus_copy, ["kash-000"])
    tasks[0]["data"]["doc"] = "kash-0"
    path = tmp_path / "export.json"
    path.write_bytes(orjson.dumps(tasks))
    args = ["import", "labelstudio", str(path), "--root", str(corpus_copy), "--annotator", "lee"]
    assert main([*args, "--strict"]) == 1
    err = capsys.readouterr().err
    assert "import-document-by-text" in err and "'kash-0'" in err and "nothing was written" in err
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert "skipped: kash-000 task 1: import-document-by-text" in err and "1 annotation file imported, 1 skipped" in out
    assert Layout(corpus_copy).pass_path("lee", "kash-000").exists()


def test_the_command_line_imports_around_a_skip_and_strict_refuses(corpus_copy, capsys, tmp_path):
    tasks = ls_export(corpus_copy, ["kash-000", "kash-001"])
    tasks[1]["annotations"] = [annotation(201, 2, LEE, [], cancelled=True)]
    path = tmp_path / "export.json"
    path.write_bytes(orjson.dumps(tasks))
    base = ["import", "labelstudio", str(path), "--root", str(corpus_copy), "--as-layer", "gold", "--replace"]
    assert main([*base, "--strict"]) == 1
    assert "--strict: warnings block too" in capsys.readouterr().err
    assert main(base) == 0
    out, err = capsys.readouterr()
    assert "skipped: kash-001 task 2, annotation 201: import-cancelled" in err
    assert "1 annotation file imported (1 unchanged), 1 skipped" in out and "kash-001" not in out


# -- imports keep the registry's aliases, as span add does ----------------------------------------------------

def with_new_mention(task: dict, text: str, word: str, label: str, entity: str) -> None:
    """The annotator draws one more mention region and types its entity (the per-region TextArea)."""
    start = text.index(word)
    value = {"start": start, "end": start + len(word)}
    result = task["annotations"][0]["result"]
    result.append({"id": "Xk3vQ9", "from_name": "mention", "to_name": "text", "type": "labels", "origin": "manual",
                   "value": {**value, "text": word, "labels": [label]}})
    result.append({"id": "Xk3vQ9", "from_name": "entity", "to_name": "text", "type": "textarea", "origin": "manual",
                   "value": {**value, "text": [entity]}})


def test_a_gold_import_linking_a_new_surface_form_adds_the_alias_instead_of_deadlocking(corpus_copy, tmp_path, capsys):
    from kashcorpus.annotate import entity_alias
    from kashcorpus.errors import ChangeRefused
    from kashcorpus.validate import validate

    text = Layout(corpus_copy).text_path("kash-000").read_text(encoding="utf-8")
    tasks = ls_export(corpus_copy, ["kash-000"])
    with_new_mention(tasks[0], text, "jihadist", "NORP", "islamists")
    try:  # the registry alone refuses the alias: no gold mention uses it yet
        entity_alias(corpus_copy, "islamists", "jihadist")
        raise AssertionError("entity alias accepted an alias no mention uses")
    except ChangeRefused as e:
        assert "alias-not-in-corpus" in str(e)
    from kashcorpus.store import Change

    plans = import_tasks(corpus_copy, tasks, as_layer="gold", replace=True).plans
    try:  # and the gold file alone, written without its alias, is refused: the deadlock imports used to hit
        with Change(corpus_copy, [p.path for p in plans]) as ch:
            for p in plans:
                ch.stage(p.path, p.data)
        raise AssertionError("a gold mention without its alias was accepted")
    except ChangeRefused as e:
        assert "mention-text-not-alias" in str(e)
    path = tmp_path / "export.json"
    path.write_bytes(orjson.dumps(tasks))
    code = main(["import", "labelstudio", str(path), "--root", str(corpus_copy), "--as-layer", "gold", "--replace"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "note: alias 'jihadist' added to entity islamists" in out
    entity = next(e for e in read_jsonl(Layout(corpus_copy).entities_file) if e["id"] == "islamists")
    assert "jihadist" in entity["aliases"]
    assert any(r.get("text") == "jihadist" and r.get("entity") == "islamists"
               for r in read_jsonl(Layout(corpus_copy).gold_path("kash-000")))
    assert validate(corpus_copy).ok


def test_a_pass_import_leaves_the_registry_alone(corpus_copy):
    text = Layout(corpus_copy).text_path("kash-000").read_text(encoding="utf-8")
    tasks = ls_export(corpus_copy, ["kash-000"])
    with_new_mention(tasks[0], text, "jihadist", "NORP", "islamists")
    before = Layout(corpus_copy).entities_file.read_bytes()
    report = import_tasks(corpus_copy, tasks)
    assert report.ok and report.commit() == ["annotations/passes/ann-lee/kash-000.jsonl"]
    assert Layout(corpus_copy).entities_file.read_bytes() == before and report.notes == []


def test_a_region_drawn_twice_is_an_identical_twin_and_blocks_the_import(corpus_copy):
    tasks = ls_export(corpus_copy, ["kash-000"])
    result = tasks[0]["annotations"][0]["result"]
    first = next(r for r in result if r.get("from_name") == "mention")
    result += [dict(copy.deepcopy(r), id="Twin01") for r in result if r.get("id") == first["id"]]
    report = import_tasks(corpus_copy, tasks, annotator="lee")
    assert not report.ok and report.problems == []
    assert [f.code for f in report.findings if f.severity == "error"] == ["duplicate-record"]


def test_an_unknown_label_is_reported_once_per_label_with_the_label_map_spelled_out():
    task = orjson.loads((FIXTURE / "annotations_1.json").read_bytes())
    text = task["data"]["text"]
    region = task["annotations"][0]["result"][0]
    for k, word in enumerate(("Comissaria Smith", "Bahia")):
        s = text.index(word)
        task["annotations"][0]["result"].append(dict(copy.deepcopy(region), id=f"org{k}", value={
            "start": s, "end": s + len(word), "text": word, "labels": ["Organization"]}))
    (got,) = from_labelstudio(task, text, "lsf")
    unknown = [p for p in got.problems if p.code == "import-unknown-label"]
    assert len(unknown) == 1 and "2 regions (org0, org1)" in unknown[0].message
    assert "--label-map Organization=ORG" in unknown[0].message


def test_a_long_region_that_does_not_match_is_shown_around_the_difference_not_twice_whole(corpus_copy):
    tasks = ls_export(corpus_copy, ["kash-000"])
    zone = next(r for r in tasks[0]["annotations"][0]["result"] if r.get("from_name") == "zone"
                and len(r["value"]["text"]) > 500)
    zone["value"]["text"] = zone["value"]["text"][:300] + "X" + zone["value"]["text"][301:]
    report = import_tasks(corpus_copy, tasks)
    (p,) = [p for p in report.problems if p.code == "import-span-mismatch"]
    assert "differ at character 301" in p.message and len(p.message) < 300


def test_an_import_with_a_mention_inside_another_is_refused_naming_both_and_writes_nothing(corpus_copy, tmp_path,
                                                                                            capsys):
    text = Layout(corpus_copy).text_path("kash-000").read_text(encoding="utf-8")
    start = text.index("Al Aqsa Flood")
    task = mention_task(text, start, start + len("Al Aqsa Flood"), label="EVENT")
    inner = copy.deepcopy(task["annotations"][0]["result"][0])
    inner["id"] = "r2"
    inner["value"].update(start=start, end=start + len("Al Aqsa"), text="Al Aqsa", labels=["FAC"])
    task["annotations"][0]["result"].append(inner)
    task["data"]["doc"] = "kash-000"
    export = tmp_path / "export.json"
    export.write_bytes(orjson.dumps([task]))
    before = sorted(p for p in (corpus_copy / "annotations").rglob("*") if p.is_file())
    assert main(["import", "labelstudio", str(export), "--root", str(corpus_copy), "--annotator", "x"]) == 1
    err = capsys.readouterr().err
    assert "mention-overlap" in err and "nothing was written" in err
    assert f"'Al Aqsa Flood' overlaps mention m1 [{start}, {start + 7}) 'Al Aqsa'" in err
    assert sorted(p for p in (corpus_copy / "annotations").rglob("*") if p.is_file()) == before


def test_the_config_of_a_pass_with_its_own_registry_offers_that_registry(corpus_copy, tmp_path):
    layout = Layout(corpus_copy)
    own = read_jsonl(layout.registry_file("pass-annotator-d"))
    assert layout.registry_file("pass-annotator-d") != layout.entities_file
    for layer, registry in (("pass-annotator-d", own), ("gold", read_jsonl(layout.entities_file))):
        out = tmp_path / f"{layer}.xml"
        assert main(["labelstudio", "config", "--root", str(corpus_copy), "--layer", layer, "--out", str(out)]) == 0
        entity = ET.fromstring(out.read_text(encoding="utf-8")).find(".//Choices[@name='entity']")
        assert [c.get("value") for c in entity] == sorted(e["id"] for e in registry)

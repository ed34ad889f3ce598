"""Import inputs for the benchmark: a long document and N mention regions over it, as a Label Studio export and a brat folder.

The files have the shape of real ones (tests/fixtures): a Label Studio JSON export is a list of tasks whose
``annotations[].result[]`` holds ``labels`` regions with Label Studio's own random-looking ids (and a
per-region ``note`` textarea on every tenth); a brat folder holds ``<doc>.txt`` beside ``<doc>.ann`` of
numbered T lines (and an ``AnnotatorNotes`` line on every tenth), with the three .conf files. The corpus
they import into is a one-document ``kashcorpus synth`` corpus with the long document added.

    >>> text, regions = long_text(5)
    >>> [(text[s:e] == t) for s, e, t, _label in regions]
    [True, True, True, True, True]
"""
from __future__ import annotations

import hashlib
import random
import string
from pathlib import Path

import orjson

DOC = "bench-import"
ANNOTATOR = "bench"  # the pass the imports write (Label Studio: the e-mail's user part)
WORDS_PER_REGION = 3  # one region every third word: the text grows with the regions
NOTE_EVERY = 10  # every tenth region carries a note
SYLLABLES = ("ka", "lo", "mi", "ra", "te", "su", "vin", "dor", "an", "el", "is", "ur", "pa", "zen", "qua", "ti")
CREATED = "2026-01-05T09:30:00.000000Z"


def _labels() -> list[str]:
    from kashcorpus.resources import taxonomy

    return list(taxonomy()["mention"])


def long_text(regions: int, seed: int = 1) -> tuple[str, list[tuple[int, int, str, str]]]:
    """A news-like text (sentences, paragraphs, a dash now and then) and ``regions`` non-overlapping word spans
    ``(start, end, text, label)`` over it, in text order; offsets are code points."""
    rng = random.Random(seed)
    labels = _labels()
    parts: list[str] = []
    pos = 0
    spans: list[tuple[int, int, str, str]] = []
    words = 0
    sentence = 0
    while len(spans) < regions:
        n = rng.randint(8, 16)
        for k in range(n):
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
            if k == 0:
                word = word.capitalize()
            sep = "" if k == 0 else (" — " if k == n // 2 and sentence % 4 == 3 else " ")
            parts.append(sep)
            pos += len(sep)
            if words % WORDS_PER_REGION == 1 and len(spans) < regions:
                spans.append((pos, pos + len(word), word, labels[len(spans) % len(labels)]))
            parts.append(word)
            pos += len(word)
            words += 1
        end = ".\n\n" if sentence % 6 == 5 else ". "
        parts.append(end)
        pos += len(end)
        sentence += 1
    return "".join(parts).rstrip(" ") + "\n", spans


def _ls_id(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(10))


def _note(i: int) -> str:
    return f"bench note {i}: checked against the source"


def labelstudio_export(text: str, regions: list[tuple[int, int, str, str]], doc: str = DOC, seed: int = 1) -> bytes:
    """A Label Studio JSON export (one task, one annotation) holding every region as a ``labels`` result."""
    rng = random.Random(seed)
    result: list[dict] = []
    for i, (s, e, t, label) in enumerate(regions):
        rid = _ls_id(rng)
        result.append({"id": rid, "type": "labels", "value": {"start": s, "end": e, "text": t, "labels": [label]},
                       "origin": "manual", "to_name": "text", "from_name": "mention"})
        if i % NOTE_EVERY == 0:
            result.append({"id": rid, "type": "textarea", "value": {"start": s, "end": e, "text": [_note(i)]},
                           "origin": "manual", "to_name": "text", "from_name": "note"})
    task = {"id": 1, "annotations": [{
        "id": 1, "completed_by": {"id": 1, "email": f"{ANNOTATOR}@example.org", "first_name": "", "last_name": ""},
        "result": result, "was_cancelled": False, "ground_truth": False, "created_at": CREATED, "updated_at": CREATED,
        "draft_created_at": None, "lead_time": 3600.0, "prediction": {}, "result_count": 0, "unique_id": _ls_id(rng),
        "import_id": None, "last_action": None, "task": 1, "project": 1, "updated_by": 1, "parent_prediction": None,
        "parent_annotation": None, "last_created_by": None}],
        "file_upload": "bench-import.json", "drafts": [], "predictions": [], "data": {"text": text, "doc": doc},
        "meta": {}, "created_at": CREATED, "updated_at": CREATED, "inner_id": 1, "total_annotations": 1,
        "cancelled_annotations": 0, "total_predictions": 0, "comment_count": 0, "unresolved_comment_count": 0,
        "last_comment_updated_at": None, "project": 1, "updated_by": 1, "comment_authors": []}
    return orjson.dumps([task], option=orjson.OPT_INDENT_2)


def brat_ann(regions: list[tuple[int, int, str, str]]) -> str:
    """A brat .ann file: a numbered T line per region, an ``AnnotatorNotes`` line on every tenth."""
    lines = []
    notes = 0
    for i, (s, e, t, label) in enumerate(regions):
        lines.append(f"T{i + 1}\t{label} {s} {e}\t{t}")
        if i % NOTE_EVERY == 0:
            notes += 1
            lines.append(f"#{notes}\tAnnotatorNotes T{i + 1}\t{_note(i)}")
    return "\n".join(lines) + "\n"


def write_brat(folder: Path, text: str, regions: list[tuple[int, int, str, str]], doc: str = DOC) -> None:
    """``<doc>.txt`` and ``<doc>.ann`` with the three .conf files brat reads beside them."""
    from kashcorpus.convert.brat import annotation_conf, tools_conf, visual_conf

    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{doc}.txt").write_bytes(text.encode("utf-8"))
    (folder / f"{doc}.ann").write_bytes(brat_ann(regions).encode("utf-8"))
    (folder / "annotation.conf").write_text(annotation_conf(), encoding="utf-8")
    (folder / "visual.conf").write_text(visual_conf(), encoding="utf-8")
    (folder / "tools.conf").write_text(tools_conf(), encoding="utf-8")


def make_corpus(root: Path, text: str, doc: str = DOC) -> None:
    """A valid corpus at ``root`` (no finding at all): one synthetic document, and ``doc`` with ``text`` and a gold
    file of only its header."""
    from kashcorpus.io import dumps_annotation_file, dumps_table, read_jsonl
    from kashcorpus.layout import Layout
    from kashcorpus.resources import schema_version
    from kashcorpus.synth import synth

    synth(root, docs=1, seed=1)
    layout = Layout(root)
    data = text.encode("utf-8")
    layout.text_path(doc).write_bytes(data)
    unknown = {"value": None, "evidence": None, "reason": "benchmark document"}
    meta = {"id": doc, "seed_file": f"{doc}.txt", "sha256": hashlib.sha256(data).hexdigest(), "length": len(text),
            "bytes": len(data), "language": "en", "title": unknown, "publisher": unknown, "author": unknown,
            "date": {"value": None, "precision": None, "basis": "unknown", "evidence": None, "reason": "benchmark document"},
            "genre": {"value": "news-report", "evidence": None}, "rights": "Synthetic text, CC0."}
    layout.documents_file.write_bytes(dumps_table([*read_jsonl(layout.documents_file), meta], "document"))
    header = {"type": "header", "doc": doc, "layer": "gold", "text_sha256": meta["sha256"], "schema_version": schema_version()}
    layout.gold_path(doc).write_bytes(dumps_annotation_file([header]))
    if layout.links_file.exists() and not layout.links_file.stat().st_size:
        layout.links_file.unlink()  # synth writes an empty links file when it has no links, which the validator refuses
    (root / "injected.json").unlink(missing_ok=True)


def write_inputs(work: Path, regions: int) -> dict[str, Path]:
    """The corpus and both import sources for ``regions`` regions under ``work``: ``{"corpus", "labelstudio", "brat"}``."""
    text, spans = long_text(regions)
    work.mkdir(parents=True, exist_ok=True)
    make_corpus(work / "corpus", text)
    (work / "labelstudio.json").write_bytes(labelstudio_export(text, spans))
    write_brat(work / "brat", text, spans)
    return {"corpus": work / "corpus", "labelstudio": work / "labelstudio.json", "brat": work / "brat"}


def write_hostile(work: Path, megabytes: int) -> dict[str, Path]:
    """Hostile import inputs of at least ``megabytes`` MB each for one document of the corpus made here: a Label
    Studio export whose annotation repeats one region over and over (a broken session's export), and a brat
    ``.ann`` of numbered T lines over the same few words again and again; ``{"corpus", "labelstudio", "brat"}``.
    """
    text, spans = long_text(100)
    work.mkdir(parents=True, exist_ok=True)
    make_corpus(work / "corpus", text)
    (task,) = orjson.loads(labelstudio_export(text, spans[:1]))
    region = task["annotations"][0]["result"][0]
    size = len(orjson.dumps(region)) + 1
    task["annotations"][0]["result"] = [region] * (megabytes * 2**20 // size + 1)
    (work / "labelstudio.json").write_bytes(orjson.dumps([task]))
    lines: list[str] = []
    total, i = 0, 0
    while total < megabytes * 2**20:
        s, e, t, label = spans[i % len(spans)]
        i += 1
        lines.append(f"T{i}\t{label} {s} {e}\t{t}")
        total += len(lines[-1]) + 1
    write_brat(work / "brat", text, [])
    (work / "brat" / f"{DOC}.ann").write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return {"corpus": work / "corpus", "labelstudio": work / "labelstudio.json", "brat": work / "brat"}

"""The dataset folder: every config loads offline (streaming and not) with its ClassLabels, and builds are byte-identical."""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from kashcorpus.build import CONFIGS, build, ner_tag_names
from kashcorpus.resources import taxonomy


def annotate_sample(root: Path) -> None:
    """Write small, valid gold annotations of every layer into the corpus copy at ``root``."""
    from kashcorpus.io import Layout, atomic_write, dumps_annotation_file, dumps_table, read_jsonl, read_text

    layout = Layout(root)
    metas = sorted(read_jsonl(layout.documents_file), key=lambda m: m["id"])
    entities = {"hamas": {"id": "hamas", "name": "Hamas", "type": "ORG", "aliases": ["Hamas"],
                          "description": "Palestinian Islamist organisation.", "external_ids": {"wikidata": "Q38867"}},
                "pakistan-occupied-kashmir": {"id": "pakistan-occupied-kashmir", "name": "Pakistan-occupied Kashmir",
                                              "type": "GPE", "aliases": ["PoK"], "description": "Region."}}
    for meta in metas:
        doc = meta["id"]
        text = read_text(layout.text_path(doc))
        header = read_jsonl(layout.gold_path(doc))[0]
        recs = [header, {"type": "zone", "id": "z1", "start": 0, "end": len(text), "text": text, "label": "body"}]
        hits = sorted([(m.start(), m.end(), "ORG", "hamas") for m in re.finditer(r"\bHamas\b", text)]
                      + [(m.start(), m.end(), "GPE", "pakistan-occupied-kashmir")
                         for m in re.finditer(r"\bPoK\b", text)])
        for i, (s, e, label, ent) in enumerate(hits, 1):
            recs.append({"type": "mention", "id": f"m{i}", "start": s, "end": e, "text": text[s:e], "label": label,
                         "entity": ent})
        line = next(m for m in re.finditer(r"[^\s][^\n]*[^\s]", text) if len(m.group()) > 30)
        span = {"start": line.start(), "end": line.end(), "text": line.group()}
        recs.append({"type": "claim", "id": "c1", **span, "claim_type": "event", "certainty": "reported",
                     "checkworthy": True, "asserted_by": "attributed", "attribution": "a1", "note": "sample"})
        recs.append({"type": "attribution", "id": "a1", "source": None, "source_type": "anonymous",
                     "source_entity": None, "cue": None, "content": span, "parent": None})
        atomic_write(layout.gold_path(doc), dumps_annotation_file(recs))
    docs = [m["id"] for m in metas]
    links = [{"id": "event-sample", "type": "event", "description": "Sample event.", "entity": None,
              "members": [f"{d}#m1" for d in docs[:2]], "pairs": []},
             {"id": "claim-sample", "type": "claim", "description": "Sample claim.", "entity": None,
              "members": [f"{d}#c1" for d in docs[:2]],
              "pairs": [{"a": f"{docs[0]}#c1", "b": f"{docs[1]}#c1", "relation": "conflict", "note": "differs"}]}]
    atomic_write(layout.entities_file, dumps_table(entities.values(), "entity"))
    atomic_write(layout.links_file, dumps_table(links, "link"))


def jsonl_counts(root: Path) -> dict[str, int]:
    """Rows each config must have, counted straight from the JSON Lines files."""
    lines = lambda p: [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]  # noqa: E731
    types = Counter(r["type"] for p in (root / "annotations" / "gold").glob("*.jsonl") for r in lines(p))
    docs = len(lines(root / "corpus" / "documents.jsonl"))
    opt = lambda p: len(lines(p)) if p.exists() else 0  # noqa: E731
    return {"documents": docs, "zones": types["zone"], "mentions": types["mention"], "claims": types["claim"],
            "attributions": types["attribution"], "entities": opt(root / "annotations" / "entities.jsonl"),
            "links": opt(root / "annotations" / "links.jsonl"), "ner": docs}


@pytest.fixture(scope="module")
def sample_dataset(tmp_path_factory, request) -> tuple[Path, Path]:
    """A corpus copy with annotations in every layer, and its built dataset folder."""
    import shutil

    root = tmp_path_factory.mktemp("sample") / "checkout"
    repo = Path(request.config.rootpath)
    for name in ("corpus", "annotations"):
        shutil.copytree(repo / name, root / name)
    for p in (root / "annotations" / "gold").glob("*.jsonl"):  # keep only the header of each gold file
        p.write_text(p.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    annotate_sample(root)
    out = root.parent / "dataset"
    build(root, out)
    return root, out


def _load(folder: Path, name: str, cache: Path, **kw):
    import datasets

    datasets.disable_progress_bars()
    return datasets.load_dataset(str(folder), name, cache_dir=str(cache), **kw)


def _class_labels(features, prefix=""):
    from datasets import ClassLabel, List

    out = {}
    for k, v in features.items():
        while isinstance(v, List):
            v = v.feature
        if isinstance(v, ClassLabel):
            out[prefix + k] = v.names
        elif isinstance(v, dict):
            out.update(_class_labels(v, f"{prefix}{k}."))
    return out


EXPECTED_LABELS = {
    "documents": {"genre": "genre", "zones.label": "zone", "mentions.label": "mention",
                  "claims.claim_type": "claim_type", "claims.certainty": "certainty",
                  "claims.asserted_by": "asserted_by", "attributions.source_type": "source_type"},
    "zones": {"label": "zone"}, "mentions": {"label": "mention"},
    "claims": {"claim_type": "claim_type", "certainty": "certainty", "asserted_by": "asserted_by"},
    "attributions": {"source_type": "source_type"}, "entities": {"type": "mention"},
    "links": {"type": "link", "pairs.relation": "relation"}, "ner": {"ner_tags": None},
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_every_config_loads_offline_streaming_and_not_with_the_same_rows_and_class_labels(sample_dataset, name,
                                                                                          tmp_path):
    root, folder = sample_dataset
    ds = _load(folder, name, tmp_path / "a")["test"]
    streamed = _load(folder, name, tmp_path / "b", streaming=True)["test"]
    assert ds.num_rows == jsonl_counts(root)[name] > 0
    assert list(streamed) == list(ds)
    tax = taxonomy()
    want = {k: (list(tax[t]) if t else ner_tag_names()) for k, t in EXPECTED_LABELS[name].items()}
    assert _class_labels(ds.features) == want
    assert _class_labels(streamed.features) == want


def test_the_one_split_is_test_and_plain_datasets_answers_train_with_it(sample_dataset, tmp_path):
    _, folder = sample_dataset
    assert list(_load(folder, "mentions", tmp_path / "a")) == ["test"]
    assert sorted(p.name for p in (folder / "data" / "mentions").iterdir()) == ["test-00000-of-00001.parquet"]
    with pytest.raises(ValueError, match=r"Unknown split \"train\".*\['test'\]"):
        _load(folder, "mentions", tmp_path / "b", split="train")


def test_rows_carry_the_annotations_verbatim(sample_dataset, tmp_path):
    root, folder = sample_dataset
    mentions = _load(folder, "mentions", tmp_path)["test"]
    label = mentions.features["label"]
    from kashcorpus.io import read_jsonl
    gold = [r for p in sorted((root / "annotations" / "gold").glob("*.jsonl")) for r in read_jsonl(p)
            if r["type"] == "mention"]
    assert [(m["start"], m["end"], m["text"], label.int2str(m["label"])) for m in mentions] == \
        [(r["start"], r["end"], r["text"], r["label"]) for r in gold]


def test_ner_tags_map_back_to_the_gold_mentions_through_token_offsets(sample_dataset, tmp_path):
    from kashcorpus.tokens import Token, bio_to_spans

    root, folder = sample_dataset
    ner = _load(folder, "ner", tmp_path)["test"]
    tags = ner.features["ner_tags"].feature
    docs = {d["id"]: d for d in _load(folder, "documents", tmp_path)["test"]}
    for row in ner:
        toks = [Token(s, e, t) for s, e, t in zip(row["token_start"], row["token_end"], row["tokens"])]
        text = docs[row["id"]]["text"]
        assert all(text[t.start:t.end] == t.text for t in toks)
        spans = bio_to_spans(toks, [tags.int2str(i) for i in row["ner_tags"]])
        gold = [(m["start"], m["end"]) for m in docs[row["id"]]["mentions"]]
        # expand alignment: each gold mention lies in exactly one tagged span ("Hamas" in "Hamas’s")
        assert len(spans) == len(gold)
        assert all(s <= gs and ge <= e for (s, e, _), (gs, ge) in zip(spans, gold))


def test_the_real_corpus_builds_only_configs_that_have_rows_and_they_load(repo_root, tmp_path):
    counts = build(repo_root, tmp_path / "ds")
    assert counts == jsonl_counts(repo_root)
    present = sorted(p.name for p in (tmp_path / "ds" / "data").iterdir())
    assert present == sorted(n for n, c in counts.items() if c)
    for name in present:
        ds = _load(tmp_path / "ds", name, tmp_path / f"c-{name}")["test"]
        streamed = _load(tmp_path / "ds", name, tmp_path / f"s-{name}", streaming=True)["test"]
        assert ds.num_rows == counts[name] and list(streamed) == list(ds)
        assert _class_labels(ds.features) == _class_labels(streamed.features) != {}


def test_two_builds_are_byte_identical(sample_dataset, tmp_path):
    root, first = sample_dataset
    build(root, tmp_path / "again")
    files = lambda d: {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}  # noqa: E731
    assert files(first) == files(tmp_path / "again")


def test_the_manifest_lists_every_file_with_its_sha256(sample_dataset):
    _, folder = sample_dataset
    listed = dict(reversed(line.split("  ", 1)) for line in (folder / "SHA256SUMS").read_text().splitlines())
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"}
    assert set(listed) == files and "croissant.json" in files and "README.md" in files
    for rel, digest in listed.items():
        assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == digest


def test_the_card_yaml_names_every_config_once_with_documents_as_default(sample_dataset):
    from huggingface_hub import DatasetCard

    _, folder = sample_dataset
    card = DatasetCard.load(folder / "README.md")
    configs = {c["config_name"]: c for c in card.data.configs}
    assert set(configs) == set(CONFIGS) and configs["documents"].get("default") is True
    assert {i["config_name"] for i in card.data.dataset_info} == set(CONFIGS)
    assert "\n# kashcorpus" in card.text or card.text.lstrip().startswith("# kashcorpus")


def test_a_rebuild_drops_the_files_of_a_layer_that_became_empty(sample_dataset, tmp_path):
    import shutil

    root, _ = sample_dataset
    copy = tmp_path / "co"
    shutil.copytree(root, copy)
    (copy / "annotations" / "links.jsonl").unlink()
    out = tmp_path / "ds"
    build(root, out)
    assert (out / "data" / "links").is_dir()
    assert build(copy, out)["links"] == 0
    assert not (out / "data" / "links").exists()
    assert "config_name: links" not in (out / "README.md").read_text()

"""Croissant metadata: mlcroissant validates it and loads every record set with the rows of the parquet files."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kashcorpus.build import build
from kashcorpus.configs import CONFIGS
from kashcorpus.croissant import card_sections, rai_fields

from helpers import jsonl_counts


def _records(folder: Path, record_set: str) -> list[dict]:
    import mlcroissant as mlc

    return list(mlc.Dataset(jsonld=str(folder / "croissant.json")).records(record_set=record_set))


def test_mlcroissant_validate_accepts_the_metadata(sample_dataset):
    _, folder = sample_dataset
    cli = Path(sys.executable).with_name("mlcroissant")
    r = subprocess.run([str(cli), "validate", "--jsonld", "croissant.json"], cwd=folder, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "error" not in r.stderr.lower() and "warning" not in r.stderr.lower()


def test_mlcroissant_reads_the_metadata_without_warnings_and_with_both_licences(sample_dataset):
    import mlcroissant as mlc

    _, folder = sample_dataset
    ds = mlc.Dataset(jsonld=str(folder / "croissant.json"))
    assert not ds.metadata.ctx.issues.errors and not ds.metadata.ctx.issues.warnings
    assert len(ds.metadata.license) == 2


def test_the_licence_is_not_cc_by_for_the_article_texts(sample_dataset):
    _, folder = sample_dataset
    licences = json.loads((folder / "croissant.json").read_text())["license"]
    assert isinstance(licences, list) and len(licences) == 2
    annotations, texts = licences
    assert annotations["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "annotation" in annotations["description"] and "does not cover text quoted" in annotations["description"]
    assert "url" not in texts and "creativecommons" not in json.dumps(texts)
    assert "copyright of their publishers" in texts["description"] and "holds no licence" in texts["description"]


def test_cite_as_is_a_complete_bibtex_entry_for_the_version(sample_dataset):
    from kashcorpus import __version__

    _, folder = sample_dataset
    meta = json.loads((folder / "croissant.json").read_text())
    entry = meta["citeAs"]
    assert entry.startswith("@misc{kashcorpus,") and entry.endswith("}")
    fields = dict(re.findall(r"^  (\w+)\s*= \{(.*)\},?$", entry, flags=re.M))
    assert set(fields) >= {"title", "author", "year", "version", "url"}
    assert fields["version"] == __version__ == meta["version"] and fields["url"] == meta["url"]
    assert re.fullmatch(r"\d{4}", fields["year"]) and fields["author"] == "{The kashcorpus contributors}"
    assert entry.count("{") == entry.count("}")
    assert meta["creator"] == {"@type": "sc:Organization", "name": "The kashcorpus contributors"}


@pytest.mark.slow
def test_mlcroissant_loads_every_record_set_with_the_corpus_counts(sample_dataset):
    root, folder = sample_dataset
    meta = json.loads((folder / "croissant.json").read_text())
    counts = jsonl_counts(root)
    sets = [rs["@id"] for rs in meta["recordSet"]]
    assert set(CONFIGS) <= set(sets)
    for rs in sets:
        records = _records(folder, rs)
        if rs in CONFIGS:
            assert len(records) == counts[rs]
        else:  # a label set: one record per label
            assert len(records) == len(next(r for r in meta["recordSet"] if r["@id"] == rs)["data"])


def test_loaded_records_carry_the_values_and_nested_spans(sample_dataset):
    _, folder = sample_dataset
    rec = _records(folder, "attributions")[0]
    assert rec["attributions/content"]["attributions/content/text"]
    assert rec["attributions/source"]["attributions/source/text"] is None
    doc = _records(folder, "documents")[0]
    assert doc["documents/id"] == b"kash-000"
    assert doc["documents/mentions"][0]["documents/mentions/text"] == b"Hamas"


def test_a_wrong_checksum_is_caught_by_loading(sample_dataset, tmp_path):
    _, folder = sample_dataset
    copy = tmp_path / "ds"
    shutil.copytree(folder, copy)
    meta = json.loads((copy / "croissant.json").read_text())
    meta["distribution"][0]["sha256"] = "0" * 64
    (copy / "croissant.json").write_text(json.dumps(meta))
    from mlcroissant._src.core.issues import GenerationError

    with pytest.raises(GenerationError) as err:
        _records(copy, meta["recordSet"][0]["@id"])
    cause = err.value.__cause__ or err.value.__context__
    assert isinstance(cause, ValueError) and "is not identical with the reference" in str(cause)


def test_responsible_ai_fields_come_from_the_card_sections(corpus_copy, tmp_path):
    (corpus_copy / "DATACARD.md").write_text(
        "---\nlicense: other\n---\n# kashcorpus\n\n## Annotation protocol\n\nGuidelines v1.\n\n"
        "## Inter-annotator agreement\n\nKappa 0.8.\n\n## Annotators\n\nTwo passes.\n\n"
        "## Limitations\n\nFive texts.\n\n## Data collection\n\nFive URLs.\n", encoding="utf-8")
    build(corpus_copy, tmp_path / "ds")
    meta = json.loads((tmp_path / "ds" / "croissant.json").read_text())
    assert meta["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert meta["rai:dataAnnotationProtocol"] == "Guidelines v1."
    assert meta["rai:dataAnnotationAnalysis"] == "Kappa 0.8."
    assert meta["rai:annotatorDemographics"] == "Two passes."
    assert meta["rai:dataLimitations"] == "Five texts."
    assert meta["rai:dataCollection"] == "Five URLs."


def test_without_card_sections_the_rai_fields_fall_back_to_facts_of_the_data():
    facts = {"rai:dataCollection": "x", "rai:dataLimitations": "y"}
    assert rai_fields(card_sections("---\n---\n# T\n"), facts) == facts


@pytest.mark.slow
def test_the_real_corpus_croissant_loads_every_record_set_with_its_counts(repo_root, tmp_path):
    counts = build(repo_root, tmp_path / "ds")
    meta = json.loads((tmp_path / "ds" / "croissant.json").read_text())
    built = {rs["@id"] for rs in meta["recordSet"] if rs["@id"] in CONFIGS}
    assert built == {name for name, n in counts.items() if n}
    for name in built:
        assert len(_records(tmp_path / "ds", name)) == counts[name] == jsonl_counts(repo_root)[name]

"""The dataset card stands alone: loading, structure tables generated from schema/, rights, citation, working links."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kashcorpus import __version__
from kashcorpus.build import build
from kashcorpus.configs import CONFIGS
from kashcorpus.card import (DEFAULT_REPO_ID, SHIPPED, example_row, field_rows, fields_markdown, hub_url,
                             labels_markdown)
from kashcorpus.resources import load_table, taxonomy


@pytest.fixture(scope="module")
def real(tmp_path_factory, request) -> tuple[Path, dict]:
    """The real corpus, built once."""
    out = tmp_path_factory.mktemp("card") / "dataset"
    return out, build(Path(request.config.rootpath), out)


def _card(folder: Path):
    from huggingface_hub import DatasetCard

    return DatasetCard.load(folder / "README.md")


def test_every_column_and_sub_field_of_every_configuration_has_a_meaning():
    for name, config in CONFIGS.items():
        for path, _, _, text in field_rows(name, config.features()):
            assert text and len(text) > 10, f"{name}.{path} has no description in schema/fields.json or its schema"


def test_schema_fields_json_names_only_columns_that_exist():
    for name, columns in load_table("fields")["configs"].items():
        paths = {path for path, *_ in field_rows(name, CONFIGS[name].features())}
        assert set(columns) <= paths, f"{name}: stale entries {set(columns) - paths}"


def test_the_field_and_label_tables_of_the_card_are_the_ones_generated_from_schema(real):
    folder, counts = real
    text = _card(folder).text
    for name, config in CONFIGS.items():
        if counts[name]:
            assert fields_markdown(name, config.features()) in text, name
    assert labels_markdown() in text
    for table, labels in taxonomy().items():
        if isinstance(labels, dict):
            for i, (label, definition) in enumerate(labels.items()):
                assert f"| {i} | `{label}` | {definition} |" in text, (table, label)


def test_the_card_has_every_part_a_stand_alone_dataset_card_needs(real):
    folder, counts = real
    text = _card(folder).text
    for heading in ("## Rights and limits at a glance", "## Loading", "## Dataset Structure",
                    "### Configurations and splits", "### Data fields", "### Label sets", "### Data instances",
                    "## Data card", "### Distribution and rights", "### Risks and limitations", "## Citation"):
        assert f"\n{heading}\n" in text, heading
    assert 'load_dataset("path/to/this/folder", "mentions", split="test")' in text
    assert "| `mentions` | " + str(counts["mentions"]) + " |" in text
    assert "@misc{kashcorpus," in text and "year      = {" in text


def test_every_relative_link_of_the_card_resolves_inside_the_folder(real):
    folder, _ = real
    text = (folder / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'href="([^"]+)"', text)
    relative = [t for t in targets if not re.match(r"(https?:|mailto:|#)", t)]
    assert {"LICENSE", "CHANGELOG.md", "DATACARD.md", "docs/guidelines.md", "schema/taxonomy.json"} <= set(relative)
    for target in relative:
        assert (folder / target.split("#")[0]).is_file(), target
    assert _card(folder).data["license_link"] == "LICENSE" and (folder / "LICENSE").is_file()


def test_the_shipped_files_are_the_sources_and_their_own_links_resolve(real, repo_root):
    folder, _ = real
    for rel in SHIPPED:
        assert (folder / rel).read_bytes() == (repo_root / rel).read_bytes(), rel
        if rel.endswith(".md") and rel != "CHANGELOG.md":
            for target in re.findall(r"\]\(([^)\s#]+)[^)]*\)", (folder / rel).read_text(encoding="utf-8")):
                if not re.match(r"https?:", target):
                    assert ((folder / rel).parent / target).is_file(), (rel, target)


def test_the_card_metadata_agrees_with_the_data_card(real, repo_root):
    from huggingface_hub import DatasetCard

    folder, _ = real
    source = DatasetCard.load(repo_root / "DATACARD.md").data.to_dict()
    built = _card(folder).data.to_dict()
    assert {k: built[k] for k in source} == source
    assert "fact-checking" not in built.get("task_ids", [])  # the card calls fact-checking out of scope


def test_load_dataset_builder_reports_description_citation_homepage_and_licence(real):
    import datasets

    folder, counts = real
    for name in (n for n in CONFIGS if counts[n]):
        info = datasets.load_dataset_builder(str(folder), name).info
        assert CONFIGS[name].description in info.description
        assert info.citation.startswith("@misc{kashcorpus,") and "version   = {" in info.citation
        assert info.homepage == hub_url(DEFAULT_REPO_ID)
        assert "CC BY 4.0" in info.license and "copyright" in info.license
        assert str(info.version) == __version__


def test_the_card_s_sizes_are_the_parquet_bytes_and_the_arrow_bytes_datasets_counts(real, tmp_path):
    import datasets
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder, counts = real
    infos = {i["config_name"]: i for i in _card(folder).data.to_dict()["dataset_info"]}
    for name in ("mentions", "claim_pairs"):
        files = sorted((folder / "data" / name).glob("*.parquet"))
        assert infos[name]["download_size"] == sum(f.stat().st_size for f in files)
        arrow = 0
        for f in files:  # as datasets' parquet builder reads a shard: batches of a row group, each a table
            shard = pq.ParquetFile(f)
            arrow += sum(pa.Table.from_batches([b]).nbytes
                         for b in shard.iter_batches(batch_size=shard.metadata.row_group(0).num_rows))
        assert infos[name]["splits"] == [{"name": "test", "num_bytes": arrow, "num_examples": counts[name]}]
        assert infos[name]["dataset_size"] == arrow
        loaded = datasets.load_dataset(str(folder), name, cache_dir=str(tmp_path / name))["test"]
        assert loaded.info.splits["test"].num_bytes == arrow and str(loaded.info.version) == __version__


def test_the_task_ids_name_what_the_configurations_serve(real):
    meta = _card(real[0]).data.to_dict()
    assert {"token-classification", "text-classification"} <= set(meta["task_categories"])
    assert {"named-entity-recognition", "entity-linking-classification", "coreference-resolution",
            "natural-language-inference"} <= set(meta["task_ids"])
    assert {"check-worthiness", "claim-detection", "cross-document-coreference"} <= set(meta["tags"])


def test_the_example_instances_are_the_first_rows_datasets_returns(real, tmp_path):
    import datasets

    folder, counts = real
    text = _card(folder).text
    for name in ("mentions", "attributions", "ner"):
        block = re.search(rf"`{name}`:\n\n```json\n(.*?)\n```", text, flags=re.S).group(1)
        first = datasets.load_dataset(str(folder), name, split="test", cache_dir=str(tmp_path / name))[0]
        assert json.loads(block) == json.loads(json.dumps(example_row(first), ensure_ascii=False))


def test_the_repository_id_is_configurable_and_names_the_same_repository_everywhere(corpus_copy, tmp_path, repo_root):
    build(corpus_copy, tmp_path / "ds", repo_id="some-org/kc-test")
    card = (tmp_path / "ds" / "README.md").read_text(encoding="utf-8")
    meta = json.loads((tmp_path / "ds" / "croissant.json").read_text(encoding="utf-8"))
    assert DEFAULT_REPO_ID not in card and DEFAULT_REPO_ID not in json.dumps(meta)
    assert 'load_dataset("some-org/kc-test", "mentions"' in card
    assert meta["url"] == hub_url("some-org/kc-test") and hub_url("some-org/kc-test") in meta["citeAs"]
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    hub_ids = {x for x in re.findall(r'load_dataset\("([\w.-]+/[\w.-]+)"', readme) if not x.startswith("dist/")}
    assert hub_ids == {DEFAULT_REPO_ID}
    assert "not published" in readme


def test_the_card_says_what_the_token_and_sentence_level_formats_keep_from_generated_figures(real, repo_root):
    from kashcorpus.stats import format_figures, formats_markdown

    folder, _ = real
    card = (folder / "README.md").read_text(encoding="utf-8")
    tables = [line for line in formats_markdown(format_figures(repo_root)).splitlines() if line.startswith("|")]
    assert tables and all(line in card for line in tables)
    assert "For flat mentions these formats lose nothing" in card


def test_citation_cff_is_current_and_says_what_github_and_zenodo_read(repo_root):
    import yaml

    from kashcorpus.card import CREATOR, TITLE
    from kashcorpus.cli.docs import citation_file
    from kashcorpus.croissant import release_date

    text = (repo_root / "CITATION.cff").read_text(encoding="utf-8")
    assert text == citation_file(repo_root), "CITATION.cff is stale: run kashcorpus docs --write"
    cff = yaml.safe_load(text)
    assert {"cff-version", "message", "title", "authors"} <= set(cff) and cff["cff-version"] == "1.2.0"
    assert cff["type"] == "dataset" and cff["title"] == TITLE and cff["authors"] == [{"name": CREATOR}]
    assert cff["version"] == __version__ and cff["license"] == "CC-BY-4.0"
    released = release_date(repo_root, __version__)
    assert (str(cff["date-released"]) == released) if released else "date-released" not in cff
    assert cff["url"] == hub_url(DEFAULT_REPO_ID) and "copyright" in cff["abstract"]


def test_kashcorpus_docs_reports_a_stale_citation_and_rewrites_it(tmp_path, repo_root, capsys):
    import shutil

    from kashcorpus.cli import main

    for name in ("corpus", "annotations", "baselines", "docs"):
        shutil.copytree(repo_root / name, tmp_path / name)
    for name in ("DATACARD.md", "README.md", "CHANGELOG.md", "CITATION.cff"):
        shutil.copy(repo_root / name, tmp_path / name)
    (tmp_path / "CITATION.cff").write_text(
        (repo_root / "CITATION.cff").read_text(encoding="utf-8").replace(f'version: "{__version__}"', 'version: "0.0.1"'),
        encoding="utf-8")
    assert main(["docs", str(tmp_path), "--check"]) == 1
    assert "CITATION.cff is stale" in capsys.readouterr().err
    assert main(["docs", str(tmp_path), "--write"]) == 0
    assert (tmp_path / "CITATION.cff").read_bytes() == (repo_root / "CITATION.cff").read_bytes()

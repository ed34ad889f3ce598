"""The dataset card of the built folder: summary, loading, structure tables from schema/, rights, citation."""
from __future__ import annotations

import json
import re
from pathlib import Path

DEFAULT_REPO_ID = "kashcorpus/kashcorpus"  # the Hub repository id releases are built for (kashcorpus build --repo-id)
TITLE = "kashcorpus: entities, claims and attributions in five news articles"
SUMMARY = ("English news articles with standoff annotations of entities (with cross-document identity), claims "
           "and attributions.")
CREATOR = "The kashcorpus contributors"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_SUMMARY = ("other: annotations, metadata records, schemas and documentation CC BY 4.0; the article texts "
                   "(and the text quoted in spans) remain under their publishers' copyright; see LICENSE")
# Files the card links to, copied into the folder from the corpus checkout (else from the packaged data).
SHIPPED = ("LICENSE", "CHANGELOG.md", "DATACARD.md", "docs/guidelines.md", "docs/decisions.md", "docs/agreement.md",
           "docs/link-inventory.md", "docs/link-inventory-second-reader/PROVENANCE.md",
           "docs/link-inventory-second-reader/inventory.md", "docs/link-inventory-second-reader/inventory.jsonl",
           "docs/data-model.md", "schema/taxonomy.json")
RECORD_SCHEMA = {"documents": "document", "zones": "zone", "mentions": "mention", "claims": "claim",
                 "attributions": "attribution", "entities": "entity", "links": "link"}
GENERIC_LABEL = "A label; the taxonomy"  # how a record schema describes any label property: not enough for a card


def hub_url(repo_id: str) -> str:
    """The page of a dataset repository on the Hugging Face Hub.

    >>> hub_url("kashcorpus/kashcorpus")
    'https://huggingface.co/datasets/kashcorpus/kashcorpus'
    """
    return f"https://huggingface.co/datasets/{repo_id}"


def release_year(changelog: str, version: str) -> str | None:
    """The year of ``version``'s ``CHANGELOG.md`` section, else of the newest dated section (never today's).

    >>> release_year("## [Unreleased]\\n## [0.2.0] - 2027-01-02\\n## [0.1.0] - 2026-11-22\\n", "0.3.0")
    '2027'
    """
    dated = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4})-\d{2}-\d{2}", changelog, flags=re.M)
    return next((year for v, year in dated if v == version), dated[0][1] if dated else None)


def citation(version: str, year: str | None, repo_id: str) -> str:
    """The dataset's BibTeX entry.

    >>> print(citation("0.2.0", "2026", "kashcorpus/kashcorpus"))  # doctest: +ELLIPSIS
    @misc{kashcorpus,
      title     = {{kashcorpus}: entities, claims and attributions in five news articles},
      author    = {{The kashcorpus contributors}},
      year      = {2026},
      version   = {0.2.0},
      url       = {https://huggingface.co/datasets/kashcorpus/kashcorpus},
      note      = {Dataset, version 0.2.0. Annotations CC BY 4.0; article texts ...}
    }
    """
    title = TITLE.replace("kashcorpus", "{kashcorpus}", 1)
    lines = [f"  title     = {{{title}}}", f"  author    = {{{{{CREATOR}}}}}",
             *([f"  year      = {{{year}}}"] if year else []), f"  version   = {{{version}}}",
             f"  url       = {{{hub_url(repo_id)}}}",
             f"  note      = {{Dataset, version {version}. Annotations CC BY 4.0; article texts remain under their "
             "publishers' copyright}"]
    return "@misc{kashcorpus,\n" + ",\n".join(lines) + "\n}"


def licences() -> list[dict]:
    """The licences of the dataset's parts as schema.org CreativeWorks (Croissant ``license``)."""
    return [
        {"@type": "sc:CreativeWork", "name": "CC BY 4.0 (the annotations)", "url": CC_BY,
         "description": "kashcorpus's own work: annotation records (labels, offsets, ids, attributes, notes), the "
                        "entity registry, the cross-document links, the metadata records, the schemas, guidelines "
                        "and data card. It does not cover text quoted from the articles."},
        {"@type": "sc:CreativeWork", "name": "Article texts: copyright of their publishers (LicenseRef-article-texts)",
         "description": "The article texts (the text column of the documents configuration) and the text each span "
                        "quotes from them remain under the copyright of their publishers or authors. kashcorpus "
                        "holds no licence to them and redistributes them verbatim, unmodified, for non-commercial "
                        "research on annotation; a rights holder who asks for removal is answered by removing the "
                        "text and its annotations."},
    ]


# -- the Data Fields tables (generated from schema/, checked by tests/test_card.py) ----------------------

def _fields_table() -> dict:
    from .resources import load_table

    return load_table("fields")["configs"]


def _object(schema: dict) -> dict:
    """The object schema inside ``schema`` (through ``anyOf``/``oneOf`` alternatives and array ``items``)."""
    if "properties" in schema:
        return schema
    for alt in [*schema.get("anyOf", []), *schema.get("oneOf", []), *([schema["items"]] if "items" in schema else [])]:
        found = _object(alt)
        if found:
            return found
    return {}


def schema_description(record_type: str, path: str) -> str | None:
    """The description of a (dotted) property in ``schema/<record_type>.schema.json``.

    >>> schema_description("attribution", "content.start")
    'First code point of the span (inclusive).'
    """
    from .resources import record_schema

    node = record_schema(record_type)
    for part in path.replace("[]", "").split("."):
        node = _object(node).get("properties", {}).get(part)
        if node is None:
            return None
    return node.get("description")


def field_description(config: str, path: str) -> str | None:
    """What a column means: ``schema/fields.json``, else the record schema (unless it only says "a label")."""
    text = _fields_table().get(config, {}).get(path)
    if text is None and config in RECORD_SCHEMA:
        text = schema_description(RECORD_SCHEMA[config], path)
        if text and text.startswith(GENERIC_LABEL):
            text = None
    return text


def _kind(feature) -> str | None:
    """``Value``, ``ClassLabel``, ``List`` or ``None`` (a struct) of a feature dictionary."""
    return feature.get("_type") if isinstance(feature.get("_type"), str) else None


def type_name(feature: dict) -> str:
    """A feature's type (a feature dictionary, :func:`kashcorpus.configs.value` & co.) as the card shows it.

    >>> from kashcorpus.configs import class_label, list_of, value
    >>> type_name(list_of(value("int32"))), type_name(class_label(["a"])), type_name(list_of({"a": value("string")}))
    ('list<int32>', 'ClassLabel', 'list<struct>')
    """
    kind = _kind(feature)
    if kind == "ClassLabel":
        return "ClassLabel"
    if kind in ("List", "LargeList"):
        return f"list<{type_name(feature['feature'])}>"
    if kind is None:
        return "struct"
    assert kind == "Value", feature
    return feature["dtype"]


def label_set(feature: dict) -> str | None:
    """The label set (taxonomy table, or ``ner_tag``) of a ClassLabel feature or a list of them."""
    from .configs import label_tables

    while _kind(feature) in ("List", "LargeList"):
        feature = feature["feature"]
    return label_tables()[tuple(feature["names"])] if _kind(feature) == "ClassLabel" else None


def field_rows(config: str, features) -> list[tuple[str, str, str | None, str | None]]:
    """``(field, type, label set, description)`` for every column and sub-field of a configuration
    (``features``: its feature dictionary, or ``datasets.Features``).

    The layer columns of ``documents`` are not unfolded: their fields are those of the layer configurations.
    """
    rows = []

    def walk(prefix: str, feats: dict):
        for name, feature in feats.items():
            path = f"{prefix}{name}"
            rows.append((path, type_name(feature), label_set(feature), field_description(config, path)))
            inner = feature["feature"] if _kind(feature) in ("List", "LargeList") else feature
            if _kind(inner) is None and not (config == "documents" and not prefix and name in RECORD_SCHEMA):
                walk(f"{path}[]." if inner is not feature else f"{path}.", inner)

    walk("", features.to_dict() if hasattr(features, "to_dict") else dict(features))
    return rows


def _cell(text: str) -> str:
    """Text for a Markdown table cell (``<doc>`` would be read as an HTML tag)."""
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def fields_markdown(config: str, features) -> str:
    """The Data Fields table of one configuration."""
    out = ["| field | type | meaning |", "|---|---|---|"]
    for path, kind, labels, text in field_rows(config, features):
        meaning = text or ""
        if labels:
            meaning += f" Label set [`{labels}`](#label-set-{labels})."
        out.append(f"| `{path}` | {kind} | {_cell(meaning.strip())} |")
    return "\n".join(out)


def labels_markdown() -> str:
    """Every label set with ClassLabel id, name and definition, from ``schema/taxonomy.json``."""
    from .configs import ner_tag_names
    from .resources import taxonomy

    out = []
    for table, labels in taxonomy().items():
        if not isinstance(labels, dict):
            continue
        out += [f"#### Label set `{table}`", "", "| id | label | definition |", "|---:|---|---|"]
        out += [f"| {i} | `{name}` | {_cell(text)} |" for i, (name, text) in enumerate(labels.items())]
        out.append("")
    mention = taxonomy()["mention"]
    out += ["#### Label set `ner_tag`", "",
            "BIO tags over the `mention` labels: `O` outside any mention, `B-X` on the first token of a mention "
            "of type X, `I-X` on its other tokens.", "", "| id | tag | definition |", "|---:|---|---|"]
    for i, tag in enumerate(ner_tag_names()):
        prefix, _, label = tag.partition("-")
        text = "Outside any mention." if tag == "O" else \
            f"{'First' if prefix == 'B' else 'Any later'} token of a mention labelled {label}: {mention[label]}"
        out.append(f"| {i} | `{tag}` | {_cell(text)} |")
    out += ["", *claim_pair_relation_markdown()]
    return "\n".join(out)


def claim_pair_relation_markdown() -> list[str]:
    """The ``claim_pair_relation`` label set: the link relations, then ``unrelated`` (how those pairs are drawn)."""
    from .configs import CLAIM_PAIR_SEED, UNRELATED, claim_pair_relation_names
    from .resources import taxonomy

    relation = taxonomy()["relation"]
    out = ["#### Label set `claim_pair_relation`", "",
           "The `relation` of the `claim_pairs` configuration: the link relations (label set `relation`), then "
           f"`{UNRELATED}`.", "", "| id | label | definition |", "|---:|---|---|"]
    for i, name in enumerate(claim_pair_relation_names()):
        text = relation.get(name) or (
            "Two claims of different documents that no link (event or claim) has both as members, drawn "
            f"deterministically: every such pair is ranked by the sha256 of `\"{CLAIM_PAIR_SEED}\\t<a>\\t<b>\"` "
            "(a and b the `<doc>#<claim id>` of the two claims, a the earlier document) and the lowest are kept, as "
            "many as there are related pairs. Unrelated means unlinked, not judged: it is not an annotator's "
            "decision that the claims bear on different questions.")
        out.append(f"| {i} | `{name}` | {_cell(text)} |")
    return out


def example_row(row, width: int = 120, items: int = 2):
    """A row cut short for the card: strings to ``width`` characters, lists to ``items`` items.

    >>> example_row({"tokens": ["a", "b", "c"], "text": "x" * 130})["tokens"]
    ['a', 'b', '… (1 more)']
    """
    if isinstance(row, str) and len(row) > width:
        return row[:width] + f"… ({len(row) - width} more characters)"
    if isinstance(row, list):
        cut = [example_row(x, width, items) for x in row[:items]]
        return cut + ([f"… ({len(row) - items} more)"] if len(row) > items else [])
    if isinstance(row, dict):
        return {k: example_row(v, width, items) for k, v in row.items()}
    return row


def example_json(row: dict) -> str:
    """One field per line, each value as compact JSON.

    >>> print(example_json({"id": "m1", "span": {"start": 0, "end": 5}}))
    {
      "id": "m1",
      "span": {"start": 0, "end": 5}
    }
    """
    fields = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in example_row(row).items()]
    return "{\n" + ",\n".join(fields) + "\n}"


# -- the card ------------------------------------------------------------------------------------------

def _intro(datacard_body: str) -> str:
    """The data card's opening paragraphs: after the title, up to the first table or section."""
    text = re.sub(r"\A\s*# [^\n]*\n", "", datacard_body)
    paragraphs = []
    for para in re.split(r"\n\s*\n", text.strip()):
        if para.startswith(("|", "#")):
            break
        paragraphs.append(para.strip())
    return "\n\n".join(paragraphs)


def _sections(datacard_body: str) -> str:
    """The data card from its first ``##`` section on, one heading level down, shipped files linked."""
    m = re.search(r"^## ", datacard_body, flags=re.M)
    text = datacard_body[m.start():] if m else ""
    text = re.sub(r"^(#{2,5}) ", r"#\1 ", text, flags=re.M)
    for path in SHIPPED:
        text = re.sub(rf"(?<!\[)`{re.escape(path)}`(?!\])", f"[`{path}`]({path})", text)
    return text.strip()


def card_body(root: Path, datacard_body: str, counts: dict[str, int], version: str, year: str | None,
              repo_id: str, first_rows: dict[str, dict] | None = None) -> str:
    """The Markdown body of the dataset card (everything after the YAML front matter).

    ``first_rows``: each config's first row, encoded (the build has them from its pass); else they are read.
    """
    from .build import SPLIT, encoder
    from .configs import CONFIGS

    hub = hub_url(repo_id)
    out = [
        "# kashcorpus", "",
        _intro(datacard_body), "",
        f"- **Version:** {version} (changes in [CHANGELOG.md](CHANGELOG.md))",
        f"- **Hub repository:** [`{repo_id}`]({hub}). Releases are meant to be uploaded there, each tagged "
        f"`vX.Y.Z` (`v{version}` for this one); until a release is there, load a local build of this folder.",
        "- **Language:** English (`en`).",
        f"- **Size:** {counts.get('documents', 0)} documents; "
        + ", ".join(f"{counts[n]} {n}" for n in ("zones", "mentions", "claims", "attributions", "entities", "links")
                    if counts.get(n)) + ".",
        "- **Annotations:** made by AI model instances following the guidelines, validated by "
        "`kashcorpus validate`; not reviewed by humans (see Annotation process).",
        "- **Licence:** annotations CC BY 4.0; article texts remain their publishers' copyright "
        "([LICENSE](LICENSE), Rights below).",
        "- **Data card:** the sections below are [DATACARD.md](DATACARD.md); the annotation guidelines are "
        "[docs/guidelines.md](docs/guidelines.md), the record formats [docs/data-model.md](docs/data-model.md), "
        "the label sets [schema/taxonomy.json](schema/taxonomy.json).",
        "",
        "## Rights and limits at a glance", "",
        "- **Rights.** kashcorpus's annotations, registry, links, metadata records and documentation are CC BY 4.0. "
        "The article texts, and the text every span quotes from them, are not: they remain under their publishers' "
        "copyright and are redistributed verbatim for non-commercial research on annotation (Distribution and "
        "rights below).",
        f"- **An evaluation set.** {counts.get('documents', 0)} documents on one event, from one-sided, politically "
        f"charged sources; the one split is `{SPLIT}`. Do not train on it; results are fragile at this size.",
        "- **Claims are claims.** Every claim is annotated as asserted by someone, never as true or false; "
        "`checkworthy` is not a truth label, and the corpus is not fact-checking ground truth.",
        "- **Named real people** appear with the allegations the articles make; do not use the data to profile, "
        "monitor or decide about them, or about national or religious groups.",
        "",
        "## Loading", "",
        "With `datasets`, from this folder (offline) or from the Hub, pinned to a release tag:", "",
        "```python",
        "from datasets import load_dataset",
        "",
        f'mentions = load_dataset("path/to/this/folder", "mentions", split="{SPLIT}")',
        f'mentions = load_dataset("{repo_id}", "mentions", split="{SPLIT}", revision="v{version}")',
        'mentions.features["label"].names      # ClassLabel ids -> label names',
        f'docs = load_dataset("{repo_id}", split="{SPLIT}", revision="v{version}")   # "documents", the default',
        "```", "",
        "The parquet files under `data/<configuration>/` are plain parquet for other engines (DuckDB, Polars, "
        "Spark). `croissant.json` describes the folder in Croissant 1.1; `SHA256SUMS` lists every file with its "
        "SHA-256 (`sha256sum -c SHA256SUMS`). The Python package `kashcorpus`, built from the source repository, "
        "carries the same data and loads it offline (`kashcorpus.load_dataset(\"mentions\")`).", "",
        "## Dataset Structure", "",
        "Offsets are Unicode code points, half-open `[start, end)`, into the `text` of the document (`documents` "
        "configuration), so `text[start:end] == span text` in Python. Label columns hold `ClassLabel` ids in the "
        "order of `schema/taxonomy.json`.", "",
        "### Configurations and splits", "",
        f"Every configuration has one split, `{SPLIT}`: kashcorpus is an evaluation set.", "",
        f"| configuration | rows (`{SPLIT}`) | one row is |", "|---|---:|---|",
        *[f"| `{n}`{' (default)' if n == 'documents' else ''} | {counts[n]} | {_cell(c.description)} |"
          for n, c in CONFIGS.items() if counts.get(n)],
        "",
        "### Data fields", "",
    ]
    for name, config in CONFIGS.items():
        if counts.get(name):
            out += [f"#### `{name}`", "", config.description, "", fields_markdown(name, config.spec()), ""]
    out += ["### Label sets", "", "Label columns store the id; `features[column].names` (or "
            "`.feature.names` for a list) gives the names in this order.", "", labels_markdown(), "",
            "### Data instances", "",
            f"The first row of each configuration, as `load_dataset(FOLDER, CONFIG, split=\"{SPLIT}\")[0]` "
            "returns it (label ids, not names); long strings and lists are cut short here.", ""]
    for name, config in CONFIGS.items():
        if not counts.get(name):
            continue
        row = (first_rows or {}).get(name) or encoder(config.spec())(next(iter(config.rows(root))))
        out += [f"`{name}`:", "", "```json", example_json(row), "```", ""]
    out += [
        "## Data card", "",
        "Paths such as `corpus/…`, `annotations/…` and `docs/…` below name files of the source repository (the "
        "Python package carries them in `kashcorpus/_data/`); the guidelines, data model, taxonomy, licence, "
        "changelog and data card are also in this folder.", "",
        _sections(datacard_body), "",
        "## Citation", "",
        "```bibtex", citation(version, year, repo_id), "```", "",
    ]
    return "\n".join(out)

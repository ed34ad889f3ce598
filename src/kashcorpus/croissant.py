"""Croissant 1.1 metadata (with Responsible-AI fields) for the built dataset folder."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

CONTEXT = {  # the standard Croissant 1.1 @context, as mlcroissant writes it
    "@language": "en", "@vocab": "https://schema.org/", "arrayShape": "cr:arrayShape", "citeAs": "cr:citeAs",
    "column": "cr:column", "conformsTo": "dct:conformsTo", "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/", "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"}, "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/", "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty", "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract", "field": "cr:field", "fileProperty": "cr:fileProperty", "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet", "format": "cr:format", "includes": "cr:includes", "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset", "jsonPath": "cr:jsonPath", "key": "cr:key", "md5": "cr:md5",
    "name": {"@container": "@language"}, "parentField": "cr:parentField", "path": "cr:path",
    "recordSet": "cr:recordSet", "references": "cr:references", "regex": "cr:regex", "repeated": "cr:repeated",
    "replace": "cr:replace", "samplingRate": "cr:samplingRate", "sc": "https://schema.org/",
    "separator": "cr:separator", "source": "cr:source", "subField": "cr:subField", "transform": "cr:transform",
}
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"

# Responsible-AI property <- words that name the data card section holding its text.
RAI_SECTIONS = {
    "rai:dataCollection": ("data collection", "collection", "source data", "curation"),
    "rai:dataAnnotationProtocol": ("annotation protocol", "annotation process", "guidelines", "annotation"),
    "rai:dataAnnotationAnalysis": ("agreement", "annotation analysis", "annotation quality", "quality"),
    "rai:annotatorDemographics": ("annotators", "who are the annotators", "annotator"),
    "rai:dataAnnotationPlatform": ("annotation platform", "tooling", "tools"),
    "rai:dataLimitations": ("limitations", "limitation"),
    "rai:dataBiases": ("bias", "biases"),
    "rai:personalSensitiveInformation": ("personal", "sensitive"),
    "rai:dataUseCases": ("intended use", "uses", "use cases"),
    "rai:dataSocialImpact": ("social impact", "impact"),
    "rai:dataReleaseMaintenancePlan": ("maintenance", "versioning", "versions"),
}


def card_sections(markdown: str) -> dict[str, str]:
    """The ``##``/``###`` sections of a data card body: heading (lower case) -> text.

    >>> card_sections("---\\na: 1\\n---\\n# T\\n\\n## Limitations\\n\\nSmall.\\n")
    {'limitations': 'Small.'}
    """
    body = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)
    sections: dict[str, str] = {}
    for m in re.finditer(r"^#{2,3} +(.+?)\s*\n(.*?)(?=^#{1,3} |\Z)", body, flags=re.M | re.S):
        text = m.group(2).strip()
        if text:
            sections.setdefault(m.group(1).strip().lower(), text)
    return sections


def rai_fields(sections: dict[str, str], facts: dict[str, str]) -> dict[str, str]:
    """Responsible-AI properties from the card's sections (first heading that matches), else from ``facts``."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for prop, words in RAI_SECTIONS.items():
        for word in words:
            hit = next((h for h in sections if word in h and h not in used), None)
            if hit:
                out[prop] = sections[hit]
                used.add(hit)
                break
        else:
            if prop in facts:
                out[prop] = facts[prop]
    return out


def changelog(root: Path) -> str:
    """``CHANGELOG.md`` of the checkout at ``root``, else the packaged one (a bare corpus copy has none)."""
    from .resources import data_root

    log = root / "CHANGELOG.md" if (root / "CHANGELOG.md").exists() else data_root() / "CHANGELOG.md"
    return log.read_text(encoding="utf-8") if log.exists() else ""


def release_date(root: Path, version: str) -> str | None:
    """The date of ``version``'s section in ``CHANGELOG.md`` (``## [X.Y.Z] - YYYY-MM-DD``), if it has one."""
    m = re.search(rf"^## \[{re.escape(version)}\] - (\d{{4}}-\d{{2}}-\d{{2}})", changelog(root), re.M)
    return m.group(1) if m else None


def _leaf_type(feature: dict) -> str:
    if feature["_type"] == "ClassLabel":
        return "sc:Integer"
    assert feature["_type"] == "Value", feature
    return {"string": "sc:Text", "bool": "sc:Boolean", "int32": "sc:Integer", "int64": "sc:Integer"}[feature["dtype"]]


def _is_struct(feature) -> bool:
    return isinstance(feature, dict) and not isinstance(feature.get("_type"), str)


def _leaf(fid: str, feature: dict, source: dict, tables, used: set, array: bool = False) -> dict:
    field: dict[str, Any] = {"@type": "cr:Field", "@id": fid, "name": fid.rsplit("/", 1)[-1], "dataType": _leaf_type(feature)}
    if feature["_type"] == "ClassLabel":
        table = tables[tuple(feature["names"])]
        used.add(table)
        field["description"] = f"ClassLabel id into the label set {table!r} (record set label-{table})."
    if array:
        field["isArray"] = True
        field["arrayShape"] = "-1"
    field["source"] = source
    return field


def _struct_leaves(prefix: str, struct: dict, path: str = "") -> list[tuple[str, dict, str]]:
    """Flatten a struct into (field name, leaf feature, json path)."""
    out = []
    for key, sub in struct.items():
        jp = f"{path}.{key}" if path else key
        if _is_struct(sub):
            out += _struct_leaves(prefix, sub, jp)
        else:
            out.append((jp.replace(".", "_"), sub, jp))
    return out


def _fields(config: str, features: dict, file_ref: dict, tables, used: set) -> list[dict]:
    """The Croissant fields of a config from its feature dictionary (:mod:`kashcorpus.configs`)."""
    fields = []
    for column, feature in features.items():
        fid = f"{config}/{column}"
        extract = {"column": column}
        if feature.get("_type") == "List" and _is_struct(feature["feature"]):
            subs = [_leaf(f"{fid}/{name}", leaf, {**file_ref, "extract": extract, "transform": {"jsonPath": jp}},
                          tables, used) for name, leaf, jp in _struct_leaves(fid, feature["feature"])]
            fields.append({"@type": "cr:Field", "@id": fid, "name": column, "isArray": True, "arrayShape": "-1",
                           "subField": subs})
        elif feature.get("_type") == "List":
            fields.append(_leaf(fid, feature["feature"], {**file_ref, "extract": extract}, tables, used, array=True))
        elif _is_struct(feature):
            subs = [_leaf(f"{fid}/{name}", leaf, {**file_ref, "extract": extract, "transform": {"jsonPath": jp}},
                          tables, used) for name, leaf, jp in _struct_leaves(fid, feature)]
            fields.append({"@type": "cr:Field", "@id": fid, "name": column, "subField": subs})
        else:
            fields.append(_leaf(fid, feature, {**file_ref, "extract": extract}, tables, used))
    return fields


def _label_record_set(table: str, names: list[str]) -> dict:
    rid = f"label-{table}"
    return {"@type": "cr:RecordSet", "@id": rid, "name": rid, "dataType": "sc:Enumeration",
            "description": f"The ClassLabel ids of the label set {table!r}, in schema/taxonomy.json order.",
            "key": {"@id": f"{rid}/id"},
            "field": [{"@type": "cr:Field", "@id": f"{rid}/id", "name": "id", "dataType": "sc:Integer"},
                      {"@type": "cr:Field", "@id": f"{rid}/name", "name": "name", "dataType": "sc:Text"}],
            "data": [{f"{rid}/id": i, f"{rid}/name": n} for i, n in enumerate(names)]}


def croissant(root: Path, out: Path, files: dict[str, list[str]], repo_id: str | None = None,
              n_docs: int | None = None) -> dict:
    """The Croissant JSON-LD for the folder ``out`` whose parquet files per config are ``files``
    (``n_docs``: the number of documents, if the caller knows it; else they are counted).

    ``license`` names each part's terms (the annotations CC BY 4.0, the article texts their publishers'
    copyright); ``url`` and ``citeAs`` name the Hub repository ``repo_id``.
    """
    from . import __version__
    from .card import CREATOR, DEFAULT_REPO_ID, SUMMARY, citation, hub_url, licences, release_year
    from .configs import CONFIGS, claim_pair_relation_names, label_tables, ner_tag_names, nli_label_names
    from .corpus import iter_documents
    from .io import file_sha256
    from .resources import data_root, taxonomy

    card = root / "DATACARD.md"
    if not card.exists():
        card = data_root() / "DATACARD.md"
    card_md = card.read_text(encoding="utf-8") if card.exists() else ""
    if n_docs is None:
        n_docs = sum(1 for _ in iter_documents(root))
    passes = sorted(p.name for p in (root / "annotations" / "passes").glob("*") if p.is_dir())
    facts = {
        "rai:dataCollection": f"{n_docs} English news and opinion articles, each text redistributed verbatim "
                              "(byte-identical to its source); one metadata record per document says only what "
                              "the text supports, with a verbatim evidence excerpt.",
        "rai:dataAnnotationProtocol": "Standoff annotation over the verbatim texts: zones, typed entity mentions "
                                      "linked to a corpus-wide registry, claims (type, certainty, checkworthiness, "
                                      "who asserts them) and attributions in the style of PARC 3.0 (source, cue, "
                                      "content). Offsets are Unicode code points, half-open; every span repeats its "
                                      "text, and a validator proves it.",
        "rai:annotationsPerItem": f"1 gold layer per document; {len(passes)} independent annotation pass(es).",
        "rai:dataLimitations": f"A small corpus ({n_docs} documents) in one language (en) on one topic; "
                               "label sets are those of schema/taxonomy.json.",
    }
    tables, used = label_tables(), set[str]()
    distribution, record_sets = [], []
    for name, paths in files.items():
        config = CONFIGS[name]
        if len(paths) == 1:
            fid = f"parquet-{name}"
            distribution.append({"@type": "cr:FileObject", "@id": fid, "name": fid, "contentUrl": paths[0],
                                 "encodingFormat": "application/x-parquet",
                                 "sha256": file_sha256(out / paths[0])})
            ref = {"fileObject": {"@id": fid}}
        else:
            fid = f"parquet-files-{name}"
            distribution.append({"@type": "cr:FileSet", "@id": fid, "name": fid,
                                 "encodingFormat": "application/x-parquet", "includes": f"data/{name}/*.parquet"})
            ref = {"fileSet": {"@id": fid}}
        record_sets.append({"@type": "cr:RecordSet", "@id": name, "name": name, "description": config.description,
                            "field": _fields(name, config.spec(), ref, tables, used)})
    names = {**{k: list(v) for k, v in taxonomy().items() if isinstance(v, dict)}, "ner_tag": ner_tag_names(),
             "claim_pair_relation": claim_pair_relation_names(), "nli_label": nli_label_names()}
    record_sets += [_label_record_set(t, names[t]) for t in sorted(used)]
    repo_id = repo_id or DEFAULT_REPO_ID
    published = release_date(root, __version__)
    year = release_year(changelog(root), __version__)
    meta = {
        "@context": CONTEXT, "@type": "sc:Dataset", "name": "kashcorpus", "conformsTo": CONFORMS_TO,
        "description": SUMMARY,
        "url": hub_url(repo_id), "version": __version__, "license": licences(), "inLanguage": "en",
        "creator": {"@type": "sc:Organization", "name": CREATOR},
        "citeAs": citation(__version__, year, repo_id),
        "keywords": ["attribution", "claims", "named entity recognition", "entity linking", "news"],
        "isLiveDataset": False,
        **({"datePublished": published} if published else {}),
        **rai_fields(card_sections(card_md), facts),
        "distribution": distribution, "recordSet": record_sets,
    }
    return meta


def croissant_bytes(root: Path, out: Path, files: dict[str, list[str]], repo_id: str | None = None,
                    n_docs: int | None = None) -> bytes:
    """:func:`croissant` as deterministic JSON (fixed key order, UTF-8, final newline)."""
    return (json.dumps(croissant(root, out, files, repo_id, n_docs), indent=2, ensure_ascii=False) + "\n").encode("utf-8")

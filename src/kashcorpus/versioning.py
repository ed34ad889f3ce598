"""Data diffs between two versions of the corpus, the version bump they require, and the release check."""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SourceError  # noqa: F401  (still importable from here)
from .io import extract_tar, read_text
from .revisions import (RELEASE_REF, check_revision, VERSION_FILE, VERSION_RE, _git, changelog_versions, release_commit,  # noqa: F401
                        resolve_revision, version_at)

LAYERS = ("documents", "zones", "mentions", "claims", "attributions", "entities", "links", "labels")
BUMPS = ("none", "patch", "minor", "major")
DATA_PATHS = ("corpus", "annotations", "schema", "DATACARD.md")


@dataclass
class Snapshot:
    """The released records of one version, per layer: key -> comparable record."""

    label: str
    version: str | None
    layers: dict[str, dict[str, dict]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # document id -> text (to carry spans through edits)


@dataclass
class LayerDiff:
    """Keys of the records added and removed; ``(key, fields)`` of those changed, and of those only
    extended (a list field that kept all its items and gained some, or a field that was empty before)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    extended: list[tuple[str, list[str]]] = field(default_factory=list)
    shifted: list[str] = field(default_factory=list)  # carried through an edit of the text, otherwise the same

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.extended or self.shifted)


@dataclass
class Diff:
    old: Snapshot
    new: Snapshot
    layers: dict[str, LayerDiff]

    @property
    def bump(self) -> str:
        """``major`` if a record or text changed or went away, ``minor`` for additions only, else ``patch``."""
        if any(d.removed or d.changed for d in self.layers.values()):
            return "major"
        if any(d.added or d.extended for d in self.layers.values()):
            return "minor"
        return "patch"

    @property
    def data_changed(self) -> bool:
        return any(self.layers.values())


# -- snapshots ---------------------------------------------------------------------------------

def _summary(layer: str, rec: dict) -> str:
    if layer in ("zones", "mentions", "claims"):
        label = rec.get("label") or rec.get("claim_type")
        text = rec["text"] if len(rec["text"]) <= 60 else rec["text"][:57] + "..."
        return f"{label} [{rec['start']}, {rec['end']}) {text!r}"
    if layer == "attributions":
        return f"{rec['source_type']} content [{rec['content']['start']}, {rec['content']['end']})"
    if layer == "documents":
        return f"{rec.get('title')!r}"
    if layer == "entities":
        return f"{rec['type']} {rec['name']!r}"
    if layer == "links":
        return f"{rec['type']} {len(rec['members'])} members"
    return str(rec.get("index"))


def _document_record(row: dict) -> dict:
    """A document's metadata and the hash of its text (its layers are compared record by record)."""
    import hashlib

    rec = {k: v for k, v in row.items() if k not in ("zones", "mentions", "claims", "attributions", "text")}
    rec["text_sha256"] = hashlib.sha256(row["text"].encode("utf-8")).hexdigest()
    return rec


def snapshot_checkout(root: Path, label: str | None = None, version: str | None = None) -> Snapshot:
    """The records of a corpus checkout (``corpus/``, ``annotations/``, ``schema/``)."""
    import json

    from .configs import CONFIGS

    snap = Snapshot(label or str(root), version)
    for name in ("zones", "mentions", "claims", "attributions"):
        snap.layers[name] = {f"{r['doc']}#{r['id']}": r for r in CONFIGS[name].rows(root)}
    docs = {}
    for row in CONFIGS["documents"].rows(root):
        docs[row["id"]] = _document_record(row)
        snap.texts[row["id"]] = row["text"]
    snap.layers["documents"] = docs
    snap.layers["entities"] = {r["id"]: r for r in CONFIGS["entities"].rows(root)}
    snap.layers["links"] = {r["id"]: r for r in CONFIGS["links"].rows(root)}
    tax_file = root / "schema" / "taxonomy.json"
    tax = json.loads(read_text(tax_file, root)) if os.path.lexists(tax_file) else {}  # no link followed
    snap.layers["labels"] = {f"{t}:{name}": {"table": t, "label": name, "index": i}
                             for t, names in tax.items() if isinstance(names, dict)
                             for i, name in enumerate(names)}
    return snap


def _decode(value, feature):
    from datasets import ClassLabel, List

    if value is None:
        return None
    if isinstance(feature, ClassLabel):
        return feature.int2str(value)
    if isinstance(feature, List):
        return [_decode(v, feature.feature) for v in value]
    if isinstance(feature, dict):
        return {k: _decode(value.get(k), f) for k, f in feature.items()}
    return value


def snapshot_folder(folder: Path) -> Snapshot:
    """The records of a built dataset folder (parquet files, ClassLabel ids decoded to names)."""
    import json

    import pyarrow.parquet as pq
    from datasets import ClassLabel, Features, List

    from .configs import label_tables

    meta = folder / "croissant.json"
    version = json.loads(meta.read_text(encoding="utf-8")).get("version") if meta.exists() else None
    snap = Snapshot(str(folder), version, {name: {} for name in LAYERS})
    tables = label_tables()
    labels: dict[str, dict] = {}
    for config_dir in sorted((folder / "data").iterdir()):
        rows = []
        features = None
        for f in sorted(config_dir.glob("*.parquet")):
            table = pq.read_table(f)
            features = Features.from_arrow_schema(table.schema)
            rows += [_decode(r, features) for r in table.to_pylist()]
        if features is None:
            continue
        stack = list(features.values())
        while stack:
            feat = stack.pop()
            if isinstance(feat, List):
                stack.append(feat.feature)
            elif isinstance(feat, dict):
                stack += list(feat.values())
            elif isinstance(feat, ClassLabel) and tuple(feat.names) in tables:
                t = tables[tuple(feat.names)]
                if t != "ner_tag":
                    labels.update({f"{t}:{n}": {"table": t, "label": n, "index": i} for i, n in enumerate(feat.names)})
        name = config_dir.name
        if name in ("zones", "mentions", "claims", "attributions"):
            snap.layers[name] = {f"{r['doc']}#{r['id']}": r for r in rows}
        elif name == "documents":
            snap.layers[name] = {r["id"]: _document_record(r) for r in rows}
            snap.texts = {r["id"]: r["text"] for r in rows}
        elif name in ("entities", "links"):
            snap.layers[name] = {r["id"]: r for r in rows}
    snap.layers["labels"] = labels
    return snap


def snapshot_revision(repo: Path, rev: str) -> Snapshot:
    """The records at a git revision of the repository ``repo`` (``vX.Y.Z`` works without tags too)."""
    commit = resolve_revision(repo, rev)
    present = _git(repo, "ls-tree", "--name-only", commit).decode().split()
    paths = [p for p in DATA_PATHS if p in present]
    with tempfile.TemporaryDirectory(prefix="kashcorpus-diff-") as tmp:
        if paths:
            data = _git(repo, "archive", "--format=tar", commit, "--", *paths)
            extract_tar(data, Path(tmp))
        root = Path(tmp)
        (root / "corpus").mkdir(exist_ok=True)
        if not (root / "corpus" / "documents.jsonl").exists():
            (root / "corpus" / "documents.jsonl").write_bytes(b"")
        return snapshot_checkout(root, label=rev, version=version_at(repo, commit))


def snapshot(source: str, repo: Path | None = None) -> Snapshot:
    """A built folder, a checkout folder or a git revision of ``repo`` (default: the current directory)."""
    check_revision(source, "a diff side")
    path = Path(source)
    if (path / "data").is_dir() and (path / "README.md").is_file():
        from .publish import verify_folder

        verify_folder(path)  # a damaged folder is named here, never left to fail inside pyarrow
        return snapshot_folder(path)
    if (path / "corpus").is_dir():
        text = read_text(path / VERSION_FILE, path) if os.path.lexists(path / VERSION_FILE) else ""
        m = VERSION_RE.search(text)
        return snapshot_checkout(path, version=m.group(1) if m else None)
    return snapshot_revision(repo or Path.cwd(), source)


# -- diffing ---------------------------------------------------------------------------------------

def natural(key: str) -> list:
    """Sort key that puts ``m2`` before ``m10``.

    >>> sorted(["kash-0#m10", "kash-0#m2"], key=natural)
    ['kash-0#m2', 'kash-0#m10']
    """
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", key)]


def _extends(old, new) -> bool:
    """True when ``new`` only adds to ``old``: it was empty, or a list that kept every item and gained some."""
    if old is None or old == [] or old == {}:
        return True
    if isinstance(old, list) and isinstance(new, list):
        return all(x in new for x in old)
    return False


SPAN_LAYERS_OF_DATASET = ("zones", "mentions", "claims", "attributions")


def diff(old: Snapshot, new: Snapshot) -> Diff:
    """Added, removed and changed records per layer (a changed record lists the fields that differ).

    When a document's text changed, its spans are first carried through the edit (as re-anchoring does): a
    span that only moved with the edit is ``shifted``, not changed, so a one-character fix shows as the one
    edited span.
    """
    from .model import OffsetMap, map_record

    maps = {doc: OffsetMap(text, new.texts[doc]) for doc, text in old.texts.items()
            if doc in new.texts and new.texts[doc] != text}
    layers = {}
    for layer in LAYERS:
        a, b = old.layers.get(layer, {}), new.layers.get(layer, {})
        d = LayerDiff(added=sorted(set(b) - set(a), key=natural), removed=sorted(set(a) - set(b), key=natural))
        for key in sorted(set(a) & set(b), key=natural):
            carried = a[key]
            if a[key] != b[key] and layer in SPAN_LAYERS_OF_DATASET and a[key].get("doc") in maps:
                carried = map_record(a[key], maps[a[key]["doc"]])  # compared where the edit put it
                if carried == b[key]:
                    d.shifted.append(key)
                    continue
            if a[key] != b[key]:
                fields = sorted(k for k in set(a[key]) | set(b[key]) if carried.get(k) != b[key].get(k))
                grown = all(_extends(a[key].get(k), b[key].get(k)) for k in fields)
                (d.extended if grown else d.changed).append((key, fields))
        layers[layer] = d
    return Diff(old, new, layers)


def to_json(d: Diff) -> dict:
    """The diff as plain JSON data."""
    return {
        "old": {"source": d.old.label, "version": d.old.version},
        "new": {"source": d.new.label, "version": d.new.version},
        "bump": d.bump, "data_changed": d.data_changed,
        "layers": {name: {"added": ld.added, "removed": ld.removed,
                          "changed": [{"key": k, "fields": f} for k, f in ld.changed],
                          "extended": [{"key": k, "fields": f} for k, f in ld.extended],
                          "shifted": ld.shifted}
                   for name, ld in d.layers.items()},
    }


def to_text(d: Diff, limit: int = 50) -> str:
    """The diff for people: a count line per layer, then the records (at most ``limit`` per kind)."""
    out = [f"kashcorpus diff {d.old.label} ({d.old.version or '?'}) -> {d.new.label} ({d.new.version or '?'})"]
    for name, ld in d.layers.items():
        out.append(f"{name}: {len(ld.added)} added, {len(ld.removed)} removed, {len(ld.changed)} changed"
                   + (f", {len(ld.extended)} extended" if ld.extended else "")
                   + (f", {len(ld.shifted)} shifted with their text's edit" if ld.shifted else ""))
        for sign, keys, side in (("+", ld.added, d.new), ("-", ld.removed, d.old)):
            for key in keys[:limit]:
                out.append(f"  {sign} {key} {_summary(name, side.layers[name][key])}")
            if len(keys) > limit:
                out.append(f"  {sign} ... and {len(keys) - limit} more")
        for sign, items in (("~", ld.changed), ("^", ld.extended)):
            for key, fields in items[:limit]:
                out.append(f"  {sign} {key} ({', '.join(fields)})")
            if len(items) > limit:
                out.append(f"  {sign} ... and {len(items) - limit} more")
    why = {"major": "records or texts changed or were removed",
           "minor": "records were added or extended, none changed or removed",
           "patch": "the data is the same"}[d.bump]
    out.append(f"required version bump: {d.bump} ({why})")
    return "\n".join(out) + "\n"


# -- versions and the release check ------------------------------------------------------------------

def parse_version(v: str) -> tuple[int, int, int]:
    """``"1.2.3"`` -> ``(1, 2, 3)``.

    >>> parse_version("0.10.2")
    (0, 10, 2)
    """
    m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", v or "")
    if not m:
        raise ValueError(f"not a MAJOR.MINOR.PATCH version: {v!r}")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def bump_between(old: str, new: str) -> str:
    """The bump from ``old`` to ``new``: ``none``, ``patch``, ``minor`` or ``major`` (``none`` if it goes back).

    >>> bump_between("0.1.0", "0.2.0"), bump_between("0.1.0", "0.1.0"), bump_between("1.4.2", "2.0.0")
    ('minor', 'none', 'major')
    """
    a, b = parse_version(old), parse_version(new)
    if b <= a:
        return "none"
    return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"


def next_version(old: str, bump: str) -> str:
    """The smallest version that makes ``bump`` over ``old``.

    >>> next_version("0.1.3", "minor")
    '0.2.0'
    """
    x, y, z = parse_version(old)
    return {"major": f"{x + 1}.0.0", "minor": f"{x}.{y + 1}.0", "patch": f"{x}.{y}.{z + 1}"}.get(bump, old)


def check_release(d: Diff, new_version: str, changelog: str, pyproject_version: str | None = None) -> list[str]:
    """Problems that block the change: a data change without the version bump and changelog entry it needs."""
    problems = []
    if pyproject_version is not None and pyproject_version != new_version:
        problems.append(f"pyproject.toml says version {pyproject_version} but the package says {new_version}; "
                        "one version number covers both")
    old_version = d.old.version
    if not old_version:
        return problems
    made = bump_between(old_version, new_version)
    required = d.bump if d.data_changed else "none"
    if BUMPS.index(made) < BUMPS.index(required):
        problems.append(f"the data changed ({required}: {_counts(d)}) but the version went from {old_version} to "
                        f"{new_version}; set it to {next_version(old_version, required)} or higher "
                        "(docs/versioning.md)")
    if made != "none" and new_version not in changelog_versions(changelog):
        problems.append(f"CHANGELOG.md has no section '## [{new_version}]' for the new version")
    return problems


def _counts(d: Diff) -> str:
    parts = []
    for name, ld in d.layers.items():
        bits = [f"{len(x)} {w}" for x, w in ((ld.added, "added"), (ld.removed, "removed"), (ld.changed, "changed"),
                                              (ld.extended, "extended")) if x]
        if bits:
            parts.append(f"{name} " + ", ".join(bits))
    return "; ".join(parts)

"""Reading and writing annotation files through the canonical, atomic path."""
from __future__ import annotations

from pathlib import Path

from .findings import Finding
from .io import Layout, atomic_write, dumps_annotation_file, dumps_table
from .validate.spans import SPAN_TYPES, schema_findings
from .validate.syntax import iter_objects

TABLES = (("documents_file", "document"), ("entities_file", "entity"), ("links_file", "link"))


def _load(path: Path, rel: str, schema_of) -> tuple[list[dict], list[Finding]]:
    records, bad = [], []
    for item in iter_objects(path, rel):
        if isinstance(item, Finding):
            if item.level <= 2 and item.severity == "error":
                bad.append(item)
            continue
        line, obj = item
        name = schema_of(obj)
        if name is None:
            from .findings import make_finding

            bad.append(make_finding("unknown-record-type", file=rel, line=line, rtype=obj.get("type"),
                                    allowed=", ".join(("header",) + SPAN_TYPES)))
            continue
        bad.extend(schema_findings(obj, name, rel, line, None))
        records.append(obj)
    return records, bad


def _annotation_schema(obj: dict) -> str | None:
    t = obj.get("type")
    return t if t in ("header",) + SPAN_TYPES else None


def format_corpus(root: Path, write: bool = True) -> tuple[list[str], list[Finding]]:
    """Rewrite every data file in canonical form; return ``(changed files, blocking findings)``.

    Nothing is written when any file has a syntax or schema error.
    """
    layout = Layout(Path(root))
    plans: list[tuple[Path, bytes]] = []
    blocking: list[Finding] = []
    for attr, schema in TABLES:
        path = getattr(layout, attr)
        if path.exists():
            recs, bad = _load(path, layout.rel(path), lambda _o, s=schema: s)
            blocking += bad
            plans.append((path, dumps_table(recs, schema)))
    for _layer, path in layout.annotation_files():
        recs, bad = _load(path, layout.rel(path), _annotation_schema)
        blocking += bad
        plans.append((path, dumps_annotation_file(recs)))
    if blocking:
        return [], blocking
    changed = []
    for path, data in plans:
        if path.read_bytes() != data:
            changed.append(layout.rel(path))
            if write:
                atomic_write(path, data)
    return changed, []

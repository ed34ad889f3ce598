"""A review page of what changed between two versions of the annotations: added, removed and changed spans."""
from __future__ import annotations

import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator

from ..corpus import iter_documents
from ..errors import SourceError
from ..io import extract_tar
from ..model import PARTS, OffsetMap, map_record
from .markup import Seg, nest, render


def span_key(rec: dict) -> tuple:
    """What identifies a span across versions: its type and where it is (ids may be renumbered).

    >>> span_key({"type": "mention", "id": "m4", "start": 3, "end": 8, "text": "Hamas", "label": "ORG"})
    ('mention', 3, 8)
    """
    if rec.get("type") == "attribution":
        return ("attribution",) + tuple((rec.get(p) or {}).get(k) for p in PARTS for k in ("start", "end"))
    return rec.get("type"), rec.get("start"), rec.get("end")


def _fields(rec: dict) -> dict:
    return {k: v for k, v in rec.items() if k != "id"}


@dataclass
class DocDiff:
    """The changes in one document; ``text_changed`` when the old offsets no longer apply to the text."""

    id: str
    title: str
    text: str
    text_changed: bool
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, dict, list[str]]] = field(default_factory=list)
    shifted: int = 0  # spans carried unchanged through an edit of the text (not shown one by one)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.text_changed)

    def body(self):
        segs = []
        marks = [("added", r) for r in self.added] + [("changed", new) for _, new, _ in self.changed]
        if not self.text_changed:
            marks += [("removed", r) for r in self.removed]
        for n, (kind, r) in enumerate(marks):
            spans = [r.get(p) for p in PARTS] if r.get("type") == "attribution" else [r]
            for k, s in enumerate(x for x in spans if x):
                if 0 <= s["start"] < s["end"] <= len(self.text) and self.text[s["start"]:s["end"]] == s["text"]:
                    segs.append(Seg(s["start"], s["end"], f"d{n}.{k}", f"d d-{kind}", rank=n,
                                    title=f"{kind}: {r.get('type')} {r.get('id')}",
                                    attrs=(("data-kind", kind),)))
        return render(self.text, nest(len(self.text), segs))


def diff_docs(old_root: Path, new_root: Path, layer: str = "gold") -> list[DocDiff]:
    """Compare the annotations of two checkouts document by document."""
    old = {d.id: d for d in iter_documents(old_root, layer)}
    out = []
    for doc in iter_documents(new_root, layer):
        before = old.get(doc.id)
        title = (doc.meta.get("title") or {}).get("value") or doc.id
        dd = DocDiff(doc.id, title, doc.text, before is not None and before.text != doc.text)
        # after an edit of the text, old spans are carried through it (as re-anchoring does) before they are
        # matched, so a one-character fix is one edited span, not every later span removed and added again
        mapper = OffsetMap(before.text, doc.text) if dd.text_changed and before is not None else None
        olds = [(map_record(r, mapper) if mapper else r, r) for r in (before.records if before else ())]
        a = {span_key(m): (m, r) for m, r in olds}
        b = {span_key(r): r for r in doc.records}
        dd.added = [b[k] for k in b if k not in a]
        dd.removed = [a[k][1] for k in a if k not in b]
        for k in b:
            if k not in a:
                continue
            mapped, orig = a[k]
            if _fields(mapped) != _fields(b[k]):  # edited or relabelled, not only moved by the edit
                diffs = sorted(f for f in set(orig) | set(b[k]) if f != "id" and orig.get(f) != b[k].get(f))
                dd.changed.append((orig, b[k], diffs))
            elif mapper is not None and _fields(orig) != _fields(b[k]):
                dd.shifted += 1
        out.append(dd)
    return out


@contextmanager
def checkout(source: str, repo: Path, role: str = "revision") -> Iterator[Path]:
    """A folder with ``corpus/`` and ``annotations/`` for a checkout path or a git revision of ``repo``
    (``vX.Y.Z`` works without tags, see :func:`kashcorpus.revisions.resolve_revision`).

    ``role`` names the argument in the error (``OLD``, ``NEW``).
    """
    from ..revisions import check_revision, resolve_revision

    try:
        check_revision(source, role)
    except SourceError as e:
        raise ValueError(str(e)) from None
    path = Path(source)
    if (path / "corpus" / "documents.jsonl").is_file():
        yield path
        return
    try:
        commit = resolve_revision(repo, source)
    except SourceError as e:
        raise ValueError(f"{role} {source!r} is neither a corpus checkout nor a git revision: {e}") from None
    run = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit, "--", "corpus", "annotations"],
                         capture_output=True)
    if run.returncode != 0:
        raise ValueError(f"{role} {source!r} ({commit[:12]}) has no corpus/ and annotations/")
    with tempfile.TemporaryDirectory(prefix="kashcorpus-view-") as tmp:
        extract_tar(run.stdout, Path(tmp))
        yield Path(tmp)

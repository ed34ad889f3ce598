"""Adding an article to the corpus: a text kept byte-identical, or a saved page kept beside it and its text extracted."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ChangeRefused
from ..findings import printable
from ..io import read_input
from ..layout import Layout
from ..model import is_doc_id
from ..resources import taxonomy
from ..store import Change
from .propose import Proposal, assemble, plain, refuse

MAX_BYTES = 10 * 1024 * 1024  # an article (the five are under 6 kB; a saved page with its scripts, a few MB)
FORMATS = {".txt": "text", ".html": "page", ".htm": "page", ".xhtml": "page"}
GENRE = "news-report"  # proposed for every new article; the annotator checks it against the taxonomy
URL = re.compile(r"https?://[!-~]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass
class Added:
    """What ``document add`` wrote (or, with ``dry_run``, would write): a report for people and the same as data."""

    message: str
    data: dict = field(default_factory=dict)


def add_document(root: Path, file: Path, *, doc_id: str | None = None, url: str | None = None,
                 language: str | None = None, dry_run: bool = False) -> Added:
    """Add the article in ``file`` (a ``.txt`` text or a saved ``.html`` page) as a new document of the
    checkout at ``root``: its text, metadata record, zones and empty gold layer, in one validated change.

    >>> import shutil, tempfile; from kashcorpus.resources import data_root
    >>> tmp = Path(tempfile.mkdtemp()); _ = shutil.copytree(data_root(), tmp / "c")
    >>> _ = (tmp / "rain.txt").write_text("Rain in Lahore\\n\\nIt rained all day in Lahore.\\n")
    >>> add_document(tmp / "c", tmp / "rain.txt").data["doc"]
    'kash-005'
    """
    layout = Layout(Path(root))
    name = Path(file).name
    kind = FORMATS.get(Path(file).suffix.lower())
    if kind is None:
        raise refuse("add-unknown-format", name, file=name)
    if url is not None and not URL.fullmatch(url):
        raise refuse("add-bad-url", name, url=url)
    data = _read(Path(file), name)
    page = data if kind == "page" else None
    if page is not None:
        from .page import check_references, decode, extract

        html, encoding = decode(page, name)
        check_references(html, name, encoding)
        proposal = extract(html, name, url)
        assert proposal.blocks is not None
        text, proposal.zones = assemble(proposal.blocks)
    else:
        encoding = "utf-8"
        text = _text(data, name)
        if not text.strip():
            raise refuse("add-empty", name, file=name)
        proposal = plain(text)
    body = text.encode("utf-8")
    doc = _new_id(layout, _ids(layout), doc_id, name)
    with Change(layout.root, _paths(layout, doc, page is not None)) as ch:
        metas = ch.table(layout.documents_file, "document")
        if any(r.get("id") == doc for r in metas.records):  # taken since it was chosen
            raise refuse("add-id-exists", name, doc=doc)
        _unique(metas.records, body, page, name)
        meta = _record(doc, name, text, body, proposal, metas.records, url, language, page, encoding)
        metas.records.append(meta)
        ch.put(metas)
        ch.stage(layout.text_path(doc), body)
        if page is not None:
            ch.stage(layout.page_path(doc), page)
        gold = ch.annotations(layout.gold_path(doc), doc, "gold")
        gold.records = list(proposal.zones)
        ch.put(gold)
        files = [layout.rel(p) for p in sorted(ch.staged, key=layout.rel)]
        if dry_run:
            bad = ch.check()
            ch.staged.clear()
            if bad:
                raise ChangeRefused(f"the new document would break the corpus: {bad[0].message} ({bad[0].code}); "
                                    "nothing was written", bad)
    return _report(layout, doc, meta, proposal, files, dry_run)


def _ids(layout: Layout) -> list[str]:
    from ..io import read_jsonl

    records = read_jsonl(layout.documents_file, layout.root) if layout.documents_file.exists() else []
    return [r["id"] for r in records if isinstance(r, dict) and isinstance(r.get("id"), str)]


def _paths(layout: Layout, doc: str, page: bool) -> list[Path]:
    return [layout.documents_file, layout.text_path(doc), layout.gold_path(doc)] + ([layout.page_path(doc)] if page else [])


def _read(path: Path, name: str) -> bytes:
    try:
        data = read_input(path, MAX_BYTES)
    except ValueError:
        raise refuse("add-unreadable", name, file=name, reason=f"it is larger than {MAX_BYTES} bytes") from None
    except OSError as e:
        raise refuse("add-unreadable", name, file=name, reason=(e.strerror or str(e)).lower()) from None
    if not data.strip():
        raise refuse("add-empty", name, file=name)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 holds NUL bytes but is text: say so
        raise refuse("add-not-utf8", name, file=name, reason="it is UTF-16 (byte order mark)", offset=0)
    bad = _CONTROL.search(data.decode("latin-1"))
    if bad is not None:
        raise refuse("add-binary", name, file=name, char=f"U+{ord(bad.group()):04X}", offset=bad.start())
    return data


def _text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise refuse("add-not-utf8", name, file=name, reason=e.reason, offset=e.start) from None


def _new_id(layout: Layout, ids: list[str], wanted: str | None, name: str) -> str:
    """``wanted``, or the id after the highest one of the most common ``<prefix><number>`` form."""
    if wanted is not None:
        if not is_doc_id(wanted):
            raise refuse("add-bad-id", name, doc=wanted)
        if wanted in ids or layout.text_path(wanted).exists() or layout.gold_path(wanted).exists():
            raise refuse("add-id-exists", name, doc=wanted)
        return wanted
    return next_id(ids)


def next_id(ids: list[str]) -> str:
    """The id after the highest one of the most common ``<prefix><number>`` form (``kash-000`` for none).

    >>> next_id(["kash-000", "kash-004", "other"]), next_id([])
    ('kash-005', 'kash-000')
    """
    forms: dict[str, list[str]] = {}
    for i in ids:
        m = re.fullmatch(r"(.*?)(\d+)", i)
        if m:
            forms.setdefault(m.group(1), []).append(m.group(2))
    if not forms:
        return "kash-000"
    prefix, numbers = max(forms.items(), key=lambda kv: (len(kv[1]), kv[0]))
    width = max(len(n) for n in numbers)
    taken = set(ids)
    n = max(int(x) for x in numbers) + 1
    while f"{prefix}{n:0{width}d}" in taken:
        n += 1
    return f"{prefix}{n:0{width}d}"


def _unique(records: list[dict], body: bytes, page: bytes | None, name: str) -> None:
    sha = hashlib.sha256(body).hexdigest()
    psha = hashlib.sha256(page).hexdigest() if page is not None else None
    for r in records:
        if r.get("sha256") == sha:
            raise refuse("add-duplicate", name, file=name, what="text", doc=r["id"], sha256=sha)
        if psha is not None and (r.get("page") or {}).get("sha256") == psha:
            raise refuse("add-duplicate", name, file=name, what="saved page", doc=r["id"], sha256=psha)


def _record(doc: str, name: str, text: str, body: bytes, proposal: Proposal, records: list[dict], url: str | None,
            language: str | None, page: bytes | None, encoding: str) -> dict:
    meta = proposal.meta
    rights = [r["rights"] for r in records if isinstance(r.get("rights"), str)]
    seed = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip("._-")[:128] or f"{doc}.txt"
    record = {
        "id": doc, "seed_file": seed, "sha256": hashlib.sha256(body).hexdigest(), "length": len(text),
        "bytes": len(body), "language": language or meta.get("language") or "en",
        "title": meta["title"], "publisher": meta["publisher"], "author": meta["author"], "date": meta["date"],
        "genre": {"value": GENRE, "evidence": None,
                  "note": f"Proposed by kashcorpus document add: check it against the genres of the taxonomy "
                          f"({', '.join(taxonomy()['genre'])})."},
        "rights": max(set(rights), key=rights.count) if rights else
        "Copyright in the article text remains with its publisher or author.",
    }
    if url is not None:
        record["url"] = url
    if page is not None:
        record["page"] = {"sha256": hashlib.sha256(page).hexdigest(), "bytes": len(page), "encoding": encoding,
                          "extractor": proposal.extractor}
    return record


def _report(layout: Layout, doc: str, meta: dict, proposal: Proposal, files: list[str], dry_run: bool) -> Added:
    verb = "would add" if dry_run else "added"
    lines = [f"{verb} {doc}: {meta['length']} code points, sha256 {meta['sha256']}"
             + (f", extracted with {meta['page']['extractor']} from the page kept as {layout.rel(layout.page_path(doc))}"
                if "page" in meta else "")]
    lines.append("proposed metadata (check each value against the text before committing):")
    for key in ("title", "publisher", "author", "date"):
        f = meta[key]
        if f["value"] is None:
            lines.append(f"  {key}: null ({printable(f['reason'])})")
        else:
            extra = f" ({f['precision']}, {f['basis']})" if key == "date" else ""
            lines.append(f"  {key}: {printable(f['value'])}{extra}; evidence: {printable(repr(_clip(f['evidence'])))}")
    lines.append(f"  genre: {meta['genre']['value']} (no evidence: choose the genre)")
    lines.append(f"  language: {meta['language']}")
    lines.append("zones:")
    for z in proposal.zones:
        lines.append(f"  {z['id']} {z['label']} [{z['start']}, {z['end']}) {printable(repr(_clip(z['text'].strip())))}")
    lines.append(("would write " if dry_run else "wrote ") + ", ".join(files))
    lines.append("nothing was written (--dry-run)" if dry_run else
                 f"next: read {layout.rel(layout.text_path(doc))}, correct corpus/documents.jsonl where a proposal is "
                 "wrong, then kashcorpus validate")
    data = {"ok": True, "action": "document add", "doc": doc, "dry_run": dry_run, "metadata": meta,
            "zones": proposal.zones, "files": files}
    return Added("\n".join(lines), data)


def _clip(s: str, n: int = 70) -> str:
    return s if len(s) <= n else s[:n - 1] + "…"

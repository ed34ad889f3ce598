"""What every baseline shares: reading the corpus, sentences, data files, and writing predictions."""
from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path
from collections.abc import Callable, Iterable

from kashcorpus.corpus import DocumentRecords, iter_documents
from kashcorpus.io import atomic_write, dumps_annotation_file, sort_key
from kashcorpus.resources import schema_version

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
ID_PREFIX = {"zone": "z", "mention": "m", "claim": "c", "attribution": "a"}
SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’]?\s+(?=[“\"‘']?[A-Z0-9])")


def data_lines(name: str) -> list[str]:
    """The entries of a data file: one per line, ``#`` comments and blank lines left out."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def data_json(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def lines_of(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every non-blank line, without its line break and edge white space."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence: lines split after ``.``, ``!`` or ``?`` before a capital."""
    out = []
    for ls, le in lines_of(text):
        pos = ls
        for m in SENTENCE_END.finditer(text, ls, le):
            out.append(trim(text, pos, m.start() + len(m.group(0).rstrip())))
            pos = m.end()
        out.append(trim(text, pos, le))
    return [s for s in out if s[0] < s[1]]


def trim(text: str, start: int, end: int, chars: str = "") -> tuple[int, int]:
    """Narrow ``[start, end)`` past white space (and ``chars``) at both edges."""
    while start < end and (text[start].isspace() or text[start] in chars):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in chars):
        end -= 1
    return start, end


def span(text: str, start: int, end: int) -> dict:
    return {"start": start, "end": end, "text": text[start:end]}


def finish(doc: DocumentRecords, records: Iterable[dict]) -> list[dict]:
    """Number the records in canonical order and resolve claims' references to attribution records.

    A claim may carry the attribution record itself in ``attribution``; it becomes that record's id.
    """
    recs = sorted(records, key=sort_key)
    counters = dict.fromkeys(ID_PREFIX, 0)
    for r in recs:
        counters[r["type"]] += 1
        r["id"] = f"{ID_PREFIX[r['type']]}{counters[r['type']]}"
    for r in recs:
        if r["type"] == "claim" and isinstance(r.get("attribution"), dict):
            r["attribution"] = r["attribution"]["id"]
    return recs


def write(out: Path, doc: DocumentRecords, records: list[dict]) -> None:
    header = {"type": "header", "doc": doc.id, "layer": "gold",
              "text_sha256": hashlib.sha256(doc.text.encode("utf-8")).hexdigest(), "schema_version": schema_version()}
    atomic_write(out / f"{doc.id}.jsonl", dumps_annotation_file([header] + records))


def run(root: Path, out: Path, predict: Callable[[DocumentRecords], list[dict]]) -> Path:
    """Predict every document of the corpus at ``root`` and write ``out/<doc>.jsonl``."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.jsonl"):
        stale.unlink()
    for doc in iter_documents(root):
        write(out, doc, finish(doc, predict(doc)))
    return out


def cli(name: str, description: str, predict_factory: Callable[[Path], Callable]) -> None:
    """The command line every baseline has: ``--root`` (corpus checkout) and ``--out`` (predictions folder)."""
    p = argparse.ArgumentParser(prog=f"baselines/{name}.py", description=description)
    p.add_argument("--root", type=Path, default=ROOT, help="corpus checkout (default: this repository)")
    p.add_argument("--out", type=Path, default=ROOT / "dist" / "baselines" / name, help="predictions folder")
    args = p.parse_args()
    print(run(args.root, args.out, predict_factory(args.root)).as_posix())

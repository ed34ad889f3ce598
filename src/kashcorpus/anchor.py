"""Re-anchoring annotations when their text changes: quote plus context (W3C TextQuoteSelector), exact first, then fuzzy."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .annotate.common import Result, annotation_path, document_ids, finish, sync_aliases
from .errors import AnnotateError
from .layout import Layout
from .model import PARTS, OffsetMap, spans_of  # noqa: F401  (OffsetMap: re-exported, it lives in the model)
from .quotes import fuzzy_matches, locate, occurrences, ratio, show
from .store import AnnotationFile, Change, recall_text, remember_text

WIDTH = 32            # characters of context kept on each side of a quote
MIN_CONTEXT = 50.0    # context similarity (0-100) an exact match of a repeated quote needs
MIN_FUZZY = 75.0      # quote similarity (0-100) a fuzzy placement needs


@dataclass(frozen=True)
class TextQuoteSelector:
    """What a span says and what surrounds it, as in the W3C Web Annotation TextQuoteSelector.

    >>> TextQuoteSelector.of("The minister said on Monday", 13, 17, width=4)
    TextQuoteSelector(exact='said', prefix='ter ', suffix=' on ')
    """

    exact: str
    prefix: str = ""
    suffix: str = ""

    @classmethod
    def of(cls, text: str, start: int, end: int, width: int = WIDTH) -> TextQuoteSelector:
        return cls(text[start:end], text[max(0, start - width):start], text[end:end + width])

    def context_score(self, text: str, start: int, end: int) -> float:
        """How well the text around ``[start, end)`` matches the prefix and suffix (0-100)."""
        before = text[max(0, start - len(self.prefix)):start]
        after = text[end:end + len(self.suffix)]
        a = 100.0 if not self.prefix and not before else ratio(self.prefix, before)
        b = 100.0 if not self.suffix and not after else ratio(self.suffix, after)
        return (a + b) / 2


@dataclass(frozen=True)
class Placement:
    start: int
    end: int
    method: str   # unchanged, shifted, exact, nearest, edited, fuzzy, resized
    score: float = 100.0


def _snap(text: str, s: int, e: int) -> tuple[int, int]:
    while s > 0 and text[s - 1].isalnum() and text[s].isalnum():
        s -= 1
    while e < len(text) and text[e - 1].isalnum() and text[e].isalnum():
        e += 1
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def place(new: str, sel: TextQuoteSelector, *, hint: int | None = None, unique_before: bool = False,
          mapped: tuple[int, int] | None = None, min_score: float = MIN_FUZZY) -> Placement | None:
    """Find the span ``sel`` describes in ``new``: an exact occurrence (chosen by context when the quote
    repeats), else the passage its old boundaries map to (``mapped``, when edited inside), else the most
    similar passage; ``None`` when no place is convincing.

    >>> place("Hamas leaders met. Hamas officials met.", TextQuoteSelector("Hamas", ". ", " officials"))
    Placement(start=19, end=24, method='exact', score=100.0)
    """
    n = len(sel.exact)
    cands = occurrences(new, sel.exact)
    if cands and not (sel.prefix or sel.suffix):
        if len(cands) == 1:
            return Placement(cands[0], cands[0] + n, "exact")
        if hint is not None:
            near = sorted((abs(s - hint), s) for s in cands)
            if near[0][0] < near[1][0]:
                return Placement(near[0][1], near[0][1] + n, "nearest")
    elif cands:
        scored = sorted(((round(sel.context_score(new, s, s + n), 1), -abs(s - hint) if hint is not None else 0, s)
                         for s in cands), reverse=True)
        best = scored[0]
        tied = len(scored) > 1 and scored[1][:2] == best[:2]
        if not tied and (best[0] >= MIN_CONTEXT or (len(cands) == 1 and unique_before)):
            return Placement(best[2], best[2] + n, "exact", best[0])
    if mapped is not None:
        s, e = _snap(new, *mapped)
        if s < e and ratio(sel.exact, new[s:e]) >= min_score:
            return Placement(s, e, "edited", round(ratio(sel.exact, new[s:e]), 1))
    return _fuzzy(new, sel, hint, min_score)


def _fuzzy(new: str, sel: TextQuoteSelector, hint: int | None, min_score: float) -> Placement | None:
    if not new.strip():
        return None
    lo, hi = 0, len(new)
    if hint is not None:
        pad = len(sel.exact) + 2 * WIDTH + 200
        lo, hi = max(0, hint - pad), min(len(new), hint + len(sel.exact) + pad)
    window = new[lo:hi]
    if len(window) < len(sel.exact):
        window, lo = new, 0
    try:
        from rapidfuzz import fuzz

        al = fuzz.partial_ratio_alignment(sel.exact, window)
        found = None if al is None or al.score < min_score else (al.dest_start, al.dest_end)
    except ImportError:  # pragma: no cover - rapidfuzz is a listed dependency; word windows with difflib instead
        best = fuzzy_matches(window, sel.exact, limit=1, cutoff=min_score)
        found = best[0][:2] if best else None
    if found is None:
        return None
    s, e = _snap(new, lo + found[0], lo + found[1])
    if s >= e:
        return None
    score = round(ratio(sel.exact, new[s:e]), 1)
    ctx = sel.context_score(new, s, e)
    if score < min_score or (sel.prefix or sel.suffix) and ctx < MIN_CONTEXT:
        return None
    return Placement(s, e, "fuzzy", score)


def _span_of(rec: dict, part: str | None) -> dict | None:
    return rec.get(part) if part else rec


def reanchor_records(old: str | None, new: str, records: list[dict], *,
                     min_score: float = MIN_FUZZY) -> tuple[list[dict], list[dict]]:
    """Move every span of ``records`` from ``old`` (``None`` if unknown) onto ``new``.

    Returns ``(records placed, report)``; the report has one entry per span that moved, changed or
    could not be placed (``to`` is ``None``); a record with an unplaceable span is left out.
    """
    mapper = OffsetMap(old, new) if old is not None else None
    placed, report = [], []
    for rec in records:
        out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in rec.items()}
        ok = True
        parts = PARTS if rec["type"] == "attribution" else (None,)
        for part in parts:
            span = _span_of(rec, part)
            if span is None:
                continue
            p = _place_one(old, new, span, rec["type"], mapper, min_score)
            entry = {"id": rec["id"], "type": rec["type"], "part": part, "from": [span["start"], span["end"]],
                     "text": span["text"]}
            if p is None:
                ok = False
                report.append({**entry, "to": None, "method": "unplaced"})
                continue
            target = out[part] if part else out
            target.update(start=p.start, end=p.end, text=new[p.start:p.end])
            if p.method != "unchanged":
                report.append({**entry, "to": [p.start, p.end], "new_text": new[p.start:p.end], "method": p.method,
                               "score": p.score})
        if ok:
            placed.append(out)
    return placed, report


def _place_one(old: str | None, new: str, span: dict, kind: str, mapper: OffsetMap | None,
               min_score: float) -> Placement | None:
    s, e, quote = span["start"], span["end"], span["text"]
    ours = old is not None and old[s:e] == quote
    if mapper is not None and ours:
        if kind == "zone":
            ns, ne = (0 if s == 0 else mapper(s)), mapper(e)
            if ns >= ne:
                return None
            method = "unchanged" if (ns, ne) == (s, e) and new[ns:ne] == quote else (
                "shifted" if new[ns:ne] == quote else "resized")
            return Placement(ns, ne, method)
        if mapper.kept(s, e):
            ns = mapper(s)
            return Placement(ns, ns + len(quote), "unchanged" if ns == s else "shifted")
    mapped = None
    if ours and old is not None:
        sel = TextQuoteSelector.of(old, s, e)
        unique = len(occurrences(old, quote)) == 1
        hint = mapper(s) if mapper is not None else s
        mapped = (mapper(s), mapper(e)) if mapper is not None else None
    else:
        sel, unique, hint = TextQuoteSelector(quote), False, s
    return place(new, sel, hint=hint, unique_before=unique, mapped=mapped, min_score=min_score)


# -- commands on the store ------------------------------------------------------------------

def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _doc_files(ch: Change, doc: str) -> list[AnnotationFile]:
    out = []
    for layer, p in ch.layout.annotation_files():
        if p.name == f"{doc}.jsonl":
            out.append(ch.annotations(p, doc, layer))
    return out


def old_text(ch: Change, doc: str, sha: str, files: list[AnnotationFile]) -> str | None:
    """The text annotations with hash ``sha`` were made on: rebuilt from zones that tile it, or a kept copy."""
    for af in files:
        zones = sorted(af.of_type("zone"), key=lambda z: z["start"])
        if zones and zones[0]["start"] == 0 and all(a["end"] == b["start"] for a, b in zip(zones, zones[1:])):
            joined = "".join(z["text"] for z in zones)
            if _sha(joined) == sha:
                return joined
    return recall_text(ch.root, sha)


def _meta_update(ch: Change, doc: str, text: str) -> list[str]:
    table = ch.table(ch.layout.documents_file, "document")
    meta = table.get(doc)
    if meta is None:
        raise AnnotateError(f"document {doc!r} has no metadata record in {ch.layout.rel(ch.layout.documents_file)}")
    new = {"sha256": _sha(text), "length": len(text), "bytes": len(text.encode("utf-8"))}
    notes = [f"metadata {k} {meta[k]} -> {v}" for k, v in new.items() if meta.get(k) != v]
    if notes:
        meta.update(new)
        ch.put(table)
    return notes


def _q(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def edit_in(old: str, new: str, width: int = 24) -> str:
    """Where two texts differ, with ``width`` characters of context: long edited spans stay readable.

    >>> edit_in("Hamas met in PoK today", "Hamas met in Lahore today", width=4)
    "'… in [PoK→Lahore] tod…'"
    """
    p = 0
    while p < min(len(old), len(new)) and old[p] == new[p]:
        p += 1
    q = 0
    while q < min(len(old), len(new)) - p and old[len(old) - 1 - q] == new[len(new) - 1 - q]:
        q += 1
    left = old[max(0, p - width):p]
    right = old[len(old) - q:len(old) - q + width]
    body = (("…" if p > width else "") + left + f"[{old[p:len(old) - q]}→{new[p:len(new) - q]}]" + right
            + ("…" if q > width else ""))
    return repr(body.replace("\r", "").replace("\n", "⏎"))


def _render(report: list[dict], spans: int | None = None) -> list[str]:
    """One line per span the edit touched (edited, placed anew, not placed); the spans that only moved with the
    edit, and those it left where they were (of ``spans`` in all: the report lists only spans that changed), in
    one summary line."""
    lines = []
    moved = [r for r in report if r["to"] is not None and r["method"] == "shifted" and r["new_text"] == r["text"]]
    untouched = 0 if spans is None else spans - len(report)
    if moved or untouched:
        lines.append(f"{len(moved)} spans shifted with the edit, {untouched} unchanged (same place, same text)")
    for r in report:
        if any(r is m for m in moved):
            continue
        name = r["id"] + (f".{r['part']}" if r["part"] else "")
        was = f"[{r['from'][0]}, {r['from'][1]})"
        if r["to"] is None:
            lines.append(f"could not place {name} {_q(r['text'])} (was {was})")
            continue
        now = f"[{r['to'][0]}, {r['to'][1]})"
        if r["type"] == "zone" and r["new_text"] == r["text"]:
            lines.append(f"{r['method']} {name} {was} -> {now}")
        elif r["new_text"] != r["text"]:
            lines.append(f"{r['method']} {name} {was} -> {now}: {edit_in(r['text'], r['new_text'])}")
        else:
            lines.append(f"{r['method']} {name} {was} -> {now} {_q(r['text'])}")
    return lines


def _reanchor_files(ch: Change, doc: str, text: str, files: list[AnnotationFile], old: str | None,
                    drop: bool, min_score: float) -> tuple[list[str], dict]:
    notes: list[str] = []
    data: dict = {"files": {}}
    unplaced_all: list[str] = []
    new_sha = _sha(text)
    for af in files:
        if af.header["text_sha256"] == new_sha:
            continue
        before = old if old is not None and _sha(old) == af.header["text_sha256"] else \
            old_text(ch, doc, af.header["text_sha256"], files)
        placed, report = reanchor_records(before, text, af.records, min_score=min_score)
        unplaced = [r for r in report if r["to"] is None]
        data["files"][af.rel] = {"old_text_known": before is not None, "report": report}
        lines = _render(report, sum(len(spans_of(r)) for r in af.records))
        notes += [f"{af.rel}: {ln}" for ln in lines]
        if unplaced and not drop:
            unplaced_all += [f"  {af.rel}: {ln}" for ln in _render(unplaced)]
            continue
        gone = {r["id"] for r in unplaced}
        if gone:
            notes.append(f"{af.rel}: removed {', '.join(sorted(gone))} (could not be placed)")
        touched = {r.get("entity") for r in af.records if r.get("type") == "mention"}
        af.records[:] = placed
        af.header["text_sha256"] = new_sha
        ch.put(af)
        notes += sync_aliases(ch, af, touched)
        notes.append(f"{af.rel}: now made on text {new_sha[:12]}…")
    if unplaced_all:
        raise AnnotateError(f"{len(unplaced_all)} span(s) of {doc} could not be placed on the new text, so nothing "
                            "was changed; fix them with 'kashcorpus span move' or 'span rm' on the old text, or rerun "
                            "with --drop-unplaced to remove them:\n" + "\n".join(unplaced_all), data["files"])
    return notes, data


def _paths_for_doc(layout: Layout, doc: str) -> list[Path]:
    return [p for _l, p in layout.annotation_files() if p.name == f"{doc}.jsonl"]


def replace_text(root: Path, doc: str, old: str, new: str, *, occurrence: int | None = None,
                 context: str | None = None, reanchor: bool = False, drop: bool = False, dry_run: bool = False,
                 min_score: float = MIN_FUZZY) -> Result:
    """Correct a document's text: replace one passage, update the metadata hash and lengths, and (with
    ``reanchor``) move the annotations in the same change; with ``dry_run``, report all that and write nothing."""
    layout = Layout(Path(root))
    annotation_path(layout, doc)
    paths = [layout.text_path(doc), layout.documents_file]
    if reanchor:
        paths += _paths_for_doc(layout, doc) + [layout.entities_file]
    stale_ok = [] if reanchor else _paths_for_doc(layout, doc)
    with Change(layout.root, paths, allow_in=stale_ok) as ch:
        text = ch.text(doc)
        if not old:
            raise AnnotateError("--old is empty; give the passage to replace")
        s, e = locate(text, old, occurrence=occurrence, context=context, doc=doc)
        if "\x00" in new:
            raise AnnotateError("--new contains a NUL character")
        updated = text[:s] + new + text[e:]
        if updated == text:
            raise AnnotateError("--old and --new are the same; nothing to change")
        ch.stage(layout.text_path(doc), updated.encode("utf-8"))
        notes = _meta_update(ch, doc, updated)
        files = _doc_files(ch, doc)
        data: dict = {}
        if reanchor:
            more, data = _reanchor_files(ch, doc, updated, files, text, drop, min_score)
            notes += more
        else:
            stale = [af.rel for af in files if af.header["text_sha256"] != _sha(updated)]
            if stale:
                notes.append(f"{len(stale)} annotation file(s) now need 'kashcorpus reanchor {doc}': {', '.join(stale)}")
        if dry_run:
            ch.staged.clear()
        else:
            remember_text(layout.root, text)
    delta = len(new) - (e - s)
    msg = (f"{'would replace' if dry_run else 'replaced'} [{s}, {e}) {old!r} with {new!r} in {layout.rel(layout.text_path(doc))} "
           f"({'+' if delta >= 0 else ''}{delta} code points) {show(updated, s, s + len(new))}")
    if dry_run:
        msg += " (--dry-run: nothing was written)"
    return finish(msg, notes, ch, {"action": "text replace", "doc": doc, "start": s, "end": e, "new": new,
                                   "dry_run": dry_run, **data})


def reanchor_document(root: Path, doc: str, *, drop: bool = False, dry_run: bool = False,
                      min_score: float = MIN_FUZZY) -> Result:
    """Move the spans of every annotation file of ``doc`` made on an earlier text onto the current one."""
    layout = Layout(Path(root))
    if doc not in document_ids(layout):
        annotation_path(layout, doc)
    paths = _paths_for_doc(layout, doc) + [layout.documents_file, layout.entities_file]
    with Change(layout.root, paths) as ch:
        text = ch.text(doc)
        files = _doc_files(ch, doc)
        notes = _meta_update(ch, doc, text)
        stale = [af for af in files if af.header["text_sha256"] != _sha(text)]
        more, data = _reanchor_files(ch, doc, text, files, None, drop, min_score)
        notes += more
        if dry_run:
            ch.staged.clear()
    if not stale:
        msg = f"{doc}: every annotation file is already made on the current text; nothing to do"
    else:
        msg = f"{'would re-anchor' if dry_run else 're-anchored'} {len(stale)} annotation file(s) of {doc}"
    return finish(msg, notes, ch, {"action": "reanchor", "doc": doc, "dry_run": dry_run, **data})

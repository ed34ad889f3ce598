"""spaCy: every layer a ``doc.spans`` group, mentions also ``doc.ents``; the format is spaCy's own Doc and DocBin."""
from __future__ import annotations

import functools
from pathlib import Path
from collections.abc import Iterable

from ..extras import require
from ..model import FLAT_LAYERS, PARTS, SPAN_LAYERS
from .common import Annotated, Exported, Problem, assign_ids, problem

USER_KEY = "kashcorpus"
GROUPS = SPAN_LAYERS
MODES = ("strict", "contract", "expand")
# fields kept in doc.user_data because a span cannot hold them
EXTRA = {"zone": (), "mention": (), "claim": ("certainty", "checkworthy", "asserted_by", "attribution"),
         "attribution": ("source_type", "source_entity", "parent")}


def spacy_module():
    """The ``spacy`` module, or :class:`~kashcorpus.extras.MissingExtra` naming ``pip install "kashcorpus[spacy]"``."""
    return require("spacy", extra="spacy", feature="the spaCy converter")


@functools.lru_cache(maxsize=1)
def blank_nlp():
    """``spacy.blank("en")``: tokenizer only, nothing downloaded."""
    return spacy_module().blank("en")


def _label(rec: dict) -> str:
    return {"zone": "label", "mention": "label", "claim": "claim_type"}[rec["type"]]


def to_spacy(doc: Annotated, alignment_mode: str = "strict", nlp=None):
    """A spaCy ``Doc`` of ``doc.text`` with one ``doc.spans`` group per layer; ``(Doc, problems)``.

    Spans are placed with ``Doc.char_span(..., alignment_mode=...)``. A span whose edges are not token
    edges is reported with the mode used: in ``strict`` mode it is left out of its group, in ``expand``
    or ``contract`` mode the group holds the widened or narrowed span. Either way its exact offsets are
    kept in ``doc.user_data["kashcorpus"]``, so :func:`from_spacy` gives back exactly the same spans.
    Mentions that align and do not overlap are also ``doc.ents``.

    >>> d, probs = to_spacy(Annotated("x", "Hamas met LeT.", [{"type": "mention", "id": "m1", "start": 0, "end": 5,
    ...                     "text": "Hamas", "label": "ORG", "entity": "hamas"}]))
    >>> [(s.text, s.label_, s.kb_id_, s.id_) for s in d.spans["mention"]], [e.text for e in d.ents], probs
    ([('Hamas', 'ORG', 'hamas', 'm1')], ['Hamas'], [])
    """
    spacy_module()
    from spacy.util import filter_spans

    if alignment_mode not in MODES:
        raise ValueError(f"alignment mode must be one of {', '.join(MODES)}")
    nlp = nlp or blank_nlp()
    sdoc = nlp.make_doc(doc.text)
    problems: list[Problem] = []
    groups: dict[str, list] = {g: [] for g in GROUPS}
    extra: dict[str, dict] = {}
    exact: dict[str, list[int]] = {}
    aligned_mentions = []

    def place(group: str, key: str, rid: str, span: dict, label: str, kb_id: str = ""):
        s, e = span["start"], span["end"]
        sp = sdoc.char_span(s, e, label=label, kb_id=kb_id, span_id=rid, alignment_mode=alignment_mode)
        if sp is None or (sp.start_char, sp.end_char) != (s, e):
            exact[key] = [s, e]
            got = "left out" if sp is None else f"placed at {sp.start_char}-{sp.end_char} ({sp.text!r})"
            problems.append(problem("export-misaligned", doc.doc, key,
                                    detail=f"{span['text']!r} at {s}-{e} does not fall on token edges; alignment mode "
                                           f"{alignment_mode}: {got}; its exact offsets are kept in user_data"))
        if sp is not None:
            groups[group].append(sp)
        return sp

    for rec in doc.records:
        kind, rid = rec["type"], rec["id"]
        extra[rid] = {k: rec.get(k) for k in EXTRA[kind]}
        if rec.get("note") is not None:
            extra[rid]["note"] = rec["note"]
        if kind == "attribution":
            for part in PARTS:
                if rec.get(part) is not None:
                    place("attribution", f"{rid}.{part}", rid, rec[part], part)
            continue
        sp = place(kind, rid, rid, rec, rec[_label(rec)], rec.get("entity") or "" if kind == "mention" else "")
        if rid in exact:  # the span may be missing from its group: keep what it would have carried
            extra[rid][_label(rec)] = rec[_label(rec)]
            if kind == "mention":
                extra[rid]["entity"] = rec.get("entity")
        if kind == "mention" and sp is not None and rid not in exact:
            aligned_mentions.append(sp)
    for g in GROUPS:
        sdoc.spans[g] = groups[g]
    ents = filter_spans(aligned_mentions)
    sdoc.ents = ents
    kept = {sp.id_ for sp in ents}
    for sp in aligned_mentions:
        if sp.id_ not in kept:
            problems.append(problem("export-overlap", doc.doc, sp.id_,
                                    detail=f"mention {sp.text!r} overlaps a longer mention: in doc.spans['mention'] "
                                           "but not in doc.ents"))
    sdoc.user_data[USER_KEY] = {"doc": doc.doc, "records": extra, "exact": exact}
    return sdoc, problems


def from_spacy(sdoc) -> tuple[Annotated, list[Problem]]:
    """Records from a ``Doc`` written by :func:`to_spacy` (or any Doc with ``doc.spans`` groups or ``doc.ents``).

    Without kashcorpus' ``user_data``, ``doc.ents`` (or the ``mention`` group) become mentions and claims
    that lack their attributes are reported.
    """
    meta = sdoc.user_data.get(USER_KEY) or {}
    doc_id = meta.get("doc") or "doc"
    extra: dict = meta.get("records") or {}
    exact: dict = meta.get("exact") or {}
    text = sdoc.text
    problems: list[Problem] = []

    def span_of(key: str, sp) -> dict:
        s, e = exact.get(key, (sp.start_char, sp.end_char)) if sp is not None else exact[key]
        return {"start": s, "end": e, "text": text[s:e]}

    records: list[dict] = []
    seen: set[str] = set()
    groups = {g: list(sdoc.spans[g]) if g in sdoc.spans else [] for g in GROUPS}
    if not groups["mention"] and "mention" not in sdoc.spans:
        groups["mention"] = list(sdoc.ents)
    for kind in FLAT_LAYERS:
        spans = {sp.id_ or f"?{k}": sp for k, sp in enumerate(groups[kind])}
        for rid in [r for r, x in extra.items() if r[0] == kind[0] and r not in spans and r in exact]:
            spans[rid] = None  # left out of its group in strict mode
        for rid, sp in spans.items():
            ex = extra.get(rid, {})
            rec = {"type": kind, "id": rid if rid in extra else None, **span_of(rid, sp)}
            if kind == "claim":
                missing = [k for k in EXTRA["claim"] if k not in ex]
                if missing:
                    problems.append(problem("import-incomplete", doc_id, rid,
                                            detail=f"claim {rec['text']!r} has no {', '.join(missing)}"))
                    continue
                rec.update(ex)
                if sp is not None:
                    rec["claim_type"] = sp.label_
            else:
                rec.update(ex)
                if sp is not None:
                    rec["label"] = sp.label_
                    if kind == "mention":
                        rec["entity"] = sp.kb_id_ or None
            if not rec.get("label" if kind != "claim" else "claim_type"):
                problems.append(problem("import-incomplete", doc_id, rid, detail=f"{kind} {rec['text']!r} has no label"))
                continue
            records.append(rec)
            seen.add(rid)
    parts: dict[str, dict] = {}
    for sp in groups["attribution"]:
        parts.setdefault(sp.id_, {})[sp.label_] = sp
    for key in exact:
        rid, _, part = key.partition(".")
        if part and rid not in parts or part and part not in parts.get(rid, {}):
            parts.setdefault(rid, {})[part] = None
    for rid, ps in parts.items():
        ex = extra.get(rid)
        if ex is None or "content" not in ps:
            problems.append(problem("import-incomplete", doc_id, rid,
                                    detail="attribution spans without kashcorpus user_data or content"))
            continue
        rec = {"type": "attribution", "id": rid}
        for part in PARTS:
            rec[part] = span_of(f"{rid}.{part}", ps[part]) if part in ps else None
        rec.update(ex)
        records.append(rec)
    out: list[dict] = []
    for rec in assign_ids(records):
        base = {"type": rec["type"], "id": rec["id"]}
        if rec["type"] == "attribution":
            base.update(source=rec["source"], source_type=rec["source_type"], source_entity=rec["source_entity"],
                        cue=rec["cue"], content=rec["content"], parent=rec["parent"])
        else:
            base.update(start=rec["start"], end=rec["end"], text=rec["text"])
            if rec["type"] in ("zone", "mention"):
                base["label"] = rec["label"]
            if rec["type"] == "mention":
                base["entity"] = rec["entity"]
            if rec["type"] == "claim":
                base.update({k: rec[k] for k in ("claim_type", "certainty", "checkworthy", "asserted_by", "attribution")})
        if rec.get("note") is not None:
            base["note"] = rec["note"]
        out.append(base)
    return Annotated(doc_id, text, out), problems


# -- the format: DocBin bytes <-> Docs ---------------------------------------------------------------

def to_docbin(docs: Iterable[Annotated], alignment_mode: str = "strict"):
    """A ``DocBin`` (user data kept) of ``docs``; ``(DocBin, problems)``."""
    spacy_module()
    from spacy.tokens import DocBin

    db = DocBin(store_user_data=True)
    problems: list[Problem] = []
    for d in docs:
        sdoc, probs = to_spacy(d, alignment_mode)
        db.add(sdoc)
        problems += probs
    return db, problems


def export_docbin(root: Path, out: Path, docs: Iterable[str] | None = None, layer: str = "gold",
                  alignment_mode: str = "strict") -> list[Problem]:
    """Write the corpus at ``root`` as a ``.spacy`` DocBin at ``out`` (atomically); return the problems."""
    return export_corpus(root, out, docs, layer, alignment_mode).problems


def read_docbin(path: Path, nlp=None) -> list:
    """The Docs of a ``.spacy`` file."""
    spacy_module()
    from spacy.tokens import DocBin

    nlp = nlp or blank_nlp()
    return list(DocBin(store_user_data=True).from_bytes(Path(path).read_bytes()).get_docs(nlp.vocab))


def export_corpus(root: Path, out: Path, docs: Iterable[str] | None = None, layer: str = "gold",
                  alignment: str | None = None, only: str | None = None) -> Exported:
    """The table's entry point (kashcorpus export spacy): the DocBin of the documents of ``layer`` at ``out``."""
    from ..io import atomic_write
    from .common import load_documents

    documents = load_documents(root, docs, layer, only)
    db, problems = to_docbin(documents, alignment or "strict")
    atomic_write(Path(out), db.to_bytes())
    return Exported(len(documents), problems)

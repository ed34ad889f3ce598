"""Suggested mentions: the registry's names found in a text, written as an annotator's pass (never gold)."""
from __future__ import annotations

import bisect
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from .annotate.common import Result, annotation_path, document_ids, open_document, registry_of
from .errors import AnnotateError
from .layout import Layout
from .resources import taxonomy
from .store import AnnotationFile, Change

SPACY_LABELS = {"PERSON": "PER", "FACILITY": "FAC", "GSP": "GPE"}  # spaCy's names of the taxonomy's mention labels
OPEN_FILES_SPARE = 256  # open files kept free beside the locks of one change (texts, the registry, the validator)
REPORT_LINES = 20  # reported matches listed per document in the text report
REASONS = {"ambiguous": "the name belongs to several entities",
           "nested": "inside a longer known name",
           "overlap": "overlaps a longer known name",
           "annotated": "the pass has a mention there already"}


@dataclass(frozen=True)
class Suggestion:
    """A proposed mention: its span, its text, its label and (when the source knows it) its registry entity."""

    start: int
    end: int
    text: str
    label: str
    entity: str | None


@dataclass(frozen=True)
class Skipped:
    """A match that is reported, not suggested: why (a key of ``REASONS``), the entities it could be, and the span
    that won over it (for ``nested``, ``overlap`` and ``annotated``)."""

    start: int
    end: int
    text: str
    reason: str
    entities: tuple[str, ...] = ()
    by: tuple[int, int] | None = None


@dataclass
class Found:
    """What a suggester found in one text: suggestions in text order, and the matches it only reports."""

    suggestions: list[Suggestion] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class Suggester(Protocol):
    """A source of suggested mentions: anything with a ``name`` and ``suggest(text) -> Found`` plugs in."""

    name: str

    def suggest(self, text: str) -> Found: ...


def is_word(ch: str) -> bool:
    """A character that continues a word: a letter, a digit, an underscore or a combining mark.

    >>> [is_word(c) for c in ("a", "7", "\\u0301", "-", "’")]
    [True, True, True, False, False]
    """
    return ch.isalnum() or ch == "_" or unicodedata.category(ch)[0] == "M"


def at_word_edges(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` starts and ends at word boundaries (a name's edge that is not a word character,
    such as the dot of ``U.S.``, needs none).

    >>> at_word_edges("Hamas’s men", 0, 5), at_word_edges("Hamasville", 0, 5), at_word_edges("e\\u0301", 0, 1)
    (True, False, False)
    """
    if start > 0 and is_word(text[start]) and is_word(text[start - 1]):
        return False
    return not (end < len(text) and is_word(text[end - 1]) and is_word(text[end]))


class RegistrySuggester:
    """Every canonical name and alias of a registry, found in one pass over the text (an Aho-Corasick automaton):
    whole words only, case as the registry writes it, the longest match first, never overlapping.

    A name that belongs to two entities is reported as ``ambiguous``, and a match inside (or across the edge
    of) a longer one as ``nested`` (or ``overlap``), never guessed.

    >>> s = RegistrySuggester([{"id": "hamas", "name": "Hamas", "type": "ORG", "aliases": ["Hamas"]},
    ...                        {"id": "pakistan", "name": "Pakistan", "type": "GPE", "aliases": []},
    ...                        {"id": "pok", "name": "Pakistan-occupied Kashmir", "type": "GPE", "aliases": []}])
    >>> found = s.suggest("Hamas met in Pakistan-occupied Kashmir, not in Hamasville.")
    >>> [(x.start, x.end, x.entity) for x in found.suggestions]
    [(0, 5, 'hamas'), (13, 38, 'pok')]
    >>> [(x.text, x.reason, x.by) for x in found.skipped]
    [('Pakistan', 'nested', (13, 38))]
    """

    name = "registry"

    def __init__(self, entities: Iterable[dict]):
        import ahocorasick

        owners: dict[str, dict[str, str]] = {}  # surface form -> entity id -> label
        for ent in entities:
            for surface in dict.fromkeys([ent["name"], *ent.get("aliases", [])]):
                if surface and surface.strip() == surface:
                    owners.setdefault(surface, {})[ent["id"]] = ent["type"]
        self.forms = sorted(owners)
        self.owners = [owners[f] for f in self.forms]
        self.automaton = ahocorasick.Automaton()
        for k, surface in enumerate(self.forms):
            self.automaton.add_word(surface, k)
        if self.forms:
            self.automaton.make_automaton()

    def suggest(self, text: str) -> Found:
        found = Found()
        if not self.forms:
            return found
        forms = self.forms
        candidates = [(end + 1 - len(forms[k]), end + 1, k) for end, k in self.automaton.iter(text)]
        candidates = [c for c in candidates if at_word_edges(text, c[0], c[1])]
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))  # the longest first, then the leftmost
        taken = bytearray(len(text))
        kept: list[tuple[int, int, int]] = []
        dropped: list[tuple[int, int, int]] = []
        for s, e, k in candidates:
            if taken.find(1, s, e) == -1:
                taken[s:e] = b"\x01" * (e - s)
                kept.append((s, e, k))
            else:
                dropped.append((s, e, k))
        kept.sort()
        starts = [s for s, _e, _k in kept]
        for s, e, k in kept:
            owners = self.owners[k]
            if len(owners) == 1:
                (entity, label), = owners.items()
                found.suggestions.append(Suggestion(s, e, text[s:e], label, entity))
            else:
                found.skipped.append(Skipped(s, e, text[s:e], "ambiguous", tuple(sorted(owners))))
        for s, e, k in dropped:
            i = bisect.bisect_right(starts, s) - 1
            if i < 0 or kept[i][1] <= s:
                i += 1
            ws, we, _ = kept[i]
            reason = "nested" if ws <= s and e <= we else "overlap"
            found.skipped.append(Skipped(s, e, text[s:e], reason, tuple(sorted(self.owners[k])), (ws, we)))
        found.skipped.sort(key=lambda x: (x.start, x.end, x.reason))
        return found


class SpacySuggester:
    """The entities a spaCy pipeline finds, labelled as the taxonomy names them (``PERSON`` is ``PER``; labels with
    no counterpart are left out) and linked to the registry when their text is one entity's name or alias.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> _ = nlp.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": "Naji Zaheer"}])
    >>> s = SpacySuggester(nlp, [{"id": "naji-zaheer", "name": "Naji Zaheer", "type": "PER", "aliases": []}])
    >>> [(x.start, x.end, x.label, x.entity) for x in s.suggest("Dr. Naji Zaheer spoke.").suggestions]
    [(4, 15, 'PER', 'naji-zaheer')]
    """

    name = "spacy"

    def __init__(self, nlp, entities: Iterable[dict] = ()):
        self.nlp = nlp
        owners: dict[str, set[str]] = {}
        for ent in entities:
            for surface in {ent["name"], *ent.get("aliases", [])}:
                owners.setdefault(surface, set()).add(ent["id"])
        self.owners = owners

    def suggest(self, text: str) -> Found:
        labels = taxonomy()["mention"]
        found = Found()
        for ent in self.nlp(text).ents:
            label = SPACY_LABELS.get(ent.label_, ent.label_)
            if label not in labels:
                continue
            owners = self.owners.get(ent.text, set())
            if len(owners) > 1:
                found.skipped.append(Skipped(ent.start_char, ent.end_char, ent.text, "ambiguous", tuple(sorted(owners))))
                continue
            entity = next(iter(owners)) if owners else None
            found.suggestions.append(Suggestion(ent.start_char, ent.end_char, ent.text, label, entity))
        return found


def spacy_suggester(model: str, entities: Iterable[dict]) -> SpacySuggester:
    """A :class:`SpacySuggester` of the installed pipeline ``model`` (a package name or a folder)."""
    from .extras import require

    spacy = require("spacy", "spacy", "the spaCy suggester")
    try:
        nlp = spacy.load(model)
    except OSError as e:
        raise AnnotateError(f"cannot load the spaCy pipeline {model!r}: {str(e).splitlines()[0]} (install it with "
                            "'python -m spacy download NAME' or give the folder of a trained pipeline)") from None
    return SpacySuggester(nlp, entities)


def suggest_documents(root: Path, docs: Sequence[str], annotator: str | None, *,
                      suggester: Suggester | str = "registry") -> Result:
    """Write the suggestions for ``docs`` into ``annotator``'s pass and say what became of them.

    A suggestion the pass already has a mention on (the same span or an overlapping one) is reported as
    ``annotated``, so running the command again adds nothing. ``suggester`` is ``"registry"`` (the default),
    ``"spacy:MODEL"``, or any :class:`Suggester`; an entity it names that the pass's registry lacks is left out
    of the mention (``entity`` null). The pass files are written in one change, all or nothing, unless there are
    more of them than the system lets a process keep open (a lock each): then in batches, each all or nothing.
    """
    if annotator is None:
        raise AnnotateError("suggestions are a pass, never gold: name the pass with --annotator NAME; an annotator "
                            "brings them into gold")
    if not docs:
        raise AnnotateError("name at least one document")
    layout = Layout(Path(root))
    known = set(document_ids(layout))  # read once: annotation_path reads the metadata file at each call
    paths: dict[str, Path] = {}
    for doc in dict.fromkeys(docs):  # the first document (and an unknown one) is checked with the annotator's name
        paths[doc] = layout.pass_path(annotator, doc) if paths and doc in known else annotation_path(layout, doc, annotator)
    labels = taxonomy()["mention"]
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    per_doc: list[dict] = []
    written: list[str] = []
    source: Suggester | None = None
    registry: dict[str, dict] = {}
    order = list(paths)
    for first in range(0, len(order), _batch_size(len(order))):
        batch = order[first:first + _batch_size(len(order))]
        with Change(layout.root, [paths[d] for d in batch]) as ch:
            registry = registry_of(ch, annotator)
            source = source or _suggester(suggester, registry)
            for doc in batch:
                af, text = open_document(ch, paths[doc], doc, annotator)
                added, skipped = _add_suggestions(af, text, source.suggest(text), registry, labels, source.name)
                counts.update(m["entity"] or "(none)" for m in added)
                seen.update(e for x in skipped for e in x.entities)
                ch.put(af)
                per_doc.append({"doc": doc, "file": af.rel, "added": added, "skipped": [asdict(x) for x in skipped]})
        written += ch.written
    assert source is not None
    unmatched = sorted(set(registry) - set(counts) - seen)
    data = {"suggester": source.name, "layer": f"pass-{annotator}", "documents": per_doc,
            "per_entity": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))), "unmatched": unmatched,
            "files": written}
    return Result(_report(data), {"ok": True, **data})


def _batch_size(n: int) -> int:
    """How many pass files one change may hold: all ``n``, unless the system's limit of open files (one lock
    each) is lower; then the documents are written in batches, each all-or-nothing."""
    try:
        import resource
    except ImportError:  # not a POSIX system: no such limit to respect here
        return n
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + OPEN_FILES_SPARE
    if soft != resource.RLIM_INFINITY and soft < want and (hard == resource.RLIM_INFINITY or hard > soft):
        soft = want if hard == resource.RLIM_INFINITY else min(want, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return n if soft == resource.RLIM_INFINITY else max(1, min(n, soft - OPEN_FILES_SPARE))


def _add_suggestions(af: AnnotationFile, text: str, found: Found, registry: dict[str, dict], labels: dict,
                     source: str) -> tuple[list[dict], list[Skipped]]:
    """Add ``found``'s suggestions to the pass file ``af`` as mentions; return them and what was only reported."""
    held = _Held(text, [(m["start"], m["end"]) for m in af.of_type("mention")])
    added, skipped = [], list(found.skipped)
    number = int(af.next_id("mention")[1:])  # above every id in use or removed: ids are never reused
    for sug in found.suggestions:
        if not 0 <= sug.start < sug.end <= len(text) or text[sug.start:sug.end] != sug.text or sug.label not in labels:
            raise AnnotateError(f"the {source} suggester proposed {sug.text!r} at [{sug.start}, {sug.end}) with label "
                                f"{sug.label!r} in {af.doc}, which is not a mention of its text")
        clash = held.clash(sug.start, sug.end)
        if clash is not None:
            skipped.append(Skipped(sug.start, sug.end, sug.text, "annotated", (sug.entity,) if sug.entity else (), clash))
            continue
        rec = {"type": "mention", "id": f"m{number}", "start": sug.start, "end": sug.end, "text": sug.text,
               "label": sug.label, "entity": sug.entity if sug.entity in registry else None}
        number += 1
        af.records.append(rec)
        held.add(sug.start, sug.end)
        added.append(rec)
    skipped.sort(key=lambda x: (x.start, x.end, x.reason))
    return added, skipped


def _suggester(suggester: Suggester | str, registry: dict[str, dict]) -> Suggester:
    if not isinstance(suggester, str):
        return suggester
    if suggester == "registry":
        return RegistrySuggester(registry.values())
    if suggester.startswith("spacy:") and suggester[6:]:
        return spacy_suggester(suggester[6:], registry.values())
    raise AnnotateError(f"there is no suggester {suggester!r}; use registry (the default) or spacy:MODEL")


class _Held:
    """The mention spans of a text (they may overlap one another): is ``[s, e)`` free, and if not, which span
    holds it. One mark per code point, so a check costs the span's length, not the number of mentions."""

    def __init__(self, text: str, spans: Iterable[tuple[int, int]]):
        self.marks = bytearray(len(text))
        self.spans: set[tuple[int, int]] = set()
        for s, e in spans:
            self.add(s, e)

    def add(self, s: int, e: int) -> None:
        lo, hi = max(0, s), min(len(self.marks), e)  # a broken span of the file marks only what lies in the text
        self.marks[lo:hi] = b"\x01" * max(0, hi - lo)
        self.spans.add((s, e))

    def clash(self, s: int, e: int) -> tuple[int, int] | None:
        if self.marks.find(1, s, e) == -1:
            return None
        if (s, e) in self.spans:
            return s, e
        return min(x for x in self.spans if x[0] < e and s < x[1])


def _report(data: dict) -> str:
    """The report for people: per document, what was added and what was only reported; per entity, how many."""
    lines = []
    for d in data["documents"]:
        reasons = Counter(x["reason"] for x in d["skipped"])
        told = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
        lines.append(f"{d['file']}: {len(d['added'])} suggested mention(s) added" + (f"; reported: {told}" if told else ""))
        shown = [x for x in d["skipped"] if x["reason"] != "annotated"]
        for x in shown[:REPORT_LINES]:
            if x["reason"] == "ambiguous":
                lines.append(f"  [{x['start']}, {x['end']}) {x['text']!r} is a name of {', '.join(x['entities'])}: "
                             "not suggested, link it by hand")
            elif x["reason"] in ("nested", "overlap"):
                lines.append(f"  [{x['start']}, {x['end']}) {x['text']!r} ({', '.join(x['entities'])}) "
                             f"{REASONS[x['reason']]} at [{x['by'][0]}, {x['by'][1]})")
        if len(shown) > REPORT_LINES:
            lines.append(f"  … and {len(shown) - REPORT_LINES} more (--json lists every one)")
    if data["per_entity"]:
        lines.append("suggestions per entity: " + ", ".join(f"{e} {n}" for e, n in data["per_entity"].items()))
    if data["unmatched"]:
        lines.append(f"registry entries that matched nothing ({len(data['unmatched'])}): " + ", ".join(data["unmatched"]))
    lines.append(f"suggestions are in the {data['layer']} layer, never gold: review them there (kashcorpus span ls "
                 "--annotator …, Label Studio, brat) before they go into gold")
    return "\n".join(lines)

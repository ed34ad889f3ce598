"""Random sequences of annotation commands keep the store valid and equal to a simple in-memory model."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from helpers import ENTITIES, TEXTS, build_small_corpus

from kashcorpus.anchor import replace_text
from kashcorpus.annotate import (AnnotateError, add_span, entity_add, entity_list, entity_merge, list_spans,
                                 move_span, remove_span, set_fields)
from kashcorpus.io import read_jsonl
from kashcorpus.layout import Layout
from kashcorpus.model import removed_ids
from kashcorpus.quotes import occurrences
from kashcorpus.store import ChangeRefused
from kashcorpus.validate import validate
from kashcorpus.validate.rules import shared_token

QUOTES = ["Alpha Corp", "Beta Ltd", "Gamma", "Delta", "Monday", "Officials", "deal", "sales", "Alpha"]
LABELS = ["ORG", "GPE", "PER", "DATE"]
NEW_WORDS = ["quickly", "Alpha", "Beta Ltd", "x", "the", "Monday morning"]
DOCS = sorted(TEXTS)


class AnnotatorSession(RuleBasedStateMachine):
    """The model: per document its text and mentions ``{id: (start, end, text, label, entity)}``; the registry's ids and types."""

    @initialize()
    def make_corpus(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="kash-stateful-"))
        self.root = build_small_corpus(self.tmp / "c")
        self.texts = dict(TEXTS)
        self.mentions = {d: {r["id"]: self._key(r) for r in list_spans(self.root, d, "mention")} for d in DOCS}
        self.entities = {eid: etype for eid, _n, etype in ENTITIES}
        self.added = 0
        self.gone: dict[str, set[str]] = {d: set() for d in DOCS}  # removed ids: never given out again

    def teardown(self):
        shutil.rmtree(getattr(self, "tmp", ""), ignore_errors=True)

    @staticmethod
    def _key(r: dict) -> tuple:
        return r["start"], r["end"], r["text"], r["label"], r["entity"]

    @staticmethod
    def _twins(mentions: dict[str, tuple]) -> bool:
        """Two mentions with the same span, label and entity: the store refuses such a change."""
        keys = [(s, e, label, ent) for s, e, _t, label, ent in mentions.values()]
        return len(set(keys)) != len(keys)

    def _overlaps(self, doc: str, rid: str | None, s: int, e: int, label: str, entity: str | None) -> bool:
        """A mention on ``[s, e)`` would overlap another (in characters or in a token), its identical twin aside."""
        for other, (os_, oe, _t, olabel, oent) in self.mentions[doc].items():
            if other == rid or (os_, oe, olabel, oent) == (s, e, label, entity):
                continue
            if os_ < e and s < oe:
                return True
            left, right = ((oe, s) if oe <= s else (e, os_))
            if shared_token(self.texts[doc], left, right) is not None:
                return True
        return False

    def _place(self, doc: str, data) -> tuple[str, int, int, int] | None:
        text = self.texts[doc]
        quotes = [q for q in QUOTES if q in text]
        if not quotes:
            return None
        q = data.draw(st.sampled_from(quotes))
        starts = occurrences(text, q)
        n = data.draw(st.integers(1, len(starts)))
        return q, n, starts[n - 1], starts[n - 1] + len(q)

    # -- rules ------------------------------------------------------------------------------

    @rule(doc=st.sampled_from(DOCS), label=st.sampled_from(LABELS), link=st.booleans(), data=st.data())
    def add(self, doc, label, link, data):
        placed = self._place(doc, data)
        if placed is None:
            return
        q, n, s, e = placed
        entity = data.draw(st.sampled_from(sorted(self.entities))) if link and self.entities else None
        twin = any((m[0], m[1]) == (s, e) for m in self.mentions[doc].values())
        overlap = self._overlaps(doc, None, s, e, label, entity)
        try:
            res = add_span(self.root, doc, "mention", label=label, quote=q, occurrence=n, entity=entity)
        except AnnotateError as err:
            assert twin or (overlap and "never overlap" in str(err)), err
            return
        assert not twin and not overlap
        rid = res.data["record"]["id"]
        assert int(rid[1:]) == max((int(i[1:]) for i in self.mentions[doc].keys() | self.gone[doc]), default=0) + 1
        self.mentions[doc][rid] = (s, e, q, label, entity)

    @precondition(lambda self: any(self.mentions.values()))
    @rule(data=st.data())
    def rm(self, data):
        doc = data.draw(st.sampled_from([d for d in DOCS if self.mentions[d]]))
        rid = data.draw(st.sampled_from(sorted(self.mentions[doc])))
        remove_span(self.root, doc, rid)
        del self.mentions[doc][rid]
        self.gone[doc].add(rid)

    @precondition(lambda self: any(self.mentions.values()))
    @rule(data=st.data(), label=st.sampled_from(LABELS), relink=st.booleans())
    def set(self, data, label, relink):
        doc = data.draw(st.sampled_from([d for d in DOCS if self.mentions[d]]))
        rid = data.draw(st.sampled_from(sorted(self.mentions[doc])))
        s, e, text, _label, entity = self.mentions[doc][rid]
        if relink:
            entity = data.draw(st.sampled_from(sorted(self.entities) + [None]))
        after = {**self.mentions[doc], rid: (s, e, text, label, entity)}
        if self._twins(after):
            with pytest.raises(ChangeRefused, match="duplicate-record"):
                set_fields(self.root, doc, rid, [f"label={label}", f"entity={entity or 'null'}"])
            return
        set_fields(self.root, doc, rid, [f"label={label}", f"entity={entity or 'null'}"])
        self.mentions[doc][rid] = (s, e, text, label, entity)

    @precondition(lambda self: any(self.mentions.values()))
    @rule(data=st.data())
    def move(self, data):
        doc = data.draw(st.sampled_from([d for d in DOCS if self.mentions[d]]))
        rid = data.draw(st.sampled_from(sorted(self.mentions[doc])))
        placed = self._place(doc, data)
        if placed is None:
            return
        q, n, s, e = placed
        _s, _e, _t, label, entity = self.mentions[doc][rid]
        after = {**self.mentions[doc], rid: (s, e, q, label, entity)}
        if self._overlaps(doc, rid, s, e, label, entity):
            with pytest.raises(AnnotateError, match="never overlap"):
                move_span(self.root, doc, rid, quote=q, occurrence=n)
            return
        if self._twins(after):
            with pytest.raises(ChangeRefused, match="duplicate-record"):
                move_span(self.root, doc, rid, quote=q, occurrence=n)
            return
        move_span(self.root, doc, rid, quote=q, occurrence=n)
        self.mentions[doc] = after

    @rule()
    def add_entity(self):
        self.added += 1
        res = entity_add(self.root, name=f"Org {self.added}", etype="ORG", description="Added by the test.")
        self.entities[res.data["entity"]["id"]] = "ORG"

    @rule(data=st.data())
    def merge(self, data):
        orgs = sorted(e for e, t in self.entities.items() if t == "ORG")
        if len(orgs) < 2:
            return
        keep, gone = data.draw(st.lists(st.sampled_from(orgs), min_size=2, max_size=2, unique=True))
        merged = {d: {rid: (s, e, t, label, keep if ent == gone else ent) for rid, (s, e, t, label, ent) in ms.items()}
                  for d, ms in self.mentions.items()}
        if any(self._twins(ms) for ms in merged.values()):
            with pytest.raises(ChangeRefused, match="duplicate-record"):
                entity_merge(self.root, keep, gone)
            return
        entity_merge(self.root, keep, gone)
        del self.entities[gone]
        for doc in DOCS:
            for rid, (s, e, t, label, ent) in self.mentions[doc].items():
                if ent == gone:
                    self.mentions[doc][rid] = (s, e, t, label, keep)

    @rule(doc=st.sampled_from(DOCS), new=st.sampled_from(NEW_WORDS), data=st.data())
    def text_replace_and_reanchor(self, doc, new, data):
        text = self.texts[doc]
        spans = [(m[0], m[1]) for m in self.mentions[doc].values()]
        free = [m for m in re.finditer(r"\w+", text)
                if m.group() != new and not any(s < m.end() and m.start() < e for s, e in spans)]
        if not free:
            return
        word = data.draw(st.sampled_from(free))
        n = occurrences(text, word.group()).index(word.start()) + 1
        replace_text(self.root, doc, word.group(), new, occurrence=n, reanchor=True)
        delta = len(new) - len(word.group())
        self.texts[doc] = text[:word.start()] + new + text[word.end():]
        for rid, (s, e, t, label, ent) in list(self.mentions[doc].items()):
            if s >= word.end():
                self.mentions[doc][rid] = (s + delta, e + delta, t, label, ent)

    # -- after every step ----------------------------------------------------------------------

    @invariant()
    def the_store_validates_and_matches_the_model(self):
        if not hasattr(self, "root"):
            return
        report = validate(self.root)
        assert report.ok, [(f.code, f.message) for f in report.findings if f.severity == "error"]
        for doc in DOCS:
            assert Layout(self.root).text_path(doc).read_text() == self.texts[doc]
            got = {r["id"]: self._key(r) for r in list_spans(self.root, doc, "mention")}
            assert got == self.mentions[doc]
            header = read_jsonl(Layout(self.root).gold_path(doc))[0]
            assert {i for i in removed_ids(header) if i.startswith("m")} == self.gone[doc]
        assert {e["id"]: e["type"] for e in entity_list(self.root)} == self.entities


AnnotatorSession.TestCase.settings = settings(max_examples=12, stateful_step_count=12, deadline=None,
                                              suppress_health_check=list(HealthCheck))
test_random_annotation_sessions_keep_the_store_valid_and_equal_to_the_model = AnnotatorSession.TestCase

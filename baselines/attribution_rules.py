"""Baseline: attributions from a reporting-verb cue lexicon (nearby subject as source, following clause as
content), and claims: attribution contents as attributed claims, other article sentences as the author's."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from collections.abc import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cli, data_json, data_lines, lines_of, sentences, span, trim  # noqa: E402
from zones_lines import line_label  # noqa: E402

from kashcorpus.tokens import tokenize  # noqa: E402

NAME = "attribution-cue-rules"
LAYERS = ("claim", "attribution")
DESCRIPTION = ("Reporting-verb cue lexicon (baselines/data/reporting_verbs.txt); source = the words before the cue, "
               "content = the clause after it; every other article sentence is an author claim")
QUOTES = "“”\"‘’'«»"
SOURCE_PUNCT = set("()-’'&.")


def _words(s: str) -> list[str]:
    return s.lower().split()


class Rules:
    def __init__(self):
        self.cues = sorted((_words(c) for c in data_lines("reporting_verbs.txt")), key=len, reverse=True)
        self.w = data_json("attribution_rules.json")
        self.zone_rules = data_json("zone_rules.json")

    def cue_at(self, toks, i) -> int:
        """Length in tokens of the longest cue starting at token ``i`` (0 if none)."""
        for cue in self.cues:
            if [t.text.lower() for t in toks[i:i + len(cue)]] == cue:
                return len(cue)
        return 0

    def has(self, text: str, key: str) -> bool:
        low = f" {text.lower()} "
        return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", low) for w in self.w[key])

    def source_type(self, source: str) -> str:
        words = set(_words(source))
        for kind, cues in self.w["source_types"].items():
            if words & set(cues):
                return kind
        return "organisation"


def _source_before(toks, j: int, rules: Rules) -> tuple[int, int] | None:
    """Token range ``[a, j)`` of the subject right before token ``j`` (skipping one appositive)."""
    if j > 0 and toks[j - 1].text == ",":
        k = j - 2
        while k >= 0 and toks[k].text != ",":
            k -= 1
        if k <= 0:
            return None
        j = k
    a, words = j, 0
    while a > 0:
        t = toks[a - 1].text
        if t.lower() in rules.w["source_stops"] or (not t[0].isalnum() and t not in SOURCE_PUNCT):
            break
        words += t[0].isalnum()
        if words > rules.w["source_max_words"]:
            break
        a -= 1
    while a < j and not toks[a].text[0].isalnum() and toks[a].text != "(":
        a += 1
    return (a, j) if a < j else None


def find_attribution(text: str, s: int, e: int, rules: Rules) -> dict | None:
    """The first attribution of the sentence ``text[s:e]`` the rules can build, or ``None``."""
    toks = [t.__class__(t.start + s, t.end + s, t.text) for t in tokenize(text[s:e])]
    for i in range(len(toks)):
        n = rules.cue_at(toks, i)
        if not n:
            continue
        cue = (toks[i].start, toks[i + n - 1].end)
        if [t.text.lower() for t in toks[i:i + n]] == ["according", "to"]:
            k = i + n
            while k < len(toks) and toks[k].text not in (",", ".", ";"):
                k += 1
            if k == i + n:
                continue
            src = (toks[i + n].start, toks[k - 1].end)
            content = (toks[k].end, e) if i == 0 and k < len(toks) else (s, toks[i - 1].end if i else s)
        else:
            a = i
            while a > 0 and toks[a - 1].text.lower() in rules.w["cue_prefixes"]:
                a -= 1
            rng = _source_before(toks, a, rules)
            if rng is None:
                continue
            cue = (toks[a].start, cue[1])
            src = (toks[rng[0]].start, toks[rng[1] - 1].end)
            k = i + n
            while k < len(toks) and toks[k].text.lower() in rules.w["content_openers"]:
                k += 1
            content = (toks[k].start, e) if k < len(toks) else (s, src[0])
        cs, ce = trim(text, *content, chars=QUOTES + ".,;:!?")
        if cs >= ce:
            continue
        return {"type": "attribution", "source": span(text, *src), "source_type": rules.source_type(text[src[0]:src[1]]),
                "source_entity": None, "cue": span(text, *cue), "content": span(text, cs, ce), "parent": None}
    return None


def claim_record(text: str, s: int, e: int, rules: Rules, attribution: dict | None) -> dict:
    body = text[s:e]
    if rules.has(body, "causal"):
        kind = "causal"
    elif rules.has(body, "prediction"):
        kind = "prediction"
    elif re.search(r"\d", re.sub(r"\b(1[89]|20)\d\d\b", "", body)):
        kind = "quantity"
    elif rules.has(body, "evaluation"):
        kind = "evaluation"
    else:
        kind = "event"
    if rules.has(body, "unverified"):
        certainty = "unverified"
    elif rules.has(body, "hedges"):
        certainty = "hedged"
    else:
        certainty = "reported" if attribution else "asserted"
    words = body.split()
    checkworthy = bool(re.search(r"\d", body)) or any(w[:1].isupper() for w in words[1:])
    return {"type": "claim", **span(text, s, e), "claim_type": kind, "certainty": certainty,
            "checkworthy": checkworthy, "asserted_by": "attributed" if attribution else "author",
            "attribution": attribution}


def predictor(root: Path) -> Callable:
    rules = Rules()

    def predict(doc) -> list[dict]:
        text = doc.text
        article = [(ls, le) for n, (ls, le) in enumerate(lines_of(text))
                   if line_label(text[ls:le], n == 0, rules.zone_rules) == "body"]
        out = []
        for s, e in sentences(text):
            if not any(ls <= s < le for ls, le in article):
                continue
            att = find_attribution(text, s, e, rules)
            if att is not None:
                out.append(att)
                cs, ce = att["content"]["start"], att["content"]["end"]
                out.append(claim_record(text, cs, ce, rules, att))
            elif len(text[s:e].split()) >= rules.w["claim_min_words"]:
                cs, ce = trim(text, s, e, chars=QUOTES + ".!?")
                if cs < ce:
                    out.append(claim_record(text, cs, ce, rules, None))
        return out

    return predict


if __name__ == "__main__":
    cli(NAME, __doc__.splitlines()[0], predictor)

"""Baseline: cross-document claim links from word overlap, over the gold claims (claim spans are given).

Two claims of different documents are linked when the Jaccard overlap of their content words reaches
a threshold; linked claims form a ``claim`` link (connected components). Each linked pair gets a relation by
rule: ``conflict`` when both claims contain numbers and share none (a different date or count), ``agree`` when the
content words of one are a subset of the other's (one says less), ``complement`` otherwise.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from collections.abc import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, data_lines, write  # noqa: E402

from kashcorpus.corpus import iter_documents  # noqa: E402
from kashcorpus.io import atomic_write, dumps_table  # noqa: E402

NAME = "links-word-overlap"
LAYERS = ("link",)
THRESHOLD = 0.3
DESCRIPTION = (f"Gold claims given; claims of different documents linked when the Jaccard overlap of their content words "
               f"is at least {THRESHOLD} (stop words: baselines/data/stopwords.txt); relation: conflict when their numbers "
               f"are disjoint, agree when one's words are a subset of the other's, otherwise complement")


def content_words(text: str, stop: set[str]) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\w+", text.lower()) if (len(w) > 2 or w.isdigit()) and w not in stop)


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def relation_of(a: frozenset[str], b: frozenset[str]) -> str:
    """The relation rule of the baseline, on the content words of two claims.

    >>> relation_of(frozenset({"strike", "march", "4"}), frozenset({"strike", "march", "7"}))
    'conflict'
    >>> relation_of(frozenset({"strike", "march"}), frozenset({"strike", "march", "setúbal"}))
    'agree'
    """
    na, nb = {w for w in a if w.isdigit()}, {w for w in b if w.isdigit()}
    if na and nb and not na & nb:
        return "conflict"
    return "agree" if a <= b or b <= a else "complement"


def links_of(claims: list[tuple[str, str]], stop: set[str]) -> list[dict]:
    """``claims`` as ``(<doc>#<id>, text)``; links of connected components of similar claims of different documents."""
    words = {ref: content_words(t, stop) for ref, t in claims}
    refs = sorted(words)
    edges = [(a, b) for i, a in enumerate(refs) for b in refs[i + 1:]
             if a.split("#")[0] != b.split("#")[0] and jaccard(words[a], words[b]) >= THRESHOLD]
    parent = {r: r for r in refs}

    def find(r):
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    for r in refs:
        groups.setdefault(find(r), []).append(r)
    comps = sorted(sorted(g) for g in groups.values() if len(g) > 1)
    out = []
    for n, members in enumerate(comps, 1):
        pairs = [{"a": a, "b": b, "relation": relation_of(words[a], words[b])} for a, b in edges if a in members]
        out.append({"id": f"claim-{n}", "type": "claim", "description": "Claims with overlapping words.",
                    "entity": None, "members": members, "pairs": pairs})
    return out


def predictor(root: Path) -> Callable:
    """Not per document: :func:`run` writes the gold claims and the links together."""
    return lambda doc: [dict(r) for r in doc.records if r["type"] in ("claim", "attribution")]


def run(root: Path, out: Path, predict=None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.jsonl"):
        stale.unlink()
    stop = set(" ".join(data_lines("stopwords.txt")).split())
    claims = []
    for doc in iter_documents(root):
        recs = predictor(root)(doc)
        write(out, doc, recs)
        claims += [(f"{doc.id}#{r['id']}", r["text"]) for r in recs if r["type"] == "claim"]
    atomic_write(out / "links.jsonl", dumps_table(links_of(claims, stop), "link"))
    return out


if __name__ == "__main__":
    import argparse

    p = argparse.ArgumentParser(prog=f"baselines/{Path(__file__).name}", description=__doc__.splitlines()[0])
    p.add_argument("--root", type=Path, default=ROOT)
    p.add_argument("--out", type=Path, default=ROOT / "dist" / "baselines" / NAME)
    args = p.parse_args()
    print(run(args.root, args.out).as_posix())

"""The arithmetic of scoring: precision/recall/F1, one-to-one span matching; B³ and CEAF-e from kashcorpus.clustering."""
from __future__ import annotations

from collections import Counter
from typing import Any
from collections.abc import Callable, Hashable, Iterable, Sequence

from ..clustering import b_cubed, ceaf_e, clusters_of, muc

__all__ = ["accuracy", "b_cubed", "ceaf_e", "clusters_of", "count_exact", "macro", "match", "muc", "overlaps", "prf"]


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    """Precision, recall and F1 from counts; all ``None`` when there is nothing to score.

    With gold items but no predictions precision is 0 (as conlleval); with predictions but no
    gold items recall is 0.

    >>> round(prf(2, 4, 3)["f1"], 4)
    0.5714
    >>> prf(0, 0, 0)["f1"] is None, prf(0, 0, 5)["precision"]
    (True, 0.0)
    """
    if n_pred == 0 and n_gold == 0:
        return {"precision": None, "recall": None, "f1": None, "tp": 0, "pred": 0, "gold": 0}
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "pred": n_pred, "gold": n_gold}


def macro(per_label: dict[str, dict]) -> dict:
    """The unweighted mean of per-label precision, recall and F1, over labels with anything to score.

    >>> macro({"PER": prf(1, 1, 1), "ORG": prf(0, 1, 1), "GPE": prf(0, 0, 0)})["f1"]
    0.5
    """
    scored = [s for s in per_label.values() if s["f1"] is not None]
    if not scored:
        return {"precision": None, "recall": None, "f1": None, "labels": 0}
    n = len(scored)
    return {"precision": sum(s["precision"] for s in scored) / n, "recall": sum(s["recall"] for s in scored) / n,
            "f1": sum(s["f1"] for s in scored) / n, "labels": n}


def accuracy(correct: int, total: int) -> dict:
    """``correct / total``, ``None`` when there is nothing to count.

    >>> accuracy(3, 4)["accuracy"], accuracy(0, 0)["accuracy"]
    (0.75, None)
    """
    return {"accuracy": correct / total if total else None, "correct": correct, "total": total}


Span = tuple[int, int]


def overlaps(a: Span, b: Span) -> bool:
    """Half-open spans share at least one code point.

    >>> overlaps((0, 5), (4, 9)), overlaps((0, 5), (5, 9))
    (True, False)
    """
    return a[0] < b[1] and b[0] < a[1]


def match(gold: Sequence, pred: Sequence, compatible: Callable[[Any, Any], bool]) -> list[tuple[int, int]]:
    """A maximum one-to-one matching of gold and predicted items: ``[(gold index, pred index)]``.

    Each gold item pairs with at most one prediction and the other way round, so one long
    predicted span cannot claim several gold spans. Augmenting paths (Kuhn) give the maximum;
    the size of a maximum matching does not depend on the order of the items.

    >>> match([(0, 5), (6, 9)], [(0, 9)], lambda g, p: overlaps(g, p))
    [(0, 0)]
    >>> len(match([(0, 2), (3, 5)], [(1, 4), (0, 1)], lambda g, p: overlaps(g, p)))
    2
    """
    options = [[j for j, p in enumerate(pred) if compatible(g, p)] for g in gold]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        if options[i]:
            augment(i, set())
    return sorted((i, j) for j, i in owner.items())


def count_exact(gold: Iterable[Hashable], pred: Iterable[Hashable]) -> int:
    """Matches of identical items, each used once (multiset intersection).

    >>> count_exact([(0, 5), (0, 5)], [(0, 5)])
    1
    """
    return sum((Counter(gold) & Counter(pred)).values())

"""The arithmetic of scoring: precision/recall/F1, one-to-one span matching, B³ and CEAF-e."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any
from collections.abc import Callable, Hashable, Iterable, Sequence


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


def clusters_of(assign: dict[Hashable, Hashable | None]) -> list[set]:
    """Group items by cluster label; an item whose label is ``None`` is a cluster of its own.

    >>> sorted(map(sorted, clusters_of({"a": 1, "b": 1, "c": None})))
    [['a', 'b'], ['c']]
    """
    groups: dict = defaultdict(set)
    alone = []
    for item, label in assign.items():
        if label is None:
            alone.append({item})
        else:
            groups[label].add(item)
    return list(groups.values()) + alone


def b_cubed(key: list[set], response: list[set]) -> dict:
    """B³ precision, recall and F1 of a response clustering against key clusters.

    Without overlapping clusters this is B³ as the CoNLL reference scorer computes it: recall sums
    ``|k∩r|²/|k|`` over the key's items, precision ``|k∩r|²/|r|`` over the response's, and items in
    only one side count for nothing. An item may be in several clusters (a claim in two links): then
    the extended B³ of Amigó et al. (2009) is used, which reduces to the above without overlaps.

    >>> round(b_cubed([{1, 2, 3}], [{1, 2}, {3}])["recall"], 4)
    0.5556
    >>> b_cubed([{1, 2}], [{1, 2}])["f1"]
    1.0
    """
    n_key = len(set().union(*key)) if key else 0
    n_resp = len(set().union(*response)) if response else 0
    if n_key == 0 and n_resp == 0:
        return {"precision": None, "recall": None, "f1": None}
    key, response = _canonical(key), _canonical(response)
    p = _extended(response, key)
    r = _extended(key, response)
    return _from_ratio(p, n_resp, r, n_key)


def _extended(base: list[set], other: list[set]) -> float:
    """Sum over the items of ``base`` of their extended-B³ score against ``other``."""
    in_base: dict = defaultdict(set)
    in_other: dict = defaultdict(set)
    for i, c in enumerate(base):
        for item in c:
            in_base[item].add(i)
    for i, c in enumerate(other):
        for item in c:
            in_other[item].add(i)
    totals = []
    for item in sorted(in_base, key=repr):
        mates = set().union(*(base[i] for i in in_base[item]))
        terms = []
        for mate in sorted(mates, key=repr):
            shared = len(in_base[item] & in_base[mate])
            terms.append(min(shared, len(in_other.get(item, set()) & in_other.get(mate, set()))) / shared)
        totals.append(math.fsum(terms) / len(terms))
    return math.fsum(totals)


def _canonical(clusters: list[set]) -> list[set]:
    """Clusters in an order that does not depend on the order they were built in."""
    return sorted(clusters, key=lambda c: sorted(map(repr, c)))


def ceaf_e(key: list[set], response: list[set]) -> dict:
    """Entity-based CEAF (φ4): the best one-to-one alignment of key and response clusters.

    >>> ceaf_e([{1, 2}, {3}], [{1, 2}, {3}])["f1"]
    1.0
    >>> round(ceaf_e([{1, 2, 3}], [{1, 2}, {3}])["recall"], 3)
    0.8
    """
    if not key and not response:
        return {"precision": None, "recall": None, "f1": None}
    if not key or not response:
        return _from_ratio(0.0, len(response), 0.0, len(key))
    from scipy.optimize import linear_sum_assignment

    key, response = _canonical(key), _canonical(response)
    sim = [[2 * len(k & r) / (len(k) + len(r)) for r in response] for k in key]
    rows, cols = linear_sum_assignment(sim, maximize=True)
    total = math.fsum(sim[i][j] for i, j in zip(rows, cols))
    return _from_ratio(total, len(response), total, len(key))


def _from_ratio(p_num: float, p_den: int, r_num: float, r_den: int) -> dict:
    p = p_num / p_den if p_den else 0.0
    r = r_num / r_den if r_den else 0.0
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"precision": p, "recall": r, "f1": f}

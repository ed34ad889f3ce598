"""Clustering metrics shared by scoring and agreement: B³, CEAF-e (φ4) and MUC of a response clustering against a key.

Items are any hashable values (mention spans, claim ids); cluster labels need not match between the two sides.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable


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
    >>> a, b, c, d, e, f, g, h, i = "abcdefghi"   # Pradhan et al. (2014): P 0.5, R 0.42
    >>> {k: round(v, 4) for k, v in b_cubed([{a, b, c}, {d, e, f, g}], [{a, b}, {c, d}, {f, g, h, i}]).items()}
    {'precision': 0.5, 'recall': 0.4167, 'f1': 0.4545}
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


def muc(key: list[set], response: list[set]) -> dict:
    """MUC (Vilain et al. 1995): the links of each key cluster that the response keeps (recall), and the other
    way round (precision); an item the other side lacks is a cluster of its own there. ``None`` when neither
    side has a cluster of two or more items.

    >>> a, b, c, d, e, f, g, h, i = "abcdefghi"   # the example of Pradhan et al. (2014): P = R = 0.4
    >>> {k: round(v, 4) for k, v in muc([{a, b, c}, {d, e, f, g}], [{a, b}, {c, d}, {f, g, h, i}]).items()}
    {'precision': 0.4, 'recall': 0.4, 'f1': 0.4}
    """
    def side(base: list[set], other: list[set]) -> tuple[int, int]:
        where = {item: n for n, c in enumerate(_canonical(other)) for item in c}
        num = den = 0
        for c in base:
            num += len(c) - len({where.get(item, ("alone", repr(item))) for item in c})
            den += len(c) - 1
        return num, den

    r_num, r_den = side(key, response)
    p_num, p_den = side(response, key)
    if not r_den and not p_den:
        return {"precision": None, "recall": None, "f1": None}
    return _from_ratio(p_num, p_den, r_num, r_den)


def ceaf_e(key: list[set], response: list[set]) -> dict:
    """Entity-based CEAF (φ4): the best one-to-one alignment of key and response clusters.

    >>> ceaf_e([{1, 2}, {3}], [{1, 2}, {3}])["f1"]
    1.0
    >>> round(ceaf_e([{1, 2, 3}], [{1, 2}, {3}])["recall"], 3)
    0.8
    >>> a, b, c, d, e, f, g, h, i = "abcdefghi"   # Pradhan et al. (2014): P 0.43, R 0.65
    >>> {k: round(v, 4) for k, v in ceaf_e([{a, b, c}, {d, e, f, g}], [{a, b}, {c, d}, {f, g, h, i}]).items()}
    {'precision': 0.4333, 'recall': 0.65, 'f1': 0.52}
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

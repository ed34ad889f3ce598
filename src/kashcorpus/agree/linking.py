"""Entity linking compared as clustering of mentions, whatever the entity ids: the scores and the clusters that differ."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..clustering import b_cubed, ceaf_e, muc

METRICS = {"muc": muc, "b_cubed": b_cubed, "ceaf_e": ceaf_e}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def linking_scores(key: Sequence[set], response: Sequence[set]) -> dict:
    """MUC, B³, CEAF-e and their mean F1 (the CoNLL-2012 average) of ``response`` against ``key``.

    >>> s = linking_scores([{"a", "b"}, {"c"}], [{"a", "b"}, {"c"}])
    >>> s["b_cubed"]["f1"], s["ceaf_e"]["f1"], s["conll_f1"]
    (1.0, 1.0, 1.0)
    """
    out: dict = {name: {k: _r(v) for k, v in metric(list(key), list(response)).items()} for name, metric in METRICS.items()}
    f1s = [out[k]["f1"] for k in ("muc", "b_cubed", "ceaf_e")]
    out["conll_f1"] = None if any(f is None for f in f1s) else _r(sum(f1s) / 3)
    return out


def cluster_differences(key: Sequence[set], response: Sequence[set]) -> list[dict]:
    """Where two partitions of the same mentions differ: each key cluster the response splits (``split``) and
    each response cluster that joins mentions of several key clusters (``merge``), with the parts.

    >>> [(d["kind"], d["parts"]) for d in cluster_differences([{"a", "b", "c"}], [{"a", "b"}, {"c"}])]
    [('split', [['a', 'b'], ['c']])]
    """
    out = []
    for kind, gold, other in (("split", key, response), ("merge", response, key)):
        where = {m: i for i, c in enumerate(other) for m in c}
        for c in gold:
            parts: dict = defaultdict(list)
            for m in sorted(c, key=repr):
                parts[where.get(m, ("alone", m))].append(m)
            if len(parts) > 1:
                out.append({"kind": kind, "cluster": sorted(c, key=repr),
                            "parts": sorted(parts.values(), key=lambda p: (-len(p), repr(p)))})
    return out

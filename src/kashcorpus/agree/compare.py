"""Inter-annotator agreement between two annotation layers: matching, F1, kappa, alpha, disagreements."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterable, Sequence

from ..io import read_jsonl, read_text
from ..layout import REGISTRY_FILE, Layout
from ..model import CLAIM_ATTRIBUTES, FLAT_LAYERS, GOLD, PARTS, SPAN_LAYERS, record_anchor
from ..tokens import tokenize

LAYERS = SPAN_LAYERS
ROLES = PARTS
ATTRIBUTION_ATTRIBUTES = ("source_type", "nested")


# -- arithmetic -----------------------------------------------------------------

def prf(n_a: int, n_b: int, matched: int) -> dict:
    """Precision of b against a, recall, and F1 (symmetric in a and b); ``None`` where undefined.

    >>> prf(4, 5, 3)
    {'a': 4, 'b': 5, 'matched': 3, 'precision': 0.6, 'recall': 0.75, 'f1': 0.6667}
    """
    precision = matched / n_b if n_b else None
    recall = matched / n_a if n_a else None
    f1 = 2 * matched / (n_a + n_b) if n_a + n_b else None
    return {"a": n_a, "b": n_b, "matched": matched,
            "precision": _r(precision), "recall": _r(recall), "f1": _r(f1)}


def cohen_kappa(pairs: Sequence[tuple]) -> float | None:
    """Cohen's kappa of paired labels ``(label_a, label_b)``; 1.0 when both give one and the same label throughout.

    >>> cohen_kappa([("x", "x"), ("y", "y"), ("x", "y"), ("y", "y")])
    0.5
    >>> cohen_kappa([]) is None
    True
    """
    n = len(pairs)
    if not n:
        return None
    observed = sum(1 for x, y in pairs if x == y) / n
    ca, cb = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if expected == 1:
        return 1.0
    return _r((observed - expected) / (1 - expected))


def label_agreement(pairs: Sequence[tuple]) -> dict:
    """Accuracy and Cohen's kappa of paired labels.

    >>> label_agreement([("PER", "PER"), ("ORG", "GPE")])
    {'n': 2, 'agree': 1, 'accuracy': 0.5, 'kappa': 0.3333}
    """
    agree = sum(1 for x, y in pairs if x == y)
    return {"n": len(pairs), "agree": agree, "accuracy": _r(agree / len(pairs)) if pairs else None,
            "kappa": cohen_kappa(pairs)}


def nominal_alpha(values_a: Sequence[str], values_b: Sequence[str]) -> float | None:
    """Krippendorff's alpha (nominal) for two coders who each label every unit.

    When the coders never disagree, alpha is 1.0 (also when only one value occurs, where the
    formula's expected disagreement is zero).

    >>> nominal_alpha(["x", "y", "y", "x"], ["x", "y", "x", "x"])
    0.5333
    >>> nominal_alpha(["O", "O"], ["O", "O"])
    1.0
    """
    if len(values_a) != len(values_b):
        raise ValueError("both coders must label the same units")
    if not values_a:
        return None
    if all(x == y for x, y in zip(values_a, values_b)):
        return 1.0
    import krippendorff
    import numpy as np

    domain = sorted(set(values_a) | set(values_b))
    code = {v: i for i, v in enumerate(domain)}
    data = np.array([[code[v] for v in values_a], [code[v] for v in values_b]], dtype=float)
    return _r(float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                       value_domain=list(range(len(domain))))))


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


# -- matching -------------------------------------------------------------------

def overlap(x: tuple[int, int], y: tuple[int, int]) -> int:
    """Characters two half-open spans share.

    >>> overlap((0, 5), (3, 9)), overlap((0, 3), (3, 9))
    (2, 0)
    """
    return max(0, min(x[1], y[1]) - max(x[0], y[0]))


def jaccard(x: tuple[int, int], y: tuple[int, int]) -> float:
    inter = overlap(x, y)
    return inter / (max(x[1], y[1]) - min(x[0], y[0])) if inter else 0.0


def match(a: Sequence, b: Sequence, score: Callable[[Any, Any], float | None]) -> list[tuple[int, int]]:
    """One-to-one pairs ``(i, j)`` of items of ``a`` and ``b``: as many as possible, then the most similar.

    ``score(x, y)`` is ``None`` when two items cannot be paired, else a similarity in [0, 1]. Items that can pair
    form small groups (a span overlaps few others): each group is solved on its own, exactly, and only a group too
    large to enumerate goes to SciPy's assignment solver.

    >>> match([(0, 5), (6, 9)], [(0, 4), (20, 22)], lambda x, y: jaccard(x, y) or None)
    [(0, 0)]
    """
    edges: dict[tuple[int, int], float] = {}
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            s = score(x, y)
            if s is not None:
                edges[i, j] = s
    out: list[tuple[int, int]] = []
    for rows, cols in _groups(edges):
        out += _best(rows, cols, edges) if _choices(rows, cols, edges) <= EXACT_GROUP else _assign(rows, cols, edges)
    return sorted(out)


EXACT_GROUP = 4096  # a group with at most this many ways to pair its items is solved by enumeration


def _choices(rows: list[int], cols: list[int], edges: dict[tuple[int, int], float]) -> int:
    """An upper bound of the ways to pair a group: the product, over its smaller side, of (partners + 1)."""
    by_row = len(rows) <= len(cols)
    degree: dict[int, int] = {}
    for i, j in edges:
        if (i in rows) if by_row else (j in cols):
            k = i if by_row else j
            degree[k] = degree.get(k, 0) + 1
    n = 1
    for d in degree.values():
        n *= d + 1
        if n > EXACT_GROUP:
            break
    return n


def _groups(edges: dict[tuple[int, int], float]) -> list[tuple[list[int], list[int]]]:
    """The connected groups of the pairs that can be made: (rows, columns), each sorted."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(n: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(n, n) != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for i, j in edges:
        ra, rb = find(("a", i)), find(("b", j))
        if ra != rb:
            parent[rb] = ra
    groups: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for i, j in sorted(edges):
        rows, cols = groups.setdefault(find(("a", i)), ([], []))
        if i not in rows:
            rows.append(i)
        if j not in cols:
            cols.append(j)
    return [(sorted(r), sorted(c)) for r, c in groups.values()]


def _best(rows: list[int], cols: list[int], edges: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """The most pairs, then the greatest total similarity, in one group; enumeration over the smaller side."""
    flip = len(cols) < len(rows)
    small, large = (cols, rows) if flip else (rows, cols)
    weight = {(j, i) if flip else (i, j): s for (i, j), s in edges.items()}
    best: tuple[int, float] = (-1, -1.0)
    chosen: list[tuple[int, int]] = []

    def walk(k: int, used: frozenset[int], picked: list[tuple[int, int]], total: float) -> None:
        nonlocal best, chosen
        if k == len(small):
            if (len(picked), total) > best:
                best, chosen = (len(picked), total), list(picked)
            return
        x = small[k]
        for y in large:
            s = weight.get((x, y))
            if s is not None and y not in used:
                walk(k + 1, used | {y}, picked + [(x, y)], total + s)
        walk(k + 1, used, picked, total)

    walk(0, frozenset(), [], 0.0)
    return [(y, x) for x, y in chosen] if flip else chosen


def _assign(rows: list[int], cols: list[int], edges: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """A large group through SciPy's assignment solver (a pair's weight counts before its similarity)."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    big = min(len(rows), len(cols)) + 1.0
    w = np.zeros((len(rows), len(cols)))
    for r, i in enumerate(rows):
        for c, j in enumerate(cols):
            s = edges.get((i, j))
            if s is not None:
                w[r, c] = big + s
    picked_rows, picked_cols = linear_sum_assignment(w, maximize=True)
    return [(rows[int(r)], cols[int(c)]) for r, c in zip(picked_rows, picked_cols) if w[r, c] > 0]


def _key(r: dict) -> tuple[int, int]:
    return r["start"], r["end"]


def exact_score(x: dict, y: dict) -> float | None:
    return 1.0 if _key(x) == _key(y) else None


def overlap_score(x: dict, y: dict) -> float | None:
    return jaccard(_key(x), _key(y)) or None


def _role_key(r: dict, role: str) -> tuple[int, int] | None:
    s = r.get(role)
    return None if s is None else (s["start"], s["end"])


def triple_exact_score(x: dict, y: dict) -> float | None:
    return 1.0 if all(_role_key(x, r) == _role_key(y, r) for r in ROLES) else None


def triple_overlap_score(x: dict, y: dict) -> float | None:
    """Mean Jaccard of the three roles when each role is absent in both or overlaps, else ``None``."""
    total = 0.0
    for role in ROLES:
        kx, ky = _role_key(x, role), _role_key(y, role)
        if kx is None and ky is None:
            total += 1.0
        elif kx is None or ky is None or not overlap(kx, ky):
            return None
        else:
            total += jaccard(kx, ky)
    return total / len(ROLES)


# -- canonical inputs -----------------------------------------------------------

def _sort_records(recs: Iterable[dict]) -> list[dict]:
    """Records in an order that depends only on their content (so results do not depend on file order)."""
    def key(r: dict):
        spans = [_role_key(r, k) or (-1, -1) for k in ROLES] if r["type"] == "attribution" else [_key(r)]
        return spans, repr(sorted((k, repr(v)) for k, v in r.items() if k not in ("id", "note")))
    return sorted(recs, key=key)


def _value(r: dict, attr: str) -> str:
    if attr == "nested":
        return "nested" if r.get("parent") else "top"
    v = r.get(attr)
    return str(v).lower() if isinstance(v, bool) else str(v)


def _token_labels(text: str, mentions: list[dict]) -> list[str]:
    tokens = tokenize(text)
    labels = ["O"] * len(tokens)
    for m in sorted(mentions, key=lambda r: (r["start"], -r["end"])):
        for i, t in enumerate(tokens):
            if t.end > m["start"] and t.start < m["end"] and labels[i] == "O":
                labels[i] = m["label"]
    return labels


def _char_labels(text: str, zones: list[dict]) -> list[str]:
    labels = ["-"] * len(text)
    for z in zones:
        labels[z["start"]:z["end"]] = [z["label"]] * (z["end"] - z["start"])
    return labels


# the attributes compared on matched records of each layer ("label": the layer's own label)
_ATTRIBUTES = {"zone": ("label",), "mention": ("label",), "claim": CLAIM_ATTRIBUTES,
               "attribution": ATTRIBUTION_ATTRIBUTES}
_SCORES = {"zone": (exact_score, overlap_score), "mention": (exact_score, overlap_score),
           "claim": (exact_score, overlap_score), "attribution": (triple_exact_score, triple_overlap_score)}


def _matched(recs_a: list[dict], recs_b: list[dict]) -> dict[str, tuple[list, list, list, list]]:
    """Per layer: the records of a and of b in canonical order, their exact and their overlap matches."""
    out = {}
    for layer in LAYERS:
        xa = _sort_records(r for r in recs_a if r["type"] == layer)
        xb = _sort_records(r for r in recs_b if r["type"] == layer)
        exact, overlapping = _SCORES[layer]
        out[layer] = (xa, xb, match(xa, xb, exact), match(xa, xb, overlapping))
    return out


def _disagreements_of(doc: str, matched: dict[str, tuple[list, list, list, list]]) -> list[dict]:
    out = []
    for layer in FLAT_LAYERS:
        xa, xb, _ex, ov = matched[layer]
        out += _span_disagreements(layer, doc, xa, xb, ov, _ATTRIBUTES[layer])
    xa, xb, _ex, ov = matched["attribution"]
    return out + _attribution_disagreements(doc, xa, xb, ov)


def _disagreement_order(d: dict) -> tuple:
    return LAYERS.index(d["layer"]), d["doc"], _anchor(d), d["kind"]


def disagreements(doc: str, recs_a: list[dict], recs_b: list[dict]) -> list[dict]:
    """The disagreements of one document, exactly as :func:`compare` lists them, without computing the scores.

    >>> ra = [{"type": "mention", "id": "m1", "start": 0, "end": 5, "text": "Hamas", "label": "ORG", "entity": None}]
    >>> [(d["kind"], d["a"]["id"], d["b"]["id"]) for d in disagreements("d", ra, [{**ra[0], "label": "PER"}])]
    [('label', 'm1', 'm1')]
    """
    return sorted(_disagreements_of(doc, _matched(recs_a, recs_b)), key=_disagreement_order)


# -- the comparison -------------------------------------------------------------

def compare(docs: dict[str, tuple[str, list[dict], list[dict]]], a: str = "a", b: str = "b") -> dict:
    """Agreement of layer ``b`` against layer ``a`` on ``{doc: (text, records_a, records_b)}``.

    >>> text = "Hamas met LeT."
    >>> ra = [{"type": "mention", "id": "m1", "start": 0, "end": 5, "text": "Hamas", "label": "ORG", "entity": None}]
    >>> rb = [{"type": "mention", "id": "m1", "start": 0, "end": 5, "text": "Hamas", "label": "PER", "entity": None}]
    >>> r = compare({"d": (text, ra, rb)})
    >>> r["layers"]["mention"]["spans"]["exact"]["f1"], r["layers"]["mention"]["label"]["accuracy"]
    (1.0, 0.0)
    """
    totals: dict[str, Counter] = {layer: Counter() for layer in LAYERS}
    pairs: dict[str, list] = {k: [] for k in ("zone", "mention", *CLAIM_ATTRIBUTES, *ATTRIBUTION_ATTRIBUTES)}
    units: dict[str, tuple[list, list]] = {"zone": ([], []), "mention": ([], [])}
    role_totals: dict[str, Counter] = {role: Counter() for role in ROLES}
    disagreements: list[dict] = []
    linked: tuple[list, list] = ([], [])  # ((doc, start, end, text), entity) of every mention of a and of b
    for doc in sorted(docs):
        text, recs_a, recs_b = docs[doc]
        for side, recs in zip(linked, (recs_a, recs_b)):
            side += [((doc, r["start"], r["end"], r["text"]), r["entity"]) for r in recs if r["type"] == "mention"]
        matched = _matched(recs_a, recs_b)
        for layer in LAYERS:
            xa, xb, ex, ov = matched[layer]
            totals[layer].update(a=len(xa), b=len(xb), exact=len(ex), overlap=len(ov))
            for i, j in ov:
                for attr in _ATTRIBUTES[layer]:
                    pairs[layer if attr == "label" else attr].append((_value(xa[i], attr), _value(xb[j], attr)))
        disagreements += _disagreements_of(doc, matched)
        ua, ub = units["zone"]
        ua += _char_labels(text, matched["zone"][0])
        ub += _char_labels(text, matched["zone"][1])
        ua, ub = units["mention"]
        ua += _token_labels(text, matched["mention"][0])
        ub += _token_labels(text, matched["mention"][1])
        xa, xb = matched["attribution"][:2]
        for role in ROLES:
            sa = [{"start": k[0], "end": k[1]} for k in (_role_key(r, role) for r in xa) if k]
            sb = [{"start": k[0], "end": k[1]} for k in (_role_key(r, role) for r in xb) if k]
            role_totals[role].update(a=len(sa), b=len(sb), exact=len(match(sa, sb, exact_score)),
                                     overlap=len(match(sa, sb, overlap_score)))

    def spans(layer_totals: Counter) -> dict:
        t = layer_totals
        return {"exact": prf(t["a"], t["b"], t["exact"]), "overlap": prf(t["a"], t["b"], t["overlap"])}

    layers = {
        "zone": {"spans": spans(totals["zone"]), "label": label_agreement(pairs["zone"]),
                 "alpha": {"unit": "character", "units": len(units["zone"][0]), "alpha": nominal_alpha(*units["zone"])}},
        "mention": {"spans": spans(totals["mention"]), "label": label_agreement(pairs["mention"]),
                    "alpha": {"unit": "token", "units": len(units["mention"][0]), "alpha": nominal_alpha(*units["mention"])}},
        "claim": {"spans": spans(totals["claim"]),
                  "attributes": {k: label_agreement(pairs[k]) for k in CLAIM_ATTRIBUTES}},
        "attribution": {"triples": spans(totals["attribution"]),
                        "roles": {role: spans(role_totals[role]) for role in ROLES},
                        "attributes": {k: label_agreement(pairs[k]) for k in ATTRIBUTION_ATTRIBUTES}},
    }
    layers["linking"] = linking(*linked)
    disagreements.sort(key=_disagreement_order)
    return {"a": a, "b": b, "documents": sorted(docs), "layers": layers, "disagreements": disagreements}


def linking(a: Sequence[tuple[tuple, str | None]], b: Sequence[tuple[tuple, str | None]]) -> dict:
    """Entity linking of ``b`` against ``a`` scored as clustering of mentions (the ids of the two registries need
    not be the same): MUC, B³ and CEAF-e over all mentions (a mention is the same when its span is) and over the
    mentions both annotate, with the clusters that differ on those. ``None`` scores when a layer links nothing.

    >>> a = [(("d", 0, 5, "Hamas"), "hamas"), (("d", 9, 14, "Hamas"), "hamas")]
    >>> b = [(("d", 0, 5, "Hamas"), "e1"), (("d", 9, 14, "Hamas"), "e2")]
    >>> r = linking(a, b)
    >>> r["same_mentions"]["b_cubed"]["recall"], r["differences"][0]["kind"]
    (0.5, 'split')
    """
    out: dict = {"mentions_a": len(a), "mentions_b": len(b),
                 "linked_a": sum(1 for _m, e in a if e is not None), "linked_b": sum(1 for _m, e in b if e is not None)}
    if not out["linked_a"] or not out["linked_b"]:
        return {**out, "all_mentions": None, "same_mentions": None, "common": 0, "differences": []}
    from ..clustering import clusters_of
    from .linking import cluster_differences, linking_scores

    span = lambda m: m[:3]  # noqa: E731  (doc, start, end)
    common = {span(m) for m, _e in a} & {span(m) for m, _e in b}
    ka, kb = clusters_of({span(m): e for m, e in a}), clusters_of({span(m): e for m, e in b})
    ca = clusters_of({span(m): e for m, e in a if span(m) in common})
    cb = clusters_of({span(m): e for m, e in b if span(m) in common})
    texts = {span(m): m[3] for m, _e in a}
    ent_a, ent_b = {span(m): e for m, e in a}, {span(m): e for m, e in b}
    differences = []
    for d in cluster_differences(ca, cb):
        own, other = (ent_a, ent_b) if d["kind"] == "split" else (ent_b, ent_a)
        differences.append({"kind": d["kind"], "entity": own[d["cluster"][0]],
                            "parts": [{"entity": other[p[0]], "mentions": [{"doc": m[0], "start": m[1], "end": m[2],
                                                                              "text": texts[m]} for m in p]}
                                      for p in d["parts"]]})
    return {**out, "all_mentions": linking_scores(ka, kb), "same_mentions": linking_scores(ca, cb),
            "common": len(common), "differences": differences}


def _anchor(d: dict) -> tuple[int, int]:
    r = d["a"] or d["b"]
    return (r["start"], r["end"]) if "start" in r else (_attr_start(r), 0)


def _attr_start(r: dict) -> int:
    return record_anchor({"type": "attribution", **r})[0]


def _reading(r: dict, layer: str) -> dict:
    if layer == "attribution":
        out = {k: (None if r.get(k) is None else {"start": r[k]["start"], "end": r[k]["end"], "text": r[k]["text"]})
               for k in ROLES}
        return {"id": r["id"], **out, "source_type": r["source_type"], "nested": _value(r, "nested")}
    out = {"id": r["id"], "start": r["start"], "end": r["end"], "text": r["text"]}
    if layer == "claim":
        return {**out, **{k: _value(r, k) for k in CLAIM_ATTRIBUTES}}
    return {**out, "label": r["label"]}


def _span_disagreements(layer, doc, xa, xb, pairs, attrs) -> list[dict]:
    out = []
    matched_a, matched_b = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, r in enumerate(xa):
        if i not in matched_a:
            out.append({"layer": layer, "doc": doc, "kind": "only-a", "a": _reading(r, layer), "b": None})
    for j, r in enumerate(xb):
        if j not in matched_b:
            out.append({"layer": layer, "doc": doc, "kind": "only-b", "a": None, "b": _reading(r, layer)})
    for i, j in pairs:
        kinds = [] if _key(xa[i]) == _key(xb[j]) else ["boundary"]
        kinds += [k for k in attrs if _value(xa[i], k) != _value(xb[j], k)]
        if kinds:
            out.append({"layer": layer, "doc": doc, "kind": "+".join(kinds),
                        "a": _reading(xa[i], layer), "b": _reading(xb[j], layer)})
    return out


def _attribution_disagreements(doc, xa, xb, pairs) -> list[dict]:
    out = []
    matched_a, matched_b = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, r in enumerate(xa):
        if i not in matched_a:
            out.append({"layer": "attribution", "doc": doc, "kind": "only-a", "a": _reading(r, "attribution"), "b": None})
    for j, r in enumerate(xb):
        if j not in matched_b:
            out.append({"layer": "attribution", "doc": doc, "kind": "only-b", "a": None, "b": _reading(r, "attribution")})
    for i, j in pairs:
        kinds = [role for role in ROLES if _role_key(xa[i], role) != _role_key(xb[j], role)]
        kinds += [k for k in ATTRIBUTION_ATTRIBUTES if _value(xa[i], k) != _value(xb[j], k)]
        if kinds:
            out.append({"layer": "attribution", "doc": doc, "kind": "+".join(kinds),
                        "a": _reading(xa[i], "attribution"), "b": _reading(xb[j], "attribution")})
    return out


# -- reading the layers -----------------------------------------------------------

def layer_files(root: Path, layer: str) -> dict[str, Path]:
    """``{doc: path}`` of the annotation files of ``layer`` (``gold`` or ``pass-<annotator>``)."""
    layout = Layout(Path(root))
    folder = layout.gold_dir if layer == "gold" else layout.passes_dir / layer.removeprefix("pass-")
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.jsonl")) if layer == "gold" or p.name != REGISTRY_FILE}


def pass_layers(root: Path | str) -> list[str]:
    """The independent passes of a checkout as layer names (``pass-<annotator>``), sorted."""
    folder = Layout(Path(root)).passes_dir
    if not folder.is_dir():
        return []
    return [f"pass-{d.name}" for d in sorted(folder.iterdir())
            if d.is_dir() and any(p.name != REGISTRY_FILE for p in d.glob("*.jsonl"))]


def agreements(root: Path | str, a: str = "gold") -> list[dict]:
    """One report per independent pass against layer ``a``, for every pass that shares a document with it."""
    fa = layer_files(Path(root), a)
    return [agreement(root, a, b) for b in pass_layers(root) if b != a and set(fa) & set(layer_files(Path(root), b))]


def agreement(root: Path | str, a: str = "gold", b: str = "pass-annotator-b") -> dict:
    """Agreement of layer ``b`` against layer ``a`` on the documents both annotate (see :func:`compare`).

    Against gold, the disagreements are those still open: one the adjudication log settles is counted in
    ``decided`` instead (the scores compare the two layers as they are)."""
    root = Path(root)
    fa, fb = layer_files(root, a), layer_files(root, b)
    layout = Layout(root)
    docs = {}
    for doc in sorted(set(fa) & set(fb)):
        text = read_text(layout.text_path(doc), root)
        recs = [[r for r in read_jsonl(f[doc], root) if r.get("type") != "header"] for f in (fa, fb)]
        docs[doc] = (text, recs[0], recs[1])
    report = compare(docs, a, b)
    if a == GOLD and b != GOLD:
        from .adjudicate import closed, decided_items

        decided = decided_items(root, b)
        still = [d for d in report["disagreements"] if not closed(d, decided)]
        report["decided"] = len(report["disagreements"]) - len(still)
        report["disagreements"] = still
    return report

"""Scores per annotation layer: mentions, claims, attributions, zones and cross-document links."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

import orjson

from ..model import CLAIM_ATTRIBUTES, PARTS
from ..resources import taxonomy as load_taxonomy
from .metrics import accuracy, b_cubed, ceaf_e, clusters_of, count_exact, macro, match, muc, overlaps, prf

LAYERS = ("mention", "claim", "attribution", "zone", "link")
ROLES = PARTS

# gold and predicted records of one layer, per document: {doc: ([gold records], [predicted records])}
Pairs = dict[str, tuple[list[dict], list[dict]]]


def _span(r: dict) -> tuple[int, int]:
    return r["start"], r["end"]


def _order(records: Iterable[dict]) -> list[dict]:
    """A canonical order for records, so that every score is independent of the order of the files."""
    return sorted(records, key=lambda r: orjson.dumps({k: v for k, v in r.items() if k not in ("id", "note")},
                                                      option=orjson.OPT_SORT_KEYS))


def pair_up(gold: list[dict], pred: list[dict], same: Callable, compatible: Callable) -> list[tuple[dict, dict]]:
    """Pairs for attribute accuracy: identical spans first, then a maximum matching of the rest."""
    g, p = _order(gold), _order(pred)
    pairs = []
    free = list(range(len(p)))
    for gi, gr in enumerate(g):
        hit = next((pi for pi in free if same(gr, p[pi])), None)
        if hit is not None:
            free.remove(hit)
            pairs.append((gi, hit))
    used = {gi for gi, _ in pairs}
    rest_g = [gi for gi in range(len(g)) if gi not in used]
    for a, b in match([g[i] for i in rest_g], [p[i] for i in free], compatible):
        pairs.append((rest_g[a], free[b]))
    return [(g[a], p[b]) for a, b in pairs]


def span_scores(pairs: Pairs, label_of: Callable[[dict], str], labels: Iterable[str]) -> dict:
    """Exact and overlap span P/R/F1 per label, micro and macro averaged.

    A prediction counts in ``exact`` when a gold span of the same label has the same offsets, in
    ``overlap`` when it shares a code point with one; both match one-to-one.
    """
    tallies: dict[str, defaultdict[str, list[int]]] = {mode: defaultdict(lambda: [0, 0, 0]) for mode in ("exact", "overlap")}
    for gold, pred in pairs.values():
        by_label: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
        for r in gold:
            by_label[label_of(r)][0].append(_span(r))
        for r in pred:
            by_label[label_of(r)][1].append(_span(r))
        for label, (g, p) in by_label.items():
            hits = {"exact": count_exact(g, p), "overlap": len(match(sorted(g), sorted(p), overlaps))}
            for mode, tp in hits.items():
                t = tallies[mode][label]
                t[0] += tp
                t[1] += len(p)
                t[2] += len(g)
    out = {}
    order = list(labels)
    for mode, per in tallies.items():
        extra = sorted(k for k in per if k not in order)
        per_label = {k: prf(*per.get(k, (0, 0, 0))) for k in order + extra}
        totals = [sum(t[i] for t in per.values()) for i in range(3)]
        out[mode] = {"micro": prf(*totals), "macro": macro(per_label), "per_label": per_label}
    return out


def mention_scores(pairs: Pairs, own_clusters: bool = False) -> dict:
    """Typed span P/R/F1, entity linking accuracy and cross-document clustering (MUC, B³, CEAF-e).

    Linking accuracy counts the gold mentions with a registry entity whose exact span was
    predicted with the same entity (``found`` only over the gold mentions whose span was predicted);
    with ``own_clusters`` (the predicted entities are the system's own cluster ids) it is not scored.
    Clustering groups mentions, matched by (document, start, end), by entity across documents; an
    unlinked mention stands alone. No id is compared, so own clusters score as registry ids do.
    """
    out = span_scores(pairs, lambda r: r["label"], load_taxonomy()["mention"])
    correct = linked = found_correct = found = 0
    key: dict = {}
    response: dict = {}
    for doc, (gold, pred) in sorted(pairs.items()):
        predicted: dict[tuple[int, int], str | None] = {}
        for r in _order(pred):
            predicted.setdefault(_span(r), r["entity"])
        for r in gold:
            key[(doc, *_span(r))] = r["entity"]
            if r["entity"] is None:
                continue
            linked += 1
            if _span(r) in predicted:
                found += 1
                found_correct += predicted[_span(r)] == r["entity"]
            correct += predicted.get(_span(r)) == r["entity"]
        for span, ent in predicted.items():
            response[(doc, *span)] = ent
    out["linking"] = {**accuracy(0, 0), "found": accuracy(0, 0)} if own_clusters else \
        {**accuracy(correct, linked), "found": accuracy(found_correct, found)}
    k_clusters, r_clusters = clusters_of(key), clusters_of(response)
    out["clustering"] = {"muc": muc(k_clusters, r_clusters), "b3": b_cubed(k_clusters, r_clusters),
                         "ceaf_e": ceaf_e(k_clusters, r_clusters)}
    return out


def _attribute_accuracy(pairs: Pairs, attributes: Iterable[str], same: Callable, compatible: Callable) -> dict:
    tallies = {a: [0, 0] for a in attributes}
    for gold, pred in pairs.values():
        for g, p in pair_up(gold, pred, same, compatible):
            for a, t in tallies.items():
                t[0] += g[a] == p[a]
                t[1] += 1
    return {a: accuracy(*t) for a, t in tallies.items()}


def claim_scores(pairs: Pairs) -> dict:
    """Claim span P/R/F1 (exact, overlap) and the accuracy of each attribute over overlap-matched claims."""
    spans = span_scores(pairs, lambda r: "claim", ["claim"])
    out = {mode: spans[mode]["micro"] for mode in ("exact", "overlap")}
    out["attributes"] = _attribute_accuracy(pairs, CLAIM_ATTRIBUTES, lambda g, p: _span(g) == _span(p),
                                            lambda g, p: overlaps(_span(g), _span(p)))
    return out


def _role(r: dict, role: str) -> tuple[int, int] | None:
    s = r[role]
    return None if s is None else (s["start"], s["end"])


def _triple_match(mode: str):
    def same(a, b) -> bool:
        if a is None or b is None:
            return a is None and b is None
        return a == b if mode == "exact" else overlaps(a, b)

    return lambda g, p: all(same(_role(g, role), _role(p, role)) for role in ROLES)


def attribution_scores(pairs: Pairs) -> dict:
    """P/R/F1 per role (source, cue, content) and of whole triples, exact and overlap.

    A role's spans are scored wherever they are given (a null source or cue is no span). A triple
    matches when each role matches, a null role matching only a null role; ``source_type`` accuracy
    is over overlap-matched triples.
    """
    out: dict = {"roles": {}, "triples": {}}
    for role in ROLES:
        role_pairs = {d: ([{"start": s[0], "end": s[1]} for s in (_role(r, role) for r in g) if s],
                          [{"start": s[0], "end": s[1]} for s in (_role(r, role) for r in p) if s])
                      for d, (g, p) in pairs.items()}
        spans = span_scores(role_pairs, _constant(role), [role])
        out["roles"][role] = {mode: spans[mode]["micro"] for mode in ("exact", "overlap")}
    for mode in ("exact", "overlap"):
        tp = n_pred = n_gold = 0
        for gold, pred in pairs.values():
            tp += len(match(_order(gold), _order(pred), _triple_match(mode)))
            n_pred += len(pred)
            n_gold += len(gold)
        out["triples"][mode] = prf(tp, n_pred, n_gold)
    out["attributes"] = _attribute_accuracy(pairs, ("source_type",), _triple_match("exact"), _triple_match("overlap"))
    return out


def _char_labels(zones: list[dict], length: int) -> list[str | None]:
    labels: list[str | None] = [None] * length
    for z in sorted(zones, key=_span):
        labels[z["start"]:z["end"]] = [z["label"]] * (min(z["end"], length) - z["start"])
    return labels


def zone_scores(pairs: Pairs, lengths: dict[str, int]) -> dict:
    """Character-level accuracy of zone labels, boilerplate-vs-article accuracy, and per-label P/R/F1.

    Only documents whose gold has zones count; a character no predicted zone covers is wrong.
    """
    same = same_bp = total = 0
    per: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for doc, (gold, pred) in sorted(pairs.items()):
        if not gold:
            continue
        g = _char_labels(gold, lengths[doc])
        p = _char_labels(pred, lengths[doc])
        for a, b in zip(g, p):
            if a is None:
                continue
            total += 1
            same += a == b
            same_bp += (a == "boilerplate") == (b == "boilerplate") and b is not None
            per[a][2] += 1
            if b is not None:
                per[b][1] += 1
                per[a][0] += a == b
    labels = list(load_taxonomy()["zone"]) + sorted(k for k in per if k not in load_taxonomy()["zone"])
    per_label = {k: prf(*per.get(k, (0, 0, 0))) for k in labels}
    return {"accuracy": accuracy(same, total), "boilerplate": accuracy(same_bp, total),
            "macro": macro(per_label), "per_label": per_label}


def _member_keys(docs_records: dict[str, list[dict]]) -> dict[str, tuple]:
    """``<doc>#<id>`` -> a key that names the record by its place, so predicted ids need not match gold ids."""
    out = {}
    for doc, recs in docs_records.items():
        for r in recs:
            if r.get("type") in ("mention", "claim"):
                out[f"{doc}#{r['id']}"] = (doc, r["type"], r["start"], r["end"])
    return out


def _relation_scores(gold_pairs: list[tuple], pred_pairs: list[tuple]) -> tuple[dict, dict]:
    """Per relation P/R/F1 of labelled pairs, and the relation accuracy over the member pairs both
    sides label (a pair labelled twice on one side counts with its first label)."""
    relations = list(load_taxonomy()["relation"])
    seen = {r for _, r in gold_pairs + pred_pairs}
    per = {r: prf(count_exact([x for x in gold_pairs if x[1] == r], [x for x in pred_pairs if x[1] == r]),
                  sum(x[1] == r for x in pred_pairs), sum(x[1] == r for x in gold_pairs))
           for r in relations + sorted(seen - set(relations))}
    g: dict[frozenset, str] = {}
    p: dict[frozenset, str] = {}
    for members, rel in gold_pairs:
        g.setdefault(members, rel)
    for members, rel in pred_pairs:
        p.setdefault(members, rel)
    both = sorted(set(g) & set(p), key=repr)
    return per, accuracy(sum(g[m] == p[m] for m in both), len(both))


def link_scores(gold_links: list[dict], gold_records: dict[str, list[dict]],
                pred_links: list[dict], pred_records: dict[str, list[dict]]) -> dict:
    """Cross-document links per link type: B³ and CEAF-e of the member clusters, P/R/F1 of the
    labelled pairs (the same two members with the same relation: agree, complement, conflict), the
    same per relation, and the relation accuracy over the member pairs both sides label. Members are
    compared by document, record type and offsets."""
    gkeys, pkeys = _member_keys(gold_records), _member_keys(pred_records)
    out = {}
    types = list(load_taxonomy()["link"])
    for t in types + sorted({lk["type"] for lk in gold_links + pred_links} - set(types)):
        key = [{gkeys[m] for m in lk["members"] if m in gkeys} for lk in gold_links if lk["type"] == t]
        resp = [{pkeys[m] for m in lk["members"] if m in pkeys} for lk in pred_links if lk["type"] == t]
        key, resp = [k for k in key if k], [r for r in resp if r]

        def pairs_of(links, keys, t=t):
            return [(frozenset((keys.get(p["a"]), keys.get(p["b"]))), p["relation"])
                    for lk in links if lk["type"] == t for p in lk["pairs"]]

        gp, pp = pairs_of(gold_links, gkeys), pairs_of(pred_links, pkeys)
        per_relation, relation = _relation_scores(gp, pp)
        out[t] = {"b3": b_cubed(key, resp), "ceaf_e": ceaf_e(key, resp),
                  "pairs": prf(count_exact(gp, pp), len(pp), len(gp)),
                  "per_relation": per_relation, "relation": relation}
    return out


def _constant(value: str):
    """A label function that gives every record the same label."""
    return lambda _record: value

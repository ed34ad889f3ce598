"""Rendering scores: headline rows, text, JSON and Markdown reports, and the results table in a document."""
from __future__ import annotations

from collections import Counter

import orjson

from ..findings import render_json as findings_json
from ..findings import render_text as findings_text
from . import Evaluation

TABLE_HEAD = ("baseline", "layer", "metric", "precision", "recall", "F1 / accuracy")


def fmt(value) -> str:
    """A score as three decimals; ``n/a`` when it is undefined.

    >>> fmt(0.5), fmt(None), fmt(1)
    ('0.500', 'n/a', '1.000')
    """
    return "n/a" if value is None else f"{value:.3f}"


def _prf(name: str, s: dict) -> tuple:
    return name, s["precision"], s["recall"], s["f1"]


def _acc(name: str, s: dict) -> tuple:
    return name, None, None, s["accuracy"]


def headline(layer: str, s: dict) -> list[tuple]:
    """The main numbers of a layer's scores as ``(metric, precision, recall, F1 or accuracy)`` rows.

    >>> from kashcorpus.evaluate.metrics import prf, accuracy
    >>> headline("zone", {"accuracy": accuracy(3, 4), "boilerplate": accuracy(4, 4), "macro": prf(0, 0, 0)})[0]
    ('char accuracy', None, None, 0.75)
    """
    if layer == "mention":
        return [_prf("exact micro", s["exact"]["micro"]), _prf("exact macro", s["exact"]["macro"]),
                _prf("overlap micro", s["overlap"]["micro"]), _acc("linking accuracy", s["linking"]),
                _prf("clustering MUC", s["clustering"]["muc"]), _prf("clustering B³", s["clustering"]["b3"]),
                _prf("clustering CEAF-e", s["clustering"]["ceaf_e"])]
    if layer == "claim":
        return [_prf("span exact", s["exact"]), _prf("span overlap", s["overlap"])] + [
            _acc(f"{a} accuracy", v) for a, v in s["attributes"].items()]
    if layer == "attribution":
        rows = [_prf(f"{role} overlap", v["overlap"]) for role, v in s["roles"].items()]
        rows += [_prf(f"triple {mode}", v) for mode, v in s["triples"].items()]
        return rows + [_acc("source_type accuracy", s["attributes"]["source_type"])]
    if layer == "zone":
        return [_acc("char accuracy", s["accuracy"]), _acc("boilerplate vs article accuracy", s["boilerplate"]),
                _prf("char macro", s["macro"])]
    if layer == "sentence":  # check-worthiness of sentences (CheckThat!): F1 of the Yes class
        return [_prf("Yes-class", s["yes"]), _acc("accuracy", s["accuracy"])]
    if layer == "link":
        rows = []
        for kind, v in s.items():
            rows += [_prf(f"{kind} B³", v["b3"]), _prf(f"{kind} CEAF-e", v["ceaf_e"]), _prf(f"{kind} pairs", v["pairs"])]
            rows += [_prf(f"{kind} pairs {rel}", r) for rel, r in v["per_relation"].items() if r["gold"] or r["pred"]]
            if v["relation"]["total"]:
                rows.append(_acc(f"{kind} relation accuracy", v["relation"]))
        return rows
    raise ValueError(f"unknown layer {layer!r}")


def _md_row(cells) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def _per_label_rows(per_label: dict) -> list[tuple]:
    return [(label, fmt(v["precision"]), fmt(v["recall"]), fmt(v["f1"]), v["gold"], v["pred"])
            for label, v in per_label.items() if v["f1"] is not None]


def _validation_line(ev: Evaluation) -> str:
    sub = ev.submission
    if sub.checkthat is not None:
        return f"predictions: a CheckThat! TSV labelling {sub.checkthat} sentences of {len(sub.documents)} documents"
    warnings = Counter(f.code for f in sub.findings if f.severity == "warning")
    line = f"predictions: {len(sub.records)} of {len(sub.documents)} documents, valid"
    if sub.own_clusters:
        line += ", entities as the system's own clusters (no linking accuracy)"
    if warnings:
        line += "; warnings: " + ", ".join(f"{n} {code}" for code, n in sorted(warnings.items()))
    return line


def render_text(ev: Evaluation) -> str:
    """The scores as aligned plain text (the findings instead, when the predictions are invalid)."""
    if not ev.ok:
        return "predictions are not valid; nothing was scored\n" + findings_text(ev.submission.findings)
    lines = [_validation_line(ev)]
    for layer, s in ev.scores.items():
        lines.append(f"\n{layer}")
        lines.append(f"  {'metric':34} {'P':>7} {'R':>7} {'F1/acc':>7}")
        for metric, p, r, f in headline(layer, s):
            lines.append(f"  {metric:34} {fmt(p) if p is not None else '':>7} {fmt(r) if r is not None else '':>7} {fmt(f):>7}")
        if layer in ("mention", "zone"):
            per = s["exact"]["per_label"] if layer == "mention" else s["per_label"]
            rows = _per_label_rows(per)
            if rows:
                lines.append(f"  {'per label' + (' (exact)' if layer == 'mention' else ' (characters)'):34}"
                             f" {'P':>7} {'R':>7} {'F1':>7} {'gold':>7} {'pred':>7}")
                lines += [f"    {lb:32} {p:>7} {r:>7} {f:>7} {g:>7} {n:>7}" for lb, p, r, f, g, n in rows]
    return "\n".join(lines) + "\n"


def render_json(ev: Evaluation) -> str:
    """Validity, findings and every score as JSON."""
    findings = orjson.loads(findings_json(ev.submission.findings))
    out = {"valid": ev.ok, "documents": list(ev.submission.documents), **findings, "scores": ev.scores}
    return orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n"


def render_markdown(ev: Evaluation) -> str:
    """The scores as Markdown tables, one per layer."""
    if not ev.ok:
        return "Predictions are not valid; nothing was scored.\n\n```\n" + findings_text(ev.submission.findings) + "```\n"
    out = [_validation_line(ev).capitalize() + ".", ""]
    for layer, s in ev.scores.items():
        out += [f"### {layer}", "", _md_row(("metric", "precision", "recall", "F1 / accuracy")), "|---|---:|---:|---:|"]
        out += [_md_row((m, "" if p is None else fmt(p), "" if r is None else fmt(r), fmt(f)))
                for m, p, r, f in headline(layer, s)]
        out.append("")
    return "\n".join(out)


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}


def results_table(results: dict[str, dict]) -> str:
    """The Markdown results table of several systems: ``{system: {layer: scores}}``, baseline × layer × metric.

    >>> from kashcorpus.evaluate.metrics import prf, accuracy
    >>> print(results_table({"x": {"zone": {"accuracy": accuracy(1, 2), "boilerplate": accuracy(2, 2), "macro": prf(1, 1, 1)}}}))
    | baseline | layer | metric | precision | recall | F1 / accuracy |
    |---|---|---|---:|---:|---:|
    | x | zone | char accuracy |  |  | 0.500 |
    | x | zone | boilerplate vs article accuracy |  |  | 1.000 |
    | x | zone | char macro | 1.000 | 1.000 | 1.000 |
    <BLANKLINE>
    """
    rows = [_md_row(TABLE_HEAD), "|---|---|---|---:|---:|---:|"]
    for system, layers in results.items():
        for layer, s in layers.items():
            for metric, p, r, f in headline(layer, s):
                rows.append(_md_row((system, layer, metric, "" if p is None else fmt(p), "" if r is None else fmt(r), fmt(f))))
    return "\n".join(rows) + "\n"

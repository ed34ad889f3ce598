"""Rendering agreement reports: summary rows, text, Markdown, and the generated blocks of the docs."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from collections.abc import Sequence

from ..gendocs import between, markers, replace_between
from ..io import read_text
from ..model import CLAIM_ATTRIBUTES
from .compare import LAYERS

REPORT_BLOCK, SUMMARY_BLOCK = "agreement-report", "agreement"  # generated blocks (kashcorpus.gendocs)


# -- rendering ------------------------------------------------------------------

def _f(x) -> str:
    return "–" if x is None else f"{x:.3f}"


def summary_rows(report: dict) -> list[tuple[str, ...]]:
    """Rows of the summary table: what, items a/b, exact F1, overlap F1, agreement on matched items, kappa, alpha."""
    L = report["layers"]
    rows: list[tuple[str, ...]] = []
    for layer in ("zone", "mention"):
        s, lab = L[layer]["spans"], L[layer]["label"]
        rows.append((f"{layer} spans, label", f"{s['exact']['a']} / {s['exact']['b']}", _f(s["exact"]["f1"]),
                     _f(s["overlap"]["f1"]), _f(lab["accuracy"]), _f(lab["kappa"]),
                     f"{_f(L[layer]['alpha']['alpha'])} ({L[layer]['alpha']['unit']})"))
    rows += linking_rows(L["linking"])
    s = L["claim"]["spans"]
    rows.append(("claim spans", f"{s['exact']['a']} / {s['exact']['b']}", _f(s["exact"]["f1"]), _f(s["overlap"]["f1"]),
                 "", "", ""))
    for k, v in L["claim"]["attributes"].items():
        rows.append((f"claim {k}", f"{v['n']} matched", "", "", _f(v["accuracy"]), _f(v["kappa"]), ""))
    t = L["attribution"]["triples"]
    rows.append(("attribution triples", f"{t['exact']['a']} / {t['exact']['b']}", _f(t["exact"]["f1"]),
                 _f(t["overlap"]["f1"]), "", "", ""))
    for role, v in L["attribution"]["roles"].items():
        rows.append((f"attribution {role}", f"{v['exact']['a']} / {v['exact']['b']}", _f(v["exact"]["f1"]),
                     _f(v["overlap"]["f1"]), "", "", ""))
    for k, v in L["attribution"]["attributes"].items():
        rows.append((f"attribution {k}", f"{v['n']} matched", "", "", _f(v["accuracy"]), _f(v["kappa"]), ""))
    return rows


HEAD = ("layer", "items a / b", "exact F1", "overlap F1", "agreement", "kappa", "alpha")
LINKING_METRICS = (("b_cubed", "B³"), ("ceaf_e", "CEAF-e"), ("muc", "MUC"))


def linking_rows(lk: dict) -> list[tuple[str, ...]]:
    """Summary rows of entity linking: F1 of B³, CEAF-e and MUC over all mentions (exact-span identity) and over
    the mentions both layers annotate (in the ``exact F1`` column), or one row saying a layer links nothing."""
    if lk["all_mentions"] is None:
        side = "a" if not lk["linked_a"] else "b"
        return [("entity linking", f"{lk['linked_a']} / {lk['linked_b']} linked", "", "", f"not compared: {side} links no mention", "", "")]
    rows: list[tuple[str, ...]] = []
    for key, name in LINKING_METRICS:
        rows.append((f"entity linking {name}, all mentions", f"{lk['mentions_a']} / {lk['mentions_b']}",
                     _f(lk["all_mentions"][key]["f1"]), "", "", "", ""))
    for key, name in LINKING_METRICS:
        rows.append((f"entity linking {name}, same mentions", f"{lk['common']} / {lk['common']}",
                     _f(lk["same_mentions"][key]["f1"]), "", "", "", ""))
    return rows


def to_summary_markdown(report: dict) -> str:
    """The summary table in Markdown (the data card's agreement block)."""
    lines = [f"Agreement of `{report['b']}` against `{report['a']}` on {len(report['documents'])} documents "
             f"({', '.join(report['documents'])}); {len(report['disagreements'])} disagreements. "
             "Computed by `kashcorpus agree`; full report in docs/agreement.md.", "",
             "| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    lines += ["| " + " | ".join(row) + " |" for row in summary_rows(report)]
    return "\n".join(lines) + "\n"


def to_text(report: dict) -> str:
    rows = [HEAD, *summary_rows(report)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEAD))]
    out = [f"agreement of {report['b']} against {report['a']} on {len(report['documents'])} documents: "
           f"{', '.join(report['documents'])}"]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    counts = Counter((d["layer"], d["kind"]) for d in report["disagreements"])
    settled = f" ({report['decided']} settled by adjudication)" if report.get("decided") else ""
    out.append(f"{len(report['disagreements'])} disagreements{settled}: "
               + ", ".join(f"{layer} {kind} {n}" for (layer, kind), n in sorted(counts.items())))
    return "\n".join(out) + "\n"


def _clip(text: str, limit: int = 100) -> str:
    text = text.replace("\r", "␍").replace("\n", "⏎")
    return text if len(text) <= limit else text[: limit // 2 - 2] + " … " + text[-(limit // 2 - 2):]


def _span_md(s: dict | None) -> str:
    return "—" if s is None else f"[{s['start']}, {s['end']}) “{_clip(s['text'])}”"


def reading_md(r: dict | None, layer: str) -> str:
    """One reading of a disagreement in Markdown."""
    if r is None:
        return "(none)"
    if layer == "attribution":
        return (f"source {_span_md(r['source'])} ({r['source_type']}, {r['nested']}); "
                f"cue {_span_md(r['cue'])}; content {_span_md(r['content'])}")
    if layer == "claim":
        return f"{_span_md(r)} {' / '.join(r[k] for k in CLAIM_ATTRIBUTES)}"
    return f"{_span_md(r)} {r['label']}"


def linking_markdown(lk: dict, h: str) -> list[str]:
    """The entity-linking section of the full report: the scores and every cluster the two layers draw differently."""
    out = [f"{h} Entity linking", ""]
    if lk["all_mentions"] is None:
        return out + [f"Not compared: {'a' if not lk['linked_a'] else 'b'} links no mention to an entity "
                      f"({lk['linked_a']} / {lk['linked_b']} mentions linked)."]
    out += ["Entity linking is scored as clustering of mentions, as coreference and cross-document entity "
            "linking evaluations do, so the two layers' registries need not share ids: the mentions each layer "
            "links to one entity form a cluster (a mention without an entity is a cluster of its own), across "
            "all documents. MUC counts links, B³ averages over mentions, CEAF-e aligns entities one to one "
            "(phi4); CoNLL F1 is their mean. *All mentions*: every mention of each layer, the same mention when "
            "its span is the same (so mention detection counts too); *same mentions*: only the "
            f"{lk['common']} mentions both layers annotate with the same span (linking alone).", "",
            "| mentions | metric | precision | recall | F1 |", "|---|---|---|---|---|"]
    for which, label in (("all_mentions", f"all ({lk['mentions_a']} / {lk['mentions_b']})"),
                         ("same_mentions", f"same ({lk['common']})")):
        sc = lk[which]
        for key, name in LINKING_METRICS:
            m = sc[key]
            out.append(f"| {label} | {name} | {_f(m['precision'])} | {_f(m['recall'])} | {_f(m['f1'])} |")
        out.append(f"| {label} | CoNLL F1 | | | {_f(sc['conll_f1'])} |")
    splits = [d for d in lk["differences"] if d["kind"] == "split"]
    merges = [d for d in lk["differences"] if d["kind"] == "merge"]
    if not splits and not merges:
        return out + ["", "On the same mentions the two layers draw the same clusters: no entity of a is split over "
                      "several entities of b, and no entity of b joins mentions of several entities of a."]
    out += ["", f"On the same mentions, {len(splits)} entities of a are split over several entities of b and "
            f"{len(merges)} entities of b join mentions of several entities of a:", ""]
    for d in lk["differences"]:
        side, other = ("a", "b") if d["kind"] == "split" else ("b", "a")
        parts = "; ".join(f"{other} `{p['entity']}`: " + ", ".join(
            f"{m['doc']} [{m['start']}, {m['end']}) “{_clip(m['text'], 60)}”" for m in p["mentions"])
            if p["entity"] is not None else f"{other} unlinked: " + ", ".join(
            f"{m['doc']} [{m['start']}, {m['end']}) “{_clip(m['text'], 60)}”" for m in p["mentions"])
            for p in d["parts"])
        out.append(f"- {d['kind']} of {side} `{d['entity']}` — {parts}")
    return out


def to_markdown(report: dict, level: int = 2) -> str:
    """The full report: the figures per layer and every disagreement with both readings (headings at ``level``)."""
    L = report["layers"]
    h = "#" * level
    out = [f"{h} Figures", "", to_summary_markdown(report).rstrip("\n"), "",
           "Spans: precision is the second layer against the first, F1 is symmetric; *exact* needs the same "
           "offsets, *overlap* pairs spans that share at least one character (one-to-one, as many pairs as "
           "possible, then the closest). Label, attribute and kappa figures are on the overlap-matched pairs. "
           "Alpha is Krippendorff's nominal alpha over every character (zones) or token (mentions; `O` outside "
           "mentions). Attribution triples match when source, cue and content each overlap (or are absent in "
           "both); `nested` compares whether an attribution has a parent.", ""]
    out += ["| span counts | items a | items b | exact matched | exact P | exact R | overlap matched | overlap P | overlap R |",
            "|---|---|---|---|---|---|---|---|---|"]
    span_sets = [("zone", L["zone"]["spans"]), ("mention", L["mention"]["spans"]), ("claim", L["claim"]["spans"]),
                 ("attribution triples", L["attribution"]["triples"])]
    span_sets += [(f"attribution {r}", v) for r, v in L["attribution"]["roles"].items()]
    for name, s in span_sets:
        e, o = s["exact"], s["overlap"]
        out.append(f"| {name} | {e['a']} | {e['b']} | {e['matched']} | {_f(e['precision'])} | {_f(e['recall'])} "
                   f"| {o['matched']} | {_f(o['precision'])} | {_f(o['recall'])} |")
    out += ["", *linking_markdown(L["linking"], h)]
    out += ["", f"{h} Disagreements", "",
            f"Every difference between `{report['a']}` (a) and `{report['b']}` (b), by layer, document and offset. "
            "Kinds: `only-a` / `only-b` (no overlapping counterpart), `boundary` (overlapping, different offsets), "
            "a label or attribute name (different value), a role name (that role's span differs).", ""]
    for layer in LAYERS:
        items = [d for d in report["disagreements"] if d["layer"] == layer]
        out += [f"{h}# {layer} ({len(items)})", ""]
        for d in items:
            out.append(f"- {d['doc']} · {d['kind']}  ")
            out.append(f"  a: {reading_md(d['a'], layer)}  ")
            out.append(f"  b: {reading_md(d['b'], layer)}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def to_markdown_all(reports: Sequence[dict]) -> str:
    """The full report of several passes: one section per pass, each with its figures and disagreements."""
    return "\n".join(f"## `{r['b']}` against `{r['a']}`\n\n{to_markdown(r, level=3)}" for r in reports)


def to_summary_markdown_all(reports: Sequence[dict]) -> str:
    """The summary tables of several passes, one after the other (the data card's agreement block)."""
    return "\n".join(to_summary_markdown(r) for r in reports)


def write_report(path: Path, report: dict | Sequence[dict]) -> str:
    """Write the report into ``path``: the full report between report markers, or the summary between the
    data card's agreement markers; a new file gets the report markers. ``report`` is one report or a list
    of reports (one per pass, see :func:`agreements`). Returns which block was written."""
    from ..io import atomic_write

    path = Path(path)
    if isinstance(report, dict):
        full, summary = to_markdown(report), to_summary_markdown(report)
    else:
        full, summary = to_markdown_all(report), to_summary_markdown_all(report)
    if not path.exists():
        start, end = markers(REPORT_BLOCK)
        body = f"# Agreement\n\n{start}\n{full}{end}\n"
        atomic_write(path, body.encode("utf-8"))
        return "report"
    current = read_text(path)
    if between(current, REPORT_BLOCK) is not None:
        new, kind = replace_between(current, REPORT_BLOCK, full), "report"
    elif between(current, SUMMARY_BLOCK) is not None:
        new, kind = replace_between(current, SUMMARY_BLOCK, summary), "summary"
    else:
        raise ValueError("no agreement markers")
    if new != current:
        atomic_write(path, new.encode("utf-8"))
    return kind

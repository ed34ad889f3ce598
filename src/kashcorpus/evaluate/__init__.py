"""Scoring a system's predictions against the gold annotations, layer by layer (``evaluate``, ``score``)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterable

from ..errors import PredictionsError
from .layers import LAYERS, attribution_scores, claim_scores, link_scores, mention_scores, zone_scores
from .submission import Gold, Submission, load_gold, load_submission

__all__ = ["LAYERS", "SENTENCE", "Evaluation", "evaluate", "is_checkthat", "score", "load_gold", "load_submission", "Gold", "Submission"]


@dataclass
class Evaluation:
    """The validated submission and, when it is valid, its scores per layer."""

    submission: Submission
    scores: dict

    @property
    def ok(self) -> bool:
        return self.submission.ok


def score(gold: Gold, submission: Submission, layers: Iterable[str] = LAYERS) -> dict:
    """Score a (valid) submission against ``gold`` on each of ``layers``.

    Documents without predictions count as predicted empty; a single-file submission is scored
    against its own document only.

    >>> from kashcorpus.resources import data_root
    >>> gold = load_gold(data_root())
    >>> sub = load_submission(data_root() / "annotations" / "gold", data_root(), gold)
    >>> sorted(score(gold, sub, ["mention"]))
    ['mention']
    """
    docs = submission.documents

    def pairs(kind: str):
        return {d: (gold.documents[d].layer(kind), [r for r in submission.records.get(d, []) if r["type"] == kind])
                for d in docs}

    out: dict = {}
    for layer in layers:
        if layer == "mention":
            out[layer] = mention_scores(pairs("mention"), own_clusters=submission.own_clusters)
        elif layer == "claim":
            out[layer] = claim_scores(pairs("claim"))
        elif layer == "attribution":
            out[layer] = attribution_scores(pairs("attribution"))
        elif layer == "zone":
            out[layer] = zone_scores(pairs("zone"), {d: len(gold.documents[d].text) for d in docs})
        elif layer == "link":
            gold_records = {d: list(gold.documents[d].records) for d in docs}
            members = {d for lk in gold.links for m in lk["members"] for d in [m.split("#", 1)[0]]}
            gold_links = gold.links if members <= set(docs) else [
                {**lk, "members": [m for m in lk["members"] if m.split("#", 1)[0] in docs]} for lk in gold.links]
            out[layer] = link_scores(gold_links, gold_records, submission.links or [], submission.records)
        else:
            raise ValueError(f"unknown layer {layer!r}; one of {', '.join(LAYERS)}")
    return out


SENTENCE = "sentence"  # check-worthiness of the claim-zone sentences, scored from a CheckThat! TSV


def is_checkthat(predictions: Path) -> bool:
    """Whether ``predictions`` is a CheckThat! TSV (a file named ``*.tsv``)."""
    return predictions.suffix.lower() == ".tsv" and predictions.is_file()


def evaluate(predictions: Path | str, gold_root: Path | str, layers: Iterable[str] | None = None,
             own_clusters: bool = False) -> Evaluation:
    """Validate ``predictions`` and score them against the gold annotations at ``gold_root``.

    ``layers=None`` scores the layers the predictions hold (every layer when they hold nothing).
    Invalid predictions are not scored: ``scores`` is empty and ``submission.findings`` says why.
    A CheckThat! TSV (``*.tsv``) is scored on the ``sentence`` layer (F1 of the Yes class). With
    ``own_clusters`` the mentions' ``entity`` values are the system's own clusters (scored by MUC, B³ and
    CEAF-e, with no linking accuracy). Predictions that cannot be read at all (none found, a TSV that is not
    one) raise :class:`~kashcorpus.errors.PredictionsError`.

    >>> from kashcorpus.resources import data_root
    >>> ev = evaluate(data_root() / "annotations" / "gold", data_root(), ["zone"])
    >>> ev.ok
    True
    """
    predictions = Path(predictions)
    gold = load_gold(gold_root)
    if is_checkthat(predictions):
        from .checkworthy import checkworthy_scores, gold_labels, read_predictions

        if layers is not None and set(layers) != {SENTENCE}:
            raise PredictionsError("layer-not-predicted", f"{predictions.name} is a CheckThat! TSV: it holds the "
                                                          f"{SENTENCE} layer only; score it without --layer or "
                                                          f"with --layer {SENTENCE}")
        labels = gold_labels(gold)
        predicted = read_predictions(predictions, labels)
        sub = Submission({}, None, [], tuple(sorted(gold.documents)), checkthat=len(predicted))
        return Evaluation(sub, {SENTENCE: checkworthy_scores(labels, predicted)})
    if layers is not None and SENTENCE in layers:
        raise PredictionsError("layer-not-predicted", f"the {SENTENCE} layer is scored from a CheckThat! TSV "
                                                      "(kashcorpus export checkthat's layout), not from annotation files")
    sub = load_submission(predictions, gold_root, gold, own_clusters)
    if not sub.ok:
        return Evaluation(sub, {})
    if layers is None:
        held = sub.layers()
        layers = [layer for layer in LAYERS if layer in held] or list(LAYERS)
    return Evaluation(sub, score(gold, sub, layers))

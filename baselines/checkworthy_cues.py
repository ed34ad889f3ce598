"""Baseline: check-worthiness of sentences (CLEF CheckThat! Task 1 layout) from lexical cues.

A sentence of a body or standfirst zone is ``Yes`` when it has a number, a reporting-verb cue
(baselines/data/reporting_verbs.txt, the attribution baseline's lexicon) or a capitalised word that does
not start it (a name); otherwise ``No``. It reads only the sentences' text, as a CheckThat! system
would: ``kashcorpus export checkthat`` gives the input, and the gold labels are only used for scoring.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, data_lines  # noqa: E402

from kashcorpus.convert.checkthat import Row, serialise  # noqa: E402
from kashcorpus.convert.common import load_documents  # noqa: E402
from kashcorpus.convert.checkthat import to_rows  # noqa: E402
from kashcorpus.io import atomic_write  # noqa: E402

NAME = "checkworthy-cue-rules"
LAYERS = ("sentence",)
DESCRIPTION = ("CheckThat! Task 1 layout (kashcorpus export checkthat): a sentence is Yes when it has a number, a "
               "reporting-verb cue (baselines/data/reporting_verbs.txt) or a capitalised word after its first; "
               "scored as F1 of the Yes class")
PREDICTIONS = "checkworthy.tsv"
_WORD = re.compile(r"[^\W\d_][\w’'-]*")


class Rules:
    def __init__(self) -> None:
        cues = data_lines("reporting_verbs.txt")
        self.cue = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in sorted(cues, key=lambda c: (-len(c), c)))
                              + r")\b", re.IGNORECASE)

    def checkworthy(self, text: str) -> bool:
        """The rule on one sentence.

        >>> r = Rules()
        >>> r.checkworthy("The conference was held in Rawalakot."), r.checkworthy("it was cold and grey.")
        (True, False)
        """
        if any(c.isdigit() for c in text) or self.cue.search(text):
            return True
        words = _WORD.findall(text)
        return any(w[0].isupper() for w in words[1:])


def gold_rows(root: Path) -> list[Row]:
    """The gold CheckThat! rows of the corpus at ``root`` (what ``kashcorpus export checkthat`` writes)."""
    return [row for d in load_documents(root) for row in to_rows(d)]


def run(root: Path, out: Path, rules) -> Path:
    """Label every gold sentence by ``rules.checkworthy``; write ``out/checkworthy.tsv`` in the CheckThat! layout."""
    rows = [Row(r.sentence_id, r.text, "Yes" if rules.checkworthy(r.text) else "No") for r in gold_rows(root)]
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / PREDICTIONS, serialise(rows).encode("utf-8"))
    return out


def predictor(root: Path) -> Rules:
    return Rules()


def score(root: Path, folder: Path) -> dict[str, dict]:
    """CheckThat!'s measure, F1 of the Yes class (with its precision and recall), and accuracy: what
    ``kashcorpus evaluate <folder>/checkworthy.tsv`` prints."""
    from kashcorpus.evaluate import evaluate

    return evaluate(folder / PREDICTIONS, root).scores


if __name__ == "__main__":
    import argparse

    p = argparse.ArgumentParser(prog=f"baselines/{Path(__file__).name}", description=__doc__.splitlines()[0])
    p.add_argument("--root", type=Path, default=ROOT, help="corpus checkout (default: this repository)")
    p.add_argument("--out", type=Path, default=ROOT / "dist" / "baselines" / NAME, help="predictions folder")
    args = p.parse_args()
    print(run(args.root, args.out, Rules()).as_posix())

"""Reference for the check-worthiness baseline: every sentence ``Yes`` (the CheckThat! layout, F1 of the Yes class).

What a system must beat on this corpus, where most sentences of the claim zones hold a check-worthy claim.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import checkworthy_cues  # noqa: E402

NAME = "checkworthy-all-yes"
LAYERS = ("sentence",)
DESCRIPTION = "CheckThat! Task 1 layout: every sentence Yes (the majority class); the score a rule must beat"
PREDICTIONS = checkworthy_cues.PREDICTIONS


class AllYes:
    def checkworthy(self, text: str) -> bool:
        return True


def predictor(root: Path) -> AllYes:
    return AllYes()


def run(root: Path, out: Path, rules: AllYes) -> Path:
    return checkworthy_cues.run(root, out, rules)


def score(root: Path, folder: Path) -> dict[str, dict]:
    return checkworthy_cues.score(root, folder)


if __name__ == "__main__":
    import argparse

    p = argparse.ArgumentParser(prog=f"baselines/{Path(__file__).name}", description=__doc__.splitlines()[0])
    p.add_argument("--root", type=Path, default=checkworthy_cues.ROOT, help="corpus checkout (default: this repository)")
    p.add_argument("--out", type=Path, default=checkworthy_cues.ROOT / "dist" / "baselines" / NAME,
                   help="predictions folder")
    args = p.parse_args()
    print(run(args.root, args.out, AllYes()).as_posix())

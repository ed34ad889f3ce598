"""Baseline: cross-document entity coreference by string, over the gold mentions (mention spans are given).

Each gold mention keeps its span and label and gets the system's own cluster id: its label and its text
case-folded, without a leading "the" and a trailing possessive, as an id (``org-hamas``). Mentions with the same
id form one cluster across documents. No registry is read: the ids are scored as clusters (``kashcorpus evaluate
--own-clusters``: MUC, B³, CEAF-e), never compared with the registry's.
"""
from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cli  # noqa: E402

from kashcorpus.corpus import DocumentRecords  # noqa: E402

NAME = "coref-same-string"
LAYERS = ("mention",)
OWN_CLUSTERS = True
DESCRIPTION = ("Gold mentions given; mentions of one label whose text is the same (case-folded, without a leading "
               "\"the\" and a trailing 's) are one cluster across documents (the system's own cluster ids)")
MAX_ID = 96


def cluster_id(label: str, text: str) -> str:
    """The cluster of a mention: its label and its normalised text as a registry-shaped id.

    >>> cluster_id("ORG", "the Hamas’s"), cluster_id("ORG", "HAMAS"), cluster_id("GPE", "Pakistan-occupied Kashmir")
    ('org-hamas', 'org-hamas', 'gpe-pakistan-occupied-kashmir')
    """
    norm = " ".join(text.casefold().split())
    norm = re.sub(r"^the\s+", "", norm)
    norm = re.sub(r"[’']s$", "", norm)
    ascii_ = unicodedata.normalize("NFKD", norm).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_))
    if not slug or len(slug) > MAX_ID - 20:
        slug = (slug[:MAX_ID - 30].strip("-") + "-" if slug else "") + hashlib.sha256(norm.encode()).hexdigest()[:8]
    return f"{label.lower()}-{slug}"


def predict(doc: DocumentRecords) -> list[dict]:
    return [{"type": "mention", "start": m["start"], "end": m["end"], "text": m["text"], "label": m["label"],
             "entity": cluster_id(m["label"], m["text"])} for m in doc.layer("mention")]


def predictor(root: Path):
    return predict


if __name__ == "__main__":
    cli(NAME, __doc__.splitlines()[0], predictor)

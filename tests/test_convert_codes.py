"""Every converter code of the catalogue, produced by a real input: the brat tutorial, the Label Studio example
export (edited as annotators edit them) and exports of the corpus itself."""
from __future__ import annotations

import copy
from pathlib import Path
from collections.abc import Callable

import orjson
import pytest

from kashcorpus.convert.brat import from_brat, import_folder, to_brat
from kashcorpus.convert.common import Annotated, carry, load_documents
from kashcorpus.convert.conll import export_corpus as export_conll
from kashcorpus.convert.conll import to_conll
from kashcorpus.convert.labelstudio import from_labelstudio, import_tasks
from kashcorpus.convert.spacy import to_spacy
from kashcorpus.resources import conversion_codes

FIXTURES = Path(__file__).parent / "fixtures"
BRAT = FIXTURES / "brat" / "nlplab-brat_tutorial-news"
LSF = FIXTURES / "labelstudio" / "lsf_named_entity" / "annotations_1.json"


def tutorial(edit: Callable[[str], str] = lambda ann: ann, label_map: dict | None = None):
    """The brat tutorial's document, its .ann edited by ``edit``, read back."""
    text = (BRAT / "000-introduction.txt").read_bytes().decode("utf-8")
    ann = edit((BRAT / "000-introduction.ann").read_bytes().decode("utf-8"))
    return from_brat(text, ann, "intro", label_map or {"Person": "PER", "Organization": "ORG"}).problems


def lsf(edit: Callable[[dict], None] = lambda task: None):
    """The Label Studio example export (one task, one annotation), edited by ``edit``, read back."""
    task = orjson.loads(LSF.read_bytes())
    text = task["data"]["text"]
    edit(task)
    return [p for got in from_labelstudio(task, text, "lsf") for p in got.problems]


def lsf_region(task: dict) -> dict:
    return task["annotations"][0]["result"][0]


def corpus_doc(repo_root: Path, doc: str = "kash-003") -> Annotated:
    (d,) = load_documents(repo_root, [doc])
    return d


def _second_annotation(task: dict) -> None:
    task["annotations"][0]["completed_by"] = {"id": 7, "email": "ann.lee@example.org"}
    again = copy.deepcopy(task["annotations"][0])
    again.update(id=f"{again['id']}-again", updated_at="2099-01-01T00:00:00Z")
    task["annotations"].append(again)


def _claim_without_choices(task: dict) -> None:
    lsf_region(task).update(from_name="claim", value={**lsf_region(task)["value"], "labels": ["claim"]})


CASES: dict[str, Callable[[Path, Path], list]] = {
    "import-bad-line": lambda repo, tmp: tutorial(lambda a: a + "X1\tsomething brat has no line kind for\n"),
    "import-discontinuous-span": lambda repo, tmp: tutorial(lambda a: a.replace("T7\tGPE 549 560", "T7\tGPE 549 552;553 560")),
    "import-span-mismatch": lambda repo, tmp: tutorial(lambda a: a.replace("T1\tOrganization 418 426", "T1\tOrganization 419 427")),
    "import-unknown-label": lambda repo, tmp: tutorial(),
    "import-unknown-relation": lambda repo, tmp: tutorial(),
    "import-unknown-event": lambda repo, tmp: tutorial(),
    "import-unknown-attribute": lambda repo, tmp: tutorial(),
    "import-unknown-normalisation": lambda repo, tmp: tutorial(),
    "import-dangling-reference": lambda repo, tmp: tutorial(),
    "import-bad-event": lambda repo, tmp: tutorial(lambda a: a + "E9\tAttribution:T1 Source:T6\n"),
    "import-orphan-span": lambda repo, tmp: tutorial(lambda a: a.replace("T7\tGPE 549 560", "T7\tSource 549 560")),
    "import-duplicate-attribute": lambda repo, tmp: tutorial(lambda a: a + "N9\tReference T6 kashcorpus:banks\tbanks\n"
                                                                         "N10\tReference T6 kashcorpus:banks-again\tbanks\n"),
    "import-incomplete": lambda repo, tmp: tutorial(lambda a: a + "T9\tClaim 418 426\tCitibank\n"),
    "import-unknown-result": lambda repo, tmp: lsf(lambda t: lsf_region(t).update(type="rating")),
    "import-not-a-region": lambda repo, tmp: lsf(lambda t: t["annotations"][0]["result"].append("not a region")),
    "import-duplicate-region": lambda repo, tmp: lsf(lambda t: t["annotations"][0]["result"].append(copy.deepcopy(lsf_region(t)))),
    "import-ambiguous": lambda repo, tmp: lsf(lambda t: lsf_region(t)["value"].update(labels=["Person", "Organization"])),
    "import-span-out-of-range": lambda repo, tmp: lsf(lambda t: lsf_region(t)["value"].update(start=10**6, end=10**6 + 5)),
    "import-depends-on-rejected": lambda repo, tmp: lsf_relations(repo),
    "import-cancelled": lambda repo, tmp: lsf(lambda t: t["annotations"][0].update(was_cancelled=True)),
    "import-repeated-annotation": lambda repo, tmp: lsf(_second_annotation),
    "import-several-annotations": lambda repo, tmp: corpus_tasks(repo, _two_annotators, as_layer="gold"),
    "import-document-by-text": lambda repo, tmp: corpus_tasks(repo, lambda t: t["data"].update(doc="kash-3")),
    "import-duplicate-id": lambda repo, tmp: tutorial(lambda a: a + "T6\tOrganization 418 426\tCitibank\n"),
    "import-text-differs": lambda repo, tmp: lsf(lambda t: t["data"].update(text=t["data"]["text"] + " (edited)")),
    "import-unknown-document": lambda repo, tmp: import_tasks(repo, [orjson.loads(LSF.read_bytes())]).problems,
    "import-layer-exists": lambda repo, tmp: brat_round_trip(repo, tmp),
    "import-gold-moved-on": lambda repo, tmp: brat_round_trip(repo, tmp, replace=True),
    "import-span-edited": lambda repo, tmp: carry("Hamas met in PoK.", "Hamas met in Lahore.", [
        {"type": "mention", "id": "m1", "start": 13, "end": 16, "text": "PoK", "label": "LOC", "entity": None}],
        "d", "d.ann")[1],
    "export-misaligned": lambda repo, tmp: to_spacy(corpus_doc(repo), "strict")[1] + to_conll(corpus_doc(repo), "strict")[1],
    "export-no-token": lambda repo, tmp: to_conll(Annotated("d", "Lashkar-e-Taiba", [
        {"type": "mention", "id": "m1", "start": 2, "end": 5, "text": "shk", "label": "ORG", "entity": None}]), "contract")[1],
    "export-overlap": lambda repo, tmp: to_conll(nested(repo))[1] + to_spacy(nested(repo))[1],
    "export-label-unmapped": lambda repo, tmp: export_conll(repo, None, ["kash-003"], labels="conll2003").problems,
    "export-note-unrepresentable": lambda repo, tmp: to_brat(Annotated("d", "Hamas met", [
        {"type": "mention", "id": "m1", "start": 0, "end": 5, "text": "Hamas", "label": "ORG", "entity": None,
         "note": "first line\nsecond line"}]))[1],
}


def nested(repo: Path) -> Annotated:
    """kash-003 with a place name and the country name inside it as two mentions."""
    d = corpus_doc(repo)
    whole = d.text.index("Pakistan-occupied Kashmir")
    spans = [(whole, whole + len("Pakistan-occupied Kashmir"), "LOC"), (whole, whole + len("Pakistan"), "GPE")]
    return Annotated(d.doc, d.text, [{"type": "mention", "id": f"m{k}", "start": s, "end": e, "text": d.text[s:e],
                                      "label": label, "entity": None} for k, (s, e, label) in enumerate(spans, 1)])


def lsf_relations(repo: Path) -> list:
    """A claim of the corpus sent to Label Studio with its attribution, whose content region an annotator broke."""
    from kashcorpus.convert.labelstudio import to_labelstudio

    d = corpus_doc(repo)
    attribution = next(r for r in d.records if r["type"] == "attribution" and any(
        c.get("attribution") == r["id"] for c in d.records if c["type"] == "claim"))
    task = to_labelstudio(d)
    task["annotations"] = [{"id": 1, "completed_by": 1, "result": task.pop("predictions")[0]["result"]}]
    content = next(x for x in task["annotations"][0]["result"] if x.get("id") == attribution["id"]
                   and x.get("type") == "labels")
    content["value"]["start"] += 1
    return [p for got in from_labelstudio(task, d.text, d.doc) for p in got.problems]


def corpus_tasks(repo: Path, edit: Callable[[dict], None], **options) -> list:
    """kash-003 sent to Label Studio, its predictions accepted by one annotator, edited by ``edit``, imported."""
    from kashcorpus.convert.labelstudio import to_labelstudio

    task = to_labelstudio(corpus_doc(repo))
    task["annotations"] = [{"id": 1, "completed_by": {"id": 1, "email": "ann.lee@example.org"},
                            "result": task.pop("predictions")[0]["result"], "was_cancelled": False}]
    edit(task)
    return import_tasks(repo, [task], replace=True, **options).problems


def _two_annotators(task: dict) -> None:
    task["annotations"].append(dict(copy.deepcopy(task["annotations"][0]), id=2,
                                    completed_by={"id": 2, "email": "k.rao@example.org"}))


def brat_round_trip(repo: Path, tmp: Path, replace: bool = False) -> list:
    """The corpus written as a brat folder (without the state an export records) and imported back into gold,
    which already has annotations."""
    from kashcorpus.convert.brat import write_folder

    write_folder(tmp / "brat", load_documents(repo, ["kash-000"]))
    return import_folder(repo, tmp / "brat", replace=replace).problems


def test_every_converter_code_of_the_catalogue_has_a_case_and_every_case_a_code():
    assert sorted(set(conversion_codes()) - set(CASES)) == [], "converter codes without a test case"
    assert sorted(set(CASES) - set(conversion_codes())) == [], "cases for codes the catalogue does not list"


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_converter_code_is_reported_for_its_real_input(code, repo_root, tmp_path):
    problems = CASES[code](repo_root, tmp_path)
    assert code in {p.code for p in problems}, [str(p) for p in problems]
    for p in problems:
        assert p.code in conversion_codes() and p.message and str(p).count(p.code) >= 1


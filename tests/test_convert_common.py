"""Planning an import: ids for records that have none."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kashcorpus.convert.common import assign_ids
from kashcorpus.model import ID_PREFIX

TYPES = sorted(ID_PREFIX)
ids = st.one_of(st.none(), st.sampled_from(["m1", "m2", "c1", "z3", "a2", "m0", "x1", "m01"]),
                st.builds(lambda t, n: f"{ID_PREFIX[t]}{n}", st.sampled_from(TYPES), st.integers(1, 50)))
records = st.lists(st.builds(lambda t, i: {"type": t, "id": i}, st.sampled_from(TYPES), ids), max_size=60)


@given(records)
def test_assigned_ids_are_unique_keep_every_usable_id_and_continue_above_the_highest_of_their_type(recs):
    out = assign_ids(recs)
    assert [r["type"] for r in out] == [r["type"] for r in recs]
    assert len({r["id"] for r in out}) == len(out)
    kept = set()
    for before, after in zip(recs, out):
        assert after["id"][0] == ID_PREFIX[after["type"]]
        if after["id"] == before["id"]:
            kept.add(after["id"])
    for before, after in zip(recs, out):
        if after["id"] != before["id"]:
            same_type = [int(k[1:]) for k in kept if k[0] == after["id"][0]]
            assert int(after["id"][1:]) > max(same_type, default=0)


def test_ten_thousand_records_without_ids_get_ids_one_to_ten_thousand():
    out = assign_ids([{"type": "mention", "id": None} for _ in range(10_000)])
    assert [r["id"] for r in out] == [f"m{i}" for i in range(1, 10_001)]


def test_an_import_never_reuses_a_removed_id_and_the_ids_it_leaves_out_become_removed(tmp_path):
    from helpers import build_small_corpus

    from kashcorpus.annotate import remove_span
    from kashcorpus.convert.common import Guard, ImportReport, plan_import
    from kashcorpus.io import read_jsonl
    from kashcorpus.layout import Layout
    from kashcorpus.validate import validate

    root = build_small_corpus(tmp_path / "c")
    path = Layout(root).gold_path("doc-a")
    remove_span(root, "doc-a", "m1")
    kept = [r for r in read_jsonl(path)[1:] if r["id"] != "m2"]  # the import leaves m2 out
    top = max(int(r["id"][1:]) for r in read_jsonl(path)[1:] if r["type"] == "mention")
    text = Layout(root).text_path("doc-a").read_text(encoding="utf-8")
    s = text.index("Alpha Corp")  # m1 of an export made before m1 was removed
    old = {"type": "mention", "id": "m1", "start": s, "end": s + 10, "text": "Alpha Corp", "label": "ORG",
           "entity": "alpha-corp"}
    report = ImportReport()
    # an export of no recorded state into gold that has annotations: taken with --force, as the CLI would
    plan_import(root, {("doc-a", "gold"): kept + [old]}, True, report, Guard(force=True))
    assert report.ok, report.findings
    assert report.notes == [f"doc-a gold: the imported m1 is m{top + 1}: m1 was removed from "
                            "annotations/gold/doc-a.jsonl before, and ids are never reused"]
    report.commit()
    after = read_jsonl(path)
    assert after[0]["removed"] == {"mention": [1, 2]}
    assert {r["id"] for r in after[1:] if r["start"] == s and r["type"] == "mention"} == {f"m{top + 1}"}
    assert validate(root).ok

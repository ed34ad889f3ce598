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

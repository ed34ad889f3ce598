"""The corpus texts are the sources, byte for byte, and the metadata says so."""
from __future__ import annotations

import hashlib

import orjson
import pytest

from helpers import SHARED

from kashcorpus.corpus import iter_documents


def _metadata(root):
    return [orjson.loads(line) for line in (root / "corpus" / "documents.jsonl").read_bytes().splitlines()]


def test_every_text_is_byte_identical_to_its_seed_file(repo_root):
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("the shared seed folder is not beside this checkout")
    metas = _metadata(repo_root)
    assert len(metas) == len(list(seeds.glob("*.txt"))) == 5
    for m in metas:
        ours = (repo_root / "corpus" / "texts" / f"{m['id']}.txt").read_bytes()
        assert ours == (seeds / m["seed_file"]).read_bytes(), m["id"]


def test_metadata_hash_length_and_size_match_each_text(repo_root):
    for m in _metadata(repo_root):
        data = (repo_root / "corpus" / "texts" / f"{m['id']}.txt").read_bytes()
        assert hashlib.sha256(data).hexdigest() == m["sha256"]
        assert len(data) == m["bytes"]
        assert len(data.decode("utf-8")) == m["length"]


def test_unknown_metadata_is_null_with_a_reason_and_known_metadata_has_evidence(repo_root):
    for m in _metadata(repo_root):
        for key in ("title", "publisher", "author", "date"):
            v = m[key]
            if v["value"] is None:
                assert v["reason"] and v["evidence"] is None, (m["id"], key)
            else:
                assert v["evidence"] and v["reason"] is None, (m["id"], key)


def test_no_metadata_record_carries_a_url(repo_root):
    assert b"http" not in (repo_root / "corpus" / "documents.jsonl").read_bytes()


def test_documents_are_read_in_id_order_with_their_texts(repo_root):
    docs = list(iter_documents(repo_root))
    assert [d.id for d in docs] == sorted(d.id for d in docs)
    assert all(len(d.text) == d.meta["length"] for d in docs)

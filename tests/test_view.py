"""The review site: span nesting, escaping, determinism and the pages it writes (no browser)."""
from __future__ import annotations

import html.parser
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kashcorpus.cli import main
from kashcorpus.io import dumps_annotation_file, dumps_line, read_jsonl
from kashcorpus.view import build_site
from kashcorpus.view.collect import page_name, permalink
from kashcorpus.view.markup import Seg, nest, render

from helpers import FIXTURE_ENTITY, PAYLOADS, TEST_DOC, expected_spans, gold_header, make_view_corpus, span_at


# -- reading pages back --------------------------------------------------------------------------

class Spans(html.parser.HTMLParser):
    """Collect the text under every ``data-ref`` element (fragments joined) and all text of one element."""

    def __init__(self, root_id: str | None = "text"):
        super().__init__(convert_charrefs=True)
        self.root_id, self.depth, self.stack, self.refs, self.text = root_id, 0 if root_id else 1, [], {}, []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if self.depth == 0 and a.get("id") == self.root_id:
            self.depth = 1
            self.stack.append(None)
            return
        if self.depth:
            self.stack.append(a.get("data-ref"))

    def handle_endtag(self, tag):
        if self.depth and self.stack:
            self.stack.pop()
            if not self.stack and self.root_id:
                self.depth = 0

    def handle_data(self, data):
        if not self.depth:
            return
        self.text.append(data)
        for ref in {r for r in self.stack if r}:
            self.refs[ref] = self.refs.get(ref, "") + data


def parse(page: str, root_id: str | None = "text") -> Spans:
    p = Spans(root_id)
    p.feed(page)
    return p


# -- nesting -----------------------------------------------------------------------------------

def test_crossing_spans_are_split_into_fragments_that_nest_properly():
    html_ = str(render("abcdef", nest(6, [Seg(0, 4, "a", "x"), Seg(2, 6, "b", "y")])))
    assert html_ == ('<span class="x" data-ref="a">ab<span class="y more" data-ref="b">cd</span></span>'
                     '<span class="y cont" data-ref="b">ef</span>')


def test_a_zone_stays_outermost_even_when_a_longer_span_starts_with_it():
    tree = nest(10, [Seg(0, 10, "c1", "c"), Seg(0, 5, "z1", "z", tier=0), Seg(5, 10, "z2", "z", tier=0)])
    assert [c.seg.ref for c in tree.children] == ["z1", "z2"]


SPANS = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12), st.sampled_from([0, 1]), st.integers(0, 3)), max_size=12)


@given(st.text(alphabet=st.sampled_from("ab <>&\"'\n\r\U0001F600\u00e9"), min_size=1, max_size=40), SPANS)
def test_nested_html_keeps_every_character_and_every_span_text(text, raw):
    segs = [Seg(s, min(s + n, len(text)), f"r{i}", "k", tier=tier, rank=rank)
            for i, (s, n, tier, rank) in enumerate(raw) if s < len(text)]
    page = f'<div id="text">{render(text, nest(len(text), segs))}</div>'
    got = parse(page)
    assert "".join(got.text) == text
    for s in segs:
        assert got.refs[s.ref] == text[s.start:s.end]


def test_page_names_and_permalinks_never_leave_the_site_folder():
    assert page_name("entity", "../../etc/passwd").startswith("entity/x-")
    assert page_name("entity", "javascript:alert(1)").startswith("entity/x-")
    assert permalink("kash-000", "m1") == "doc/kash-000.html#kash-000/m1"


# -- the site ----------------------------------------------------------------------------------

def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_the_site_of_the_corpus_has_an_index_clusters_and_a_page_per_document(repo_root, tmp_path):
    counts = build_site(repo_root, tmp_path / "site")
    files = _files(tmp_path / "site")
    assert {"index.html", "links.html", "assets/site.css", "assets/site.js"} <= set(files)
    docs = [d["id"] for d in read_jsonl(repo_root / "corpus" / "documents.jsonl")]
    assert all(f"doc/{d}.html" in files for d in docs)
    assert counts["documents"] == len(docs)
    index = files["index.html"].decode()
    assert all(f'href="doc/{d}.html"' in index for d in docs)


def test_the_site_is_byte_identical_when_built_twice_and_names_no_machine_path(repo_root, tmp_path):
    build_site(repo_root, tmp_path / "a")
    build_site(repo_root, tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a == b
    for name, data in a.items():
        assert b"/work" not in data and b"/tmp" not in data and b"/root" not in data, name


def test_pages_load_nothing_from_the_network(corpus_copy, tmp_path):
    make_view_corpus(corpus_copy)
    build_site(corpus_copy, tmp_path / "site")
    for name, data in _files(tmp_path / "site").items():
        if name.endswith(".html"):
            refs = re.findall(rb'(?:src|href)="([^"]*)"', data)
            assert not [r for r in refs if re.match(rb"[a-z]+:", r)], name


def test_every_fixture_span_is_drawn_with_its_own_text(corpus_copy, tmp_path):
    records = make_view_corpus(corpus_copy)
    build_site(corpus_copy, tmp_path / "site")
    for doc, recs in records.items():
        page = (tmp_path / "site" / "doc" / f"{doc}.html").read_text(encoding="utf-8")
        got = parse(page)
        assert got.refs == expected_spans(recs), doc
        ids = {a.get("id") for _, a in got.tags}
        assert {f"{doc}/{r['id']}" for r in recs} <= ids


def test_a_span_crossing_a_claim_is_split_and_marked_as_continued(corpus_copy, tmp_path):
    make_view_corpus(corpus_copy)
    build_site(corpus_copy, tmp_path / "site")
    page = (tmp_path / "site" / "doc" / "kash-003.html").read_text(encoding="utf-8")
    frags = [a for t, a in parse(page).tags if a.get("data-ref") == "c2"]
    assert len(frags) >= 2 and "more" in frags[0]["class"] and "cont" in frags[-1]["class"]
    assert sum(1 for a in frags if a.get("id")) == 1


def test_the_entity_page_lists_its_mentions_in_each_document(corpus_copy, tmp_path):
    make_view_corpus(corpus_copy)
    build_site(corpus_copy, tmp_path / "site")
    page = (tmp_path / "site" / "entity" / f"{FIXTURE_ENTITY}.html").read_text(encoding="utf-8")
    for doc in ("kash-003", "kash-004", TEST_DOC):
        assert f'id="in-{doc}"' in page
    assert 'href="../doc/kash-004.html#kash-004/m2"' in page


def test_a_cluster_shows_its_members_side_by_side_with_agreement_and_conflict(corpus_copy, tmp_path):
    make_view_corpus(corpus_copy)
    build_site(corpus_copy, tmp_path / "site")
    page = (tmp_path / "site" / "links.html").read_text(encoding="utf-8")
    section = page[page.index('id="claim-view-test"'):]
    assert section.count('class="member') >= 3
    assert 'data-member="kash-003#c1"' in section and "has-agree" in section and "has-conflict" in section


def test_a_complement_pair_has_its_own_chip_and_colour_on_the_cluster_and_index_pages(corpus_copy, tmp_path):
    links_path = corpus_copy / "annotations" / "links.jsonl"
    links = read_jsonl(links_path) + [
        {"id": "claim-view-complement", "type": "claim", "description": "Two roles of one person.", "entity": None,
         "members": ["kash-003#c1", "kash-004#c1"],
         "pairs": [{"a": "kash-003#c1", "b": "kash-004#c1", "relation": "complement", "note": "Two functions."}]}]
    links_path.write_bytes(b"".join(dumps_line(lk, "link") for lk in sorted(links, key=lambda lk: lk["id"])))
    build_site(corpus_copy, tmp_path / "site")
    page = (tmp_path / "site" / "links.html").read_text(encoding="utf-8")
    section = page[page.index('id="claim-view-complement"'):]
    section = section[:section.index("</section>")]
    assert section.count("has-complement") == 2 and "has-agree" not in section and "has-conflict" not in section
    assert '<tr class="complement">' in section and '<span class="chip complement">complement</span>' in section
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<span class="chip complement">1 complement</span>' in index


def test_every_string_from_the_data_is_escaped(corpus_copy, tmp_path):
    make_view_corpus(corpus_copy, payloads=True)
    build_site(corpus_copy, tmp_path / "site")
    for name, data in _files(tmp_path / "site").items():
        if not name.endswith(".html"):
            continue
        page = data.decode()
        for bad in ("<script>document", "<img", "<svg onload", "onerror=\"window", 'href="javascript:', "<em>", "<b>not"):
            assert bad not in page, (name, bad)
        assert len(re.findall(r"<script\b", page)) == 1, name
    test_doc = (tmp_path / "site" / "doc" / f"{TEST_DOC}.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp;" in test_doc


def test_offsets_that_do_not_match_the_text_are_listed_instead_of_drawn(corpus_copy, tmp_path):
    records = make_view_corpus(corpus_copy)
    bad = [*records["kash-004"], {"type": "mention", "id": "m9", "start": 0, "end": 5, "text": "Wrong",
                                  "label": "ORG", "entity": None}]
    (corpus_copy / "annotations" / "gold" / "kash-004.jsonl").write_bytes(dumps_annotation_file([gold_header("kash-004"), *bad]))
    build_site(corpus_copy, tmp_path / "site")
    page = (tmp_path / "site" / "doc" / "kash-004.html").read_text(encoding="utf-8")
    assert "m9: offsets 0-5 do not match its text" in page
    assert "m9" not in parse(page).refs


def test_view_command_writes_the_site_and_refuses_a_bad_layer(corpus_copy, tmp_path, capsys):
    assert main(["view", str(corpus_copy), "--out", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "index.html").is_file()
    assert "pages" in capsys.readouterr().out
    assert main(["view", str(corpus_copy), "--layer", "../x", "--out", str(tmp_path / "s2")]) == 2
    assert main(["view", str(tmp_path / "nothing"), "--out", str(tmp_path / "s3")]) == 2


def test_the_diff_page_shows_added_removed_and_changed_spans(corpus_copy, tmp_path):
    import shutil

    old = tmp_path / "old"
    for name in ("corpus", "annotations"):
        shutil.copytree(corpus_copy / name, old / name)
    records = make_view_corpus(old)
    make_view_corpus(corpus_copy)
    recs = [r for r in records["kash-004"] if r["id"] != "m2"]
    recs[0] = {**recs[0], "label": "GPE", "note": PAYLOADS[1]}
    text = (corpus_copy / "corpus" / "texts" / "kash-004.txt").read_text(encoding="utf-8")
    recs.append({"type": "mention", "id": "m3", **span_at(text, "Pakistan"), "label": "GPE", "entity": None})
    (corpus_copy / "annotations" / "gold" / "kash-004.jsonl").write_bytes(dumps_annotation_file([gold_header("kash-004"), *recs]))
    assert main(["view", str(corpus_copy), "--diff", str(old), str(corpus_copy), "--out", str(tmp_path / "site")]) == 0
    page = (tmp_path / "site" / "diff.html").read_text(encoding="utf-8")
    section = page[page.index('id="kash-004"'):]
    assert section.count('class="added"') == 1 and section.count('class="removed"') == 1
    assert section.count('class="changed"') == 1 and "<b>label</b>: <del>ORG</del> → <ins>GPE</ins>" in section
    assert 'id="kash-003"' not in page and "<img" not in page
    assert (tmp_path / "site" / "index.html").is_file()


def test_a_layer_with_no_files_is_refused_not_shown_as_an_empty_site(repo_root, tmp_path, capsys):
    assert main(["view", str(repo_root), "--layer", "pass-typo", "--out", str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err
    assert "'pass-typo' has no annotation files" in err and "gold" in err
    assert not (tmp_path / "site").exists()

"""kashcorpus document add: texts and saved pages become documents that validate; every refusal is coded and writes nothing."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import orjson
import pytest
from helpers import snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from kashcorpus.add import add_document, next_id
from kashcorpus.add.page import page_excerpt
from kashcorpus.add.propose import Block, assemble, date_in, plain
from kashcorpus.cli import main
from kashcorpus.errors import AddRefused
from kashcorpus.io import read_jsonl
from kashcorpus.layout import Layout
from kashcorpus.resources import addition_codes
from kashcorpus.validate import validate

PAGES = Path(__file__).parent / "fixtures" / "pages"
ARTICLE = "Rain closes the Jammu road\n\nBy Amina Qureshi\n\nMarch 14, 2025\n\nHeavy rain closed the road on Friday.\n"


def _errors(root: Path) -> list:
    return [f for f in validate(root).findings if f.severity == "error"]


def _meta(root: Path, doc: str) -> dict:
    return next(r for r in read_jsonl(Layout(root).documents_file) if r["id"] == doc)


# -- saved pages ------------------------------------------------------------------------------------------

PAGE_CASES = {
    "news-site.html": {"zones": ["title", "byline", "dateline", "body", "subheading", "body"],
                       "title": ("Talks on Indus water data resume in Lahore", "Talks on Indus water data resume in Lahore"),
                       "author": ("Amina Qureshi", "By Amina Qureshi"),
                       "publisher": ("The Valley Ledger", '<meta property="og:site_name" content="The Valley Ledger">'),
                       "date": ("2025-03-14", "March 14, 2025")},
    "blog-post.html": {"zones": ["title", "standfirst", "byline", "dateline", "body"],
                       "title": ("Why the border markets reopened", "Why the border markets reopened"),
                       "author": ("Rahul Menon", "Rahul Menon"),
                       "publisher": ("Frontier Notes", '<meta property="og:site_name" content="Frontier Notes">'),
                       "date": ("2025-04-02", "Apr 2, 2025")},
    "wire-story.html": {"zones": ["body"],
                        "title": ("Flights to Srinagar suspended after snowfall",
                                  '"headline": "Flights to Srinagar suspended after snowfall"'),
                        "author": ("Northern Wire staff", '<meta name="author" content="Northern Wire staff">'),
                        "publisher": ("Northern Wire", '<meta property="og:site_name" content="Northern Wire">'),
                        "date": ("2025-01-21", '<meta name="date" content="2025-01-21">')},
}


@pytest.mark.parametrize("name", sorted(PAGE_CASES))
def test_a_saved_page_becomes_a_document_that_validates_with_its_page_kept_byte_identical(corpus_copy, name):
    expect = PAGE_CASES[name]
    result = add_document(corpus_copy, PAGES / name, url="https://news.example/a")
    doc = result.data["doc"]
    layout = Layout(corpus_copy)
    assert doc == "kash-005"
    assert layout.page_path(doc).read_bytes() == (PAGES / name).read_bytes()
    meta = _meta(corpus_copy, doc)
    data = layout.text_path(doc).read_bytes()
    text = data.decode("utf-8")
    assert meta["sha256"] == hashlib.sha256(data).hexdigest() and meta["length"] == len(text) and meta["bytes"] == len(data)
    assert meta["page"]["sha256"] == hashlib.sha256((PAGES / name).read_bytes()).hexdigest()
    assert meta["page"]["extractor"].startswith("trafilatura ") and meta["url"] == "https://news.example/a"
    for key in ("title", "author", "publisher", "date"):
        assert (meta[key]["value"], meta[key]["evidence"]) == expect[key], key
    assert meta["date"]["precision"] == "day" and meta["date"]["basis"] == "stated"
    gold = read_jsonl(layout.gold_path(doc))
    assert gold[0]["type"] == "header" and gold[0]["text_sha256"] == meta["sha256"]
    zones = gold[1:]
    assert [z["label"] for z in zones] == expect["zones"] and all(z["type"] == "zone" for z in zones)
    assert "".join(z["text"] for z in zones) == text and zones[-1]["end"] == len(text)
    assert _errors(corpus_copy) == []


def test_the_page_text_leaves_out_navigation_related_links_and_the_footer(corpus_copy):
    doc = add_document(corpus_copy, PAGES / "news-site.html").data["doc"]
    text = Layout(corpus_copy).text_path(doc).read_text(encoding="utf-8")
    for chrome in ("Subscribe", "Related stories", "All rights reserved", "Share this article", "Privacy policy"):
        assert chrome not in text
    assert "A treaty under strain" in text and text.endswith("legal dispute.\n")


def test_evidence_quoting_the_page_is_checked_against_the_page(corpus_copy):
    doc = add_document(corpus_copy, PAGES / "wire-story.html").data["doc"]
    path = Layout(corpus_copy).documents_file
    records = read_jsonl(path)
    for r in records:
        if r["id"] == doc:
            r["author"]["evidence"] = '<meta name="author" content="Someone else">'
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    assert [f.code for f in _errors(corpus_copy)] == ["evidence-not-in-text"]


def test_a_page_with_no_article_is_refused_and_nothing_is_written(corpus_copy):
    before = snapshot(corpus_copy)
    with pytest.raises(AddRefused) as e:
        add_document(corpus_copy, PAGES / "no-article.html")
    assert e.value.code == "add-no-article" and "no-article.html" in str(e.value)
    assert snapshot(corpus_copy) == before


@pytest.mark.parametrize("reference", ["&#x1b;", "&#27;", "&#7", "&#X7F;"])
def test_a_page_that_writes_a_control_character_as_a_reference_is_refused_naming_it(reference, corpus_copy, tmp_path):
    page = (PAGES / "news-site.html").read_text(encoding="utf-8").replace("met in Lahore", f"met{reference} in Lahore", 1)
    (tmp_path / "control.html").write_text(page, encoding="utf-8")
    before = snapshot(corpus_copy)
    with pytest.raises(AddRefused) as e:
        add_document(corpus_copy, tmp_path / "control.html")
    assert e.value.code == "add-binary" and f"(written {reference})" in str(e.value)
    assert f"at byte {page.encode().index(reference.encode())}" in str(e.value)
    assert snapshot(corpus_copy) == before


def test_a_page_in_its_declared_charset_is_read_in_it_and_kept_as_it_is(corpus_copy, tmp_path):
    page = (PAGES / "news-site.html").read_bytes().replace(b'charset="utf-8"', b'charset="windows-1252"')
    page = page.replace("“".encode(), b"\x93").replace("”".encode(), b"\x94").replace("©".encode(), b"\xa9")
    (tmp_path / "cp1252.html").write_bytes(page)
    doc = add_document(corpus_copy, tmp_path / "cp1252.html").data["doc"]
    meta = _meta(corpus_copy, doc)
    assert meta["page"]["encoding"] == "cp1252"
    assert Layout(corpus_copy).page_path(doc).read_bytes() == page
    assert "“The exchange of data" in Layout(corpus_copy).text_path(doc).read_text(encoding="utf-8")
    assert _errors(corpus_copy) == []


# -- plain texts -------------------------------------------------------------------------------------------

def test_a_text_is_stored_byte_identical_with_its_headline_byline_and_dateline_proposed(corpus_copy, tmp_path):
    (tmp_path / "rain.txt").write_bytes(ARTICLE.encode())
    doc = add_document(corpus_copy, tmp_path / "rain.txt", doc_id="rain-2025").data["doc"]
    layout = Layout(corpus_copy)
    assert doc == "rain-2025" and layout.text_path(doc).read_bytes() == ARTICLE.encode()
    meta = _meta(corpus_copy, doc)
    assert meta["title"] == {"value": "Rain closes the Jammu road", "evidence": "Rain closes the Jammu road", "reason": None}
    assert meta["author"]["value"] == "Amina Qureshi" and meta["date"]["value"] == "2025-03-14"
    assert meta["publisher"]["value"] is None and meta["publisher"]["reason"]
    assert meta["seed_file"] == "rain.txt" and "page" not in meta
    assert not layout.page_path(doc).exists()
    labels = [r["label"] for r in read_jsonl(layout.gold_path(doc))[1:]]
    assert labels == ["title", "byline", "dateline", "body"]
    assert _errors(corpus_copy) == []


def test_adding_prints_the_proposals_for_the_annotator_to_check(corpus_copy, tmp_path, capsys):
    (tmp_path / "rain.txt").write_bytes(ARTICLE.encode())
    assert main(["document", "add", str(tmp_path / "rain.txt"), "--root", str(corpus_copy)]) == 0
    out = capsys.readouterr().out
    assert "added kash-005" in out and "title: Rain closes the Jammu road; evidence: 'Rain closes the Jammu road'" in out
    assert "publisher: null (" in out and "z1 title [0, 28)" in out and "corpus/texts/kash-005.txt" in out


def test_a_dry_run_reports_the_same_proposal_and_writes_nothing(corpus_copy, capsys):
    before = snapshot(corpus_copy)
    assert main(["document", "add", str(PAGES / "blog-post.html"), "--root", str(corpus_copy), "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dry_run"] and data["doc"] == "kash-005" and data["metadata"]["title"]["value"] == "Why the border markets reopened"
    assert "sources/kash-005.html" in data["files"]
    assert snapshot(corpus_copy) == before


# -- refusals ----------------------------------------------------------------------------------------------

def _case(code: str, tmp: Path, root: Path) -> tuple[Path, dict]:
    """A real input that ``document add`` refuses with ``code``, and the options it is given."""
    files = {"add-unknown-format": ("article.pdf", b"%PDF-1.7 ..."),
             "add-empty": ("empty.txt", b" \n\n"),
             "add-binary": ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
             "add-not-utf8": ("latin1.txt", "Caf\u00e9 in Srinagar\n".encode("latin-1")),
             "add-bad-id": ("a.txt", b"A text.\n"), "add-id-exists": ("a.txt", b"A text.\n"),
             "add-bad-url": ("a.txt", b"A text.\n")}
    if code == "add-no-article":
        return PAGES / "no-article.html", {}
    if code == "add-duplicate":
        shutil.copy(root / "corpus" / "texts" / "kash-003.txt", tmp / "again.txt")
        return tmp / "again.txt", {}
    if code == "add-unreadable":
        (tmp / "folder.txt").mkdir()
        return tmp / "folder.txt", {}
    name, data = files[code]
    (tmp / name).write_bytes(data)
    options = {"add-bad-id": {"doc_id": "Kash 5"}, "add-id-exists": {"doc_id": "kash-002"},
               "add-bad-url": {"url": "javascript:alert(1)"}}.get(code, {})
    return tmp / name, options


@pytest.mark.parametrize("code", sorted(addition_codes()))
def test_each_refusal_has_its_code_names_the_file_and_changes_nothing(corpus_copy, tmp_path, code):
    path, options = _case(code, tmp_path, corpus_copy)
    before = snapshot(corpus_copy)
    with pytest.raises(AddRefused) as e:
        add_document(corpus_copy, path, **options)
    assert e.value.code == code
    assert f"cannot add {path.name}:" in str(e.value) and "nothing was written" in str(e.value)
    assert snapshot(corpus_copy) == before


def test_the_same_page_added_twice_is_refused_the_second_time(corpus_copy, tmp_path):
    doc = add_document(corpus_copy, PAGES / "news-site.html").data["doc"]
    shutil.copy(PAGES / "news-site.html", tmp_path / "copy.html")
    before = snapshot(corpus_copy)
    with pytest.raises(AddRefused) as e:
        add_document(corpus_copy, tmp_path / "copy.html")
    assert e.value.code == "add-duplicate" and doc in str(e.value)
    assert snapshot(corpus_copy) == before


def test_a_linked_sources_folder_is_never_written_through(corpus_copy, tmp_path):
    from kashcorpus.errors import FileUnsafe

    (tmp_path / "elsewhere").mkdir()
    (corpus_copy / "sources").symlink_to(tmp_path / "elsewhere")
    before = snapshot(corpus_copy)
    with pytest.raises(FileUnsafe):
        add_document(corpus_copy, PAGES / "news-site.html")
    assert snapshot(corpus_copy) == before and list((tmp_path / "elsewhere").iterdir()) == []


def test_a_refusal_on_the_command_line_is_one_coded_line_and_exit_1(corpus_copy, tmp_path, capsys):
    (tmp_path / "e.txt").write_bytes(b"")
    assert main(["document", "add", str(tmp_path / "e.txt"), "--root", str(corpus_copy)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.endswith("(add-empty)") and "Traceback" not in err


# -- properties --------------------------------------------------------------------------------------------

@settings(max_examples=200)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1))
def test_the_zones_proposed_for_any_text_tile_it(text):
    zones = plain(text).zones
    assert "".join(z["text"] for z in zones) == text
    assert all(text[z["start"]:z["end"]] == z["text"] and z["start"] < z["end"] for z in zones)
    assert [z["id"] for z in zones] == [f"z{i}" for i in range(1, len(zones) + 1)]


@given(st.lists(st.tuples(st.sampled_from(["title", "byline", "body", "subheading"]),
                          st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1)), min_size=1))
def test_the_text_assembled_from_blocks_is_tiled_by_its_zones(blocks):
    text, zones = assemble([Block(label, t) for label, t in blocks])
    assert "".join(z["text"] for z in zones) == text and text.endswith("\n")
    assert all(a["label"] != b["label"] for a, b in zip(zones, zones[1:]))


@given(st.dates())
def test_a_date_written_out_in_any_common_form_is_found_at_day_precision(d):
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    iso = d.isoformat()
    for form in (f"{months[d.month - 1]} {d.day}, {d.year:04d}", f"{d.day} {months[d.month - 1]} {d.year:04d}",
                 f"{months[d.month - 1][:3]} {d.day}, {d.year:04d}", iso):
        assert date_in(f"Published {form}", iso) == "day", form


def test_the_next_id_follows_the_most_common_numbered_form():
    assert next_id([f"kash-{i:03d}" for i in range(5)]) == "kash-005"
    assert next_id(["kash-000", "kash-009", "a-1"]) == "kash-010"


def test_a_page_excerpt_is_the_markup_that_states_the_whole_value():
    html = '<meta name="author" content="Northern Wire staff"><meta property="og:site_name" content="Northern Wire">'
    assert page_excerpt(html, "Northern Wire") == '<meta property="og:site_name" content="Northern Wire">'
    assert page_excerpt(html, "Nobody") is None


# -- a sixth document goes everywhere the five go ----------------------------------------------------------

@pytest.mark.slow
def test_an_added_article_is_a_minor_change_and_every_tool_takes_it_like_the_others(corpus_copy, tmp_path, capsys):
    import datasets

    from kashcorpus.build import build
    from kashcorpus.view.site import build_site

    before = tmp_path / "before"
    shutil.copytree(corpus_copy, before)
    doc = add_document(corpus_copy, PAGES / "news-site.html").data["doc"]
    assert main(["diff", str(before), str(corpus_copy)]) == 0
    out = capsys.readouterr().out
    assert "documents: 1 added, 0 removed, 0 changed" in out and f"+ {doc} " in out
    assert "required version bump: minor" in out

    counts = build(corpus_copy, tmp_path / "dataset")
    assert counts["documents"] == 6
    datasets.disable_progress_bars()
    rows = datasets.load_dataset(str(tmp_path / "dataset"), "documents", split="test", cache_dir=str(tmp_path / "cache"))
    row = next(r for r in rows if r["id"] == doc)
    assert row["text"] == Layout(corpus_copy).text_path(doc).read_text(encoding="utf-8")

    for fmt in ("brat", "labelstudio", "conll", "checkthat"):
        assert main(["export", fmt, "--root", str(corpus_copy), "--out", str(tmp_path / fmt)]) == 0, fmt
    assert (tmp_path / "brat" / f"{doc}.txt").read_text(encoding="utf-8") == Layout(corpus_copy).text_path(doc).read_text(encoding="utf-8")
    assert any(t["data"]["doc"] == doc for t in json.loads((tmp_path / "labelstudio").read_text(encoding="utf-8")))
    assert "-DOCSTART-" in (tmp_path / "conll").read_text(encoding="utf-8")

    capsys.readouterr()
    build_site(corpus_copy, tmp_path / "site")
    assert (tmp_path / "site" / "doc" / f"{doc}.html").is_file()

    predictions = corpus_copy / "predictions"
    shutil.copytree(Layout(corpus_copy).gold_dir, predictions)
    assert main(["evaluate", str(predictions), "--gold", str(corpus_copy), "--format", "json"]) == 0
    assert doc in json.loads(capsys.readouterr().out)["documents"]


def test_a_text_with_crlf_line_ends_is_kept_as_it_is_and_its_headline_has_no_line_end(corpus_copy, tmp_path):
    data = b"Rain closes the Jammu road\r\n\r\nHeavy rain closed the road on Friday.\r\n"
    (tmp_path / "crlf.txt").write_bytes(data)
    doc = add_document(corpus_copy, tmp_path / "crlf.txt").data["doc"]
    assert Layout(corpus_copy).text_path(doc).read_bytes() == data
    assert _meta(corpus_copy, doc)["title"]["value"] == "Rain closes the Jammu road"
    assert _errors(corpus_copy) == []


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08"
                             "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"),
               min_size=1, max_size=400).filter(lambda t: t.strip()))
def test_any_utf8_text_is_stored_byte_identical_and_the_corpus_still_validates(text):
    import tempfile

    from helpers import build_small_corpus

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "c"
        build_small_corpus(root)
        (Path(tmp) / "new.txt").write_bytes(text.encode("utf-8"))
        doc = add_document(root, Path(tmp) / "new.txt").data["doc"]
        assert Layout(root).text_path(doc).read_bytes() == text.encode("utf-8")
        assert _errors(root) == []


def test_a_page_that_is_not_in_its_declared_encoding_is_refused(corpus_copy, tmp_path):
    page = (PAGES / "blog-post.html").read_bytes().replace(b"Line of Control", b"Line of Contr\xf4l")
    (tmp_path / "broken.html").write_bytes(page)
    before = snapshot(corpus_copy)
    with pytest.raises(AddRefused) as e:
        add_document(corpus_copy, tmp_path / "broken.html")
    assert e.value.code == "add-not-utf8" and "read as utf-8" in str(e.value)
    assert snapshot(corpus_copy) == before


def test_an_xhtml_page_with_an_xml_declaration_is_read(corpus_copy, tmp_path):
    page = b'<?xml version="1.0" encoding="utf-8"?>\n' + (PAGES / "blog-post.html").read_bytes().replace(
        b'<html lang="en">', b'<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">')
    (tmp_path / "xhtml.html").write_bytes(page)
    doc = add_document(corpus_copy, tmp_path / "xhtml.html").data["doc"]
    assert _meta(corpus_copy, doc)["title"]["value"] == "Why the border markets reopened"
    assert _errors(corpus_copy) == []


def test_a_utf16_text_is_refused_as_not_utf8_rather_than_as_binary(corpus_copy, tmp_path):
    (tmp_path / "u16.txt").write_bytes("Rain in Lahore.\n".encode("utf-16"))
    with pytest.raises(AddRefused) as e:
        add_document(corpus_copy, tmp_path / "u16.txt")
    assert e.value.code == "add-not-utf8" and "UTF-16" in str(e.value)


def test_a_refusal_with_json_is_data_with_its_code(corpus_copy, capsys):
    assert main(["document", "add", str(PAGES / "no-article.html"), "--root", str(corpus_copy), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["code"] == "add-no-article"


def test_a_bad_language_tag_is_a_usage_error(corpus_copy, tmp_path, capsys):
    (tmp_path / "a.txt").write_bytes(b"A text.\n")
    assert main(["document", "add", str(tmp_path / "a.txt"), "--root", str(corpus_copy), "--language", "English"]) == 2
    assert "BCP 47" in capsys.readouterr().err


_WORDS = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80)
_ELEMENTS = st.recursive(
    _WORDS.map(lambda t: t.replace("<", "&lt;")),
    lambda inner: st.tuples(st.sampled_from(["p", "h1", "h2", "div", "span", "article", "nav", "footer", "time", "ul", "li",
                                             "script", "table"]),
                            st.sampled_from(["", ' class="byline"', ' class="date"', ' rel="author"']),
                            st.lists(inner, max_size=4)).map(lambda x: f"<{x[0]}{x[1]}>{''.join(x[2])}</{x[0]}>"),
    max_leaves=12)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.lists(_ELEMENTS, min_size=1, max_size=5))
def test_any_page_is_either_an_article_whose_zones_tile_its_text_or_refused_with_a_code(body):
    from kashcorpus.add.page import extract

    html = '<html lang="en"><head><meta charset="utf-8"></head><body>' + "".join(body) + "</body></html>"
    try:
        proposal = extract(html, "fuzz.html")
    except AddRefused as e:
        assert e.code == "add-no-article"
        return
    assert proposal.blocks
    text, zones = assemble(proposal.blocks)
    assert "".join(z["text"] for z in zones) == text
    for key in ("title", "publisher", "author"):
        field = proposal.meta[key]
        assert (field["value"] is None) == (field["evidence"] is None) != (field["reason"] is None)
        assert field["evidence"] is None or field["evidence"] in text or field["evidence"] in html


def test_the_walkthrough_in_the_annotating_guide_shows_what_the_command_prints(corpus_copy, repo_root, capsys):
    import re

    guide = (repo_root / "docs" / "annotating.md").read_text(encoding="utf-8")
    shown = re.search(r"```\n(would add kash-005: .*?nothing was written \(--dry-run\)\n)```", guide, re.S).group(1)
    url = "https://valleyledger.example/world/2025/03/indus-water-data-talks"
    assert main(["document", "add", str(PAGES / "news-site.html"), "--url", url, "--root", str(corpus_copy), "--dry-run"]) == 0
    printed = capsys.readouterr().out
    sha = re.search(r"sha256 ([0-9a-f]{64})", printed).group(1)
    assert printed == shown.replace(f"sha256 {sha[:8]}…", f"sha256 {sha}")

"""The review site in a real browser: Debian's Chromium, headless, driven by Playwright for Python."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kashcorpus.corpus import iter_documents
from kashcorpus.view import build_site
from helpers import FIXTURE_ENTITY, TEST_DOC, expected_spans, make_view_corpus

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

# Text under every data-ref element of the document text, fragments of one span joined in page order.
SPANS_ON_PAGE = """() => {
  const out = {};
  for (const el of document.querySelectorAll('#text [data-ref]')) {
    const ref = el.getAttribute('data-ref');
    out[ref] = (out[ref] || '') + el.textContent;
  }
  return out;
}"""


def _copy_corpus(dest: Path) -> Path:
    for name in ("corpus", "annotations"):
        shutil.copytree(ROOT / name, dest / name)
    return dest


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: apt-get install -y chromium")
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = _copy_corpus(tmp_path_factory.mktemp("view") / "checkout")
    make_view_corpus(root)
    out = root.parent / "site"
    build_site(root, out)
    return root, out


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.requests, pg.errors, pg.dialogs = [], [], []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()
    assert not pg.errors, pg.errors
    assert all(u.startswith(("file://", "data:")) for u in pg.requests), [u for u in pg.requests if not u.startswith("file")]


def _shot(pg, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"view-{name}.png"), full_page=full_page)


def test_the_index_leads_to_an_entity_and_its_mentions_in_two_documents(site, page):
    _, out = site
    page.goto((out / "index.html").as_uri())
    assert page.title().startswith("kashcorpus")
    _shot(page, "index")
    page.locator("a.entity-name", has_text="Hamas (view test)").click()
    page.wait_for_url(f"**/entity/{FIXTURE_ENTITY}.html")
    for doc in ("kash-003", "kash-004"):
        assert page.locator(f"#in-{doc} mark").first.text_content() == "Hamas"
    _shot(page, "entity")
    for doc in ("kash-004", "kash-003"):
        line = page.locator(f"#in-{doc} a.kwic-line").first
        ref = line.get_attribute("data-ref")
        line.click()
        page.wait_for_url(f"**/doc/{doc}.html#{doc}/{ref}")
        target = page.locator(f'[id="{doc}/{ref}"]')
        assert target.text_content() == "Hamas"
        assert page.evaluate("() => document.querySelector(':target').id") == f"{doc}/{ref}"
        assert "hit" in target.get_attribute("class")
        _shot(page, f"follow-{doc}")
        page.go_back()
        page.wait_for_url(f"**/entity/{FIXTURE_ENTITY}.html")


def test_every_highlighted_span_shows_exactly_its_annotation_text(site, page):
    root, out = site
    for doc in iter_documents(root):
        drawable = []
        for r in doc.records:
            spans = [r.get(k) for k in ("source", "cue", "content")] if r["type"] == "attribution" else [r]
            if all(s is None or doc.text[s["start"]:s["end"]] == s["text"] for s in spans):
                drawable.append(r)
        page.goto((out / "doc" / f"{doc.id}.html").as_uri())
        assert page.evaluate(SPANS_ON_PAGE) == expected_spans(drawable), doc.id
        assert page.evaluate("() => document.getElementById('text').textContent") == doc.text
        if doc.id in ("kash-000", "kash-003", TEST_DOC):
            _shot(page, f"doc-{doc.id}")


def test_a_permalink_given_to_the_index_opens_the_span(site, page):
    _, out = site
    page.goto((out / "index.html").as_uri() + "#kash-003/c1")
    page.wait_for_url("**/doc/kash-003.html#kash-003/c1")
    assert page.locator('[id="kash-003/c1"]').get_attribute("data-ref") == "c1"


def test_clicking_a_span_pins_its_details_and_draws_its_attribution(site, page):
    _, out = site
    page.goto((out / "doc" / "kash-003.html").as_uri())
    page.locator('#text [data-ref="m4"]').click()
    assert page.evaluate("() => location.hash") == "#kash-003/m4"
    details = page.locator("#details-body").text_content()
    assert "m4" in details and "c1" in details and "a1:content" in details
    assert page.locator("svg.connectors path[marker-end]").count() >= 2
    assert page.locator('#text [data-ref="a1:source"].att-hit').count() == 1
    _shot(page, "details")


def test_the_page_reads_and_filters_with_javascript_disabled(site, browser):
    _, out = site
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto((out / "doc" / "kash-003.html").as_uri())
    background = 'el => getComputedStyle(el).backgroundColor'
    mention = page.locator('#text [data-ref="m4"]')
    assert mention.evaluate(background) not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.locator("svg.connectors").count() == 0
    _shot(page, "nojs")
    page.locator("#f-mention").uncheck()
    assert mention.evaluate(background) == "rgba(0, 0, 0, 0)"
    page.locator("#f-mention").check()
    page.locator('label:has(#f-mention-1)').click()
    assert mention.evaluate(background) == "rgba(0, 0, 0, 0)"
    context.close()


def test_the_clusters_page_shows_members_side_by_side(site, page):
    _, out = site
    page.goto((out / "links.html").as_uri() + "#claim-view-test")
    members = page.locator("#claim-view-test .member")
    assert members.count() == 3
    boxes = [members.nth(i).bounding_box() for i in range(3)]
    assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"] and boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    assert page.locator("#claim-view-test .member.has-conflict").count() == 2
    _shot(page, "clusters")


def test_nothing_typed_into_the_data_executes(tmp_path, page):
    root = _copy_corpus(tmp_path / "checkout")
    make_view_corpus(root, payloads=True)
    build_site(root, tmp_path / "site")
    site = tmp_path / "site"
    pages = [site / "index.html", site / "links.html", *sorted(site.glob("doc/*.html")),
             *sorted(site.glob("entity/view-test-*.html"))]
    assert all(p.is_file() for p in pages) and len(pages) > 8
    for path in pages:
        page.goto(path.as_uri())
        page.evaluate("""() => document.querySelectorAll('#text [data-ref]').forEach(
            el => el.dispatchEvent(new MouseEvent('click', {bubbles: true})))""")
        state = page.evaluate("""() => ({xss: window.__xss ?? null, pwned: document.title === 'pwned',
            handlers: document.querySelectorAll('[onerror],[onload],[onclick],img,svg:not(.connectors),iframe').length,
            scripts: document.scripts.length,
            js_links: [...document.querySelectorAll('a[href]')].filter(a => a.protocol === 'javascript:').length})""")
        assert state == {"xss": None, "pwned": False, "handlers": 0, "scripts": 1, "js_links": 0}, path.name
    assert not page.dialogs
    page.goto((tmp_path / "site" / "entity" / f"{FIXTURE_ENTITY}.html").as_uri())
    assert "<script>" in page.locator("h1").text_content()
    _shot(page, "xss-entity")

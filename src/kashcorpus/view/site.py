"""Write the review site: an index, a page per document, per entity, and the cross-document clusters."""
from __future__ import annotations

from pathlib import Path

from ..resources import PACKAGE_DIR
from ..model import PARTS
from .collect import LAYERS, Site, collect, page_name, palette, permalink

VIEW_DIR = PACKAGE_DIR / "view"
ASSETS = ("site.css", "site.js")


def environment():
    """The Jinja environment of the site: templates from the package, every value autoescaped."""
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(VIEW_DIR / "templates")), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals.update(LAYERS=LAYERS, PARTS=PARTS, palette=palette(), permalink=permalink, page_name=page_name)
    return env


def render_pages(site: Site) -> dict[str, str]:
    """Every file of the site as ``{relative path: content}``, without writing anything."""
    env = environment()
    common = {"site": site, "labels": site.labels}
    pages: dict[str, str] = {}
    for name in ASSETS:
        pages[f"assets/{name}"] = (VIEW_DIR / "static" / name).read_text(encoding="utf-8")
    pages["index.html"] = env.get_template("index.html").render(**common, base="", page="index")
    pages["links.html"] = env.get_template("links.html").render(**common, base="", page="links")
    doc_t = env.get_template("document.html")
    for d in site.docs:
        pages[page_name("doc", d.id)] = doc_t.render(**common, base="../", page="doc", doc=d)
    ent_t = env.get_template("entity.html")
    for e in site.entities:
        pages[e["page"]] = ent_t.render(**common, base="../", page="entity", entity=e,
                                        mentions=site.mentions_of.get(e["id"], []))
    return pages


def write_page(out: Path, rel: str, content: str) -> None:
    """Write one page of the site in ``out`` (unless it is unchanged), atomically; a link or a special file on the
    way to it or in its place (a planted ``index.html`` link) raises :class:`~kashcorpus.errors.FileUnsafe`."""
    from ..io import atomic_write, check_writable, read_bytes

    path = Path(out) / rel
    check_writable(Path(out), path)
    data = content.encode("utf-8")
    if not path.exists() or read_bytes(path, Path(out)) != data:
        atomic_write(path, data, Path(out))


def build_site(root: Path | str, out: Path | str, layer: str = "gold") -> dict[str, int]:
    """Write the static site for the corpus at ``root`` into ``out``; return counts of what it shows.

    Files the site no longer has are left alone; the output is byte-identical for the same corpus.

    >>> import tempfile; from kashcorpus.resources import data_root
    >>> build_site(data_root(), tempfile.mkdtemp())["documents"]
    5
    """
    site = collect(root, layer)
    out = Path(out)
    for rel, content in render_pages(site).items():
        write_page(out, rel, content)
    return {**site.totals, "pages": 2 + len(site.docs) + len(site.entities)}


def build_diff(old: str, new: str, out: Path | str, repo: Path | str = ".", layer: str = "gold") -> dict[str, int]:
    """Write the site of ``new`` into ``out`` with ``diff.html``: the spans added, removed and changed since ``old``.

    ``old`` and ``new`` are corpus checkouts or git revisions of ``repo``.
    """
    from .collect import Labels
    from .diff import checkout, diff_docs

    with checkout(old, Path(repo), "OLD") as old_root, checkout(new, Path(repo), "NEW") as new_root:
        docs = diff_docs(old_root, new_root, layer)
        build_site(new_root, out, layer)
    env = environment()
    empty = Site([], Labels({layer_: [] for layer_ in LAYERS}), [], {}, [], {}, {}, layer)
    pages = {}
    pages["diff.html"] = env.get_template("diff.html").render(site=empty, labels=empty.labels, base="", page="diff",
                                                              docs=docs, old_label=old, new_label=new, layer=layer)
    out = Path(out)
    for rel, content in pages.items():
        write_page(out, rel, content)
    counts = {kind: sum(len(getattr(d, kind)) for d in docs) for kind in ("added", "removed", "changed")}
    return {**counts, "shifted": sum(d.shifted for d in docs)}

"""Inputs of the command rows: a registry of N entities for `kashcorpus suggest`, a saved page for `document add`."""
from __future__ import annotations

import random
from pathlib import Path

from kashcorpus.io import dumps_line, read_jsonl
from kashcorpus.layout import Layout

TYPES = ("PER", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")
SYLLABLES = ("ka", "shi", "ro", "ven", "tal", "mir", "do", "sar", "qu", "lin", "bor", "ze", "an", "hel", "ut", "gra")
ANNOTATOR = "bench-suggest"  # the throwaway pass the suggestions go to


def made_up_name(rng: random.Random) -> str:
    """A name of one to three capitalised made-up words.

    >>> made_up_name(random.Random(1))
    'Quven'
    """
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
                    for _ in range(rng.randint(1, 3)))


def grow_registry(root: Path, entities: int, seed: int = 1) -> int:
    """Rewrite ``root``'s registry to hold ``entities`` entries: the corpus's own (whose names its texts
    contain), then made-up names and aliases (which the texts seldom contain) up to the count; deterministic.
    Returns how many of the corpus's own it kept.

    >>> import tempfile; from kashcorpus.synth import synth
    >>> root = Path(tempfile.mkdtemp()); _ = synth(root, docs=2, seed=1)
    >>> own = grow_registry(root, 600)
    >>> len(read_jsonl(Layout(root).entities_file)), 0 < own < 600
    (600, True)
    """
    layout = Layout(root)
    own = read_jsonl(layout.entities_file)[:entities]
    names = {n for e in own for n in (e["name"], *e["aliases"])}
    rng = random.Random(seed)
    reg = list(own)
    while len(reg) < entities:
        name = made_up_name(rng)
        alias = "".join(w[0] for w in name.split()) + "-" + made_up_name(rng).split()[0]
        if name in names or alias in names:
            continue
        names.update((name, alias))
        i = len(reg)
        reg.append({"id": f"bench-{i:06d}", "name": name, "type": TYPES[i % len(TYPES)], "aliases": [alias],
                    "description": f"Made-up entity {i} of the benchmark's registry."})
    layout.entities_file.write_bytes(b"".join(dumps_line(r, "entity") for r in sorted(reg, key=lambda r: r["id"])))
    return len(own)


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Border talks resume in Srinagar as traders count losses | The Valley Ledger</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="author" content="Amina Rather">
<meta property="og:type" content="article">
<meta property="og:title" content="Border talks resume in Srinagar as traders count losses">
<meta property="og:site_name" content="The Valley Ledger">
<meta property="article:published_time" content="2024-03-14T09:30:00+05:30">
<link rel="canonical" href="https://valleyledger.example/2024/03/14/border-talks-resume">
<link rel="stylesheet" href="/static/site.css">
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}</script>
</head>
<body>
<header class="site-header">
  <a class="logo" href="/">The Valley Ledger</a>
  <nav><ul><li><a href="/news">News</a></li><li><a href="/politics">Politics</a></li>
  <li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li><li><a href="/subscribe">Subscribe</a></li></ul></nav>
</header>
<aside class="breaking">Breaking: Highway closed near Banihal after landslide</aside>
<main>
<article>
  <h1>Border talks resume in Srinagar as traders count losses</h1>
  <p class="byline">By <span class="author">Amina Rather</span> · <time datetime="2024-03-14T09:30:00+05:30">March 14, 2024</time></p>
  <p>Officials from both sides met in Srinagar on Wednesday for the first round of talks since the crossing
  points closed in January, according to a statement from the regional trade office.</p>
  <p>Traders in Uri and Baramulla said the closure had cost them most of the winter season. “We had walnuts,
  dried apricots and shawls ready in the warehouses,” said Ghulam Nabi, who has run a transport business on the
  route for twenty years. “Nothing moved for nine weeks.”</p>
  <p>The trade office said the talks would cover the reopening schedule, the inspection of goods and the list of
  items allowed across. A spokesperson declined to say when the crossings would open, but added that both
  delegations had agreed to meet again within a month.</p>
  <h2>Losses mount</h2>
  <p>The Kashmir Chamber of Commerce estimated the losses at several crore rupees and asked for compensation for
  small traders. Its president told reporters that many of them had borrowed against the stock now lying idle.</p>
  <p>Analysts said the resumption of talks was a cautious sign. “Trade across the line has always been the first
  thing to stop and the last thing to restart,” said a researcher at the University of Kashmir who studies
  the route.</p>
  <p>The next round is expected in April, the statement said.</p>
</article>
<section class="related"><h3>Related</h3><ul><li><a href="/2024/02/20/apple-growers">Apple growers wait for
the thaw</a></li><li><a href="/2024/01/09/crossings-closed">Crossings closed until further notice</a></li></ul></section>
</main>
<footer><p>© 2024 The Valley Ledger. All rights reserved.</p><p><a href="/privacy">Privacy</a> · <a href="/terms">Terms</a></p>
<p>Share this article: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">WhatsApp</a></p></footer>
</body>
</html>
"""
PAGE_URL = "https://valleyledger.example/2024/03/14/border-talks-resume"


def write_page(path: Path) -> Path:
    """Save the benchmark's news page (a site's header, navigation, article, related links and footer) to ``path``.

    >>> import tempfile; p = write_page(Path(tempfile.mkdtemp()) / "page.html")
    >>> p.read_bytes().startswith(b"<!DOCTYPE html>")
    True
    """
    path.write_text(PAGE, encoding="utf-8")
    return path

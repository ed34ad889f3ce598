"""Nested, possibly overlapping spans over a text as a tree of properly nested HTML fragments."""
from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Seg:
    """One span to draw: ``[start, end)`` in code points, a ``ref`` unique in its page and its look.

    ``tier`` 0 is always outermost (zones, which tile the text); ``rank`` orders spans of equal
    extent from outer to inner. ``attrs`` are HTML attributes (values are escaped on output).
    """

    start: int
    end: int
    ref: str
    classes: str
    tier: int = 1
    rank: int = 0
    title: str = ""
    attrs: tuple[tuple[str, str], ...] = ()
    anchor: str | None = None


@dataclass
class Node:
    """A fragment of a segment (or the root): ``[start, end)`` and its children (nodes or text ranges)."""

    seg: Seg | None
    start: int
    end: int = -1
    children: list = field(default_factory=list)


def _open_order(seg: Seg) -> tuple:
    return seg.tier, -seg.end, seg.rank, seg.start, seg.ref


def nest(length: int, segs: Iterable[Seg]) -> Node:
    """Build the fragment tree: a segment that crosses the end of an enclosing one is split in two.

    Text ranges appear as ``(start, end)`` tuples among a node's children.

    >>> t = nest(6, [Seg(0, 4, "a", "x"), Seg(2, 6, "b", "y")])
    >>> [(c.seg.ref, c.start, c.end) for c in t.children if isinstance(c, Node)]
    [('a', 0, 4), ('b', 4, 6)]
    >>> [(c.seg.ref, c.start, c.end) for c in t.children[0].children if isinstance(c, Node)]
    [('b', 2, 4)]
    """
    segs = [s for s in segs if 0 <= s.start < s.end <= length]
    starts: dict[int, list[Seg]] = {}
    for s in segs:
        starts.setdefault(s.start, []).append(s)
    cuts = sorted({0, length, *(s.start for s in segs), *(s.end for s in segs)})
    root = Node(None, 0, length)
    stack: list[Node] = [root]
    for i, pos in enumerate(cuts):
        reopen: list[Seg] = []
        closing = [k for k, n in enumerate(stack) if k and n.seg is not None and n.seg.end == pos]
        if closing:
            for node in reversed(stack[closing[0]:]):
                node.end = pos
                assert node.seg is not None  # only the root has no segment
                if node.seg.end > pos:
                    reopen.append(node.seg)
            del stack[closing[0]:]
        if pos == length:
            break
        for seg in sorted(reopen + starts.get(pos, []), key=_open_order):
            node = Node(seg, pos)
            stack[-1].children.append(node)
            stack.append(node)
        stack[-1].children.append((pos, cuts[i + 1]))
    return root


def escape_text(s: str) -> str:
    r"""HTML for text content; a carriage return becomes ``&#13;`` because parsers turn a raw CR LF into LF.

    >>> escape_text("a<b\r\n")
    'a&lt;b&#13;\n'
    """
    return str(escape(s)).replace("\r", "&#13;")


def render(text: str, root: Node) -> Markup:
    """HTML for the fragment tree: nested ``<span>`` elements, every character of ``text`` escaped once.

    >>> str(render("a<b", nest(3, [Seg(0, 3, "m1", "m", title='say "hi"')])))
    '<span class="m" data-ref="m1" title="say &#34;hi&#34;">a&lt;b</span>'
    """
    out: list[str] = []

    def walk(node: Node) -> None:
        last = len(node.children) - 1
        for k, child in enumerate(node.children):
            if isinstance(child, tuple):
                chunk = text[child[0]:child[1]]
                if node.seg is not None and node.seg.tier == 0 and k in (0, last) and "\n" in chunk:
                    out.append(_edges(chunk, k == 0, k == last))
                else:
                    out.append(escape_text(chunk))
                continue
            seg = child.seg
            classes = seg.classes
            if child.start > seg.start:
                classes += " cont"
            if child.end < seg.end:
                classes += " more"
            attrs = [("class", classes), ("data-ref", seg.ref)]
            if seg.anchor and child.start == seg.start:
                attrs.insert(0, ("id", seg.anchor))
            if seg.title:
                attrs.append(("title", seg.title))
            attrs.extend(seg.attrs)
            out.append("<span " + " ".join(f'{k}="{escape(v)}"' for k, v in attrs) + ">")
            walk(child)
            out.append("</span>")

    walk(root)
    return Markup("".join(out))


def _edges(chunk: str, first: bool, last: bool) -> str:
    """Line breaks at the edges of a block (zone) in a ``<span class="edge">``, so the page may hide them."""
    core = chunk.lstrip() if first else chunk
    lead = chunk[:len(chunk) - len(core)]
    core2 = core.rstrip() if last else core
    tail = core[len(core2):]
    wrap = (lambda ws: f'<span class="edge">{escape_text(ws)}</span>' if "\n" in ws else escape_text(ws))
    return wrap(lead) + escape_text(core2) + wrap(tail)


def stack_levels(segs: Sequence[Seg]) -> dict[str, int]:
    """Underline slot of each segment: 1 + the highest slot among the shorter segments it overlaps.

    >>> stack_levels([Seg(0, 9, "outer", ""), Seg(2, 4, "inner", ""), Seg(5, 7, "other", "")])
    {'inner': 1, 'other': 1, 'outer': 2}
    """
    placed: list[tuple[Seg, int]] = []
    levels: dict[str, int] = {}
    for s in sorted(segs, key=lambda s: (s.end - s.start, s.start, s.ref)):
        lv = 1 + max((lv for t, lv in placed if t.start < s.end and s.start < t.end), default=0)
        placed.append((s, lv))
        levels[s.ref] = lv
    return levels

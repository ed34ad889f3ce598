"""Offsets in Label Studio exports: code points, UTF-16 code units (older exports) and LF-only newlines."""
from __future__ import annotations

from typing import Any

from .tasks import Region

OFFSET_SYSTEMS = ("codepoints", "utf16", "lf", "utf16-lf")


def utf16_length(s: str) -> int:
    """Length of ``s`` in UTF-16 code units.

    >>> utf16_length("a😀")
    3
    """
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


def _positions(text: str, system: str) -> list[int]:
    """For each code point position of ``text`` (and its end), its offset in ``system``."""
    out = [0]
    pos = 0
    for i, ch in enumerate(text):
        if system in ("lf", "utf16-lf") and ch == "\r" and text[i + 1:i + 2] == "\n":
            step = 0
        elif system in ("utf16", "utf16-lf") and ord(ch) > 0xFFFF:
            step = 2
        else:
            step = 1
        pos += step
        out.append(pos)
    return out


def offset_maps(text: str, system: str) -> tuple[list[int], dict[int, int]]:
    """``(to_system, from_system)``: code point position to ``system`` offset and back.

    A ``system`` offset that falls inside a surrogate pair or between ``\\r`` and ``\\n`` has no code point
    position (it is missing from ``from_system``).

    >>> to, back = offset_maps("😀ab", "utf16")
    >>> to[1], back[3], 1 in back
    (2, 2, False)
    """
    to = _positions(text, system)
    back: dict[int, int] = {}
    for cp in range(len(to) - 1, -1, -1):
        back[to[cp]] = cp  # the smallest code point position with that offset (\r of \r\n, not \n)
    return to, back


def _unescaped(s: str) -> str:
    s = s.replace("\\r", "\r").replace("\\n", "\n")
    return s.replace("\r\n", "\n").replace("\r", "\n")


def text_agrees(actual: str, exported: object) -> bool:
    """True when Label Studio's ``value.text`` is ``actual``, allowing its escaped newlines (and \\r\\n as \\n).

    >>> text_agrees("a\\nb", "a\\\\nb"), text_agrees("a\\r\\nb", "a\\r\\\\nb"), text_agrees("ab", "ax")
    (True, True, False)
    """
    if not isinstance(exported, str):
        return True
    return _unescaped(actual) == _unescaped(exported)


def choose_offsets(text: str, regions: list[Region], wanted: str) -> str:
    """The offset system under which every region's offsets and ``value.text`` agree with ``text``."""
    if wanted != "auto":
        return wanted
    for system in OFFSET_SYSTEMS:
        back: dict[Any, int] = offset_maps(text, system)[1]
        ok = True
        for r in regions:
            v = r.value
            s, e = back.get(v.get("start")), back.get(v.get("end"))
            if s is None or e is None or not s < e or not text_agrees(text[s:e], v.get("text")):
                ok = False
                break
        if ok:
            return system
    return "codepoints"

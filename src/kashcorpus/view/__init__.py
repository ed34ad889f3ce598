"""The annotated corpus as a static review site that opens from the file system."""
from __future__ import annotations

__all__ = ["build_site"]


def build_site(root, out, layer: str = "gold") -> dict:
    """Write the review site for the corpus at ``root`` into ``out`` (see :func:`kashcorpus.view.site.build_site`)."""
    from .site import build_site as _build

    return _build(root, out, layer)

"""Inter-annotator agreement between two annotation layers (gold and an independent pass): compare, report, adjudicate."""
from __future__ import annotations

from .compare import (CLAIM_ATTRIBUTES, LAYERS, ROLES, agreement, agreements, cohen_kappa, compare, exact_score, jaccard,
                      label_agreement, layer_files, match, nominal_alpha, overlap, overlap_score, pass_layers, prf,
                      triple_exact_score, triple_overlap_score)
from .adjudicate import adjudicate, open_disagreements, render_open
from .report import (REPORT_BLOCK, SUMMARY_BLOCK, reading_md, summary_rows, to_markdown, to_markdown_all,
                     to_summary_markdown, to_summary_markdown_all, to_text, write_report)

__all__ = ["adjudicate", "open_disagreements", "render_open",
           "CLAIM_ATTRIBUTES", "LAYERS", "ROLES", "agreement", "agreements", "cohen_kappa", "compare", "exact_score",
           "jaccard", "label_agreement", "layer_files", "match", "nominal_alpha", "overlap", "overlap_score",
           "pass_layers", "prf", "triple_exact_score", "triple_overlap_score", "REPORT_BLOCK", "SUMMARY_BLOCK",
           "reading_md", "summary_rows", "to_markdown", "to_markdown_all", "to_summary_markdown",
           "to_summary_markdown_all", "to_text", "write_report"]

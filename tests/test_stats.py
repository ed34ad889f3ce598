"""Statistics tables: computed from the data, kept in sync with the data card."""
from __future__ import annotations

import json

from kashcorpus.cli import main
from kashcorpus.gendocs import markers, replace_between, stale_message
from kashcorpus.stats import compute, to_markdown


def test_the_data_card_statistics_match_the_data(repo_root):
    card = (repo_root / "DATACARD.md").read_text(encoding="utf-8")
    assert replace_between(card, "stats", to_markdown(compute(repo_root))) == card, \
        stale_message("DATACARD.md", "stats")


def test_the_card_keeps_its_agreement_and_stats_markers(repo_root):
    card = (repo_root / "DATACARD.md").read_text(encoding="utf-8")
    for marker in (*markers("stats"), *markers("agreement")):
        assert card.count(marker) == 1


def test_the_totals_are_the_sums_of_the_documents(repo_root):
    stats = compute(repo_root)
    for layer in ("mentions", "claims", "attributions", "zones"):
        total = sum(d[layer] for d in stats["documents"])
        assert f"| {total} |" in to_markdown(stats)
    assert sum(n for n, _ in stats["mentions"].values()) == sum(d["mentions"] for d in stats["documents"])
    assert sum(stats["claims"]["by_type"].values()) == sum(d["claims"] for d in stats["documents"])


def test_a_changed_annotation_makes_the_check_fail_and_write_repairs_it(corpus_copy, repo_root, capsys):
    card = corpus_copy / "DATACARD.md"
    card.write_text((repo_root / "DATACARD.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["stats", str(corpus_copy), "--check", str(card)]) == 0
    gold = corpus_copy / "annotations" / "gold" / "kash-004.jsonl"
    lines = gold.read_text(encoding="utf-8").splitlines(keepends=True)
    last_claim = max(i for i, line in enumerate(lines) if json.loads(line)["type"] == "claim")
    del lines[last_claim]
    gold.write_text("".join(lines), encoding="utf-8")  # a link still names the claim: --force, mid-edit
    assert main(["stats", str(corpus_copy), "--check", str(card), "--force"]) == 1
    assert main(["stats", str(corpus_copy), "--write", str(card), "--force"]) == 0
    assert main(["stats", str(corpus_copy), "--check", str(card), "--force"]) == 0
    assert "Baselines" in card.read_text(encoding="utf-8")


def test_a_card_without_markers_is_a_usage_error(corpus_copy, capsys):
    card = corpus_copy / "CARD.md"
    card.write_text("# no markers\n", encoding="utf-8")
    assert main(["stats", str(corpus_copy), "--write", str(card)]) == 2
    assert "stats:start" in capsys.readouterr().err


def test_stats_prints_markdown_without_a_card(repo_root, capsys, monkeypatch):
    monkeypatch.chdir(repo_root)
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### Documents") and "| kash-000 |" in out


def test_the_formats_figures_in_docs_formats_md_are_the_generated_ones(repo_root):
    from kashcorpus.stats import format_figures, formats_markdown

    doc = (repo_root / "docs" / "formats.md").read_text(encoding="utf-8")
    assert replace_between(doc, "formats", formats_markdown(format_figures(repo_root))) == doc, \
        "docs/formats.md figures are stale: run kashcorpus stats --formats --write docs/formats.md"


def test_on_the_gold_the_ner_config_and_conll_keep_every_mention_and_the_sentences_every_claim(repo_root):
    from kashcorpus.stats import format_figures

    f = format_figures(repo_root)
    assert f["mentions"]["expand"]["exact"] == f["mentions"]["expand"]["spans"] > 0
    assert f["sentences"]["mentions_cut"] == 0
    assert f["claims"]["carried"] == f["claims"]["total"] > 0

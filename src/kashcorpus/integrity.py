"""The integrity suite's invariants and figures: run the property tests, count, write them into the docs."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .resources import PACKAGE_DIR

SUITE = ("tests/test_validate.py", "tests/test_validate_mutations.py", "tests/test_validate_fuzz.py",
         "tests/test_schemas.py", "tests/test_io.py", "tests/test_hostile.py", "tests/test_hostile_checkout.py",
         "tests/test_cli_hostile.py", "tests/test_cli_environment.py", "tests/test_revisions.py")

# (invariant in one sentence, the test that checks it as file::function)
INVARIANTS = (
    ("Every generated valid corpus (arbitrary Unicode, every layer, registry, links, passes) validates with zero findings.",
     "tests/test_validate.py::test_every_generated_valid_corpus_validates_with_zero_findings"),
    ("For every finding code, a mutation that breaks exactly that rule is reported with that code at that file, line and record, "
     "and nothing outside the codes the break may cause.",
     "tests/test_validate_mutations.py::test_each_mutation_is_reported_with_its_code_at_its_location"),
    ("Every code in schema/findings.json has a mutation operator, and every operator names a code in the catalogue.",
     "tests/test_validate_mutations.py::test_every_catalogue_code_has_a_mutation_operator"),
    ("Every rule of an annotation file has a detailed and a fast form, and every catalogue code is checked somewhere.",
     "tests/test_validate_mutations.py::test_every_rule_has_both_forms_and_every_code_is_checked_somewhere"),
    ("A rule's fast form never passes a file its detailed form reports (files broken by the mutation catalogue).",
     "tests/test_validate_mutations.py::test_a_rules_fast_form_never_passes_a_file_its_detailed_form_reports"),
    ("Validation with worker processes finds exactly what one process finds.",
     "tests/test_validate.py::test_validation_with_worker_processes_finds_what_one_process_finds"),
    ("The fast path summarises a clean annotation file exactly as the detailed path does.",
     "tests/test_validate.py::test_the_fast_path_summarises_a_clean_file_as_the_detailed_path_does"),
    ("A copy of the corpus with a shifted span, a duplicated id, a dangling reference and a malformed line exits 1 "
     "and lists each finding with code, file and line.",
     "tests/test_validate.py::test_a_broken_copy_is_reported_with_code_file_and_line_in_json"),
    ("Garbage (binary, empty, NUL, UTF-16, deep nesting) in any file gives findings, never a traceback.",
     "tests/test_validate.py::test_garbage_in_any_file_gives_findings_and_no_traceback"),
    ("The validator never raises on arbitrary bytes in any file.",
     "tests/test_validate_fuzz.py::test_arbitrary_bytes_in_any_file_never_raise"),
    ("The validator never raises on a valid file with bytes flipped, deleted or inserted.",
     "tests/test_validate_fuzz.py::test_corrupted_bytes_of_a_valid_file_never_raise"),
    ("The validator never raises on arbitrary JSON lines.",
     "tests/test_validate_fuzz.py::test_arbitrary_json_lines_never_raise"),
    ("The validator never raises on records that pass the schema but point anywhere.",
     "tests/test_validate_fuzz.py::test_schema_valid_nonsense_never_raises"),
    ("The validator never raises on arbitrary file names in the corpus folders.",
     "tests/test_validate_fuzz.py::test_arbitrary_file_names_never_raise"),
    ("Every schema is valid against the JSON Schema draft 2020-12 meta-schema.",
     "tests/test_schemas.py::test_each_schema_is_valid_against_the_draft_2020_12_meta_schema"),
    ("jsonschema-rs (fast path) and jsonschema (reference) agree on records generated from the schemas.",
     "tests/test_schemas.py::test_fast_and_reference_validators_agree_on_schema_generated_records"),
    ("jsonschema-rs and jsonschema agree on generated valid records and on their mutations.",
     "tests/test_schemas.py::test_fast_and_reference_validators_agree_on_generated_valid_and_mutated_records"),
    ("JSONL -> model -> JSONL is byte-identical for every record type.",
     "tests/test_io.py::test_jsonl_to_model_to_jsonl_is_byte_identical"),
    ("A written corpus is already canonical: kashcorpus fmt changes nothing.",
     "tests/test_io.py::test_a_written_corpus_is_already_in_canonical_form"),
    ("Texts read back exactly (CRLF and lone CR kept) and every span still slices its text.",
     "tests/test_io.py::test_texts_read_back_exactly_with_crlf_and_lone_cr_kept"),
    ("Offsets count code points: astral characters, combining marks, ZWJ sequences, RTL text, CRLF and lone CR.",
     "tests/test_io.py::test_offsets_count_code_points"),
    ("model -> parquet -> model is equal.",
     "tests/test_io.py::test_model_to_parquet_to_model_is_equal"),
    ("A document or entity id can never name a path or a device: refused by the schemas.",
     "tests/test_hostile.py::test_a_hostile_id_is_refused_by_the_schemas"),
    ("... and refused again at the file layer.",
     "tests/test_hostile.py::test_a_hostile_id_is_refused_again_at_the_file_layer"),
    ("The schema and the file layer agree on what a document id is.",
     "tests/test_hostile.py::test_the_schema_and_the_file_layer_agree_on_what_a_document_id_is"),
    ("Text and annotation files named by no valid id are reported, never followed.",
     "tests/test_hostile.py::test_files_named_by_no_valid_id_are_reported_not_followed"),
    ("A pass folder named by no valid annotator never validates.",
     "tests/test_hostile.py::test_a_pass_folder_named_by_no_valid_annotator_never_validates"),
    ("Nothing beside the checkout is read.",
     "tests/test_hostile.py::test_a_stray_write_outside_the_corpus_is_never_read"),
    ("No source file runs data as code (no eval/exec, pickle, marshal, unsafe YAML, shell).",
     "tests/test_hostile.py::test_no_source_file_runs_data_as_code"),
    ("A FIFO in place of a file is reported instead of blocking the validator.",
     "tests/test_hostile.py::test_a_fifo_in_place_of_a_file_is_reported_without_blocking"),
    ("A 100 MB line is refused (line-too-long) in bounded memory.",
     "tests/test_hostile.py::test_a_100_mb_line_is_refused_with_a_clear_finding_in_bounded_memory"),
    ("Many spans in one document (a million in the thorough profile) validate in bounded memory.",
     "tests/test_hostile.py::test_many_spans_in_one_document_complete_in_bounded_memory"),
    ("No command follows a symbolic link of a checkout: a committed link to a secret or to the process's environment "
     "is a file-unsafe finding, and the secret appears in no output format, page or dataset file.",
     "tests/test_hostile_checkout.py::test_no_command_prints_or_builds_anything_a_committed_link_points_to"),
    ("Every command run on every corruption of a checkout answers without a traceback, and changes nothing when it fails.",
     "tests/test_cli_hostile.py::test_every_command_answers_a_corrupted_checkout_without_a_traceback_and_changes_nothing"),
    ("A hostile import file (malformed Label Studio values, a brat folder with a FIFO, a link loop or a 4,300-digit "
     "offset, a device) gets one coded error and changes nothing.",
     "tests/test_cli_hostile.py::test_a_hostile_import_file_gets_one_coded_error_and_changes_nothing"),
    ("A device, a FIFO, a folder or a link loop given to document add as the article gets one coded error at once "
     "and changes nothing.",
     "tests/test_cli_hostile.py::test_a_hostile_article_file_gets_one_coded_error_at_once_and_changes_nothing"),
    ("On a full disk every writer says so in one coded line and leaves no file changed and no temporary file.",
     "tests/test_cli_environment.py::test_every_writer_on_a_full_disk_says_so_in_one_coded_line_and_changes_nothing"),
    ("A revision never becomes a git option, and an archive member that is not a plain file inside the folder is refused.",
     "tests/test_revisions.py::test_an_unsafe_member_is_refused_with_a_code_before_anything_is_written"),
)

def source_root() -> Path | None:
    """The source checkout holding ``tests/`` (the suite is not part of a wheel), or ``None``."""
    for root in (Path.cwd(), PACKAGE_DIR.parent.parent):
        if all((root / t).is_file() for t in SUITE):
            return root
    return None


def invariants_table() -> str:
    """The invariants as a markdown table.

    >>> invariants_table().splitlines()[0]
    '| invariant | checked by |'
    """
    rows = ["| invariant | checked by |", "|---|---|"]
    for sentence, test in INVARIANTS:
        rows.append(f"| {sentence.replace('|', chr(92) + '|')} | `{test}` |")
    return "\n".join(rows) + "\n"


@dataclass
class Run:
    """What one run of the suite did: pytest's counts and the figures the property tests recorded."""

    profile: str
    seed: int
    tests: int
    failed: int
    skipped: int
    figures: dict

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.tests > 0


def run_suite(root: Path, profile: str = "default", seed: int = 0) -> Run:
    """Run the integrity tests in a subprocess with a fixed hypothesis seed and collect their figures."""
    import xml.etree.ElementTree as ET  # our own junit file

    with tempfile.TemporaryDirectory() as tmp:
        figures_file, junit = Path(tmp) / "figures.json", Path(tmp) / "junit.xml"
        env = {**os.environ, "KASHCORPUS_FIGURES": str(figures_file), "HYPOTHESIS_PROFILE": profile}
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not integration",
               f"--hypothesis-profile={profile}", f"--hypothesis-seed={seed}", f"--junitxml={junit}", *SUITE]
        subprocess.run(cmd, cwd=root, env=env, check=False)
        figures = json.loads(figures_file.read_text(encoding="utf-8")) if figures_file.exists() else {}
        tests = failed = skipped = 0
        if junit.exists():
            for suite in ET.parse(junit).getroot().iter("testsuite"):
                tests += int(suite.get("tests", 0))
                failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
                skipped += int(suite.get("skipped", 0))
    return Run(profile, seed, tests, failed, skipped, figures)


def figures_markdown(run: Run) -> str:
    """The figures of a run as markdown: totals, then the mutation catalogue code by code."""
    f = run.figures
    lines = [f"Last run: `kashcorpus integrity --profile {run.profile} --seed {run.seed} --write docs/integrity.md`: "
             f"{run.tests} tests, {run.failed} failed, {run.skipped} skipped.", "",
             "| figure | count |", "|---|---|"]
    for name, value in sorted(f.items()):
        if not name.startswith("mutations ") or ":" not in name:
            lines.append(f"| {name} | {value} |")
    lines += ["", "| code | mutations applied | caught |", "|---|---|---|"]
    for name in sorted(k for k in f if k.startswith("mutations applied: ")):
        code = name.split(": ", 1)[1]
        lines.append(f"| `{code}` | {f[name]} | {f.get(f'mutations caught: {code}', 0)} |")
    return "\n".join(lines) + "\n"


def write_tables(root: Path) -> list[str]:
    """Regenerate the generated tables of ``docs/integrity.md`` (invariants) and ``docs/validation.md`` (codes)."""
    from .findings import catalogue_markdown
    from .gendocs import write_between

    changed = []
    for rel, name, content in (("docs/integrity.md", "invariants", invariants_table()),
                               ("docs/validation.md", "codes", catalogue_markdown())):
        if write_between(root / rel, name, content):
            changed.append(rel)
    return changed

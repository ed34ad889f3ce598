"""The benchmark's profiles: what `make bench` (quick) and `make bench-full` (full) measure, and how often."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """One way to run the benchmark.

    ``sizes`` are the documents of each synthetic corpus (``kashcorpus synth --docs N --seed 1``); every
    timed step runs ``repeat`` times in a fresh process and keeps the median. ``inject_at`` are the sizes at
    which a second corpus, with ``inject`` errors of each kind, checks that the validator finds every one.
    ``import_regions`` are the sizes of the generated Label Studio and brat imports, each run
    ``import_repeat`` times. A step still running after ``step_timeout_s`` seconds, or holding more than
    ``step_memory_mb`` MB, is stopped and recorded as such (a step that grows faster than its input must not
    hold the run, or a shared machine, for hours). ``suggest_docs`` are the sizes of the synthetic corpora
    ``kashcorpus suggest`` pre-annotates with a registry of ``registry_entities`` entities, ``import_repeat``
    times (like an import, a step that grows with its input); the commands of the five-document corpus
    (``document add``, ``adjudicate --next``, ``link ls``) run ``repeat`` times.
    ``budget_s`` is the wall time the whole run must stay under on two cores (``None``: no limit).
    ``hostile_mb`` is the size of the hostile import inputs (a Label Studio export of one region repeated, a
    brat ``.ann`` of lines repeated) whose peak memory is measured against the bound of docs/integrity.md.
    """

    name: str
    sizes: tuple[int, ...]
    repeat: int
    inject_at: tuple[int, ...]
    inject: int
    import_regions: tuple[int, ...]
    import_repeat: int
    suggest_docs: tuple[int, ...]
    registry_entities: int
    step_timeout_s: int
    step_memory_mb: int
    budget_s: int | None
    description: str
    hostile_mb: int = 50


PROFILES: dict[str, Profile] = {p.name: p for p in (
    Profile("quick", sizes=(1_000, 20_000), repeat=2, inject_at=(1_000,), inject=2,
            import_regions=(10_000, 100_000), import_repeat=1, suggest_docs=(1_000, 20_000),
            registry_entities=10_000, step_timeout_s=150, step_memory_mb=4096, budget_s=300,
            description="1,000 and 20,000 documents, imports of 10,000 and 100,000 regions, suggest on 1,000 and "
                        "20,000 documents; under 5 minutes on 2 cores (`make bench`)"),
    Profile("full", sizes=(1_000, 20_000, 100_000), repeat=3, inject_at=(1_000, 20_000, 100_000), inject=2,
            import_regions=(10_000, 100_000), import_repeat=3, suggest_docs=(1_000, 20_000),
            registry_entities=10_000, step_timeout_s=3600, step_memory_mb=8192, budget_s=None,
            description="1,000, 20,000 and 100,000 documents, imports of 10,000 and 100,000 regions, suggest on "
                        "1,000 and 20,000 documents; about 45 minutes on 2 cores (`make bench-full`)"),
)}
DEFAULT = "quick"

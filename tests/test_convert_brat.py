"""brat standoff: a folder that opens in brat, read back line by line; the real tutorial files accounted for."""
from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from strategies import corpora

from kashcorpus.cli import main
from kashcorpus.convert.brat import FIELD_BREAKS, field_text, from_brat, to_brat
from kashcorpus.convert.common import Annotated
from kashcorpus.io import read_jsonl
from kashcorpus.layout import Layout

FIXTURE = Path(__file__).parent / "fixtures" / "brat" / "nlplab-brat_tutorial-news"


def with_brat_notes(records: list[dict]) -> list[dict]:
    """What brat can hold of each record: notes with line breaks and tabs as spaces."""
    return [dict(r, note=field_text(r["note"])) if r.get("note") is not None else r for r in records]


@given(corpora(max_docs=2))
def test_export_then_import_gives_back_exactly_the_same_records(corpus):
    for d in corpus.docs:
        ann, problems = to_brat(Annotated(d.id, d.text, d.records))
        assert len(problems) == sum(1 for r in d.records if any(ch in FIELD_BREAKS for ch in r.get("note") or ""))
        got = from_brat(d.text, ann, d.id)
        assert got.problems == []
        assert sorted(got.records, key=lambda r: r["id"]) == sorted(with_brat_notes(d.records), key=lambda r: r["id"])
        lines = [n for n, line in enumerate(ann.split("\n"), 1) if line]
        assert sorted(got.accounted) == lines


def test_every_line_of_the_brat_tutorial_is_imported_or_rejected_with_a_message():
    text = (FIXTURE / "000-introduction.txt").read_bytes().decode("utf-8")
    ann = (FIXTURE / "000-introduction.ann").read_bytes().decode("utf-8")
    got = from_brat(text, ann, "intro", {"Person": "PER", "Organization": "ORG"})
    lines = {n for n, line in enumerate(ann.split("\n"), 1) if line.strip()}
    rejected = {int(p.where.split()[1]) for p in got.problems}
    assert set(got.accounted) | rejected == lines and not set(got.accounted) & rejected
    assert [(r["text"], r["label"]) for r in got.records] == [
        ("Citibank", "ORG"), ("Raul Salinas de Gortari", "PER"), ("former Mexican president", "PER"),
        ("banks", "ORG"), ("Switzerland", "GPE")]
    kinds = {p.where.split()[2].strip("()"): p.code for p in got.problems}
    assert kinds["T2"] == "import-unknown-label" and kinds["E1"] == "import-unknown-event" and kinds["R1"] == "import-unknown-relation"
    assert all(p.message for p in got.problems)
    for r in got.records:
        assert text[r["start"]:r["end"]] == r["text"]


def test_a_discontinuous_span_is_refused_never_truncated():
    got = from_brat("Hamas and the Lashkar", "T1\tORG 0 5;14 21\tHamas Lashkar\n", "d")
    assert got.records == []
    (p,) = got.problems
    assert p.code == "import-discontinuous-span" and "0-5, 14-21" in p.message and "not truncated" in p.message


def test_a_shifted_t_line_is_rejected():
    got = from_brat("Hamas met", "T1\tORG 1 6\tHamas\n", "d")
    assert got.records == [] and got.problems[0].code == "import-span-mismatch"


def test_the_exported_folder_has_the_brat_configuration_and_imports_back(corpus_copy, tmp_path):
    out = tmp_path / "brat"
    assert main(["brat", "export", str(out), "--root", str(corpus_copy)]) == 0
    for name in ("annotation.conf", "tools.conf", "visual.conf"):
        assert (out / name).is_file()
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert all(f"[{s}]" in conf for s in ("entities", "relations", "events", "attributes"))
    for txt in corpus_copy.joinpath("corpus", "texts").glob("*.txt"):
        assert (out / txt.name).read_bytes() == txt.read_bytes()
    assert main(["brat", "import", str(out), "--root", str(corpus_copy), "--annotator", "brat"]) == 0
    layout = Layout(corpus_copy)
    for gold in layout.gold_dir.glob("*.jsonl"):
        assert read_jsonl(layout.pass_path("brat", gold.stem))[1:] == read_jsonl(gold)[1:]


def test_importing_a_foreign_folder_writes_nothing_and_says_why(corpus_copy, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    text = Layout(corpus_copy).text_path("kash-000").read_bytes()
    (folder / "kash-000.txt").write_bytes(text)
    (folder / "kash-000.ann").write_text("T1\tMoney 0 5\tHamas\n", encoding="utf-8")
    assert main(["brat", "import", str(folder), "--root", str(corpus_copy), "--annotator", "x"]) == 1
    err = capsys.readouterr().err
    assert "import-unknown-label" in err and "nothing was written" in err
    assert not Layout(corpus_copy).pass_path("x", "kash-000").exists()


def tutorial() -> tuple[str, str]:
    return ((FIXTURE / "000-introduction.txt").read_bytes().decode("utf-8"),
            (FIXTURE / "000-introduction.ann").read_bytes().decode("utf-8"))


def test_a_repeated_t_id_is_reported_and_never_replaces_the_first():
    text, ann = tutorial()
    got = from_brat(text, ann + "T6\tOrganization 418 426\tCitibank\n", "intro", {"Organization": "ORG", "Person": "PER"})
    dup = [p for p in got.problems if p.code == "import-duplicate-id"]
    assert len(dup) == 1 and "T6 is defined on line" in dup[0].message and dup[0].severity == "error"
    assert {(r["start"], r["text"]) for r in got.records if r["type"] == "mention"} >= {(540, "banks"), (418, "Citibank")}


def exported_kash_000(root: Path) -> tuple[str, str, list[dict]]:
    from kashcorpus.convert.common import load_documents

    (d,) = load_documents(root, ["kash-000"])
    return d.text, to_brat(d)[0], d.records


def test_a_note_edited_without_the_bar_keeps_its_record_id(repo_root):
    text, ann, records = exported_kash_000(repo_root)
    first = next(r for r in records if r["type"] == "mention")
    edited = re.sub(rf"(AnnotatorNotes T\d+\t{first['id']})\n", r"\1 check spelling\n", ann, count=1)
    assert edited != ann
    got = from_brat(text, edited, "kash-000")
    assert got.problems == []
    again = next(r for r in got.records if r["id"] == first["id"])
    assert (again["start"], again["note"]) == (first["start"], "check spelling")
    assert sorted(r["id"] for r in got.records) == sorted(r["id"] for r in records)


def test_an_id_note_copied_onto_a_new_t_line_is_reported_not_dropped(repo_root):
    text, ann, records = exported_kash_000(repo_root)
    first = next(r for r in records if r["type"] == "mention")
    start = text.index("Hamas", first["end"])
    extra = f"T900\tORG {start} {start + 5}\tHamas\n#900\tAnnotatorNotes T900\t{first['id']}\n"
    got = from_brat(text, ann + extra, "kash-000")
    assert [p.code for p in got.problems] == ["import-duplicate-id"]
    assert f"gives it the record id {first['id']}" in got.problems[0].message


def test_two_id_notes_on_one_record_are_reported():
    got = from_brat("Hamas met", "T1\tORG 0 5\tHamas\n#1\tAnnotatorNotes T1\tm1\n#2\tAnnotatorNotes T1\tm7\n", "d")
    assert [p.code for p in got.problems] == ["import-duplicate-id"] and got.records[0]["id"] == "m1"


def test_the_exported_folder_says_how_record_ids_travel(corpus_copy, tmp_path):
    out = tmp_path / "brat"
    assert main(["export", "brat", "kash-000", "--out", str(out), "--root", str(corpus_copy)]) == 0
    assert "Record ids:" in (out / "annotation.conf").read_text(encoding="utf-8")
    assert "import-duplicate-id" in (out / "README.md").read_text(encoding="utf-8")


def test_an_empty_folder_is_refused_not_imported_as_nothing(corpus_copy, tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["import", "brat", str(tmp_path / "empty"), "--root", str(corpus_copy), "--dry-run"]) == 2
    assert "holds no .ann files" in capsys.readouterr().err


def test_a_copied_t_line_making_an_identical_twin_is_refused_on_import(corpus_copy, tmp_path, capsys):
    out = tmp_path / "brat"
    assert main(["export", "brat", "kash-000", "--out", str(out), "--root", str(corpus_copy)]) == 0
    ann = (out / "kash-000.ann").read_text(encoding="utf-8")
    mention = next(m for m in re.finditer(r"^(T\d+)\t([A-Z]+) (\d+) (\d+)\t(.*)$", ann, re.M))
    norm = re.search(rf"^N\d+\tReference {mention.group(1)} (\S+)\t(.*)$", ann, re.M)
    assert norm is not None
    ann += (f"T9000\t{mention.group(2)} {mention.group(3)} {mention.group(4)}\t{mention.group(5)}\n"
            f"N9000\tReference T9000 {norm.group(1)}\t{norm.group(2)}\n")
    (out / "kash-000.ann").write_text(ann, encoding="utf-8")
    code = main(["import", "brat", str(out), "--root", str(corpus_copy), "--replace"])
    err = capsys.readouterr().err
    assert code == 1 and "duplicate-record" in err and "nothing was written" in err


def test_an_import_with_overlapping_mentions_is_refused_naming_the_other_and_writes_nothing(corpus_copy, tmp_path,
                                                                                           capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    text = Layout(corpus_copy).text_path("kash-000").read_text(encoding="utf-8")
    start = text.index("Al Aqsa Flood")
    (folder / "kash-000.txt").write_text(text, encoding="utf-8", newline="")
    (folder / "kash-000.ann").write_text(f"T1\tEVENT {start} {start + 13}\tAl Aqsa Flood\n"
                                         f"T2\tFAC {start + 8} {start + 13}\tFlood\n", encoding="utf-8")
    before = sorted(p for p in (corpus_copy / "annotations").rglob("*") if p.is_file())
    assert main(["import", "brat", str(folder), "--root", str(corpus_copy), "--annotator", "x"]) == 1
    err = capsys.readouterr().err
    assert "mention-overlap" in err and "nothing was written" in err
    assert f"'Flood' overlaps mention m1 [{start}, {start + 13}) 'Al Aqsa Flood'" in err
    assert sorted(p for p in (corpus_copy / "annotations").rglob("*") if p.is_file()) == before


# -- the registry as brat's normalisation database --------------------------------------------------------------

# the queries brat's server runs on a normalisation DB (server/src/normdb.py: ids_by_names, data_by_id)
BRAT_IDS_BY_NAME = "SELECT E.uid, N.value FROM entities E JOIN names N ON E.id = N.entity_id WHERE N.normvalue IN (?)"
BRAT_DATA_BY_ID = ("SELECT L.text, N.value FROM entities E JOIN {table} N ON E.id = N.entity_id "
                   "JOIN labels L ON L.id = N.label_id WHERE E.uid=?")


def brat_db(path: Path):
    import sqlite3

    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def test_the_export_names_the_registry_as_a_normalisation_database_brat_can_query(corpus_copy, tmp_path):
    out = tmp_path / "brat"
    assert main(["export", "brat", "--out", str(out), "--root", str(corpus_copy)]) == 0
    conf = (out / "tools.conf").read_text(encoding="utf-8")
    section = conf.split("[normalization]", 1)[1]
    lines = [ln for ln in section.splitlines() if ln.strip() and not ln.startswith("#")]
    assert len(lines) == 1
    name, _, options = lines[0].partition("\t")
    opts = dict(o.strip().split(":", 1) for o in options.split(","))
    assert name == "kashcorpus" and opts["DB"] == "kashcorpus" and opts["<URL>"].startswith("https://")
    registry = read_jsonl(Layout(corpus_copy).entities_file)
    assert len((out / "kashcorpus.tsv").read_text(encoding="utf-8").splitlines()) == len(registry)
    con = brat_db(out / "kashcorpus.db")
    for ent in registry:
        for surface in [ent["name"], *ent["aliases"]]:  # brat's search: lower case, hyphens as spaces
            found = con.execute(BRAT_IDS_BY_NAME, (surface.lower().strip().replace("-", " "),)).fetchall()
            assert ent["id"] in {uid for uid, _ in found}
        names = con.execute(BRAT_DATA_BY_ID.format(table="names"), (ent["id"],)).fetchall()
        assert names[0] == ("Name", ent["name"])  # brat shows the first name
        assert con.execute(BRAT_DATA_BY_ID.format(table="attributes"), (ent["id"],)).fetchall() == [("Type", ent["type"])]
    again = tmp_path / "again"
    assert main(["export", "brat", "--out", str(again), "--root", str(corpus_copy)]) == 0
    assert (again / "kashcorpus.db").read_bytes() == (out / "kashcorpus.db").read_bytes()  # deterministic


def test_entities_chosen_in_brat_from_the_database_come_back_on_import(corpus_copy, tmp_path):
    """The annotator links unlinked mentions in brat's normalisation dialog: brat writes an N line per choice,
    ``N<k>\\tReference T<t> kashcorpus:<id>\\t<the entry's name>``, and the import gives the mentions their entity."""
    out = tmp_path / "brat"
    assert main(["export", "brat", "kash-003", "--out", str(out), "--root", str(corpus_copy)]) == 0
    ann = (out / "kash-003.ann").read_text(encoding="utf-8").splitlines()
    links = {ln.split("\t")[1].split()[1]: ln.split("\t")[1].split()[2] for ln in ann
             if ln.startswith("N") and ln.split("\t")[1].split()[1].startswith("T")}
    assert len(links) > 10
    kept = [ln for ln in ann if not (ln.startswith("N") and ln.split("\t")[1].split()[1] in links)]
    con = brat_db(out / "kashcorpus.db")
    chosen = []
    for k, (t, ref) in enumerate(sorted(links.items(), key=lambda kv: int(kv[0][1:])), 1):
        uid = ref.partition(":")[2]
        (name,) = con.execute(BRAT_DATA_BY_ID.format(table="names"), (uid,)).fetchone()[1:]
        chosen.append(f"N{1000 + k}\tReference {t} kashcorpus:{uid}\t{name}")
    (out / "kash-003.ann").write_text("\n".join(kept + chosen) + "\n", encoding="utf-8")
    assert main(["import", "brat", str(out), "--root", str(corpus_copy), "--annotator", "linker"]) == 0
    layout = Layout(corpus_copy)
    assert read_jsonl(layout.pass_path("linker", "kash-003"))[1:] == read_jsonl(layout.gold_path("kash-003"))[1:]

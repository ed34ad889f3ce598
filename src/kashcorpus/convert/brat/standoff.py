"""brat standoff as brat defines it: the lines of an .ann file as objects, parsed and serialised, and the .conf files."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

from ...resources import taxonomy

# Characters Python's (and so brat's) line reading splits on: never inside a field of an .ann line.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
FIELD_BREAKS = LINE_BREAKS + "\t"
DB = "kashcorpus"
REGISTRY_HOME = "https://huggingface.co/datasets/kashcorpus/kashcorpus"  # the dataset's page: its entities config
ZONE, CLAIM, SOURCE, CUE, ATTRIBUTION = "Zone", "Claim", "Source", "Cue", "Attribution"
CLAIM_ATTRS = (("ClaimType", "claim_type"), ("Certainty", "certainty"), ("AssertedBy", "asserted_by"))
_TEXTBOUND = re.compile(r"(\S+) (\d+ \d+(?:;\d+ \d+)*)")


def field_text(s: str) -> str:
    """A span's text as written in an .ann line: line breaks and tabs become spaces (offsets stay exact).

    >>> field_text("a\\r\\nb\\tc")
    'a  b c'
    """
    return "".join(" " if ch in FIELD_BREAKS else ch for ch in s)


@dataclass(frozen=True)
class TextBound:
    """``T1<TAB>ORG 0 5<TAB>Hamas``: a typed span (several fragments when discontinuous)."""

    id: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    text: str
    line: int = 0


@dataclass(frozen=True)
class Event:
    """``E1<TAB>Attribution:T5 Source:T6 Claim:T2``: a typed trigger with role arguments."""

    id: str
    type: str
    trigger: str
    args: tuple[tuple[str, str], ...]
    line: int = 0


@dataclass(frozen=True)
class Attribute:
    """``A1<TAB>Certainty T2 hedged`` (or a binary ``A2<TAB>Checkworthy T2``; ``M`` lines are the same)."""

    id: str
    name: str
    target: str
    value: str | None
    line: int = 0


@dataclass(frozen=True)
class Normalization:
    """``N1<TAB>Reference T1 kashcorpus:hamas<TAB>hamas``: a link of an annotation to an external id."""

    id: str
    kind: str
    target: str
    ref: str
    text: str
    line: int = 0


@dataclass(frozen=True)
class Note:
    """``#1<TAB>AnnotatorNotes T1<TAB>m1 | the note``."""

    id: str
    target: str
    text: str
    line: int = 0


@dataclass(frozen=True)
class Relation:
    """``R1<TAB>Origin Arg1:T1 Arg2:T2`` (and ``*<TAB>Equiv T1 T2``): brat relations and equivalences."""

    id: str
    type: str
    line: int = 0


@dataclass(frozen=True)
class BadLine:
    """A line that is none of the above (it is reported, never skipped); ``why`` ends "cannot read <line>"."""

    id: str
    raw: str
    why: str
    line: int = 0


Item = Union[TextBound, Event, Attribute, Normalization, Note, Relation, BadLine]


@dataclass
class Standoff:
    """The lines of one .ann file, in file order."""

    items: list[Item] = field(default_factory=list)


def parse_line(n: int, line: str) -> Item:
    """One .ann line (without its line break) as the object it defines.

    >>> parse_line(1, "T1\\tORG 0 5\\tHamas")
    TextBound(id='T1', type='ORG', fragments=((0, 5),), text='Hamas', line=1)
    """
    ident, _, rest = line.partition("\t")
    head, _, tail = rest.partition("\t")
    kind = ident[:1]
    if kind == "T":
        m = _TEXTBOUND.fullmatch(head)
        if not m or any(len(x) > 18 for x in re.findall(r"\d+", m.group(2))):  # no offset has 19 digits
            return BadLine(ident, line, " as a text-bound annotation", n)
        frags = tuple((int(s), int(e)) for s, e in (f.split() for f in m.group(2).split(";")))
        return TextBound(ident, m.group(1), frags, tail, n)
    parts = head.split()
    if kind == "E":
        pairs = [tuple(p.split(":", 1)) for p in parts]
        if not pairs or any(len(p) != 2 for p in pairs):
            return BadLine(ident, line, " as an event", n)
        return Event(ident, pairs[0][0], pairs[0][1], tuple((r, a) for r, a in pairs[1:]), n)
    if kind in ("A", "M"):
        if len(parts) not in (2, 3):
            return BadLine(ident, line, " as an attribute", n)
        return Attribute(ident, parts[0], parts[1], parts[2] if len(parts) == 3 else None, n)
    if kind == "N":
        if len(parts) != 3:
            return BadLine(ident, line, " as a normalisation", n)
        return Normalization(ident, parts[0], parts[1], parts[2], tail, n)
    if kind == "#":
        if len(parts) != 2 or parts[0] != "AnnotatorNotes":
            return BadLine(ident, line, " as an annotator note", n)
        return Note(ident, parts[1], tail, n)
    if kind in ("R", "*"):
        return Relation(ident, parts[0] if parts else "?", n)
    return BadLine(ident, line, f": unknown annotation kind {kind!r}", n)


def parse(ann: str) -> Standoff:
    """Every non-blank line of an .ann text, parsed (lines are split at ``\\n``; a final ``\\r`` is dropped)."""
    out = Standoff()
    for n, raw in enumerate(ann.split("\n"), 1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if line.strip():
            out.items.append(parse_line(n, line))
    return out


def serialise_item(item: Item) -> str:
    """One object as its .ann line (without the line break).

    >>> serialise_item(Attribute("A1", "Checkworthy", "T2", None))
    'A1\\tCheckworthy T2'
    """
    if isinstance(item, TextBound):
        frags = ";".join(f"{s} {e}" for s, e in item.fragments)
        return f"{item.id}\t{item.type} {frags}\t{field_text(item.text)}"
    if isinstance(item, Event):
        return f"{item.id}\t" + " ".join(f"{r}:{a}" for r, a in ((item.type, item.trigger), *item.args))
    if isinstance(item, Attribute):
        return f"{item.id}\t{item.name} {item.target}" + ("" if item.value is None else f" {item.value}")
    if isinstance(item, Normalization):
        return f"{item.id}\t{item.kind} {item.target} {item.ref}\t{item.text}"
    if isinstance(item, Note):
        return f"{item.id}\tAnnotatorNotes {item.target}\t{field_text(item.text)}"
    if isinstance(item, BadLine):
        return item.raw
    return f"{item.id}\t{item.type}"


def serialise(standoff: Standoff) -> str:
    """The .ann text of ``standoff``: one line per object, each ending with a newline."""
    return "".join(serialise_item(item) + "\n" for item in standoff.items)


# -- the configuration files of an exported folder ---------------------------------------------------

# How record ids travel in AnnotatorNotes; written into the exported annotation.conf and README.md.
NOTE_CONVENTION = (
    "Record ids: the AnnotatorNotes of each annotation starts with its kashcorpus record id (m3, c2, z1, a4),",
    "then ' | ' and the annotator's note if there is one: 'm3' or 'm3 | check the spelling'. Keep the id when",
    "you edit a note ('m3 check the spelling' keeps m3 too). An annotation you add gets no id note: kashcorpus",
    "gives it the next free id. Never copy an id note onto another annotation: two annotations with one id",
    "(or one brat id such as T4 used twice) stop the import with import-duplicate-id, and nothing is written.",
)


def readme() -> str:
    """``README.md`` of an exported folder: what the files are and how ids travel."""
    return ("# kashcorpus annotations in brat standoff\n\n"
            "One `<doc>.txt` (the corpus text, byte for byte: do not edit it) and `<doc>.ann` per document, with\n"
            "`annotation.conf`, `visual.conf` and `tools.conf`. Read back with `kashcorpus import brat FOLDER`\n"
            "(`--dry-run` first to see what would change).\n\n"
            + "\n".join(NOTE_CONVENTION) + "\n\n"
            f"Entities: `{DB}.db` is the entity registry as brat's normalisation database `{DB}` (named in\n"
            f"`tools.conf`). Copy it into brat's `work/` folder (or run brat's `tools/norm_db_init.py {DB}.tsv`) and\n"
            "brat's annotation dialog offers the registry for a mention (search by name or alias); the choice is\n"
            f"written as `N1<TAB>Reference T1 {DB}:<entity id><TAB>name` and read back as the mention's entity.\n")


def annotation_conf() -> str:
    """``annotation.conf`` for the exported folder (all four sections), from the taxonomy."""
    tax = taxonomy()
    ents = [ZONE, *tax["mention"], CLAIM, SOURCE, CUE]
    out = ["# kashcorpus layers: zones, mentions (by label), claims, attribution source and cue;",
           "# an attribution is an event whose trigger is its content span.", *(f"# {line}" for line in NOTE_CONVENTION),
           "", "[entities]", "", *ents, "",
           "[relations]", "", "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>", "", "[events]", "",
           f"{ATTRIBUTION}\tSource?:{SOURCE}, Cue?:{CUE}, Parent?:{ATTRIBUTION}, Claim*:{CLAIM}", "",
           "[attributes]", "",
           f"ZoneType\tArg:{ZONE}, Value:{'|'.join(tax['zone'])}"]
    out += [f"{name}\tArg:{CLAIM}, Value:{'|'.join(tax[key])}" for name, key in CLAIM_ATTRS]
    out += [f"Checkworthy\tArg:{CLAIM}", f"SourceType\tArg:{ATTRIBUTION}, Value:{'|'.join(tax['source_type'])}"]
    return "\n".join(out) + "\n"


def visual_conf() -> str:
    tax = taxonomy()
    colours = ["#FF821C", "#a7c2ff", "#FFD412", "#8fd18f", "#c9a0dc", "#f4a6a6", "#9fd8df", "#e0e0a0"]
    out = ["[labels]", "", f"{ZONE} | Zone", f"{CLAIM} | Claim", f"{SOURCE} | Source", f"{CUE} | Cue",
           f"{ATTRIBUTION} | Attribution content | Content", "", "[drawing]", "",
           "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
           "ARC_DEFAULT\tcolor:black, dashArray:-, arrowHead:triangle-5", "",
           f"{ZONE}\tbgColor:#eeeeee", f"{CLAIM}\tbgColor:#ffe0b0", f"{SOURCE}\tbgColor:#b0d0ff",
           f"{CUE}\tbgColor:#d0b0ff", f"{ATTRIBUTION}\tbgColor:#b0ffd0"]
    out += [f"{label}\tbgColor:{colours[k % len(colours)]}" for k, label in enumerate(tax["mention"])]
    return "\n".join(out) + "\n"


def tools_conf() -> str:
    """``tools.conf``: brat's options, and the registry as the normalisation database ``kashcorpus`` (the files
    ``kashcorpus.db`` and ``kashcorpus.tsv`` of the folder), so brat's UI offers its entities for a mention."""
    return ("[options]\n\nValidation\tvalidate:all\nTokens\ttokenizer:whitespace\nSentences\tsplitter:newline\n"
            "Annotation-log\tlogfile:<NONE>\n\n[search]\n\n[annotators]\n\n[disambiguators]\n\n[normalization]\n\n"
            f"# N lines name entities of the kashcorpus registry (annotations/entities.jsonl) as {DB}:<id>. brat finds\n"
            f"# the database {DB} as {DB}.db in its work/ folder: copy {DB}.db there, or run brat's\n"
            f"# tools/norm_db_init.py {DB}.tsv (which also builds the index of approximate search).\n"
            f"{DB}\tDB:{DB}, <URL>:{REGISTRY_HOME}\n")


# -- the registry as a brat normalisation database ---------------------------------------------------------

NORM_TABLES = (  # the tables of brat's normalisation DB (tools/norm_db_init.py), which brat's server/src/normdb.py reads
    "CREATE TABLE entities (id INTEGER PRIMARY KEY, uid VARCHAR(255) UNIQUE)",
    "CREATE TABLE labels (id INTEGER PRIMARY KEY, text VARCHAR(255))",
    "CREATE TABLE names (id INTEGER PRIMARY KEY, entity_id INTEGER REFERENCES entities (id), "
    "label_id INTEGER REFERENCES labels (id), value VARCHAR(255), normvalue VARCHAR(255))",
    "CREATE TABLE attributes (id INTEGER PRIMARY KEY, entity_id INTEGER REFERENCES entities (id), "
    "label_id INTEGER REFERENCES labels (id), value VARCHAR(255), normvalue VARCHAR(255))",
    "CREATE TABLE infos (id INTEGER PRIMARY KEY, entity_id INTEGER REFERENCES entities (id), "
    "label_id INTEGER REFERENCES labels (id), value VARCHAR(255))",
    "CREATE INDEX entities_uid ON entities (uid)", "CREATE INDEX names_value ON names (value)",
    "CREATE INDEX names_normvalue ON names (normvalue)", "CREATE INDEX names_entity_id ON names (entity_id)",
    "CREATE INDEX attributes_value ON attributes (value)", "CREATE INDEX attributes_normvalue ON attributes (normvalue)",
    "CREATE INDEX attributes_entity_id ON attributes (entity_id)", "CREATE INDEX infos_entity_id ON infos (entity_id)",
)
NORM_TABLE = {"name": "names", "attr": "attributes", "info": "infos"}


def norm_entries(entities) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Each registry entity as brat's normalisation data: its id and ``(kind, label, string)`` triples (the name
    first, so brat shows it, then the aliases; the type as an attribute search can use; the description as
    information), in id order.

    >>> norm_entries([{"id": "hamas", "name": "Hamas", "type": "ORG", "aliases": ["Hamas", "Harakat"],
    ...                "description": "Palestinian\\tgroup."}])
    [('hamas', [('name', 'Name', 'Hamas'), ('name', 'Alias', 'Harakat'), ('attr', 'Type', 'ORG'), ('info', 'Description', 'Palestinian group.')])]
    """
    out = []
    for e in sorted(entities, key=lambda e: e["id"]):
        triples = [("name", "Name", field_text(e["name"]))]
        triples += [("name", "Alias", field_text(a)) for a in dict.fromkeys(e.get("aliases", [])) if a != e["name"]]
        triples.append(("attr", "Type", e["type"]))
        if e.get("description"):
            triples.append(("info", "Description", field_text(e["description"])))
        out.append((e["id"], triples))
    return out


def norm_tsv(entities) -> str:
    """The registry in the input format of brat's ``tools/norm_db_init.py``: ``ID<TAB>TYPE:LABEL:STRING…``.

    >>> norm_tsv([{"id": "doha", "name": "Doha", "type": "GPE", "aliases": []}])
    'doha\\tname:Name:Doha\\tattr:Type:GPE\\n'
    """
    return "".join(uid + "".join(f"\t{k}:{label}:{value}" for k, label, value in triples) + "\n"
                   for uid, triples in norm_entries(entities))


def norm_search_form(s: str) -> str:
    """A name as brat's normalisation DB stores it for search (lower case, hyphens as spaces), as brat computes it."""
    return s.lower().strip().replace("-", " ")


def norm_db(entities) -> bytes:
    """The registry as brat's normalisation SQLite database (the tables ``tools/norm_db_init.py`` makes), as bytes:
    the same registry gives the same bytes.

    >>> import sqlite3
    >>> con = sqlite3.connect(":memory:")
    >>> con.deserialize(norm_db([{"id": "doha", "name": "Doha", "type": "GPE", "aliases": []}]))
    >>> con.execute("SELECT E.uid FROM entities E JOIN names N ON E.id = N.entity_id WHERE N.normvalue = 'doha'").fetchall()
    [('doha',)]
    """
    import sqlite3

    con = sqlite3.connect(":memory:")
    try:
        for command in NORM_TABLES:
            con.execute(command)
        labels: dict[str, int] = {}
        rows: dict[str, int] = {}
        for eid, (uid, triples) in enumerate(norm_entries(entities), 1):
            con.execute("INSERT INTO entities VALUES (?, ?)", (eid, uid))
            for kind, label, value in triples:
                if label not in labels:
                    labels[label] = len(labels) + 1
                    con.execute("INSERT INTO labels VALUES (?, ?)", (labels[label], label))
                lid = labels[label]
                table = NORM_TABLE[kind]
                rows[table] = rows.get(table, 0) + 1
                values = (rows[table], eid, lid, value) + ((norm_search_form(value),) if table != "infos" else ())
                con.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(values))})", values)
        con.commit()
        return con.serialize()
    finally:
        con.close()

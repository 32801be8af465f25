"""Each of the five contracts is in the built graph whole, and read from its source.

The expected counts below were read by hand from the source documents in
../shared/seeds (not from the curated YAML files nor from ``cvkg stats``); the comment
of each contract says which lines were counted. The graph is queried with pyoxigraph
on the N-Quads dump of a fresh build (``built_dump`` in conftest.py); contracts are
found through their source file name (prov:wasDerivedFrom/dcterms:identifier).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

PREFIXES = """
PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
CDV = "https://w3id.org/contrats-de-ville/onto#"
LEVELS = (
    "Pilier",
    "Axe",
    "ThematiqueTransversale",
    "ObjectifStrategique",
    "ObjectifOperationnel",
    "ModaliteAction",
    "Constat",
)
LEVEL_VALUES = " ".join(f"cdv:{c}" for c in LEVELS)

# Independent counts, per source file and class (classes absent from a contract: 0).
EXPECTED: dict[str, dict[str, int]] = {
    # 000 — scrambled PDF extraction, rebuilt with the numbering as the guide.
    # Axe: the four "#n" ambitions thématiques, l.46 (#3), 52 (#2), 58 (#1), 61 (#4).
    # ObjectifStrategique: the eight first-level objectives "A."/"B.", l.65, 68 (end of the
    #   line: "A. OUVERTURE DES"), 73, 82, 91, 96, 98, 103 (two per ambition).
    # ObjectifOperationnel: the numbered second-level objectives: "1." x8 (l.68, 76, 94, 100,
    #   109, 119 printed "1-", 121, 128), "2." x8 (l.78, 89, 111, 113, 123, 193, 196, 198),
    #   "3." x7 (l.80, 84, 115, 117, 126, 188, 191), "4." x1 (l.87) = 24.
    # ThematiqueTransversale: the four transversal ambitions, l.135, 149, 158, 172. Not
    #   elements: the headings "4 AMBITIONS THÉMATIQUES" (l.130), "PREMIER/SECOND NIVEAU
    #   D'OBJECTIFS" (l.133), "DES AMBITIONS TRANVERSALES" (l.183), the title (l.186).
    "000_1096beb0e85d8ba9.txt": {
        "Axe": 4,
        "ObjectifStrategique": 8,
        "ObjectifOperationnel": 24,
        "ThematiqueTransversale": 4,
    },
    # 001 — Axe: the six thématiques "1 -" .. "6 -", l.4, 46, 62, 78, 94, 148.
    # ObjectifStrategique: "Orientation 1.1, 1.2, 1.3, 5.1, 5.2", l.6, 16, 32, 98, 120.
    # ObjectifOperationnel: the numbered items under each "Objectifs opérationnels":
    #   1.1: 2 (l.10-12), 1.2: 4 (l.20-28), 1.3: 3 (l.38-42), 2: 4 (l.50-56), 3: 4 (l.66-72),
    #   4: 4 (l.82-88), 5.1: 5 (l.104-112), 5.2: 3 (l.124-128), 6: 4 (l.152-158),
    #   transversal 1: 4 (l.199-203), transversal 2: 3 (l.218-220) = 40.
    # ThematiqueTransversale: l.193 and l.212, under "Deux thématiques transversales" (l.190).
    "001_629d7a99e5f4e6ca.txt": {
        "Axe": 6,
        "ObjectifStrategique": 5,
        "ObjectifOperationnel": 40,
        "ThematiqueTransversale": 2,
    },
    # 002 — Axe: "Axe stratégique 1..4", l.20, 241, 452, 687.
    # ObjectifStrategique: the unnumbered left column of the four tables: axe 1 l.71, 137,
    #   162, 217; axe 2 l.271, 301, 334, 403; axe 3 l.478, 536, 572; axe 4 l.701, 721, 736,
    #   747 = 15 (the text announces 14, l.5 and l.15; the "�" paragraphs l.28-50, 250-264,
    #   458-471 restate the same objectives and are not counted twice).
    # ObjectifOperationnel: "x.y" 1.1-1.10, 2.1-2.13, 3.1-3.9, 4.1-4.14 = 46; "x.y.z":
    #   axe 1: 4+3+3+4+5+2+4+3+1+2 = 31 (1.5.3 printed twice, l.150 and l.155; "1..3.2"
    #   l.119), axe 2: 3+3+3+1+3+4+4+3+2+2+1+4+3 = 36, axe 3: 3+2+5+3+3+4+6+3+8 = 37 → 104.
    # ThematiqueTransversale: the two "thématique(s) transversale(s) du Contrat de Ville",
    #   the youth (l.45-46, "la jeunesse", l.46) and equality between women and men
    #   (l.251-252, "l’égalité femme-homme", l.251), named inside two objectives' paragraphs.
    "002_002d73874d5f62f1.txt": {
        "Axe": 4,
        "ObjectifStrategique": 15,
        "ObjectifOperationnel": 150,
        "ThematiqueTransversale": 2,
    },
    # 003 — a two-column table (tab-separated).
    # Pilier: l.16, 21, 45, 62. ThematiqueTransversale: l.7 and l.12, the two axes under the
    #   heading "AXES TRANSVERSAUX" (l.6, which names the level and is not counted).
    # Axe: the thématiques in capitals l.22, 29, 38, 46 (its second half is l.47, alone in the
    #   left column: "L'HABITAT ET LE CADRE DE VIE : Renforcer l'attractivité…", like
    #   "LA SANTE : Réduire…" on one line), 55 = 5. l.62-63 have the same layout as l.46-47
    #   ("HEADING :" then a line alone in the left column) and are read the same way: l.63
    #   "Impulser une dynamique économique et de l'emploi" completes the pilier's heading
    #   (issue 10), so it is not an Axe of its own.
    # ObjectifStrategique: left-column cells with an objective opposite: l.8, 10, 13, 17,
    #   23, 26, 30, 35, 39, 41, 48, 50, 53, 56, 64, 66 = 16.
    # ObjectifOperationnel: right-column cells: 4+3+4+3+3+5+2+2+4+2+3+2+6+2+5 = 50.
    "003_d2f761683cab1619.txt": {
        "Pilier": 4,
        "Axe": 5,
        "ThematiqueTransversale": 2,
        "ObjectifStrategique": 16,
        "ObjectifOperationnel": 50,
    },
    # 004 — its own plan (section 8, "Le plan d'action détaillé", l.223-308) has 7 volets and
    #   25 enjeux.
    # Axe: the seven volets of the plan, l.225, 234, 245 (+ "(2/2)" l.255), 263, 270 (+ l.279),
    #   287 (+ l.297), 304 = 7.
    # ObjectifStrategique: the "Enjeux" column of the plan: 3 (gouvernance, l.228, 230, 231)
    #   + 4 (réussite, l.237, 239, 241, 242) + 5 (emploi, l.248, 250, 252, 258, 260) + 3
    #   (santé, l.266-268) + 4 (cohésion, l.273, 276, 282, 285) + 4 (habitat, l.290, 293, 300,
    #   302) + 2 (prévention: l.307 and l.308, the file's last line, without final newline) = 25.
    # Constat: section 6 "Les grands enjeux 2024-2030" is a diagnosis (l.154-182: "Le
    #   sentiment d'une paupérisation globale…", "La place prise par le trafic…"): its
    #   heading (l.154), the four "➤" headings (l.156, 160, 169, 175) and their items (l.158;
    #   162-167; 171-173; 177-182) = 1 + 4 + 16 = 21.
    # ThematiqueTransversale: the three transversal priorities of 7.3, l.219, 220, 221, and
    #   the two headings of 7.1 "Les priorités stratégiques", "Gouvernance & animation"
    #   (l.188) and "Projet de territoire" (l.199), neither a volet nor an enjeu of the plan = 5.
    # ObjectifOperationnel: the "Objectifs" column: 5 + 7 + 10 + 4 (l.268 holds two <p>) + 9 + 9
    #   + 2 = 46, and the seven priorités stratégiques of 7.1 under their two headings,
    #   l.190, 192, 194, 196 and l.201, 203, 205 = 7 → 53.
    # ModaliteAction: the "- " bullets of the third column, per row: 228-232: 3+3+4+4+1;
    #   237-243: 3+2+2+5+1+1+2 (the " - " of l.242 are dashes inside one bullet); 248-253:
    #   3+2+3+2+1+3; 258-261: 2+4+3+2; 266-268: 2+2+(5 bullets + 3 "o" sub-bullets);
    #   273-277: 4+2+4+3+3 (the "<p>En lien avec les Villes :</p>" lead-in is not an action);
    #   282-285: 2+1+2+4; 290-295: 1+3+1+2+1+3; 300-302, cells without bullets, one action per
    #   sentence: 1+2+2; 307-308: 4+1 → 15+16+14+11+12+16+9+11+5+5 = 114.
    "004_a26b9f87e29f24a0.txt": {
        "Axe": 7,
        "ObjectifStrategique": 25,
        "ObjectifOperationnel": 53,
        "ModaliteAction": 114,
        "ThematiqueTransversale": 5,
        "Constat": 21,
    },
}
SEEDS = sorted(EXPECTED)


@pytest.fixture(scope="module")
def store(built_dump: Path) -> ox.Store:
    s = ox.Store()
    s.bulk_load(path=str(built_dump), format=ox.RdfFormat.N_QUADS)
    return s


def select(store: ox.Store, query: str) -> list[dict[str, object]]:
    solutions = store.query(PREFIXES + query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    rows = []
    for sol in solutions:
        row = {}
        for name in names:
            term = sol[name]
            row[name] = None if term is None else term.value
        rows.append(row)
    return rows


# --- an independent reading of the sources ------------------------------------------------------

_MARKUP = re.compile(r"</?(?:ul|ol|li|p)\b[^>]*>", re.IGNORECASE)


def normalise(text: str) -> str:
    """Drop extraction debris (U+FFFD, markdown bold, HTML list tags) and collapse whitespace."""
    text = text.replace("\ufffd", " ").replace("**", "")
    text = _MARKUP.sub(" ", text)
    return " ".join(text.split())


def join_lines(lines: list[str]) -> str:
    """Lines joined with a space, except after a word hyphenated at the end of a line."""
    out = ""
    for line in lines:
        line = line.rstrip()
        if not line.strip():
            out += "\n"  # a blank line is whitespace, keeps a pending hyphenation
            continue
        stripped = out.rstrip()
        if re.search(r"\w-$", stripped):
            out = stripped + line.lstrip()
        else:
            out += " " + line
    return out


def found_at(source_lines: list[str], ligne: int, label: str, window: int = 60) -> bool:
    """The label occurs in the text that starts on line ``ligne`` (1-based), starting on that line."""
    if not 1 <= ligne <= len(source_lines):
        return False
    first = normalise(source_lines[ligne - 1])
    text = normalise(join_lines(source_lines[ligne - 1 : ligne - 1 + window]))
    wanted = normalise(label)
    if not first or not wanted:
        return False
    assert text.startswith(first), "the joined text must begin with the first line"
    start = text.find(wanted)
    while start != -1:
        if start < len(first):
            return True
        start = text.find(wanted, start + 1)
    return False


def test_normalisation_examples() -> None:
    lines = [
        "1.9.1 - Proposer une offre adaptée pour les pré-",
        "adolescents et les adolescents ",
        "",
        '<ul style="x"> - **Éducation** et�emploi</ul>',
    ]
    assert found_at(
        lines, 1, "Proposer une offre adaptée pour les pré-adolescents et les adolescents"
    )
    assert found_at(lines, 4, "Éducation et emploi")
    assert not found_at(lines, 2, "Proposer une offre")  # starts on the line above
    assert not found_at(lines, 1, "Proposer une offre adaptée pour les pré- adolescents")
    assert not found_at(lines, 3, "adolescents")  # a blank line starts no label
    assert not found_at(lines, 9, "adolescents")


def test_hand_counts_agree_with_the_printed_numbering(seeds_dir: Path) -> None:
    """Where the numbering makes it mechanical, a regex over the source gives the same counts."""

    def lines(name: str) -> list[str]:
        return (seeds_dir / name).read_text(encoding="utf-8").splitlines()

    s002 = lines("002_002d73874d5f62f1.txt")
    xyz = [n for n, line in enumerate(s002, 1) if re.match(r"\s*\d+\.+\d+\.\d+\s*[-–]", line)]
    xy = [n for n, line in enumerate(s002, 1) if n >= 20 and re.match(r"\s*\d+\.\d+\s*[-–]", line)]
    assert len(xyz) + len(xy) == EXPECTED["002_002d73874d5f62f1.txt"]["ObjectifOperationnel"]
    s001 = lines("001_629d7a99e5f4e6ca.txt")
    assert (
        sum(bool(re.match(r"\d+\. ", line)) for line in s001)
        == EXPECTED["001_629d7a99e5f4e6ca.txt"]["ObjectifOperationnel"]
    )
    s000 = lines("000_1096beb0e85d8ba9.txt")
    assert (
        sum(bool(re.match(r"\d+[.-] ", line)) for line in s000)
        == EXPECTED["000_1096beb0e85d8ba9.txt"]["ObjectifOperationnel"]
    )
    rows = [
        line.split("\t") for line in lines("003_d2f761683cab1619.txt")[5:]
    ]  # after the column heads
    pairs = [r for r in rows if len(r) == 2 and r[1].strip()]
    assert len(pairs) == EXPECTED["003_d2f761683cab1619.txt"]["ObjectifOperationnel"]
    assert (
        sum(bool(r[0].strip()) for r in pairs)
        == EXPECTED["003_d2f761683cab1619.txt"]["ObjectifStrategique"]
    )


# --- the graph against the sources ----------------------------------------------------------------


def test_one_contract_per_source(store: ox.Store) -> None:
    rows = select(
        store,
        """
        SELECT ?c ?file WHERE { ?c a cdv:Contrat ; prov:wasDerivedFrom/dcterms:identifier ?file }""",
    )
    assert sorted(r["file"] for r in rows) == SEEDS
    assert len({r["c"] for r in rows}) == len(SEEDS)


@pytest.mark.parametrize("seed", SEEDS)
def test_counts_per_class(store: ox.Store, seed: str) -> None:
    rows = select(
        store,
        f"""
        SELECT ?cls (COUNT(DISTINCT ?e) AS ?n) WHERE {{
            VALUES ?cls {{ {LEVEL_VALUES} }}
            ?e a ?cls ; cdv:contrat ?c .
            ?c prov:wasDerivedFrom/dcterms:identifier "{seed}" .
        }} GROUP BY ?cls""",
    )
    actual = {str(r["cls"]).removeprefix(CDV): int(str(r["n"])) for r in rows}
    expected = {k: v for k, v in EXPECTED[seed].items() if v}
    assert actual == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_labels_found_in_source_at_their_line(store: ox.Store, seeds_dir: Path, seed: str) -> None:
    rows = select(
        store,
        f"""
        SELECT ?e ?label ?ligne WHERE {{
            VALUES ?cls {{ {LEVEL_VALUES} }}
            ?e a ?cls ; cdv:contrat ?c ; skos:prefLabel ?label ; cdv:ligneSource ?ligne .
            ?c prov:wasDerivedFrom/dcterms:identifier "{seed}" .
        }}""",
    )
    assert len(rows) == sum(EXPECTED[seed].values())
    source = (seeds_dir / seed).read_text(encoding="utf-8").splitlines()
    missing = [
        f"line {r['ligne']}: {r['label']!r} ({r['e']})"
        for r in rows
        if not found_at(source, int(str(r["ligne"])), str(r["label"]))
    ]
    assert not missing, f"{len(missing)} label(s) not found in {seed} at their line:\n" + "\n".join(
        missing
    )


def test_every_element_has_one_contract_and_one_level(store: ox.Store) -> None:
    rows = select(
        store,
        f"""
        SELECT ?e (COUNT(DISTINCT ?c) AS ?contrats) (COUNT(DISTINCT ?cls) AS ?levels) WHERE {{
            VALUES ?cls {{ {LEVEL_VALUES} }}
            ?e a ?cls .
            OPTIONAL {{ ?e cdv:contrat ?c }}
        }} GROUP BY ?e""",
    )
    assert len(rows) == sum(sum(c.values()) for c in EXPECTED.values())
    wrong = [r for r in rows if (int(str(r["contrats"])), int(str(r["levels"]))) != (1, 1)]
    assert not wrong, wrong[:10]


def test_parents_belong_to_the_same_contract(store: ox.Store) -> None:
    rows = select(
        store,
        """
        SELECT ?e ?parent WHERE {
            ?e cdv:partieDe ?parent ; cdv:contrat ?c .
            FILTER NOT EXISTS { ?parent cdv:contrat ?c }
        }""",
    )
    assert not rows, rows[:10]
    children = select(
        store, "SELECT (COUNT(*) AS ?n) WHERE { ?e cdv:partieDe ?p ; cdv:contrat ?c }"
    )
    assert int(str(children[0]["n"])) > 400  # the check above did look at something


def test_ranks_are_1_to_n_among_siblings(store: ox.Store) -> None:
    rows = select(
        store,
        """
        SELECT ?c ?parent ?rang WHERE {
            ?e cdv:contrat ?c ; cdv:rang ?rang .
            OPTIONAL { ?e cdv:partieDe ?parent }
        }""",
    )
    siblings: dict[tuple[object, object], list[int]] = defaultdict(list)
    for r in rows:
        siblings[(r["c"], r["parent"])].append(int(str(r["rang"])))
    assert len(siblings) > 100
    wrong = {k: sorted(v) for k, v in siblings.items() if sorted(v) != list(range(1, len(v) + 1))}
    assert not wrong, list(wrong.items())[:5]


def test_seed_002_prints_1_5_3_twice_as_two_elements(store: ox.Store) -> None:
    rows = select(
        store,
        """
        SELECT DISTINCT ?e ?label WHERE {
            ?e skos:notation "1.5.3" ; cdv:contrat ?c ; skos:prefLabel ?label .
            ?c prov:wasDerivedFrom/dcterms:identifier "002_002d73874d5f62f1.txt" .
        }""",
    )
    assert len({r["e"] for r in rows}) == 2
    labels = sorted(str(r["label"]) for r in rows)
    assert labels[0].startswith("Développer et diffuser des contenus médiatiques")
    assert labels[1].startswith("Réaliser des aménagements urbains de qualité")


def test_seed_002_has_15_strategic_objectives(store: ox.Store) -> None:
    rows = select(
        store,
        """
        SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
            ?e a cdv:ObjectifStrategique ; cdv:contrat ?c .
            ?c prov:wasDerivedFrom/dcterms:identifier "002_002d73874d5f62f1.txt" .
        }""",
    )
    assert int(str(rows[0]["n"])) == 15


def test_whole_dump_conforms_to_the_shapes(built_dump: Path, repo_root: Path) -> None:
    """The build validates each contract before enrichment; this validates what it wrote."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    from app.validation import load_shapes, shacl_report

    triples = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(path=str(built_dump), format=ox.RdfFormat.N_QUADS)
    }
    nt = ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES) or b""
    data = Graph().parse(data=nt.decode("utf-8"), format="nt")
    taggings = set(data.subjects(RDF.type, URIRef(CDV + "Etiquetage")))
    assert taggings, "no cdv:Etiquetage in the dump: the tagging shapes would check nothing"
    ontology = Graph().parse(repo_root / "ontology" / "cdv.ttl", format="turtle")
    conforms, report = shacl_report(data, load_shapes(repo_root / "shapes"), ontology)
    assert conforms, report.serialize(format="turtle")[:5000]

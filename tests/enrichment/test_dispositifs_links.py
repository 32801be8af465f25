"""A programme named in order to exclude it is not mobilised (issue 10, 004 l. 294 "hors PRU").

The rule is general (app.enrichment.matching.MobilisationMatcher): the phrasings below are
written here, several per kind of exclusion, with controls where the same name is mobilised.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from app.enrichment.matching import MobilisationMatcher, exclusion_before

LABELS = [("npnru", "PRU"), ("npnru", "NPNRU"), ("pre", "PRE"), ("cls", "Contrat local de santé")]


@pytest.fixture(scope="module")
def store(built_dump: Path) -> ox.Store:
    s = ox.Store()
    s.bulk_load(path=str(built_dump), format=ox.RdfFormat.N_QUADS)
    return s


@pytest.fixture(scope="module")
def matcher() -> MobilisationMatcher:
    return MobilisationMatcher(LABELS)


@pytest.mark.parametrize(
    "text",
    [
        "Maintenir hors PRU un programme d'aménagement des espaces collectifs",
        "Financer des actions hors du NPNRU",
        "Des projets en dehors du PRU, portés par les Villes",
        "En dehors des PRU existants, soutenir les copropriétés",
        "Accompagner les familles sans le PRE",
        "Toutes les actions, à l'exception du Contrat local de santé",
        "Tous les dispositifs à l’exception des PRU",
        "Toutes les villes sauf le PRU de Melun",
        "Mobiliser les crédits hormis le NPNRU",
        "Les programmes autres que le PRE",
        "Les quartiers, excepté le PRU",
    ],
)
def test_excluded_programme_is_not_mobilised(matcher: MobilisationMatcher, text: str) -> None:
    assert matcher.find(text) == [], text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cf. convention NPRU ; Maintenir le PRU", ["PRU"]),
        ("Profiter du PRU pour repenser les permanences", ["PRU"]),
        # The exclusion ends at its clause: the name after the comma is mobilised.
        ("Hors temps scolaire, mobiliser le PRE", ["PRE"]),
        # Only determiners between the exclusion and the name: here the name is another
        # verb's object, and it is mobilised.
        ("Sans attendre le PRU, engager la GUSP", ["PRU"]),
        ("Articuler les actions hors PRU et le PRE", ["PRE"]),
        ("Le dehors PRE", ["PRE"]),
    ],
)
def test_mobilised_programmes_stay(
    matcher: MobilisationMatcher, text: str, expected: list[str]
) -> None:
    assert [h.words for h in matcher.find(text)] == expected


def test_exclusion_named_for_the_evidence() -> None:
    text = "Maintenir hors PRU un programme"
    assert exclusion_before(text, text.index("PRU")) == "hors"
    text = "Les actions à l'exception des PRU"
    assert exclusion_before(text, text.index("PRU")) == "a l'exception des"


def test_seed_004_line_294_is_not_linked_to_npnru(store: ox.Store) -> None:
    rows = list(
        store.query(
            """
            PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
            PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            SELECT ?e ?d WHERE {
              ?e cdv:ligneSource 294 ; skos:prefLabel ?l ; cdv:contrat ?c .
              FILTER (STRSTARTS(?l, "Maintenir hors PRU"))
              OPTIONAL { ?e cdv:mobilise ?d }
            }""",
            use_default_graph_as_union=True,
        )
    )
    assert len(rows) == 1, "004 l. 294's modality not found"
    assert rows[0]["d"] is None or not str(rows[0]["d"].value).endswith("/npnru"), rows


# Read in the sources: (file, line, dispositif named on that line).
NAMED = [
    ("004_a26b9f87e29f24a0.txt", 307, "prevention-specialisee"),  # "prévention spécialisée..."
    ("004_a26b9f87e29f24a0.txt", 302, "mediation-sociale"),  # "dispositifs de médiation sociale"
    ("000_1096beb0e85d8ba9.txt", 119, "mediation-sociale"),  # "et la médiation sociale"
    (
        "002_002d73874d5f62f1.txt",
        309,
        "mediation-familiale",
    ),  # "2.3.1 – Favoriser la médiation familiale"
    ("004_a26b9f87e29f24a0.txt", 242, "mediation-familiale"),  # "(médiation familiale...)"
    ("004_a26b9f87e29f24a0.txt", 240, "tutorat-parrainage"),  # "tutorat / parrainage"
    (
        "004_a26b9f87e29f24a0.txt",
        258,
        "charte-insertion",
    ),  # "une charte intercommunale d'insertion"
    ("004_a26b9f87e29f24a0.txt", 260, "adie"),  # "(cf. action de l'ADIE)"
    (
        "004_a26b9f87e29f24a0.txt",
        260,
        "centre-affaires-quartiers",
    ),  # "Centre d'Affaire des Quartiers"
]


@pytest.mark.parametrize(("seed", "line", "dispositif"), NAMED)
def test_named_dispositifs_are_linked(
    store: ox.Store, seed: str, line: int, dispositif: str
) -> None:
    found = store.query(
        f"""
        PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        ASK {{
          ?e cdv:ligneSource {line} ; cdv:contrat ?c ;
             cdv:mobilise <https://w3id.org/contrats-de-ville/id/dispositif/{dispositif}> .
          ?c prov:wasDerivedFrom/dcterms:identifier "{seed}" .
        }}""",
        use_default_graph_as_union=True,
    )
    assert bool(found), f"{seed} l. {line} does not mobilise {dispositif}"

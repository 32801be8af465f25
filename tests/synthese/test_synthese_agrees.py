"""The precomputed research answers (graph …/graph/synthese) agree with the raw graph.

Each pair runs a query over the element tags of the seed build (written here or
in a ``*-brut.rq`` file, walking ``skos:broader*`` at query time) and the query
that reads the precomputed facts, and compares their rows. The seed build is the
real one of the test session (``built_dump``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from app.queries import QUERY_DIR

PREFIXES = """PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
ALL_CONTRACTS = "VALUES ?contrat { UNDEF }"


@pytest.fixture(scope="module")
def store(built_dump: Path) -> ox.Store:
    s = ox.Store()
    s.bulk_load(path=str(built_dump), format=ox.RdfFormat.N_QUADS)
    return s


def rows(store: ox.Store, query: str) -> Counter[tuple[tuple[str, str], ...]]:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    out: Counter[tuple[tuple[str, str], ...]] = Counter()
    for solution in result:
        out[tuple((n, str(solution[n].value)) for n in names if solution[n] is not None)] += 1
    return out


def rq(name: str, all_contracts: bool = False) -> str:
    text = (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
    if all_contracts:
        start = text.index("VALUES ?contrat {")
        text = text[:start] + ALL_CONTRACTS + text[text.index("}", start) + 1 :]
    return text


def test_the_seed_build_has_facts(store: ox.Store) -> None:
    counts = rows(
        store,
        PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?f a cdv:ThemeDuContrat ; cdv:dansContrat ?c }",
    )
    (((_, n),),) = counts
    assert int(n) > 50


def test_mental_health(store: ox.Store) -> None:
    precomputed = rows(store, rq("sante-mentale"))
    assert precomputed, "the seeds address mental health"
    assert precomputed == rows(store, rq("sante-mentale-brut"))


def test_matrix(store: ox.Store) -> None:
    precomputed = rows(store, rq("matrice"))
    assert len(precomputed) > 50
    assert precomputed == rows(store, rq("matrice-brut", all_contracts=True))


def test_counts_per_theme(store: ox.Store) -> None:
    raw = (
        PREFIXES
        + """
        SELECT ?theme (COUNT(DISTINCT ?c) AS ?contrats) (COUNT(DISTINCT ?e) AS ?elements) WHERE {
          ?e cdv:theme ?t ; cdv:contrat ?c . ?t skos:broader* ?theme .
        } GROUP BY ?theme"""
    )
    precomputed = (
        PREFIXES
        + """
        SELECT ?theme ?contrats ?elements WHERE {
          ?theme skos:inScheme ?s . { SELECT ?theme (COUNT(?f) AS ?contrats) (SUM(?n) AS ?elements)
          WHERE { ?f a cdv:ThemeDuContrat ; cdv:themeAborde ?theme ; cdv:nombreElements ?n }
          GROUP BY ?theme } }"""
    )
    assert rows(store, precomputed) == rows(store, raw)


def test_themes_query_reads_the_same_counts(store: ox.Store) -> None:
    raw = (
        PREFIXES
        + """
        SELECT ?theme ?contrats ?elements WHERE {
          { SELECT ?theme (COUNT(DISTINCT ?c) AS ?contrats) (COUNT(DISTINCT ?e) AS ?elements)
            WHERE { ?e cdv:theme ?t ; cdv:contrat ?c . ?t skos:broader* ?theme } GROUP BY ?theme }
        }"""
    )
    served = rows(store, rq("themes"))
    counted = Counter()
    for row in served:
        d = dict(row)
        if "contrats" in d:
            counted[
                (("theme", d["theme"]), ("contrats", d["contrats"]), ("elements", d["elements"]))
            ] = 1
    assert counted == Counter(dict.fromkeys(rows(store, raw), 1))


def test_dispositifs_per_contract(store: ox.Store) -> None:
    raw = (
        PREFIXES
        + """
        SELECT ?contrat ?titre ?dispositif ?nom (COUNT(DISTINCT ?element) AS ?elements) WHERE {
          ?element cdv:mobilise ?dispositif ; cdv:contrat ?contrat .
          OPTIONAL { ?contrat dcterms:title ?titre }
          OPTIONAL { ?dispositif skos:prefLabel ?nom FILTER(LANG(?nom) = "fr") }
        } GROUP BY ?contrat ?titre ?dispositif ?nom"""
    )
    precomputed = rows(store, rq("dispositifs-par-contrat"))
    assert precomputed
    assert precomputed == rows(store, raw)


def test_elements_of_a_theme_fact(store: ox.Store) -> None:
    """The elements a fact goes through are those tagged with the theme or a narrower one."""
    raw = (
        PREFIXES
        + """
        SELECT DISTINCT ?c ?theme ?e WHERE {
          ?e cdv:theme ?t ; cdv:contrat ?c . ?t skos:broader* ?theme }"""
    )
    precomputed = (
        PREFIXES
        + """
        SELECT DISTINCT ?c ?theme ?e WHERE {
          ?f a cdv:ThemeDuContrat ; cdv:dansContrat ?c ; cdv:themeAborde ?theme ;
             cdv:elementConcerne ?e }"""
    )
    assert rows(store, precomputed) == rows(store, raw)


def test_new_themes(store: ox.Store) -> None:
    raw = (
        PREFIXES
        + """
        SELECT ?theme (COUNT(DISTINCT ?c) AS ?contrats) WHERE {
          ?c cdv:generation/skos:notation "2024-2030" .
          ?e cdv:contrat ?c ; cdv:theme ?t . ?t skos:broader* ?theme .
          FILTER NOT EXISTS {
            ?c2 cdv:generation/skos:notation "2015-2020" .
            ?e2 cdv:contrat ?c2 ; cdv:theme ?t2 . ?t2 skos:broader* ?theme }
        } GROUP BY ?theme"""
    )
    precomputed = Counter(
        tuple((k, v) for k, v in row if k in ("theme", "contrats"))
        for row in rows(store, rq("themes-nouveaux"))
    )
    assert precomputed, "some themes of the 2024-2030 seeds are absent from the 2015-2020 ones"
    assert precomputed == rows(store, raw)


def test_shared_dispositifs(store: ox.Store) -> None:
    contracts = [
        dict(r)["c"] for r in rows(store, PREFIXES + "SELECT ?c WHERE { ?c a cdv:Contrat }")
    ]
    text = rq("dispositifs-partages")
    start = text.index("VALUES ?contrat {")
    for contract in contracts:
        query = (
            text[:start]
            + f"VALUES ?contrat {{ <{contract}> }}"
            + text[text.index("}", start) + 1 :]
        )
        raw = (
            PREFIXES
            + f"""
            SELECT ?autre (COUNT(DISTINCT ?d) AS ?communs) WHERE {{
              ?e cdv:contrat <{contract}> ; cdv:mobilise ?d .
              ?e2 cdv:contrat ?autre ; cdv:mobilise ?d . FILTER (?autre != <{contract}>)
            }} GROUP BY ?autre HAVING (COUNT(DISTINCT ?d) >= 3)"""
        )
        assert rows(store, query) == rows(store, raw), contract


def test_counted_links(store: ox.Store) -> None:
    """« <contrat> <…/synthese/theme/{t}/elements> n »: the elements of the contract on the theme."""
    raw = (
        PREFIXES
        + """
        SELECT ?c ?theme (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e cdv:theme ?t ; cdv:contrat ?c . ?t skos:broader* ?theme } GROUP BY ?c ?theme"""
    )
    precomputed = (
        PREFIXES
        + """
        SELECT ?c ?theme ?n WHERE {
          ?compte a cdv:ComptageDuTheme ; cdv:themeCompte ?theme . ?c ?compte ?n }"""
    )
    assert rows(store, precomputed) == rows(store, raw)


def test_contract_counts(store: ox.Store) -> None:
    """contrats.rq counts elements, tagged themes and dispositifs as the raw graph does."""
    raw = (
        PREFIXES
        + """
        SELECT ?contrat ?elements ?themes ?dispositifs WHERE {
          { SELECT ?contrat (COUNT(DISTINCT ?e) AS ?elements) WHERE { ?e cdv:contrat ?contrat }
            GROUP BY ?contrat }
          { SELECT ?contrat (COUNT(DISTINCT ?t) AS ?themes) WHERE {
              ?contrat a cdv:Contrat . OPTIONAL { ?e cdv:contrat ?contrat ; cdv:theme ?t } }
            GROUP BY ?contrat }
          { SELECT ?contrat (COUNT(DISTINCT ?d) AS ?dispositifs) WHERE {
              ?contrat a cdv:Contrat . OPTIONAL { ?e cdv:contrat ?contrat ; cdv:mobilise ?d } }
            GROUP BY ?contrat }
        }"""
    )
    served = Counter(
        tuple((k, v) for k, v in row if k in ("contrat", "elements", "themes", "dispositifs"))
        for row in rows(store, rq("contrats"))
    )
    assert served == rows(store, raw)


def test_generations(store: ox.Store) -> None:
    assert rows(store, rq("generations")) == rows(store, rq("generations-brut"))


@pytest.mark.parametrize(
    ("kind", "concepts", "link"),
    [
        ("theme", ("sante-mentale", "sante"), "themeAborde"),
        ("dispositif", ("cls", "pre"), "dispositifMobilise"),
    ],
)
def test_evidence_read_by_facts(
    store: ox.Store, kind: str, concepts: tuple[str, ...], link: str
) -> None:
    """preuves-{kind}.rq on every fact of a concept gives the rows of contrats-par-{kind}.rq."""
    from app.config import DEFAULT_BASE_IRI
    from app.queries import load

    for concept in concepts:
        iri = f"{DEFAULT_BASE_IRI}{kind}/{concept}"
        facts = [
            dict(r)["f"]
            for r in rows(
                store,
                PREFIXES + f"SELECT ?f WHERE {{ ?f cdv:{link} <{iri}> ; cdv:dansContrat ?c }}",
            )
        ]
        assert facts, concept
        by_facts = load(f"preuves-{kind}").bind({"fait": facts}, base=DEFAULT_BASE_IRI)
        whole = load(f"contrats-par-{kind}").bind({kind: [iri]}, base=DEFAULT_BASE_IRI)
        assert _unordered(rows(store, by_facts)) == _unordered(rows(store, whole)), concept


def _unordered(found: Counter[tuple[tuple[str, str], ...]]) -> Counter[tuple[tuple[str, str], ...]]:
    """The rows with each GROUP_CONCAT as a sorted list: its order follows the plan."""
    concat = {"methode", "motsReconnus", "raison"}
    return Counter(
        {
            tuple((k, " | ".join(sorted(v.split(" | "))) if k in concat else v) for k, v in row): n
            for row, n in found.items()
        }
    )

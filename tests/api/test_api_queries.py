"""The SPARQL files behind the API: documented, parametrised, safely bound, runnable."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from app import queries
from app.config import DEFAULT_BASE_IRI

API_QUERIES = [
    "themes",
    "contrats-par-theme",
    "preuves-theme",
    "chemins",
    "parents",
    "chemins-faits",
    "contrats",
    "contrat-arbre",
    "contrat-chiffres",
    "concepts-par-contrat",
    "matrice",
    "generations",
    "dispositifs",
    "contrats-par-dispositif",
    "preuves-dispositif",
    "mobilisations",
    "libelles",
]


@pytest.fixture(scope="module")
def store(built_dump: Path) -> ox.Store:
    s = ox.Store()
    s.bulk_load(path=str(built_dump), format=ox.RdfFormat.N_QUADS)
    return s


@pytest.mark.parametrize("name", API_QUERIES)
def test_query_file_says_what_it_answers_and_runs_as_is(name: str, store: ox.Store) -> None:
    query = queries.load(name)
    lines = query.text.splitlines()
    assert lines[0].startswith(f"# {name} — ")
    assert any(line.startswith("# Répond :") for line in lines)
    assert "use_default_graph_as_union=True" in query.text
    assert queries.select(store, query.text), f"{name}.rq finds nothing on the build"


def test_binding_rewrites_only_the_values_block() -> None:
    query = queries.load("contrats-par-theme")
    iri = DEFAULT_BASE_IRI + "theme/emploi"
    text = query.bind({"theme": [iri]}, base=DEFAULT_BASE_IRI)
    assert f"VALUES ?theme {{ <{iri}> }}" in text
    assert text.replace(f"<{iri}>", "") == query.text.replace(
        f"<{DEFAULT_BASE_IRI}theme/sante-mentale>", ""
    )


def test_optional_parameter_unbound_is_undef() -> None:
    text = queries.load("contrats").bind({"contrat": None}, base=DEFAULT_BASE_IRI)
    assert "VALUES ?contrat { UNDEF }" in text


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org/theme/x",
        DEFAULT_BASE_IRI + "theme/x> } ?s ?p ?o { <y",
        DEFAULT_BASE_IRI + "theme/x\n",
        DEFAULT_BASE_IRI + 'theme/"x',
    ],
)
def test_binding_refuses_iris_outside_the_base_or_malformed(value: str) -> None:
    with pytest.raises(queries.QueryError):
        queries.load("contrats-par-theme").bind({"theme": [value]}, base=DEFAULT_BASE_IRI)


def test_any_iri_parameters_take_graphs_outside_the_base_but_only_absolute_iris() -> None:
    query = queries.load("graphes-contenu")
    text = query.bind({"g": ["urn:x-local:notes", "https://example.org/g"]}, base=DEFAULT_BASE_IRI)
    assert "VALUES ?g { <urn:x-local:notes> <https://example.org/g> }" in text
    for bad in ["relative/graph", "https://example.org/g> } ?s ?p ?o { <y", "urn:a b"]:
        with pytest.raises(queries.QueryError):
            query.bind({"g": [bad]}, base=DEFAULT_BASE_IRI)


def test_binding_refuses_unknown_parameters() -> None:
    with pytest.raises(queries.QueryError):
        queries.load("themes").bind({"theme": None}, base=DEFAULT_BASE_IRI)


def test_a_parameter_needs_exactly_one_values_block() -> None:
    with pytest.raises(queries.QueryError):
        queries.Query.parse("x", "# @param ?a iri — a\nSELECT * { ?a ?b ?c }")


def test_literals_are_escaped() -> None:
    assert queries.literal('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


def test_an_empty_list_matches_nothing_unlike_none() -> None:
    text = queries.load("concepts-par-contrat").bind({"contrat": []}, base=DEFAULT_BASE_IRI)
    assert "VALUES ?contrat {  }" in text


def test_precomputed_facts_are_read_under_any_base(built_dump: Path) -> None:
    """Data published under another base keeps its synthèse counts on pages and API."""
    other = "https://example.org/cdv/"
    text = built_dump.read_text(encoding="utf-8").replace(DEFAULT_BASE_IRI, other)
    moved = ox.Store()
    moved.load(text.encode(), format=ox.RdfFormat.N_QUADS)
    query = queries.load("contrats")
    as_written = queries.select(moved, query.text)
    for_data = queries.select(moved, query.for_data(other))
    assert len(for_data) == len(as_written) == 5
    counted = [row for row in for_data if row.get("themes") is not None]
    assert len(counted) == 5, for_data
    assert all(row.get("themes") is None for row in as_written)


def test_rows_as_plain_values_with_repeated_and_unbound_terms() -> None:
    """What the API reads: each cell as a plain value, whatever terms repeat or are missing
    (each distinct term is converted once per answer: ``queries.plain_rows``)."""
    s = ox.Store()
    ex = "http://example.org/"
    for i, lang in enumerate(["fr", None, "fr"]):
        e = ox.NamedNode(f"{ex}e{i}")
        s.add(ox.Quad(e, ox.NamedNode(f"{ex}n"), ox.Literal("3")))
        s.add(ox.Quad(e, ox.NamedNode(f"{ex}c"), ox.NamedNode(f"{ex}C")))
        if lang:
            s.add(ox.Quad(e, ox.NamedNode(f"{ex}l"), ox.Literal("un libellé", language=lang)))
    text = f"""PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
    SELECT ?e ?c ?n ?l ?d ?x ?s WHERE {{
      ?e <{ex}c> ?c ; <{ex}n> ?s . OPTIONAL {{ ?e <{ex}l> ?l }}
      BIND (xsd:integer(?s) AS ?n) BIND ("2.50"^^xsd:decimal AS ?d)
      BIND (IF(?e = <{ex}e1>, "1.5"^^xsd:double, "7"^^xsd:long) AS ?x)
    }} ORDER BY ?e"""
    assert queries.select(s, text) == [
        {"e": f"{ex}e0", "c": f"{ex}C", "n": 3, "l": "un libellé", "d": 2.5, "x": 7, "s": "3"},
        {"e": f"{ex}e1", "c": f"{ex}C", "n": 3, "l": None, "d": 2.5, "x": 1.5, "s": "3"},
        {"e": f"{ex}e2", "c": f"{ex}C", "n": 3, "l": "un libellé", "d": 2.5, "x": 7, "s": "3"},
    ]

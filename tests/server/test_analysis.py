"""The lexical checks done before a query reaches the store."""

from __future__ import annotations

import pytest

from app.server.analysis import (
    add_using,
    has_dataset_clause,
    has_with_or_using,
    query_form,
    uses_load,
    uses_service,
)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://e/> { ?s ?p ?o } }",
        "select * { service silent <http://e/> { } }",
        "PREFIX : <http://e/> SELECT * { SERVICE:x { } }",  # no space: still SERVICE to oxigraph
        "PREFIX s: <http://e/> SELECT * { SERVICEs:x { } }",
        "SELECT * { ?s ?p 1SERVICE<http://e/>{} }",
        "SELECT * { ?s ?p ?o .SERVICE <http://e/> {} }",
        "PREFIX ex: <http://e/> SELECT * { ?s ex:p\\#x SERVICE <http://e/> {} }",  # \\# is not a comment
        "PREFIX ex: <http://e/> SELECT * { ?s ex:p\\'x SERVICE <http://e/> {} }",  # \\' is no string
        "SELECT * { ?s ?p ?o FILTER(?o)SERVICE<http://e/>{} }",
        'SELECT * { ?s ?p "a" SERVICE ?x {} }',
    ],
)
def test_service_is_detected(query: str) -> None:
    assert uses_service(query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service { ?service ?p ?o }",
        "SELECT * { ?s <http://ex.org/SERVICE> ?o }",
        'SELECT * { ?s ?p "SERVICE <http://e/> {}" }',
        "SELECT * { ?s ?p '''a\n SERVICE'''@fr }",
        "SELECT * { ?s ?p ?o } # SERVICE <http://e/>",
        "PREFIX ex: <http://e/> SELECT * { ?s ex:service ?o }",
        "SELECT * { ?s ?p _:service }",
        'SELECT * { ?s ?p "x"@en-service }',
        "SELECT * { ?s ?p ?o FILTER(?o<?p&&?p>?o) }",
    ],
)
def test_service_elsewhere_is_not_a_service_clause(query: str) -> None:
    assert not uses_service(query)


def test_load_is_detected_only_as_a_keyword() -> None:
    assert uses_load("LOAD <http://e/x.ttl>")
    assert uses_load("CLEAR ALL ; load silent <http://e/x.ttl>")
    assert not uses_load('INSERT DATA { <http://e/load> <http://e/p> "LOAD" }')


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX select: <http://e/> ASK { ?s select:p ?o }", "ask"),
        ("BASE <http://e/> CONSTRUCT WHERE { ?s ?p ?o }", "construct"),
        ("# DESCRIBE\nSELECT * {}", "select"),
        ("DESCRIBE <http://e/>", "describe"),
        ("INSERT DATA {}", None),
    ],
)
def test_query_form(query: str, form: str | None) -> None:
    assert query_form(query) == form


def test_dataset_clauses() -> None:
    assert has_dataset_clause("SELECT * FROM <http://e/g> { ?s ?p ?o }")
    assert has_dataset_clause("SELECT * FROM NAMED <http://e/g> { GRAPH ?g { ?s ?p ?o } }")
    assert not has_dataset_clause("SELECT * { ?s <http://e/from> 'from' }")
    assert has_with_or_using("WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert has_with_or_using("DELETE { ?s ?p ?o } USING <http://e/g> WHERE { ?s ?p ?o }")
    assert not has_with_or_using("DELETE { ?s ?p 'with' } WHERE { ?s ?p ?o }")


def test_add_using_goes_before_each_top_level_where() -> None:
    update = (
        "CLEAR ALL ; INSERT DATA { <a> <b> <c> } ; "
        "INSERT { ?s a <C> } WHERE { { SELECT ?s WHERE { ?s ?p ?o } } } ; "
        "DELETE WHERE { ?s <x> ?o }"
    )
    out = add_using(update, ["http://e/g1"], ["http://e/g2"])
    assert out.count("USING <http://e/g1> USING NAMED <http://e/g2> WHERE") == 1
    assert "DELETE WHERE" in out  # the short form takes no USING

"""The lexical checks done before a query reaches the store."""

from __future__ import annotations

import re

import pytest

from app.server.analysis import (
    add_using,
    code,
    has_dataset_clause,
    has_with_or_using,
    query_form,
    tokens,
    uses_load,
    uses_service,
)
from app.server.errors import HTTPProblem
from app.server.limits import check_query, nesting_depth
from app.server.result_cache import cacheable


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


# The cheap tests (``mentions``, bracket counts, lazy prologue) must give the
# answers of the full lexer on any text, not only on ordinary queries.
_TRICKY = [
    "SELECT * { SERVICE <http://e/> { ?s ?p ?o } }",
    "PREFIX s: <http://e/> SELECT * { SERVICEs:x { } }",
    "SELECT * { ?s <http://ex.org/SERVICE> ?o } # service from now()",
    'SELECT * { ?s ?p "service FROM load with using NOW() rand(" }',
    "SELECT (NOW # a comment between the name and its bracket\n () AS ?t) {}",
    "SELECT (STRUUID() AS ?u) (bNode() AS ?b) (RAND() AS ?r) {}",
    "SELECT * FROM <g> FROM NAMED <h> { ?s ?p ?o }",
    "PREFIX from: <http://e/> SELECT * { ?s from:p ?o }",
    "PREFIX select: <http://e/> BASE <http://b/> # CONSTRUCT\nASK { ?s select:p ?o }",
    "# nothing but a comment SELECT",
    '"SELECT" CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }',
    "DESCRIBE <http://e/x>",
    "INSERT DATA { <a> <b> 'x' } ; WITH <g> DELETE { ?s ?p ?o } USING <h> WHERE { ?s ?p ?o }",
    "LOAD <http://e/d.ttl>",
    "SELECT * { ?s ?p ( ( ( 1 ) ) ) . [ ?p [ ?p { } ] ] }",
    "SELECT * { ?s ?p \"((((((\" . ?s ?p ')))' # ((((\n }",
    "SELECT * { ?s ?p ?o FILTER (?o = <http://e/{(>) }",
    "ſervice İnstance ΣΕΡΒΙΣ SERVİCE",
]


@pytest.mark.parametrize("text", _TRICKY)
def test_cheap_tests_agree_with_the_lexer(text: str) -> None:
    lexed = code(text)
    assert uses_service(text) == ("service" in lexed)
    assert uses_load(text) == ("load" in lexed)
    assert has_dataset_clause(text) == ("from" in lexed)
    assert has_with_or_using(text) == ("with" in lexed or "using" in lexed)
    assert cacheable(text) == (re.search(r"\b(now|rand|uuid|struuid|bnode)\s*\(", lexed) is None)
    words = [t.text.lower() for t in tokens(text) if t.kind == "word"]
    first = next((w for w in words if w not in ("prefix", "base")), None)
    expected = next(
        (f for f in ("select", "construct", "describe", "ask") if (first or "").startswith(f)), None
    )
    assert query_form(text) == expected
    depth = nesting_depth(text)
    for limit in range(0, 8):
        refused = depth > limit
        try:
            check_query(text, max_bytes=10_000, max_depth=limit)
        except HTTPProblem:
            assert refused, (text, limit)
        else:
            assert not refused, (text, limit)


def test_the_comment_between_now_and_its_bracket_still_counts() -> None:
    assert not cacheable("SELECT (NOW # a comment\n () AS ?t) {}")
    assert cacheable("SELECT ?t { ?s <http://e/now> ?t } # now()")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A run of name characters no ":" ends: its words and single characters.
        ("a.bc-d é", [("word", "a"), ("other", "."), ("word", "bc"), ("other", "-"),
                      ("word", "d"), ("ws", " "), ("other", "é")]),
        # The same run before a ":": one prefixed name, from its first letter.
        ("a.bc-d:x.y", [("pname", "a.bc-d:x.y")]),
        # A prefix cannot end with a dot: words, then the empty prefix's name.
        ("a.b.:x", [("word", "a"), ("other", "."), ("word", "b"), ("other", "."),
                    ("pname", ":x")]),
        ("?o.ex:p", [("var", "?o"), ("other", "."), ("pname", "ex:p")]),
        ("_a.b", [("word", "_a"), ("other", "."), ("word", "b")]),
        ("SERVICE.x{", [("word", "SERVICE"), ("other", "."), ("word", "x"), ("other", "{")]),
    ],
)  # fmt: skip
def test_runs_of_name_characters_are_lexed_as_the_grammar_reads_them(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert [(t.kind, t.text) for t in tokens(text)] == expected
    assert "".join(t.text for t in tokens(text)) == text

"""Accept header parsing and format choice."""

from __future__ import annotations

import pytest

from app.server.negotiation import BOOLEAN, GRAPH, RESULTS, choose, content_type, forced


@pytest.mark.parametrize(
    ("accept", "offers", "expected"),
    [
        (None, RESULTS, "application/sparql-results+json"),
        ("", GRAPH, "text/turtle"),
        ("text/csv", RESULTS, "text/csv"),
        ("TEXT/CSV", RESULTS, "text/csv"),
        ("application/sparql-results+xml;q=0.5, text/csv;q=0.6", RESULTS, "text/csv"),
        ("text/*;q=0.5, */*;q=0.1", RESULTS, "text/csv"),
        ("*/*", GRAPH, "text/turtle"),
        ("*", GRAPH, "text/turtle"),
        ("application/rdf+xml, text/turtle;q=0.9", GRAPH, "application/rdf+xml"),
        ("text/turtle;q=0, */*", GRAPH, "application/n-triples"),
        ("application/json", GRAPH, "application/json"),
        ("text/csv", BOOLEAN, None),
        ("image/png", RESULTS, None),
        ("garbage", RESULTS, "application/sparql-results+json"),
        ("text/csv;q=abc", RESULTS, None),
    ],
)
def test_choose(accept, offers, expected) -> None:
    offer = choose(accept, offers)
    assert (offer.media_type if offer else None) == expected


def test_sparqlwrapper_accept_lists() -> None:
    json_list = (
        "application/sparql-results+json,application/json,text/javascript,application/javascript"
    )
    assert choose(json_list, RESULTS).format == "JSON"
    assert choose("application/sparql-results+xml", BOOLEAN).format == "XML"
    assert choose("application/turtle,text/turtle", GRAPH).format == "TURTLE"
    assert choose("application/ld+json,application/x-json+ld", GRAPH).format == "JSON_LD"


def test_forced_formats() -> None:
    assert forced("csv", RESULTS).format == "CSV"
    assert forced("json", RESULTS).format == "JSON"
    assert forced("xml", GRAPH).format == "RDF_XML"
    assert forced("csv", GRAPH) is None
    assert forced("nonsense", RESULTS) is None


def test_text_types_say_utf8() -> None:
    assert content_type(choose("text/turtle", GRAPH)) == "text/turtle; charset=utf-8"
    assert content_type(choose(None, RESULTS)) == "application/sparql-results+json"

"""W3C SPARQL 1.1 Service Description tests: GET on the endpoint returns RDF,
with an ``sd:endpoint`` triple naming the endpoint, conforming to the SD
vocabulary (checked with SHACL shapes, ``sd-shapes.ttl``)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import rdflib
from pyshacl import validate
from rdflib import RDF
from w3c_manifest import CONFORMANCE, MF

if not (CONFORMANCE / "sparql11-service-description").is_dir():
    pytest.skip(f"W3C manifests absent ({CONFORMANCE})", allow_module_level=True)

MANIFEST = CONFORMANCE / "sparql11-service-description" / "manifest.ttl"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
SHAPES = Path(__file__).with_name("sd-shapes.ttl")
ACCEPTS = [
    None,
    "text/turtle",
    "application/rdf+xml",
    "application/ld+json",
    "application/n-triples",
]
_PARSERS = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
TESTS = sorted(
    str(t).rsplit("#", 1)[-1]
    for t in rdflib.Graph().parse(MANIFEST).subjects(RDF.type, MF.ServiceDescriptionTest)
)


def description(server, accept: str | None) -> rdflib.Graph:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(server.sparql, headers=headers, timeout=30)
    assert response.status_code == 200
    media = response.headers["content-type"].split(";")[0]
    return rdflib.Graph().parse(data=response.content, format=_PARSERS[media])


def returns_rdf(server, graph: rdflib.Graph) -> None:
    assert len(graph) > 0


def has_endpoint_triple(server, graph: rdflib.Graph) -> None:
    assert (None, SD.endpoint, rdflib.URIRef(server.sparql)) in graph


def conforms_to_schema(server, graph: rdflib.Graph) -> None:
    assert any(graph.subjects(RDF.type, SD.Service))
    conforms, _, report = validate(graph, shacl_graph=str(SHAPES), shacl_graph_format="turtle")
    assert conforms, report


CHECKS = {
    "returns-rdf": returns_rdf,
    "has-endpoint-triple": has_endpoint_triple,
    "conforms-to-schema": conforms_to_schema,
}


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("name", TESTS)
def test_service_description(protocol_server, protocol_admin_server, name: str, accept) -> None:
    for server in (protocol_server, protocol_admin_server):
        CHECKS[name](server, description(server, accept))

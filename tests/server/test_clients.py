"""The clients researchers use from notebooks, against a live server."""

from __future__ import annotations

import io
import urllib.parse

import httpx
import pandas as pd
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, GET, JSON, JSONLD, POST, TURTLE, XML, SPARQLWrapper

from app.server.live import LiveServer

CONTRACTS = """PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?contrat ?titre WHERE { ?contrat a cdv:Contrat ; dcterms:title ?titre } ORDER BY ?contrat"""
IDS = ["alpha-2024-2030", "beta-2015-2020"]


def wrapper(server: LiveServer, method: str, fmt: str, query: str = CONTRACTS) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.sparql)
    sparql.setMethod(method)
    sparql.setReturnFormat(fmt)
    sparql.setQuery(query)
    return sparql


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_json(server: LiveServer, method: str) -> None:
    results = wrapper(server, method, JSON).queryAndConvert()
    ids = [b["contrat"]["value"].rsplit("/", 1)[1] for b in results["results"]["bindings"]]
    assert ids == IDS


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_xml(server: LiveServer, method: str) -> None:
    document = wrapper(server, method, XML).queryAndConvert()  # a minidom Document
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert [u.rsplit("/", 1)[1] for u in uris] == IDS


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_csv(server: LiveServer, method: str) -> None:
    text = wrapper(server, method, CSV).queryAndConvert().decode("utf-8")
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame.columns) == ["contrat", "titre"]
    assert len(frame) == 2


def test_sparqlwrapper_construct_as_turtle(server: LiveServer) -> None:
    query = (
        "PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#> "
        "CONSTRUCT { ?e cdv:partieDe ?p } WHERE { ?e cdv:partieDe ?p }"
    )
    data = wrapper(server, GET, TURTLE, query).queryAndConvert()
    graph = rdflib.Graph().parse(data=data, format="turtle")
    assert len(graph) == 4  # two levels below the top, in two contracts


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_construct_as_json_ld(server: LiveServer, method: str) -> None:
    """SPARQLWrapper asks JSON-LD with ``format=application/ld+json,application/x-json+ld``
    (a list): it was a 400 « format inconnu »."""
    query = (
        "PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#> "
        "CONSTRUCT { ?e cdv:partieDe ?p } WHERE { ?e cdv:partieDe ?p }"
    )
    data = wrapper(server, method, JSONLD, query).queryAndConvert()
    graph = (
        data
        if isinstance(data, rdflib.Graph)
        else rdflib.Graph().parse(data=data, format="json-ld")
    )
    assert len(graph) == 4


def test_sparqlwrapper_ask(server: LiveServer) -> None:
    results = wrapper(server, GET, JSON, "ASK { ?s ?p ?o }").queryAndConvert()
    assert results["boolean"] is True


def test_rdflib_sparqlstore(server: LiveServer) -> None:
    graph = rdflib.Graph(store=SPARQLStore(server.sparql, returnFormat="json"))
    rows = list(graph.query(CONTRACTS))
    assert [str(r.contrat).rsplit("/", 1)[1] for r in rows] == IDS
    assert rows[0].titre.language == "fr"
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    xml_graph = rdflib.Graph(store=SPARQLStore(server.sparql, returnFormat="xml"))
    assert len(list(xml_graph.query(CONTRACTS))) == 2


def test_pandas_reads_csv_results(server: LiveServer) -> None:
    url = f"{server.sparql}?{urllib.parse.urlencode({'query': CONTRACTS})}"
    frame = pd.read_csv(url, storage_options={"Accept": "text/csv"})
    assert list(frame["contrat"].str.rsplit("/", n=1).str[1]) == IDS
    by_parameter = pd.read_csv(url + "&format=csv")  # no header needed
    assert len(by_parameter) == 2
    tsv = pd.read_csv(url + "&format=tsv", sep="\t")
    assert tsv["?contrat"].iloc[0].startswith("<https://")  # TSV keeps RDF term syntax


def test_pandas_reads_json_results(server: LiveServer) -> None:
    body = httpx.get(server.sparql, params={"query": CONTRACTS}).json()
    frame = pd.json_normalize(body["results"]["bindings"])
    assert len(frame) == 2 and "titre.xml:lang" in frame.columns

"""The SPARQL 1.1 Protocol at /sparql, over HTTP against a live server."""

from __future__ import annotations

import io
import json

import httpx
import pytest
import rdflib

SELECT_ALL_CONTRACTS = (
    "PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#> "
    "SELECT ?c WHERE { ?c a cdv:Contrat } ORDER BY ?c"
)
CONSTRUCT_CONTRACTS = (
    "PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#> "
    "CONSTRUCT { ?c a cdv:Contrat } WHERE { ?c a cdv:Contrat }"
)


def contracts(response: httpx.Response) -> list[str]:
    return [b["c"]["value"] for b in response.json()["results"]["bindings"]]


def test_query_by_get(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": SELECT_ALL_CONTRACTS})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert len(contracts(response)) == 2


def test_query_by_post_form(client: httpx.Client) -> None:
    response = client.post("/sparql", data={"query": SELECT_ALL_CONTRACTS})
    assert response.status_code == 200
    assert len(contracts(response)) == 2


def test_query_by_post_direct(client: httpx.Client) -> None:
    response = client.post(
        "/sparql",
        content=SELECT_ALL_CONTRACTS.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 200
    assert len(contracts(response)) == 2


def test_default_graph_is_the_union_of_named_graphs(client: httpx.Client) -> None:
    # a contract (its own graph) linked to a theme label (the themes graph)
    query = """PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?label WHERE { ?e cdv:theme ?t . ?t skos:prefLabel ?label }"""
    labels = {
        b["label"]["value"]
        for b in client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    }
    assert labels == {"Addictions", "Emploi"}


def test_default_graph_uri_restricts_the_default_graph(client: httpx.Client) -> None:
    graph = "https://w3id.org/contrats-de-ville/id/graph/contrat/alpha-2024-2030"
    response = client.get(
        "/sparql", params={"query": SELECT_ALL_CONTRACTS, "default-graph-uri": graph}
    )
    assert contracts(response) == ["https://w3id.org/contrats-de-ville/id/contrat/alpha-2024-2030"]


def test_named_graph_uri_limits_graph_clauses(client: httpx.Client) -> None:
    graph = "https://w3id.org/contrats-de-ville/id/graph/contrat/beta-2015-2020"
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query, "named-graph-uri": graph})
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == [graph]


def test_query_from_clause_is_honoured(client: httpx.Client) -> None:
    graph = "https://w3id.org/contrats-de-ville/id/graph/contrat/beta-2015-2020"
    query = (
        "PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#> "
        f"SELECT ?c FROM <{graph}> WHERE {{ ?c a cdv:Contrat }}"
    )
    response = client.get("/sparql", params={"query": query})
    assert contracts(response) == ["https://w3id.org/contrats-de-ville/id/contrat/beta-2015-2020"]


def test_a_file_of_triples_is_served_as_a_named_graph(client: httpx.Client) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { <http://example.org/s1> ?p ?o } }"
    graphs = [
        b["g"]["value"]
        for b in client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    ]
    assert len(graphs) == 1 and graphs[0].startswith("file:///") and graphs[0].endswith("filler.nt")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
        ("application/json", "application/json"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("application/sparql-results+xml;q=0.2, text/*;q=0.9", "text/csv; charset=utf-8"),
        ("*/*", "application/sparql-results+json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/xml"),
    ],
)
def test_select_content_negotiation(client: httpx.Client, accept: str, expected: str) -> None:
    response = client.get(
        "/sparql", params={"query": SELECT_ALL_CONTRACTS}, headers={"Accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == expected
    assert "alpha-2024-2030" in response.text


def test_sparqlwrapper_style_parameters_are_tolerated(client: httpx.Client) -> None:
    accept = (
        "application/sparql-results+json,application/json,text/javascript,application/javascript"
    )
    params = {"query": SELECT_ALL_CONTRACTS, "format": "json", "output": "json", "results": "json"}
    response = client.get("/sparql", params=params, headers={"Accept": accept})
    assert response.status_code == 200
    assert len(contracts(response)) == 2


def test_format_parameter_chooses_the_format(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": SELECT_ALL_CONTRACTS, "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[0] == "c"


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("text/n3", "n3"),
    ],
)
def test_construct_formats(client: httpx.Client, accept: str, rdflib_format: str) -> None:
    response = client.get(
        "/sparql", params={"query": CONSTRUCT_CONTRACTS}, headers={"Accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    graph = rdflib.Dataset() if rdflib_format in ("nquads", "trig") else rdflib.Graph()
    graph.parse(data=response.content, format=rdflib_format)
    assert len(graph) == 2


def test_describe_returns_rdf(client: httpx.Client) -> None:
    query = "DESCRIBE <https://w3id.org/contrats-de-ville/id/contrat/alpha-2024-2030>"
    response = client.get("/sparql", params={"query": query})
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert len(graph) >= 3


def test_ask_as_json_and_xml(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert response.json() == {"head": {}, "boolean": True}
    xml = client.get(
        "/sparql",
        params={"query": "ASK { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert "<boolean>true</boolean>" in xml.text


def test_results_beyond_max_rows_are_cut_and_say_so(client: httpx.Client, server) -> None:
    MAX_ROWS = int(server.env["CVKG_MAX_ROWS"])
    query = "SELECT * WHERE { ?s ?p ?o }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert response.headers["cvkg-truncated"] == f"max-rows={MAX_ROWS}"
    body = response.json()
    assert len(body["results"]["bindings"]) == MAX_ROWS
    assert "CVKG_MAX_ROWS" in body["cvkg:truncated"]["message"]
    csv = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert csv.headers["cvkg-truncated"] == f"max-rows={MAX_ROWS}"
    assert len(csv.text.strip().splitlines()) == MAX_ROWS + 1
    construct = client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert construct.headers["cvkg-truncated"] == f"max-rows={MAX_ROWS}"
    assert len(construct.text.strip().splitlines()) == MAX_ROWS


def test_results_within_max_rows_are_not_marked(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": SELECT_ALL_CONTRACTS})
    assert "cvkg-truncated" not in response.headers
    assert "cvkg:truncated" not in response.json()


def test_service_description_by_default(client: httpx.Client, server) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.endpoint, rdflib.URIRef(server.sparql)) in graph
    assert (None, sd.feature, sd.UnionDefaultGraph) in graph
    assert (None, sd.supportedLanguage, sd.SPARQL11Update) not in graph  # read-only
    as_jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert json.loads(as_jsonld.text)


def test_browser_get_without_query_gets_the_editor(client: httpx.Client) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.headers["content-type"].startswith("text/html")
    assert 'lang="fr"' in response.text


def test_cors_is_open_for_queries(client: httpx.Client) -> None:
    origin = {"Origin": "https://notebook.example.org"}
    response = client.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_access_log_is_json_lines_with_query_time(client: httpx.Client, server) -> None:
    client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    records = [json.loads(line) for line in io.StringIO(server.log()) if line.startswith("{")]
    queries = [r for r in records if r["path"] == "/sparql" and r["query_ms"] is not None]
    assert queries, server.log()
    assert {"ts", "method", "status", "ms", "query_ms", "rows", "bytes"} <= set(queries[-1])


def test_healthz(client: httpx.Client) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["read_only"] is True and body["workers"] >= 1


@pytest.mark.parametrize(
    "path",
    [
        "/healthz",
        "/sparql?query=ASK%20%7B%7D",
        "/queries/contrats.rq",
        "/api/themes",
        "/api/contrats?format=csv",
        "/id/",  # a page that takes HEAD itself
    ],
)
def test_head_is_answered_wherever_get_is(seed_server, path: str) -> None:
    """RFC 9110: a server answers HEAD as GET, without the body. A monitor checking
    a replica with ``HEAD /healthz`` got a 405 and took it for broken."""
    got = httpx.get(seed_server.url + path, timeout=60)
    head = httpx.head(seed_server.url + path, timeout=60)
    assert got.status_code == 200 and head.status_code == 200, head.text
    assert head.content == b""
    for header in ("content-type", "content-length", "content-encoding", "etag"):
        assert head.headers.get(header) == got.headers.get(header), header


def test_head_where_nothing_answers_get_is_not_found(seed_server) -> None:
    assert httpx.head(seed_server.url + "/nulle-part", timeout=30).status_code == 404

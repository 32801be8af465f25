"""Every error status the endpoint can answer, each with its test."""

from __future__ import annotations

import threading
import time

import httpx

from app.server.live import LiveServer

ASK = "ASK { ?s ?p ?o }"


def test_400_malformed_query_gives_the_parser_message(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert "error at 1:" in response.text  # pyoxigraph's own message


def test_400_two_queries(client: httpx.Client) -> None:
    response = client.get("/sparql", params=[("query", ASK), ("query", "ASK {}")])
    assert response.status_code == 400


def test_400_query_and_update_together(client: httpx.Client) -> None:
    response = client.post("/sparql", data={"query": ASK, "update": "CLEAR ALL"})
    assert response.status_code == 400


def test_400_update_by_get(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"update": "CLEAR ALL"})
    assert response.status_code == 400
    assert "POST" in response.text


def test_400_non_utf8_body(client: httpx.Client) -> None:
    response = client.post(
        "/sparql",
        content=ASK.encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert response.status_code == 400
    latin1 = client.post(
        "/sparql",
        content='ASK { ?s ?p "é" }'.encode("latin-1"),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert latin1.status_code == 400


def test_400_post_without_query(client: httpx.Client) -> None:
    assert client.post("/sparql", data={"format": "json"}).status_code == 400


def test_400_invalid_dataset_iri(client: httpx.Client) -> None:
    params = {"query": ASK, "default-graph-uri": "pas une IRI"}
    assert client.get("/sparql", params=params).status_code == 400


def test_403_anonymous_update(client: httpx.Client) -> None:
    response = client.post("/sparql", data={"update": "CLEAR ALL"})
    assert response.status_code == 403
    assert "CVKG_ADMIN_TOKEN" in response.text


def test_404_unknown_graph(client: httpx.Client) -> None:
    response = client.get("/rdf-graph-store", params={"graph": "http://example.org/aucun"})
    assert response.status_code == 404


def test_404_unknown_query_file(client: httpx.Client) -> None:
    assert client.get("/queries/inexistante.rq").status_code == 404


def test_405_other_method_on_sparql(client: httpx.Client) -> None:
    response = client.put("/sparql", params={"query": ASK})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST, OPTIONS"  # HEAD was left out


def test_options_on_sparql_says_every_method(client: httpx.Client) -> None:
    """Not a browser's preflight (no Origin): it was a 405 saying « Allow: GET »."""
    response = client.options("/sparql")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, HEAD, POST, OPTIONS"


def test_406_nothing_acceptable(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": ASK}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "Accept: application/sparql-results+json" in response.text  # a valid example


def test_406_csv_for_a_construct(client: httpx.Client) -> None:
    response = client.get(
        "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 406
    assert "text/turtle" in response.text


def test_413_body_too_large(tiny_server: LiveServer) -> None:
    query = "ASK { ?s ?p ?o } #" + "x" * 3000
    response = httpx.post(
        f"{tiny_server.url}/sparql",
        content=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 413
    assert "CVKG_MAX_BODY_BYTES" in response.text

    def chunks():  # no Content-Length: the cap applies while reading
        for _ in range(10):
            yield b"#" + b"x" * 499

    streamed = httpx.post(
        f"{tiny_server.url}/sparql",
        content=chunks(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert streamed.status_code == 413


def test_415_wrong_content_type(client: httpx.Client) -> None:
    response = client.post("/sparql", content=ASK.encode(), headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    missing = client.post("/sparql", content=b"query=ASK%20%7B%7D")
    assert missing.status_code == 415


def test_503_when_saturated(tiny_server: LiveServer, runaway_query: str) -> None:
    """One query slot, no queue: a second query while one runs is turned away."""
    started = threading.Event()
    result: dict[str, int] = {}

    def hog() -> None:
        started.set()
        while True:  # a poll below may hold the slot at first: retry until admitted
            status = httpx.get(
                f"{tiny_server.url}/sparql", params={"query": runaway_query}, timeout=30
            ).status_code
            if status != 503:
                result["status"] = status
                return

    thread = threading.Thread(target=hog)
    thread.start()
    started.wait()
    try:
        deadline = time.monotonic() + 10
        probe = 0
        while time.monotonic() < deadline:  # until the hog holds the slot
            probe += 1  # a distinct text: a kept answer needs no worker (test_result_cache.py)
            query = f"{ASK} # sondage {probe}"
            response = httpx.get(f"{tiny_server.url}/sparql", params={"query": query}, timeout=30)
            if response.status_code == 503:
                break
            time.sleep(0.05)
        assert response.status_code == 503
        assert int(response.headers["retry-after"]) > 0
        assert "CVKG_MAX_CONCURRENT_QUERIES" in response.text
    finally:
        thread.join()
    assert result["status"] == 504  # the hog itself hit the 3 s limit


def test_504_names_the_limit(limited_server: LiveServer, runaway_query: str) -> None:
    response = httpx.get(
        f"{limited_server.url}/sparql", params={"query": runaway_query}, timeout=30
    )
    assert response.status_code == 504
    assert "2 s" in response.text and "CVKG_QUERY_TIMEOUT" in response.text

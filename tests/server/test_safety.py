"""A public endpoint survives its queries: no outbound requests, no anonymous
writes, bounded time, many clients at once."""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from app.server.live import LiveServer

SIMPLE = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


def count(base_url: str) -> int:
    response = httpx.get(
        f"{base_url}/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        timeout=30,
    )
    response.raise_for_status()
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


class Listener:
    """A loopback TCP listener that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture()
def listener() -> Listener:
    lst = Listener()
    yield lst
    lst.close()


def service_queries(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/sparql"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX : <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ ?x ?y ?w }}SERVICE<{url}>{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f'# commentaire\nSELECT * WHERE {{ ?s <http://ex.org/p#x> "#" . SERVICE <{url}> {{}} }}',
    ]


def test_service_is_refused_and_makes_no_outbound_connection(
    client: httpx.Client, listener: Listener
) -> None:
    for query in service_queries(listener.port):
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 400, query
        assert "SERVICE" in response.text
    time.sleep(0.3)
    assert listener.connections == 0


def test_service_words_in_strings_iris_and_comments_are_fine(client: httpx.Client) -> None:
    query = (
        "# SERVICE in a comment\n"
        'SELECT ?service WHERE { BIND("SERVICE <http://x> {}" AS ?service) '
        "FILTER(?service != <http://example.org/service>) }"
    )
    assert client.get("/sparql", params={"query": query}).status_code == 200


def test_admin_service_and_load_are_refused_too(
    admin_server: LiveServer, admin_token: str, listener: Listener
) -> None:
    auth = {"Authorization": f"Bearer {admin_token}"}
    url = f"http://127.0.0.1:{listener.port}/data.ttl"
    for update in (
        f"LOAD <{url}>",
        f"LOAD SILENT <{url}> INTO GRAPH <http://example.org/g>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ):
        response = httpx.post(f"{admin_server.url}/sparql", data={"update": update}, headers=auth)
        assert response.status_code == 400, update
    time.sleep(0.3)
    assert listener.connections == 0


def test_anonymous_writes_change_nothing(server: LiveServer) -> None:
    before = count(server.url)
    writes = [
        ("POST", "/sparql", {"data": {"update": "CLEAR ALL"}}),
        (
            "POST",
            "/sparql",
            {"content": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
        ),
        (
            "POST",
            "/sparql",
            {
                "data": {"update": "INSERT DATA { <http://x> <http://y> 1 }"},
                "headers": {"Authorization": "Bearer mauvais-jeton"},
            },
        ),
        (
            "PUT",
            "/rdf-graph-store?default",
            {
                "content": b"<http://x> <http://y> 1 .",
                "headers": {"Content-Type": "application/n-triples"},
            },
        ),
        ("DELETE", "/rdf-graph-store?graph=http://example.org/g", {}),
        (
            "POST",
            "/rdf-graph-store",
            {
                "content": b"<http://x> <http://y> 1 .",
                "headers": {"Content-Type": "application/n-triples"},
            },
        ),
    ]
    for method, path, kwargs in writes:
        response = httpx.request(method, server.url + path, **kwargs)
        assert response.status_code == 403, (method, path)
    assert count(server.url) == before


def test_admin_update_with_token(admin_server: LiveServer, admin_token: str) -> None:
    auth = {"Authorization": f"Bearer {admin_token}"}
    before = count(admin_server.url)
    update = "INSERT DATA { GRAPH <http://example.org/ajout> { <http://x> <http://y> 1 } }"
    response = httpx.post(f"{admin_server.url}/sparql", data={"update": update}, headers=auth)
    assert response.status_code == 204
    assert count(admin_server.url) == before + 1
    description = httpx.get(f"{admin_server.url}/sparql").text
    assert "SPARQL11Update" in description and "http://example.org/ajout" in description
    wrong = httpx.post(
        f"{admin_server.url}/sparql",
        data={"update": "CLEAR ALL"},
        headers={"Authorization": "Bearer autre"},
    )
    assert wrong.status_code == 403


def test_runaway_query_is_stopped_while_others_are_served(
    limited_server: LiveServer, runaway_query: str
) -> None:
    url = f"{limited_server.url}/sparql"
    outcome: dict[str, float] = {}

    def runaway() -> None:
        start = time.monotonic()
        response = httpx.get(url, params={"query": runaway_query}, timeout=30)
        outcome["status"] = response.status_code
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)  # the runaway is running
    # Another client (another loopback address): the fair share keeps a worker for it.
    other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=30)
    for _ in range(3):
        start = time.monotonic()
        response = other.get(url, params={"query": SIMPLE})
        assert response.status_code == 200
        assert time.monotonic() - start < 2
    other.close()
    thread.join()
    assert outcome["status"] == 504
    assert outcome["seconds"] < 2 + 1.5  # the 2 s limit, plus slack
    start = time.monotonic()
    assert httpx.get(url, params={"query": SIMPLE}, timeout=30).status_code == 200
    assert time.monotonic() - start < 2
    health = httpx.get(f"{limited_server.url}/healthz").json()
    assert health["workers_replaced"] >= 1


def test_64_concurrent_queries_all_succeed(server: LiveServer) -> None:
    query = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?e ?l WHERE { ?e skos:prefLabel ?l } ORDER BY ?l"
    )

    def one(i: int) -> int:
        accept = ["application/sparql-results+json", "text/csv", "application/sparql-results+xml"][
            i % 3
        ]
        return httpx.get(
            f"{server.url}/sparql", params={"query": query}, headers={"Accept": accept}, timeout=60
        ).status_code

    with ThreadPoolExecutor(max_workers=64) as pool:
        statuses = list(pool.map(one, range(64)))
    assert statuses == [200] * 64

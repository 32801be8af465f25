"""The /sparql fast path (app/server/fast_sparql.py) answers exactly as the routes do.

Two live servers on the same data and limits, one with the fast path (the
default) and one with ``CVKG_SPARQL_FAST_PATH=false`` (every request through
FastAPI's routes), receive the same requests in the same order; status,
body and every header a client may read must be equal (the port, which
appears in the endpoint's own URL, aside). Every other test of tests/server
runs through the fast path, since it is on by default: time limit, memory
cap, fair share, row cap, abandoned queries.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.server.live import LiveServer, live_server

SELECT = (
    "PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#> "
    "SELECT ?c WHERE { ?c a cdv:Contrat } ORDER BY ?c"
)
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = (
    "PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#> "
    "CONSTRUCT { ?c a cdv:Contrat } WHERE { ?c a cdv:Contrat }"
)
FILLER = "SELECT ?s ?o WHERE { ?s <http://example.org/p1> ?o }"  # 300 rows
EVERYTHING = "SELECT * WHERE { ?s ?p ?o }"  # past the row cap
COMPARED = (
    "content-type",
    "vary",
    "cvkg-truncated",
    "x-data-version",
    "etag",
    "retry-after",
    "allow",
    "access-control-allow-origin",
    "access-control-expose-headers",
    "access-control-allow-credentials",
)
MAX_ROWS = 1000  # as tests/server/conftest.py
SETTINGS = {"CVKG_QUERY_TIMEOUT": "2", "CVKG_MAX_BODY_BYTES": "3000", "CVKG_QUERY_WORKERS": "2"}

Call = tuple[str, dict[str, object]]


def calls() -> list[Call]:
    """Requests covering every branch of the fast path and its hand-overs to FastAPI."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    direct = {"Content-Type": "application/sparql-query"}
    return [
        ("GET", {"params": {"query": SELECT}}),
        ("GET", {"params": {"query": SELECT}, "headers": {"Accept": "text/csv"}}),
        ("GET", {"params": {"query": SELECT, "format": "xml"}}),
        ("GET", {"params": {"query": SELECT, "format": "nonsense"}}),
        ("GET", {"params": {"query": SELECT}, "headers": {"Accept": "text/turtle"}}),
        ("GET", {"params": {"query": ASK}, "headers": {"Accept": "text/csv"}}),
        ("GET", {"params": {"query": CONSTRUCT}}),
        ("GET", {"params": {"query": CONSTRUCT}, "headers": {"Accept": "application/n-triples"}}),
        ("GET", {"params": {"query": FILLER}, "headers": {"Accept": "text/tab-separated-values"}}),
        ("GET", {"params": {"query": EVERYTHING}}),
        ("GET", {"params": {"query": SELECT}, "headers": {"Origin": "https://example.org"}}),
        ("GET", {"params": {"query": "SELECT * WHERE { ?s ?p }"}}),
        ("GET", {"params": {"query": "SELECT * { SERVICE <http://x.org/s> { ?s ?p ?o } }"}}),
        ("GET", {"params": {"query": "SELECT * " + "{" * 60 + "}" * 60}}),
        ("GET", {"params": {"query": SELECT, "default-graph-uri": "not an iri"}}),
        ("GET", {"params": [("query", SELECT), ("query", ASK)]}),
        ("GET", {"params": {"query": SELECT, "update": "CLEAR ALL"}}),
        ("GET", {"params": {"update": "CLEAR ALL"}}),
        ("GET", {"params": {}, "headers": {"Accept": "text/turtle"}}),
        ("GET", {"url": "/sparql?query=%FF"}),
        ("HEAD", {"params": {"query": SELECT}}),
        ("PUT", {"params": {"query": SELECT}}),
        ("POST", {"data": {"query": SELECT}}),
        ("POST", {"data": {"query": SELECT}, "headers": {"Accept": "application/json"}}),
        ("POST", {"content": SELECT.encode(), "headers": direct}),
        (
            "POST",
            {
                "content": SELECT.encode("latin-1"),
                "headers": {
                    **direct,
                    "Content-Type": ("application/sparql-query; charset=latin-1"),
                },
            },
        ),
        ("POST", {"content": b"query=%FF", "headers": form}),
        ("POST", {"data": {"update": "CLEAR ALL"}}),
        (
            "POST",
            {"content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
        ),
        ("POST", {"data": {"query": SELECT, "update": "CLEAR ALL"}}),
        ("POST", {"data": {"nothing": "here"}}),
        ("POST", {"content": b"x", "headers": {"Content-Type": "text/plain"}}),
        ("POST", {"content": b"x"}),
        ("POST", {"data": {"query": SELECT + " #" + "x" * 4000}}),
        ("POST", {"params": {"query": ASK}, "data": {"query": SELECT}}),
        ("POST", {"data": {"query": SELECT, "named-graph-uri": "urn:x:g"}}),
    ]


@pytest.fixture(scope="module")
def pair(
    tmp_path_factory: pytest.TempPathFactory, data_files: list[Path]
) -> Iterator[tuple[LiveServer, LiveServer]]:
    logs = tmp_path_factory.mktemp("fast-path")
    env = {"CVKG_MAX_ROWS": str(MAX_ROWS), **SETTINGS}
    with live_server(data_files, logs / "fast.log", env=env) as fast:
        routed = {**env, "CVKG_SPARQL_FAST_PATH": "false"}
        with live_server(data_files, logs / "routed.log", env=routed) as slow:
            yield fast, slow


def _send(server: LiveServer, method: str, spec: dict[str, object]) -> httpx.Response:
    options = dict(spec)
    url = str(options.pop("url", "/sparql"))
    with httpx.Client(base_url=server.url, timeout=30) as client:
        return client.request(method, url, **options)  # type: ignore[arg-type]


def _seen(response: httpx.Response, server: LiveServer) -> tuple[object, ...]:
    port = server.url.rsplit(":", 1)[1]
    body = response.content.replace(port.encode(), b"PORT")
    headers = {name: response.headers.get(name) for name in COMPARED}
    timing = response.headers.get("server-timing", "").split(";")[0]
    return response.status_code, body, headers, timing


def test_the_fast_path_answers_as_the_routes(pair: tuple[LiveServer, LiveServer]) -> None:
    fast, routed = pair
    for method, spec in calls() * 2:  # twice: the second time from the result cache
        a, b = _send(fast, method, spec), _send(routed, method, spec)
        assert _seen(a, fast) == _seen(b, routed), (method, spec)


def test_revalidation_and_errors_of_the_workers(pair: tuple[LiveServer, LiveServer]) -> None:
    """304 from the ETag, the time limit (504, the worker replaced) on both paths."""
    for server in pair:
        first = _send(server, "GET", {"params": {"query": FILLER}})
        tag = first.headers["etag"]
        again = _send(
            server, "GET", {"params": {"query": FILLER}, "headers": {"If-None-Match": tag}}
        )
        assert (again.status_code, again.content) == (304, b"")
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    answers = [_send(s, "POST", {"data": {"query": runaway}}) for s in pair]
    assert [a.status_code for a in answers] == [504, 504]
    assert answers[0].text == answers[1].text
    for server in pair:
        health = _send(server, "GET", {"url": "/healthz"}).json()
        assert health["workers_replaced"] >= 1
        assert _send(server, "GET", {"params": {"query": ASK}}).status_code == 200

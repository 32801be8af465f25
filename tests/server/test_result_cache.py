"""The result cache of /sparql: kept per data version, bounded in bytes, off by setting.

A served answer says where it came from in ``Server-Timing``: ``query;dur=…``
when a worker ran the query, ``cache;desc=hit`` when it was kept. The live
cases run real servers; the bound is also checked on the cache itself with
many distinct entries, as a hostile client would send them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.server.live import LiveServer, live_server
from app.server.result_cache import Cached, RequestKey, ResultCache, cacheable

# The data base IRI and the row cap the server of tests/server/conftest.py is started with.
ID = "https://w3id.org/contrats-de-ville/id/"
MAX_ROWS = 1000

ANNOTATIONS = f"{ID}graph/annotations/cache"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ANNOTATIONS}> {{ ?s ?p ?o }} }}"


def _ask(url: str, query: str, **headers: str) -> httpx.Response:
    response = httpx.post(f"{url}/sparql", data={"query": query}, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return response


def _hit(response: httpx.Response) -> bool:
    return "cache;desc=hit" in response.headers["server-timing"]


def _count(response: httpx.Response) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_a_repeated_query_is_served_from_the_cache(server: LiveServer) -> None:
    query = "SELECT ?c WHERE { ?c a <https://w3id.org/contrats-de-ville/onto#Contrat> } # again"
    first, second = _ask(server.url, query), _ask(server.url, query)
    assert not _hit(first) and _hit(second)
    assert second.content == first.content
    assert second.headers["content-type"] == first.headers["content-type"]
    assert len(second.json()["results"]["bindings"]) == 2


def test_the_cache_keys_on_the_format(server: LiveServer) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 # format"
    as_json = _ask(server.url, query)
    as_csv = _ask(server.url, query, Accept="text/csv")
    assert not _hit(as_csv)
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[0] == "s" and as_json.json()["head"]["vars"] == ["s"]
    assert _hit(_ask(server.url, query, Accept="text/csv"))
    # a SELECT: what a client would accept for CONSTRUCT answers does not matter
    assert _hit(_ask(server.url, query, Accept="application/sparql-results+json"))


def test_queries_that_differ_between_runs_are_not_kept(server: LiveServer) -> None:
    query = 'SELECT (NOW() AS ?t) (STRUUID() AS ?u) WHERE {} # "ignored"'
    first, second = _ask(server.url, query), _ask(server.url, query)
    assert not _hit(first) and not _hit(second)
    assert first.json() != second.json()


def test_a_truncated_answer_is_kept_with_its_header(server: LiveServer) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } # truncated"
    first, second = _ask(server.url, query), _ask(server.url, query)
    assert first.headers["cvkg-truncated"] == f"max-rows={MAX_ROWS}"
    assert _hit(second) and second.headers["cvkg-truncated"] == first.headers["cvkg-truncated"]


def test_a_write_gives_a_new_version_and_never_the_old_answer(
    admin_server: LiveServer, admin_token: str
) -> None:
    before = _ask(admin_server.url, COUNT)
    assert _hit(_ask(admin_server.url, COUNT))
    turtle = '<http://example.org/note> <http://www.w3.org/2000/01/rdf-schema#label> "n" .'
    put = httpx.put(
        f"{admin_server.url}/rdf-graph-store",
        params={"graph": ANNOTATIONS},
        content=turtle.encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {admin_token}"},
        timeout=60,
    )
    assert put.status_code in (201, 204), put.text
    after = _ask(admin_server.url, COUNT)
    assert after.headers["x-data-version"] != before.headers["x-data-version"]
    assert not _hit(after)
    assert _count(after) == _count(before) + 1
    assert _hit(_ask(admin_server.url, COUNT))


@pytest.fixture(scope="module")
def uncached_server(
    tmp_path_factory: pytest.TempPathFactory, data_files: list[Path]
) -> Iterator[LiveServer]:
    log = tmp_path_factory.mktemp("logs") / "uncached.log"
    env = {"CVKG_RESULT_CACHE_BYTES": "0", "CVKG_QUERY_WORKERS": "1"}
    with live_server(data_files, log, env=env) as running:
        yield running


def test_the_cache_is_off_when_its_size_is_zero(uncached_server: LiveServer) -> None:
    query = "ASK { ?s ?p ?o }"
    assert not any(_hit(_ask(uncached_server.url, query)) for _ in range(3))


@pytest.fixture(scope="module")
def small_cache_server(
    tmp_path_factory: pytest.TempPathFactory, data_files: list[Path]
) -> Iterator[LiveServer]:
    log = tmp_path_factory.mktemp("logs") / "small-cache.log"
    env = {
        "CVKG_RESULT_CACHE_BYTES": "64K",
        "CVKG_RESULT_CACHE_ENTRY_BYTES": "8K",
        "CVKG_QUERY_WORKERS": "1",
    }
    with live_server(data_files, log, env=env) as running:
        yield running


def test_an_answer_over_the_entry_size_is_not_kept(small_cache_server: LiveServer) -> None:
    large = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 500"
    small = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"
    for query, kept in ((large, False), (small, True)):
        first = _ask(small_cache_server.url, query)
        assert (len(first.content) > 8192) is not kept
        assert _hit(_ask(small_cache_server.url, query)) is kept


def test_many_distinct_answers_stay_within_the_byte_budget() -> None:
    """What a client sending endless distinct queries can make the cache hold."""
    cache = ResultCache(max_bytes=100_000, max_entry_bytes=10_000)
    for i in range(2_000):
        key = RequestKey(
            f"SELECT * {{ ?s ?p {i} }}" + " " * 500, None, None, True, None, "j", None, None, 10
        )
        cache.put("v1", key, Cached(b"x" * 3_000, "application/sparql-results+json"))
        assert cache.bytes <= 100_000
    assert 0 < len(cache) <= 100_000 // 3_500
    bulky = RequestKey("ASK {}", None, None, True, None, None, "j", None, 10)
    assert not cache.put("v1", bulky, Cached(b"x" * 10_001, "application/json"))
    assert cache.get("v1", bulky) is None


def test_a_new_version_empties_the_cache() -> None:
    cache = ResultCache(max_bytes=10_000, max_entry_bytes=5_000)
    key = RequestKey("ASK {}", None, None, True, None, None, "j", None, 10)
    cache.put("build-1", key, Cached(b"true", "application/json"))
    assert cache.get("build-1", key) is not None
    assert cache.get("build-2", key) is None
    assert len(cache) == 0 and cache.bytes == 0
    assert cache.get("build-1", key) is None  # gone for good, even if that version returns


def test_only_deterministic_queries_are_cacheable() -> None:
    assert cacheable('SELECT ?x { ?x <http://e/p> "rand(" } # uuid()')
    for call in ("NOW()", "RAND ()", "uuid()", "STRUUID()", "BNODE()", 'bnode("x")'):
        assert not cacheable(f"SELECT ({call} AS ?v) {{}}")


def test_a_kept_answer_is_served_while_every_worker_is_busy(
    tiny_server: LiveServer, runaway_query: str
) -> None:
    """One worker, held by a runaway: a new query gets 503, a kept answer still comes."""
    kept = "ASK { ?s ?p ?o } # gardée"
    _ask(tiny_server.url, kept)
    status: dict[str, int] = {}

    def hog() -> None:
        while "runaway" not in status:  # a probe below may hold the slot at first
            code = httpx.post(
                f"{tiny_server.url}/sparql", data={"query": runaway_query}, timeout=30
            ).status_code
            if code != 503:
                status["runaway"] = code

    thread = threading.Thread(target=hog)
    thread.start()
    try:
        deadline, probe = time.monotonic() + 10, 0
        while time.monotonic() < deadline:  # until the runaway holds the worker
            probe += 1
            fresh = httpx.post(
                f"{tiny_server.url}/sparql",
                data={"query": f"ASK {{ ?s ?p ?o }} # sonde {probe}"},
                timeout=30,
            )
            if fresh.status_code == 503:
                break
            time.sleep(0.05)
        assert fresh.status_code == 503
        served = _ask(tiny_server.url, kept)
        assert _hit(served) and served.json()["boolean"] is True
    finally:
        thread.join()
    assert status["runaway"] == 504

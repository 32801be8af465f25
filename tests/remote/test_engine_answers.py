"""Answers of other SPARQL engines as they send them, read as the proxy reads them
(``app.server.remote_store``). The bytes are the engines' own, captured with
``curl -H 'Accept: application/sparql-results+json' --data-urlencode query=…``;
CI has no Virtuoso (``scripts/setup-virtuoso.sh`` installs one for the benchmark).
And an engine whose answers do not parse, served here on a loopback port.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from app.server.live import free_port, live_server
from app.server.remote_store import as_boolean

# Virtuoso Open Source 7.2.5 (Debian's virtuoso-opensource-7-bin 7.2.5.1+dfsg1-0.3),
# loaded with the seed build: ASK { ?s ?p ?o } and ASK { <urn:none> ?p ?o }.
VIRTUOSO_ASK_TRUE = (
    b'\n{ "head": { "link": [], "vars": ["__ASK_RETVAL"] },\n  "results": { "distinct": false, '
    b'"ordered": true, "bindings": [\n    { "__ASK_RETVAL": { "type": "typed-literal", '
    b'"datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "1" }} ] } }'
)
VIRTUOSO_ASK_FALSE = (
    b'\n{ "head": { "link": [], "vars": ["__ASK_RETVAL"] },\n  "results": { "distinct": false, '
    b'"ordered": true, "bindings": [ ] } }'
)
SELECT_ONE_ROW = (
    b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"1"}}]}}'
)


def parsed(body: bytes) -> object:
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)


@pytest.mark.parametrize(
    ("body", "truth"), [(VIRTUOSO_ASK_TRUE, True), (VIRTUOSO_ASK_FALSE, False)]
)
def test_virtuoso_ask_is_a_boolean(body: bytes, truth: bool) -> None:
    answer = as_boolean(parsed(body))
    assert isinstance(answer, ox.QueryBoolean)
    assert bool(answer) is truth
    assert answer.serialize(format=ox.QueryResultsFormat.JSON) == (
        b'{"head":{},"boolean":%s}' % (b"true" if truth else b"false")
    )


def test_a_standard_boolean_and_a_table_pass_unchanged() -> None:
    assert bool(as_boolean(parsed(b'{"head":{},"boolean":true}'))) is True
    table = as_boolean(parsed(SELECT_ONE_ROW))
    assert isinstance(table, ox.QuerySolutions)
    assert [row[0].value for row in table] == ["1"]


class _Broken(http.server.BaseHTTPRequestHandler):
    """An engine whose answers do not parse: JSON cut short, or a web page."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        html = "html" in self.path or "error" in self.path
        body = b"<html>maintenance</html>" if html else b'{"head":{"vars":["x"]},"results":{"bin'
        self.send_response(500 if "error" in self.path else 200)
        self.send_header("Content-Type", "text/html" if html else "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def broken_engine() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Broken)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.mark.parametrize("path", ["/json", "/html", "/error"])
def test_an_unreadable_answer_is_the_engines_fault(
    broken_engine: str, built_dir: Path, tmp_path: Path, path: str
) -> None:
    """A 502 naming the engine, not a 400 blaming the client's query or a 500; and the
    replica out of service (/healthz 503), its poll of the engine still running."""
    env = {
        "CVKG_BUILD_DIR": str(built_dir),
        "CVKG_SPARQL_ENDPOINT": f"{broken_engine}{path}",
        "CVKG_STORE_DIR": str(tmp_path / "store"),
    }
    with live_server(None, tmp_path / "server.log", env=env) as server:
        response = httpx.post(server.sparql, data={"query": "SELECT ?x WHERE { ?x ?p ?o }"})
        time.sleep(1.5)  # more than one poll (CVKG_REMOTE_VERSION_TTL, 1 s)
        health = httpx.get(f"{server.url}/healthz")
        log = (tmp_path / "server.log").read_text()
    assert health.status_code == 503 and health.json()["status"] == "engine_unreachable"
    # the reason names the engine (« Parser error at line 1 column 1 » alone did not)
    assert f"{broken_engine}{path}" in health.json()["engine_error"], health.json()
    assert "lecture de l'état du moteur externe" not in log  # no poll ended on an error
    assert response.status_code == 502, response.text
    assert broken_engine in response.text


class _Slow(http.server.BaseHTTPRequestHandler):
    """An engine that takes a second over each query marked « lente », counting how
    many it holds at once; it answers every other request at once, unreadably."""

    lock = threading.Lock()
    running = 0
    most = 0

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        slow = b"lente" in body
        if slow:
            with _Slow.lock:
                _Slow.running += 1
                _Slow.most = max(_Slow.most, _Slow.running)
            time.sleep(1.0)
            with _Slow.lock:
                _Slow.running -= 1
        answer = b'{"head":{"vars":["x"]},"results":{"bindings":[]}}' if slow else b"?"
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


def test_every_admitted_query_reaches_the_engine_at_once(built_dir: Path, tmp_path: Path) -> None:
    """As many queries at once as the admission lets one client run (7 of
    CVKG_MAX_CONCURRENT_QUERIES=8: fair_share keeps one slot) are at the engine at
    once: each has a thread of its own (the loop's default executor has 6 on two
    cores, and held the seventh back)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        "CVKG_BUILD_DIR": str(built_dir),
        "CVKG_SPARQL_ENDPOINT": f"http://127.0.0.1:{server.server_address[1]}/query",
        "CVKG_STORE_DIR": str(tmp_path / "store"),
        "CVKG_MAX_CONCURRENT_QUERIES": "8",
        "CVKG_CLIENT_MAX_QUERIES": "8",
    }
    try:
        with live_server(None, tmp_path / "server.log", env=env) as replica:
            _Slow.most = 0

            def ask(n: int) -> int:
                query = f"SELECT ?x WHERE {{ ?x ?p ?o }} # lente {n}"
                return httpx.post(replica.sparql, data={"query": query}, timeout=60).status_code

            with ThreadPoolExecutor(8) as clients:
                statuses = list(clients.map(ask, range(8)))
    finally:
        server.shutdown()
    assert statuses == [200] * 8
    assert _Slow.most == 7


class _Trickle(http.server.BaseHTTPRequestHandler):
    """An engine that answers a query marked « lente » with one row every 0.1 s for
    10 s, noting when it stopped and why: the end of its rows, or the connection
    closed by the reader. Other queries (the replica's own) get rows of another
    variable at once."""

    stopped: list[tuple[float, str]] = []
    published = ""  # the build it says it holds whole (publication.rq); "": none

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()  # no length: the body ends when the connection does
        if _Trickle.published and b"versionInfo" in body:
            version = json.dumps({"type": "literal", "value": _Trickle.published})
            self.wfile.write(b'{"head":{"vars":["version","modifie"]},"results":{"bindings":[')
            self.wfile.write(b'{"version":' + version.encode() + b"}]}}")
            return
        row = b'{"x":{"type":"literal","value":"1"}}'
        if b"lente" not in body:
            self.wfile.write(b'{"head":{"vars":["x"]},"results":{"bindings":[' + row + b"]}}")
            return
        try:
            self.wfile.write(b'{"head":{"vars":["x"]},"results":{"bindings":[' + row)
            for _ in range(100):
                time.sleep(0.1)
                self.wfile.write(b"," + row)
                self.wfile.flush()
            self.wfile.write(b"]}}")
            _Trickle.stopped.append((time.monotonic(), "fini"))
        except OSError:
            _Trickle.stopped.append((time.monotonic(), "coupé"))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def trickle_engine(built_dir: Path) -> Iterator[str]:
    """The engine, holding the session's build whole (a replica serves no other)."""
    _Trickle.published = json.loads((built_dir / "build-info.json").read_text())["fingerprint"]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/query"
    finally:
        server.shutdown()


def _replica_of(engine: str, built_dir: Path, tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a replica over ``engine``, with more ``CVKG_`` settings."""
    return {
        "CVKG_BUILD_DIR": str(built_dir),
        "CVKG_SPARQL_ENDPOINT": engine,
        "CVKG_STORE_DIR": str(tmp_path / "store"),
        **{f"CVKG_{name.upper()}": value for name, value in settings.items()},
    }


def test_an_engine_answering_other_variables_leaves_the_replica_up(
    trickle_engine: str, built_dir: Path, tmp_path: Path
) -> None:
    """Rows without ?version, for the replica's reads of the write version and of the
    publication: the engine holds no build (503 engine_not_published), and the
    replica runs; it used to end its start-up on an AttributeError."""
    _Trickle.published = ""
    env = _replica_of(trickle_engine, built_dir, tmp_path)
    with live_server(None, tmp_path / "server.log", env=env) as replica:
        health = httpx.get(f"{replica.url}/healthz")
    assert health.status_code == 503
    assert health.json()["status"] == "engine_not_published"


@pytest.mark.parametrize(
    ("query_timeout", "client_timeout", "status"),
    [("1", 30.0, 504), ("30", 0.5, None)],
    ids=["timed-out", "client-gone"],
)
def test_a_query_that_ended_stops_reading_the_engine(
    trickle_engine: str,
    built_dir: Path,
    tmp_path: Path,
    query_timeout: str,
    client_timeout: float,
    status: int | None,
) -> None:
    """A query past CVKG_QUERY_TIMEOUT (its client gets a 504), or whose client gave
    up after half a second: the thread reading the engine's answer stops then too,
    closing the connection. The engine sees it within a second or two, not when
    it has sent all its rows (10 s)."""
    env = _replica_of(trickle_engine, built_dir, tmp_path, query_timeout=query_timeout)
    with live_server(None, tmp_path / "server.log", env=env) as replica:
        _Trickle.stopped.clear()
        sent = time.monotonic()
        query = "SELECT ?x WHERE { ?x ?p ?o } # lente"
        try:
            got = httpx.post(replica.sparql, data={"query": query}, timeout=client_timeout)
            answer: int | None = got.status_code
        except httpx.ReadTimeout:
            answer = None
        answered = time.monotonic() - sent
        _wait_for_the_engine(sent)
    assert answer == status
    assert answered < 3
    when, why = _Trickle.stopped[0]
    assert why == "coupé"
    assert when - sent < 4


def _wait_for_the_engine(sent: float) -> None:
    """Until the engine has stopped sending (15 s at most)."""
    while not _Trickle.stopped and time.monotonic() - sent < 15:
        time.sleep(0.05)


class _Stuck(http.server.BaseHTTPRequestHandler):
    """An engine that never ends an answer: ``/frozen`` sends nothing (a process
    stopped by SIGSTOP), ``/drip`` a byte every 0.2 s for ever."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            if self.path.startswith("/frozen"):
                time.sleep(60)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            for _ in range(300):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def stuck_engine() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Stuck)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_a_frozen_engine_is_said_not_blamed_on_the_query(
    stuck_engine: str, built_dir: Path, tmp_path: Path
) -> None:
    """A query to an engine that answers nothing any more got a 504 « simplifiez-la ou
    ajoutez une LIMIT »: after its time, ``ASK {}`` is tried, and when that goes
    unanswered too the client gets a 503 naming the engine."""
    env = _replica_of(f"{stuck_engine}/frozen", built_dir, tmp_path, query_timeout="1")
    with live_server(None, tmp_path / "server.log", env=env) as replica:
        answer = httpx.post(replica.sparql, data={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert answer.status_code == 503, answer.text
    assert stuck_engine in answer.text and "ne répond plus" in answer.text
    assert "LIMIT" not in answer.text


def test_an_engine_that_never_ends_its_answer_lets_the_replica_start(
    stuck_engine: str, built_dir: Path, tmp_path: Path
) -> None:
    """An engine sending a byte every 0.2 s never trips a per-read timeout: the
    replica's first reading of the engine's state never ended, so it never listened
    (and SIGTERM did not stop it). Now that reading ends with the query time, the
    replica serves, out of service (/healthz 503), and stops when told."""
    env = _replica_of(f"{stuck_engine}/drip", built_dir, tmp_path, query_timeout="2")
    with live_server(None, tmp_path / "server.log", env=env, startup_timeout=30) as replica:
        health = httpx.get(f"{replica.url}/healthz", timeout=30)
        process = replica.process
    assert health.status_code == 503 and health.json()["status"] == "engine_unreachable"
    assert process.returncode is not None and process.returncode != -9  # not killed

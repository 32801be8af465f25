"""``CVKG_STORE_MODE=memory``: the same endpoint over one in-memory copy of the data,
shared by query workers forked from a zygote (app/server/zygote.py, launch.py).

Real servers on loopback, both modes over the same files: the answers, the
data version and every safety property (time limit, memory cap, row cap,
network isolation) must not depend on the mode; writes are refused with a
reason, since a memory copy is a read replica of one build.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from attack_helpers import MEMORY_BOMB, live_children, wait_until

from app.server.live import LiveServer, live_server

ASK = "ASK { ?s ?p ?o }"
ID = "https://w3id.org/contrats-de-ville/id/"  # the sample data's base (conftest.py)
MAX_ROWS = 1000  # as the disk-mode fixtures of conftest.py (checked below)
ADMIN_TOKEN = "jeton-memoire"
MEMORY = {
    "CVKG_STORE_MODE": "memory",
    "CVKG_QUERY_WORKERS": "2",
    "CVKG_QUERY_TIMEOUT": "10",
    "CVKG_QUERY_MEMORY": "100M",
    "CVKG_ADMIN_TOKEN": ADMIN_TOKEN,
    "CVKG_MAX_ROWS": str(MAX_ROWS),
}
# Each with an ORDER BY (or one row): the two stores need not list rows alike.
QUERIES = [
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?t ?l WHERE "
    "{ ?t skos:broader* <" + ID + "theme/sante> ; skos:prefLabel ?l } ORDER BY ?t",
    "SELECT ?s ?o WHERE { ?s <http://example.org/p3> ?o } ORDER BY ?s",
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",  # cut at MAX_ROWS
    "ASK { ?s <http://example.org/p1> ?o }",
]

# The sample contracts' graphs, under the row cap (a cut CONSTRUCT may keep other triples).
CONSTRUCT_SAMPLE = (
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
    f'FILTER(STRSTARTS(STR(?g), "{ID}")) }}'
)
ACCEPT_JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def memory_server(tmp_path_factory: pytest.TempPathFactory, data_files: list[Path]) -> Iterator:
    log = tmp_path_factory.mktemp("logs") / "memory.log"
    with live_server(data_files, log, env=MEMORY) as server:
        yield server


def fresh_ask() -> str:
    """A text never asked before: no cached answer, a worker must answer it."""
    return f"{ASK} # {time.time_ns()}"


def health(server: LiveServer) -> dict:
    return httpx.get(f"{server.url}/healthz", timeout=10).json()


def _get(server: LiveServer, query: str, accept: str = "application/sparql-results+json"):
    return httpx.get(server.sparql, params={"query": query}, headers={"Accept": accept}, timeout=30)


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def _zygote(server: LiveServer) -> int:
    """The server's one zygote (the workers are its children, not the server's)."""
    children = live_children(server.process.pid)
    (zygote,) = [pid for pid in children if "app.server.zygote" in _cmdline(pid)]
    assert not any("worker_main" in _cmdline(pid) for pid in children)
    return zygote


def _rollup(pid: int) -> dict[str, int]:
    lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
    return {k: int(v.split()[0]) for k, _, v in (line.partition(":") for line in lines)}


def test_answers_and_data_version_equal_disk_mode(
    server: LiveServer, memory_server: LiveServer
) -> None:
    assert server.env["CVKG_MAX_ROWS"] == str(MAX_ROWS)
    for query in QUERIES:
        disk, memory = _get(server, query), _get(memory_server, query)
        assert disk.status_code == memory.status_code == 200, (query, memory.text)
        assert memory.content == disk.content, query
        assert memory.headers.get("cvkg-truncated") == disk.headers.get("cvkg-truncated")
        assert memory.headers["etag"] == disk.headers["etag"]
    cut = _get(memory_server, QUERIES[3]).json()["results"]["bindings"]
    assert len(cut) == MAX_ROWS
    construct = CONSTRUCT_SAMPLE
    disk_nt = _get(server, construct, "application/n-triples").text.splitlines()
    memory_nt = _get(memory_server, construct, "application/n-triples").text.splitlines()
    assert sorted(memory_nt) == sorted(disk_nt) and len(disk_nt) > 30
    graph = {"graph": f"{ID}graph/contrat/alpha-2024-2030"}
    read = [
        httpx.get(
            f"{s.url}/rdf-graph-store", params=graph, headers={"Accept": "application/n-triples"}
        )
        for s in (server, memory_server)
    ]
    assert read[0].status_code == read[1].status_code == 200
    assert sorted(read[0].text.splitlines()) == sorted(read[1].text.splitlines())
    assert (
        health(memory_server)["workers_network_isolated"]
        == health(server)["workers_network_isolated"]
    )


def test_the_copy_is_read_from_the_store_or_from_its_files(
    server: LiveServer, memory_server: LiveServer, data_files: list[Path], tmp_path: Path
) -> None:
    """A file of triples went into a graph named after it: only the store knows
    it, so the copy is streamed from the store. N-Quads alone are reloaded
    from the file (faster), and kept only when they hold as many quads."""
    assert "depuis le magasin" in memory_server.log()
    sample = [f for f in data_files if f.suffix == ".nq"]
    with live_server(sample, tmp_path / "files.log", env=MEMORY) as from_files:
        assert "depuis les fichiers chargés" in from_files.log()
        for query in (QUERIES[1], CONSTRUCT_SAMPLE):
            accept = "application/n-triples" if "CONSTRUCT" in query else ACCEPT_JSON
            disk, memory = _get(server, query, accept), _get(from_files, query, accept)
            assert disk.status_code == memory.status_code == 200
            assert sorted(memory.text.splitlines()) == sorted(disk.text.splitlines())
            assert len(disk.content) > 300  # not an empty answer


def test_workers_are_forked_single_threaded_and_share_the_pages(
    memory_server: LiveServer,
) -> None:
    zygote = _zygote(memory_server)
    assert len(os.listdir(f"/proc/{zygote}/task")) == 1  # no thread when it forks
    assert wait_until(lambda: len(live_children(zygote)) == 3, 10)  # 2 workers + the spare
    for worker in live_children(zygote):
        memory = _rollup(worker)
        # Forked: most of what it maps is the zygote's pages, counted once in PSS.
        assert memory["Private_Dirty"] + memory["Private_Clean"] < memory["Rss"] / 2, memory


def test_a_runaway_is_killed_and_its_worker_replaced(
    memory_server: LiveServer, runaway_query: str
) -> None:
    zygote = _zygote(memory_server)
    before = live_children(zygote)
    replaced = health(memory_server)["workers_replaced"]
    start = time.monotonic()
    response = _get(memory_server, runaway_query)
    assert response.status_code == 504, response.text
    assert "CVKG_QUERY_TIMEOUT" in response.text and time.monotonic() - start < 16
    assert wait_until(lambda: health(memory_server)["idle_workers"] == 2, 10)
    assert health(memory_server)["workers_replaced"] == replaced + 1

    def renewed() -> bool:  # the killed worker gone, a new spare forked
        now = live_children(zygote)
        return len(now) == 3 and len(before - now) == 1

    assert wait_until(renewed, 10), (before, live_children(zygote))
    assert _get(memory_server, fresh_ask()).json()["boolean"] is True


def test_a_memory_bomb_stops_at_the_cap_above_the_shared_copy(memory_server: LiveServer) -> None:
    replaced = health(memory_server)["workers_replaced"]
    start = time.monotonic()
    response = httpx.get(memory_server.sparql, params={"query": MEMORY_BOMB}, timeout=30)
    assert response.status_code == 507, response.text
    assert "100 Mio" in response.text and time.monotonic() - start < 10  # the cap, not the time
    assert wait_until(lambda: health(memory_server)["workers_replaced"] > replaced, 5)
    assert _get(memory_server, fresh_ask()).json()["boolean"] is True


def test_writes_are_refused_with_the_reason(memory_server: LiveServer) -> None:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    triple = "<http://example.org/x> <http://example.org/y> <http://example.org/z>"
    update = httpx.post(
        memory_server.sparql, data={"update": f"INSERT DATA {{ {triple} }}"}, headers=admin
    )
    assert update.status_code == 403
    assert "CVKG_STORE_MODE=memory" in update.text and "mode disque" in update.text
    put = httpx.put(
        f"{memory_server.url}/rdf-graph-store",
        params={"graph": "http://example.org/annotations"},
        content=f"{triple} .\n",
        headers={**admin, "Content-Type": "application/n-triples"},
    )
    assert put.status_code == 403 and "CVKG_STORE_MODE" in put.text
    assert _get(memory_server, f"ASK {{ GRAPH ?g {{ {triple} }} }}").json()["boolean"] is False
    assert health(memory_server)["read_only"] is True
    description = httpx.get(memory_server.sparql, headers={"Accept": "text/turtle"}).text
    assert "SPARQL11Update" not in description


def test_a_restarted_memory_server_serves_the_same(
    memory_server: LiveServer, data_files: list[Path], tmp_path: Path
) -> None:
    first = _get(memory_server, QUERIES[0])
    with live_server(data_files, tmp_path / "again.log", env=MEMORY) as again:
        second = _get(again, QUERIES[0])
        assert second.content == first.content
        assert second.headers["etag"] == first.headers["etag"]
        zygote = _zygote(again)
    assert not Path(f"/proc/{zygote}").exists() or "zygote" not in _cmdline(zygote)


def test_a_lost_zygote_is_started_again(memory_server: LiveServer) -> None:
    """Killed (the kernel's OOM killer would pick it: the biggest process), the
    zygote takes its workers with it; the pool drops them and loads a new copy."""
    zygote = _zygote(memory_server)
    workers = live_children(zygote)
    os.kill(zygote, 9)
    assert wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), 5)
    answer = httpx.get(memory_server.sparql, params={"query": fresh_ask()}, timeout=60)
    assert answer.status_code == 200 and answer.json()["boolean"] is True
    assert _zygote(memory_server) != zygote
    assert wait_until(lambda: health(memory_server)["idle_workers"] == 2, 20)


def test_a_worker_that_copied_too_much_of_the_shared_data_is_replaced(
    data_files: list[Path], tmp_path: Path
) -> None:
    """Reading the in-memory store writes reference counts: a worker's pages
    become its own as it reads. Past CVKG_WORKER_PRIVATE_MEMORY it is replaced
    by a fresh fork once its answer is sent — the answer itself is whole."""
    env = {**MEMORY, "CVKG_WORKER_PRIVATE_MEMORY": "1M"}
    scan = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
    with live_server(data_files, tmp_path / "worn.log", env=env) as worn:
        zygote = _zygote(worn)
        assert wait_until(lambda: len(live_children(zygote)) == 3, 10)
        before = live_children(zygote)
        for run in range(3):
            answer = _get(worn, f"{scan} # {run}", "application/n-triples")
            assert answer.status_code == 200 and len(answer.text.splitlines()) == MAX_ROWS
        assert wait_until(lambda: len(live_children(zygote) - before) >= 2, 10)
        assert health(worn)["workers_replaced"] == 0  # not counted as lost workers

"""Admin writes in external-engine mode, against Oxigraph's own server.

Two replicas over one engine: ``a`` may write (``CVKG_SPARQL_UPDATE_ENDPOINT``
and the admin token), ``b`` only reads. A write through ``a`` is validated
before the engine sees it, lands whole, changes the data version, and ``b``
sees both the data and the version. Refused writes leave the engine as it
was; a stale write (another one passed in between) applies nothing; an
engine that is down is a 503 naming it. ``cvkg publish`` into the populated
engine replaces the build's graphs and keeps the annotation graphs.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from remote_helpers import oxigraph_server, publish, wait_for_status
from remote_helpers import select as rows

from app.config import DEFAULT_BASE_IRI as BASE
from app.server.annotation_graphs import VERSION_GRAPH, render
from app.server.live import LiveServer, free_port, live_server
from app.server.remote_writes import guarded_update

TOKEN = "jeton-moteur-externe"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CDV = "https://w3id.org/contrats-de-ville/onto#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
ANNOTATIONS = f"{BASE}graph/annotations/equipe-moteur"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def replica_env(engine: str, built_dir: Path, store: Path, *, writes: bool) -> dict[str, str]:
    """A replica's settings over ``engine`` (Oxigraph's URLs), writing into it or not."""
    env = {
        "CVKG_BUILD_DIR": str(built_dir),
        "CVKG_SPARQL_ENDPOINT": f"{engine}/query",
        "CVKG_ADMIN_TOKEN": TOKEN,
        "CVKG_REMOTE_VERSION_TTL": "0.5",
        "CVKG_STORE_DIR": str(store),
    }
    if writes:
        env["CVKG_SPARQL_UPDATE_ENDPOINT"] = f"{engine}/update"
        env["CVKG_MAX_WRITE_TRIPLES"] = "2000"  # less than the seed synthèse (≈ 4,600)
    return env


@pytest.fixture(scope="module")
def replicas(
    published: str, built_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer]]:
    tmp = tmp_path_factory.mktemp("replicas-ecriture")
    with (
        live_server(
            None, tmp / "a.log", env=replica_env(published, built_dir, tmp / "a", writes=True)
        ) as a,
        live_server(
            None, tmp / "b.log", env=replica_env(published, built_dir, tmp / "b", writes=False)
        ) as b,
    ):
        yield a, b


def count(engine: str) -> int:
    return int(rows(f"{engine}/query", COUNT)[0]["n"])


def version(server: LiveServer) -> str:
    response = httpx.get(server.sparql, params={"query": "ASK {}"})
    assert response.status_code == 200, response.text
    return response.headers["X-Data-Version"]


@pytest.fixture(scope="module")
def objectif(published: str) -> dict[str, str]:
    """An operational objective of the build, with its contract."""
    query = (
        f"SELECT ?o ?c WHERE {{ ?o a <{CDV}ObjectifOperationnel> ; <{CDV}contrat> ?c }} "
        "ORDER BY ?o LIMIT 1"
    )
    return rows(f"{published}/query", query)[0]


def put(server: LiveServer, graph: str, body: str) -> httpx.Response:
    return httpx.put(
        f"{server.url}/rdf-graph-store",
        params={"graph": graph},
        content=body.encode("utf-8"),
        headers={**AUTH, "Content-Type": "application/n-triples"},
        timeout=60,
    )


def test_a_write_reaches_the_engine_and_both_replicas(
    replicas: tuple[LiveServer, LiveServer], published: str, objectif: dict[str, str]
) -> None:
    a, b = replicas
    before_a, before_b = version(a), version(b)
    assert before_a == before_b
    note = f'<{objectif["o"]}> <{RDFS}comment> "Priorité de l\'équipe moteur"@fr .\n'
    response = put(a, ANNOTATIONS, note)
    assert response.status_code == 201, response.text
    written = response.headers["X-Data-Version"]
    assert written != before_a and version(a) == written
    ask = f"ASK {{ GRAPH <{ANNOTATIONS}> {{ <{objectif['o']}> <{RDFS}comment> ?c }} }}"
    for server in (a, b):
        assert httpx.post(server.sparql, data={"query": ask}).json()["boolean"] is True
    deadline = time.monotonic() + 10
    while version(b) != written and time.monotonic() < deadline:
        time.sleep(0.2)
    assert version(b) == written
    again = put(a, ANNOTATIONS, note + f'<{objectif["o"]}> <{RDFS}comment> "Deuxième"@fr .\n')
    assert again.status_code == 204, again.text
    found = rows(
        f"{published}/query", f"SELECT ?c WHERE {{ GRAPH <{ANNOTATIONS}> {{ ?s ?p ?c }} }}"
    )
    assert sorted(r["c"] for r in found) == ["Deuxième", "Priorité de l'équipe moteur"]


def test_a_read_only_replica_refuses_writes(
    replicas: tuple[LiveServer, LiveServer], published: str
) -> None:
    before = count(published)
    response = put(replicas[1], f"{ANNOTATIONS}-b", "<http://e/s> <http://e/p> <http://e/o> .")
    assert response.status_code == 403
    assert "CVKG_SPARQL_UPDATE_ENDPOINT" in response.text
    assert count(published) == before


@pytest.mark.parametrize(
    "case",
    [
        "objectif sans parent",
        "libellé entier",
        "graphe du contrat",
        "trop grande",
        "graphe absent",
        "graphe déjà là",
        "triplets construits répétés",
    ],
)
def test_a_refused_write_leaves_the_engine_as_it_was(
    replicas: tuple[LiveServer, LiveServer],
    published: str,
    objectif: dict[str, str],
    case: str,
) -> None:
    a = replicas[0]
    before, version_before = count(published), version(a)
    new = f"{objectif['c']}/annotation-nouvel-objectif"
    graph, triples, status = {
        "objectif sans parent": (
            f"{ANNOTATIONS}-formes",
            f"<{new}> a <{CDV}ObjectifOperationnel> ; <{CDV}contrat> <{objectif['c']}> ; "
            f'<{SKOS}prefLabel> "Objectif ajouté"@fr ; <{CDV}rang> 99 ; <{CDV}ligneSource> 1 .',
            422,
        ),
        "libellé entier": (
            f"{ANNOTATIONS}-formes",
            f"<{objectif['o']}> <{SKOS}prefLabel> 42 .",
            422,
        ),
        "graphe du contrat": (
            f"{BASE}graph/contrat/{objectif['c'].rsplit('/', 1)[-1]}",
            "<http://e/s> <http://e/p> 1 .",
            403,
        ),
        "trop grande": (f"{ANNOTATIONS}-copie", "", 413),
        "graphe absent": (f"{ANNOTATIONS}-absent", "", 404),
        "graphe déjà là": (f"{BASE}graph/synthese", "", 409),
        "triplets construits répétés": (f"{ANNOTATIONS}-doublon", "", 409),
    }[case]
    update = {
        "trop grande": f"COPY <{BASE}graph/synthese> TO <{graph}>",
        "graphe absent": f"DROP GRAPH <{graph}>",
        "graphe déjà là": f"CREATE GRAPH <{graph}>",
        "triplets construits répétés": f"COPY <{BASE}graph/vocabulaire/generations> TO <{graph}>",
    }.get(case, f"INSERT DATA {{ GRAPH <{graph}> {{ {triples} }} }}")
    response = httpx.post(a.sparql, data={"update": update}, headers=AUTH, timeout=60)
    assert response.status_code == status, response.text
    if status == 422:
        assert "ValidationReport" in response.text
    assert count(published) == before
    assert version(a) == version_before


def test_an_update_reading_any_graph_is_refused(replicas: tuple[LiveServer, LiveServer]) -> None:
    update = (
        f"INSERT {{ GRAPH <{ANNOTATIONS}> {{ ?s <{RDFS}seeAlso> ?g }} }} "
        f"WHERE {{ GRAPH ?g {{ ?s a <{CDV}Contrat> }} }}"
    )
    response = httpx.post(replicas[0].sparql, data={"update": update}, headers=AUTH)
    assert response.status_code == 400 and "GRAPH ?variable" in response.text


def test_an_update_with_where_on_named_graphs(
    replicas: tuple[LiveServer, LiveServer], published: str, objectif: dict[str, str]
) -> None:
    """DELETE … WHERE reading the graph it writes, evaluated on the engine's content."""
    update = f'DELETE {{ GRAPH <{ANNOTATIONS}> {{ ?s ?p ?c }} }} WHERE {{ GRAPH <{ANNOTATIONS}> {{ ?s ?p ?c FILTER(STR(?c) = "Deuxième") }} }}'
    response = httpx.post(replicas[0].sparql, data={"update": update}, headers=AUTH, timeout=60)
    assert response.status_code == 204, response.text
    found = rows(
        f"{published}/query", f"SELECT ?c WHERE {{ GRAPH <{ANNOTATIONS}> {{ ?s ?p ?c }} }}"
    )
    assert [r["c"] for r in found] == ["Priorité de l'équipe moteur"]


def test_a_stale_write_applies_nothing(published: str) -> None:
    """The request a replica sends is guarded by the version it read: another write
    in between (here: a version that is not the engine's) makes every step a no-op."""
    graph = f"{ANNOTATIONS}-perime"
    before, current = (
        count(published),
        rows(
            f"{published}/query",
            f"SELECT ?v WHERE {{ GRAPH <{BASE}{VERSION_GRAPH}> {{ ?s ?p ?v }} }}",
        ),
    )
    line = f"<http://e/s> <http://e/p> <http://e/o> <{graph}> ."
    update = guarded_update({graph: [line]}, BASE + VERSION_GRAPH, "version-perimee", "autre")
    response = httpx.post(f"{published}/update", data={"update": update})
    assert response.status_code == 204, response.text
    assert count(published) == before
    after = f"SELECT ?v WHERE {{ GRAPH <{BASE}{VERSION_GRAPH}> {{ ?s ?p ?v }} }}"
    assert rows(f"{published}/query", after) == current


@pytest.fixture(scope="module")
def second_writer(
    published: str, built_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("replica-c")
    env = replica_env(published, built_dir, tmp / "c", writes=True)
    with live_server(None, tmp / "c.log", env=env) as c:
        yield c


def test_two_replicas_appending_at_once_lose_no_acknowledged_write(
    replicas: tuple[LiveServer, LiveServer], second_writer: LiveServer, published: str
) -> None:
    """Graph Store POSTs (appends) to one graph from two writing replicas at once: each
    is acknowledged (its triple is then in the graph) or refused with 409 (it is not)."""
    graph = f"{ANNOTATIONS}-concurrence"

    def post(server: LiveServer, n: int) -> tuple[int, int]:
        body = f'<http://e/s> <http://e/p> "{n}" .'.encode()
        response = httpx.post(
            f"{server.url}/rdf-graph-store",
            params={"graph": graph},
            content=body,
            headers={**AUTH, "Content-Type": "application/n-triples"},
            timeout=120,
        )
        return n, response.status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = []
        for round_ in range(6):
            futures = [
                pool.submit(post, server, 2 * round_ + i)
                for i, server in enumerate((replicas[0], second_writer))
            ]
            statuses += [f.result() for f in futures]
    assert {status for _, status in statuses} <= {201, 204, 409}, statuses
    stored = rows(f"{published}/query", f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    acknowledged = sorted(n for n, status in statuses if status != 409)
    assert sorted(int(r["o"]) for r in stored) == acknowledged
    assert acknowledged  # at least the first of each round


def test_publish_again_replaces_the_build_and_keeps_annotations(
    replicas: tuple[LiveServer, LiveServer],
    published: str,
    built_dir: Path,
    built_dump: Path,
    cvkg_exe: str,
    cvkg_env: dict[str, str],
) -> None:
    """A second publish: the build's graphs replaced (not duplicated), a graph of an
    earlier build deleted, the annotation graphs and the write version kept."""
    in_build = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g IN ($G)) }"
    graphs = sorted({line.rsplit(" ", 2)[-2] for line in built_dump.read_text().splitlines()})
    query = in_build.replace("$G", ", ".join(graphs))
    lines = len(built_dump.read_text().splitlines())
    stale = f"{BASE}graph/contrat/contrat-retire"
    httpx.put(
        f"{published}/store",
        params={"graph": stale},
        content=b"<http://e/s> <http://e/p> <http://e/o> .",
        headers={"Content-Type": "application/n-triples"},
    ).raise_for_status()
    kept = f"ASK {{ GRAPH <{ANNOTATIONS}> {{ ?s ?p ?o }} GRAPH <{BASE}{VERSION_GRAPH}> {{ ?v ?w ?x }} }}"
    assert httpx.post(f"{published}/query", data={"query": kept}).json()["boolean"]
    assert int(rows(f"{published}/query", query)[0]["n"]) == lines
    publish(
        published, built_dir, cvkg_exe, cvkg_env, {"CVKG_SPARQL_ENDPOINT": f"{published}/query"}
    )
    assert int(rows(f"{published}/query", query)[0]["n"]) == lines
    gone = f"ASK {{ GRAPH <{stale}> {{ ?s ?p ?o }} }}"
    assert not httpx.post(f"{published}/query", data={"query": gone}).json()["boolean"]
    assert httpx.post(f"{published}/query", data={"query": kept}).json()["boolean"]
    for replica in replicas:  # out of service while the build was half-sent
        wait_for_status(replica, "ok")


def test_publish_annotations_copies_a_local_record(
    replicas: tuple[LiveServer, LiveServer],
    published: str,
    tmp_path: Path,
    built_dir: Path,
    cvkg_exe: str,
    cvkg_env: dict[str, str],
) -> None:
    """A local server's record (graphes.nq) moved into the engine: one validated write."""
    graph = f"{ANNOTATIONS}-locale"
    record = tmp_path / "annotations"
    record.mkdir()
    line = f'<http://e/s> <{RDFS}comment> "écrit localement" <{graph}> .'
    (record / "graphes.nq").write_text(render({graph: [line]}), encoding="utf-8")
    before = version(replicas[1])
    env = dict(
        cvkg_env,
        CVKG_BUILD_DIR=str(built_dir),
        CVKG_ANNOTATIONS_DIR=str(record),
        CVKG_SPARQL_ENDPOINT=f"{published}/query",
        CVKG_SPARQL_UPDATE_ENDPOINT=f"{published}/update",
    )
    done = subprocess.run(
        [cvkg_exe, "publish", "--annotations"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    found = rows(f"{published}/query", f"SELECT ?c WHERE {{ GRAPH <{graph}> {{ ?s ?p ?c }} }}")
    assert found == [{"c": "écrit localement"}]
    deadline = time.monotonic() + 10
    while version(replicas[1]) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert version(replicas[1]) != before


def test_an_engine_down_is_a_clear_error(
    built_dir: Path, tmp_path: Path, cvkg_exe: str, cvkg_env: dict[str, str]
) -> None:
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env = replica_env(down, built_dir, tmp_path / "store", writes=True)
    with live_server(None, tmp_path / "down.log", env=env) as server:
        response = put(server, ANNOTATIONS, "<http://e/s> <http://e/p> <http://e/o> .")
        query = httpx.post(server.sparql, data={"query": "ASK {}"}, timeout=60)
        health = httpx.get(f"{server.url}/healthz")
        assert health.status_code == 503, health.text  # a proxy takes the replica out
        assert health.json()["status"] == "engine_unreachable"
        assert down.split("//")[1] in health.json()["engine_error"]
        with oxigraph_server(tmp_path / "engine", int(down.rsplit(":", 1)[1])):
            # Up but empty: it answers, and holds no build yet (no publication graph).
            assert wait_for_status(server, "engine_not_published")["api_ready"] is False
            publish(down, built_dir, cvkg_exe, cvkg_env)
            back = wait_for_status(server, "ok")
            assert back["engine_error"] is None
            # The API's preparation, which failed while the engine was down or empty,
            # is tried again (1, 2, 4, 8 then every 10 s) until it is done.
            for _ in range(300):
                if httpx.get(f"{server.url}/healthz").json()["api_ready"]:
                    break
                time.sleep(0.1)
            assert httpx.get(f"{server.url}/healthz").json()["api_ready"] is True
    assert query.status_code == 503 and "injoignable" in query.text and down in query.text
    assert response.status_code == 503, response.text
    assert "injoignable" in response.text and down in response.text
    done = subprocess.run(
        [cvkg_exe, "publish", "--quiet", "--graph-store", f"{down}/store"],
        env=dict(cvkg_env, CVKG_BUILD_DIR=str(built_dir)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    assert "injoignable" in done.stderr and down in done.stderr


@pytest.mark.parametrize(
    ("graph", "holder"), [("publication", "cvkg publish"), ("ecritures", "le serveur")]
)
def test_the_engines_bookkeeping_graphs_are_refused_saying_who_holds_them(
    replicas: tuple[LiveServer, LiveServer], graph: str, holder: str
) -> None:
    """They were refused as « vient de la construction (cvkg build) : modifiez ce
    fichier », which names no file: no file makes them."""
    response = put(replicas[0], f"{BASE}graph/{graph}", "<http://e/s> <http://e/p> <http://e/o> .")
    assert response.status_code == 403, response.text
    assert f"tenu par {holder}" in response.text and "modifiez ce fichier" not in response.text

"""External-engine mode: ``cvkg publish`` into Oxigraph's own server (the ``oxigraph``
wheel's binary, started here on a free loopback port), then two ``cvkg serve``
replicas with ``CVKG_SPARQL_ENDPOINT`` pointing at it: same answers as the
build read in process, same ``X-Data-Version``, and the proxy's rules kept
(read-only, row cap, timeout).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from remote_helpers import publish, select, wait_for_status

from app.server.live import LiveServer, live_server

OWL_VERSION = "http://www.w3.org/2002/07/owl#versionInfo"
THEMES = """PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
SELECT ?c ?t ?n WHERE { GRAPH ?g { ?f cdv:dansContrat ?c ; cdv:themeAborde ?t ;
  cdv:nombreElements ?n } } ORDER BY ?c ?t"""
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def replicas(
    published: str, built_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[LiveServer]]:
    tmp = tmp_path_factory.mktemp("replicas")
    env = {
        "CVKG_BUILD_DIR": str(built_dir),
        "CVKG_SPARQL_ENDPOINT": f"{published}/query",
        "CVKG_QUERY_TIMEOUT": "2",
        "CVKG_MAX_ROWS": "50",
    }
    with (
        live_server(None, tmp / "a.log", env=dict(env, CVKG_STORE_DIR=str(tmp / "a"))) as a,
        live_server(
            None,
            tmp / "b.log",
            # b reads graphs from the engine's Graph Store, a by queries: alike.
            env=dict(
                env, CVKG_STORE_DIR=str(tmp / "b"), CVKG_SPARQL_GRAPH_STORE=f"{published}/store"
            ),
        ) as b,
    ):
        yield [a, b]


def in_process(dump: Path, query: str) -> list[dict[str, str]]:
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    body = store.query(query, use_default_graph_as_union=True).serialize(
        format=ox.QueryResultsFormat.JSON
    )
    return [{k: v["value"] for k, v in r.items()} for r in json.loads(body)["results"]["bindings"]]


def test_publish_sends_every_graph(published: str, built_dump: Path, built_dir: Path) -> None:
    """Every graph of the build, and last the publication graph: the build's fingerprint."""
    graphs = {line.rsplit(" ", 2)[-2] for line in built_dump.read_text().splitlines() if line}
    marker = "https://w3id.org/contrats-de-ville/id/graph/publication"
    rows = select(f"{published}/query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert {f"<{r['g']}>" for r in rows} == graphs | {f"<{marker}>"}
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{marker}>) }}"
    (row,) = select(f"{published}/query", count)
    assert int(row["n"]) == len(built_dump.read_text().splitlines())
    fingerprint = json.loads((built_dir / "build-info.json").read_text())["fingerprint"]
    query = f"SELECT ?v WHERE {{ GRAPH <{marker}> {{ <{marker}> <{OWL_VERSION}> ?v }} }}"
    assert select(f"{published}/query", query) == [{"v": fingerprint}]


def test_replicas_answer_as_the_build(replicas: list[LiveServer], built_dump: Path) -> None:
    expected = in_process(built_dump, THEMES)[:50]  # the replicas cap rows at 50
    assert len(expected) == 50
    for server in replicas:
        assert select(server.sparql, THEMES) == expected


def test_replicas_share_the_data_version(replicas: list[LiveServer]) -> None:
    versions = set()
    answers = []
    for server in replicas:
        response = httpx.get(f"{server.url}/api/themes", timeout=60)
        assert response.status_code == 200, response.text
        versions.add(response.headers["X-Data-Version"])
        answers.append(response.json())
    assert len(versions) == 1 and answers[0] == answers[1]


def test_row_cap_kept(replicas: list[LiveServer]) -> None:
    query = "SELECT * { ?s ?p ?o } LIMIT 200"  # more than the cap, quick within the 2 s timeout
    response = httpx.post(replicas[0].sparql, data={"query": query})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 50
    assert response.headers.get("CVKG-Truncated")


def test_read_only(replicas: list[LiveServer], published: str) -> None:
    update = "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"
    response = httpx.post(replicas[0].sparql, data={"update": update})
    assert response.status_code in (401, 403)
    (row,) = select(
        f"{published}/query",
        "ASK { GRAPH <urn:x> { ?s ?p ?o } }".replace("ASK", "SELECT (COUNT(*) AS ?n) WHERE"),
    )
    assert row["n"] == "0"


def test_timeout_kept(replicas: list[LiveServer]) -> None:
    start = time.monotonic()
    response = httpx.post(replicas[1].sparql, data={"query": RUNAWAY}, timeout=60)
    assert response.status_code in (503, 504), response.text
    assert time.monotonic() - start < 10


def test_pages_read_the_engine(replicas: list[LiveServer], built_dump: Path) -> None:
    """An element's page (few triples: under the replicas' 50-row cap) as Turtle."""
    (row,) = in_process(
        built_dump,
        "PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?e ?code WHERE { ?e cdv:contrat ?c ; skos:notation ?code } ORDER BY ?e LIMIT 1",
    )
    path = row["e"].split("/id/", 1)[1]
    response = httpx.get(f"{replicas[0].url}/id/{path}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert "cdv:contrat" in response.text and f'"{row["code"]}"' in response.text


GENERATIONS = "https://w3id.org/contrats-de-ville/id/graph/vocabulaire/generations"


@pytest.mark.parametrize(
    ("dataset", "where", "in_generations"),
    [
        (f"FROM <{GENERATIONS}>", "?s ?p ?o", True),
        ("FROM <graph/vocabulaire/generations>", "?s ?p ?o", True),  # against the query's BASE
        (r"FROM g:vocabulaire\/generations", "?s ?p ?o", True),
        (f"FROM NAMED <{GENERATIONS}>", "GRAPH ?g { ?s ?p ?o }", True),
        (f"FROM NAMED <{GENERATIONS}>", "?s ?p ?o", False),  # an empty default graph
        (f"FROM <{GENERATIONS}>", "GRAPH ?g { ?s ?p ?o }", False),  # no named graph
    ],
)
def test_dataset_named_in_the_query(
    replicas: list[LiveServer], built_dump: Path, dataset: str, where: str, in_generations: bool
) -> None:
    """The query's FROM / FROM NAMED make its dataset, as in the local store, though
    the engine serves the union of its graphs (``--union-default-graph``, which
    Oxigraph's server keeps over a query's FROM)."""
    lines = built_dump.read_text().splitlines()
    expected = sum(line.endswith(f"<{GENERATIONS}> .") for line in lines) if in_generations else 0
    assert expected > 0 or not in_generations
    query = (
        "BASE <https://w3id.org/contrats-de-ville/id/> PREFIX g: <graph/>\n"
        f"SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ {where} }}"
    )
    (row,) = select(replicas[0].sparql, query)
    assert int(row["n"]) == expected


def test_graph_store_default_is_the_engines_own(replicas: list[LiveServer], published: str) -> None:
    """``GET /rdf-graph-store?default`` is the store's own default graph in both modes
    (graph_store.py): empty after publishing (every graph of the build is named),
    not the union of every graph that the engine's queries read."""
    urls = [f"{replica.url}/rdf-graph-store?default" for replica in replicas]
    nt = {"Accept": "application/n-triples"}
    for url in urls:
        empty = httpx.get(url, headers=nt, timeout=60)
        assert empty.status_code == 200 and empty.content.strip() == b""
    triple = '<urn:cvkg-test:s> <urn:cvkg-test:p> "dans le graphe par défaut" .'
    insert = httpx.post(f"{published}/update", data={"update": f"INSERT DATA {{ {triple} }}"})
    assert insert.status_code in (200, 204), insert.text
    try:
        for url in urls:  # by a query (a), from the engine's Graph Store (b)
            one = httpx.get(url, headers=nt, timeout=60)
            assert one.status_code == 200
            assert one.text.strip().splitlines() == [triple]
            assert httpx.head(url, headers=nt).status_code == 200
    finally:
        httpx.post(f"{published}/update", data={"update": f"DELETE DATA {{ {triple} }}"})


def test_publish_a_graph_written_in_several_runs(published: str, tmp_path: Path) -> None:
    """A graph whose quads come back later in the dump is published whole (its first run
    replaces the graph, the later ones add to it), and publishing a smaller dump
    replaces it again. ``app.publish`` read in process: the command's own function."""
    from app.publish import publish as publish_dump

    a, b = "urn:cvkg-test:graphe-a", "urn:cvkg-test:graphe-b"
    quads = [f'<urn:s:{i}> <urn:p> "{i}" <{g}> .' for i, g in enumerate([a, a, b, a, b, a])]
    dump = tmp_path / "dump.nq"
    dump.write_text("\n".join(quads) + "\n", encoding="utf-8")
    count = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER (?g IN (<%s>, <%s>)) } GROUP BY ?g"
    try:
        assert publish_dump(dump, f"{published}/store") == 2
        rows = select(f"{published}/query", count % (a, b))
        assert {r["g"]: int(r["n"]) for r in rows} == {a: 4, b: 2}
        dump.write_text(quads[2] + "\n" + quads[0] + "\n", encoding="utf-8")
        assert publish_dump(dump, f"{published}/store") == 2
        rows = select(f"{published}/query", count % (a, b))
        assert {r["g"]: int(r["n"]) for r in rows} == {a: 1, b: 1}
    finally:
        for g in (a, b):
            httpx.delete(f"{published}/store", params={"graph": g})


def test_row_cap_reads_no_more_than_it_serves(
    published: str, built_dir: Path, tmp_path: Path
) -> None:
    """A query whose whole answer is larger than ``CVKG_REMOTE_MAX_BYTES`` still gets its
    first ``CVKG_MAX_ROWS`` rows, as from the local store: the engine's answer is
    read as it comes and left once the cap is reached. (Read whole first, every
    triple of the seeds — 4 MB as JSON — passed the 200 kB cap: an error.) The
    cap still refuses a graph read larger than it."""
    env = {
        "CVKG_BUILD_DIR": str(built_dir),
        "CVKG_SPARQL_ENDPOINT": f"{published}/query",
        "CVKG_MAX_ROWS": "50",
        "CVKG_REMOTE_MAX_BYTES": "200000",
        "CVKG_STORE_DIR": str(tmp_path / "store"),
    }
    with live_server(None, tmp_path / "server.log", env=env) as server:
        for query, accept in [
            ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json"),
            ("SELECT * WHERE { ?s ?p ?o }", "text/csv"),
            ("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples"),
        ]:
            response = httpx.post(
                server.sparql, data={"query": query}, headers={"Accept": accept}, timeout=60
            )
            assert response.status_code == 200, response.text
            assert response.headers.get("CVKG-Truncated") == "max-rows=50"
            lines = response.text.strip().splitlines()
            if accept.endswith("json"):
                assert len(response.json()["results"]["bindings"]) == 50
            else:
                assert len(lines) == 50 + (accept == "text/csv")  # CSV: a header line
        whole = httpx.get(
            f"{server.url}/rdf-graph-store",
            params={
                "graph": "https://w3id.org/contrats-de-ville/id/graph/contrat/ca-melun-val-de-seine-2024-2030"
            },
            headers={"Accept": "application/n-triples"},
            timeout=60,
        )
        assert whole.status_code == 507 and "CVKG_REMOTE_MAX_BYTES" in whole.text, whole.text


def test_dataset_description_gives_the_builds_sizes(
    replicas: list[LiveServer], built_dump: Path
) -> None:
    """The VoID description over an engine gives the published build's sizes, as over
    the local store: classes and properties too, not only triples counted in the
    engine (which also holds graphs of its own: Virtuoso's system graphs)."""
    quads = list(ox.parse(path=str(built_dump), format=ox.RdfFormat.N_QUADS))
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    classes = {q.object for q in quads if q.predicate.value == rdf_type}
    store = ox.Store()
    response = httpx.get(f"{replicas[0].url}/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    store.load(response.content, format=ox.RdfFormat.TURTLE)
    (row,) = store.query(
        "PREFIX void: <http://rdfs.org/ns/void#> SELECT ?t ?c ?p WHERE { "
        "<https://w3id.org/contrats-de-ville/id/dataset> void:triples ?t ; void:classes ?c ; "
        "void:properties ?p }"
    )
    assert int(row["t"].value) == len({(q.subject, q.predicate, q.object) for q in quads})
    assert int(row["c"].value) == len(classes)
    assert int(row["p"].value) == len({q.predicate for q in quads})


def test_a_replica_serves_only_a_whole_publication(
    replicas: list[LiveServer],
    published: str,
    built_dir: Path,
    cvkg_exe: str,
    cvkg_env: dict[str, str],
) -> None:
    """While the engine does not hold the replica's build whole (the publication graph,
    removed first and written last by ``cvkg publish``, is missing), /healthz is a
    503, and so is every answer read from the engine: the API, the pages and /sparql
    answered 200 from half a build. A new publication is a new version."""
    before = httpx.get(f"{replicas[0].url}/api/themes").headers["X-Data-Version"]
    marker = "https://w3id.org/contrats-de-ville/id/graph/publication"
    assert httpx.delete(f"{published}/store", params={"graph": marker}).status_code < 300
    missing = wait_for_status(replicas[0], "engine_not_published")
    assert "cvkg publish" in str(missing["engine_error"])
    themes = httpx.get(f"{replicas[0].url}/api/dispositifs/asv")
    ask = httpx.get(replicas[0].sparql, params={"query": "ASK { ?s ?p ?o }"})
    page = httpx.get(f"{replicas[0].url}/id/theme/jeunesse", headers={"Accept": "text/turtle"})
    for answer in (themes, ask, page):
        assert answer.status_code == 503, (answer.request.url, answer.text)
        assert "cvkg publish" in answer.text and answer.headers["Retry-After"]
    publish(published, built_dir, cvkg_exe, cvkg_env)
    wait_for_status(replicas[0], "ok")
    after = httpx.get(f"{replicas[0].url}/api/themes").headers["X-Data-Version"]
    assert before != after, before


@pytest.mark.parametrize(
    ("graph", "status"),
    [
        ("https://w3id.org/contrats-de-ville/id/graph/contrat/terre-rouge-d2f76168", 200),
        ("https://w3id.org/contrats-de-ville/id/graph/synthese", 200),
        ("https://w3id.org/contrats-de-ville/id/graph/nexiste-pas", 404),
    ],
)
def test_a_graph_reads_alike_by_queries_and_from_the_graph_store(
    replicas: list[LiveServer], graph: str, status: int
) -> None:
    """A named graph's Turtle (the project's prefixes) is the same from a replica
    reading it by queries and from one reading the engine's Graph Store."""
    answers = [
        httpx.get(
            f"{replica.url}/rdf-graph-store",
            params={"graph": graph},
            headers={"Accept": "text/turtle"},
            timeout=60,
        )
        for replica in replicas
    ]
    assert [a.status_code for a in answers] == [status, status], answers[1].text
    if status == 200:
        graphs = [ox.Store() for _ in answers]
        for store, answer in zip(graphs, answers, strict=True):
            store.load(answer.content, format=ox.RdfFormat.TURTLE)
        assert len(graphs[0]) > 0
        assert set(graphs[0]) == set(graphs[1])
        assert answers[0].text.split("\n", 3)[:3] == answers[1].text.split("\n", 3)[:3]  # prefixes


def test_a_wrong_graph_store_url_is_said(published: str, built_dir: Path, tmp_path: Path) -> None:
    """``CVKG_SPARQL_GRAPH_STORE`` naming no Graph Store (a path the engine does not
    serve: 404 for everything): a graph the engine's queries see is a 502 naming
    the setting, not a 404 that would say the graph does not exist."""
    env = {
        "CVKG_BUILD_DIR": str(built_dir),
        "CVKG_SPARQL_ENDPOINT": f"{published}/query",
        "CVKG_SPARQL_GRAPH_STORE": f"{published}/pas-de-graph-store",
        "CVKG_STORE_DIR": str(tmp_path / "store"),
    }
    graph = "https://w3id.org/contrats-de-ville/id/graph/contrat/terre-rouge-d2f76168"
    with live_server(None, tmp_path / "server.log", env=env) as replica:
        named = httpx.get(f"{replica.url}/rdf-graph-store", params={"graph": graph}, timeout=60)
        default = httpx.get(f"{replica.url}/rdf-graph-store?default", timeout=60)
        unknown = httpx.get(
            f"{replica.url}/rdf-graph-store", params={"graph": graph + "-non"}, timeout=60
        )
    assert named.status_code == 502 and "CVKG_SPARQL_GRAPH_STORE" in named.text, named.text
    assert default.status_code == 502
    assert unknown.status_code == 404


@pytest.mark.parametrize("query", ["SELEC * { ?s ?p ?o }", "SELECT * {\n  ?s ?p \n}"])
def test_a_syntax_error_reads_as_on_the_local_store(replicas: list[LiveServer], query: str) -> None:
    """The engine's message counted lines from the ``BASE`` line sent before the query
    (« error at 2:10 » for a one-line query): a 400 now gives the message of this
    server's own parser, the one the local store gives."""
    with pytest.raises(SyntaxError) as local:
        ox.Store().query(query)
    answer = httpx.post(replicas[0].sparql, data={"query": query})
    assert answer.status_code == 400, answer.text
    assert str(local.value) in answer.text, (str(local.value), answer.text)


def test_publish_without_the_query_url_says_what_it_leaves(
    published: str, built_dir: Path, cvkg_exe: str, cvkg_env: dict[str, str]
) -> None:
    """The documented command gave only the Graph Store: a contract removed from the
    build stayed in the engine, silently. Without the engine's query URL the command
    now says so; the documented command gives it."""
    said = publish(published, built_dir, cvkg_exe, cvkg_env)
    assert "sans CVKG_SPARQL_ENDPOINT" in said and "contrat" in said
    query_url = {"CVKG_SPARQL_ENDPOINT": f"{published}/query"}
    assert "CVKG_SPARQL_ENDPOINT" not in publish(
        published, built_dir, cvkg_exe, cvkg_env, query_url
    )

"""Admin writes on the built graph: curated graphs refused, others checked, recorded, kept.

The operator's cases, on a real ``cvkg serve`` of the session build: a write
to a contract's graph (refused, whatever the token), writes that break the
project's shapes (an objective with no parent, an empty label, an integer
``skos:prefLabel``: 422 and nothing written), and acknowledged writes that must
survive a restart.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import DEFAULT_BASE_IRI as BASE
from app.server.live import LiveServer, live_server

TOKEN = "jeton-ecritures"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CDV = "https://w3id.org/contrats-de-ville/onto#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ANNOTATIONS = f"{BASE}graph/annotations/equipe-test"


def _env(built_dir: Path, folder: Path) -> dict[str, str]:
    return {
        "CVKG_BUILD_DIR": str(built_dir),
        "CVKG_STORE_DIR": str(folder / "store"),
        "CVKG_ANNOTATIONS_DIR": str(folder / "annotations"),
        "CVKG_ADMIN_TOKEN": TOKEN,
        "CVKG_QUERY_WORKERS": "1",
        # The seed synthèse (≈ 4,600 triples) is larger than a write may be here.
        "CVKG_MAX_WRITE_TRIPLES": "2000",
        "CVKG_MAX_WRITE_RESOURCES": "300",
    }


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("writes")


@pytest.fixture(scope="module")
def writable(built_dir: Path, folder: Path) -> Iterator[LiveServer]:
    with live_server(None, folder / "server.log", env=_env(built_dir, folder)) as server:
        yield server


def _select(server: LiveServer, query: str) -> list[dict[str, str]]:
    response = httpx.get(server.sparql, params={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def _count(server: LiveServer) -> int:
    rows = _select(server, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    return int(rows[0]["n"])


@pytest.fixture(scope="module")
def objectif(writable: LiveServer) -> dict[str, str]:
    """An operational objective of the build, with its contract and graph."""
    query = (
        f"SELECT ?o ?g WHERE {{ GRAPH ?g {{ ?o a <{CDV}ObjectifOperationnel> }} }} "
        "ORDER BY ?o LIMIT 1"
    )
    return _select(writable, query)[0]


def _update(server: LiveServer, text: str) -> httpx.Response:
    return httpx.post(server.sparql, data={"update": text}, headers=AUTH, timeout=60)


def _put(
    server: LiveServer, graph: str, body: str, content_type: str = "application/n-triples"
) -> httpx.Response:
    """A Graph Store PUT of ``body`` as ``graph``, with the admin token."""
    return httpx.put(
        f"{server.url}/rdf-graph-store",
        params={"graph": graph},
        content=body.encode(),
        headers={**AUTH, "Content-Type": content_type},
        timeout=120,
    )


def test_a_contract_graph_is_refused_even_to_the_admin(
    writable: LiveServer, objectif: dict[str, str]
) -> None:
    before = _count(writable)
    graph = objectif["g"]
    put = _put(writable, graph, "<http://e/s> <http://e/p> <http://e/o> .")
    assert put.status_code == 403
    assert "data/contrats/" in put.text and "cvkg build" in put.text
    update = _update(
        writable, f"INSERT DATA {{ GRAPH <{graph}> {{ <http://e/s> <http://e/p> 1 }} }}"
    )
    assert update.status_code == 403 and "data/contrats/" in update.text
    cleared = _update(writable, "CLEAR ALL")
    assert cleared.status_code == 403
    assert _count(writable) == before


@pytest.mark.parametrize(
    "case",
    ["objectif sans parent", "libellé vide", "libellé entier"],
)
def test_a_write_breaking_the_shapes_is_422_and_writes_nothing(
    writable: LiveServer, objectif: dict[str, str], case: str
) -> None:
    before = _count(writable)
    version = httpx.get(f"{writable.url}/api/contrats", timeout=60).headers["x-data-version"]
    element = objectif["o"]
    contrat = _select(writable, f"SELECT ?c {{ <{element}> <{CDV}contrat> ?c }}")[0]["c"]
    new = f"{contrat}/annotation-nouvel-objectif"
    triples = {
        "objectif sans parent": (
            f"<{new}> a <{CDV}ObjectifOperationnel> ; <{CDV}contrat> <{contrat}> ; "
            f'<{SKOS}prefLabel> "Objectif ajouté"@fr ; <{CDV}rang> 99 ; <{CDV}ligneSource> 1 .'
        ),
        "libellé vide": (
            f"<{new}> a <{CDV}ObjectifOperationnel> ; <{CDV}contrat> <{contrat}> ; "
            f'<{CDV}partieDe> <{element}> ; <{SKOS}prefLabel> ""@fr ; <{CDV}rang> 99 ; '
            f"<{CDV}ligneSource> 1 ."
        ),
        "libellé entier": f"<{element}> <{SKOS}prefLabel> 42 .",
    }[case]
    response = _update(
        writable, f"INSERT DATA {{ GRAPH <{ANNOTATIONS}-{len(case)}> {{ {triples} }} }}"
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("text/turtle")
    assert "ValidationReport" in response.text
    assert _count(writable) == before
    assert httpx.get(f"{writable.url}/api/contrats").headers["x-data-version"] == version
    search = httpx.get(f"{writable.url}/api/search", params={"q": "santé"}, timeout=60)
    assert search.status_code == 200


def test_the_api_answers_from_the_written_store(
    writable: LiveServer, objectif: dict[str, str]
) -> None:
    """The API queries the served store, not a copy taken at start: a write shows at once."""
    word = "zygomorphe"
    url = f"{writable.url}/api/search"
    assert httpx.get(url, params={"q": word}, timeout=60).json()["total"] == 0
    passage = f"{BASE}passage/equipe-recherche-1"
    triples = (
        f"<{objectif['o']}> <{CDV}passageDescriptif> <{passage}> .\n"
        f"<{passage}> a <{CDV}Passage> ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> "
        f'"Une fleur {word} au pied des tours"@fr ; <{CDV}ligneSource> 12 .\n'
    )
    put = _put(writable, f"{BASE}graph/annotations/equipe-recherche", triples, "text/turtle")
    assert put.status_code == 201, put.text
    found = httpx.get(url, params={"q": word}, timeout=60).json()
    assert [r["iri"] for r in found["resultats"]] == [objectif["o"]]


def _graph_exists(server: LiveServer, graph: str) -> bool:
    ask = httpx.get(server.sparql, params={"query": f"ASK {{ GRAPH <{graph}> {{}} }}"}, timeout=30)
    assert ask.status_code == 200, ask.text
    return bool(ask.json()["boolean"])


def test_graph_management_on_a_missing_or_existing_graph_is_the_clients_error(
    writable: LiveServer,
) -> None:
    """Without SILENT, SPARQL Update fails on a graph that is not there or already is:
    a 404 or a 409 saying so, not a 500; and the server goes on answering."""
    absent, made = f"{ANNOTATIONS}-absent", f"{ANNOTATIONS}-cree"
    for operation in (f"DROP GRAPH <{absent}>", f"CLEAR GRAPH <{absent}>"):
        response = _update(writable, operation)
        assert response.status_code == 404, (operation, response.text)
        assert "does not exist" in response.text and "SILENT" in response.text
    assert _update(writable, f"DROP SILENT GRAPH <{absent}>").status_code == 204
    assert _update(writable, f"CREATE GRAPH <{made}>").status_code == 204
    again = _update(writable, f"CREATE GRAPH <{made}>")
    assert again.status_code == 409 and "already exists" in again.text
    assert _graph_exists(writable, made)
    assert _update(writable, f"DROP GRAPH <{made}>").status_code == 204
    assert not _graph_exists(writable, made)


def test_a_write_larger_than_its_check_may_read_is_refused_whole(writable: LiveServer) -> None:
    """``COPY`` of the synthèse into an annotation graph: a short update whose result
    the check would read and validate whole (at 825 contracts, 3 GB and minutes
    with every query waiting). Past CVKG_MAX_WRITE_TRIPLES: 413, nothing written."""
    before = _count(writable)
    copy = f"{ANNOTATIONS}-copie"
    response = _update(writable, f"COPY <{BASE}graph/synthese> TO <{copy}>")
    assert response.status_code == 413, response.text
    assert "CVKG_MAX_WRITE_TRIPLES" in response.text and "Rien n'a été écrit" in response.text
    assert not _graph_exists(writable, copy)
    assert _count(writable) == before


def test_a_write_citing_more_resources_than_checked_is_refused(writable: LiveServer) -> None:
    """Each resource a write cites is read with its description for the check; past
    CVKG_MAX_WRITE_RESOURCES the write is refused, not checked on the first ones."""
    before = _count(writable)
    notes = "".join(
        f'<{BASE}a-note/{i:04d}> <http://www.w3.org/2000/01/rdf-schema#comment> "n" .\n'
        for i in range(301)
    )
    response = _update(writable, f"INSERT DATA {{ GRAPH <{ANNOTATIONS}-notes> {{ {notes} }} }}")
    assert response.status_code == 413, response.text
    assert "301 ressources" in response.text and "CVKG_MAX_WRITE_RESOURCES" in response.text
    assert _count(writable) == before


def test_a_violation_is_not_hidden_behind_many_cited_resources(
    writable: LiveServer, objectif: dict[str, str]
) -> None:
    """The check used to read the descriptions of the first 5,000 cited resources
    only (by IRI): a violation about a resource sorting after 5,000 made-up ones
    was written unchecked. Whatever the limits, it must not be written."""
    notes = "".join(
        f'<{BASE}a-note/{i:05d}> <http://www.w3.org/2000/01/rdf-schema#comment> "n" .\n'
        for i in range(5001)
    )
    graph = f"{ANNOTATIONS}-masque"
    integer = '"42"^^<http://www.w3.org/2001/XMLSchema#integer>'
    violation = f"<{objectif['o']}> <{SKOS}prefLabel> {integer} .\n"
    response = _put(writable, graph, notes + violation)  # larger than an update may be
    assert response.status_code in (413, 422), response.text
    assert not _graph_exists(writable, graph)
    labels = _select(writable, f"SELECT ?l {{ <{objectif['o']}> <{SKOS}prefLabel> ?l }}")
    assert all(row["l"] != "42" for row in labels)


def test_a_write_repeating_curated_triples_is_refused(
    writable: LiveServer, objectif: dict[str, str]
) -> None:
    """The union of the graphs keeps each copy of a triple: a contract's triples
    repeated in an annotation graph counted twice in every query over it
    (a contract's elements: 100 for 50). Such a write is a 409 naming the graph
    that holds them, and nothing is written; what a graph adds goes in."""
    element = objectif["o"]
    label = _select(writable, f"SELECT ?l {{ <{element}> <{SKOS}prefLabel> ?l }}")[0]["l"]
    before = _count(writable)
    again = _put(
        writable, f"{ANNOTATIONS}-doublon", f'<{element}> <{SKOS}prefLabel> "{label}"@fr .'
    )
    assert again.status_code == 409, again.text
    assert objectif["g"] in again.text and "deux fois" in again.text
    vocabulary = f"{BASE}graph/vocabulaire/generations"  # 40 triples: under the limits here
    copy = _update(writable, f"COPY <{vocabulary}> TO <{ANNOTATIONS}-doublon>")
    assert copy.status_code == 409 and vocabulary in copy.text, copy.text
    assert _count(writable) == before
    assert not _graph_exists(writable, f"{ANNOTATIONS}-doublon")
    new = _put(writable, f"{ANNOTATIONS}-doublon", f'<{element}> <{SKOS}altLabel> "{label}"@fr .')
    assert new.status_code == 201, new.text
    assert _update(writable, f"DROP GRAPH <{ANNOTATIONS}-doublon>").status_code == 204


def test_the_api_is_prepared_again_for_the_version_a_write_makes(writable: LiveServer) -> None:
    """A write empties the API's caches (a new data version): the first search
    after it built the index again, 5 s at 825 contracts. The server prepares
    the new version in the background, and /healthz says which it prepared."""
    note = '<http://example.org/equipe/n> <http://example.org/equipe#note> "prête" .'
    put = _put(writable, f"{ANNOTATIONS}-preparee", note)
    assert put.status_code == 201, put.text
    version = httpx.get(writable.sparql, params={"query": "ASK {}"}).headers["x-data-version"]
    deadline = time.monotonic() + 60
    while (health := httpx.get(f"{writable.url}/healthz").json())["api_version"] != version:
        assert time.monotonic() < deadline, health
        time.sleep(0.2)
    assert health["api_ready"] is True


def _tree_themes(nodes: list[dict], element: str) -> list[str] | None:
    for node in nodes:
        if node["iri"] == element:
            return node["themes"]
        found = _tree_themes(node["enfants"], element)
        if found is not None:
            return found
    return None


def test_a_theme_tagged_in_an_annotation_graph_counts_in_the_raw_union_only(
    writable: LiveServer,
) -> None:
    """The API's tags are the build's, as its precomputed facts: a theme an
    administrator tags in an annotation graph showed in one contract's page and in
    the comparison (read over the union), not in the matrix, the theme's contracts
    or the catalogue (read from the facts), under one data version. The raw
    questions over /sparql count it."""
    contrats = httpx.get(f"{writable.url}/api/contrats", timeout=60).json()["contrats"]
    first, second = contrats[0]["id"], contrats[1]["id"]
    contract = f"{BASE}contrat/{first}"
    element = _select(
        writable,
        f"SELECT ?e WHERE {{ ?e <{CDV}contrat> <{contract}> ; a <{CDV}ObjectifOperationnel> }} "
        "ORDER BY ?e LIMIT 1",
    )[0]["e"]
    absent = _select(  # a theme the contract addresses nowhere, narrower themes included
        writable,
        f"SELECT ?t WHERE {{ ?t <{SKOS}inScheme> ?s ; <{SKOS}prefLabel> ?l . "
        f"?s a <{SKOS}ConceptScheme> . FILTER(STRSTARTS(STR(?t), '{BASE}theme/')) "
        f"FILTER NOT EXISTS {{ ?e <{CDV}contrat> <{contract}> ; <{CDV}theme> ?n . "
        f"?n <{SKOS}broader>* ?t }} }} ORDER BY ?t LIMIT 1",
    )[0]["t"]
    theme = absent.rsplit("/", 1)[1]
    put = _put(writable, f"{ANNOTATIONS}-etiquettes", f"<{element}> <{CDV}theme> <{absent}> .\n")
    assert put.status_code == 201, put.text
    ask = f"ASK {{ <{element}> <{CDV}theme> <{absent}> }}"
    raw = httpx.get(writable.sparql, params={"query": ask}, timeout=30)
    assert raw.json()["boolean"] is True, "the union read over /sparql holds the annotation"

    one = httpx.get(f"{writable.url}/api/contrats/{first}", timeout=60)
    assert one.status_code == 200, one.text
    version = one.headers["x-data-version"]
    assert theme not in [t["id"] for t in one.json()["themes"]]
    assert absent not in (_tree_themes(one.json()["arbre"], element) or [])
    both = httpx.get(
        f"{writable.url}/api/compare", params=[("contrat", first), ("contrat", second)], timeout=60
    )
    assert both.headers["x-data-version"] == version
    assert first not in [
        c for t in both.json()["themes"] if t["id"] == theme for c in t["presents_dans"]
    ]
    page = httpx.get(f"{writable.url}/api/themes/{theme}", timeout=60)
    assert page.headers["x-data-version"] == version
    assert page.status_code == 200, page.text
    assert first not in [c["id"] for c in page.json()["contrats"]]


def test_a_text_too_deep_for_the_parser_costs_a_worker_not_the_server(
    writable: LiveServer,
) -> None:
    """A chain of 20,000 « ! » has no bracket to count (CVKG_MAX_QUERY_DEPTH) and
    overflows the parser's stack: as an admin's update, parsed in the server's own
    process, it killed the server (SIGSEGV, no answer); as a query, its worker died
    and the client got a 500. Both are 400s now, and the server answers on."""
    deep = "!" * 20_000 + "true"
    query = httpx.post(writable.sparql, data={"query": f"ASK {{ FILTER({deep}) }}"}, timeout=60)
    assert query.status_code == 400, query.text
    assert "trop imbriquée pour être lue" in query.text
    before = _count(writable)
    update = f"INSERT {{ GRAPH <{ANNOTATIONS}-profonde> {{ <a:s> <a:p> 1 }} }} WHERE {{ FILTER({deep}) }}"
    written = _update(writable, update)
    assert written.status_code == 400, written.text
    assert "trop imbriquée pour être lue" in written.text
    assert writable.process.poll() is None, "the server died"
    assert _count(writable) == before
    health = httpx.get(f"{writable.url}/healthz", timeout=30).json()
    assert health["workers_replaced"] >= 2, health


def test_a_literal_xml_cannot_hold_is_refused(writable: LiveServer) -> None:
    """« nul\\x01 » was written (204), and every XML answer holding it was malformed from
    then on (SPARQL XML results, RDF/XML; rdflib's SPARQLStore failed on it)."""
    before = _count(writable)
    graph = f"{ANNOTATIONS}-controle"
    written = _update(writable, f'INSERT DATA {{ GRAPH <{graph}> {{ <a:s> <a:p> "nul\x01" }} }}')
    assert written.status_code == 400, written.text
    assert "U+0001" in written.text and "XML" in written.text
    put = _put(writable, graph, '<http://e/s> <http://e/p> "bip\\u0007" .')
    assert put.status_code == 400 and "U+0007" in put.text, put.text
    assert _count(writable) == before


def test_texts_saved_with_a_byte_order_mark(writable: LiveServer) -> None:
    """A file saved by a Windows editor starts with U+FEFF: a Turtle body was refused
    (« \ufeff is not a valid subject »), a query too (« expected one of PREFIX »)."""
    bom = "\ufeff"
    query = httpx.post(
        writable.sparql,
        content=(bom + "ASK { ?s ?p ?o }").encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
        timeout=30,
    )
    assert query.status_code == 200 and query.json()["boolean"] is True, query.text
    graph = f"{ANNOTATIONS}-bom"
    put = _put(writable, graph, bom + '<http://e/s> <http://e/p> "bom" .\n', "text/turtle")
    assert put.status_code == 201, put.text
    assert _select(writable, f"SELECT ?o {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}") == [{"o": "bom"}]


def test_a_body_in_another_charset_is_said(writable: LiveServer) -> None:
    """N-Triples are UTF-8 by definition: a Latin-1 body with its charset said was read
    as UTF-8 anyway and refused as « Invalid UTF-8: incomplete utf-8 byte sequence »."""
    latin = '<http://e/s> <http://e/p> "été" .\n'.encode("iso-8859-1")
    put = httpx.put(
        f"{writable.url}/rdf-graph-store",
        params={"graph": f"{ANNOTATIONS}-latin"},
        content=latin,
        headers={**AUTH, "Content-Type": "application/n-triples; charset=iso-8859-1"},
        timeout=30,
    )
    assert put.status_code == 400, put.text
    assert "UTF-8 (charset=iso-8859-1 reçu)" in put.text


def test_an_annotation_is_written_versioned_and_kept_across_restarts(
    writable: LiveServer, built_dir: Path, folder: Path, objectif: dict[str, str]
) -> None:
    first = httpx.get(f"{writable.url}/api/contrats", timeout=60)
    assert first.status_code == 200
    tag, version = first.headers["etag"], first.headers["x-data-version"]
    again = httpx.get(f"{writable.url}/api/contrats", headers={"If-None-Match": tag}, timeout=60)
    assert again.status_code == 304 and again.headers["etag"] == tag

    note = f'<{objectif["o"]}> <http://example.org/equipe#note> "à revoir avec la commune" .'
    put = _put(writable, ANNOTATIONS, note)
    assert put.status_code == 201, put.text
    after = httpx.get(f"{writable.url}/api/contrats", headers={"If-None-Match": tag}, timeout=60)
    assert after.status_code == 200
    assert after.headers["x-data-version"] != version and after.headers["etag"] != tag

    writable.process.terminate()
    writable.process.wait(timeout=30)
    with live_server(None, folder / "restart.log", env=_env(built_dir, folder)) as server:
        kept = httpx.get(
            f"{server.url}/rdf-graph-store",
            params={"graph": ANNOTATIONS},
            headers={"Accept": "application/n-triples"},
            timeout=60,
        )
        assert kept.status_code == 200 and "à revoir avec la commune" in kept.text
        assert (
            httpx.get(f"{server.url}/api/contrats", timeout=60).headers["x-data-version"]
            == after.headers["x-data-version"]
        )

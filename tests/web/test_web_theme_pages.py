"""A theme's or a dispositif's page lists its contracts a slice at a time
(``CVKG_PAGE_CONTRACTS``, ``?page=N``; ``app/web/uses.py``): every contract
and element the raw graph gives, on one page or another, in id order.

A server of its own with two contracts a page, so that the five seed contracts
take several pages; what the pages show is checked against SPARQL on the raw
graph (``skos:broader*``, ``cdv:mobilise``), not the precomputed facts the
pages read.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from web_helpers import site_over

from app.config import Settings
from app.server.live import LiveServer, live_server

PER_PAGE = 2
PREFIXES = """PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
BASE = "https://w3id.org/contrats-de-ville/id/"
# What links an element to the concept, in the raw graph.
LINKS = {
    "theme/sante": "?e cdv:theme ?t . ?t skos:broader* <%s> .",
    "dispositif/gusp": "?e cdv:mobilise <%s> .",
}


@pytest.fixture(scope="module")
def server(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("theme-pages")
    env = {
        "CVKG_BUILD_DIR": str(built_dir),
        "CVKG_STORE_DIR": str(tmp / "store"),
        "CVKG_PAGE_CONTRACTS": str(PER_PAGE),
    }
    with live_server(None, tmp / "server.log", env=env) as live:
        yield live


def raw(server: LiveServer, concept: str) -> dict[str, set[str]]:
    """Each contract (id) of the concept with its elements' paths, from the raw graph."""
    query = PREFIXES + (
        "SELECT DISTINCT ?id ?e WHERE { %s ?e cdv:contrat ?c . ?c dcterms:identifier ?id }"
        % (LINKS[concept] % (BASE + concept))
    )
    response = httpx.post(
        server.sparql, data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    contracts: dict[str, set[str]] = {}
    for row in response.json()["results"]["bindings"]:
        element = row["e"]["value"].removeprefix(BASE)
        contracts.setdefault(row["id"]["value"], set()).add(f"/id/{element}")
    return contracts


def usages(html: str) -> str:
    return html.split('aria-labelledby="usages"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("concept", sorted(LINKS))
def test_the_pages_together_list_every_contract_and_element(
    server: LiveServer, concept: str
) -> None:
    expected = raw(server, concept)
    assert len(expected) > PER_PAGE, "the seeds should take more than one page"
    pages = -(-len(expected) // PER_PAGE)
    shown: list[str] = []
    elements: dict[str, set[str]] = {}
    for number in range(1, pages + 1):
        response = httpx.get(
            f"{server.url}/id/{concept}?page={number}", headers={"Accept": "text/html"}
        )
        assert response.status_code == 200, response.text
        section = usages(response.text)
        here = re.findall(r'<h3><a href="/id/contrat/([^"/]+)"', section)
        assert 1 <= len(here) <= PER_PAGE
        shown += here
        for block in section.split("<h3>")[1:]:
            cid = re.match(r'<a href="/id/contrat/([^"/]+)"', block)
            assert cid is not None
            elements[cid.group(1)] = set(
                re.findall(rf'href="(/id/contrat/{cid.group(1)}/[^"#?]+)"', block)
            )
        for n in range(1, pages + 1):  # every page is reachable from every page
            assert f'href="/id/{concept}?page={n}#usages"' in section or n == number
        assert f"{len(expected)} contrats" in section
    assert shown == sorted(expected)
    # And every contract at once, from the API, by the link each page gives.
    link = re.search(r'href="(/api/[^"]+format=csv[^"]*)"', response.text)
    assert link is not None
    table = httpx.get(server.url + link.group(1).replace("&amp;", "&"))
    assert table.status_code == 200, table.text
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert {row["contrat"] for row in rows} == set(expected)
    assert elements == {c: {e for e in es} for c, es in expected.items()}


def test_a_page_past_the_last_is_404_and_a_wrong_number_400(server: LiveServer) -> None:
    pages = -(-len(raw(server, "theme/sante")) // PER_PAGE)
    html = {"Accept": "text/html"}
    past = httpx.get(f"{server.url}/id/theme/sante?page={pages + 1}", headers=html)
    assert past.status_code == 404
    assert f"{pages} page(s)" in past.text
    for wrong in ("0", "-1", "deux", "", "²", "1.5"):
        response = httpx.get(f"{server.url}/id/theme/sante?page={wrong}", headers=html)
        assert response.status_code == 400, wrong
        assert "page=" in response.text
    # A person in a browser gets a page of the site, with the way back to the first page.
    for shown in (past, response):
        assert shown.headers["content-type"].startswith("text/html"), shown.headers
        assert 'href="/id/theme/sante"' in shown.text
    turtle = {"Accept": "text/turtle"}
    described = httpx.get(f"{server.url}/id/theme/sante?page={pages + 1}", headers=turtle)
    assert described.status_code == 200  # the RDF description is not sliced: nothing to miss


def test_a_page_without_slices_ignores_page(server: LiveServer) -> None:
    """Only the pages with slices read ``?page=``: a contract's page, or the
    ontology's, shows as without it, as for any parameter it does not use."""
    html = {"Accept": "text/html"}
    contract = httpx.get(f"{server.url}/id/", headers=html)
    first = re.search(r'href="(/id/contrat/[^"#?]+)"', contract.text)
    assert first is not None, contract.text[:500]
    for path in (first.group(1), "/id/dataset"):
        plain = httpx.get(server.url + path, headers=html)
        assert plain.status_code == 200, path
        for wrong in ("deux", "0", "99"):
            response = httpx.get(f"{server.url}{path}?page={wrong}", headers=html)
            assert response.status_code == 200, (path, wrong, response.text[:300])


def test_without_precomputed_facts_a_theme_page_reads_the_raw_graph(
    built_dir: Path, repo_root: Path
) -> None:
    """A store holding the build but its synthèse (as ``cvkg serve --data`` on other
    files would): « Santé » still lists every contract addressing it, read whole;
    a generation, a concept no fact is about, lists none."""
    store = ox.Store()
    synthese = ox.NamedNode(f"{BASE}graph/synthese")
    quads = ox.parse(path=str(built_dir / "cvkg.nq"), format=ox.RdfFormat.N_QUADS)
    store.bulk_extend(q for q in quads if q.graph_name != synthese)
    query = PREFIXES + (
        "SELECT DISTINCT ?id WHERE { %s ?e cdv:contrat ?c . ?c dcterms:identifier ?id }"
        % (LINKS["theme/sante"] % (BASE + "theme/sante"))
    )
    expected = sorted(r[0].value for r in store.query(query, use_default_graph_as_union=True))
    settings = Settings(build_dir=built_dir, ontology_dir=repo_root / "ontology")
    with site_over(store, settings) as http:
        theme = http.get("/id/theme/sante", headers={"Accept": "text/html"})
        generation = http.get("/id/generation/2024-2030", headers={"Accept": "text/html"})
    assert theme.status_code == 200, theme.text
    shown = re.findall(r'<h3><a href="/id/contrat/([^"/]+)"', usages(theme.text))
    assert len(expected) > PER_PAGE and sorted(shown) == expected
    assert generation.status_code == 200
    assert 'aria-labelledby="usages"' not in generation.text

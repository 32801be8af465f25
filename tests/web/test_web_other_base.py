"""Another base IRI (``CVKG_BASE_IRI``): ``/id/…`` follows it, and the dataset description too.

The site's routers run here on their own, served on a loopback port, over an
in-memory store (the ``Sparql`` interface of ``app.web.sparql``), with the
contract graph rewritten under ``http://example.org/cv/`` as a deployment
under its own domain would build it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from web_helpers import BASE, CONTRAT, site_over

from app.config import Settings

OTHER = "http://example.org/cv/"


@pytest.fixture(scope="module")
def client(built_dir: Path, repo_root: Path) -> Iterator[httpx.Client]:
    store = ox.Store()
    for name in (f"{CONTRAT}.ttl",):
        text = (built_dir / "contrats" / name).read_text(encoding="utf-8").replace(BASE, OTHER)
        graph = ox.NamedNode(f"{OTHER}graph/contrat/{CONTRAT}")
        store.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=graph)
    settings = Settings(base_iri=OTHER, build_dir=built_dir, ontology_dir=repo_root / "ontology")
    with site_over(store, settings) as http:
        yield http


def test_id_path_answers_for_the_configured_base(client: httpx.Client) -> None:
    response = client.get(f"/id/contrat/{CONTRAT}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    contrat = URIRef(f"{OTHER}contrat/{CONTRAT}")
    assert (contrat, None, None) in graph
    assert not [s for s in graph.subjects() if str(s).startswith(BASE)]


def test_pages_link_under_id_whatever_the_base(client: httpx.Client) -> None:
    response = client.get(f"/id/contrat/{CONTRAT}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert f'href="/id/contrat/{CONTRAT}/' in response.text
    assert f'href="{OTHER}' not in response.text


def test_dataset_description_moves_with_the_base(client: httpx.Client) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.text, format="turtle")
    dataset = URIRef(f"{OTHER}dataset")
    assert (dataset, URIRef("http://rdfs.org/ns/void#uriSpace"), Literal(OTHER)) in graph
    assert (
        URIRef(f"{OTHER}catalogue"),
        URIRef("http://www.w3.org/ns/dcat#dataset"),
        dataset,
    ) in graph
    assert not [s for s in graph.subjects() if str(s).startswith(BASE)]
    assert client.get("/id/dataset", headers={"Accept": "text/turtle"}).status_code == 200


def test_an_iri_of_the_default_base_is_unknown_here(client: httpx.Client) -> None:
    assert (
        client.get("/id/contrat/nexiste-pas", headers={"Accept": "text/turtle"}).status_code == 404
    )


def test_sizes_are_counted_in_the_store_when_it_does_not_hold_the_build(
    client: httpx.Client, built_dir: Path
) -> None:
    """The build's recorded sizes are for its own base and dump; here the store is counted."""
    void = "http://rdfs.org/ns/void#"
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.text, format="turtle")
    dataset = URIRef(f"{OTHER}dataset")
    triples = len(Graph().parse(built_dir / "contrats" / f"{CONTRAT}.ttl", format="turtle"))
    assert graph.value(dataset, URIRef(void + "triples")) == Literal(triples)
    assert graph.value(dataset, URIRef(void + "entities")) is None  # only triples, counted
    subsets = list(graph.objects(dataset, URIRef(void + "subset")))
    assert subsets == [URIRef(f"{OTHER}dataset/contrat/{CONTRAT}")]
    assert graph.value(subsets[0], URIRef(void + "triples")) == Literal(triples)
    page = client.get("/dataset", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert f"<dd>{triples} triplets</dd>" in page.text

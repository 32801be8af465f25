"""Every IRI answers: RDF for a program, by content negotiation (tested over real HTTP)."""

from __future__ import annotations

import httpx
import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.compare import isomorphic
from web_helpers import BASE, CDV, CONTRAT, OBJECTIF, turtle

CONTRAT_IRI = URIRef(f"{BASE}contrat/{CONTRAT}")
OBJECTIF_IRI = URIRef(f"{BASE}contrat/{CONTRAT}/{OBJECTIF}")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

# One IRI of each kind the graph holds, with a class it must have or a triple pointing to it.
RESOURCES = {
    "contract": (f"contrat/{CONTRAT}", CDV + "Contrat"),
    "objective": (f"contrat/{CONTRAT}/{OBJECTIF}", CDV + "ObjectifOperationnel"),
    "theme": ("theme/sante-mentale", "http://www.w3.org/2004/02/skos/core#Concept"),
    "dispositif": ("dispositif/asv", CDV + "Dispositif"),
    "thesaurus": ("themes", "http://www.w3.org/2004/02/skos/core#ConceptScheme"),
    "generation": ("generation/2015-2020", "http://www.w3.org/2004/02/skos/core#Concept"),
    "territory": ("territoire/terre-rouge", CDV + "Quartier"),
    "source": ("source/003_d2f761683cab1619", CDV + "DocumentSource"),
    "tagging": (f"contrat/{CONTRAT}/{OBJECTIF}/dispositif/asv", CDV + "Etiquetage"),
    "key figure": (
        "contrat/ca-melun-val-de-seine-2024-2030/chiffres-cles/population-qpv",
        "http://purl.org/linked-data/cube#Observation",
    ),
    "indicator": ("indicateur/population-qpv", "http://www.w3.org/2004/02/skos/core#Concept"),
    "dataset": ("dataset", "http://www.w3.org/ns/dcat#Dataset"),
}


@pytest.mark.parametrize("kind", sorted(RESOURCES))
def test_every_kind_of_iri_answers_in_turtle(http: httpx.Client, kind: str) -> None:
    path, cls = RESOURCES[kind]
    response = http.get(f"/id/{path}", headers={"Accept": "text/turtle"})
    graph = turtle(response)
    assert (URIRef(BASE + path), RDF.type, URIRef(cls)) in graph
    assert response.headers["vary"].startswith("Accept")
    assert response.headers["content-location"] == f"/id/{path}?format=turtle"


def test_contract_description_includes_its_elements_pointing_to_it(http: httpx.Client) -> None:
    graph = turtle(http.get(f"/id/contrat/{CONTRAT}", headers={"Accept": "text/turtle"}))
    assert (OBJECTIF_IRI, URIRef(CDV + "contrat"), CONTRAT_IRI) in graph
    assert (
        CONTRAT_IRI,
        URIRef(CDV + "generationInferee"),
        URIRef(f"{BASE}generation/2015-2020"),
    ) in graph


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_all_rdf_formats_carry_the_same_triples(http: httpx.Client, accept: str, fmt: str) -> None:
    reference = turtle(
        http.get(f"/id/contrat/{CONTRAT}/{OBJECTIF}", headers={"Accept": "text/turtle"})
    )
    response = http.get(f"/id/contrat/{CONTRAT}/{OBJECTIF}", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    other = Graph().parse(data=response.content, format=fmt)
    assert len(other) == len(reference) > 5
    assert isomorphic(other, reference)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/ld+json;q=0.5, text/turtle;q=0.9", "text/turtle"),
        ("text/turtle;q=0.1, application/n-triples", "application/n-triples"),
        ("text/html;q=0.8, application/rdf+xml", "application/rdf+xml"),
        ("text/html, */*", "text/html"),
        (BROWSER, "text/html"),
        ("*/*", "text/turtle"),
        ("application/*", "application/ld+json"),
        ("text/turtle;q=0, application/n-triples;q=0.2, */*;q=0.1", "application/n-triples"),
    ],
)
def test_accept_header_q_values_decide(http: httpx.Client, accept: str, expected: str) -> None:
    response = http.get(f"/id/contrat/{CONTRAT}", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


def test_no_accept_header_gets_turtle(http: httpx.Client) -> None:
    response = httpx.get(f"{http.base_url}/id/contrat/{CONTRAT}", headers={"Accept": ""})
    assert response.headers["content-type"].startswith("text/turtle")


def test_format_parameter_overrides_accept_and_does_not_vary(http: httpx.Client) -> None:
    response = http.get(f"/id/contrat/{CONTRAT}?format=jsonld", headers={"Accept": "text/html"})
    assert response.headers["content-type"] == "application/ld+json"
    assert "content-location" not in response.headers
    assert "Accept" not in response.headers.get("vary", "")
    graph = Graph().parse(data=response.content, format="json-ld")
    assert (CONTRAT_IRI, RDF.type, URIRef(CDV + "Contrat")) in graph


def test_every_answer_lists_its_alternates(http: httpx.Client) -> None:
    response = http.get(f"/id/contrat/{CONTRAT}")
    link = response.headers["link"]
    for media in (
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
        "application/rdf+xml",
        "text/html",
    ):
        assert f'type="{media}"' in link


@pytest.mark.parametrize(
    "path",
    [
        "contrat/nexiste-pas",
        f"contrat/{CONTRAT}/nexiste-pas",
        "theme/nexiste-pas",
        "graph/contrat/nexiste-pas",
        "contrat/a%3E%20%7B",
    ],
)
def test_unknown_iri_is_404(http: httpx.Client, path: str) -> None:
    assert http.get(f"/id/{path}", headers={"Accept": "text/turtle"}).status_code == 404
    page = http.get(f"/id/{path}", headers={"Accept": BROWSER})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in page.text


def test_unacceptable_type_is_406_with_the_possible_types(http: httpx.Client) -> None:
    response = http.get(f"/id/contrat/{CONTRAT}", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text


def test_unknown_format_parameter_is_400(http: httpx.Client) -> None:
    response = http.get(f"/id/contrat/{CONTRAT}?format=pdf")
    assert response.status_code == 400
    assert "turtle" in response.text


def test_head_answers_like_get_without_a_body(http: httpx.Client) -> None:
    response = http.head(f"/id/contrat/{CONTRAT}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.content == b""


def test_named_graph_iri_answers_with_the_graph_content(http: httpx.Client, built_dir) -> None:
    graph = turtle(http.get(f"/id/graph/contrat/{CONTRAT}", headers={"Accept": "text/turtle"}))
    built = Graph().parse(built_dir / "contrats" / f"{CONTRAT}.ttl", format="turtle")
    assert isomorphic(graph, built)


def test_named_graph_page_gives_its_triple_count(http: httpx.Client, built_dir) -> None:
    page = http.get(f"/id/graph/contrat/{CONTRAT}", headers={"Accept": BROWSER})
    built = Graph().parse(built_dir / "contrats" / f"{CONTRAT}.ttl", format="turtle")
    assert page.status_code == 200
    assert f"Ce graphe nommé contient {len(built)} triplets." in page.text


def test_ontology_iri_serves_its_turtle_source(http: httpx.Client, repo_root) -> None:
    response = http.get("/onto", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.content == (repo_root / "ontology" / "cdv.ttl").read_bytes()
    assert response.headers["vary"].startswith("Accept")


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
    ],
)
def test_ontology_iri_in_other_rdf_formats(
    http: httpx.Client, repo_root, accept: str, fmt: str
) -> None:
    source = Graph().parse(repo_root / "ontology" / "cdv.ttl", format="turtle")
    response = http.get("/onto", headers={"Accept": accept})
    assert response.status_code == 200
    assert len(Graph().parse(data=response.content, format=fmt)) == len(source)


def test_ontology_term_iris_resolve_to_the_ontology_document(http: httpx.Client) -> None:
    # cdv:Contrat is <…/onto#Contrat>: a client strips the fragment and asks for /onto.
    graph = turtle(http.get("/onto", headers={"Accept": "text/turtle"}))
    assert (
        URIRef(CDV + "Contrat"),
        RDF.type,
        URIRef("http://www.w3.org/2002/07/owl#Class"),
    ) in graph

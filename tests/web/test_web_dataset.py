"""The dataset describes itself (VoID, DCAT-AP) and its dumps download and parse."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef
from web_helpers import BASE, turtle

# Open namespaces: rdflib's closed ones warn when pytest inspects the module.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VOID = Namespace("http://rdfs.org/ns/void#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

ETALAB = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
DS = URIRef(f"{BASE}dataset")
SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def void(http: httpx.Client) -> Graph:
    return turtle(http.get("/.well-known/void", headers={"Accept": "text/turtle"}))


@pytest.fixture(scope="module")
def shapes(repo_root: Path) -> Graph:
    return Graph().parse(repo_root / "shapes" / "dcat-ap.ttl", format="turtle")


def conforms(data: Graph, shapes: Graph) -> tuple[bool, str]:
    ok, _report, text = validate(data, shacl_graph=shapes, advanced=True)
    return bool(ok), str(text)


def test_description_conforms_to_the_dcat_ap_shapes(void: Graph, shapes: Graph) -> None:
    ok, text = conforms(void, shapes)
    assert ok, text


@pytest.mark.parametrize(
    ("subject", "predicate"),
    [
        (DS, DCTERMS.license),
        (DS, DCTERMS.title),
        (DS, DCTERMS.publisher),
        (DS, DCTERMS.modified),
        (URIRef(f"{BASE}dataset/distribution/nquads"), DCAT.accessURL),
        (URIRef(f"{BASE}dataset/sparql"), DCAT.endpointURL),
        (URIRef(f"{BASE}catalogue"), DCTERMS.description),
        (URIRef(f"{BASE}editeur"), FOAF.name),
    ],
)
def test_shapes_reject_a_description_missing_a_mandatory_property(
    void: Graph, shapes: Graph, subject: URIRef, predicate: URIRef
) -> None:
    broken = Graph()
    for triple in void:
        broken.add(triple)
    assert (subject, predicate, None) in broken
    broken.remove((subject, predicate, None))
    ok, _ = conforms(broken, shapes)
    assert not ok


def test_shapes_do_not_fire_on_contract_graphs(built_dir: Path, shapes: Graph) -> None:
    targets = [DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService, VOID.Dataset]
    for path in sorted((built_dir / "contrats").glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        assert not [t for t in targets if (None, RDF.type, t) in graph], path.name
        ok, report, _ = validate(graph, shacl_graph=shapes, advanced=True)
        assert ok and not list(report.subjects(RDF.type, SH.ValidationResult)), path.name


def test_licence_publisher_dates_and_version(void: Graph, built_dir: Path) -> None:
    assert (DS, DCTERMS.license, ETALAB) in void
    publisher = void.value(DS, DCTERMS.publisher)
    assert void.value(publisher, FOAF.name)
    assert void.value(DS, DCTERMS.modified).datatype == XSD.dateTime
    info = json.loads((built_dir / "build-info.json").read_text(encoding="utf-8"))
    assert str(void.value(DS, DCAT.version)) == info["version"]
    assert (URIRef(f"{BASE}catalogue"), DCAT.dataset, DS) in void


def counted_in_store(store: ox.Store, graph: str | None = None) -> dict[str, int]:
    """The four VoID sizes, counted in SPARQL over one named graph or all of them."""
    where = f"GRAPH <{graph}>" if graph else "GRAPH ?g"
    queries = {
        "triples": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} {{ ?s ?p ?o }} }}",
        "entities": f"SELECT (COUNT(DISTINCT ?s) AS ?n) "
        f"WHERE {{ {where} {{ ?s ?p ?o }} FILTER (isIRI(?s)) }}",
        "classes": f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ {where} {{ ?x a ?c }} }}",
        "properties": f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {where} {{ ?s ?p ?o }} }}",
    }
    return {key: int(next(iter(store.query(q)))["n"].value) for key, q in queries.items()}


def sizes_in_void(void: Graph, subject: URIRef) -> dict[str, int]:
    return {
        key: int(void.value(subject, VOID[key]))
        for key in ("triples", "entities", "classes", "properties")
    }


def test_void_counts_match_the_dump(void: Graph, built_dir: Path) -> None:
    """The sizes the build recorded are those of its dump, counted here independently."""
    store = ox.Store()
    store.bulk_load(path=str(built_dir / "cvkg.nq"), format=ox.RdfFormat.N_QUADS)
    lines = {
        line for line in (built_dir / "cvkg.nq").read_text(encoding="utf-8").splitlines() if line
    }
    assert int(void.value(DS, VOID.triples)) == len(lines) == len(store)
    assert sizes_in_void(void, DS) == counted_in_store(store)
    assert int(void.value(DS, VOID.entities)) > 500
    subsets = [s for s in void.objects(DS, VOID.subset) if void.value(s, VOID.rootResource)]
    contracts = sorted(p.stem for p in (built_dir / "contrats").glob("*.ttl"))
    prefix = f"{BASE}graph/contrat/"
    graphs = sorted(
        g.value[len(prefix) :] for g in store.named_graphs() if g.value.startswith(prefix)
    )
    assert sorted(str(s).rsplit("/", 1)[1] for s in subsets) == contracts == graphs
    for subset in subsets:
        cid = str(subset).rsplit("/", 1)[1]
        graph = Graph().parse(built_dir / "contrats" / f"{cid}.ttl", format="turtle")
        assert int(void.value(subset, VOID.triples)) == len(graph)
        assert void.value(subset, RDFS.seeAlso) == URIRef(prefix + cid)
        assert sizes_in_void(void, subset) == counted_in_store(store, prefix + cid)
        assert void.value(subset, VOID.rootResource) == URIRef(f"{BASE}contrat/{cid}")
    # and the precomputed answers' graph, which the description did not name
    synthese = URIRef(f"{DS}/synthese")
    assert synthese in set(void.objects(DS, VOID.subset))
    assert void.value(synthese, RDFS.seeAlso) == URIRef(f"{BASE}graph/synthese")
    assert sizes_in_void(void, synthese) == counted_in_store(store, f"{BASE}graph/synthese")
    assert len(list(void.objects(DS, VOID.subset))) == len(contracts) + 1


def test_dataset_page_shows_the_void_sizes(void: Graph, http: httpx.Client) -> None:
    page = http.get("/dataset", headers={"Accept": "text/html"})
    assert page.status_code == 200
    triples, entities = (int(void.value(DS, VOID[k])) for k in ("triples", "entities"))
    assert f"{triples} triplets, {entities} entités" in page.text
    for subset in void.objects(DS, VOID.subset):
        if void.value(subset, VOID.rootResource) is None:
            continue  # the synthèse graph: no contract row
        cid = str(subset).rsplit("/", 1)[1]
        row = page.text.split(f'href="/id/contrat/{cid}"', 1)[1].split("</tr>", 1)[0]
        assert f">{int(void.value(subset, VOID.triples))}</td>" in row


def test_every_distribution_downloads_with_its_media_type(void: Graph, http: httpx.Client) -> None:
    dists = list(void.objects(DS, DCAT.distribution))
    assert len(dists) >= 5
    for dist in dists:
        url = str(void.value(dist, DCAT.accessURL))
        media = str(void.value(dist, DCAT.mediaType)).split("/media-types/", 1)[1]
        if dist.endswith("/sparql"):
            assert (dist, DCAT.accessService, URIRef(f"{BASE}dataset/sparql")) in void
            continue
        response = http.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].split(";")[0] == media


def test_subset_dumps_download(void: Graph, http: httpx.Client) -> None:
    for subset in void.objects(DS, VOID.subset):
        for url in void.objects(subset, VOID.dataDump):
            assert http.head(str(url)).status_code == 200, url


def test_dumps_hold_the_whole_graph_in_every_format(http: httpx.Client, built_dir: Path) -> None:
    quads = Dataset()
    quads.parse(data=http.get("/dumps/cvkg.nq").content, format="nquads")
    expected = {
        line for line in (built_dir / "cvkg.nq").read_text(encoding="utf-8").splitlines() if line
    }
    assert len(quads) == len(expected)
    trig = Dataset()
    trig.parse(data=http.get("/dumps/cvkg.trig").content, format="trig")
    assert len(trig) == len(expected)
    union = Graph().parse(data=http.get("/dumps/cvkg.ttl").content, format="turtle")
    triples = {(s, p, o) for s, p, o, _g in quads.quads((None, None, None, None))}
    assert len(union) == len(triples)


def test_jsonld_dump_uses_the_published_context(http: httpx.Client, built_dir: Path) -> None:
    response = http.get("/dumps/cvkg.jsonld")
    assert response.headers["content-type"] == "application/ld+json"
    data = response.json()
    context_url = data["@context"]
    assert context_url == f"{http.base_url}/dumps/context.jsonld"
    context = http.get(context_url).json()["@context"]
    assert context["cdv"] == "https://w3id.org/contrats-de-ville/onto#"
    assert context["contrat"] == {"@id": "cdv:contrat", "@type": "@id"}
    # rdflib fetches the context over HTTP, as any JSON-LD processor would.
    parsed = Dataset()
    parsed.parse(data=response.content, format="json-ld")
    expected = {
        line for line in (built_dir / "cvkg.nq").read_text(encoding="utf-8").splitlines() if line
    }
    assert len(parsed) == len(expected)


def test_unknown_dump_is_404_and_no_path_escapes(http: httpx.Client) -> None:
    assert http.get("/dumps/nope.nq").status_code == 404
    assert http.get("/dumps/contrats/..%2Fbuild-info.json").status_code == 404


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
    ],
)
def test_void_in_other_formats(http: httpx.Client, void: Graph, accept: str, fmt: str) -> None:
    response = http.get("/.well-known/void", headers={"Accept": accept})
    assert response.status_code == 200
    assert len(Graph().parse(data=response.content, format=fmt)) == len(void)


def test_dataset_iri_dereferences(http: httpx.Client) -> None:
    graph = turtle(http.get("/id/dataset", headers={"Accept": "text/turtle"}))
    assert (DS, RDF.type, DCAT.Dataset) in graph
    assert (DS, DCTERMS.license, ETALAB) in graph


def test_territories_link_to_insee_only_through_insee_iris(http: httpx.Client) -> None:
    query = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
    SELECT ?t ?m WHERE { ?t a/(<http://www.w3.org/2000/01/rdf-schema#subClassOf>*) cdv:Territoire ;
                         skos:exactMatch ?m }"""
    response = http.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    for row in response.json()["results"]["bindings"]:
        assert row["m"]["value"].startswith("http://id.insee.fr/geo/"), row


def test_void_literal_types(void: Graph) -> None:
    assert isinstance(void.value(DS, VOID.triples), Literal)
    assert void.value(DS, VOID.triples).datatype == XSD.integer


def test_the_description_follows_the_host_each_client_reached(http: httpx.Client) -> None:
    """Download URLs are under the root the request reached, per Host, in turn: the
    rebased copies kept per root never answer for another root."""
    answers = []
    for host in ("a.example", "b.example:8443", "a.example"):
        response = http.get(
            "/.well-known/void", headers={"Accept": "application/n-triples", "Host": host}
        )
        assert response.status_code == 200
        graph = Graph().parse(data=response.content, format="nt")
        urls = {str(o) for o in graph.objects(None, DCAT.downloadURL)}
        assert urls and all(u.startswith(f"http://{host}/dumps/") for u in urls), urls
        answers.append(response.content)
    assert answers[0] == answers[2]
    assert answers[0] != answers[1]
    page = http.get("/dataset", headers={"Accept": "text/html", "Host": "b.example:8443"})
    assert "http://b.example:8443/sparql" in page.text

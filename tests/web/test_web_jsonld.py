"""Every JSON-LD the project publishes has the one published ``@context`` and the same triples.

The build's per-contract files, the whole-dataset dump, the resources' JSON-LD
and the dataset description: each names the context by its URL
(``/dumps/context.jsonld``) or embeds that very object, and each, read back by
rdflib, gives a graph isomorphic to the Turtle or N-Quads of the same thing.
The context itself is the build's file, served byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from web_helpers import BASE, CONTRAT, OBJECTIF

from app.rdf.context import CONTEXT_FILE, context


def same_graph(jsonld: Graph, reference: Graph, what: str) -> None:
    """Fail with a few differing triples when the graphs are not isomorphic."""
    if isomorphic(jsonld, reference):
        return
    _both, only_jsonld, only_reference = graph_diff(to_isomorphic(jsonld), to_isomorphic(reference))
    pytest.fail(
        f"{what}: JSON-LD {len(jsonld)} triples, reference {len(reference)}; "
        f"only in JSON-LD {sorted(only_jsonld)[:3]}, only in reference {sorted(only_reference)[:3]}"
    )


@pytest.fixture(scope="module")
def published(http: httpx.Client) -> dict[str, Any]:
    """The context as the site publishes it."""
    response = http.get("/dumps/context.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    ctx = response.json()["@context"]
    assert isinstance(ctx, dict)
    return ctx


@pytest.fixture(scope="module")
def nquads(built_dir: Path) -> Dataset:
    ds = Dataset()
    ds.parse(built_dir / "cvkg.nq", format="nquads")
    return ds


def test_the_published_context_is_the_builds_file(
    http: httpx.Client, built_dir: Path, repo_root: Path, published: dict[str, Any]
) -> None:
    built = built_dir / CONTEXT_FILE
    assert http.get("/dumps/context.jsonld").content == built.read_bytes()
    assert published == context(BASE, repo_root / "ontology" / "cdv.ttl")
    assert published["cdvid"] == BASE
    assert published["rang"] == {"@id": "cdv:rang", "@type": "xsd:integer"}


def _contracts(built_dir: Path) -> list[str]:
    ids = sorted(p.stem for p in (built_dir / "contrats").glob("*.jsonld"))
    assert CONTRAT in ids
    return ids


def test_each_contract_dump_is_compacted_with_the_published_context(
    http: httpx.Client, built_dir: Path, published: dict[str, Any], nquads: Dataset
) -> None:
    for cid in _contracts(built_dir):
        path = built_dir / "contrats" / f"{cid}.jsonld"
        data = json.loads(path.read_bytes())
        assert data["@context"] == published, cid
        # Compacted, not expanded: the ontology's terms, not full IRIs, name the properties.
        keys = {k for node in data["@graph"] for k in node}
        assert {"@type", "contrat", "partieDe"} <= keys, cid
        assert not any(k.startswith("https://w3id.org/contrats-de-ville/onto#") for k in keys)
        served = http.get(f"/dumps/contrats/{cid}.jsonld")
        assert served.headers["content-type"].startswith("application/ld+json")
        assert served.content == path.read_bytes()
        parsed = Graph().parse(data=path.read_bytes(), format="json-ld")
        turtle = Graph().parse(built_dir / "contrats" / f"{cid}.ttl", format="turtle")
        same_graph(parsed, turtle, f"{cid}.jsonld against {cid}.ttl")
        quads = nquads.graph(URIRef(f"{BASE}graph/contrat/{cid}"))
        same_graph(parsed, quads, f"{cid}.jsonld against its graph in cvkg.nq")


def test_the_dataset_dump_names_the_published_context_and_holds_the_nquads(
    http: httpx.Client, published: dict[str, Any], nquads: Dataset
) -> None:
    data = http.get("/dumps/cvkg.jsonld").json()
    assert data["@context"] == f"{http.base_url}/dumps/context.jsonld"
    data["@context"] = published  # what a processor gets by following the URL
    parsed = Dataset()
    parsed.parse(data=json.dumps(data), format="json-ld")
    names = {g.identifier for g in nquads.graphs() if len(g)}
    assert names == {g.identifier for g in parsed.graphs() if len(g)}
    for name in sorted(names):
        same_graph(parsed.graph(name), nquads.graph(name), f"graph {name} of cvkg.jsonld")


RESOURCES = [
    f"/id/contrat/{CONTRAT}",
    f"/id/contrat/{CONTRAT}/{OBJECTIF}",
    f"/id/contrat/{CONTRAT}/{OBJECTIF}/dispositif/asv",
    "/id/theme/sante-mentale",
    "/id/themes",
    "/id/contrat/ca-melun-val-de-seine-2024-2030/chiffres-cles/population-qpv",
    f"/id/graph/contrat/{CONTRAT}",
    "/id/dataset",
    "/.well-known/void",
]


@pytest.mark.parametrize("path", RESOURCES)
def test_resource_jsonld_embeds_the_published_context_and_matches_turtle(
    http: httpx.Client, published: dict[str, Any], path: str
) -> None:
    answer = http.get(path, params={"format": "jsonld"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/ld+json")
    assert answer.json()["@context"] == published
    parsed = Graph().parse(data=answer.content, format="json-ld")
    turtle = http.get(path, params={"format": "turtle"})
    assert turtle.status_code == 200
    reference = Graph().parse(data=turtle.content, format="turtle")
    assert len(reference) > 0
    same_graph(parsed, reference, path)

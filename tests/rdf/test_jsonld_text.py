"""The JSON-LD files written node by node are rdflib's compaction in ``json.dumps``'s text.

``app.rdf.jsonld_text`` writes a graph's compacted nodes as text in one pass,
each array sorted by its items' JSON, instead of making the nodes, sorting
copies and writing them. The reference is rdflib's JSON-LD serializer with
the same context, every array sorted by ``json.dumps(item, ensure_ascii=False,
sort_keys=True)`` and the whole written by ``json.dumps(…, indent=1)``; on odd
terms, a seed contract's enriched graph, and the shapes the one-pass writer
leaves to the long way (an ``@id`` aliased or not first, values JSON writes
its own way, blank nodes, lists).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SKOS, XSD
from test_jsonld_order import _reference as _arrays_sorted  # as the build sorts them

from app.config import DEFAULT_BASE_IRI
from app.rdf import compaction
from app.rdf.compaction import rdflib_nodes
from app.rdf.context import compacted, context
from app.rdf.jsonld_text import graph_text
from app.rdf.namespaces import CDV

BASE = DEFAULT_BASE_IRI


def _reference(graph: Graph, ctx: dict[str, Any]) -> bytes:
    body = {"@context": ctx, "@graph": _arrays_sorted(rdflib_nodes(graph, ctx))}
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def ctx(repo_root: Path) -> dict[str, Any]:
    return context(BASE, repo_root / "ontology" / "cdv.ttl")


def _odd() -> Graph:
    g = Graph()
    c = URIRef(BASE + "contrat/c1")
    for i in range(3):
        e = URIRef(BASE + f"contrat/c1/e{i}")
        g.add((e, RDF.type, CDV.Objectif))
        g.add((e, RDF.type, URIRef(BASE + "Classe")))
        g.add((e, CDV.contrat, c))
        g.add((e, CDV.partieDe, URIRef(f"https://ailleurs.example/x{i}")))
        g.add((e, SKOS.prefLabel, Literal(f"Santé {i}", lang="fr")))
        g.add((e, SKOS.prefLabel, Literal('dit "oui"\n\\', lang="en")))
        g.add((e, SKOS.altLabel, Literal("sans langue")))
        g.add((e, SKOS.notation, Literal(f"A.{i}", datatype=XSD.string)))
        g.add((e, CDV.rang, Literal(i)))
        g.add((e, CDV.rang, Literal("0" + str(i), datatype=XSD.integer)))
        g.add((e, CDV.rang, Literal("trois", lang="fr")))
        g.add((e, CDV.ligneSource, URIRef(BASE + "source/x")))
        g.add((e, URIRef(BASE + "p"), Literal(1.5)))
        g.add((e, URIRef(BASE + "p"), Literal(True)))
        g.add((e, URIRef(BASE + "p"), Literal(False)))
        g.add((e, URIRef(BASE + "p"), Literal("2024-01-01", datatype=XSD.date)))
        g.add((e, URIRef(BASE + "p"), Literal("x", datatype=URIRef(BASE + "Type"))))
        g.add((e, URIRef(BASE + "p"), URIRef(BASE + "contrat/c1")))
        g.add((e, URIRef(BASE + "p"), Literal("é\u0001\u2028😀")))
    g.add((c, RDF.type, CDV.Contrat))
    g.add((c, CDV.contrat, c))
    g.add((URIRef(BASE + "contrat/c1!"), RDF.type, CDV.Contrat))  # its @id's JSON below c1's
    g.add((URIRef(BASE + 'contrat/c1"'), RDF.type, CDV.Contrat))
    return g


def _fast(graph: Graph, ctx: dict[str, Any]) -> str:
    return graph_text(compaction.compactor(json.dumps(ctx, sort_keys=True)), graph)


def test_odd_terms_written_as_json_dumps_writes_rdflib_s_nodes(ctx: dict[str, Any]) -> None:
    g = _odd()
    _fast(g, ctx)  # (written in one pass: raises on what it leaves to the long way)
    assert compacted(g, ctx) == _reference(g, ctx)
    assert compacted(Graph(), ctx) == _reference(Graph(), ctx)


def test_a_seed_contract(enriched_seed: tuple[Graph, Graph], ctx: dict[str, Any]) -> None:
    graph, _ = enriched_seed
    _fast(graph, ctx)
    assert compacted(graph, ctx) == _reference(graph, ctx)


def _with(extra: Any) -> Graph:
    g = _odd()
    if callable(extra):
        extra(g)
    else:
        g.add(extra)
    return g


def _list(g: Graph) -> None:
    head = BNode("l")
    Collection(g, head, [Literal("a"), Literal("b")])
    g.add((URIRef(BASE + "contrat/c1"), URIRef(BASE + "p"), head))


@pytest.mark.parametrize(
    "extra",
    [
        (URIRef(BASE + "contrat/c1"), URIRef(BASE + "p"), BNode("b")),
        (BNode("b"), URIRef(BASE + "p"), Literal("x")),
        (URIRef(BASE + "contrat/c1"), URIRef(BASE + "p"), Literal(float("nan"))),
        (URIRef(BASE + "contrat/c1"), URIRef(BASE + "p"), Literal(float("inf"))),
        _list,
    ],
)
def test_what_one_pass_leaves_to_the_long_way(ctx: dict[str, Any], extra: Any) -> None:
    g = _with(extra)
    with pytest.raises(compaction.Unsupported):
        _fast(g, ctx)
    if extra is not _list and not isinstance(extra[0], BNode) and not isinstance(extra[2], BNode):
        assert compacted(g, ctx) == _reference(g, ctx)


def test_a_key_before_id_or_an_aliased_id_go_the_long_way(ctx: dict[str, Any]) -> None:
    g = _odd()
    before = {**ctx, "!rang": {"@id": "cdv:rang", "@type": "xsd:integer"}}
    del before["rang"]
    aliased = {**ctx, "id": "@id"}
    for other in (before, aliased):
        with pytest.raises(compaction.Unsupported):
            _fast(g, other)
        assert compacted(g, other) == _reference(g, other)

"""The build's JSON-LD compaction makes rdflib's own choices.

``app.rdf.compaction`` compacts a contract's graph without rdflib's JSON-LD
serializer (its choices memoised: each IRI shrunk once, each predicate's key
decided once for IRI objects). Its nodes must be those of rdflib's
serializer with the published context, on literals and IRIs of every kind a
contract has and on odd ones: languages other than the context's, typed
literals that a term coerces or not, native types, an IRI as the object of a
datatype property, the same IRI as subject and object, predicates outside
the ontology, a class under the data base; and on a seed contract's
enriched graph. Graphs it does not compact (blank nodes, lists) go to rdflib.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from app.config import DEFAULT_BASE_IRI
from app.curation.collection import load_checked
from app.enrichment.pipeline import enrich
from app.rdf.compaction import compactor as _compactor
from app.rdf.compaction import rdflib_nodes as _rdflib_nodes
from app.rdf.context import _sorted_nodes, compacted, context
from app.rdf.contrat_graph import contrat_graph
from app.rdf.namespaces import CDV, Iris
from app.vocabularies import vocabulary_graphs

BASE = DEFAULT_BASE_IRI


def _ctx(repo_root: Path) -> dict:
    return context(BASE, repo_root / "ontology" / "cdv.ttl")


def _same_as_rdflib(graph: Graph, ctx: dict) -> None:
    ours = _sorted_nodes(_compactor(json.dumps(ctx, sort_keys=True)).nodes(graph))
    assert ours == _sorted_nodes(_rdflib_nodes(graph, ctx))


def _odd_graph() -> Graph:
    g = Graph()
    c = URIRef(BASE + "contrat/c1")
    e = URIRef(BASE + "contrat/c1/element/e1")
    g.add((c, RDF.type, CDV.Contrat))
    g.add((e, RDF.type, CDV.Objectif))
    g.add((e, RDF.type, URIRef(BASE + "Classe")))  # a class outside the ontology
    g.add((e, CDV.contrat, c))
    g.add((c, CDV.contrat, c))  # the same IRI as subject and object
    g.add((e, CDV.partieDe, URIRef("https://ailleurs.example/x")))
    g.add((e, SKOS.prefLabel, Literal("Santé", lang="fr")))
    g.add((e, SKOS.prefLabel, Literal("Health", lang="en")))
    g.add((e, SKOS.altLabel, Literal("sans langue")))
    g.add((e, SKOS.notation, Literal("A.1", datatype=XSD.string)))
    g.add((e, CDV.rang, Literal(3)))
    g.add((e, CDV.rang, Literal("03", datatype=XSD.integer)))
    g.add((e, CDV.rang, Literal("trois", lang="fr")))  # a typed term given a plain literal
    g.add((e, CDV.ligneSource, URIRef(BASE + "source/x")))  # an IRI where a number goes
    g.add((e, URIRef(BASE + "p"), Literal(1.5)))
    g.add((e, URIRef(BASE + "p"), Literal(True)))
    g.add((e, URIRef(BASE + "p"), Literal("2024-01-01", datatype=XSD.date)))
    g.add((e, URIRef(BASE + "p"), Literal("x", datatype=URIRef(BASE + "Type"))))
    g.add((e, URIRef(BASE + "p"), URIRef(BASE + "contrat/c1")))
    g.add((e, DCTERMS.source, URIRef(BASE + "source/x")))
    g.add((e, RDFS.seeAlso, URIRef("urn:x:1")))
    return g


def test_odd_terms_compacted_as_rdflib_does(repo_root: Path) -> None:
    _same_as_rdflib(_odd_graph(), _ctx(repo_root))


def test_a_seed_contract_compacted_as_rdflib_does(repo_root: Path, sources_dir: Path) -> None:
    iris = Iris(BASE)
    path = sorted((repo_root / "data" / "contrats").glob("*.yaml"))[0]
    contrat, errors = load_checked(path, sources_dir)
    assert contrat is not None and not errors
    graph = contrat_graph(contrat, iris)
    enrich(graph, vocabulary_graphs(repo_root / "ontology", iris), iris)
    assert len(graph) > 1000
    _same_as_rdflib(graph, _ctx(repo_root))


def test_blank_nodes_and_lists_left_to_rdflib(repo_root: Path) -> None:
    ctx = _ctx(repo_root)
    for extra in ("blank", "list"):
        g = _odd_graph()
        e = URIRef(BASE + "contrat/c1/element/e1")
        if extra == "blank":
            g.add((e, URIRef(BASE + "p"), BNode("b")))
        else:
            head = BNode("l")
            Collection(g, head, [Literal("a"), Literal("b")])
            g.add((e, URIRef(BASE + "p"), head))
        body = json.loads(compacted(g, ctx))
        assert body["@graph"] == _sorted_nodes(_rdflib_nodes(g, ctx))

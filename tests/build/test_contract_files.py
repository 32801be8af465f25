"""A contract's part of the dumps and its files, made from its graphs in one pass, are
those of rdflib's text read back strictly by Oxigraph.

``app.dump_parts.contract_files`` writes each graph's lines itself, checks each
term once and lets Oxigraph read the lines leniently; the JSON-LD is written
node by node. The reference here is the long way, from each library's own
output: rdflib's N-Triples serializer (blank nodes relabelled by structure),
those lines with the graph's name as N-Quads parsed strictly by Oxigraph, its
TriG and Turtle serializers, the sizes counted quad by quad (``dump_part``,
checked against the whole dump's count in ``test_build_statistics``), and
rdflib's JSON-LD serializer with every array sorted by its items' JSON
(``json.dumps``, ``indent=1``). On a seed contract and its facts, odd terms,
blank nodes; and what the fast way refuses must fail or succeed as the long
way does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from files_helpers import BASE, FACTS, NUMBERS, ONE, ROOTS, facts, long_way, odd, random_graph, same
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from app.dump_parts import _PREFIXES, contract_files
from app.rdf.context import context
from app.rdf.triples_text import written
from app.rdf.turtle_text import Terms

# rdflib warns of each ill-formed boolean the random graphs hold: they are the point here.
pytestmark = pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning")


@pytest.fixture(scope="module")
def ctx(repo_root: Path) -> dict[str, Any]:
    return context(BASE, repo_root / "ontology" / "cdv.ttl")


def test_a_seed_contract_s_files(enriched_seed: tuple[Graph, Graph], ctx: dict[str, Any]) -> None:
    graph, its_facts = enriched_seed
    assert len(graph) > 1000 and len(its_facts) > 10
    owner = str(next(graph.subjects(RDF.type, URIRef(BASE.replace("/id/", "/onto#") + "Contrat"))))
    written(graph, ONE, Terms(_PREFIXES)), written(its_facts, FACTS, Terms(_PREFIXES))  # one pass
    same([(ONE, graph), (FACTS, its_facts)], ctx, owner.rsplit("/", 1)[1])


def test_odd_terms(ctx: dict[str, Any]) -> None:
    same([(ONE, odd()), (FACTS, facts())], ctx)
    same([(ONE, odd()), (FACTS, Graph())], ctx)  # no facts


def test_blank_nodes_in_the_contract_and_in_itsfacts(ctx: dict[str, Any]) -> None:
    g = odd()
    g.add((URIRef(BASE + "contrat/c1"), URIRef(BASE + "p"), BNode("b")))
    g.add((BNode("b"), URIRef(BASE + "p"), Literal("anonyme")))
    same([(ONE, g), (FACTS, facts((BNode("f"), URIRef(BASE + "p"), Literal(1))))], ctx)


def test_a_literal_class_counted_as_oxigraph_writes_it(ctx: dict[str, Any]) -> None:
    g = odd()
    g.add((URIRef(BASE + "contrat/c1"), RDF.type, Literal("tab\tici")))
    same([(ONE, g), (FACTS, facts())], ctx)


def test_a_graph_named_twice_goes_thelong_way(ctx: dict[str, Any]) -> None:
    same([(ONE, odd()), (ONE, facts())], ctx)


@pytest.mark.parametrize(
    "bad",
    [
        (URIRef(BASE + "s"), URIRef(BASE + "p"), URIRef("pas-absolue")),
        (URIRef(BASE + "s"), URIRef(BASE + "p"), Literal("x", lang="fr-FR-x-1234567890")),
        (URIRef(BASE + "s"), URIRef(BASE + "p"), Literal("sépare\u2028ici")),
    ],
)
def test_what_oxigraph_refuses_is_refused_as_before(ctx: dict[str, Any], bad: Any) -> None:
    """The long way raises Oxigraph's syntax error: so does this."""
    g = odd()
    g.add(bad)
    with pytest.raises(SyntaxError):
        long_way([(ONE, g), (FACTS, facts())], ctx, "c1")
    with pytest.raises(SyntaxError):
        contract_files([(ONE, g), (FACTS, facts())], ctx, "c1", ROOTS)


@pytest.mark.parametrize("seed", range(6))
def test_random_terms_as_oxigraph_writes_them(ctx: dict[str, Any], seed: int) -> None:
    g = random_graph(seed)
    assert len(g) > 300
    written(g, ONE, Terms(_PREFIXES))  # (the one pass, not the strict way)
    same([(ONE, g), (FACTS, random_graph(seed + 100))], ctx)


def test_every_number_and_boolean_with_every_datatype(ctx: dict[str, Any]) -> None:
    g = Graph()
    datatypes = [XSD.integer, XSD.decimal, XSD.double, XSD.boolean, XSD.float, XSD.date]
    for i, number in enumerate([*NUMBERS, ".", "+", "1.5e", "-.5", "+.5e+5", "0x1", " 1"]):
        for datatype in datatypes:
            g.add(
                (URIRef(BASE + f"s{i}"), URIRef(str(datatype)), Literal(number, datatype=datatype))
            )
    written(g, ONE, Terms(_PREFIXES))
    same([(ONE, g), (FACTS, facts())], ctx)


def test_the_longest_namespace_that_begins_an_iri_is_its_prefix() -> None:
    """Namespaces that begin one another (none of the project's do): Oxigraph's choice."""
    prefixes = {
        "a": "http://e.org/",
        "ab": "http://e.org/x/",
        "abc": "http://e.org/x/y#",
        "z": "urn:",
    }
    terms = Terms(prefixes)
    for iri in ["http://e.org/x/y#z", "http://e.org/x/z", "http://e.org/z", "http://e.org/x/y#"]:
        triple = ox.Triple(ox.NamedNode(iri), ox.NamedNode("urn:p"), ox.NamedNode(iri))
        text = (
            ox.serialize([triple], format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
        ).decode()
        assert text.splitlines()[-1] == f"{terms.iri(iri)} z:p {terms.iri(iri)} ."

"""The contracts' N-Triples lines and dump parts, made the fast way, are rdflib's and
Oxigraph's own.

``app.rdf.ntriples.lines`` writes each term once instead of calling rdflib's
N-Triples serializer; ``dump_part`` counts each graph's VoID sizes on its
slice of the parsed quads. Both must give what the slow ways give, on terms
of every kind a contract has and on the odd ones it might (quotes, line
breaks and Unicode line separators in literals, datatypes, languages, blank
nodes), and when a part names a graph twice. ``contract_part`` writes a
contract's Turtle file from its part's quads: the same bytes as Oxigraph's
Turtle of the contract's N-Triples lines parsed on their own.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from app.build_statistics import Counts, own_roots
from app.dump_parts import contract_part, dump_part, quad_lines
from app.rdf.namespaces import PREFIXES
from app.rdf.ntriples import lines as _lines
from app.rdf.ntriples import sorted_ntriples

EX = "https://example.org/id/"


_TEXTS = ["Santé", 'dit "oui"', "a\\b", "ligne\nautre\r", " "]
# Split into two lines by str.splitlines, in rdflib's output as here (no dump part can hold them).
_SPLIT = ["sépare\u2028ici", "\x0cpage"]


def _graph(texts: list[str] = _TEXTS + _SPLIT) -> Graph:
    g = Graph()
    s = URIRef(EX + "contrat/c1")
    for i, text in enumerate(texts):
        g.add((s, URIRef(EX + f"p{i}"), Literal(text, lang="fr")))
        g.add((s, URIRef(EX + f"q{i}"), Literal(text)))
        g.add((s, URIRef(EX + f"r{i}"), Literal(text, datatype=XSD.string)))
    g.add((s, RDF.type, URIRef(EX + "Contrat")))
    g.add((s, URIRef(EX + "rang"), Literal(3)))
    g.add((s, URIRef(EX + "rang"), Literal("03", datatype=XSD.integer)))
    g.add((s, URIRef(EX + "taux"), Literal(1.5)))
    g.add((s, URIRef(EX + "vrai"), Literal(True)))
    g.add((BNode("b"), URIRef(EX + "p"), s))
    g.add((s, URIRef(EX + "p"), BNode("b")))
    return g


def _rdflib_lines(graph: Graph) -> list[str]:
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return sorted({line for line in text.splitlines() if line.strip()})


def test_the_lines_are_rdflib_s() -> None:
    g = _graph()
    assert _lines(g) == _rdflib_lines(g)
    facts = Graph()
    facts.add((URIRef(EX + "contrat/c1"), URIRef(EX + "n"), Literal(4, datatype=XSD.integer)))
    assert sorted_ntriples(facts) == _rdflib_lines(facts)


def test_terms_of_one_text_and_two_kinds_are_written_apart() -> None:
    """An IRI, a blank node and literals spelled alike: each written as its own kind."""
    g = Graph()
    same = EX + "x"
    for term in (URIRef(same), BNode(same), Literal(same), Literal(same, lang="fr")):
        g.add((URIRef(EX + "s"), URIRef(EX + "p"), term))
    g.add((URIRef(same), URIRef(EX + "p"), BNode(same)))
    g.add((BNode(same), URIRef(same), URIRef(same)))
    assert _lines(g) == _rdflib_lines(g)


def _slow_sizes(graphs: list[tuple[str, list[str]]]) -> dict[str, dict[str, object]]:
    """Each graph's sizes, read from each quad in turn (the counts' own way)."""
    lines = [line for name, nt in graphs for line in quad_lines(name, nt)]
    counts: dict[str, Counts] = {}
    for quad in ox.parse(("\n".join(lines) + "\n").encode(), format=ox.RdfFormat.N_QUADS):
        counts.setdefault(str(quad.graph_name.value), Counts()).add(quad)  # type: ignore[union-attr]
    return {name: c.as_part() for name, c in sorted(counts.items())}


_ONE, _TWO = f"{EX}graph/contrat/c1", f"{EX}graph/synthese"


def _contract_and_facts() -> tuple[list[str], list[str]]:
    """A contract's lines (odd literals, blank nodes) and a few facts' lines."""
    facts = [f"<{EX}contrat/c1> <{EX}n> <{EX}x> .", f"<{EX}x> {RDF.type.n3()} <{EX}Fait> ."]
    return sorted_ntriples(_graph(_TEXTS)), facts


def test_each_graph_of_a_part_counted_on_its_slice() -> None:
    nt, facts = _contract_and_facts()
    one, two = _ONE, _TWO
    for graphs in (
        [(one, nt), (two, facts)],
        [(one, []), (two, facts)],  # an empty graph: no sizes
        [(one, nt[:5]), (two, facts), (one, nt[5:])],  # a graph named twice
    ):
        part = dump_part(graphs)
        assert {k: v for k, v in part.sizes.items() if k} == _slow_sizes(graphs)
        owned = dump_part(graphs, owner="c1", roots=own_roots(EX))
        assert owned.sizes[""] == {"owner": "c1", "own": 1}
        assert owned.nquads == part.nquads


def _turtle_of_lines(lines: list[str]) -> bytes:
    """The Turtle file the old way: the lines parsed on their own, as N-Triples."""
    triples = ox.parse(("\n".join(lines) + "\n").encode(), format=ox.RdfFormat.N_TRIPLES)
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""


def test_the_turtle_of_a_contract_part_is_that_of_its_lines() -> None:
    nt, facts = _contract_and_facts()
    one, two = _ONE, _TWO
    for graphs in (
        [(one, nt), (two, facts)],
        [(one, nt), (two, [])],
        [(one, facts), (two, nt)],
        [(one, nt[:5]), (two, facts), (one, nt[5:])],  # named twice: its lines on their own
        [(one, []), (two, facts)],
        [(one, ["# une ligne sans triple ."] + nt), (two, facts)],  # the quads shifted
    ):
        part, turtle = contract_part(graphs, owner="c1", roots=own_roots(EX))
        assert turtle == _turtle_of_lines(graphs[0][1])
        assert part == dump_part(graphs, owner="c1", roots=own_roots(EX))


def test_what_rdflib_refuses_to_write_is_refused() -> None:
    """A lone surrogate cannot be written in UTF-8: rdflib's serializer raises, so do the lines."""
    g = Graph()
    g.add((URIRef(EX + "s"), URIRef(EX + "p"), Literal("moitié \ud800")))
    with pytest.raises(UnicodeEncodeError):
        g.serialize(format="nt", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        _lines(g)

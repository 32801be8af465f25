"""Every file the build writes for a contract holds the same triples: its Turtle, its
JSON-LD (compacted by the build itself, expanded here by rdflib's own parser), and its
named graph in both dumps (N-Quads and TriG). Real build of the five curated contracts.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph

from app.config import DEFAULT_BASE_IRI
from app.rdf.namespaces import Iris


def _triples(graph: Graph) -> set[tuple[object, object, object]]:
    return set(graph.triples((None, None, None)))


def test_every_format_of_a_contract_holds_the_same_triples(built_dir: Path) -> None:
    iris = Iris(DEFAULT_BASE_IRI)
    nquads, trig = Dataset(), Dataset()
    nquads.parse(built_dir / "cvkg.nq", format="nquads")
    trig.parse(built_dir / "cvkg.trig", format="trig")
    turtles = sorted((built_dir / "contrats").glob("*.ttl"))
    assert len(turtles) == 5
    for turtle in turtles:
        name = iris.graph(f"contrat/{turtle.stem}")
        expected = _triples(Graph().parse(turtle, format="turtle"))
        assert len(expected) > 500, turtle.name
        jsonld = Graph().parse(turtle.with_suffix(".jsonld"), format="json-ld")
        assert _triples(jsonld) == expected, f"{turtle.stem}.jsonld"
        assert _triples(nquads.graph(name)) == expected, f"{name} in cvkg.nq"
        assert _triples(trig.graph(name)) == expected, f"{name} in cvkg.trig"

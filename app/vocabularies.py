"""The hand-written ontology and SKOS vocabularies, loaded under the configured base IRI."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from app.rdf.contrat_graph import new_graph
from app.rdf.namespaces import ONTOLOGY_IRI, Iris

ONTOLOGY_FILE = "cdv.ttl"


def _rebased(path: Path, iris: Iris) -> Graph:
    return iris.rebase_graph(Graph().parse(path, format="turtle"), into=new_graph())


def ontology_graph(ontology_dir: Path) -> Graph:
    return Graph().parse(ontology_dir / ONTOLOGY_FILE, format="turtle")


def vocabulary_files(ontology_dir: Path) -> list[Path]:
    return sorted(p for p in ontology_dir.glob("*.ttl") if p.name != ONTOLOGY_FILE)


def vocabulary_graphs(ontology_dir: Path, iris: Iris) -> dict[str, Graph]:
    """Each vocabulary file (themes, dispositifs, generations…) as its own graph, by file stem."""
    return {p.stem: _rebased(p, iris) for p in vocabulary_files(ontology_dir)}


def ontology_iri() -> URIRef:
    return ONTOLOGY_IRI

"""The tagging reads a contract's graph through the memory store's indexes: the same links.

``app.enrichment.tagging.tag_elements`` reads the elements, their labels and
the curator's vetoes from rdflib's spo/pos indexes when the store holds just
the graph, and through ``Graph.value``/``subjects``/``objects`` otherwise
(a graph of a subclass, as here). Both ways must give the same graph after
enrichment: on the five seeds and on the fixture where a curator removes a
theme the rules find (a veto) and adds themes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from app.config import DEFAULT_BASE_IRI
from app.curation.collection import load_checked
from app.enrichment.pipeline import enrich
from app.rdf.contrat_graph import contrat_graph
from app.rdf.memory_graph import own_indexes
from app.rdf.namespaces import CDV, Iris
from app.vocabularies import vocabulary_graphs

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "themes" / "001_overrides.yaml"
IRIS = Iris(DEFAULT_BASE_IRI)


class _Apart(Graph):
    """A graph whose store's indexes the tagging does not read (its own type)."""


@pytest.fixture(scope="module")
def vocabularies() -> dict[str, Graph]:
    return vocabulary_graphs(REPO_ROOT / "ontology", IRIS)


def _both(path: Path, sources: Path, vocabularies: dict[str, Graph]) -> tuple[Graph, Graph]:
    contrat, errors = load_checked(path, sources)
    assert contrat is not None and not errors, errors
    fast = contrat_graph(contrat, IRIS)
    slow = _Apart()
    for triple in fast:
        slow.add(triple)
    assert own_indexes(fast) is not None and own_indexes(slow) is None
    enrich(fast, vocabularies, IRIS)
    enrich(slow, vocabularies, IRIS)
    return fast, slow


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (REPO_ROOT / "data" / "contrats").glob("*.yaml"))
)
def test_seeds_tagged_alike_either_way(
    name: str, sources_dir: Path, vocabularies: dict[str, Graph]
) -> None:
    fast, slow = _both(REPO_ROOT / "data" / "contrats" / name, sources_dir, vocabularies)
    assert len(fast) > len(_untagged(fast))  # something was tagged
    assert set(fast) == set(slow)


def _untagged(graph: Graph) -> set[object]:
    return {t for t in graph if t[1] not in (CDV.theme, CDV.mobilise)}


def test_a_veto_and_additions_read_alike_either_way(
    sources_dir: Path, vocabularies: dict[str, Graph]
) -> None:
    fast, slow = _both(FIXTURE, sources_dir, vocabularies)
    assert set(fast) == set(slow)
    vetoed = URIRef(IRIS.base + "contrat/fixture-themes-629d7a99/oo-3-3")
    assert (vetoed, SKOS.prefLabel, None) in fast
    assert (vetoed, CDV.theme, IRIS.theme("acces-soins")) not in fast

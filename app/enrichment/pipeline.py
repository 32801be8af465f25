"""Enrichment stage: every computed link of a contract graph, in a fixed order."""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph

from app.enrichment.matching import MobilisationMatcher
from app.enrichment.tagging import concept_labels, tag_elements
from app.rdf.namespaces import CDV, Iris


@lru_cache(maxsize=8)
def _matcher(key: tuple[tuple[str, str], ...]) -> MobilisationMatcher:
    return MobilisationMatcher(key)


# The dispositifs' labels of the last vocabulary graph read, with the graph itself
# (an id is only unique while its object lives); the build enriches every
# contract with the same loaded vocabularies, which never change once loaded.
_LAST: list[tuple[Graph, tuple[tuple[str, str], ...]]] = []


def _dispositif_labels(vocabulary: Graph) -> tuple[tuple[str, str], ...]:
    for graph, labels in _LAST:
        if graph is vocabulary:
            return labels
    labels = tuple(concept_labels(vocabulary, CDV.Dispositif))
    _LAST[:] = [(vocabulary, labels)]
    return labels


def enrich(graph: Graph, vocabularies: dict[str, Graph], iris: Iris) -> None:
    """Add dispositifs named in labels (cdv:mobilise; not when named to exclude them) and themes."""
    if "dispositifs" in vocabularies:
        labels = _dispositif_labels(vocabularies["dispositifs"])
        tag_elements(graph, _matcher(labels), CDV.mobilise, "dispositif")
    if "themes" in vocabularies:
        from app.enrichment.themes import tag_themes

        tag_themes(graph, vocabularies["themes"], iris, vocabularies.get("dispositifs"))

"""Link elements to concepts (dispositifs, themes) whose labels their text contains.

Every computed link is recorded with its evidence as a ``cdv:Etiquetage`` so a
researcher can ask *why* an element carries a theme. Curator overrides arrive as
``cdv:Etiquetage`` resources written by the RDF stage (method ``curateur``): an
addition links, a removal (``cdv:etiquetageRetire``) vetoes the rule's link.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Identifier, Node

from app.enrichment.matching import LabelMatcher
from app.rdf.literals import french
from app.rdf.memory_graph import Nested, Triple, add_triples, own_indexes
from app.rdf.namespaces import CDV

LABEL_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
# Read once: each attribute of an rdflib namespace builds a new IRI (≈ 20 000 a contract).
_A, _PREF_LABEL, _METHODE_REGLE = RDF.type, SKOS.prefLabel, Literal("règle")
_ETIQUETAGE, _ELEMENT, _CONCEPT, _METHODE = CDV.Etiquetage, CDV.element, CDV.concept, CDV.methode
_MOTS, _LIBELLE, _RETIRE, _CONTRAT = (
    CDV.motsReconnus,
    CDV.libelleReconnu,
    CDV.etiquetageRetire,
    CDV.contrat,
)


def _sorted_terms(nodes: Iterable[Node]) -> list[Identifier]:
    """The distinct RDF terms among ``nodes``, in rdflib's term order.

    rdflib types graph positions as ``Node``, which has no order; the terms
    (IRIs, blank nodes, literals) are its ``Identifier`` subclasses.
    """
    return sorted({n for n in nodes if isinstance(n, Identifier)})


def concept_labels(vocabulary: Graph, concept_class: URIRef) -> list[tuple[str, str]]:
    """(concept IRI, label) for every French (or untagged) label of the class's members."""
    pairs = []
    for concept in _sorted_terms(vocabulary.subjects(RDF.type, concept_class)):
        for prop in LABEL_PROPERTIES:
            for label in vocabulary.objects(concept, prop):
                if isinstance(label, Literal) and label.language in (None, "fr"):
                    pairs.append((str(concept), str(label)))
    return pairs


def _vetoed(graph: Graph, indexes: tuple[Nested, Nested] | None, element: Node) -> set[URIRef]:
    if indexes is None:
        taggings: Iterable[Node] = graph.subjects(_ELEMENT, element)
    else:
        taggings = indexes[1].get(_ELEMENT, {}).get(element, ())
    vetoes = set()
    for et in taggings:
        if indexes is None:
            concepts: Iterable[Node] = graph.objects(et, _RETIRE)
        else:
            concepts = indexes[0].get(et, {}).get(_RETIRE, ())
        for concept in concepts:
            if isinstance(concept, URIRef):  # concepts are IRIs; nothing else can match one
                vetoes.add(concept)
    return vetoes


def _elements(graph: Graph, indexes: tuple[Nested, Nested] | None) -> Iterable[Node]:
    """The subjects of ``cdv:contrat`` (with repeats)."""
    if indexes is None:
        return graph.subjects(_CONTRAT, None)
    return (s for subjects in indexes[1].get(_CONTRAT, {}).values() for s in subjects)


def _label(graph: Graph, indexes: tuple[Nested, Nested] | None, element: Node) -> Node | None:
    """``graph.value(element, skos:prefLabel)``: the first label the store holds."""
    if indexes is None:
        return graph.value(element, _PREF_LABEL)
    return next(iter(indexes[0].get(element, {}).get(_PREF_LABEL, ())), None)


def tag_elements(
    graph: Graph,
    matcher: LabelMatcher,
    link: URIRef,
    kind: str,
    elements: Iterable[URIRef] | None = None,
) -> int:
    """Add ``link`` triples and their evidence to ``graph``; return how many links were added.

    The triples are added once every element is read (in the order they are made):
    nothing added here is read back by the loop (a tagging's ``cdv:element`` is
    its own element; vetoes are curator taggings, written by the RDF stage).
    """
    added = 0
    new: list[Triple] = []
    # Read through the memory store's own indexes when they hold just this graph
    # (``Graph.value`` and ``Graph.subjects`` check each triple's contexts).
    indexes = own_indexes(graph)
    targets = _sorted_terms(elements if elements is not None else _elements(graph, indexes))
    for element in targets:
        label = _label(graph, indexes, element)
        if label is None:
            continue
        vetoes = _vetoed(graph, indexes, element)
        by_concept: dict[str, list[tuple[str, str]]] = {}
        for hit in matcher.find(str(label)):
            by_concept.setdefault(hit.key, []).append((hit.words, hit.label))
        for concept_iri, evidence in sorted(by_concept.items()):
            concept = URIRef(concept_iri)
            if concept in vetoes:
                continue
            et = URIRef(f"{element}/{kind}/{concept_iri.rstrip('/').rsplit('/', 1)[-1]}")
            new += [
                (element, link, concept),
                (et, _A, _ETIQUETAGE),
                (et, _ELEMENT, element),
                (et, _CONCEPT, concept),
                (et, _METHODE, _METHODE_REGLE),
            ]
            for words, matched in sorted(set(evidence)):
                new += [(et, _MOTS, french(words)), (et, _LIBELLE, french(matched))]
            added += 1
    add_triples(graph, new)
    return added

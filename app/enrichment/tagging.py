"""Link elements to concepts (dispositifs, themes) whose labels their text contains.

Every computed link is recorded with its evidence as a ``cdv:Etiquetage`` so a
researcher can ask *why* an element carries a theme. Curator overrides arrive as
``cdv:Etiquetage`` resources written by the RDF stage (method ``curateur``): an
addition links, a removal (``cdv:etiquetageRetire``) vetoes the rule's link.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Identifier, Node

from app.enrichment.matching import LabelMatcher
from app.rdf.literals import french, shared_iri
from app.rdf.memory_graph import Lookup, Triple, add_triples
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
    (IRIs, blank nodes, literals) are its ``Identifier`` subclasses. rdflib
    orders two IRIs by their text: IRIs alone are sorted by it, without
    rdflib's comparison (Python code) for each pair.
    """
    found = {n for n in nodes if type(n) is URIRef or isinstance(n, Identifier)}
    if all(type(n) is URIRef for n in found):
        return sorted(found, key=str)
    return sorted(found)


def concept_labels(vocabulary: Graph, concept_class: URIRef) -> list[tuple[str, str]]:
    """(concept IRI, label) for every French (or untagged) label of the class's members."""
    pairs = []
    for concept in _sorted_terms(vocabulary.subjects(RDF.type, concept_class)):
        for prop in LABEL_PROPERTIES:
            for label in vocabulary.objects(concept, prop):
                if isinstance(label, Literal) and label.language in (None, "fr"):
                    pairs.append((str(concept), str(label)))
    return pairs


@lru_cache(maxsize=4096)
def _concept(iri: str) -> tuple[URIRef, str]:
    """A concept's IRI and the last segment that names its taggings, made once for the
    vocabularies' few hundred concepts (≈ 500 taggings a contract)."""
    return shared_iri(iri), iri.rstrip("/").rsplit("/", 1)[-1]


def _vetoed(look: Lookup, element: Node) -> set[URIRef]:
    vetoes = set()
    for et in look.subjects(_ELEMENT, element):
        for concept in look.objects(et, _RETIRE):
            if isinstance(concept, URIRef):  # concepts are IRIs; nothing else can match one
                vetoes.add(concept)
    return vetoes


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
    look = Lookup(graph)
    targets = _sorted_terms(elements if elements is not None else look.subjects(_CONTRAT))
    for element in targets:
        label = next(iter(look.objects(element, _PREF_LABEL)), None)  # Graph.value
        if label is None:
            continue
        vetoes = _vetoed(look, element)
        by_concept: dict[str, list[tuple[str, str]]] = {}
        for hit in matcher.find(str(label)):
            by_concept.setdefault(hit.key, []).append((hit.words, hit.label))
        for concept_iri, evidence in sorted(by_concept.items()):
            concept, slug = _concept(concept_iri)
            if concept in vetoes:
                continue
            et = URIRef(f"{element}/{kind}/{slug}")
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

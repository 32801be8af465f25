"""Tag every element with the themes of the thesaurus (``ontology/themes.ttl``).

The rules are the thesaurus's own French labels (prefLabel, altLabel, hiddenLabel),
matched by :mod:`app.enrichment.matching` on normalised text, so a curator reads and
fixes the rules where the themes are defined. A theme is tagged for what the element's
own words name, as specifically as they name it; a few general rules then refine the
raw matches (:mod:`app.enrichment.theme_rules`).

Curator overrides (``themes_ajoutes`` / ``themes_retires`` in the contract files) are
written by :mod:`app.rdf.contrat_graph`; :func:`check_theme_overrides` makes the build
fail when they name a theme the thesaurus does not have.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from app.curation.errors import CurationError
from app.curation.model import Contrat
from app.enrichment.tagging import concept_labels, tag_elements
from app.enrichment.theme_rules import SpecificMatcher
from app.rdf.memory_graph import Lookup, remove_triples
from app.rdf.namespaces import CDV, Iris

THEMES_VOCABULARY = "themes"
PUBLICS_COLLECTION = "themes-publics"


def themes_scheme(iris: Iris) -> URIRef:
    """The thesaurus's concept scheme under the configured base."""
    return URIRef(iris.base + "themes")


def theme_concepts(thesaurus: Graph, iris: Iris) -> set[URIRef]:
    """Concepts of the themes scheme (the file also holds the piliers and priorities)."""
    scheme = themes_scheme(iris)
    return {c for c in thesaurus.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)}


def ancestors(thesaurus: Graph, concepts: Iterable[URIRef]) -> dict[str, frozenset[str]]:
    """Every theme's broader themes, transitively (``skos:broader+``)."""
    result = {}
    for c in concepts:
        seen: set[str] = set()
        todo = [c]
        while todo:
            for b in thesaurus.objects(todo.pop(), SKOS.broader):
                if str(b) not in seen:
                    seen.add(str(b))
                    todo.append(b)  # type: ignore[arg-type]
        result[str(c)] = frozenset(seen)
    return result


@lru_cache(maxsize=8)
def _matcher(
    labels: tuple[tuple[str, str], ...],
    lineage: tuple[tuple[str, frozenset[str]], ...],
    names: frozenset[tuple[str, str]],
    publics: frozenset[tuple[str, str]],
    programmes: tuple[tuple[str, str], ...],
) -> SpecificMatcher:
    return SpecificMatcher(labels, dict(lineage), names, publics, programmes)


# The matcher of the last graphs asked for, with the graphs themselves (an id is
# only unique while its object lives): a build asks 825 times for the same ones,
# and reading the rules out of the thesaurus took a fifth of the enrichment.
_LAST: list[tuple[Graph, Graph | None, str, SpecificMatcher]] = []


def theme_matcher(
    thesaurus: Graph, iris: Iris, dispositifs: Graph | None = None
) -> SpecificMatcher:
    """The matcher for the thesaurus's themes (cached: one per thesaurus content).

    ``dispositifs`` (the vocabulary of programmes) names, besides acronyms, the
    programmes whose mention as a means is not a theme. The vocabularies are
    read once per pair of graph objects: they must not change once loaded.
    """
    for graph, others, base, matcher in _LAST:
        if graph is thesaurus and others is dispositifs and base == iris.base:
            return matcher
    matcher = _read_matcher(thesaurus, iris, dispositifs)
    _LAST[:] = [(thesaurus, dispositifs, iris.base, matcher)]
    return matcher


def _read_matcher(thesaurus: Graph, iris: Iris, dispositifs: Graph | None) -> SpecificMatcher:
    lineage = ancestors(thesaurus, theme_concepts(thesaurus, iris))
    programmes = tuple(concept_labels(dispositifs, CDV.Dispositif)) if dispositifs else ()
    return _matcher(
        theme_labels(thesaurus, iris),
        tuple(sorted(lineage.items())),
        theme_names(thesaurus, iris),
        public_labels(thesaurus, iris),
        programmes,
    )


def theme_labels(thesaurus: Graph, iris: Iris) -> tuple[tuple[str, str], ...]:
    """(theme IRI, French label) pairs: the tagging rules."""
    concepts = {str(c) for c in theme_concepts(thesaurus, iris)}
    return tuple(p for p in concept_labels(thesaurus, SKOS.Concept) if p[0] in concepts)


def theme_names(thesaurus: Graph, iris: Iris) -> frozenset[tuple[str, str]]:
    """(theme IRI, French label) pairs that are the theme's own names (prefLabel, altLabel)."""
    concepts = {str(c) for c in theme_concepts(thesaurus, iris)}
    return frozenset(
        (str(c), str(label))
        for prop in (SKOS.prefLabel, SKOS.altLabel)
        for c, label in thesaurus.subject_objects(prop)
        if str(c) in concepts and isinstance(label, Literal) and label.language in (None, "fr")
    )


def public_labels(thesaurus: Graph, iris: Iris) -> frozenset[tuple[str, str]]:
    """(theme IRI, label) for the hidden labels of the themes of the publics collection.

    Those themes (``cdvid:themes-publics``, a ``skos:Collection``) are about a public;
    their hidden labels are the words naming the people (``jeunes``, ``femmes``), their
    preferred and alternative labels the topic itself (``Jeunesse``, ``Précarité``).
    """
    collection = URIRef(iris.base + PUBLICS_COLLECTION)
    members = {str(m) for m in thesaurus.objects(collection, SKOS.member)}
    return frozenset(
        (str(c), str(label))
        for c, label in thesaurus.subject_objects(SKOS.hiddenLabel)
        if str(c) in members and isinstance(label, Literal) and label.language in (None, "fr")
    )


def tag_themes(
    graph: Graph, thesaurus: Graph, iris: Iris, dispositifs: Graph | None = None
) -> None:
    """Add ``cdv:theme`` links, each with its evidence (``cdv:Etiquetage``), to ``graph``.

    A theme that a curator added and that the rules also find shares one tagging
    resource (``…/theme/<slug>``); it stays the curator's (one ``cdv:methode``), and the
    words the rules recognised are kept on it as extra evidence.
    """
    tag_elements(graph, theme_matcher(thesaurus, iris, dispositifs), CDV.theme, "theme")
    rule, curator, methode = Literal("règle"), Literal("curateur"), CDV.methode
    curated = list(Lookup(graph).subjects(methode, curator))
    remove_triples(graph, [(et, methode, rule) for et in curated])


def check_theme_overrides(
    contrats: Iterable[Contrat], thesaurus: Graph | None, iris: Iris
) -> list[CurationError]:
    """Overrides naming a theme absent from the thesaurus, each at its YAML line."""
    known = {str(c) for c in theme_concepts(thesaurus, iris)} if thesaurus is not None else set()
    errors = []
    for contrat in contrats:
        for e in contrat.elements:
            for key, overrides in (
                ("themes_ajoutes", e.themes_ajoutes),
                ("themes_retires", e.themes_retires),
            ):
                for o in overrides:
                    if str(iris.theme(o.theme)) not in known:
                        errors.append(
                            CurationError(
                                contrat.path,
                                o.yaml_line,
                                f"élément « {e.id} », {key} : thème inconnu « {o.theme} » "
                                f"(absent de ontology/{THEMES_VOCABULARY}.ttl)",
                            )
                        )
    return errors

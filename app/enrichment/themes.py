"""Tag every element with the themes of the thesaurus (``ontology/themes.ttl``).

The rules are the thesaurus's own French labels (prefLabel, altLabel, hiddenLabel),
matched by :mod:`app.enrichment.matching` on normalised text, so a curator reads and
fixes the rules where the themes are defined. Two rules make the most specific theme
win, because a search through ``skos:broader*`` already reaches the broader ones and
tagging both would only blur what the element is about:

* when the words matched for one theme lie strictly inside the words matched for
  another (``santé`` inside ``éducation à la santé``), only the longer match counts;
* when an element matches a theme and one of its narrower themes (``santé`` and
  ``santé mentale``), only the narrower one is kept.

Curator overrides (``themes_ajoutes`` / ``themes_retires`` in the contract files) are
written by :mod:`app.rdf.contrat_graph`; :func:`check_theme_overrides` makes the build
fail when they name a theme the thesaurus does not have.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from app.curation.errors import CurationError
from app.curation.model import Contrat
from app.enrichment.matching import Hit, LabelMatcher
from app.enrichment.tagging import concept_labels, tag_elements
from app.rdf.namespaces import CDV, Iris

THEMES_VOCABULARY = "themes"


def themes_scheme(iris: Iris) -> URIRef:
    """The thesaurus's concept scheme under the configured base."""
    return URIRef(iris.base + "themes")


def theme_concepts(thesaurus: Graph, iris: Iris) -> set[URIRef]:
    """Concepts of the themes scheme (the file also holds the piliers and priorities)."""
    scheme = themes_scheme(iris)
    return {c for c in thesaurus.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)}


class SpecificMatcher(LabelMatcher):
    """A label matcher where the longest match, then the narrowest theme, wins."""

    def __init__(
        self, labels: Iterable[tuple[str, str]], ancestors: Mapping[str, frozenset[str]]
    ) -> None:
        super().__init__(labels)
        self._ancestors = ancestors

    def find(self, text: str) -> list[Hit]:
        hits = super().find(text)
        hits = [h for h in hits if not any(_strictly_inside(h, o) for o in hits if o.key != h.key)]
        covered = set().union(*(self._ancestors.get(h.key, frozenset()) for h in hits))
        return [h for h in hits if h.key not in covered]


def _strictly_inside(inner: Hit, outer: Hit) -> bool:
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and (outer.end - outer.start) > (inner.end - inner.start)
    )


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
    labels: tuple[tuple[str, str], ...], lineage: tuple[tuple[str, frozenset[str]], ...]
) -> SpecificMatcher:
    return SpecificMatcher(labels, dict(lineage))


def theme_matcher(thesaurus: Graph, iris: Iris) -> SpecificMatcher:
    """The matcher for the thesaurus's themes (cached: one per thesaurus content)."""
    lineage = ancestors(thesaurus, theme_concepts(thesaurus, iris))
    return _matcher(theme_labels(thesaurus, iris), tuple(sorted(lineage.items())))


def theme_labels(thesaurus: Graph, iris: Iris) -> tuple[tuple[str, str], ...]:
    """(theme IRI, French label) pairs: the tagging rules."""
    concepts = {str(c) for c in theme_concepts(thesaurus, iris)}
    return tuple(p for p in concept_labels(thesaurus, SKOS.Concept) if p[0] in concepts)


def tag_themes(graph: Graph, thesaurus: Graph, iris: Iris) -> None:
    """Add ``cdv:theme`` links, each with its evidence (``cdv:Etiquetage``), to ``graph``.

    A theme that a curator added and that the rules also find shares one tagging
    resource (``…/theme/<slug>``); it stays the curator's (one ``cdv:methode``), and the
    words the rules recognised are kept on it as extra evidence.
    """
    tag_elements(graph, theme_matcher(thesaurus, iris), CDV.theme, "theme")
    rule, curator = Literal("règle"), Literal("curateur")
    for et in list(graph.subjects(CDV.methode, curator)):
        graph.remove((et, CDV.methode, rule))


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
                        errors.append(CurationError(
                            contrat.path,
                            o.yaml_line,
                            f"élément « {e.id} », {key} : thème inconnu « {o.theme} » "
                            f"(absent de ontology/{THEMES_VOCABULARY}.ttl)",
                        ))
    return errors

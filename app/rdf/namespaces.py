"""Namespaces and the IRI scheme of the data, in one place.

Data IRIs are built from curated ids only (never from file order or counters), so
they stay stable when a curator adds an element.
"""

from __future__ import annotations

from functools import cached_property
from urllib.parse import quote, urljoin

from rdflib import Graph, Namespace, URIRef

from app.config import DEFAULT_BASE_IRI, ONTOLOGY_NS
from app.prefixes import VOCABULARIES

CDV = Namespace(ONTOLOGY_NS)
ONTOLOGY_IRI = URIRef(ONTOLOGY_NS.rstrip("#"))
QB = Namespace("http://purl.org/linked-data/cube#")
ORG = Namespace("http://www.w3.org/ns/org#")

# The build's prefixes: the one table of app/prefixes.py, as rdflib namespaces.
PREFIXES = {name: Namespace(iri) for name, iri in VOCABULARIES.items()}


class Iris:
    """The data IRIs under one base (``CVKG_BASE_IRI``)."""

    def __init__(self, base: str = DEFAULT_BASE_IRI) -> None:
        if not base.endswith(("/", "#")):
            raise ValueError(f"la base IRI doit finir par / ou # : {base!r}")
        self.base = base

    def _iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def contrat(self, cid: str) -> URIRef:
        return self._iri(f"contrat/{cid}")

    def element(self, cid: str, eid: str) -> URIRef:
        return self._iri(f"contrat/{cid}/{eid}")

    def etiquetage(self, cid: str, eid: str, kind: str, concept_id: str) -> URIRef:
        return self._iri(f"contrat/{cid}/{eid}/{kind}/{concept_id}")

    def chiffres(self, cid: str) -> URIRef:
        return self._iri(f"contrat/{cid}/chiffres-cles")

    def observation(self, cid: str, oid: str) -> URIRef:
        return self._iri(f"contrat/{cid}/chiffres-cles/{oid}")

    def passage(self, owner: URIRef, key: str, ligne: int, rank: int = 1) -> URIRef:
        """A printed paragraph of ``owner`` (contract or element), named by its source line
        — and by its rank on that line from the second on (``…/l15-2``): the items of one
        table cell, two indicators of one row, share their line."""
        return URIRef(f"{owner}/{key}/l{ligne}" + (f"-{rank}" if rank > 1 else ""))

    def evenement(self, cid: str, evid: str) -> URIRef:
        return self._iri(f"contrat/{cid}/elaboration/{evid}")

    def texte_cite(self, cid: str, tid: str) -> URIRef:
        return self._iri(f"contrat/{cid}/texte-cite/{tid}")

    def qpv_du_contrat(self, cid: str) -> URIRef:
        return self._iri(f"contrat/{cid}/qpv")

    def territoire(self, tid: str) -> URIRef:
        return self._iri(f"territoire/{tid}")

    def source(self, fichier: str) -> URIRef:
        """The source document, named by its file's stem (percent-encoded: imported
        documents keep their own names, spaces included).

        >>> Iris("https://ex.org/id/").source("Contrat de ville.txt")
        rdflib.term.URIRef('https://ex.org/id/source/Contrat%20de%20ville')
        """
        return self._iri(f"source/{quote(fichier.rsplit('.', 1)[0])}")

    @cached_property
    def site(self) -> str:
        """The site the data IRIs are served under: the base's parent (worked out once:
        every element's source line asks for it).

        ``/id/`` maps onto the base, so the server's root is the base without its
        last segment (as ``…/onto`` sits next to ``…/id/``).

        >>> Iris("https://w3id.org/contrats-de-ville/id/").site
        'https://w3id.org/contrats-de-ville/'
        """
        return urljoin(self.base.split("#")[0], "../")

    def source_text(self, fichier: str) -> URIRef:
        """The published text of a source (``/sources/{fichier}`` on the server)."""
        return URIRef(f"{self.site}sources/{quote(fichier)}")

    def source_line(self, fichier: str, ligne: int) -> URIRef:
        """Line ``ligne`` of a source: its anchor in the published text."""
        return URIRef(f"{self.source_text(fichier)}#L{ligne}")

    def generation(self, notation: str) -> URIRef:
        return self._iri(f"generation/{notation}")

    def dispositif(self, did: str) -> URIRef:
        return self._iri(f"dispositif/{did}")

    def theme(self, tid: str) -> URIRef:
        return self._iri(f"theme/{tid}")

    def indicateur(self, iid: str) -> URIRef:
        return self._iri(f"indicateur/{iid}")

    def unite(self, uid: str) -> URIRef:
        return self._iri(f"unite/{uid}")

    def graph(self, name: str) -> URIRef:
        return self._iri(f"graph/{name}")

    def dataset(self) -> URIRef:
        return self._iri("dataset")

    def rebase(self, iri: str) -> str:
        """Rewrite an IRI written under the default base (vocabulary files) to this base."""
        return moved(iri, DEFAULT_BASE_IRI, self.base)

    def rebase_graph(self, source: Graph, into: Graph | None = None) -> Graph:
        """``source`` with its IRIs under the default base moved under this base."""
        return rebased_graph(source, DEFAULT_BASE_IRI, self.base, into)


def moved(iri: str, old: str, new: str) -> str:
    """``iri`` with the prefix ``old`` replaced by ``new`` (unchanged if not under ``old``).

    >>> moved("https://a.org/id/x", "https://a.org/id/", "http://b.org/")
    'http://b.org/x'
    """
    return new + iri[len(old) :] if old != new and iri.startswith(old) else iri


def rebased_graph(source: Graph, old: str, new: str, into: Graph | None = None) -> Graph:
    """The one IRI rebasing: every IRI of ``source`` under ``old`` moved under ``new``
    (into ``into`` when given, which keeps its prefix bindings)."""
    out = Graph(namespace_manager=source.namespace_manager) if into is None else into
    for triple in source:
        out.add(
            tuple(  # type: ignore[arg-type]
                URIRef(moved(str(t), old, new)) if isinstance(t, URIRef) else t for t in triple
            )
        )
    return out

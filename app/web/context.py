"""The published JSON-LD ``@context`` (``/dumps/context.jsonld``).

Generated from the ontology, so it cannot drift from it: every ``cdv:`` class
becomes a term (``"Contrat"``), every object property a term whose values are
IRIs (``"contrat": {"@id": "cdv:contrat", "@type": "@id"}``), every datatype
property with a range a typed term (``"rang"`` → ``xsd:integer``), and the
project's prefixes (``cdv``, ``cdvid`` = the data base IRI, ``skos``…) are
declared. The dumps and the resources' JSON-LD are compacted with it, so a
JSON-LD user reads ``"rang": 3`` instead of full IRIs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from app.config import ONTOLOGY_NS
from app.prefixes import project_prefixes

XSD = "http://www.w3.org/2001/XMLSchema#"


def prefixes(base_iri: str) -> dict[str, str]:
    """Prefix → namespace for Turtle output and the context: the project's one table."""
    return project_prefixes(base_iri)


@lru_cache(maxsize=8)
def _terms(ontology_file: str, mtime_ns: int) -> dict[str, Any]:
    graph = Graph().parse(ontology_file, format="turtle")
    terms: dict[str, Any] = {}

    def local(iri: URIRef) -> str | None:
        text = str(iri)
        return text[len(ONTOLOGY_NS) :] if text.startswith(ONTOLOGY_NS) else None

    for cls in graph.subjects(RDF.type, OWL.Class):
        name = local(cls)  # type: ignore[arg-type]
        if name:
            terms[name] = f"cdv:{name}"
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        name = local(prop)  # type: ignore[arg-type]
        if name:
            terms[name] = {"@id": f"cdv:{name}", "@type": "@id"}
    for prop in graph.subjects(RDF.type, OWL.DatatypeProperty):
        name = local(prop)  # type: ignore[arg-type]
        if not name:
            continue
        rng = graph.value(prop, RDFS.range)
        if rng is not None and str(rng).startswith(XSD):
            terms[name] = {"@id": f"cdv:{name}", "@type": "xsd:" + str(rng)[len(XSD) :]}
        else:
            terms[name] = f"cdv:{name}"
    for prop in graph.subjects(RDF.type, OWL.AnnotationProperty):
        name = local(prop)  # type: ignore[arg-type]
        if name and name not in terms:
            terms[name] = f"cdv:{name}"
    return dict(sorted(terms.items()))


def context(base_iri: str, ontology_file: Path) -> dict[str, Any]:
    """The ``@context`` object (prefixes first, then the ontology's terms)."""
    ctx: dict[str, Any] = dict(sorted(prefixes(base_iri).items()))
    ctx.update(_terms(str(ontology_file), ontology_file.stat().st_mtime_ns))
    return ctx

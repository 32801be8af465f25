"""The prefixes researchers get everywhere: editor, Turtle output, examples.

Kept as plain strings (no rdflib import), because query workers use them too
and should start fast.

>>> project_prefixes("https://w3id.org/contrats-de-ville/id/")["cdvid"]
'https://w3id.org/contrats-de-ville/id/'
"""

from __future__ import annotations

from app.config import ONTOLOGY_NS

# Prefix of the data IRIs (contracts, elements, themes, dispositifs…); its IRI
# is the configured base (CVKG_BASE_IRI).
DATA_PREFIX = "cdvid"


def project_prefixes(base_iri: str) -> dict[str, str]:
    """Prefix → namespace IRI, in the order the editor shows them."""
    return {
        "cdv": ONTOLOGY_NS,
        DATA_PREFIX: base_iri,
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "dcterms": "http://purl.org/dc/terms/",
        "prov": "http://www.w3.org/ns/prov#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "owl": "http://www.w3.org/2002/07/owl#",
    }


def sparql_prologue(prefixes: dict[str, str]) -> str:
    """``PREFIX`` lines for the start of a query.

    >>> sparql_prologue({"ex": "http://example.org/"})
    'PREFIX ex: <http://example.org/>\\n'
    """
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())

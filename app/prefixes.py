"""The one prefix table: the build's Turtle, the endpoint's answers, the editor,
the published JSON-LD context and the pages all declare these.

Plain strings (no rdflib), because the query workers use them too and should
start fast.

>>> project_prefixes("https://w3id.org/contrats-de-ville/id/")["cdvid"]
'https://w3id.org/contrats-de-ville/id/'
>>> list(project_prefixes("http://ex.org/"))[:3]
['cdv', 'cdvid', 'skos']
"""

from __future__ import annotations

from app.config import ONTOLOGY_NS

# The vocabularies the data use, in the order the editor shows them.
VOCABULARIES = {
    "cdv": ONTOLOGY_NS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "qb": "http://purl.org/linked-data/cube#",
    "org": "http://www.w3.org/ns/org#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
}
# Prefix of the data IRIs (contracts, elements, themes, dispositifs…); its IRI
# is the configured base (CVKG_BASE_IRI), so it is not in the build's table.
DATA_PREFIX = "cdvid"
FOAF = "http://xmlns.com/foaf/0.1/"  # the dataset description's publisher


def project_prefixes(base_iri: str) -> dict[str, str]:
    """Prefix → namespace IRI for everything served under ``base_iri``."""
    return {"cdv": ONTOLOGY_NS, DATA_PREFIX: base_iri, **VOCABULARIES, "foaf": FOAF}


def sparql_prologue(prefixes: dict[str, str]) -> str:
    """``PREFIX`` lines for the start of a query.

    >>> sparql_prologue({"ex": "http://example.org/"})
    'PREFIX ex: <http://example.org/>\\n'
    """
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())

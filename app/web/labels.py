"""French names for the terms a page shows but the graph does not label.

The ``cdv:`` terms carry their own ``rdfs:label``@fr in the ontology (read
from ``ontology/cdv.ttl``); the standard vocabularies the data reuses (SKOS,
Dublin Core, PROV, Data Cube, DCAT, VoID, FOAF) are named here, so that no
page shows a bare IRI where a reader expects words.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS

from app.config import ONTOLOGY_NS

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
QB = "http://purl.org/linked-data/cube#"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF_NS = str(RDF)
RDFS_NS = str(RDFS)
OWL_NS = str(OWL)

KNOWN: dict[str, str] = {
    RDF_NS + "type": "type",
    RDFS_NS + "label": "libellé",
    RDFS_NS + "comment": "commentaire",
    RDFS_NS + "seeAlso": "voir aussi",
    OWL_NS + "versionInfo": "version",
    SKOS + "prefLabel": "libellé",
    SKOS + "altLabel": "autre libellé",
    SKOS + "hiddenLabel": "variante reconnue",
    SKOS + "definition": "définition",
    SKOS + "notation": "code",
    SKOS + "note": "note",
    SKOS + "editorialNote": "note du curateur",
    SKOS + "scopeNote": "note d'application",
    SKOS + "historyNote": "historique",
    SKOS + "example": "exemple",
    SKOS + "broader": "concept plus général",
    SKOS + "narrower": "concept plus précis",
    SKOS + "related": "concept associé",
    SKOS + "inScheme": "dans le thésaurus",
    SKOS + "topConceptOf": "concept de tête de",
    SKOS + "hasTopConcept": "concept de tête",
    SKOS + "exactMatch": "correspondance exacte",
    SKOS + "closeMatch": "correspondance proche",
    SKOS + "broadMatch": "correspondance plus large",
    SKOS + "narrowMatch": "correspondance plus précise",
    SKOS + "relatedMatch": "correspondance associée",
    SKOS + "Concept": "Concept",
    SKOS + "ConceptScheme": "Thésaurus",
    DCT + "identifier": "identifiant",
    DCT + "title": "titre",
    DCT + "description": "description",
    DCT + "date": "date",
    DCT + "created": "créé le",
    DCT + "modified": "modifié le",
    DCT + "issued": "publié le",
    DCT + "source": "source",
    DCT + "license": "licence",
    DCT + "publisher": "éditeur",
    DCT + "language": "langue",
    DCT + "spatial": "couverture géographique",
    DCT + "temporal": "période",
    DCT + "conformsTo": "conforme à",
    DCT + "format": "format",
    DCT + "isPartOf": "fait partie de",
    DCT + "LicenseDocument": "Licence",
    PROV + "wasDerivedFrom": "tiré de",
    PROV + "Entity": "Entité",
    PROV + "Location": "Lieu",
    QB + "dataSet": "jeu de chiffres",
    QB + "Observation": "Chiffre clé",
    QB + "DataSet": "Jeu de chiffres clés",
    QB + "structure": "structure",
    DCAT + "Catalog": "Catalogue",
    DCAT + "Dataset": "Jeu de données",
    DCAT + "Distribution": "Distribution",
    DCAT + "DataService": "Service de données",
    DCAT + "dataset": "jeu de données",
    DCAT + "service": "service",
    DCAT + "distribution": "distribution",
    DCAT + "accessURL": "adresse d'accès",
    DCAT + "downloadURL": "adresse de téléchargement",
    DCAT + "accessService": "service d'accès",
    DCAT + "mediaType": "type de média",
    DCAT + "byteSize": "taille (octets)",
    DCAT + "keyword": "mot-clé",
    DCAT + "theme": "thème",
    DCAT + "version": "version",
    DCAT + "landingPage": "page d'accueil",
    DCAT + "endpointURL": "adresse du point d'accès",
    DCAT + "endpointDescription": "description du point d'accès",
    DCAT + "servesDataset": "sert le jeu de données",
    VOID + "Dataset": "Jeu de données (VoID)",
    VOID + "triples": "triplets",
    VOID + "entities": "entités",
    VOID + "classes": "classes",
    VOID + "properties": "propriétés",
    VOID + "subset": "sous-ensemble",
    VOID + "sparqlEndpoint": "point d'accès SPARQL",
    VOID + "dataDump": "téléchargement",
    VOID + "exampleResource": "ressource exemple",
    VOID + "rootResource": "ressource racine",
    VOID + "uriSpace": "espace des IRI",
    VOID + "vocabulary": "vocabulaire",
    VOID + "feature": "format",
    FOAF + "name": "nom",
    FOAF + "Agent": "Agent",
    FOAF + "Organization": "Organisation",
    "http://www.w3.org/ns/adms#versionNotes": "notes de version",
    OWL_NS + "Ontology": "Ontologie",
    OWL_NS + "Class": "Classe",
    OWL_NS + "ObjectProperty": "Propriété d'objet",
    OWL_NS + "DatatypeProperty": "Propriété de données",
}


@lru_cache(maxsize=4)
def _ontology_labels(path: str, mtime_ns: int) -> dict[str, str]:
    graph = Graph().parse(path, format="turtle")
    out: dict[str, str] = {}
    for term, label in graph.subject_objects(RDFS.label):
        if (
            isinstance(label, Literal)
            and label.language == "fr"
            and str(term).startswith(ONTOLOGY_NS)
        ):
            out[str(term)] = str(label)
    return out


def term_labels(ontology_file: Path) -> dict[str, str]:
    """Every French name we know for a vocabulary term: the ontology's, then ours."""
    labels = dict(KNOWN)
    labels.update(_ontology_labels(str(ontology_file), ontology_file.stat().st_mtime_ns))
    return labels

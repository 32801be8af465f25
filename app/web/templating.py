"""Jinja2 for the site, and the one rule for links: IRIs of ours stay on this server.

A data IRI ``{base}contrat/x`` is linked as ``/id/contrat/x`` and an ontology
term ``cdv:Contrat`` as ``/onto#Contrat``, so that a local deployment (whose
base is not its own host) is browsable; the IRI itself is shown next to the
page title for citation. Other IRIs (licence, legal texts) link to themselves.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.config import ONTOLOGY_NS
from app.rdf.namespaces import Iris

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
ONTOLOGY_IRI = ONTOLOGY_NS.rstrip("#")
ID_PREFIX = "/id/"
SOURCES_PREFIX = "/sources/"
NAV = (
    ("/", "Éditeur SPARQL"),
    ("/id/", "Contrats"),
    ("/id/themes", "Thèmes"),
    ("/id/dispositifs", "Dispositifs"),
    ("/onto", "Ontologie"),
    ("/sources/", "Sources"),
    ("/dataset", "Jeu de données"),
)


def local_path(iri: str, base: str) -> str | None:
    """The path on this server that answers for ``iri``, or ``None`` if none does.

    >>> local_path("https://ex.org/id/contrat/a", "https://ex.org/id/")
    '/id/contrat/a'
    >>> local_path("https://w3id.org/contrats-de-ville/onto#Contrat", "https://ex.org/id/")
    '/onto#Contrat'
    >>> local_path("https://ex.org/sources/004.txt#L12", "https://ex.org/id/")
    '/sources/004.txt#L12'
    >>> local_path("https://www.etalab.gouv.fr/", "https://ex.org/id/") is None
    True
    """
    if base and iri.startswith(base):
        return ID_PREFIX + quote(iri[len(base) :], safe="/-._~")
    if base and iri.startswith(texts := Iris(base).site + "sources/"):
        return SOURCES_PREFIX + iri[len(texts) :]  # a published source text, or one of its lines
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "/"):
        return "/onto"
    if iri.startswith(ONTOLOGY_NS):
        return "/onto#" + iri[len(ONTOLOGY_NS) :]
    return None


def href(iri: str, base: str) -> str:
    """Where a link to ``iri`` goes: its local path, else the IRI itself."""
    return local_path(iri, base) or iri


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["nav"] = NAV
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)

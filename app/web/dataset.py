"""The dataset's description of itself: VoID for LOD crawlers, DCAT(-AP) for portals.

The hand-written part (titles, publisher, licence, themes) is ``dataset.ttl``
beside this module; what depends on the build or on the deployment is added
here at serve time: the sizes (``void:triples``, ``void:entities``,
``void:classes``, ``void:properties``, one ``void:subset`` per contract graph
with its own sizes, and one for the precomputed answers' graph),
``dcterms:modified`` (the build's N-Quads dump), the version, and the URLs of the
dumps and of the SPARQL endpoint on the server that answers. Validated in the
tests by ``shapes/dcat-ap.ttl``.

The sizes are the build's: counted once on the dump it writes and recorded in
``build-info.json`` (``void``; see :func:`app.dumps.void_statistics`), as the
graph only changes with a build — counting entities, classes and properties
over 1.4 M quads in SPARQL takes about 1.5 s at 2 000 contracts. When the
server does not serve that build as written (``cvkg serve --data``, a build
for another base IRI, an older build without them), the store is counted
instead with ``graphes-void.rq`` (one ``COUNT`` per graph, ≈ 0.5 s at 2 000
contracts): triples only, per graph and in all.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID, XSD

from app import __version__
from app.config import Settings
from app.dumps import BUILD_INFO, DUMP_NQ
from app.rdf.namespaces import Iris
from app.synthese import graph_iri
from app.web.describe import bind, labels
from app.web.downloads import DUMPS, Dump, dump_file
from app.web.sparql import Sparql

DATASET_TTL = Path(__file__).with_name("dataset.ttl")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3, not in rdflib's DCAT 2
OWL_VERSION = URIRef("http://www.w3.org/2002/07/owl#versionInfo")


def static_part(iris: Iris) -> Graph:
    """``dataset.ttl`` with its IRIs moved under the configured base (uriSpace left out)."""
    raw = Graph().parse(DATASET_TTL, format="turtle")
    g = Graph()
    for prefix, ns in raw.namespaces():
        g.bind(prefix, ns)
    g.bind("adms", ADMS)
    raw.remove((None, VOID.uriSpace, None))
    return iris.rebase_graph(raw, into=g)


def build_info(build_dir: Path) -> dict[str, Any]:
    """``build-info.json``, or an empty dict when serving other files (``--data``)."""
    try:
        return json.loads((build_dir / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def statistics(build_dir: Path, base: str) -> dict[str, Any] | None:
    """The build's VoID sizes (``build-info.json``), if it was built for this base IRI.

    ``{"triples", "entities", "classes", "properties", "graphs": {graph IRI:
    the same four}}``; None without a build, from a build that did not count
    them, or for another base (its graph IRIs are not this deployment's).
    """
    info = build_info(build_dir)
    stats = info.get("void")
    if not isinstance(stats, dict) or info.get("base_iri") != base:
        return None
    return stats


async def sizes(sparql: Sparql, settings: Settings, from_build: bool) -> dict[str, Any]:
    """The sizes to describe: the build's when the store holds it, else counted in the store.

    Same shape as :func:`statistics`; counted in the store, only ``triples``.
    """
    stats = statistics(settings.build_dir, settings.base_iri) if from_build else None
    if stats is not None:
        return stats
    graphs = {
        row["graphe"].value: {"triples": int(row["triplets"].value)}
        for row in await sparql.select(bind("graphes-void", settings.base_iri))
    }
    return {"triples": sum(g["triples"] for g in graphs.values()), "graphs": graphs}


def modified(build_dir: Path) -> datetime | None:
    """When the served build was written (the dump's modification time, UTC)."""
    try:
        stamp = (build_dir / DUMP_NQ).stat().st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(int(stamp), tz=UTC)


async def description(
    sparql: Sparql, settings: Settings, site_url: str, from_build: bool = False
) -> Graph:
    """The whole VoID + DCAT graph, for ``site_url`` (e.g. ``http://127.0.0.1:8000/``).

    ``from_build``: the store holds the build's dump as written, so the sizes
    recorded by the build are the store's.
    """
    iris = Iris(settings.base_iri)
    g = static_part(iris)
    ds = iris.dataset()
    service = URIRef(f"{ds}/sparql")
    endpoint = URIRef(settings.public_endpoint or f"{site_url}sparql")
    g.add((ds, VOID.uriSpace, Literal(settings.base_iri)))
    g.add((ds, DCAT.landingPage, URIRef(f"{site_url}dataset")))
    g.add((ds, VOID.sparqlEndpoint, endpoint))
    _version_and_dates(g, ds, settings.build_dir)

    stats = await sizes(sparql, settings, from_build)
    _sizes(g, ds, stats)

    for dump in DUMPS:
        _distribution(g, ds, dump, settings, site_url)
    _service_distribution(g, ds, service, endpoint)
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))
    await _subsets(g, ds, stats, sparql, iris, site_url)
    _synthese_subset(g, ds, stats, iris, site_url)
    return g


def _synthese_subset(
    g: Graph, ds: URIRef, stats: dict[str, Any], iris: Iris, site_url: str
) -> None:
    """The graph of the precomputed research answers (docs/synthese.md), a subset of its
    own: a client reading the description found every contract's graph but not it."""
    graph = graph_iri(iris.base)
    counts = stats.get("graphs", {}).get(graph)
    if not isinstance(counts, dict):
        return
    subset = URIRef(f"{ds}/synthese")
    g.add((ds, VOID.subset, subset))
    g.add((subset, RDF.type, VOID.Dataset))
    g.add((subset, DCTERMS.title, Literal("Réponses précalculées (synthèse)", lang="fr")))
    g.add((subset, DCTERMS.title, Literal("Precomputed research answers", lang="en")))
    what = (
        "Faits par contrat calculés à la construction : thèmes abordés (thèmes plus "
        "étroits inclus) et par quels éléments, dispositifs mobilisés, comptes ; thèmes "
        "par génération et thèmes nouveaux. Ils ne comptent pas les graphes d'annotations."
    )
    g.add((subset, DCTERMS.description, Literal(what, lang="fr")))
    _sizes(g, subset, counts)
    g.add((subset, RDFS.seeAlso, URIRef(graph)))
    # its download: the graph alone, from the Graph Store (no dump file of its own)
    g.add(
        (subset, VOID.dataDump, URIRef(f"{site_url}rdf-graph-store?{urlencode({'graph': graph})}"))
    )


_SIZES = (
    (VOID.triples, "triples"),
    (VOID.entities, "entities"),
    (VOID.classes, "classes"),
    (VOID.properties, "properties"),
)


def _sizes(g: Graph, dataset: URIRef, counts: dict[str, Any]) -> None:
    for predicate, key in _SIZES:
        if isinstance(counts.get(key), int):
            g.add((dataset, predicate, Literal(counts[key])))


def _version_and_dates(g: Graph, ds: URIRef, build_dir: Path) -> None:
    info = build_info(build_dir)
    version = str(info.get("version", __version__))
    g.add((ds, DCAT_VERSION, Literal(version)))
    g.add((ds, OWL_VERSION, Literal(version)))
    if info.get("fingerprint"):
        note = f"Version {version}, empreinte des sources {info['fingerprint']}."
        g.add((ds, ADMS.versionNotes, Literal(note, lang="fr")))
    when = modified(build_dir)
    if when is not None:
        g.add((ds, DCTERMS.modified, Literal(when.isoformat(), datatype=XSD.dateTime)))


async def _subsets(
    g: Graph, ds: URIRef, stats: dict[str, Any], sparql: Sparql, iris: Iris, site_url: str
) -> None:
    """One ``void:subset`` per contract graph: its sizes, root resource and dumps."""
    prefix = f"{iris.base}graph/contrat/"
    graphs = {
        name[len(prefix) :]: counts
        for name, counts in sorted(stats.get("graphs", {}).items())
        if name.startswith(prefix) and isinstance(counts, dict)
    }
    names = await labels(sparql, [str(iris.contrat(c)) for c in graphs], iris.base)
    for cid, counts in graphs.items():
        subset = URIRef(f"{ds}/contrat/{cid}")
        contrat = iris.contrat(cid)
        name = names.get(str(contrat))
        title = name.value if name is not None and name.value != cid else f"Contrat {cid}"
        g.add((ds, VOID.subset, subset))
        g.add((ds, VOID.exampleResource, contrat))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, DCTERMS.title, Literal(title, lang="fr")))
        _sizes(g, subset, counts)
        g.add((subset, VOID.rootResource, contrat))
        g.add((subset, RDFS.seeAlso, URIRef(prefix + cid)))
        for ext in ("ttl", "jsonld"):
            g.add((subset, VOID.dataDump, URIRef(f"{site_url}dumps/contrats/{cid}.{ext}")))


def _distribution(g: Graph, ds: URIRef, dump: Dump, settings: Settings, site_url: str) -> None:
    dist = URIRef(f"{ds}/distribution/{dump.key}")
    url = URIRef(f"{site_url}dumps/{dump.name}")
    g.add((ds, DCAT.distribution, dist))
    g.add((ds, VOID.dataDump, url))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(dump.title, lang="fr")))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.mediaType, URIRef(IANA + dump.media_type)))
    g.add((dist, DCTERMS.format, FILE_TYPE[dump.eu_file_type]))
    g.add((dist, DCTERMS.license, LICENCE))
    path = dump_file(settings.build_dir, dump)
    if path is not None:
        g.add((dist, DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)))
    when = modified(settings.build_dir)
    if when is not None:
        g.add((dist, DCTERMS.modified, Literal(when.isoformat(), datatype=XSD.dateTime)))
    if dump.key == "jsonld":
        g.add((dist, DCTERMS.conformsTo, URIRef(f"{site_url}dumps/context.jsonld")))


def _service_distribution(g: Graph, ds: URIRef, service: URIRef, endpoint: URIRef) -> None:
    dist = URIRef(f"{ds}/distribution/sparql")
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal("Interrogation SPARQL en ligne", lang="fr")))
    g.add((dist, DCAT.accessURL, endpoint))
    g.add((dist, DCAT.accessService, service))
    g.add((dist, DCTERMS.license, LICENCE))
    g.add((dist, DCAT.mediaType, URIRef(IANA + "application/sparql-results+json")))

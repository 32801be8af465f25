"""The dataset: its VoID/DCAT description and its dumps.

``/.well-known/void`` is where VoID crawlers look (VoID §7.2); ``/dataset`` is
the same description for people and portals (the dataset's IRI is
``{base}dataset``, answered at ``/id/dataset``). ``/dumps/…`` serves the build's
files and the JSON-LD context.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from rdflib.namespace import RDFS, VOID

from app.queries import load
from app.server import errors
from app.web import downloads
from app.web.conneg import HTML
from app.web.context import context_document
from app.web.dataset import build_info, modified
from app.web.responses import alternates, negotiate, respond
from app.web.site import get_site, site_url
from app.web.templating import STATIC, render

router = APIRouter(tags=["jeu de données"])
GET_HEAD = ["GET", "HEAD"]
_STATIC_FILES = {"site.css": "text/css; charset=utf-8"}


@router.api_route("/.well-known/void", methods=GET_HEAD, name="web_void")
async def void(request: Request) -> Response:
    """The whole VoID + DCAT description (Turtle unless asked otherwise)."""
    return await _description(request, "/.well-known/void")


@router.api_route("/dataset", methods=GET_HEAD, name="web_dataset")
async def dataset(request: Request) -> Response:
    """The dataset's landing page (HTML for a browser, the description otherwise)."""
    return await _description(request, "/dataset")


async def _description(request: Request, path: str) -> Response:
    from app.web.routers.resources import _graph_bytes

    site = get_site(request)
    fmt, negotiated = negotiate(request)
    if fmt is HTML:
        return await dataset_page(request, negotiated, path)
    nt = (await site.dataset(request)).ntriples
    body = await run_in_threadpool(_graph_bytes, site, nt, fmt)
    return respond(body, fmt, path, negotiated)


async def dataset_page(request: Request, negotiated: bool, path: str) -> Response:
    """The landing page: what the dataset is, its size, its licence, what to download."""
    site = get_site(request)
    sparql = await site.sparql(request)
    description = await site.dataset(request)  # computed once per build
    totals, sizes = _sizes(description.store, site.base)
    contracts = await sparql.select(load("contrats").for_data(site.base))
    info = build_info(site.settings.build_dir)
    when = modified(site.settings.build_dir)
    root = site_url(request)
    files = []
    for dump in downloads.DUMPS:
        path_ = downloads.dump_file(site.settings.build_dir, dump)
        files.append(
            {
                "dump": dump,
                "href": f"/dumps/{dump.name}",
                "size": path_.stat().st_size if path_ else None,
            }
        )
    html = render(
        "dataset.html",
        iri=f"{site.base}dataset",
        base=site.base,
        files=files,
        contracts=contracts,
        sizes=sizes,
        totals=totals,
        version=info.get("version", ""),
        fingerprint=info.get("fingerprint", ""),
        modified=when.strftime("%d/%m/%Y %H:%M UTC") if when else "",
        endpoint=site.settings.public_endpoint or f"{root}sparql",
        alternates=alternates(path),
        void_alternates=alternates("/.well-known/void"),
    )
    return respond(html, HTML, path, negotiated)


_TOTALS = (
    (str(VOID.triples), "triplets"),
    (str(VOID.entities), "entités"),
    (str(VOID.classes), "classes"),
    (str(VOID.properties), "propriétés"),
)


def _sizes(description: ox.Store, base: str) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """The dataset's sizes as (count, unit), and each contract graph's triples, from its VoID."""

    def value(subject: Any, predicate: str) -> Any:
        quads = description.quads_for_pattern(subject, ox.NamedNode(predicate), None)
        return next((q.object for q in quads), None)

    ds = ox.NamedNode(f"{base}dataset")
    totals = [
        (int(n.value), unit)
        for predicate, unit in _TOTALS
        if isinstance(n := value(ds, predicate), ox.Literal)
    ]
    sizes = {}
    for quad in description.quads_for_pattern(ds, ox.NamedNode(str(VOID.subset)), None):
        graph = value(quad.object, str(RDFS.seeAlso))
        triples = value(quad.object, str(VOID.triples))
        if graph is not None and isinstance(triples, ox.Literal):
            sizes[graph.value] = int(triples.value)
    return totals, sizes


@router.get("/dumps/", name="web_dumps", include_in_schema=False)
async def dumps_index() -> Response:
    return RedirectResponse("/dataset#telechargements", status_code=303)


@router.api_route("/dumps/context.jsonld", methods=GET_HEAD, name="web_context")
async def jsonld_context(request: Request) -> Response:
    """The published JSON-LD context of the dumps and of every resource's JSON-LD."""
    site = get_site(request)
    body = context_document(site.context())  # the bytes of the build's context.jsonld
    return Response(
        body, media_type="application/ld+json", headers={"Access-Control-Allow-Origin": "*"}
    )


@router.api_route("/dumps/contrats/{name}", methods=GET_HEAD, name="web_contract_dump")
async def contract_dump(request: Request, name: str) -> Response:
    """One contract's graph as built (``{id}.ttl`` or ``{id}.jsonld``)."""
    site = get_site(request)
    path = downloads.contract_file(site.settings.build_dir, name)
    if path is None:
        raise errors.not_found(f"Aucun fichier de contrat « {name} ».")
    return FileResponse(path, media_type=downloads.CONTRACT_MEDIA[path.suffix.lstrip(".")])


@router.api_route("/dumps/{name}", methods=GET_HEAD, name="web_dump")
async def dump(request: Request, name: str) -> Response:
    """A whole-dataset dump: N-Quads and TriG as built, Turtle and JSON-LD derived."""
    site = get_site(request)
    spec = downloads.BY_NAME.get(name)
    if spec is None:
        raise errors.not_found(
            f"Aucun fichier « {name} » ; disponibles : "
            + ", ".join([d.name for d in downloads.DUMPS] + [downloads.CONTEXT_NAME])
        )
    build_dir = site.settings.build_dir
    path = downloads.dump_file(build_dir, spec)
    if path is not None:
        return FileResponse(path, media_type=spec.media_type)
    cache_dir = site.settings.cache_dir
    try:
        derived = await run_in_threadpool(
            downloads.derived_dump, build_dir, cache_dir, spec, site.prefixes()
        )
    except OSError as exc:
        errors.log.error("dump %s: %s", name, exc)
        raise errors.HTTPProblem(
            507,
            f"Le fichier {name} n'a pas pu être écrit dans {cache_dir}/dumps "
            f"({exc.strerror or exc}) : "
            "CVKG_CACHE_DIR doit désigner un dossier où le serveur écrit, avec de la place "
            "(le dump Turtle ou JSON-LD y est dérivé du N-Quads une fois par construction). "
            "Les dumps N-Quads et TriG restent disponibles.",
        ) from None
    if derived is None:
        raise errors.not_found("Aucune construction servie : lancez « cvkg build ».")
    if spec.key == "turtle":
        return FileResponse(derived, media_type=spec.media_type + "; charset=utf-8")
    head = downloads.jsonld_head(f"{site_url(request)}dumps/{downloads.CONTEXT_NAME}")
    size = len(head) + derived.stat().st_size + len(downloads.JSONLD_TAIL)
    return StreamingResponse(
        _jsonld_body(head, derived),
        media_type=spec.media_type,
        headers={"Content-Length": str(size)},
    )


def _jsonld_body(head: bytes, derived: Path) -> Iterator[bytes]:
    yield head
    with derived.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk
    yield downloads.JSONLD_TAIL


@router.api_route(
    "/web/static/{name}", methods=GET_HEAD, name="web_static", include_in_schema=False
)
async def static(name: str) -> Response:
    """The site's stylesheet (no CDN, no JavaScript)."""
    if name not in _STATIC_FILES:
        raise errors.not_found(f"Fichier statique inconnu : {name}")
    return FileResponse(
        Path(STATIC) / name,
        media_type=_STATIC_FILES[name],
        headers={"Cache-Control": "public, max-age=3600"},
    )

"""SPARQL 1.1 Graph Store HTTP Protocol at /rdf-graph-store.

https://www.w3.org/TR/sparql11-http-rdf-update/ — reads (GET, HEAD) are
public; writes (PUT replaces, POST merges, DELETE drops) need the admin token,
are refused on the curated graphs (``annotation_graphs.refusal``) and go through the
one write path of ``app.server.writes`` (one transaction, checked, recorded).
Graphs are named indirectly (``?graph=IRI``, ``?default``) or directly (the
request URL under /rdf-graph-store/ is the graph IRI); a POST without a graph
creates one and answers 201 with its IRI in ``Location``.

``?default`` is the store's own default graph, which the built data leave
empty (every contract has its named graph); SPARQL's default graph, the union
of all graphs, is for queries.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import PurePosixPath
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from pyoxigraph import NamedNode, RdfFormat
from starlette.datastructures import UploadFile

from app.server import errors, ipc, limits, negotiation, protocol_request
from app.server.annotation_graphs import refusal
from app.server.deps import AdminDep, Runtime, RuntimeDep, apply_write, dispatch, read_body
from app.server.negotiation import GRAPH

router = APIRouter(prefix="/rdf-graph-store", tags=["graph store"])

_NEW = "new"
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')  # RFC 3987: never in an IRI
_ACCEPTED = ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"]


def _target(request: Request, path: str | None) -> str | None:
    """The graph IRI, ``None`` for the default graph, ``_NEW`` when none is named."""
    params = request.query_params
    if path is not None:
        if "graph" in params or "default" in params:
            raise errors.bad_request("Graphe désigné à la fois par l'URL et par ?graph/?default.")
        return _checked(str(request.url).split("?", 1)[0])
    graphs = params.getlist("graph")
    if len(graphs) + ("default" in params) > 1:
        raise errors.bad_request("Désignez un seul graphe : ?graph=IRI ou ?default.")
    if "default" in params:
        return None
    if not graphs:
        return _NEW
    return _checked(graphs[0])


def _checked(iri: str) -> str:
    """400 for a graph name that is no IRI (NUL, spaces, ``<>``… included)."""
    try:
        if _NOT_IN_IRI.search(iri):
            raise ValueError
        NamedNode(iri)
    except ValueError:
        raise errors.bad_request(f"IRI de graphe invalide : {iri!r}") from None
    return iri


async def _read(request: Request, runtime: Runtime, path: str | None) -> Response:
    graph = _target(request, path)
    if graph == _NEW:
        raise errors.bad_request("Paramètre ?graph=IRI ou ?default requis.")
    offer = negotiation.choose(request.headers.get("accept"), GRAPH)
    if offer is None:
        raise errors.not_acceptable([o.media_type for o in GRAPH])
    media_type = str(getattr(RdfFormat, offer.format).media_type)
    job = ipc.GraphReadJob(graph, media_type, head=request.method == "HEAD")
    _, body = await dispatch(request, runtime, job)
    media = negotiation.content_type(offer)
    if request.method == "HEAD":
        return Response(status_code=200, headers={"Content-Type": media, "Vary": "Accept"})
    return Response(body, media_type=media, headers={"Vary": "Accept"})


def _format_of(content_type: str | None, filename: str | None = None) -> RdfFormat:
    fmt = None
    if content_type:
        fmt = RdfFormat.from_media_type(content_type.split(";")[0].strip())
    if fmt is None and filename:
        fmt = RdfFormat.from_extension(PurePosixPath(filename).suffix.lstrip("."))
    if fmt is None:
        raise errors.unsupported_media_type(content_type, _ACCEPTED + ["multipart/form-data"])
    return fmt


def _check(fmt: RdfFormat, data: bytes) -> None:
    """The refusals of a document its parser would not survive (``limits``)."""
    if fmt == RdfFormat.RDF_XML:
        limits.check_rdf_xml(data)
    elif fmt == RdfFormat.JSON_LD:
        limits.check_json_ld(data)


# A UTF-8 byte-order mark (Windows editors): the Turtle parser read it as the first
# subject (« \ufeff is not a valid subject »), the N-Triples one likewise.
_BOM = b"\xef\xbb\xbf"


async def _parts(request: Request, body: bytes) -> list[tuple[RdfFormat, bytes]]:
    """The RDF documents of the request: the body, or each file of a multipart form."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        fmt = _format_of(content_type or None)
        if fmt != RdfFormat.RDF_XML:  # XML says its own encoding
            # It was ignored: a Latin-1 body failed on « Invalid UTF-8 » at its first accent
            protocol_request.require_utf8(protocol_request.content_type(request)[1])
        body = body.removeprefix(_BOM)
        _check(fmt, body)
        return [(fmt, body)]

    async def replay() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    form = await Request(request.scope, replay).form()
    parts = []
    for _, value in form.multi_items():
        if isinstance(value, UploadFile):
            fmt = _format_of(value.content_type, value.filename)
            parts.append((fmt, (await value.read()).removeprefix(_BOM)))
    for fmt, data in parts:
        _check(fmt, data)
    await form.close()
    if not parts:
        raise errors.bad_request("Formulaire multipart sans fichier RDF.")
    return parts


def as_update(
    method: str,
    graph: str | None,
    parts: list[tuple[RdfFormat, bytes]],
    base_iri: str,
    max_triples: int | None = None,
) -> str | None:
    """The Graph Store operation as one SPARQL update, so the store applies it in one
    transaction: PUT = clear + insert, POST = insert, DELETE = drop; ``None`` when the
    body alone holds more than ``max_triples`` (read here, before the write's lock: a
    300 kB body nesting 150,000 collections held every query for 24 s before its 413)."""
    target = "DEFAULT" if graph is None else f"GRAPH <{graph}>"
    ops = []
    if method in ("PUT", "DELETE"):
        ops.append(f"{'CLEAR' if graph is None else 'DROP'} SILENT {target}")
    if method in ("PUT", "POST") and graph is not None:
        ops.append(f"CREATE SILENT {target}")
    triples: list[ox.Triple] = []
    try:
        for fmt, data in parts:
            for q in ox.parse(data, format=fmt, base_iri=base_iri, without_named_graphs=True):
                triples.append(ox.Triple(q.subject, q.predicate, q.object))
                if max_triples is not None and len(triples) > max_triples:
                    return None
    except (SyntaxError, ValueError) as exc:
        raise errors.bad_request(f"RDF invalide : {exc}") from None
    if triples:
        text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        inner = text if graph is None else f"GRAPH <{graph}> {{\n{text}}}"
        ops.append(f"INSERT DATA {{\n{inner}}}")
    return " ;\n".join(ops)


async def _write(request: Request, runtime: Runtime, admin: bool, path: str | None) -> Response:
    if not admin:
        raise errors.forbidden()
    graph = _target(request, path)
    method = request.method
    created = graph == _NEW
    if created:
        if method != "POST":
            raise errors.bad_request("Paramètre ?graph=IRI ou ?default requis.")
        graph = f"{request.base_url}rdf-graph-store/{uuid.uuid4().hex}"
    curated = refusal(graph, runtime.settings.base_iri)
    if curated is not None:
        raise errors.forbidden(curated)
    parts: list[tuple[RdfFormat, bytes]] = []
    if method != "DELETE":
        body = await read_body(request, runtime.settings.max_body_bytes)
        parts = await _parts(request, body)
    base_iri = graph or f"{request.base_url}rdf-graph-store"
    limit = runtime.settings.max_write_triples
    update = await asyncio.to_thread(as_update, method, graph, parts, base_iri, limit)
    if update is None:
        raise errors.HTTPProblem(413, runtime.writer.checks.triples_refusal())
    outcome = await apply_write(runtime, update, {graph}, None)
    existed = outcome.existed.get(graph, True)
    if method == "DELETE" and not existed:
        raise errors.not_found(f"Graphe inconnu : <{graph}>")
    headers = {"Location": graph} if created and graph else {}
    return Response(status_code=204 if existed else 201, headers=headers)


@router.api_route("", methods=["GET", "HEAD"])
async def read_indirect(request: Request, runtime: RuntimeDep) -> Response:
    """GET/HEAD ?graph=IRI or ?default."""
    return await _read(request, runtime, None)


@router.api_route("/{path:path}", methods=["GET", "HEAD"])
async def read_direct(request: Request, runtime: RuntimeDep, path: str) -> Response:
    """GET/HEAD of the graph whose IRI is this URL."""
    return await _read(request, runtime, path)


@router.api_route("", methods=["PUT", "POST", "DELETE"])
async def write_indirect(request: Request, runtime: RuntimeDep, admin: AdminDep) -> Response:
    """PUT/POST/DELETE ?graph=IRI or ?default (admin); POST alone creates a graph."""
    return await _write(request, runtime, admin, None)


@router.api_route("/{path:path}", methods=["PUT", "POST", "DELETE"])
async def write_direct(
    request: Request, runtime: RuntimeDep, admin: AdminDep, path: str
) -> Response:
    """PUT/POST/DELETE of the graph whose IRI is this URL (admin)."""
    return await _write(request, runtime, admin, path)

"""The SPARQL 1.1 Protocol at /sparql: queries for everyone, updates for admins.

https://www.w3.org/TR/sparql11-protocol/ — §2.1 query operation (GET, POST
form, POST direct), §2.2 update operation (POST only), §2.1.4/§2.2.3 dataset
parameters. GET without a query answers with the service description, or the
query editor for a browser.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from pyoxigraph import QueryResultsFormat, RdfFormat

from app.server import analysis, errors, ipc, limits, negotiation, service_description
from app.server.deps import (
    AdminDep,
    Runtime,
    RuntimeDep,
    admit_without_worker,
    apply_write,
    dispatch,
    read_body,
    read_update_first,
)
from app.server.negotiation import BOOLEAN, GRAPH, HTML, RESULTS, Offer
from app.server.protocol_request import Params, content_type, iris, utf8, values
from app.server.result_cache import Cached, RequestKey, cacheable
from app.server.targets import write_targets

router = APIRouter(tags=["sparql"])

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
SD_OFFERS = (*GRAPH, HTML)
_FORM_KIND = {"select": "results", "ask": "boolean", "construct": "graph", "describe": "graph"}
_KIND_OFFERS = {"results": RESULTS, "boolean": BOOLEAN, "graph": GRAPH}

_ENDPOINTS: dict[tuple[Any, ...], str] = {}  # request's origin → endpoint URL
_ENDPOINTS_KEPT = 256  # the Host header is the client's: a bounded memo


def endpoint_url(request: Request, runtime: Runtime) -> str:
    """The endpoint's own IRI: base for relative IRIs and ``sd:endpoint``.

    Starlette's ``base_url`` builds URL objects on every call (≈ 3 % of the
    server's time on a small query); it only depends on the scheme, the server
    address, the ``Host`` header and the root path, so it is kept per those.
    """
    if runtime.settings.public_endpoint:
        return runtime.settings.public_endpoint
    scope = request.scope
    root = scope.get("app_root_path", scope.get("root_path", ""))
    server = tuple(scope.get("server") or ())
    key = (scope.get("scheme"), server, request.headers.get("host"), root)
    url = _ENDPOINTS.get(key)
    if url is None:
        if len(_ENDPOINTS) >= _ENDPOINTS_KEPT:
            _ENDPOINTS.clear()
        url = _ENDPOINTS[key] = f"{request.base_url}sparql"
    return url


@router.get("/sparql", name="sparql_get")
async def sparql_get(request: Request, runtime: RuntimeDep, admin: AdminDep) -> Response:
    """Query by GET (``?query=…``); without a query, the service description."""
    return await _operation(request, runtime, admin, get_params(request), "GET")


def get_params(request: Request) -> Params:
    """A GET's parameters (400 for a URL that is not UTF-8)."""
    return limits.query_string(request.scope["query_string"])


@router.post("/sparql")
async def sparql_post(request: Request, runtime: RuntimeDep, admin: AdminDep) -> Response:
    """Query or update by POST, form-encoded or direct."""
    media, charset = post_media_type(request)
    body = await read_body(request, runtime.settings.max_body_bytes)
    params = post_params(request, media, charset, body)
    return await _operation(request, runtime, admin, params, "POST")


def post_media_type(request: Request) -> tuple[str | None, str | None]:
    """The POST body's media type and charset; 415 unless form, query or update."""
    media, charset = content_type(request)
    if media not in (FORM, QUERY, UPDATE):
        raise errors.unsupported_media_type(media, [FORM, QUERY, UPDATE])
    return media, charset


def post_params(request: Request, media: str | None, charset: str | None, body: bytes) -> Params:
    """The operation's parameters: the URL's, then the form's or the direct body."""
    params: Params = limits.query_string(request.scope["query_string"])
    if media == FORM:
        try:
            text = body.decode("utf-8")
            params += parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise errors.bad_request("Formulaire invalide : UTF-8 encodé attendu.") from None
    else:
        params.append(("query" if media == QUERY else "update", utf8(body, charset)))
    return params


def the_query(params: Params) -> str | None:
    """The query text when the parameters ask exactly one query and no update, else
    ``None`` (``_operation`` then decides: update, description or a 400)."""
    queries = values(params, "query")
    return queries[0] if len(queries) == 1 and not values(params, "update") else None


_ALLOWED = "GET, HEAD, POST, OPTIONS"


@router.options("/sparql", include_in_schema=False)
async def sparql_options() -> Response:
    """The methods, for a client that asks (a browser's CORS preflight is the CORS
    middleware's): it got a 405 saying « Allow: GET »."""
    return Response(status_code=204, headers={"Allow": _ALLOWED})


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql_other(request: Request) -> Response:
    raise errors.method_not_allowed(_ALLOWED)


async def _operation(
    request: Request, runtime: Runtime, admin: bool, params: Params, method: str
) -> Response:
    queries, updates = values(params, "query"), values(params, "update")
    if len(queries) + len(updates) > 1:
        raise errors.bad_request("Une seule requête (query ou update) par appel.")
    if updates:
        if method == "GET":
            raise errors.bad_request("Une mise à jour SPARQL se fait par POST, jamais par GET.")
        return await _update(request, runtime, admin, params, updates[0])
    if not queries:
        if method == "POST":
            raise errors.bad_request("Paramètre « query » ou « update » manquant.")
        return await _describe(request, runtime)
    return await answer_query(request, runtime, params, queries[0])


_FORMAT_PARAMS = ("format", "output", "results")


def _negotiate(request: Request, params: Params, offers: tuple[Offer, ...]) -> Offer | None:
    for name in _FORMAT_PARAMS:
        for value in values(params, name):
            offer = negotiation.forced(value, offers)
            if offer is not None:
                return offer
    return negotiation.choose(request.headers.get("accept"), offers)


def _check_format_params(params: Params) -> None:
    """400 for a ``format``/``output``/``results`` value no result form knows (as on /id/)."""
    for name in _FORMAT_PARAMS:
        for value in values(params, name):
            if value and all(negotiation.forced(value, o) is None for o in _KIND_OFFERS.values()):
                raise errors.bad_request(
                    f"{name}={value!r} : format inconnu. Exemples : json, xml, csv, tsv, "
                    "turtle, ntriples, jsonld, rdfxml, ou un type de média "
                    "(application/sparql-results+json, text/turtle…)."
                )


def _media_type(offer: Offer | None, graph: bool) -> str | None:
    """The canonical media type of an offer's format: what the worker resolves."""
    if offer is None:
        return None
    fmt = getattr(RdfFormat if graph else QueryResultsFormat, offer.format)
    return str(fmt.media_type)


async def answer_query(request: Request, runtime: Runtime, params: Params, query: str) -> Response:
    """A query's answer: checks, result cache, a worker (fair share), the response."""
    settings = runtime.settings
    limits.check_query(
        query, max_bytes=settings.max_query_bytes, max_depth=settings.max_query_depth
    )
    _check_format_params(params)
    if analysis.uses_service(query):
        raise errors.bad_request(
            "SERVICE (requête fédérée) refusé : ce point d'accès ne fait aucune requête sortante."
        )
    chosen = {kind: _negotiate(request, params, offers) for kind, offers in _KIND_OFFERS.items()}
    form = analysis.query_form(query)
    if form is not None and chosen[_FORM_KIND[form]] is None:
        raise errors.not_acceptable([o.media_type for o in _KIND_OFFERS[_FORM_KIND[form]]])
    defaults, named = iris(params, "default-graph-uri"), iris(params, "named-graph-uri")
    protocol_dataset = bool(defaults or named)
    job = ipc.QueryJob(
        query=query,
        max_rows=settings.max_rows,
        base_iri=endpoint_url(request, runtime),
        default_graphs=defaults if protocol_dataset else None,
        named_graphs=named if protocol_dataset else None,
        union=not protocol_dataset and not analysis.has_dataset_clause(query),
        results_format=_media_type(chosen["results"], graph=False),
        boolean_format=_media_type(chosen["boolean"], graph=False),
        graph_format=_media_type(chosen["graph"], graph=True),
    )
    results, version = runtime.results, runtime.version
    key = RequestKey.of(job, form) if results.enabled and cacheable(query) else None
    if key is not None and (hit := results.get(version, key)) is not None:
        admit_without_worker(request, runtime)
        request.state.rows = hit.rows
        return _answer(hit, chosen, settings.max_rows, "cache;desc=hit")
    try:
        reply, body = await dispatch(request, runtime, job)
    except errors.FormNotAcceptable as problem:
        offers = _KIND_OFFERS.get(problem.form, RESULTS)
        raise errors.not_acceptable([o.media_type for o in offers]) from None
    assert isinstance(reply, ipc.Answer)
    answer = Cached(body, reply.media_type, reply.form, reply.rows, reply.truncated, reply.query_ms)
    if key is not None and runtime.version == version:  # no write while it ran
        results.put(version, key, answer)
    return _answer(answer, chosen, settings.max_rows, f"query;dur={reply.query_ms or 0}")


def _answer(
    answer: Cached, chosen: dict[str, Offer | None], max_rows: int, timing: str
) -> Response:
    offer = chosen[answer.form]
    assert offer is not None
    headers = {"Vary": "Accept", "Server-Timing": timing}
    if answer.truncated:
        headers["CVKG-Truncated"] = f"max-rows={max_rows}"
    return Response(answer.body, headers=headers, media_type=negotiation.content_type(offer))


async def _update(
    request: Request, runtime: Runtime, admin: bool, params: Params, update: str
) -> Response:
    if not admin:
        raise errors.forbidden()
    settings = runtime.settings
    limits.check_query(
        update, max_bytes=settings.max_query_bytes, max_depth=settings.max_query_depth
    )
    if analysis.uses_load(update):
        raise errors.bad_request(
            "LOAD refusé : le serveur ne fait aucune requête sortante. Envoyez les données "
            "par le Graph Store Protocol (PUT/POST /rdf-graph-store?graph=…)."
        )
    if analysis.uses_service(update):
        raise errors.bad_request("SERVICE refusé : le serveur ne fait aucune requête sortante.")
    using, using_named = iris(params, "using-graph-uri"), iris(params, "using-named-graph-uri")
    if using or using_named:
        if analysis.has_with_or_using(update):
            raise errors.bad_request(
                "using-graph-uri/using-named-graph-uri et WITH/USING dans la même mise à jour."
            )
        update = analysis.add_using(update, using, using_named)
    base = endpoint_url(request, runtime)
    await read_update_first(runtime, update, base)
    await apply_write(runtime, update, write_targets(update, base), base)
    return Response(status_code=204)


async def _describe(request: Request, runtime: Runtime) -> Response:
    offer = negotiation.choose(request.headers.get("accept"), SD_OFFERS)
    if offer is None:
        raise errors.not_acceptable([o.media_type for o in SD_OFFERS])
    if offer is HTML:
        from app.server.routers.editor import editor_page

        return editor_page(request, runtime)
    # The graph list is cached per data version; the description itself names the
    # endpoint the client reached, so it is rendered per request (a few ms), never
    # cached under a client's Host header.
    graphs = runtime.cache.get(runtime.cache_key("graphs"))
    if graphs is None:
        reply, _ = await dispatch(request, runtime, ipc.NamedGraphsJob())
        assert isinstance(reply, ipc.GraphNames)
        graphs = runtime.cache.put(runtime.cache_key("graphs"), reply.graphs)
    settings = runtime.settings
    turtle = service_description.describe(
        endpoint_url(request, runtime),
        graphs,
        writable=runtime.writable,
        timeout=settings.query_timeout,
        max_rows=settings.max_rows,
    )
    body = service_description.render(turtle, offer, runtime.prefixes)
    return Response(body, media_type=negotiation.content_type(offer), headers={"Vary": "Accept"})

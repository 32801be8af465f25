"""SPARQL queries at ``/sparql`` answered without FastAPI's routing machinery.

Why: on the 2,000-contract store a small query's answer took ≈ 1.7 ms of the
server's CPU, most of it not in the query's own path but in FastAPI/Starlette
around it — matching the path against every route of the pages and the API,
solving the route's dependencies, its request/response wrappers and
exception middleware — paid on every request (measured with py-spy: about
half the server's busy time; docs/sparql-endpoint.md « Speed »). Oxigraph's
own server spends 0.4 ms in all on such a request.

How, without a second implementation to keep in step: this middleware sits
innermost in the application's own stack — inside the access log, the data
version/ETag (304), CORS and the error guard, which therefore apply to both
paths unchanged — and, for a GET or POST at ``/sparql`` that asks exactly one
query, calls the very functions the route calls (``routers.sparql``:
parameters, body limit, ``answer_query`` with its checks, result cache, fair
share and worker) and renders an error with the route's own handler
(``errors.problem_handler``). Everything else — updates, the service
description or editor (no query), other methods, other paths — goes on to
FastAPI untouched; a form body read to find out is handed on as it came.
tests/server/test_fast_sparql.py checks that both paths answer alike.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.server import errors
from app.server.deps import read_body
from app.server.protocol_request import content_type
from app.server.routers import sparql

PATH = "/sparql"


def replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the already read ``body`` first, then the connection's
    own messages (the disconnect that stops an abandoned query)."""
    given = False

    async def again() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


class SparqlFastPath:
    """Innermost middleware: ``/sparql`` queries straight to ``routers.sparql``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != PATH
            or scope["method"] not in ("GET", "POST")
            or scope.get("root_path")  # mounted elsewhere: let the router decide
        ):
            await self.app(scope, receive, send)
            return
        runtime = scope["app"].state.runtime
        request = Request(scope, receive)
        try:
            if scope["method"] == "GET":
                params = sparql.get_params(request)
                query = sparql.the_query(params)
                if query is None:  # the service description, the editor, a 400
                    await self.app(scope, receive, send)
                    return
            else:
                media, charset = content_type(request)
                if media not in (sparql.FORM, sparql.QUERY):  # updates, 415: the route's
                    await self.app(scope, receive, send)
                    return
                body = await read_body(request, runtime.settings.max_body_bytes)
                params = sparql.post_params(request, media, charset, body)
                query = sparql.the_query(params)
                if query is None:
                    await self.app(scope, replay(body, receive), send)
                    return
            response = await sparql.answer_query(request, runtime, params, query)
        except errors.HTTPProblem as problem:
            response = await errors.problem_handler(request, problem)
        await response(scope, receive, send)

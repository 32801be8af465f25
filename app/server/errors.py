"""One small helper per HTTP error status, as in Oxigraph's server.

Routes ``raise errors.bad_request("…")``; a single handler turns the exception
into a ``text/plain`` answer, so every error a client sees has the same shape
and a message a person can act on. Starlette's own 404/405 (no such route,
wrong method) get the same plain-text shape, except under ``/api`` whose
answers are JSON. ``ErrorGuard`` catches anything else: a 500 that keeps the
connection usable (no reset of a keep-alive connection), and a client that
went away is one line in the log, not a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("cvkg.server")


class HTTPProblem(Exception):
    """An error answer: status, message for the client, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def bad_request(message: str) -> HTTPProblem:
    """400: malformed query, or a request the SPARQL protocol forbids."""
    return HTTPProblem(400, message)


def forbidden(message: str = "") -> HTTPProblem:
    """403: a write on a read-only endpoint (no or wrong admin token)."""
    return HTTPProblem(
        403,
        message
        or "Point d'accès en lecture seule : les écritures demandent "
        "« Authorization: Bearer <jeton> » (CVKG_ADMIN_TOKEN).",
    )


def not_found(message: str) -> HTTPProblem:
    """404: no such graph, query file or page."""
    return HTTPProblem(404, message)


def method_not_allowed(allowed: str) -> HTTPProblem:
    """405: e.g. PUT on /sparql."""
    return HTTPProblem(405, f"Méthode non permise ; permises : {allowed}.", {"Allow": allowed})


def not_acceptable(offers: list[str]) -> HTTPProblem:
    """406: nothing in the Accept header can be produced; the message gives an example."""
    return HTTPProblem(
        406,
        "Aucun des formats demandés (en-tête Accept) n'est disponible pour cette réponse. "
        f"Formats possibles : {', '.join(offers)}. Exemple : « Accept: {offers[0]} ».",
    )


class FormNotAcceptable(HTTPProblem):
    """406 found by the worker: no acceptable format for this result ``form``
    ("results", "boolean", "graph"); the router names the formats it has."""

    def __init__(self, form: str) -> None:
        super().__init__(406, f"Aucun format acceptable pour ce résultat ({form}).")
        self.form = form


def payload_too_large(limit: int) -> HTTPProblem:
    """413: request body above CVKG_MAX_BODY_BYTES."""
    return HTTPProblem(
        413, f"Corps de requête trop gros : au plus {limit} octets (CVKG_MAX_BODY_BYTES)."
    )


def unsupported_media_type(content_type: str | None, expected: list[str]) -> HTTPProblem:
    """415: a body whose Content-Type the endpoint does not take."""
    given = content_type or "(aucun)"
    return HTTPProblem(
        415, f"Content-Type {given} non pris en charge ; attendu : {', '.join(expected)}."
    )


def service_unavailable(message: str, retry_after: int = 2) -> HTTPProblem:
    """503: too many queries at once; the client may retry after a pause."""
    return HTTPProblem(503, message, {"Retry-After": str(retry_after)})


def too_many_requests(message: str, retry_after: int) -> HTTPProblem:
    """429: the client used up its share (concurrent queries or query time)."""
    return HTTPProblem(429, message, {"Retry-After": str(retry_after)})


def query_out_of_memory(limit_bytes: int) -> HTTPProblem:
    """507: the query needed more memory than CVKG_QUERY_MEMORY; it was stopped.

    507 (Insufficient Storage): the server could not hold what the query needs;
    like a 504, retrying the same query fails the same way.
    """
    return HTTPProblem(
        507,
        f"Requête interrompue : elle a dépassé la limite de mémoire de "
        f"{limit_bytes / 2**20:.0f} Mio par requête (CVKG_QUERY_MEMORY). "
        "Ajoutez une LIMIT, évitez les produits cartésiens et les tris de tout le graphe.",
    )


def engine_answer_too_large(limit_bytes: int) -> HTTPProblem:
    """507: the external engine's answer is larger than this server will hold.

    Like the memory cap: the server could not hold it, and the same request fails
    the same way. Only what is read whole hits it (a Graph Store read, an answer
    under the row cap): the engine's answers are left at the row cap (``remote_store``).
    """
    return HTTPProblem(
        507,
        f"Réponse du moteur SPARQL externe trop grande : plus de {limit_bytes} octets "
        "(CVKG_REMOTE_MAX_BYTES). Demandez moins de triplets (LIMIT, un graphe plus petit).",
    )


class ClientGone(Exception):
    """The client closed its connection while its query ran; the query was stopped."""


def query_timeout(limit: float) -> HTTPProblem:
    """504: the query ran past CVKG_QUERY_TIMEOUT and was stopped.

    Not a 503: retrying the same query will fail the same way.
    """
    return HTTPProblem(
        504,
        f"Requête interrompue : elle a dépassé la limite de {limit:g} s "
        "(CVKG_QUERY_TIMEOUT). Simplifiez-la ou ajoutez une LIMIT.",
    )


def too_deep_to_read() -> HTTPProblem:
    """400: the parser overflowed its stack on the text (``workers.TooDeepToRead``)."""
    return bad_request(
        "Requête trop imbriquée pour être lue : une chaîne de milliers d'opérateurs "
        "(« ! », « + », « && »), de UNION ou d'étapes de chemin épuise la pile de "
        "l'analyseur. Découpez-la."
    )


def internal_error() -> HTTPProblem:
    """500: a bug or a store failure; logged with its traceback."""
    return HTTPProblem(500, "Erreur interne du serveur ; elle a été journalisée.")


async def problem_handler(request: Request, exc: Exception) -> Response:
    """Render an ``HTTPProblem`` as ``text/plain``."""
    assert isinstance(exc, HTTPProblem)
    if exc.status >= 500 and exc.status not in (503, 504, 507):
        log.error("%s %s → %s: %s", request.method, request.url.path, exc.status, exc.message)
    return PlainTextResponse(exc.message, status_code=exc.status, headers=exc.headers)


_STARLETTE_MESSAGES = {
    404: "Ressource introuvable : {path}",
    405: "Méthode {method} non permise sur {path}.",
}


async def starlette_handler(request: Request, exc: Exception) -> Response:
    """Starlette's 404 (no route) and 405 in the endpoint's plain-text shape; JSON under /api."""
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return await http_exception_handler(request, exc)
    template = _STARLETTE_MESSAGES.get(exc.status_code)
    message = (
        template.format(path=request.url.path, method=request.method)
        if template
        else str(exc.detail)
    )
    return PlainTextResponse(message, status_code=exc.status_code, headers=exc.headers)


_GONE = (ClientGone, ClientDisconnect, ConnectionResetError, BrokenPipeError)


class ErrorGuard:
    """Innermost middleware: what no handler caught becomes a clean answer.

    Starlette's own last-resort handler re-raises after answering, so the
    server resets the connection (a keep-alive client then loses its next
    request). Here an unexpected error is logged with its traceback and
    answered 500 on a connection that stays usable; a client that went away is
    logged in one line.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except _GONE as exc:
            reason = str(exc) or type(exc).__name__
            log.warning("%s %s: client disconnected (%s)", scope["method"], scope["path"], reason)
        except Exception as exc:
            log.error("%s %s: unexpected error", scope["method"], scope["path"], exc_info=exc)
            if started:
                raise  # half an answer: only closing the connection can say so
            response = PlainTextResponse(internal_error().message, status_code=500)
            await response(scope, receive, send_tracked)


def handlers() -> dict[Any, Any]:
    """The exception handlers to install on the application."""
    return {HTTPProblem: problem_handler, HTTPException: starlette_handler}

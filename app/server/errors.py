"""One small helper per HTTP error status, as in Oxigraph's server.

Routes ``raise errors.bad_request("…")``; a single handler turns the exception
into a ``text/plain`` answer, so every error a client sees has the same shape
and a message a person can act on.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

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


def query_timeout(limit: float) -> HTTPProblem:
    """504: the query ran past CVKG_QUERY_TIMEOUT and was stopped.

    Not a 503: retrying the same query will fail the same way.
    """
    return HTTPProblem(
        504,
        f"Requête interrompue : elle a dépassé la limite de {limit:g} s "
        "(CVKG_QUERY_TIMEOUT). Simplifiez-la ou ajoutez une LIMIT.",
    )


def internal_error() -> HTTPProblem:
    """500: a bug or a store failure; logged with its traceback."""
    return HTTPProblem(500, "Erreur interne du serveur ; elle a été journalisée.")


async def problem_handler(request: Request, exc: Exception) -> Response:
    """Render an ``HTTPProblem`` as ``text/plain``."""
    assert isinstance(exc, HTTPProblem)
    if exc.status >= 500 and exc.status != 503 and exc.status != 504:
        log.error("%s %s → %s: %s", request.method, request.url.path, exc.status, exc.message)
    return PlainTextResponse(exc.message, status_code=exc.status, headers=exc.headers)


async def unexpected_handler(request: Request, exc: Exception) -> Response:
    """Anything else is a 500, logged with its traceback — never a 400."""
    log.exception("%s %s: unexpected error", request.method, request.url.path, exc_info=exc)
    problem = internal_error()
    return PlainTextResponse(problem.message, status_code=500)

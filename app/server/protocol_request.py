"""What a SPARQL Protocol or Graph Store request says: its parameters, and its body's
media type and charset — read alike by ``/sparql`` and ``/rdf-graph-store``."""

from __future__ import annotations

from fastapi import Request
from pyoxigraph import NamedNode

from app.server import errors

Params = list[tuple[str, str]]


def values(params: Params, name: str) -> list[str]:
    """The parameter's values; a text saved with a byte-order mark (Windows editors)
    starts after it: the parser answered « error at 1:7: expected one of PREFIX »."""
    return [v.removeprefix("\ufeff") for k, v in params if k == name]


def iris(params: Params, name: str) -> list[str]:
    """The parameter's values, each an IRI (400 otherwise)."""
    found = values(params, name)
    for value in found:
        try:
            NamedNode(value)
        except ValueError:
            raise errors.bad_request(f"{name} : IRI invalide {value!r}") from None
    return found


def require_utf8(charset: str | None) -> None:
    """400 for a body said to be in another charset: SPARQL and the RDF syntaxes read
    here (Turtle, N-Triples, JSON-LD…) are UTF-8 by definition."""
    if charset and charset.lower().replace("-", "") != "utf8":
        raise errors.bad_request(f"Le corps doit être en UTF-8 (charset={charset} reçu).")


def utf8(body: bytes, charset: str | None) -> str:
    """The body as text (400 for another charset or bytes that are no UTF-8)."""
    require_utf8(charset)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.bad_request("Le corps de la requête n'est pas de l'UTF-8 valide.") from None


def content_type(request: Request) -> tuple[str | None, str | None]:
    """The body's media type (lower case) and charset, as the header says them."""
    raw = request.headers.get("content-type")
    if not raw:
        return None, None
    media, *parameters = raw.split(";")
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"')
    return media.strip().lower(), charset

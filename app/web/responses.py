"""How every linked-data answer is shaped: negotiation, headers, errors.

Choice documented in docs/linked-data.md: an IRI answers **200** with the
chosen representation and ``Content-Location`` naming that representation's
own URL (``…?format=turtle``), rather than a 303 redirect. One round trip,
``curl IRI`` works without ``-L``, and the IRI (the thing) stays distinct
from the document (the ``Content-Location``), which is what the W3C TAG's
httpRange-14 follow-up allows. Negotiated answers carry ``Vary: Accept``;
every answer lists its alternates in ``Link`` headers.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from app.server import errors
from app.web import conneg
from app.web.conneg import FORMATS, HTML, Format


def negotiate(request: Request) -> tuple[Format, bool]:
    """The format to send and whether it was negotiated (no ``?format=``)."""
    param = request.query_params.get("format")
    if param:
        try:
            return conneg.from_param(param), False
        except conneg.UnknownFormat as exc:
            raise errors.bad_request(str(exc)) from None
    fmt = conneg.choose(request.headers.get("accept"))
    if fmt is None:
        raise errors.not_acceptable([f.media_type for f in FORMATS])
    return fmt, True


def alternates(path: str) -> list[tuple[Format, str]]:
    """Each representation of the resource at ``path`` with its own URL."""
    return [(f, f"{path}?format={f.key}") for f in FORMATS]


def link_header(path: str) -> str:
    return ", ".join(
        f'<{href}>; rel="alternate"; type="{f.media_type}"' for f, href in alternates(path)
    )


def respond(
    body: bytes | str, fmt: Format, path: str, negotiated: bool, status: int = 200
) -> Response:
    """The answer with the headers every IRI gives."""
    headers = {"Link": link_header(path)}
    if negotiated:
        headers["Vary"] = "Accept"
        headers["Content-Location"] = f"{path}?format={fmt.key}"
    content = body.encode("utf-8") if isinstance(body, str) else body
    if fmt is HTML:
        return HTMLResponse(content, status_code=status, headers=headers)
    return Response(
        content, status_code=status, media_type=conneg.content_type(fmt), headers=headers
    )


def not_found(fmt: Format, iri: str, html: str | None) -> Response:
    """404 for an IRI we do not know: a page for a person, plain text otherwise."""
    if fmt is HTML and html is not None:
        return HTMLResponse(html, status_code=404, headers={"Vary": "Accept"})
    raise errors.not_found(f"Ressource inconnue : <{iri}>")


def problem_page(problem: errors.HTTPProblem, html: str) -> Response:
    """A 400 or 404 of a page's own parameters (``?page=``) shown as a page, for a
    person in a browser, as an unknown IRI is; its message is the plain-text one."""
    headers = {**problem.headers, "Vary": "Accept"}
    return HTMLResponse(html, status_code=problem.status, headers=headers)

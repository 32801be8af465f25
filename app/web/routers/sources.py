"""The project's source texts at ``/sources/{fichier}``: every line with its own anchor.

Every label of the graph says where it was read (``cdv:ligneSource``); this is
where a reader checks it: ``/sources/004_….txt#L128`` opens the text at line
128, highlighted. HTML for people, the file itself as ``text/plain`` (by
``Accept`` or ``?format=txt``). Only the files of ``CVKG_SOURCES_DIR`` are
served, by bare name (``app.sources.source_path``): nothing else on disk.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from app.server import errors
from app.server.negotiation import Offer, choose
from app.sources import read_manifest, source_path
from app.web.site import get_site
from app.web.templating import SOURCES_PREFIX, render

router = APIRouter(tags=["sources"])
HTML_TEXT = Offer("text/html", "html")
PLAIN_TEXT = Offer("text/plain", "txt")
OFFERS = (HTML_TEXT, PLAIN_TEXT)
FORMATS = {"html": HTML_TEXT, "txt": PLAIN_TEXT, "text": PLAIN_TEXT, "text/plain": PLAIN_TEXT}


def _offer(request: Request) -> Offer:
    forced = request.query_params.get("format")
    if forced is not None:
        offer = FORMATS.get(forced.strip().lower())
        if offer is None:
            raise errors.bad_request(f"format inconnu « {forced} » (html, txt)")
        return offer
    chosen = choose(request.headers.get("accept"), OFFERS)
    if chosen is None:
        raise errors.not_acceptable([o.media_type for o in OFFERS])
    return chosen


@router.api_route(SOURCES_PREFIX, methods=["GET", "HEAD"], name="web_sources")
async def source_index(request: Request) -> HTMLResponse:
    """Every source text of the project, with the SHA-256 recorded in its manifest."""
    folder = get_site(request).settings.sources_dir
    sums = read_manifest(folder)
    names = sorted(p.name for p in folder.glob("*") if source_path(folder, p.name))
    rows = [(name, sums.get(name)) for name in names]
    return HTMLResponse(render("source.html", fichier=None, lines=None, index=rows))


@router.api_route(SOURCES_PREFIX + "{fichier}", methods=["GET", "HEAD"], name="web_source")
async def source_text(request: Request, fichier: str) -> Response:
    """One source text, as a page with numbered, anchored lines or as the file itself."""
    offer = _offer(request)
    path = source_path(get_site(request).settings.sources_dir, fichier)
    if path is None:
        if offer is HTML_TEXT:
            page = render("source.html", fichier=fichier, lines=None)
            return HTMLResponse(page, status_code=404, headers={"Vary": "Accept"})
        raise errors.not_found(f"Source inconnue : {fichier}")
    data = await run_in_threadpool(path.read_bytes)
    plain = f'<{SOURCES_PREFIX}{fichier}?format=txt>; rel="alternate"; type="text/plain"'
    headers = {"Vary": "Accept", "Link": plain}
    if offer is PLAIN_TEXT:
        return Response(data, media_type="text/plain; charset=utf-8", headers=headers)
    lines = data.decode("utf-8", errors="replace").splitlines()
    return HTMLResponse(render("source.html", fichier=fichier, lines=lines), headers=headers)

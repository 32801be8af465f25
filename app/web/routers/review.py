"""``/admin/revue``: the review page of a draft (``cvkg review``) from the server, for admins.

Only with ``CVKG_ADMIN_TOKEN`` set (otherwise 404). The token comes in the
form's password field (POST body: never in a URL, so never in a log or a
history) or as ``Authorization: Bearer``. The draft is uploaded with the form,
or named: a bare file name of ``CVKG_DRAFTS_DIR`` (where ``cvkg import
--outdir`` writes), nothing else on disk. The page is the one of ``cvkg
review`` (``app.review.page``), source texts from ``CVKG_SOURCES_DIR``.
"""

from __future__ import annotations

import hmac
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from app.config import Settings
from app.review.coverage import DraftError
from app.review.page import draft_review, review_html
from app.sources import is_source_name
from app.web.site import get_site
from app.web.templating import render

router = APIRouter(tags=["relecture"])
PATH = "/admin/revue"
NO_STORE = {"Cache-Control": "no-store"}
DRAFTS = "le dossier des brouillons"
DISABLED = "La relecture en ligne est désactivée (CVKG_ADMIN_TOKEN non défini)."


def _page(status: int, message: str | None = None) -> HTMLResponse:
    html = render("review_form.html", message=message, path=PATH)
    return HTMLResponse(html, status_code=status, headers=NO_STORE)


def _authorised(settings: Settings, request: Request, given: str) -> bool:
    token = settings.admin_token
    scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        given = bearer.strip()
    return bool(token) and hmac.compare_digest(given.encode(), (token or "").encode())


def _named_draft(settings: Settings, nom: str) -> Path | None:
    if not (is_source_name(nom) and nom.endswith((".yaml", ".yml"))):
        return None
    path = settings.drafts_dir / nom
    if not path.is_file() or path.resolve().parent != settings.drafts_dir.resolve():
        return None
    return path


@router.get(PATH, include_in_schema=False)
async def review_form(request: Request) -> HTMLResponse:
    """The form: token, and a draft to upload or to name."""
    if not get_site(request).settings.admin_token:
        return _page(404, DISABLED)
    return _page(200)


@router.post(PATH, include_in_schema=False)
async def review_page(request: Request) -> HTMLResponse:
    """The review of the uploaded or named draft."""
    settings = get_site(request).settings
    if not settings.admin_token:
        return _page(404, DISABLED)
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > settings.max_body_bytes:
        limit = settings.max_body_bytes
        return _page(413, f"Brouillon trop gros ou taille non déclarée (≤ {limit} octets).")
    form = await request.form(max_files=1, max_fields=4)
    token, nom, upload = form.get("token"), form.get("nom"), form.get("brouillon")
    if not _authorised(settings, request, token if isinstance(token, str) else ""):
        return _page(403, "Jeton d'administration manquant ou invalide.")
    with tempfile.TemporaryDirectory(prefix="cvkg-revue-") as tmp:
        if isinstance(upload, UploadFile) and upload.filename:
            name = Path(upload.filename).name
            draft = Path(tmp) / (name if is_source_name(name) else "brouillon.yaml")
            draft.write_bytes(await upload.read())
        elif isinstance(nom, str) and nom.strip():
            found = _named_draft(settings, nom.strip())
            if found is None:
                return _page(404, f"Aucun brouillon « {nom.strip()} » dans {DRAFTS}.")
            draft = found
        else:
            return _page(400, "Joindre un brouillon ou en donner le nom.")
        try:
            review = await run_in_threadpool(draft_review, draft, settings)
        except DraftError as exc:
            return _page(422, str(exc).replace(tmp + "/", ""))
    review.problems = [p.replace(tmp + "/", "") for p in review.problems or []]
    return HTMLResponse(review_html(review), headers=NO_STORE)

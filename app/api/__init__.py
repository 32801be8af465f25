"""The comparative API (``/api/…``): themes, contracts, comparison, matrix,
generations, dispositifs and search, in JSON or CSV.

``router`` is everything under ``/api``, ready for ``app.include_router``; it
documents itself at ``/api/openapi.json`` (the host application keeps its own
OpenAPI off; no Swagger page, which would load its scripts from a CDN). Each
answer comes from a SPARQL file of ``app/queries`` that it names (``"query"``),
so a researcher can rerun it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from app.api import (
    catalog,
    compare,
    contrats,
    dispositifs,
    generations,
    heatmap,
    matrix,
    search,
    themes,
)
from app.api.deps import data_for
from app.server import errors

log = logging.getLogger("cvkg.api")

AREAS = (themes, contrats, compare, matrix, generations, dispositifs, search)
DESCRIPTION = """API comparative des contrats de ville.

* Réponses en JSON par défaut ; en CSV avec `Accept: text/csv` ou `?format=csv`.
* Chaque réponse JSON nomme la requête SPARQL qui la produit (`query`, servie
  sous `/queries/{nom}.rq`) et ses paramètres (`parameters`) ; l'en-tête `Link`
  (`rel="describedby"`) la donne aussi en CSV.
* Identifiant inconnu : 404 avec un message ; paramètre invalide : 422 disant
  lequel (`detail[].loc`) et pourquoi (`detail[].msg`).
* Les réponses sont gardées en cache par version des données (`X-Data-Version`).
"""


RETRY_SECONDS = (1.0, 2.0, 4.0, 8.0, 10.0)  # then every 10 s
FOLLOW_SECONDS = 1.0  # how often the warm-up looks for a new data version


def warm_up(app: FastAPI) -> None:
    """Prepare the API, then prepare it again for each data version served after.

    A new version (an admin write, or another replica's write over an external
    engine) empties the API's caches: the first search after it took 5 s at
    825 contracts, a broad theme 1 s. Each is prepared in the background as
    soon as it is served (``/healthz``: ``api_version``).
    """
    failed = None if _prepared(app) else _served(app)
    while (served := _served(app)) is not None:  # None: fixed data, no server runtime
        if served not in (getattr(app.state, "api_version", None), failed):
            failed = None if _prepared(app) else served  # a bug: logged once per version
        time.sleep(FOLLOW_SECONDS)


def _served(app: FastAPI) -> str | None:
    return getattr(getattr(app.state, "runtime", None), "version", None)


def _prepared(app: FastAPI) -> bool:
    """Prepare the API, again and again while the queries are unavailable (503).

    An external engine started at the same time as its replicas (one
    ``docker compose up``) is not listening yet when they start: the
    preparation failed once and the API stayed unprepared for good, its first
    calls paying for it (the search at 825 contracts: 7.8 s). Any other
    failure is a bug: logged once, not retried.
    """
    for attempt in itertools.count():
        try:
            _prepare(app)
            return True
        except errors.HTTPProblem as problem:
            if problem.status != 503:
                log.exception("préparation de l'API comparative")
                return False
            wait = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
            log.warning("préparation de l'API comparative reportée de %g s : %s", wait, problem)
            time.sleep(wait)
        except Exception:  # a warm-up failure must not stop the server; requests will retry
            log.exception("préparation de l'API comparative")
            return False
    return False


def _prepare(app: FastAPI) -> None:
    """Build what every first call would otherwise wait for (catalogues, search index,
    matrix, the contracts of each dispositif, the generations compared, the
    whole matrix's heatmaps).

    When it is done ``app.state.api_ready`` is true, and ``/healthz`` says so
    (``"api_ready"``): from then on a first call only pays for its own answer.
    """
    runtime = getattr(app.state, "runtime", None)
    not_ready = getattr(getattr(runtime, "pool", None), "engine_error", None)
    if not_ready:  # an external engine down, or holding another or a half-sent build
        raise errors.service_unavailable(not_ready)
    painter: heatmap.Painter | None = None
    try:
        data = data_for(app.state)
        catalog.contrats(data), catalog.themes(data), catalog.dispositifs(data)
        search.index(data)
        # Started after the search index (whose writer is the memory peak of a
        # first start), it loads matplotlib while the matrix is read.
        painter = heatmap.Painter()
        matrix.matrix(data, None)
        with ThreadPoolExecutor(1, thread_name_prefix="cvkg-api-heatmaps") as aside:
            drawn = aside.submit(matrix.heatmaps, data, painter)  # the child draws meanwhile
            dispositifs.mobilisations(data)
            generations.rows(data)
            drawn.result()
        app.state.api_ready = True
        app.state.api_version = data.version
    finally:
        if painter is not None:
            painter.close()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start-up, prepare the API in the background: the server answers meanwhile.

    The API's synchronous routes hand their queries to this loop, which owns
    the worker pool (``app.api.deps.on_workers``); the application's own
    lifespan has started the pool before this one runs.
    """
    app.state.api_loop = asyncio.get_running_loop()
    app.state.api_ready = False
    threading.Thread(target=warm_up, args=(app,), name="cvkg-api-warm-up", daemon=True).start()
    yield


router = APIRouter(prefix="/api", lifespan=lifespan)
for area in AREAS:
    router.include_router(area.router)

_docs = APIRouter(include_in_schema=False)


def openapi_document() -> dict[str, Any]:
    """The OpenAPI description of the ``/api`` routes only."""
    return get_openapi(
        title="Contrats de ville — API comparative",
        version="0.1.0",
        description=DESCRIPTION,
        routes=router.routes,
    )


@_docs.get("/openapi.json")
def openapi_json() -> JSONResponse:
    return JSONResponse(openapi_document())


router.include_router(_docs)

"""Assembles the FastAPI application; nothing else happens here.

Other areas (linked-data pages, /api/…) are added with ``include_router`` on
the returned app, or by passing ``routers`` — they get the same runtime
(``deps.RuntimeDep``), error handling, CORS and access log.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.cors import CORSMiddleware

from app.api import router as api_router
from app.config import Settings
from app.prefixes import project_prefixes
from app.server import errors
from app.server.access_log import AccessLogMiddleware
from app.server.allocator import worker_preload
from app.server.annotation_graphs import Record
from app.server.conditional import ConditionalMiddleware
from app.server.deps import Runtime
from app.server.fair_share import FairShare
from app.server.fast_sparql import SparqlFastPath
from app.server.head_requests import HeadAsGet
from app.server.remote import RemotePool, build_version
from app.server.result_cache import ResultCache
from app.server.routers import editor, graph_store, health, sparql
from app.server.store import data_version
from app.server.workers import WorkerPool
from app.server.write_checks import ShapeCheck
from app.server.writes import Writer
from app.web.routers import router as web_router

STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_app(
    settings: Settings,
    store_path: Path,
    record: Record | None = None,
    *,
    routers: Iterable[APIRouter] = (),
    isolate_workers: bool = True,
) -> FastAPI:
    """The application serving the pyoxigraph store at ``store_path``.

    ``record`` holds the graphs written over HTTP (the store was loaded with
    it); query workers start with the application (lifespan) and stop with it.
    """
    record = record or Record(settings.annotations_dir)
    checks = ShapeCheck.of(settings)
    prefixes = project_prefixes(settings.base_iri)
    pool: WorkerPool | RemotePool
    if settings.sparql_endpoint:  # an external engine instead of the local store
        pool = RemotePool(settings, prefixes, checks)
    else:
        pool = WorkerPool(
            store_path=store_path,
            size=max(1, settings.query_workers),
            timeout=settings.query_timeout,
            prefixes=prefixes,
            isolate=isolate_workers,
            query_memory=settings.query_memory_bytes(),
            store_mode=settings.store_mode,
            private_memory=settings.worker_private_memory,
            preload=worker_preload(settings.worker_allocator),
        )
    runtime = Runtime(
        settings=settings,
        store_path=store_path,
        pool=pool,
        admission=FairShare(
            min(settings.max_concurrent_queries, pool.size),
            per_client=settings.client_max_queries,
            client_queue=settings.client_max_queued,
            queue=settings.max_queued_queries,
            query_seconds=settings.client_query_seconds,
        ),
        prefixes=prefixes,
        writer=Writer(store_path, record, settings.base_iri, checks),
        version=(
            build_version(settings.build_dir)
            if settings.sparql_endpoint
            else data_version(store_path, settings.build_dir)
        ),
        # An external engine's data may change under the same version: no answer kept.
        results=ResultCache(
            0 if settings.sparql_endpoint else settings.result_cache_bytes,
            settings.result_cache_entry_bytes,
        ),
        examples=editor.load_examples(),
        editor_template=editor.TEMPLATE.read_text(encoding="utf-8"),
    )

    if isinstance(pool, RemotePool):
        pool.follow(runtime)  # the engine's data version, shared by every replica

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="Contrats de ville — point d'accès SPARQL",
        description="SPARQL 1.1 Protocol, Graph Store Protocol and query editor.",
        lifespan=lifespan,
        # No /docs, /openapi.json: this package claims only its own paths.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # No OpenTelemetry here (no exporter is configured or documented): FastAPI
        # otherwise asks the global tracer, meter and logger providers on every
        # request (≈ 3 % of the server's time on a small query; measured).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.runtime = runtime
    for exception, handler in errors.handlers().items():
        app.add_exception_handler(exception, handler)
    for router in (sparql.router, graph_store.router, health.router, editor.router, *routers):
        app.include_router(router)
    app.include_router(api_router)  # /api/…: the comparative API (app/api)
    app.include_router(web_router)  # /id/…, /onto, /dataset, /dumps/…: linked data (app/web)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if settings.sparql_fast_path:
        app.add_middleware(SparqlFastPath)  # innermost: /sparql queries skip the routing
    app.add_middleware(HeadAsGet, router=app.router)  # inside the log: it says HEAD
    app.add_middleware(errors.ErrorGuard)  # unexpected errors answered cleanly
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "HEAD"],
        expose_headers=[
            "CVKG-Truncated",
            "Server-Timing",
            "Location",
            "Retry-After",
            "ETag",
            "X-Data-Version",
        ],
        allow_headers=["Accept", "Content-Type", "Authorization", "If-None-Match"],
        max_age=86400,
    )
    app.add_middleware(ConditionalMiddleware)
    app.add_middleware(AccessLogMiddleware)
    return app

"""/healthz: is the server up and are its query workers there?"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.server.deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(request: Request, runtime: RuntimeDep) -> JSONResponse:
    """200 once the workers have started; says how many are idle, whether
    they run without network access (see ``worker_main``), and whether the
    comparative API's start-up preparation is over (``api_ready``: until then
    an /api call may wait for it) and for which data version it last prepared
    (``api_version``: behind ``X-Data-Version`` for a few seconds after a
    write, meanwhile a first /api call may wait), and which ``malloc`` the workers say they
    run with (``worker_allocator``: see ``allocator.py``; null with an external
    engine). With an external engine (``CVKG_SPARQL_ENDPOINT``) that did not
    answer its last poll (every ``CVKG_REMOTE_VERSION_TTL`` s) or does not hold
    this server's build whole (``cvkg publish`` running, or another build),
    503 with ``status`` saying which and ``engine_error`` why: a proxy in front
    of replicas takes this one out."""
    pool = runtime.pool
    return JSONResponse(
        status_code=503 if pool.engine_state else 200,
        content={
            "status": pool.engine_state or "ok",
            "engine_error": pool.engine_error,
            "workers": pool.size,
            "idle_workers": pool.idle,
            "workers_replaced": pool.replaced,
            "workers_network_isolated": pool.isolated,
            "active_queries": runtime.admission.running,
            "queued_queries": runtime.admission.queued,
            "query_memory_bytes": pool.query_memory,
            "worker_allocator": pool.allocator,
            "read_only": not runtime.writable,
            "api_ready": bool(getattr(request.app.state, "api_ready", False)),
            "api_version": getattr(request.app.state, "api_version", None),
        },
    )

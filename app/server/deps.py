"""Dependencies shared by the routers: the runtime, admin check, body reading,
the one path every read takes (admission → worker → HTTP status) and the one
path every write takes (admission → all workers' stores closed → ``writes``).
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request

from app.config import Settings
from app.server import errors
from app.server.admission import Admission, Saturated
from app.server.cache import AnswerCache
from app.server.store import data_version
from app.server.workers import PoolBusy, QueryTimeout, WorkerCrashed, WorkerPool
from app.server.writes import Outcome, Writer


@dataclass
class Runtime:
    """Everything a request may need, built once by ``create_app``.

    ``version`` is the data version served (build fingerprint + annotation
    digest, see ``store.data_version``), replaced after each accepted write;
    ``cache`` holds derived answers keyed on it (:meth:`cache_key`).
    """

    settings: Settings
    store_path: Path
    pool: WorkerPool
    admission: Admission
    prefixes: dict[str, str]
    writer: Writer
    version: str = ""
    examples: list[Any] = field(default_factory=list)  # editor.Example, read at start
    editor_template: str = ""
    cache: AnswerCache = field(default_factory=lambda: AnswerCache(maxsize=64))

    @property
    def writable(self) -> bool:
        return bool(self.settings.admin_token)

    def cache_key(self, *parts: Any) -> tuple[Any, ...]:
        return (self.version, *parts)


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def is_admin(request: Request, runtime: RuntimeDep) -> bool:
    """Whether the request carries the admin token (``Authorization: Bearer …``).

    With no ``CVKG_ADMIN_TOKEN`` configured nobody is admin: writes are
    impossible. The comparison is constant-time.
    """
    token = runtime.settings.admin_token
    if not token:
        return False
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


AdminDep = Annotated[bool, Depends(is_admin)]


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 past ``limit`` bytes (declared or streamed)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise errors.payload_too_large(limit)
        except ValueError:
            raise errors.bad_request("Content-Length invalide.") from None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise errors.payload_too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def dispatch(
    request: Request,
    runtime: Runtime,
    job: dict[str, Any],
    payload: bytes = b"",
) -> tuple[dict[str, Any], bytes]:
    """Run a job on a worker; every failure becomes its HTTP error.

    Worker replies with an error status (400 parse error, 404 graph, 406) are
    raised as such; the reply's query time goes to the access log.
    """
    settings = runtime.settings
    try:
        async with runtime.admission.slot():
            header, body = await runtime.pool.run(job, payload, wait=settings.queue_timeout)
    except (Saturated, PoolBusy):
        raise errors.service_unavailable(
            "Serveur saturé : trop de requêtes en cours (CVKG_MAX_CONCURRENT_QUERIES). "
            "Réessayez dans un instant."
        ) from None
    except QueryTimeout:
        raise errors.query_timeout(settings.query_timeout) from None
    except WorkerCrashed:
        raise errors.internal_error() from None
    request.state.query_ms = header.get("query_ms")
    request.state.rows = header.get("rows")
    status = int(header.get("status", 500))
    if status >= 400:
        message = str(header.get("message", ""))
        if status == 500:
            errors.log.error("worker error for %s: %s", request.url.path, message)
            raise errors.internal_error()
        raise errors.HTTPProblem(status, message)
    return header, body


async def apply_write(
    runtime: Runtime, update: str, targets: set[str | None] | None, base_iri: str | None
) -> Outcome:
    """Run one admin write with every worker's store closed; a refusal is its HTTP error.

    Writes go one at a time (the pool's gate); the new data version is in place
    before the client is answered.
    """
    settings = runtime.settings
    try:
        async with runtime.admission.slot(), runtime.pool.exclusive(wait=settings.queue_timeout):
            outcome = await asyncio.to_thread(runtime.writer.apply, update, targets, base_iri)
            runtime.version = await asyncio.to_thread(
                data_version, runtime.store_path, settings.build_dir
            )
    except (Saturated, PoolBusy):
        raise errors.service_unavailable(
            "Serveur saturé : écriture impossible pour l'instant. Réessayez dans un instant."
        ) from None
    except WorkerCrashed:
        raise errors.internal_error() from None
    if outcome.status == 422:  # the SHACL report in Turtle, its summary as comments
        comments = "".join(f"# {line}\n" for line in outcome.message.splitlines())
        body = comments + "\n" + outcome.report.decode("utf-8")
        raise errors.HTTPProblem(422, body, {"Content-Type": "text/turtle; charset=utf-8"})
    if outcome.status >= 400:
        raise errors.HTTPProblem(outcome.status, outcome.message)
    return outcome

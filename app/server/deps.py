"""Dependencies shared by the routers: the runtime, admin check, body reading,
the one path every read takes (fair share → worker → HTTP status) and the one
path every write takes (all workers' stores closed → ``writes``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from app.config import Settings
from app.server import errors, ipc
from app.server.cache import AnswerCache
from app.server.fair_share import FairShare, Refused, client_key
from app.server.result_cache import ResultCache
from app.server.store import data_version
from app.server.workers import (
    PoolBusy,
    QueryOutOfMemory,
    QueryTimeout,
    ReadOnlyReplica,
    TooDeepToRead,
    WorkerCrashed,
)
from app.server.writes import Outcome, Writer

T = TypeVar("T")


@dataclass
class Runtime:
    """Everything a request may need, built once by ``create_app``.

    ``version`` is the data version served (build fingerprint + annotation
    digest, see ``store.data_version``), replaced after each accepted write;
    ``cache`` holds derived answers keyed on it (:meth:`cache_key`), ``results``
    the answers of ``/sparql`` (``result_cache``).
    """

    settings: Settings
    store_path: Path
    pool: Any  # WorkerPool, or remote.RemotePool with CVKG_SPARQL_ENDPOINT
    admission: FairShare
    prefixes: dict[str, str]
    writer: Writer
    version: str = ""
    examples: list[Any] = field(default_factory=list)  # editor.Example, read at start
    editor_template: str = ""
    cache: AnswerCache = field(default_factory=lambda: AnswerCache(maxsize=64))
    results: ResultCache = field(default_factory=lambda: ResultCache(0, 0))  # /sparql answers

    @property
    def writable(self) -> bool:
        """An admin token, and a store that writes can change (not a memory copy)."""
        return bool(self.settings.admin_token) and self.settings.store_mode != "memory"

    def cache_key(self, *parts: Any) -> tuple[Any, ...]:
        return (self.version, *parts)


async def get_runtime(request: Request) -> Runtime:
    """Async on purpose: FastAPI runs a plain ``def`` dependency in a thread (≈ 1 ms)."""
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def is_admin(request: Request, runtime: RuntimeDep) -> bool:
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


def client_of(request: Request, settings: Settings) -> str:
    """The client a request counts against (see ``fair_share.client_key``)."""
    header = settings.client_ip_header
    forwarded = request.headers.get(header) if header else None
    return client_key(request.client.host if request.client else None, forwarded)


async def _disconnected(request: Request) -> None:
    """Returns when the client closes its connection (the body was read before)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def unless_abandoned(request: Request, work: Awaitable[T]) -> T:
    """``work``'s result, or ``ClientGone`` as soon as the client disconnects.

    Cancelling ``work`` kills the worker running the query (its state is
    unknown) and starts a fresh one: an abandoned query stops at once.

    ``work`` has a task of its own on purpose. Run in the request's task instead
    (a watcher cancelling it), the server used no less CPU, and one saturated
    worker answered 14 % fewer trees a second (310 against 362): the request
    wrote its whole answer (≈ 0.3 ms) before the next queued job could reach the
    freed worker. From its own task, the job's end wakes the next job first.
    """
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(request))
    try:
        done, _ = await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:  # this request is being cancelled: so is its work
        watcher.cancel()
        task.cancel()
        raise
    watcher.cancel()
    if task in done:
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    raise errors.ClientGone("query stopped")


async def dispatch(
    request: Request,
    runtime: Runtime,
    job: ipc.Job,
    payload: bytes = b"",
    *,
    urgent: bool = False,
) -> tuple[ipc.Reply, bytes]:
    """Run a job on a worker; every failure becomes its HTTP error.

    A read waits for its client's fair share of the workers and is stopped if
    the client disconnects; a write (admin) takes every worker and runs to its
    end. All waiting ends at ``CVKG_QUEUE_TIMEOUT``. ``urgent``: the app's own
    bounded query (a page), served before client queries. Failures the worker
    reports become 400 (syntax), 404, 406 or 507.
    """
    settings = runtime.settings
    deadline = asyncio.get_running_loop().time() + settings.queue_timeout
    pool = runtime.pool
    try:
        client = client_of(request, settings)

        async def read() -> tuple[ipc.Reply, bytes]:
            async with runtime.admission.slot(client, deadline, urgent=urgent):
                return await pool.run(job, payload, deadline=deadline)

        reply, body = await unless_abandoned(request, read())
    except Refused as refused:
        raise _refusal(refused) from None
    except PoolBusy:
        raise errors.service_unavailable(
            "Serveur saturé : aucun processus de requête libéré à temps "
            "(CVKG_QUEUE_TIMEOUT, CVKG_MAX_CONCURRENT_QUERIES). Réessayez dans un instant."
        ) from None
    except QueryTimeout:
        raise errors.query_timeout(settings.query_timeout) from None
    except QueryOutOfMemory:
        raise errors.query_out_of_memory(pool.query_memory) from None
    except TooDeepToRead:
        errors.log.warning("query worker's stack overflowed for %s", request.url.path)
        raise errors.too_deep_to_read() from None
    except WorkerCrashed as crash:
        errors.log.error("query worker died for %s: %s", request.url.path, crash)
        raise errors.internal_error() from None
    if isinstance(reply, ipc.Answer):
        request.state.query_ms = reply.query_ms
        request.state.rows = reply.rows
    if isinstance(reply, ipc.Failure):
        raise _problem(request, reply)
    return reply, body


def _refusal(refused: Refused) -> errors.HTTPProblem:
    if refused.status == 429:
        return errors.too_many_requests(refused.message, refused.retry_after)
    return errors.service_unavailable(refused.message, refused.retry_after)


def admit_without_worker(request: Request, runtime: Runtime) -> None:
    """Admission of an answer that needs no worker (a cached one): the client's 429s
    (query-time budget spent, queue full) apply; no slot is taken."""
    try:
        runtime.admission.check(client_of(request, runtime.settings))
    except Refused as refused:
        raise _refusal(refused) from None


def _problem(request: Request, failure: ipc.Failure) -> errors.HTTPProblem:
    if failure.reason == "syntax":
        return errors.bad_request(failure.message)
    if failure.reason == "not_found":
        return errors.not_found(failure.message)
    if failure.reason == "not_acceptable":
        return errors.FormNotAcceptable(failure.form or "results")
    errors.log.error("worker error for %s: %s", request.url.path, failure.message)
    return errors.internal_error()


async def apply_write(
    runtime: Runtime, update: str, targets: set[str | None] | None, base_iri: str | None
) -> Outcome:
    """Run one admin write with every worker's store closed; a refusal is its HTTP error.

    Writes go one at a time (the pool's gate); the new data version is in place
    before the client is answered. Admin writes are not counted in any client's
    fair share; their wait ends at ``CVKG_QUEUE_TIMEOUT`` like any other.
    """
    settings = runtime.settings
    if settings.sparql_endpoint:  # into the external engine (app/server/remote_writes.py)
        return _outcome(await runtime.pool.write(update, targets, base_iri))
    deadline = asyncio.get_running_loop().time() + settings.queue_timeout
    try:
        async with runtime.pool.exclusive(deadline=deadline):
            outcome = await asyncio.to_thread(runtime.writer.apply, update, targets, base_iri)
            runtime.version = await asyncio.to_thread(
                data_version, runtime.store_path, settings.build_dir
            )
    except ReadOnlyReplica:
        raise errors.HTTPProblem(
            403,
            "Serveur en lecture seule : il sert une copie en mémoire des données "
            "(CVKG_STORE_MODE=memory), que les écritures ne modifieraient pas. Écrivez sur "
            "le serveur en mode disque, puis redémarrez celui-ci pour servir la nouvelle version.",
        ) from None
    except PoolBusy:
        raise errors.service_unavailable(
            "Serveur saturé : écriture impossible pour l'instant. Réessayez dans un instant."
        ) from None
    except WorkerCrashed:
        raise errors.internal_error() from None
    return _outcome(outcome)


async def read_update_first(runtime: Runtime, update: str, base_iri: str | None) -> None:
    """An admin's update, read by a worker before the server applies it
    (``ipc.UpdateCheckJob``): a text that overflows the parser's stack costs a worker
    and is a 400, where it killed the server. Its syntax errors are left to the
    write, which reports them as before; an external engine reads its own."""
    if runtime.settings.sparql_endpoint:
        return
    deadline = asyncio.get_running_loop().time() + runtime.settings.queue_timeout
    try:
        reply, _ = await runtime.pool.run(
            ipc.UpdateCheckJob(update, base_iri), b"", deadline=deadline
        )
    except TooDeepToRead:
        raise errors.too_deep_to_read() from None
    except PoolBusy:
        raise errors.service_unavailable(
            "Serveur saturé : écriture impossible pour l'instant. Réessayez dans un instant."
        ) from None
    except QueryTimeout:
        raise errors.query_timeout(runtime.settings.query_timeout) from None
    except WorkerCrashed:
        raise errors.internal_error() from None
    if isinstance(reply, ipc.Failure) and reply.reason != "syntax":  # not read: not applied
        errors.log.error("lecture d'une mise à jour par un processus : %s", reply.message)
        raise errors.internal_error()


def _outcome(outcome: Outcome) -> Outcome:
    """The outcome of a write, or its HTTP error."""
    if outcome.status == 422:  # the SHACL report in Turtle, its summary as comments
        comments = "".join(f"# {line}\n" for line in outcome.message.splitlines())
        body = comments + "\n" + outcome.report.decode("utf-8")
        raise errors.HTTPProblem(422, body, {"Content-Type": "text/turtle; charset=utf-8"})
    if outcome.status >= 400:
        raise errors.HTTPProblem(outcome.status, outcome.message)
    return outcome

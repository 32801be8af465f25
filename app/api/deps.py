"""What the comparative API runs on: the served store, through the query workers.

The API runs only its own bounded queries (``app/queries``), on the same store
and through the same worker pool as the pages and ``/sparql`` — time limit,
the read-only store shared safely — instead of a second, in-memory copy of
the whole dataset (1.15 GB at 2 000 synthetic contracts). The research
questions it aggregates read the precomputed graph ``{base}graph/synthese``
(docs/synthese.md), which keeps those queries fast on the store itself.

A :class:`GraphData` is one data version and the way to run queries on it;
answers and the search index are cached on it, so a new version — the
server's, which every admin write changes — starts from an empty cache.

Tests and benchmarks can skip the server entirely: put a ``GraphData`` over
:func:`in_memory` on ``app.state.api_data``.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import Depends, HTTPException, Request

from app import queries
from app.config import DEFAULT_BASE_IRI
from app.server import errors, ipc
from app.server.cache import AnswerCache
from app.server.workers import PoolBusy, QueryTimeout

SLUG = r"^[a-z0-9][a-z0-9._-]*$"
_SLUG = re.compile(SLUG)
_TSV = ox.QueryResultsFormat.TSV
# The API's queries are bounded by the catalogue (batches of contracts), not by
# the endpoint's row limit for clients (CVKG_MAX_ROWS): a cut answer would be wrong.
API_MAX_ROWS = 50_000_000

Select = Callable[[str], list[dict[str, Any]]]
"""Runs a SELECT over the union of the named graphs: rows as dicts of plain values."""
SelectTsv = Callable[[str], bytes]
"""The same, the answer left as SPARQL TSV bytes (for a child process to read)."""


def in_memory(store: ox.Store) -> Select:
    """Queries on a pyoxigraph store in this process (tests, benchmarks without a server)."""
    return lambda text: queries.select(store, text)


def _rows(body: bytes) -> list[dict[str, Any]]:
    solutions = ox.parse_query_results(body, format=_TSV)
    assert isinstance(solutions, ox.QuerySolutions)
    return list(queries.plain_rows(solutions))


def _loop_of_this_thread() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def on_workers(runtime: Any, loop: asyncio.AbstractEventLoop) -> SelectTsv:
    """Queries on the served store, each as one job of the server's worker pool.

    The API's routes are synchronous (they run in threads), so each query is
    handed to the event loop that owns the pool and waited for. They wait
    for a free worker in the pool's order but are not counted in any client's
    fair share: bounded, and computed once per data version, they are not a
    client's load — and one shared key for them would soon run out of budget
    and refuse every API call. Results travel as TSV, lossless, as the pages' do.
    """

    async def run(text: str) -> tuple[ipc.Reply, bytes]:
        job = ipc.QueryJob(text, max_rows=API_MAX_ROWS, union=True, results_format=_TSV.media_type)
        deadline = loop.time() + runtime.settings.queue_timeout
        return await runtime.pool.run(job, b"", deadline=deadline)  # type: ignore[no-any-return]

    def select(text: str) -> bytes:
        if _loop_of_this_thread() is loop:  # waiting here would block the loop forever
            raise RuntimeError("API query run on the event loop: use a sync route (a thread)")
        try:
            reply, body = asyncio.run_coroutine_threadsafe(run(text), loop).result()
        except PoolBusy:  # as /sparql and the pages say it: retry later
            raise errors.service_unavailable(
                "Serveur saturé : aucun processus de requête libéré à temps. "
                "Réessayez dans un instant."
            ) from None
        except QueryTimeout:
            raise errors.query_timeout(runtime.settings.query_timeout) from None
        if isinstance(reply, ipc.Failure):
            raise queries.QueryError(f"{reply.reason}: {reply.message}")
        if not isinstance(reply, ipc.Answer) or reply.truncated:
            raise queries.QueryError(f"réponse inattendue des processus de requête : {reply!r}")
        return body

    return select


class GraphData:
    """One store, one data version, and everything cached for that version."""

    def __init__(
        self,
        select: Select,
        version: str,
        base: str = DEFAULT_BASE_IRI,
        *,
        select_tsv: SelectTsv | None = None,
        index_dir: Path | None = None,
        cache_bytes: int = 64 * 2**20,
    ) -> None:
        self.select = select
        self.version = version
        self.base = base
        # Where derived files of this data live (the search index), and how to get
        # an answer as bytes for a child process; without them (tests, benchmarks
        # in process) the index is built here, in a temporary directory.
        self.select_tsv = select_tsv
        self.index_dir = index_dir
        self.cache = AnswerCache(max_bytes=cache_bytes)
        # Searches apart, in a small LRU of their own: their texts are endless,
        # and a flood of them must not evict answers that took seconds.
        self.searches = AnswerCache(maxsize=1024, max_bytes=min(cache_bytes, 4 * 2**20))
        self._memo: dict[Any, Any] = {}
        self._memo_locks: dict[Any, threading.Lock] = {}
        self._lock = threading.Lock()

    def run(
        self, name: str, params: Mapping[str, list[str] | None] | None = None
    ) -> list[dict[str, Any]]:
        """Rows of ``app/queries/{name}.rq`` with ``params`` bound (IRIs, checked).

        A query reading the precomputed facts gets this data's synthèse graph
        (``?synthese``) unless told otherwise.
        """
        return self.select(queries.load(name).for_data(self.base, params))

    def iri(self, kind: str, ident: str) -> str:
        """The data IRI ``{base}{kind}/{ident}`` for an id already checked as a slug."""
        return f"{self.base}{kind}/{ident}"

    def slug(self, iri: str) -> str:
        """The last path segment of a data IRI: the id the API shows."""
        return iri.rstrip("/").rsplit("/", 1)[-1]

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """An answer of this version, from the bounded LRU (may be evicted, then recomputed)."""
        return self.cache.get_or_compute(key, compute)

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A building block of this version (catalogues, search index): computed once, kept.

        Unlike :meth:`cached`, never evicted, and computed by one thread only —
        the others wait for it instead of building the same index again.
        """
        if key in self._memo:
            return self._memo[key]
        with self._lock:
            lock = self._memo_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]


class StoreProvider:
    """The served data's current version: a new ``GraphData`` (empty caches) when it changes."""

    def __init__(self, runtime: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.runtime = runtime
        self.select_tsv = on_workers(runtime, loop)
        self.select: Select = lambda text: _rows(self.select_tsv(text))
        self.index_dir = derived_dir(Path(runtime.store_path))
        self._data: GraphData | None = None
        self._lock = threading.Lock()

    def current(self) -> GraphData:
        version = self.runtime.version
        data = self._data
        if data is not None and data.version == version:
            return data
        with self._lock:
            if self._data is None or self._data.version != version:
                self._data = GraphData(
                    self.select,
                    version,
                    self.runtime.settings.base_iri,
                    select_tsv=self.select_tsv,
                    index_dir=self.index_dir,
                    cache_bytes=self.runtime.settings.api_cache_bytes,
                )
            return self._data


DERIVED = "cvkg-derive"  # beside the store's own files: goes when the store is reloaded


def derived_dir(store_path: Path) -> Path | None:
    """Where files derived from the served store are kept (``{store}/cvkg-derive``).

    Inside the store's directory, so that a reload (a new directory swapped in)
    drops them with the data they were derived from; ``None`` when the store
    cannot be written (a store served read-only by someone else's process).
    """
    target = store_path / DERIVED
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return target if os.access(target, os.W_OK) else None


_provider_lock = threading.Lock()


def data_for(state: Any) -> GraphData:
    """The data of an application: a fixed ``api_data``, or the server's store through its workers.

    ``state.api_loop`` is the event loop running the worker pool, set when the
    application starts (``app.api.lifespan``).
    """
    data = getattr(state, "api_data", None)
    if data is not None:
        return data  # type: ignore[no-any-return]
    provider = getattr(state, "api_provider", None)
    if provider is None:
        with _provider_lock:
            provider = getattr(state, "api_provider", None)
            if provider is None:
                provider = StoreProvider(state.runtime, state.api_loop)
                state.api_provider = provider
    return provider.current()  # type: ignore[no-any-return]


def get_data(request: Request) -> GraphData:
    return data_for(request.app.state)


DataDep = Annotated[GraphData, Depends(get_data)]


def invalid(param: str, message: str, value: Any = None, where: str = "query") -> HTTPException:
    """422 in FastAPI's own shape (``detail[].loc/msg/type``), naming the parameter."""
    detail: dict[str, Any] = {"loc": [where, param], "msg": message, "type": "value_error"}
    if value is not None:
        detail["input"] = value
    return HTTPException(status_code=422, detail=[detail])


def not_found(message: str) -> HTTPException:
    return HTTPException(status_code=404, detail=message)


def check_slug(param: str, value: str) -> str:
    """``value`` if it is a well-formed id (lower-case slug), else a 422."""
    if not _SLUG.match(value):
        raise invalid(
            param, "identifiant mal formé : lettres minuscules, chiffres, « . _ - »", value
        )
    return value

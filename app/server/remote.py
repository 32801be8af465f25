"""An external SPARQL 1.1 engine in place of the local store (``CVKG_SPARQL_ENDPOINT``).

At national scale a dedicated engine (Virtuoso, Oxigraph's own server, several
read replicas behind a proxy) may serve the data better than the store this
server opens. :class:`RemotePool` takes the place of the worker pool: it runs
the same read jobs (``query``, ``graph_read``, ``named_graphs``) over HTTP,
so the /sparql proxy, the pages and graph reads keep every rule of the local
mode — admission, the query timeout,
the row cap and result formats (answers are re-serialized by
:mod:`app.server.execute`), the size cap on request bodies — plus a cap on the
bytes read from the engine (``CVKG_REMOTE_MAX_BYTES``).

Admin writes go to the engine's update URL (``CVKG_SPARQL_UPDATE_ENDPOINT``;
without it the mode is read-only whatever the admin token), validated before
anything is sent, in one request (:mod:`app.server.remote_writes`). The data
version is the published build's fingerprint, the time its publication ended
(``publication.rq``: a replica whose engine does not hold its build whole is
out of service, ``/healthz`` 503) and the engine's write version, which every
replica re-reads every ``CVKG_REMOTE_VERSION_TTL`` seconds. The engine is
expected to query the union of its named graphs by default (Virtuoso does;
start Oxigraph's server with ``--union-default-graph``): that is what the local
store does for this application.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from pyoxigraph import Quad, RdfFormat, serialize

from app import queries
from app.config import Settings
from app.dumps import BUILD_INFO
from app.server import errors, execute, ipc
from app.server.annotation_graphs import PUBLICATION_GRAPH
from app.server.remote_store import (
    EngineRefused,
    RemoteStore,
    Stop,
    TooLarge,
    unreadable,
)
from app.server.remote_writes import EngineError, RemoteWriter
from app.server.workers import QueryTimeout, WorkerCrashed
from app.server.write_checks import ShapeCheck
from app.server.writes import Outcome

log = logging.getLogger("cvkg.server")

Reply = tuple[ipc.Answer | ipc.GraphNames | ipc.Failure, bytes]
# How long ``ASK {}`` may take before a query's timeout is put down to the engine.
_PROBE_SECONDS = 2.0


def build_version(build_dir: Path) -> str:
    """The data version in external mode: the fingerprint of the build that was published."""
    try:
        return str(json.loads((build_dir / BUILD_INFO).read_text(encoding="utf-8"))["fingerprint"])
    except (OSError, ValueError, KeyError, TypeError):
        return "inconnue"


class RemotePool:
    """The worker pool's read interface (``run``, ``size``, ``idle``…) over an external engine."""

    isolated = False
    allocator = None  # no query worker of ours: the engine's own malloc
    replaced = 0
    query_memory = 0
    # What keeps the engine from serving this replica (/healthz: 503), and why: its
    # last poll failed ("engine_unreachable") or it does not hold this build whole
    # ("engine_not_published"); None while it does.
    engine_state: str | None = None
    engine_error: str | None = None

    def __init__(self, settings: Settings, prefixes: dict[str, str], checks: ShapeCheck) -> None:
        assert settings.sparql_endpoint
        self.settings = settings
        self.prefixes = prefixes
        self.timeout = settings.query_timeout
        self.size = max(1, settings.max_concurrent_queries)
        # A thread per admitted query: the loop's default executor has min(32, cores + 4),
        # 6 on two cores, so queries admitted past it waited for a thread, their time running.
        self.threads = ThreadPoolExecutor(self.size, thread_name_prefix="cvkg-engine")
        self.client = httpx.Client(timeout=settings.query_timeout)
        self.url = settings.sparql_endpoint
        self.writer = RemoteWriter(
            httpx.Client(timeout=settings.query_timeout),
            settings.sparql_endpoint,
            settings.sparql_update_endpoint,
            settings.base_iri,
            checks,
        )
        self.build = build_version(settings.build_dir)
        self.published = ""  # when the engine got this build whole (publication.rq)
        self.runtime: Any = None  # deps.Runtime, whose version this pool keeps current
        self._writing = asyncio.Lock()
        self._poll: asyncio.Task[None] | None = None

    @property
    def idle(self) -> int:
        return self.size

    def follow(self, runtime: Any) -> None:
        """Keep ``runtime.version`` equal to the engine's data version (see :meth:`start`)."""
        self.runtime = runtime
        runtime.version = self.data_version()

    def data_version(self) -> str:
        """The published build's fingerprint, when it was published, then the engine's
        write version if any: a new publication is a new version, so no answer
        kept from a half-sent build outlives it."""
        version = self.build
        if self.published:
            version += "-p" + "".join(c for c in self.published if c.isdigit())
        return f"{version}-e{self.writer.current}" if self.writer.current else version

    async def start(self) -> None:
        """Read the engine's write version and publication, then again every
        ``CVKG_REMOTE_VERSION_TTL`` s."""
        await self._refresh()
        self._poll = asyncio.create_task(self._follow_version())

    async def _refresh(self) -> None:
        """Read the engine's write version and publication; a change of state is logged
        once (the poll runs every second) and shown by /healthz."""
        try:
            await asyncio.to_thread(self.writer.version)
            build, published = await asyncio.to_thread(self._publication)
        except (
            EngineError,
            EngineRefused,
            TooLarge,
            httpx.HTTPError,
            ValueError,
            SyntaxError,
            TimeoutError,
        ) as exc:
            reason = str(exc) or type(exc).__name__
            if isinstance(exc, ValueError | SyntaxError):  # it answered, not SPARQL results
                reason = f"réponse illisible du moteur externe ({self.url}) : {reason}"
            elif self.url not in reason:
                reason = f"moteur externe ({self.url}) : {reason}"
            self._state("engine_unreachable", reason)
            return
        if build != self.build:
            held = f"la construction {build}" if build else "aucune construction entière"
            self._state(
                "engine_not_published",
                f"le moteur externe ({self.url}) tient {held}, ce serveur sert la construction "
                f"{self.build} : lancez cvkg publish (ou attendez qu'il finisse)",
            )
            published = ""
        else:
            self._state(None, None)
        self.published = published
        if self.runtime is not None:
            self.runtime.version = self.data_version()

    def _state(self, state: str | None, reason: str | None) -> None:
        if state != self.engine_state:
            log.warning("moteur externe : %s", reason or f"de nouveau prêt ({self.url})")
        self.engine_state, self.engine_error = state, reason

    def _publication(self) -> tuple[str, str]:
        """(fingerprint, time) of the build the engine holds whole; ("", "") if none."""
        graph = self.settings.base_iri + PUBLICATION_GRAPH
        stop = Stop(time.monotonic() + self.timeout)  # an engine that never ends its answer
        with contextlib.closing(
            RemoteStore(self.client, self.url, self.settings.remote_max_bytes, stop)
        ) as store:
            rows = [
                r for r in store.query(self._text("publication", graph)) if r["version"] is not None
            ]
        if not rows:  # none, or only rows without ?version (remote_writes.version)
            return "", ""
        row = max(rows, key=lambda r: r["version"].value)
        return row["version"].value, row["modifie"].value if row["modifie"] is not None else ""

    async def _follow_version(self) -> None:
        while True:
            await asyncio.sleep(self.settings.remote_version_ttl)
            if not self._writing.locked():  # the writer sets the version itself
                try:
                    await self._refresh()
                except Exception:  # a bug must not end the polling: /healthz relies on it
                    log.exception("lecture de l'état du moteur externe")

    async def write(
        self, update: str, targets: set[str | None] | None, base_iri: str | None
    ) -> Outcome:
        """One admin write into the engine, one at a time from this replica."""
        async with self._writing:
            outcome = await asyncio.to_thread(self.writer.apply, update, targets, base_iri)
            await self._refresh()
        return outcome

    async def close(self) -> None:
        if self._poll is not None:
            self._poll.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poll
        self.threads.shutdown(wait=False, cancel_futures=True)
        self.client.close()
        self.writer.client.close()

    async def run(self, job: ipc.Job, payload: bytes = b"", *, deadline: float) -> Reply:
        if self.engine_state == "engine_not_published":
            # Half a publication answers wrong, not slowly: out of service until whole.
            raise errors.service_unavailable(f"{self.engine_error}.", retry_after=10)
        stop = Stop(time.monotonic() + self.timeout)  # the thread's end (remote_store)
        try:
            async with asyncio.timeout(self.timeout):
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(self.threads, self._read, job, stop)
        except (TimeoutError, httpx.TimeoutException):
            if await self._silent():
                raise errors.service_unavailable(
                    f"Le moteur SPARQL externe ({self.url}) ne répond plus : même ASK {{}} "
                    f"reste sans réponse après {_PROBE_SECONDS:g} s. Réessayez plus tard.",
                    retry_after=10,
                ) from None
            raise QueryTimeout from None
        except TooLarge:
            raise errors.engine_answer_too_large(self.settings.remote_max_bytes) from None
        except httpx.TransportError as exc:
            url = self.url
            message = f"Moteur SPARQL externe injoignable ({url}) : {exc}. Réessayez plus tard."
            raise errors.service_unavailable(message, retry_after=10) from None
        except EngineRefused as exc:
            raise errors.HTTPProblem(502, str(exc)) from None
        except (httpx.HTTPError, RuntimeError) as exc:
            raise WorkerCrashed(str(exc)) from exc
        finally:  # timed out, or cancelled (its client gone): its thread stops reading
            stop.ended.set()

    async def _silent(self) -> bool:
        """Whether the engine leaves even ``ASK {}`` unanswered: a query that ran out of
        time there is the engine's failure (frozen, overloaded), not the query's."""

        def probe() -> None:
            stop = Stop(time.monotonic() + _PROBE_SECONDS)
            with contextlib.closing(
                RemoteStore(self.client, self.url, self.settings.remote_max_bytes, stop)
            ) as store:
                store.query("ASK {}")

        try:
            async with asyncio.timeout(_PROBE_SECONDS + 0.5):
                await asyncio.get_running_loop().run_in_executor(self.threads, probe)
        except (TimeoutError, httpx.TransportError):
            return True
        except Exception:  # noqa: BLE001 - it answers, however badly: the query took its time
            return False
        return False

    def _read(self, job: ipc.Job, stop: Stop) -> Reply:
        """One job, its answers read from the engine as they come and closed after
        (``remote_store``: no more than the row cap is read, nothing once ``stop`` says)."""
        failure = None
        with contextlib.closing(
            RemoteStore(self.client, self.url, self.settings.remote_max_bytes, stop)
        ) as store:
            try:
                return self._answer(store, job)
            except SyntaxError as exc:  # an answer that stops parsing half-way
                failure = unreadable(self.url, exc)
        # Raised outside the except clause: no context keeping the frames that hold the
        # half-read answer, whose pyoxigraph objects must be freed in this thread (freed
        # in the event loop's, they logged a panic « unsendable … dropped on another thread »).
        raise failure

    def _answer(self, store: RemoteStore, job: ipc.Job) -> Reply:
        if isinstance(job, ipc.QueryJob):
            return execute.run_query(store, job, self.prefixes)  # type: ignore[arg-type]
        if isinstance(job, ipc.NamedGraphsJob):
            result = store.query(self._text("graphes-nommes"))
            return ipc.GraphNames(sorted(s["g"].value for s in result)), b""
        if isinstance(job, ipc.GraphReadJob):
            return self._graph_read(store, job)
        return ipc.Failure("internal", f"job {type(job).__name__} refusé (lecture seule)"), b""

    def _text(self, name: str, graph: str | None = None) -> str:
        return queries.load(name).for_data(self.settings.base_iri, {"g": [graph]} if graph else {})

    def _graph_read(self, store: RemoteStore, job: ipc.GraphReadJob) -> Reply:
        """A named graph's triples, or the engine's own default graph (not the union its
        queries read), as the local store answers ``?default``: from the engine's
        Graph Store when ``CVKG_SPARQL_GRAPH_STORE`` names it, else by queries
        (``graphe-triplets.rq``, ``graphe-defaut.rq``: seconds at national scale)."""
        graph = job.graph
        missing = ipc.Failure("not_found", f"Graphe inconnu : <{graph}>"), b""
        graph_store = self.settings.sparql_graph_store
        if graph_store and not job.head:
            found = store.graph(graph_store, graph)
            if found is None:
                # A 404 for a graph the engine's queries see (or for its default graph,
                # which always is) means the setting names no Graph Store.
                if graph is None or bool(store.query(self._text("graphe-present", graph))):
                    raise EngineRefused(
                        f"CVKG_SPARQL_GRAPH_STORE ({graph_store}) ne semble pas être le Graph "
                        f"Store du moteur : il ne connaît pas <{graph or 'default'}>, que ses "
                        "requêtes voient."
                    )
                return missing
            triples = found
        else:
            if graph is not None and not bool(store.query(self._text("graphe-present", graph))):
                return missing
            if job.head:
                return ipc.Answer(job.format), b""
            name = "graphe-triplets" if graph is not None else "graphe-defaut"
            triples = store.query(self._text(name, graph))
        fmt = RdfFormat.from_media_type(job.format)
        assert fmt is not None
        items: Any = triples  # serialized as they are read (RemoteStore.graph)
        if fmt.supports_datasets:
            items = (Quad(t.subject, t.predicate, t.object) for t in triples)
        return ipc.Answer(job.format), serialize(items, format=fmt, prefixes=self.prefixes) or b""

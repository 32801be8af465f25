"""A pool of killable query-worker processes, driven from the event loop.

Each worker is a subprocess (``worker_main``) joined by a socket pair; the
server talks to it with asyncio streams, so waiting for a query never blocks
the event loop nor holds a thread. A query that overruns its time limit gets
its worker killed (SIGKILL frees the CPU at once, which no Python-level
cancellation can do for a query running in Rust) and a replacement spawned in
the background, while the other workers keep answering.

Writes (admin SPARQL Update, Graph Store PUT/POST/DELETE) are exclusive: the
pool takes every worker and closes their read-only stores (:meth:`exclusive`),
the server opens the store read-write and applies the change (``writes.py``),
and the workers reopen the store on their next job. RocksDB forbids opening
read-only while another process writes, hence the ceremony.

Waiting is bounded: a job is given a deadline (the request's
``CVKG_QUEUE_TIMEOUT``), and every wait on the way to a worker (the gate of
the writes, the queue of idle workers) ends there with ``PoolBusy``. A worker
that dies of its memory cap (SIGABRT from Rust's allocator, or a ``memory``
failure from Python) is reported as ``QueryOutOfMemory`` and replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from app.server import ipc, priority
from app.server.launch import Options, SubprocessLauncher, WorkerProcess, ZygoteLauncher

log = logging.getLogger("cvkg.server")
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


class QueryTimeout(Exception):
    """The job overran its time limit; its worker was killed."""


class PoolBusy(Exception):
    """No worker became free in time."""


class WorkerCrashed(Exception):
    """The worker died while working on the job."""


class TooDeepToRead(WorkerCrashed):
    """The worker overflowed its stack (SIGSEGV) on the job: a text nested past what
    the parser recurses through (a chain of thousands of operators, « UNION », path
    steps), which the bracket count (``limits``) does not see."""


class ReadOnlyReplica(Exception):
    """Memory mode serves one snapshot of the store: no write can change it."""


class QueryOutOfMemory(Exception):
    """The job needed more memory than ``CVKG_QUERY_MEMORY``; its worker was replaced."""


@dataclass
class Worker:
    process: WorkerProcess
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    isolated: bool = False
    allocator: str = "system"  # the malloc it says it runs with
    jobs: int = 0
    demoted: bool = False  # a long job lowered its CPU priority for good


@dataclass
class WorkerPool:
    store_path: Path
    size: int
    timeout: float
    prefixes: dict[str, str] = field(default_factory=dict)
    isolate: bool = True
    query_memory: int = 0  # bytes per query, enforced by the kernel (0: none)
    store_mode: str = "disk"  # "memory": workers forked from one in-memory copy
    private_memory: int = 0  # memory mode: a worker's own pages before it is replaced
    preload: Path | None = None  # the workers' malloc (allocator.py); None: the C library's
    _idle: asyncio.Queue[Worker] = field(init=False)
    _gate: asyncio.Lock = field(init=False)
    _tasks: set[asyncio.Task[None]] = field(init=False, default_factory=set)
    _closing: bool = field(init=False, default=False)
    _spare: Worker | None = field(init=False, default=None)
    _refilling: bool = field(init=False, default=False)
    isolated: bool = field(init=False, default=False)
    allocator: str = field(init=False, default="system")  # as the first workers said
    replaced: int = field(init=False, default=0)
    engine_state: str | None = field(init=False, default=None)  # an external engine's (remote.py)
    engine_error: str | None = field(init=False, default=None)
    recycled: int = field(init=False, default=0)  # memory mode: worn workers replaced
    _launcher: SubprocessLauncher | ZygoteLauncher = field(init=False)

    def __post_init__(self) -> None:
        options = Options(
            self.store_path, self.prefixes, self.query_memory, self.isolate, self.preload
        )
        memory = self.store_mode == "memory"
        self._launcher = (
            ZygoteLauncher(options, self.private_memory) if memory else SubprocessLauncher(options)
        )

    async def start(self) -> None:
        # Last in, first out: under light load the worker that answered last takes
        # the next job, its CPU caches and RocksDB's still warm (FIFO alternated
        # the workers: ≈ 13 vs 10 ms of CPU for one contract's tree; measured).
        self._idle = asyncio.LifoQueue()
        self._gate = asyncio.Lock()
        await self._launcher.start()
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)
        self.isolated = all(w.isolated for w in workers)
        self.allocator = ", ".join(sorted({w.allocator for w in workers}))
        spare = asyncio.create_task(self._refill_spare())  # not needed to start serving
        self._tasks.add(spare)
        spare.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        while not self._idle.empty():
            await self._stop(self._idle.get_nowait())
        if self._spare is not None:
            await self._stop(self._spare)
            self._spare = None
        await self._launcher.close()

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    async def _spawn(self, *, lazy: bool = False) -> Worker:
        """A new worker; ``lazy``: it opens the store at its first job (a spare must
        not hold the store open while a write happens)."""
        process, parent = await self._launcher.spawn(lazy=lazy)
        reader, writer = await asyncio.open_unix_connection(sock=parent, limit=2**20)
        try:
            ready, _ = await asyncio.wait_for(ipc.recv_async(reader), 60)
        except (asyncio.IncompleteReadError, TimeoutError) as exc:
            process.kill()
            await process.wait()
            raise RuntimeError("un processus de requête n'a pas démarré (voir stderr)") from exc
        if not isinstance(ready, ipc.Ready):
            process.kill()
            await process.wait()
            raise RuntimeError(f"un processus de requête a répondu {ready!r} au démarrage")
        return Worker(process, reader, writer, isolated=ready.isolated, allocator=ready.allocator)

    async def _stop(self, worker: Worker) -> None:
        with contextlib.suppress(ProcessLookupError):
            worker.process.kill()
        worker.writer.close()
        await worker.process.wait()

    def _discard(self, worker: Worker, *, worn: bool = False) -> None:
        """Kill a worker in an unknown state (or ``worn``, see private_pages.py) and start
        its replacement."""
        if worn:
            self.recycled += 1
        else:
            self.replaced += 1
        task = asyncio.create_task(self._replace(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace(self, worker: Worker) -> None:
        """Put the spare in the killed worker's place at once, then make a new spare;
        without a spare (several replaced at once), start a worker."""
        spare, self._spare = self._spare, None
        if spare is not None:
            self._idle.put_nowait(spare)
        await self._stop(worker)
        if spare is not None:
            await self._refill_spare()
            return
        delay = 0.5
        while not self._closing:
            try:
                new = await self._spawn(lazy=True)  # may start during a write
            except (OSError, RuntimeError):
                log.exception("échec du remplacement d'un processus de requête")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
                continue
            self._idle.put_nowait(new)
            return

    async def _refill_spare(self) -> None:
        if self._refilling or self._spare is not None:
            return
        self._refilling = True
        try:
            while not self._closing and self._spare is None:
                try:
                    self._spare = await self._spawn(lazy=True)
                except (OSError, RuntimeError):
                    log.exception("échec du démarrage d'un processus de requête de réserve")
                    await asyncio.sleep(1)
        finally:
            self._refilling = False

    async def _exit_code(self, worker: Worker) -> int | None:
        """The exit status of a worker whose socket closed (it is dying)."""
        try:
            return await asyncio.wait_for(asyncio.shield(worker.process.wait()), 2)
        except TimeoutError:
            return None

    async def _exchange(
        self, worker: Worker, job: ipc.Job, payload: bytes, timeout: float
    ) -> tuple[ipc.Reply, bytes]:
        """Send one job and wait for its reply; the worker is lost on any failure."""
        demotion = asyncio.get_running_loop().call_later(
            priority.DEMOTE_AFTER, priority.demote, worker
        )
        try:
            async with asyncio.timeout(timeout):  # no extra task, unlike wait_for
                await ipc.send_async(worker.writer, job, payload)
                reply, body = await ipc.recv_async(worker.reader)
        except TimeoutError:
            self._discard(worker)
            raise QueryTimeout from None
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            code = await self._exit_code(worker)
            self._discard(worker)
            if self.query_memory and code == -signal.SIGABRT:
                raise QueryOutOfMemory from None
            if code == -signal.SIGSEGV:
                raise TooDeepToRead(f"exit status {code}") from exc
            raise WorkerCrashed(f"exit status {code}") from exc
        except BaseException:  # cancelled mid-job (client gone, shutdown): state unknown
            self._discard(worker)
            raise
        finally:
            demotion.cancel()
        if isinstance(reply, ipc.Failure) and reply.reason == "memory":
            self._discard(worker)  # it exits after saying so
            raise QueryOutOfMemory
        worker.jobs += 1
        return reply, body

    async def run(
        self, job: ipc.Job, payload: bytes = b"", *, deadline: float
    ) -> tuple[ipc.Reply, bytes]:
        """Run a read job on the worker that answered last (LIFO), waiting until ``deadline``
        (event-loop time) at most."""
        try:
            async with asyncio.timeout_at(deadline):
                async with self._gate:
                    worker = await self._idle.get()
                    while worker.process.returncode is not None:  # died idle: zygote gone…
                        self._discard(worker)
                        worker = await self._idle.get()
        except TimeoutError:
            raise PoolBusy from None
        reply = await self._exchange(worker, job, payload, self.timeout)
        worn = self._launcher.worn(worker.process.pid)
        if worn is None:  # maybe: measured off the loop, the answer not kept waiting
            task = asyncio.create_task(self._settle(worker))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self._release(worker, worn=worn)
        return reply

    def _release(self, worker: Worker, *, worn: bool) -> None:
        """A worker whose job is done: idle again, or replaced."""
        if worn:
            self._discard(worker, worn=True)
        elif worker.demoted and not priority.restore(worker):
            self._discard(worker)
        else:
            self._idle.put_nowait(worker)

    async def _settle(self, worker: Worker) -> None:
        try:
            worn = await asyncio.to_thread(self._launcher.measure_worn, worker.process.pid)
        except asyncio.CancelledError:  # the pool is closing
            with contextlib.suppress(ProcessLookupError):
                worker.process.kill()
            worker.writer.close()
            raise
        if self._closing:
            await self._stop(worker)
        else:
            self._release(worker, worn=worn)

    @contextlib.asynccontextmanager
    async def exclusive(self, *, deadline: float) -> AsyncIterator[None]:
        """Hold every worker, its store closed, so the server may open the store to write."""
        if not self._launcher.writable:
            raise ReadOnlyReplica
        taken: list[Worker] = []
        try:
            async with asyncio.timeout_at(deadline):
                async with self._gate:
                    while len(taken) < self.size:
                        taken.append(await self._idle.get())
        except TimeoutError:
            for worker in taken:
                self._idle.put_nowait(worker)
            raise PoolBusy from None
        lost: Worker | None = None
        try:
            for worker in taken:
                lost = worker
                await self._exchange(worker, ipc.CloseJob(), b"", self.timeout)
                lost = None
            yield
        finally:
            # A worker whose exchange failed was discarded (and is being replaced).
            for worker in taken:
                if worker is not lost:
                    self._idle.put_nowait(worker)

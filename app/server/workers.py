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
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.server import ipc

log = logging.getLogger("cvkg.server")
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


class QueryTimeout(Exception):
    """The job overran its time limit; its worker was killed."""


class PoolBusy(Exception):
    """No worker became free in time."""


class WorkerCrashed(Exception):
    """The worker died while working on the job."""


@dataclass
class Worker:
    process: asyncio.subprocess.Process
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    isolated: bool = False
    jobs: int = 0


@dataclass
class WorkerPool:
    store_path: Path
    size: int
    timeout: float
    prefixes: dict[str, str] = field(default_factory=dict)
    isolate: bool = True
    _idle: asyncio.Queue[Worker] = field(init=False)
    _gate: asyncio.Lock = field(init=False)
    _tasks: set[asyncio.Task[None]] = field(init=False, default_factory=set)
    _closing: bool = field(init=False, default=False)
    isolated: bool = field(init=False, default=False)
    replaced: int = field(init=False, default=0)

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        self._gate = asyncio.Lock()
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)
        self.isolated = all(w.isolated for w in workers)

    async def close(self) -> None:
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        while not self._idle.empty():
            await self._stop(self._idle.get_nowait())

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    async def _spawn(self) -> Worker:
        parent, child = socket.socketpair()
        env = dict(os.environ)
        paths = [str(_PROJECT_ROOT), env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
        args = [
            "-m",
            "app.server.worker_main",
            "--fd",
            str(child.fileno()),
            "--store",
            str(self.store_path),
            "--prefixes",
            json.dumps(self.prefixes),
        ]
        if not self.isolate:
            args.append("--no-isolation")
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                *args,
                pass_fds=(child.fileno(),),
                stdin=asyncio.subprocess.DEVNULL,
                env=env,
            )
        finally:
            child.close()
        reader, writer = await asyncio.open_unix_connection(sock=parent, limit=2**20)
        try:
            ready, _ = await asyncio.wait_for(ipc.recv_async(reader), 60)
        except (asyncio.IncompleteReadError, TimeoutError) as exc:
            process.kill()
            await process.wait()
            raise RuntimeError("un processus de requête n'a pas démarré (voir stderr)") from exc
        return Worker(process, reader, writer, isolated=bool(ready.get("isolated")))

    async def _stop(self, worker: Worker) -> None:
        with contextlib.suppress(ProcessLookupError):
            worker.process.kill()
        worker.writer.close()
        await worker.process.wait()

    def _discard(self, worker: Worker) -> None:
        """Kill a worker in an unknown state and start its replacement."""
        task = asyncio.create_task(self._replace(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace(self, worker: Worker) -> None:
        await self._stop(worker)
        delay = 0.5
        while not self._closing:
            try:
                new = await self._spawn()
            except (OSError, RuntimeError):
                log.exception("échec du remplacement d'un processus de requête")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
                continue
            self.replaced += 1
            self._idle.put_nowait(new)
            return

    async def _exchange(
        self, worker: Worker, job: dict[str, Any], payload: bytes, timeout: float
    ) -> tuple[dict[str, Any], bytes]:
        """Send one job and wait for its reply; the worker is lost on any failure."""
        try:
            async with asyncio.timeout(timeout):  # no extra task, unlike wait_for
                await ipc.send_async(worker.writer, job, payload)
                reply = await ipc.recv_async(worker.reader)
        except TimeoutError:
            self._discard(worker)
            raise QueryTimeout from None
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            self._discard(worker)
            raise WorkerCrashed(str(exc)) from exc
        except BaseException:  # cancelled mid-job: state unknown
            self._discard(worker)
            raise
        worker.jobs += 1
        return reply

    async def run(
        self, job: dict[str, Any], payload: bytes = b"", *, wait: float
    ) -> tuple[dict[str, Any], bytes]:
        """Run a read job on the next free worker (FIFO), waiting at most ``wait`` s."""
        async with self._gate:
            try:
                worker = await asyncio.wait_for(self._idle.get(), wait)
            except TimeoutError:
                raise PoolBusy from None
        reply = await self._exchange(worker, job, payload, self.timeout)
        self._idle.put_nowait(worker)
        return reply

    @contextlib.asynccontextmanager
    async def exclusive(self, *, wait: float) -> AsyncIterator[None]:
        """Hold every worker, its store closed, so the server may open the store to write."""
        taken: list[Worker] = []
        try:
            async with self._gate:
                async with asyncio.timeout(wait):
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
                await self._exchange(worker, {"op": "close"}, b"", self.timeout)
                lost = None
            yield
        finally:
            # A worker whose exchange failed was discarded (and is being replaced).
            for worker in taken:
                if worker is not lost:
                    self._idle.put_nowait(worker)

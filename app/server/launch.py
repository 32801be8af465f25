"""How the pool gets a new query worker: spawned, or forked by the zygote.

``CVKG_STORE_MODE=disk`` (the default): each worker is a fresh
``python -m app.server.worker_main`` that opens the on-disk store read-only.
``memory``: a zygote (``zygote.py``) holds the only in-memory copy of the
data and forks the workers, which share its pages. Either way the pool gets
a process it can kill and wait for, and the server's end of a socket on which
the worker says ``Ready``; the rest (time limit, replacement, memory failure,
fair share) is the pool's and does not depend on the mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from app.server.allocator import preload_environment
from app.server.private_pages import PrivatePages

log = logging.getLogger("cvkg.server")
_PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Copying the store into memory takes ≈ 20-40 s at 2,000 contracts on a busy
# machine; a zygote not ready after this is reported as failed.
ZYGOTE_START_TIMEOUT = 900.0


Forked = tuple[int, list[int], "asyncio.Future[int]"]  # pid, (socket, pidfd), exit


class WorkerProcess(Protocol):
    """What the pool needs of a worker process (``asyncio`` subprocess or forked)."""

    pid: int

    @property
    def returncode(self) -> int | None: ...

    def kill(self) -> None: ...

    async def wait(self) -> int: ...


def _environment(preload: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(_PROJECT_ROOT), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    env["RUST_BACKTRACE"] = "0"  # an allocation failure is one line in the log
    return preload_environment(env, preload)


@dataclass
class Options:
    store_path: Path
    prefixes: dict[str, str]
    query_memory: int
    isolate: bool
    preload: Path | None = None  # the workers' malloc (allocator.py); None: the C library's

    def arguments(self, fd: int) -> list[str]:
        args = [
            "--fd",
            str(fd),
            "--store",
            str(self.store_path),
            "--prefixes",
            json.dumps(self.prefixes),
            "--memory",
            str(self.query_memory),
        ]
        return args if self.isolate else [*args, "--no-isolation"]


async def _start(
    module: str, options: Options, kind: int, extra: list[str]
) -> tuple[asyncio.subprocess.Process, socket.socket]:
    """``python -m module`` given one end of a new socket pair; the other end."""
    parent, child = socket.socketpair(socket.AF_UNIX, kind)
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            *options.arguments(child.fileno()),
            *extra,
            pass_fds=(child.fileno(),),
            stdin=asyncio.subprocess.DEVNULL,
            env=_environment(options.preload),
        )
    finally:
        child.close()
    return process, parent


@dataclass
class SubprocessLauncher:
    """Disk mode: one interpreter per worker, each opening the store read-only."""

    options: Options
    writable: bool = True  # writes close the workers' stores, then reopen them

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    def worn(self, pid: int) -> bool | None:
        return False  # a worker's own store: nothing shared to copy

    def measure_worn(self, pid: int) -> bool:
        return False

    async def spawn(self, *, lazy: bool) -> tuple[WorkerProcess, socket.socket]:
        extra = ["--lazy"] if lazy else []
        return await _start("app.server.worker_main", self.options, socket.SOCK_STREAM, extra)


@dataclass
class ForkedProcess:
    """A worker forked by the zygote: killed through its pidfd (never another
    process that reused its pid), its exit status reported by the zygote."""

    pid: int
    pidfd: int
    exited: asyncio.Future[int]

    def __post_init__(self) -> None:
        self.exited.add_done_callback(lambda _: os.close(self.pidfd))

    @property
    def returncode(self) -> int | None:
        return self.exited.result() if self.exited.done() else None

    def kill(self) -> None:
        if not self.exited.done():
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)

    async def wait(self) -> int:
        return await asyncio.shield(self.exited)


@dataclass
class ZygoteLauncher:
    """Memory mode: workers forked from the zygote's in-memory copy of the store."""

    options: Options
    private_memory: int = 0  # bytes of its own pages after which a worker is replaced
    writable: bool = False  # a read replica of one build: see deps.apply_write
    _process: asyncio.subprocess.Process | None = field(default=None, init=False)
    _control: socket.socket | None = field(default=None, init=False)
    _ready: asyncio.Future[dict[str, Any]] | None = field(default=None, init=False)
    _forked: asyncio.Future[Forked] | None = field(default=None, init=False)
    _exits: dict[int, asyncio.Future[int]] = field(default_factory=dict, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    started: dict[str, Any] = field(default_factory=dict, init=False)  # the ready message
    _pages: PrivatePages = field(init=False)

    def __post_init__(self) -> None:
        self._pages = PrivatePages(self.private_memory)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._process, parent = await _start(
            "app.server.zygote", self.options, socket.SOCK_SEQPACKET, []
        )
        parent.setblocking(False)
        self._control = parent
        self._ready = loop.create_future()
        loop.add_reader(parent.fileno(), self._on_message)
        try:
            self.started = await asyncio.wait_for(self._ready, ZYGOTE_START_TIMEOUT)
        except (TimeoutError, RuntimeError) as exc:
            await self.close()
            raise RuntimeError("le processus de chargement en mémoire n'a pas démarré") from exc
        origin = "les fichiers chargés" if self.started["source"] == "files" else "le magasin"
        print(  # on stderr, with the server's other start-up lines
            f"Données copiées en mémoire en {self.started['seconds']:.1f} s "
            f"(depuis {origin}, zygote {self.started['pid']}).",
            file=sys.stderr,
        )

    async def close(self) -> None:
        if self._control is not None:
            asyncio.get_running_loop().remove_reader(self._control.fileno())
            self._control.close()
            self._control = None
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
            await self._process.wait()
            self._process = None
        self._gone()

    def _gone(self) -> None:
        """The zygote is gone: its workers die with it (PDEATHSIG)."""
        pending: list[asyncio.Future[Any]] = [f for f in (self._ready, self._forked) if f]
        for waiting in pending:
            if not waiting.done():
                waiting.set_exception(RuntimeError("zygote gone"))
        for exited in self._exits.values():
            if not exited.done():
                exited.set_result(-signal.SIGKILL)
        self._exits.clear()

    def _on_message(self) -> None:
        assert self._control is not None
        try:
            data, fds, _, _ = socket.recv_fds(self._control, 4096, 2)
        except (BlockingIOError, InterruptedError):
            return
        if not data:
            asyncio.get_running_loop().remove_reader(self._control.fileno())
            self._control.close()
            self._control = None
            log.error("le processus de chargement en mémoire (zygote) s'est arrêté")
            self._gone()
            return
        message = json.loads(data)
        op = message.get("op")
        if op == "ready" and self._ready is not None and not self._ready.done():
            self._ready.set_result(message)
        elif op == "forked" and self._forked is not None and not self._forked.done():
            # Created now: the zygote reports an exit only after the fork.
            exited = self._exits[message["pid"]] = asyncio.get_running_loop().create_future()
            self._forked.set_result((message["pid"], fds, exited))
        elif op == "error" and self._forked is not None and not self._forked.done():
            self._forked.set_exception(RuntimeError(message.get("message", "fork refused")))
        elif op == "exited":
            future = self._exits.pop(message["pid"], None)  # the pid may be reused later
            self._pages.forget(message["pid"])
            if future is not None and not future.done():
                future.set_result(int(message["code"]))
        else:
            for fd in fds:
                os.close(fd)

    def worn(self, pid: int) -> bool | None:
        """Whether the worker has made too much of the shared copy its own
        (``None``: maybe; ``measure_worn`` tells): see ``private_pages``."""
        return self._pages.past_limit(pid)

    def measure_worn(self, pid: int) -> bool:
        """The exact answer ``worn`` could not give (≈ 50 ms: not on the loop)."""
        return self._pages.measure(pid)

    async def spawn(self, *, lazy: bool) -> tuple[WorkerProcess, socket.socket]:
        """A freshly forked worker (``lazy`` is moot: nothing to open)."""
        async with self._lock:
            if self._control is None:  # the zygote died: load again
                await self.close()
                await self.start()
            assert self._control is not None
            self._forked = asyncio.get_running_loop().create_future()
            self._control.send(b'{"op": "fork"}')
            pid, fds, exited = await asyncio.wait_for(self._forked, 60)
        sock = socket.socket(fileno=fds[0])
        return ForkedProcess(pid, fds[1], exited), sock

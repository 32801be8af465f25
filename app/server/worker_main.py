"""Entry point of one query worker process (``python -m app.server.worker_main``).

Why processes: a pyoxigraph query cannot be interrupted from Python, and a
thread stuck in Rust keeps its CPU. A worker that overruns
``CVKG_QUERY_TIMEOUT`` is killed (SIGKILL) and replaced by the server, which
truly frees the CPU. Each worker opens the store read-only.

Before anything else the worker tries to move into a network namespace of its
own, where no interface but a down loopback exists: defence in depth behind
the server's refusal of ``SERVICE`` and ``LOAD``, so that even a query that
slipped through could not reach any host. It is best effort (it needs user
namespaces or root), reported in the ready message and in ``/healthz``.

Memory is capped by the kernel: ``RLIMIT_DATA`` (heap and anonymous mappings)
is set to the worker's idle footprint, its store open, plus ``CVKG_QUERY_MEMORY``
(a spare opens its store, then sets the cap, at its first job). A query that
needs more makes pyoxigraph's allocator fail: Rust then aborts the process
(SIGABRT, measured on the memory bomb of ``tests/server/test_limits.py``), and
Python code gets ``MemoryError``, answered as such before the worker exits.
Either way the server answers 507 and starts a fresh worker. Workers also run
at a lower CPU priority than the server, so pages and cached API answers stay
quick while queries compete for the cores.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import dataclasses
import gc
import json
import os
import resource
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from app.server import ipc
from app.server.allocator import in_this_process

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1
NICENESS = 5  # below the server process, which answers pages and the API


def die_with_parent() -> None:
    """SIGKILL this process when its parent (the server, or the zygote) dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def isolate() -> bool:
    """Enter a fresh network namespace; ``True`` when it worked."""
    die_with_parent()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    if not hasattr(libc, "unshare"):
        return False
    if libc.unshare(CLONE_NEWNET) == 0:  # root / CAP_SYS_ADMIN
        return True
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return False
    # Map our own ids into the new user namespace, or files we create (an
    # admin write) would have no owner there and fail with EOVERFLOW.
    try:
        for name, text in (
            ("setgroups", "deny"),
            ("uid_map", f"{uid} {uid} 1"),
            ("gid_map", f"{gid} {gid} 1"),
        ):
            with open(f"/proc/self/{name}", "w") as handle:
                handle.write(text)
    except OSError:
        pass
    return True


def _data_size() -> int:
    """The process's current data segment (``VmData``), in bytes."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def cap_memory(query_memory: int) -> int | None:
    """Limit the data segment to what the worker uses now plus ``query_memory``."""
    if query_memory <= 0:
        return None
    limit = _data_size() + query_memory
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    return limit


def arguments() -> argparse.ArgumentParser:
    """The command line ``launch.Options.arguments`` writes (worker and zygote)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--prefixes", default="{}")
    parser.add_argument("--memory", type=int, default=0, help="bytes per query (0: no cap)")
    parser.add_argument("--no-isolation", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = arguments()
    parser.add_argument("--lazy", action="store_true", help="open the store at the first job")
    args = parser.parse_args(argv)
    isolated = False if args.no_isolation else isolate()
    with contextlib.suppress(OSError):
        os.nice(NICENESS)

    # Imported after unshare(): the user-namespace call requires a single thread.
    from pyoxigraph import Store

    sock = socket.socket(fileno=args.fd)
    prefixes: dict[str, str] = json.loads(args.prefixes)
    capped = False

    def open_store() -> Store:
        """The store, the memory cap set once it is open: opening it (RocksDB's
        threads and caches) is the worker's baseline, not a query's. A spare
        capped before its store was open could not open it under a small cap:
        the innocent query that followed a memory bomb got a 507 of its own."""
        nonlocal capped
        opened = Store.read_only(args.store)
        if not capped:
            gc.collect()
            cap_memory(args.memory)
            capped = True
        return opened

    store = None if args.lazy else open_store()
    ready = ipc.Ready(pid=os.getpid(), isolated=isolated, allocator=in_this_process())
    ipc.send_sync(sock, ready)
    return serve_jobs(sock, store, open_store, prefixes, args.memory)


def serve_jobs(
    sock: socket.socket,
    store: Any,
    open_store: Callable[[], Any],
    prefixes: dict[str, str],
    memory: int,
) -> int:
    """Answer jobs until the server hangs up; the exit code.

    Shared by the workers started by ``python -m`` (``open_store`` opens the
    disk store read-only) and those forked by the zygote (``zygote.py``: it
    gives back the in-memory store both share).
    """
    while True:
        message = ipc.recv_sync(sock)
        if message is None:
            return 0
        job, payload = message
        if isinstance(job, ipc.CloseJob):  # the server is about to write
            store = None  # readers must be closed while anyone writes
            gc.collect()
            ipc.send_sync(sock, ipc.Closed())
            continue
        try:
            store, reply = _do(job, payload, store, open_store, prefixes)
        except MemoryError:
            # The heap may be in any state: answer, then leave (the server replaces us).
            store = None
            gc.collect()
            limit = f"{memory // 2**20} Mio"
            ipc.send_sync(sock, ipc.Failure("memory", f"mémoire épuisée ({limit})"))
            return 3
        except Exception as exc:  # reported to the server, which logs it as a 500
            traceback.print_exc(file=sys.stderr)
            reply = (ipc.Failure("internal", f"{type(exc).__name__}: {exc}"), b"")
        ipc.send_sync(sock, *reply)


def _do(
    job: ipc.Job,
    payload: bytes,
    store: Any,
    open_store: Callable[[], Any],
    prefixes: dict[str, str],
) -> tuple[Any, tuple[ipc.Reply, bytes]]:
    """Run one read job; returns the (possibly reopened) store and the reply."""
    from app.server import execute

    if store is None:
        store = open_store()
    if isinstance(job, ipc.QueryJob):
        start = time.perf_counter()
        answer, body = execute.run_query(store, job, prefixes)
        if isinstance(answer, ipc.Answer):
            # measured here, so that freeing the evaluation state counts
            elapsed = round((time.perf_counter() - start) * 1000, 3)
            answer = dataclasses.replace(answer, query_ms=elapsed)
        return store, (answer, body)
    if isinstance(job, ipc.GraphReadJob):
        return store, execute.graph_read(store, job, prefixes)
    if isinstance(job, ipc.NamedGraphsJob):
        return store, execute.named_graphs(store)
    if isinstance(job, ipc.UpdateCheckJob):
        return store, _read_update(job)
    return store, (ipc.Failure("internal", f"unknown job {job!r}"), b"")


def _read_update(job: ipc.UpdateCheckJob) -> tuple[ipc.Reply, bytes]:
    """Parse (and run, on an empty store of its own) an admin's update: its syntax
    error, or an empty answer; what running it on nothing raises is no syntax error."""
    from pyoxigraph import Store

    try:
        Store().update(job.update, base_iri=job.base_iri)
    except SyntaxError as exc:
        return ipc.Failure("syntax", str(exc)), b""
    except Exception:  # noqa: BLE001, S110 - read: its errors on nothing are the write's to say
        pass
    return ipc.Answer("text/plain"), b""


def _cli() -> None:
    sys.exit(main())


if __name__ == "__main__":
    _cli()

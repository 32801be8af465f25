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
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import signal
import socket
import sys
import time
import traceback

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1


def _isolate() -> bool:
    """Enter a fresh network namespace; ``True`` when it worked."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    try:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # die with the server
    except AttributeError:
        pass
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--prefixes", default="{}")
    parser.add_argument("--no-isolation", action="store_true")
    args = parser.parse_args(argv)
    isolated = False if args.no_isolation else _isolate()

    # Imported after unshare(): the user-namespace call requires a single thread.
    from pyoxigraph import Store

    from app.server import execute, ipc

    sock = socket.socket(fileno=args.fd)
    prefixes: dict[str, str] = json.loads(args.prefixes)
    store: Store | None = Store.read_only(args.store)
    ipc.send_sync(sock, {"status": 200, "pid": os.getpid(), "isolated": isolated})

    while True:
        message = ipc.recv_sync(sock)
        if message is None:
            return 0
        job, payload = message
        op = job.get("op")
        try:
            if op in ("update", "graph_write", "close"):
                store = None  # readers must be closed while anyone writes
                gc.collect()
                if op == "update":
                    reply = execute.run_update(args.store, job)
                elif op == "graph_write":
                    reply = execute.graph_write(args.store, job, payload)
                else:
                    reply = ({"status": 200}, b"")
            else:
                if store is None:
                    store = Store.read_only(args.store)
                if op == "query":
                    start = time.perf_counter()
                    reply = execute.run_query(store, job, prefixes)
                    # measured here, so that freeing the evaluation state counts
                    reply[0]["query_ms"] = round((time.perf_counter() - start) * 1000, 3)
                elif op == "graph_read":
                    reply = execute.graph_read(store, job, prefixes)
                elif op == "named_graphs":
                    reply = execute.named_graphs(store)
                else:
                    reply = ({"status": 500, "message": f"unknown op {op!r}"}, b"")
        except Exception as exc:  # reported to the server, which logs it as a 500
            traceback.print_exc(file=sys.stderr)
            reply = ({"status": 500, "message": f"{type(exc).__name__}: {exc}"}, b"")
        ipc.send_sync(sock, *reply)


def _cli() -> None:
    sys.exit(main())


if __name__ == "__main__":
    _cli()

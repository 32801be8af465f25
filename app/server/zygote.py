"""The zygote of the in-memory mode (``CVKG_STORE_MODE=memory``): one copy of the
data, shared by every query worker.

An in-memory pyoxigraph store answers 2-7× faster than the on-disk one, but
a copy per worker would multiply its ≈ 800 MB (2,000 contracts). So one
process, started by the server (``python -m app.server.zygote``), enters the
workers' network namespace, copies the on-disk store into memory once, and
then only forks: each worker is a child sharing the zygote's pages
copy-on-write (queries read the store; they write only their own evaluation
state). The zygote runs no query, so it never holds a lock, a half-built
structure or a thread when it forks: it checks ``/proc/self/task`` before
each fork and refuses while any other thread is alive (the loader's threads
have ended once ``bulk_load`` returns).

The server asks for a worker over a control socket (``SOCK_SEQPACKET``, one
JSON message each); the reply carries two descriptors (``socket.send_fds``):
the worker's end of its job socket and a pidfd, so the server kills the
right process even after its pid is reused. The zygote reaps its children and
reports each exit status (``-SIGABRT`` means the memory cap was hit).

A forked worker's memory cap is relative to the forked footprint (what it
shares with the zygote plus its own), exactly like a spawned worker's:
``RLIMIT_DATA`` counts the inherited store once, new allocations on top.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any, NoReturn

from app.server import ipc, worker_main
from app.server.allocator import in_this_process


def threads_alive() -> int:
    """Threads of this process (a fork is safe only with one)."""
    return len(os.listdir("/proc/self/task"))


def load_in_memory(store_path: Path) -> tuple[Any, str]:
    """A pyoxigraph in-memory store holding every quad of the on-disk store, and
    where it was read from (``files`` or ``store``).

    The disk store is the truth the disk mode serves (the build plus the
    admin's graphs): the copy must hold the same quads, under the same data
    version. But opening RocksDB starts its background threads for good
    (``rocksdb:low``, ``rocksdb:high``, measured in ``/proc/self/task``), and a
    process with threads must not fork: so child processes read the store.
    Fast way: reload the files the store was loaded from (``store.served_files``,
    as ``bulk_load`` did) and keep them if a child counts as many quads in the
    store (admin graphs are graphs of their own: any non-empty one changes the
    count). Otherwise a child (``--dump``) streams the store as N-Quads through
    a pipe, loaded here as they come (2-3× slower at 2,000 contracts).
    """
    from pyoxigraph import RdfFormat, Store

    from app.server.bulk_load import derived_graph_iri
    from app.server.store import served_files

    memory = Store()
    files = served_files(store_path)
    if files:
        with _child("--count", store_path) as counter:
            for path in files:
                fmt = RdfFormat.from_extension(path.suffix.lstrip(".").lower())
                base = None if fmt == RdfFormat.N_QUADS else derived_graph_iri(path)
                memory.bulk_load(path=str(path), format=fmt, base_iri=base)
            counted, _ = counter.communicate()
        if counter.returncode == 0 and int(counted) == len(memory):
            return memory, "files"
        memory.clear()
    with _child("--dump", store_path) as dumper:
        assert dumper.stdout is not None
        # By path: the native loader reads the pipe itself, without the GIL.
        memory.bulk_load(path=f"/dev/fd/{dumper.stdout.fileno()}", format=RdfFormat.N_QUADS)
    if dumper.returncode != 0:
        raise RuntimeError(f"lecture du magasin {store_path} : code {dumper.returncode}")
    gc.collect()
    return memory, "store"


def _child(option: str, store_path: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "app.server.zygote", option, str(store_path)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)  # noqa: S603


def read_store(option: str, store_path: str) -> int:
    """``--dump``: the whole store as N-Quads on stdout; ``--count``: its quads."""
    from pyoxigraph import RdfFormat, Store

    store = Store.read_only(store_path)
    if option == "--count":
        sys.stdout.write(f"{len(store)}\n")
        return 0
    store.dump(sys.stdout.buffer, format=RdfFormat.N_QUADS)
    sys.stdout.buffer.flush()
    return 0


def _exit_status(status: int) -> int:
    """As ``asyncio`` reports it: ``-signal`` when killed, else the exit code."""
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


class Zygote:
    def __init__(self, control: socket.socket, store: Any, args: argparse.Namespace) -> None:
        self.control = control
        self.store = store
        self.args = args
        self.prefixes: dict[str, str] = json.loads(args.prefixes)
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_w, False)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes select via the pipe
        signal.set_wakeup_fd(self.wake_w)

    def send(self, message: dict[str, Any], fds: list[int] | None = None) -> None:
        socket.send_fds(self.control, [json.dumps(message).encode()], fds or [])

    def loop(self) -> int:
        while True:
            ready, _, _ = select.select([self.control.fileno(), self.wake_r], [], [])
            if self.wake_r in ready:
                os.read(self.wake_r, 512)
                self.reap()
            if self.control.fileno() in ready:
                data = self.control.recv(4096)
                if not data:  # the server is gone (its children die with it)
                    return 0
                if json.loads(data).get("op") == "fork":
                    self.fork()

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.send({"op": "exited", "pid": pid, "code": _exit_status(status)})

    def fork(self) -> None:
        alive = threads_alive()
        if alive != 1:
            self.send({"op": "error", "message": f"{alive} threads alive: no fork"})
            return
        mine, theirs = socket.socketpair()
        zygote = os.getpid()
        pid = os.fork()
        if pid == 0:
            mine.close()
            self.child(theirs, zygote)
        theirs.close()
        pidfd = os.pidfd_open(pid)
        try:
            self.send({"op": "forked", "pid": pid}, [mine.fileno(), pidfd])
        finally:
            mine.close()
            os.close(pidfd)

    def child(self, sock: socket.socket, zygote: int) -> NoReturn:
        """The forked worker: forget the zygote's duties, cap memory, serve jobs."""
        code = 1
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for fd in (self.wake_r, self.wake_w):
                os.close(fd)
            self.control.close()
            worker_main.die_with_parent()
            if os.getppid() != zygote:  # the zygote died before the line above
                os._exit(1)
            worker_main.cap_memory(self.args.memory)
            ready = ipc.Ready(os.getpid(), self.args.isolated, in_this_process())
            ipc.send_sync(sock, ready)
            store = self.store
            code = worker_main.serve_jobs(
                sock, store, lambda: store, self.prefixes, self.args.memory
            )
        except BaseException:
            traceback.print_exc(file=sys.stderr)
        finally:
            os._exit(code)


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] in (["--dump"], ["--count"]):
        return read_store(sys.argv[1], sys.argv[2])
    args = worker_main.arguments().parse_args(argv)
    # Before any thread exists (unshare needs one); the workers inherit both.
    args.isolated = False if args.no_isolation else worker_main.isolate()
    control = socket.socket(fileno=args.fd)
    start = time.perf_counter()
    store, source = load_in_memory(Path(args.store))
    gc.collect()
    gc.freeze()  # the collector then never writes to the shared objects' pages
    with contextlib.suppress(OSError):
        os.nice(worker_main.NICENESS)  # after the load: start-up at full speed
    zygote = Zygote(control, store, args)
    zygote.send(
        {
            "op": "ready",
            "pid": os.getpid(),
            "seconds": round(time.perf_counter() - start, 3),
            "source": source,
            "threads": threads_alive(),
            "isolated": args.isolated,
        }
    )
    return zygote.loop()


if __name__ == "__main__":
    sys.exit(main())

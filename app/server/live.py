"""Run ``cvkg serve`` in a subprocess on a free loopback port and wait for it
(or, for a test that assembles an app of its own, uvicorn in a thread).

Used by the test suite, the W3C conformance runner and the benchmark, which
all talk to a real server over HTTP (no test client, no mocks).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from app.server.run import listening_socket

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def app_in_thread(app: Any, *, loop: str = "auto") -> Iterator[tuple[str, Any]]:
    """An ASGI ``app`` served by uvicorn on a loopback port, in a thread of this
    process: a real server and real connections for a test that assembles an app
    of its own (``(url, uvicorn server)``; ``loop``: uvicorn's event loop)."""
    sock = listening_socket("127.0.0.1", 0)
    config = uvicorn.Config(app, loop=loop, log_level="error", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn stopped before it started")
            time.sleep(0.02)
        host, port = sock.getsockname()[:2]
        yield f"http://{host}:{port}", server
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@dataclass
class LiveServer:
    url: str  # http://127.0.0.1:PORT
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str]  # the CVKG_* settings it was started with

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def live_server(
    data_files: list[Path] | None,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    graph: str | None = None,
    startup_timeout: float = 60.0,
) -> Iterator[LiveServer]:
    """A running server over ``data_files`` (or the built graph when ``None``).

    ``env`` adds ``CVKG_*`` settings; inherited ``CVKG_*`` variables are dropped
    so that a developer's shell cannot change what a test sees.
    """
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CVKG_")}
    environment.update(env or {})
    # Each server keeps the graphs written to it beside its log unless told
    # otherwise: never in the project's var/annotations.
    environment.setdefault("CVKG_ANNOTATIONS_DIR", str(log_path.with_suffix(".annotations")))
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if data_files is not None:
        command += ["--data", *map(str, data_files)]
    if graph:
        command += ["--graph", graph]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and CLI)
            command, cwd=PROJECT_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path, dict(env or {}))
    try:
        _wait_until_up(server, startup_timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(server: LiveServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"le serveur s'est arrêté au démarrage :\n{server.log()}")
        try:
            health = f"{server.url}/healthz"  # always http://127.0.0.1
            with urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except urllib.error.HTTPError:
            return  # it answers: a 503 says its external engine is unreachable
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"le serveur n'a pas répondu en {timeout:g} s :\n{server.log()}")


def processes() -> dict[int, tuple[int, str]]:
    """Every process of the machine: its parent and its state letter (from /proc)."""
    found: dict[int, tuple[int, str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(entry)] = (int(fields[1]), fields[0])
    return found


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (from /proc).

    What a server costs the machine: the server process plus its query workers.
    """
    children: dict[int, list[int]] = {}
    for entry, (parent, _state) in processes().items():
        children.setdefault(parent, []).append(entry)
    total, todo = 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm", encoding="ascii") as handle:
                total += int(handle.read().split()[1]) * page
        except OSError:
            continue
        todo.extend(children.get(current, []))
    return total

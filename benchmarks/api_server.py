"""A server for the API benchmark: on a dump (``cvkg serve --data``) or an already
loaded store (``serve_store.py``: no reload of millions of quads per run)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from app.server.live import PROJECT_ROOT, LiveServer, free_port, live_server
from benchmarks.engines import wait_ready


@contextlib.contextmanager
def api_server(
    data: Path, workdir: Path, store: Path | None, workers: int | None
) -> Iterator[LiveServer]:
    """``cvkg serve --data`` (loads the dump), or the server on an already loaded ``store``.

    ``CVKG_MAX_ROWS`` is passed on (the SPARQL matrix has 79 k rows at 2 000 contracts),
    and ``CVKG_WORKER_ALLOCATOR`` (to compare the workers' ``malloc``).
    """
    env = {"CVKG_QUERY_WORKERS": str(workers)} if workers else {}
    passed = ("CVKG_MAX_ROWS", "CVKG_WORKER_ALLOCATOR")
    env |= {k: v for k, v in os.environ.items() if k in passed}
    if store is None:
        with live_server([data], workdir / "server.log", env=env, startup_timeout=600) as s:
            yield s
        return
    port, log = free_port(), workdir / "server.log"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CVKG_")} | env
    serve_store = [sys.executable, str(Path(__file__).with_name("serve_store.py"))]
    with open(log, "wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [*serve_store, "--store", str(store), "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{url}/healthz", process, log)
        yield LiveServer(url, process, log, env)
    finally:
        process.terminate()
        process.wait(30)


def wait_api_ready(client: httpx.Client, timeout: float = 1800) -> float:
    """Seconds until ``/healthz`` says the API's start-up preparation is over."""
    start = time.perf_counter()
    if "api_ready" not in client.get("/healthz").json():  # an older server: these wait for it
        client.get("/api/search?q=x"), client.get("/api/matrix")
        return time.perf_counter() - start
    while not client.get("/healthz").json().get("api_ready"):
        if time.perf_counter() - start > timeout:
            raise TimeoutError("API jamais prête")
        time.sleep(0.2)
    return time.perf_counter() - start

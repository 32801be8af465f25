"""What the external-engine tests share besides fixtures: starting Oxigraph's server,
publishing the build into it, reading a SELECT answer as plain values, waiting
for a replica's /healthz (a module of its own, so that no test imports
``conftest`` by name: several test folders have one)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from app.server.live import LiveServer


def publish(
    engine: str,
    built_dir: Path,
    cvkg_exe: str,
    cvkg_env: dict[str, str],
    extra: dict[str, str] | None = None,
) -> str:
    """``cvkg publish`` of the build into ``engine``; what it said on stderr."""
    env = dict(cvkg_env, CVKG_BUILD_DIR=str(built_dir), **(extra or {}))
    done = subprocess.run(
        [cvkg_exe, "publish", "--quiet", "--graph-store", f"{engine}/store"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def select(url: str, query: str) -> list[dict[str, str]]:
    response = httpx.post(
        url, data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return [
        {k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]
    ]


OXIGRAPH = Path(sys.executable).with_name("oxigraph")


@contextmanager
def oxigraph_server(folder: Path, port: int) -> Iterator[str]:
    """Oxigraph's server (the wheel's binary) on a loopback port, read-write, union
    default graph, its own 20 s timeout; its URL once it answers."""
    assert OXIGRAPH.is_file(), "the oxigraph wheel (test extras) ships this binary"
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder.parent / f"{folder.name}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(OXIGRAPH), "serve", "--location", str(folder / "db")]
            + ["--bind", f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", "20"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            assert process.poll() is None, log_path.read_text(errors="replace")
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_for_status(server: LiveServer, status: str) -> dict[str, object]:
    """/healthz once it says ``status`` (a replica polls its engine every
    CVKG_REMOTE_VERSION_TTL); 200 for ``ok``, else 503."""
    for _ in range(100):
        health = httpx.get(f"{server.url}/healthz")
        if health.json()["status"] == status:
            assert health.status_code == (200 if status == "ok" else 503), health.text
            return dict(health.json())
        time.sleep(0.1)
    raise AssertionError(f"/healthz never said {status!r}: {health.text}")

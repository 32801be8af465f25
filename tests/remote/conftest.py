"""Oxigraph's own server (the ``oxigraph`` wheel's binary) as the external engine, one per
test module, with the seed build published into it by ``cvkg publish``."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from remote_helpers import publish

from app.server.live import free_port

OXIGRAPH = Path(sys.executable).with_name("oxigraph")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Oxigraph's server, read-write, union default graph, its own 20 s timeout."""
    assert OXIGRAPH.is_file(), "the oxigraph wheel (test extras) ships this binary"
    tmp = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    with open(tmp / "oxigraph.log", "wb") as log:
        process = subprocess.Popen(
            [str(OXIGRAPH), "serve", "--location", str(tmp / "db")]
            + ["--bind", f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", "20"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def published(engine: str, built_dir: Path, cvkg_exe: str, cvkg_env: dict[str, str]) -> str:
    publish(engine, built_dir, cvkg_exe, cvkg_env)
    return engine

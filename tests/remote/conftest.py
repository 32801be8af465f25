"""Oxigraph's own server (the ``oxigraph`` wheel's binary) as the external engine, one per
test module, with the seed build published into it by ``cvkg publish``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from remote_helpers import oxigraph_server, publish

from app.server.live import free_port


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Oxigraph's server, read-write, union default graph, its own 20 s timeout."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph"), free_port()) as url:
        yield url


@pytest.fixture(scope="module")
def published(engine: str, built_dir: Path, cvkg_exe: str, cvkg_env: dict[str, str]) -> str:
    publish(engine, built_dir, cvkg_exe, cvkg_env)
    return engine

"""One live server over the real build for the API tests, and what the seeds say.

The server is a real ``cvkg serve`` subprocess (``app.server.live``) on a free
loopback port, serving the session build (``built_dir``) from its own store
directory; the tests talk to it over HTTP with httpx, as a researcher would.
Expectations about the contracts come from the source documents themselves
(``seed_mentions``), not from the code under test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_helpers import fold

from app.server.live import LiveServer


@pytest.fixture(scope="session")
def api_server(seed_server: LiveServer) -> LiveServer:
    return seed_server


@pytest.fixture(scope="session")
def client(api_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server.url, timeout=60) as c:
        yield c


@pytest.fixture(scope="session")
def seed_mentions(seeds_dir: Path):
    """``mentions(words)``: {seed file name: [line numbers]} where the words occur (whole words)."""

    def mentions(words: str) -> dict[str, list[int]]:
        pattern = re.compile(r"\b" + r"\s+".join(re.escape(w) for w in fold(words).split()) + r"\b")
        found: dict[str, list[int]] = {}
        for path in sorted(seeds_dir.glob("*.txt")):
            lines = path.read_text(encoding="utf-8").splitlines()
            hits = [n for n, line in enumerate(lines, 1) if pattern.search(fold(line))]
            if hits:
                found[path.name] = hits
        return found

    return mentions

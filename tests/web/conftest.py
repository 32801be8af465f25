"""One live server for the linked-data tests: a real ``cvkg serve`` subprocess.

It serves the session build (``built_dir``, default base IRI
``https://w3id.org/contrats-de-ville/id/``) from a store of its own, on a free
loopback port; tests talk to it over HTTP with httpx, parse its RDF with rdflib
and drive its pages with a real browser. A base IRI that is not the server's
own host is the common deployment (w3id.org redirects to the server), so this
is also the test that ``/id/…`` maps onto the configured base.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from web_helpers import ARTIFACTS

from app.server.live import LiveServer


@pytest.fixture(scope="session")
def web_server(seed_server: LiveServer) -> LiveServer:
    return seed_server


@pytest.fixture(scope="session")
def http(web_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=web_server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (tests/artifacts/, not versioned)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

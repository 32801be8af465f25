"""Live servers for the W3C protocol tests: ``cvkg serve --data`` with each
manifest's data files (``ut:graphData``, loaded as the named graphs the
manifest names), one public and one with an admin token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.server.live import LiveServer, live_server

ADMIN_TOKEN = "jeton-conformite"


def _trig(tests_data: list[tuple[Path, str]], target: Path) -> Path:
    """One TriG file holding every data file as the named graph its label gives."""
    seen: dict[str, Path] = {}
    for path, name in tests_data:
        seen.setdefault(name, path)
    parts = [f"<{name}> {{\n{path.read_text(encoding='utf-8')}}}\n" for name, path in seen.items()]
    target.write_text("".join(parts), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def admin_token() -> str:
    return ADMIN_TOKEN


@pytest.fixture(scope="session")
def protocol_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from w3c_manifest import CONFORMANCE, load

    tests = load(CONFORMANCE / "sparql11-protocol" / "manifest.ttl")
    data = [item for test in tests for item in test.graph_data]
    return _trig(data, tmp_path_factory.mktemp("conformance") / "protocol.trig")


def _serve(
    tmp: pytest.TempPathFactory, name: str, data: Path, env: dict[str, str]
) -> Iterator[LiveServer]:
    with live_server([data], tmp.mktemp("logs") / f"{name}.log", env=env) as server:
        yield server


@pytest.fixture(scope="session", params=["disk", "memory"])
def protocol_server(tmp_path_factory, protocol_data, request) -> Iterator[LiveServer]:
    """Public (read-only) server over the protocol manifest's data, in both store
    modes (CVKG_STORE_MODE: the same protocol whether workers read disk or memory)."""
    env = {"CVKG_STORE_MODE": request.param}
    yield from _serve(tmp_path_factory, f"protocol-public-{request.param}", protocol_data, env)


@pytest.fixture(scope="session")
def protocol_admin_server(tmp_path_factory, protocol_data) -> Iterator[LiveServer]:
    yield from _serve(
        tmp_path_factory, "protocol-admin", protocol_data, {"CVKG_ADMIN_TOKEN": ADMIN_TOKEN}
    )


@pytest.fixture(scope="session")
def gsp_admin_server(tmp_path_factory) -> Iterator[LiveServer]:
    empty = tmp_path_factory.mktemp("gsp") / "empty.trig"
    empty.write_text("", encoding="utf-8")
    yield from _serve(tmp_path_factory, "gsp-admin", empty, {"CVKG_ADMIN_TOKEN": ADMIN_TOKEN})

"""A short, bounded version of ``benchmarks/load_attack.py`` on the seed build: while two
hostile clients fire runaway and memory-bomb queries, well-behaved clients mixing /sparql,
/id/ pages and /api answers get no error, and the server stays under a memory ceiling."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.server.live import LiveServer, live_server

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.load_attack import attack  # noqa: E402

QUERY_MEMORY_MIB = 384
WORKERS = 4
# server (≈ 250 MiB with the API's snapshot) + each worker's idle ≈ 60 MiB and its cap
CEILING_MIB = 400 + WORKERS * (60 + QUERY_MEMORY_MIB)


@pytest.fixture(scope="module")
def attacked_server(
    built_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("attacked")
    env = {
        "CVKG_BUILD_DIR": str(built_dir),
        "CVKG_STORE_DIR": str(tmp / "store"),
        "CVKG_QUERY_WORKERS": str(WORKERS),
        "CVKG_QUERY_MEMORY": f"{QUERY_MEMORY_MIB}M",
        "CVKG_QUERY_TIMEOUT": "8",
    }
    with live_server(None, tmp / "server.log", env=env) as server:
        yield server


def test_well_behaved_clients_are_served_while_two_attack(attacked_server: LiveServer) -> None:
    report = attack(
        attacked_server.url, attacked_server.process.pid, seconds=20, clients=12, hostile=2
    )
    summary = report.summary()
    assert set(report.good) == {200}, summary
    assert sum(report.good.values()) >= 30, summary
    assert report.percentile(0.99) < 20, summary  # generous: the 2 cores are shared
    assert set(report.hostile) <= {429, 503, 504, 507}, summary
    assert report.hostile[429] + report.hostile[504] + report.hostile[507] > 0, summary
    for status, message in report.hostile_messages.items():
        assert "CVKG_" in message, (status, message)
    assert report.peak_rss < CEILING_MIB * 2**20, summary

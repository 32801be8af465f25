"""Pages of contracts: 100 in JSON, with the next page's address; every contract in CSV,
where a spreadsheet has no next page to follow (an export stopped at 100, silently).

A real server over 120 synthetic contracts (``benchmarks/generate.py``, the graph the
benchmarks serve), asked as a notebook and a spreadsheet would."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.server.live import LiveServer, live_server

CONTRACTS = 120


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Iterator[LiveServer]:
    sys.path.insert(0, str(repo_root / "benchmarks"))
    from generate import generate

    folder = tmp_path_factory.mktemp("cent-vingt")
    dump = folder / "synthetic.nq"
    generate(CONTRACTS, dump)
    env = {"CVKG_STORE_DIR": str(folder / "store")}
    with live_server([dump], folder / "server.log", env=env, startup_timeout=180) as server:
        yield server


def _csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def test_json_by_pages_csv_whole(many: LiveServer) -> None:
    with httpx.Client(base_url=many.url, timeout=120) as http:
        first = http.get("/api/contrats").json()
        assert (len(first["contrats"]), first["count"]) == (100, CONTRACTS)
        assert first["pagination"]["suivant"] == "/api/contrats?offset=100&limit=100"
        assert len(_csv_rows(http.get("/api/contrats?format=csv"))) == CONTRACTS
        accepted = http.get("/api/contrats", headers={"Accept": "text/csv"})
        assert len(_csv_rows(accepted)) == CONTRACTS
        assert len(_csv_rows(http.get("/api/contrats?format=csv&limit=10"))) == 10
        theme = http.get("/api/themes").json()["themes"][0]["id"]
        everyone = http.get(f"/api/themes/{theme}").json()["count"]
        rows = _csv_rows(http.get(f"/api/themes/{theme}?format=csv"))
        assert len({r["contrat"] for r in rows}) == everyone

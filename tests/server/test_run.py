"""``cvkg serve`` without --data: builds the graph if needed and serves it."""

from __future__ import annotations

from pathlib import Path

import httpx

from app.server.live import live_server
from app.server.store import read_meta

CONTRACTS = "PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#> SELECT (COUNT(*) AS ?n) { ?c a cdv:Contrat }"


def test_serve_builds_then_reuses_the_store(tmp_path: Path) -> None:
    env = {"CVKG_BUILD_DIR": str(tmp_path / "build"), "CVKG_STORE_DIR": str(tmp_path / "store")}
    with live_server(None, tmp_path / "first.log", env=env) as server:
        response = httpx.get(server.sparql, params={"query": CONTRACTS}, timeout=30)
        assert int(response.json()["results"]["bindings"][0]["n"]["value"]) >= 5
    meta = read_meta(tmp_path / "store")
    assert meta["source"]["path"] == str((tmp_path / "build" / "cvkg.nq").resolve())
    dump = tmp_path / "build" / "cvkg.nq"
    stamp = dump.stat().st_mtime_ns
    with live_server(None, tmp_path / "second.log", env=env) as server:
        assert httpx.get(f"{server.url}/healthz").status_code == 200
        log = server.log()
    if dump.stat().st_mtime_ns == stamp:  # inputs unchanged meanwhile: no rebuild
        assert "à jour" in log  # reopened, not reloaded
        assert read_meta(tmp_path / "store")["loaded_at"] == meta["loaded_at"]

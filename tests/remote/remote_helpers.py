"""What the external-engine tests share besides fixtures: publishing the build into
the engine, and reading a SELECT answer as plain values (a module of its own, so
that no test imports ``conftest`` by name: several test folders have one)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx


def publish(
    engine: str,
    built_dir: Path,
    cvkg_exe: str,
    cvkg_env: dict[str, str],
    extra: dict[str, str] | None = None,
) -> None:
    env = dict(cvkg_env, CVKG_BUILD_DIR=str(built_dir), **(extra or {}))
    done = subprocess.run(
        [cvkg_exe, "publish", "--quiet", "--graph-store", f"{engine}/store"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


def select(url: str, query: str) -> list[dict[str, str]]:
    response = httpx.post(
        url, data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return [
        {k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]
    ]

"""A wrong ``CVKG_`` variable is said, with its value and what is expected, before any
command runs: it was a pydantic traceback, and an engine URL such as « not-a-url »
was taken, every request then failing with « Réessayez plus tard »."""

from __future__ import annotations

import subprocess

import pytest


@pytest.mark.parametrize(
    ("variable", "value", "command", "expected"),
    [
        ("CVKG_STORE_MODE", "disque", "stats", "'disk' or 'memory'"),
        ("CVKG_MAX_QUERY_BYTES", "beaucoup", "build", "valid integer"),
        ("CVKG_SPARQL_ENDPOINT", "not-a-url", "serve", "n'est pas l'URL d'un moteur SPARQL"),
        ("CVKG_SPARQL_GRAPH_STORE", "ftp://h/store", "publish", "http:// ou https://"),
    ],
)
def test_a_wrong_setting_is_said_without_a_traceback(
    variable: str, value: str, command: str, expected: str, cvkg_exe: str, cvkg_env: dict
) -> None:
    done = subprocess.run(  # noqa: S603 - our console script
        [cvkg_exe, command],
        env={**cvkg_env, variable: value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done
    assert f"{variable}={value!r}" in done.stderr and expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr

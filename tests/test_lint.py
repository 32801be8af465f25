"""The linters as tests, so that CI enforces them: ruff (lint and format) and mypy.

Each runs as a subprocess from the bin directory of the interpreter running the
tests (the venv's), at the repository root, so it reads pyproject.toml there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SOURCES = ["app", "tests", "benchmarks"]

COMMANDS = {
    "ruff-check": ["ruff", "check", *SOURCES],
    "ruff-format": ["ruff", "format", "--check", *SOURCES],
    "mypy": ["mypy"],  # what and how: [tool.mypy] in pyproject.toml
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_linter_passes(name: str) -> None:
    tool, *args = COMMANDS[name]
    exe = BIN / tool
    assert exe.is_file(), (
        f"{tool} not installed next to {sys.executable} (pip install -e '.[test]')"
    )
    proc = subprocess.run(
        [str(exe), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = (proc.stdout + proc.stderr).strip()
    assert proc.returncode == 0, f"{' '.join([tool, *args])} exited {proc.returncode}:\n{output}"

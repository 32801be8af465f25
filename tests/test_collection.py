"""Every test file under tests/ is run by the suite's own command.

pytest skips some folder names by default (``build``, ``dist``, ``venv``…): tests/build
went unrun that way while its tests passed when named on the command line. This asks
pytest itself, as `make test` runs it (from the repository root, its pyproject.toml),
which files it collects, and compares with the test files on disk.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_every_test_file_is_collected() -> None:
    on_disk = {
        p.relative_to(REPO_ROOT).as_posix()
        for p in (REPO_ROOT / "tests").rglob("test_*.py")
        if not any(part.startswith(".") or part == "__pycache__" for part in p.parts)
    }
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    collected = {line.split("::")[0] for line in proc.stdout.splitlines() if "::" in line}
    assert on_disk <= collected, f"never run by `make test`: {sorted(on_disk - collected)}"
    assert "tests/build/test_batch_sizes.py" in collected  # (the folder once skipped)

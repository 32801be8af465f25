"""kill -9 at random moments of admin writes: the old state or the new one, never a mix.

Runs ``scripts/kill_writes.py`` on the session build with a few trials (each
restarts a real server, so a few seconds apiece); the long run (≥ 100 kills)
is in docs/sparql-endpoint.md and is the same script with ``--trials 100``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

TRIALS = 4


def test_a_killed_write_leaves_the_old_or_the_new_state(
    built_dir: Path, repo_root: Path, tmp_path: Path
) -> None:
    spec = importlib.util.spec_from_file_location(
        "kill_writes", repo_root / "scripts" / "kill_writes.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = script  # dataclasses look their module up there
    spec.loader.exec_module(script)
    summary = script.run(TRIALS, built_dir, tmp_path, seed=12, triples=5000)
    assert summary.trials == TRIALS
    assert summary.failures == []

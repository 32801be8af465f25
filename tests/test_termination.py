"""SIGTERM inside ``sigterm_cleans_up``: cleanups run, the process still ends by the signal."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from app.server.live import PROJECT_ROOT

CHILD = """
import os, signal, sys, threading
from pathlib import Path
from app.termination import sigterm_cleans_up
marks = Path(sys.argv[1])
def work():
    try:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            marks.joinpath("after-signal").touch()  # never reached
        except Exception:
            marks.joinpath("taken-for-an-error").touch()  # nor this
    finally:
        marks.joinpath("cleaned").touch()
with sigterm_cleans_up():
    if sys.argv[2] == "nested":
        with sigterm_cleans_up():
            work()
    else:
        work()
marks.joinpath("went-on").touch()  # never reached: the process ends by the signal
"""


def _run(tmp_path: Path, mode: str) -> int:
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", CHILD, str(tmp_path), mode],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode


def test_the_cleanup_runs_and_the_process_ends_by_the_signal(tmp_path: Path) -> None:
    assert _run(tmp_path, "plain") == -signal.SIGTERM
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cleaned"]


def test_nested_uses_end_once_at_the_outermost(tmp_path: Path) -> None:
    assert _run(tmp_path, "nested") == -signal.SIGTERM
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cleaned"]


def test_without_the_signal_nothing_changes() -> None:
    from app.termination import sigterm_cleans_up

    before = signal.getsignal(signal.SIGTERM)
    with sigterm_cleans_up():
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before

"""The time of each step of a build, for the benchmarks (``CVKG_BUILD_TIMINGS=1``).

A rebuild after one contract changed is mostly what runs whatever changed
(hashing the inputs, reading 825 entries' figures, writing the dumps): to cut
it one must see each step's share, in the build's own process, with and
without the process pool. Printed on stderr, one line a step: wall and CPU
seconds. Off by default: it prints nothing and costs two clock reads a step.

The steps that only allocate long-lived objects (the entries' figures, the
dumps' statistics) run with the cyclic garbage collector paused
(:func:`no_collection`): at 825 contracts it walked their million objects
again and again for half a second, and none of them is in a cycle.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Steps:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.rows: list[tuple[str, float, float]] = []
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def mark(self, label: str) -> None:
        """The step that just ended."""
        if not self.enabled:
            return
        wall, cpu = time.perf_counter(), time.process_time()
        self.rows.append((label, wall - self._wall, cpu - self._cpu))
        self._wall, self._cpu = wall, cpu

    def report(self) -> None:
        if not self.enabled:
            return
        for label, wall, cpu in self.rows:
            print(f"  étape {label:<28} {wall:6.2f} s (CPU {cpu:6.2f} s)", file=sys.stderr)


@contextmanager
def no_collection() -> Iterator[None]:
    """The cyclic garbage collector paused in this block (as it was, after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

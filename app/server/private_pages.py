"""How much of the shared in-memory copy a forked worker has made its own.

pyoxigraph's in-memory store writes as it reads (reference counts, lock
words), so each page of the zygote's copy a worker reads becomes the
worker's own (copy-on-write), and memory mode replaces a worker whose own
pages pass ``CVKG_WORKER_PRIVATE_MEMORY``. Two ways to know them:

* the exact figure, ``Private_Clean + Private_Dirty`` of
  ``/proc/PID/smaps_rollup``, costs ≈ 40-60 ms at 2,000 contracts (the
  kernel walks the whole copy's page tables): too much after every job;
* the worker's minor page faults (``/proc/PID/stat``, ≈ 0.1 ms) bound it from
  above: each page copied on write is one fault. But every fresh allocation
  faults too, and a query's temporary memory is given back and faulted
  again at the next one: a worker answering large joins passed the limit by
  faults after a few questions while its own pages were far below, and was
  replaced — the next fork then paid its page copies again (the
  shared-dispositifs question: 118 ms median through workers replaced this
  way, 56 ms when none was, 34 ms for Oxigraph's server; issue 11).

So the two are combined: the exact figure is read only when the bound says
the worker *might* be past the limit, and then serves as a new base — own
pages can grow by at most one page per fault since it was read. The bound
stays an upper bound, so a worker truly past the limit is never kept.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

PAGE = os.sysconf("SC_PAGE_SIZE")


def minor_faults(pid: int) -> int:
    """Minor page faults of ``pid`` since it started (a forked child starts at 0)."""
    with open(f"/proc/{pid}/stat", "rb") as handle:
        # The command name (in parentheses) may hold spaces: split after it.
        return int(handle.read().rsplit(b")", 1)[1].split()[7])


def own_bytes(pid: int) -> int:
    """Bytes of ``pid``'s pages no other process maps (its USS): exact, slow."""
    total = 0
    with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
        for line in handle:
            if line.startswith((b"Private_Clean:", b"Private_Dirty:")):
                total += int(line.split()[1]) * 1024  # kB
    return total


@dataclass
class PrivatePages:
    """The limit on a worker's own pages, and what is known of each worker."""

    limit: int  # bytes; 0: no limit
    # pid → (its minor faults when its own pages were last read exactly, those bytes)
    _known: dict[int, tuple[int, int]] = field(default_factory=dict)

    def past_limit(self, pid: int) -> bool | None:
        """``False``: certainly within the limit (cheap); ``True``: past it;
        ``None``: maybe past it — ``measure`` tells (slow: run it off the loop)."""
        if not self.limit:
            return False
        try:
            faults = minor_faults(pid)
        except (OSError, ValueError, IndexError):
            return False  # gone: the pool notices a dead worker itself
        base_faults, base_bytes = self._known.get(pid, (0, 0))
        if base_bytes + (faults - base_faults) * PAGE <= self.limit:
            return False
        return None

    def measure(self, pid: int) -> bool:
        """Read the worker's own pages exactly; whether they are past the limit."""
        try:
            faults = minor_faults(pid)  # first: pages faulted meanwhile count twice
            own = own_bytes(pid)
        except (OSError, ValueError, IndexError):
            self.forget(pid)
            return False
        self._known[pid] = (faults, own)
        return own > self.limit

    def forget(self, pid: int) -> None:
        """A replaced worker's pid may come back for another process."""
        self._known.pop(pid, None)

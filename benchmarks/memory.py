"""Resident memory of a server and of its query workers, from ``/proc``.

RSS counts every page a process has in RAM, including the shared libraries
and the pages it shares with its siblings, so summing the RSS of a server and
its workers counts pyoxigraph's and Python's code several times. PSS
(proportional set size) splits each shared page among the processes sharing
it: the sum of PSS is what the group really occupies. USS (private pages) is
what killing one process would give back. All three come from
``/proc/<pid>/smaps_rollup`` (Linux ≥ 4.14).

    python benchmarks/memory.py PID
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Resident:
    pid: int
    name: str  # "server", "worker", "spare"…: the command line's last module
    rss_mb: float
    pss_mb: float
    uss_mb: float


def _rollup(pid: int) -> dict[str, int]:
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            fields[key] = int(parts[0])  # kB
    return fields


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _name(pid: int) -> str:
    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    text = " ".join(a.decode(errors="replace") for a in args if a)
    if "app.server.zygote" in text:  # memory mode: its children are forked workers
        return "zygote"
    if "worker_main" in text:
        return "worker (lazy)" if "--lazy" in text else "worker"
    return "server"


def tree(pid: int) -> list[Resident]:
    """The process ``pid`` and all its descendants, each with its RSS/PSS/USS in MB."""
    out: list[Resident] = []
    todo = [(pid, "")]
    while todo:
        p, parent = todo.pop(0)
        try:
            f = _rollup(p)
            name = "worker (forked)" if parent == "zygote" else _name(p)
            todo += [(child, name) for child in _children(p)]
        except OSError:  # gone meanwhile
            continue
        uss = f.get("Private_Clean", 0) + f.get("Private_Dirty", 0)
        out.append(Resident(p, name, f.get("Rss", 0) / 1024, f.get("Pss", 0) / 1024, uss / 1024))
    return out


def report(pid: int) -> str:
    """One line per process, then the totals (RSS summed, PSS summed)."""
    rows = tree(pid)
    lines = [
        f"  {r.name:<14} pid {r.pid:<8} "
        f"RSS {r.rss_mb:7.1f}  PSS {r.pss_mb:7.1f}  USS {r.uss_mb:7.1f}"
        for r in rows
    ]
    lines.append(
        f"  total          {len(rows)} processus  RSS {sum(r.rss_mb for r in rows):7.1f}  "
        f"PSS {sum(r.pss_mb for r in rows):7.1f}  (Mo)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(int(sys.argv[1])))

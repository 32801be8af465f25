"""Which ``malloc`` the query workers run with: mimalloc (or jemalloc) when there is one.

Why: pyoxigraph's evaluation allocates and frees a great many small blocks
(bindings, hash tables of joins and groups). With the C library's ``malloc``
the same queries on the same store, in the same process, take 10-30 % longer
than with mimalloc or jemalloc preloaded (``benchmarks/bench_allocator.py``,
2026-12-01, 2,000 contracts: one contract's tree 4.6 → 3.5 ms, the
mental-health count 62 → 55 ms, the new-themes aggregate 3.8 → 3.1 s;
docs/sparql-endpoint.md, « The workers' malloc »). That is
the gap between pyoxigraph and Oxigraph's own server on heavy questions, and
more. A library cannot be swapped in a running process, so the workers (and
the zygote of memory mode) are started with ``LD_PRELOAD`` set; the server
process itself keeps the C library's (it does not evaluate queries).

Where the library comes from, in the order ``auto`` looks: the one
``make setup`` unpacks from Debian's package into the virtualenv
(``scripts/fetch-allocator.sh``), then the machine's own (``libmimalloc2.0``
or ``libjemalloc2`` installed). None found: the C library's, as before —
nothing else changes, only speed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

AUTO = "auto"
SYSTEM = "system"
# The venv's copy first (make setup), then the usual library folders.
_VENV_DIR = Path(sys.prefix) / "lib" / "cvkg-allocator"
_SYSTEM_DIRS = (
    Path("/usr/lib/x86_64-linux-gnu"),
    Path("/usr/lib/aarch64-linux-gnu"),
    Path("/usr/lib64"),
    Path("/usr/lib"),
    Path("/usr/local/lib"),
)
# Any version (Debian 12 has libmimalloc.so.2, later ones .so.3), preferred first.
_STEMS = ("libmimalloc.so", "libjemalloc.so")


class AllocatorError(ValueError):
    """``CVKG_WORKER_ALLOCATOR`` names no library that can be preloaded."""


def worker_preload(setting: str, search: tuple[Path, ...] | None = None) -> Path | None:
    """The library to preload in the query workers, or ``None`` for the C library's.

    ``setting`` is ``CVKG_WORKER_ALLOCATOR``: ``auto`` (the first of mimalloc,
    jemalloc found in ``search``), ``system`` (none), or a library's path.

    >>> worker_preload("system") is None
    True
    >>> worker_preload("auto", search=()) is None
    True
    >>> worker_preload("/nowhere/libx.so")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    app.server.allocator.AllocatorError: CVKG_WORKER_ALLOCATOR : /nowhere/libx.so n'existe pas...
    """
    if setting == SYSTEM:
        return None
    if setting != AUTO:
        path = Path(setting)
        if not path.is_absolute() or not _shared_object(path):
            raise AllocatorError(
                f"CVKG_WORKER_ALLOCATOR : {setting} n'existe pas (ou n'est pas une bibliothèque "
                "ELF) ; « auto », « system » ou le chemin absolu d'une bibliothèque partagée"
            )
        return path
    found = libraries(search)
    return found[0] if found else None


def libraries(search: tuple[Path, ...] | None = None) -> list[Path]:
    """Each allocator found in ``search`` (default: the venv's, then the system's
    folders), the first copy of each, mimalloc first (``benchmarks/bench_allocator.py``
    compares them)."""
    folders = (_VENV_DIR, *_SYSTEM_DIRS) if search is None else search
    found = []
    for stem in _STEMS:
        hits = (c for f in folders for c in sorted(f.glob(stem + ".*")) if _shared_object(c))
        first = next(hits, None)
        if first is not None:
            found.append(first.resolve())
    return found


def _shared_object(path: Path) -> bool:
    """An ELF file: what the dynamic loader can preload. Anything else it would
    skip with a warning on each worker's stderr, and ``/healthz`` would name a
    library the workers do not run with."""
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:  # absent, a folder, unreadable
        return False


# Which library the server asked a worker to preload, for ``in_this_process``
# (not a setting: the server sets it in each worker's environment).
_ASKED = "_CVKG_WORKER_MALLOC"


def preload_environment(env: dict[str, str], library: Path | None) -> dict[str, str]:
    """``env`` with ``library`` first in ``LD_PRELOAD`` (what the user preloads is kept after).

    >>> env = preload_environment({"LD_PRELOAD": "/x/libfoo.so"}, Path("/l/libmimalloc.so.2"))
    >>> env["LD_PRELOAD"]
    '/l/libmimalloc.so.2 /x/libfoo.so'
    >>> preload_environment({}, None)
    {}
    """
    if library is None:
        return env
    kept = [p for p in env.get("LD_PRELOAD", "").split() if p and p != str(library)]
    return {**env, "LD_PRELOAD": " ".join([str(library), *kept]), _ASKED: str(library)}


def in_this_process(maps: Path = Path("/proc/self/maps")) -> str:
    """The name of the preloaded library this process really runs with, else ``system``.

    What ``LD_PRELOAD`` asks is not always what the dynamic loader does: a
    library it cannot load (another architecture, an executable) is skipped
    with a line on stderr. The worker says what its own memory map holds
    (``ipc.Ready``), and that is what ``/healthz`` reports.
    """
    asked = os.environ.get(_ASKED)
    if not asked:  # none asked (the user's own LD_PRELOAD is not an allocator of ours)
        return SYSTEM
    try:
        mapped = maps.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return SYSTEM
    files = {line.split(maxsplit=5)[-1] for line in mapped.splitlines() if "/" in line}
    library = Path(asked).resolve()
    return library.name if str(library) in files else SYSTEM


def describe(library: Path | None) -> str:
    """What the start-up line of ``cvkg serve`` calls it.

    >>> describe(Path("/usr/lib/x86_64-linux-gnu/libmimalloc.so.2.0")), describe(None)
    ('libmimalloc.so.2.0', 'system')
    """
    return library.name if library is not None else SYSTEM

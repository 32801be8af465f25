"""The contracts to build, cut into batches and built on a pool of processes.

A batch is the unit of work of a pool worker (``app.build_contracts.build_batch``:
read, RDF, SHACL, enrichment, files). How the contracts are cut decides how long
the build waits for its last worker; how many workers, how busy the machine is.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import Settings

if TYPE_CHECKING:  # the stages of a contract (pySHACL, enrichment) load only when one is built
    from app.build_contracts import Batch, Outcome

# Contracts built in this process rather than in a pool: starting a worker (its
# imports, the vocabularies and shapes loaded again) costs more than building these.
IN_PROCESS = 2


def batch_sizes(count: int, workers: int, largest: int) -> list[int]:
    """How many contracts each batch takes, in the order the pool hands them out.

    Batches are taken in turn by whichever worker is free, so the build ends when
    the worker with the last batch does: with equal batches of 20 the other one
    waited up to a batch (1.1 s at 825 contracts, 0.3 s with this cut). Guided scheduling instead:
    each batch takes a ``2 × workers``-th of what is left, at most ``largest`` (the
    unit of SHACL validation), so the last ones hold one or two contracts and the
    workers finish within about one contract of each other.
    """
    if count <= 0:
        return []
    if workers <= 1:  # in this process: only a batch's size matters, equal ones
        size = -(-count // -(-count // largest))
        return [size] * (count // size) + ([count % size] if count % size else [])
    sizes = []
    while count:
        size = min(largest, count, -(-count // (2 * workers)))
        sizes.append(size)
        count -= size
    return sizes


def batches_of(
    todo: list[Path], keys: dict[Path, str], settings: Settings, common: str
) -> list[Batch]:
    """The contracts ``todo`` in batches, in order (:func:`batch_sizes`)."""
    if not todo:  # nothing to build: the stages of a contract are not even loaded
        return []
    from app.build_contracts import BATCH_SIZE, Batch

    workers = worker_count(settings) if len(todo) > IN_PROCESS else 1
    batches, start = [], 0
    for size in batch_sizes(len(todo), workers, BATCH_SIZE):
        chunk = todo[start : start + size]
        batches.append(Batch(chunk, [keys[p] for p in chunk], settings, common))
        start += size
    return batches


def worker_count(settings: Settings) -> int:
    if settings.build_workers > 0:
        return settings.build_workers
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_batches(
    batches: list[Batch], settings: Settings, step: Callable[[str], None]
) -> list[Outcome]:
    """Every batch, on a pool of processes when there are several (results in order)."""
    if not batches:
        return []
    from app.build_contracts import build_batch

    workers = min(worker_count(settings), len(batches))
    if workers <= 1:
        outcomes = []
        for batch in batches:
            outcomes.append(build_batch(batch))
            step(f"{len(batch.paths)} contrats construits")
        return outcomes
    # Spawned, not forked: the build may run inside a process with threads (tests, server).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        outcomes = []
        for batch, outcome in zip(batches, pool.map(build_batch, batches), strict=True):
            outcomes.append(outcome)
            step(f"{len(batch.paths)} contrats construits")
        return outcomes

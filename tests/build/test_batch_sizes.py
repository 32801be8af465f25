"""How the build cuts its contracts into batches for the pool (``app.build_pool.batch_sizes``).

The pool hands the batches out in order to whichever worker is free; the build ends
when the last worker does. These tests replay that hand-out with every contract
costing the same, and hold the schedule to what it is for: every contract in exactly
one batch, no batch over the SHACL unit, and workers that end together.
"""

from __future__ import annotations

import heapq

import pytest

from app.build_pool import batch_sizes


def _finishes(sizes: list[int], workers: int) -> list[int]:
    """When each worker ends (in contracts built), batches taken in order by the first free."""
    free = [0] * workers
    for size in sizes:
        heapq.heappush(free, heapq.heappop(free) + size)
    return sorted(free)


@pytest.mark.parametrize("count", [1, 2, 3, 7, 20, 21, 40, 99, 200, 825, 2000])
@pytest.mark.parametrize("workers", [2, 3, 4, 8])
def test_every_contract_once_no_batch_over_the_unit_and_workers_end_together(
    count: int, workers: int
) -> None:
    sizes = batch_sizes(count, workers, 20)
    assert sum(sizes) == count
    assert all(1 <= s <= 20 for s in sizes)
    ends = _finishes(sizes, workers)
    # Equal batches of 20 leave a worker idle for up to a whole batch; here the
    # last one to finish ends at most two contracts after the others.
    busy = [e for e in ends if e]
    assert busy[-1] - busy[0] <= 2 or len(busy) < min(workers, count)


def test_equal_batches_of_the_old_cut_would_fail_that_check() -> None:
    """The check above can fail: the cut before, 825 contracts in slices of
    ceil(825 / 42) = 20 (41 of them, then 5), two workers."""
    old = [20] * 41 + [5]
    assert sum(old) == 825
    ends = _finishes(old, 2)
    assert ends[-1] - ends[0] > 2


def test_large_builds_keep_full_batches_first() -> None:
    """Most contracts go in batches of the full unit (a batch's fixed cost is paid
    rarely); only the tail shrinks."""
    sizes = batch_sizes(825, 2, 20)
    assert sizes[0] == 20
    assert sum(s for s in sizes if s == 20) >= 0.85 * 825
    assert sizes == sorted(sizes, reverse=True)


@pytest.mark.parametrize("count", [1, 19, 20, 21, 45, 100])
def test_in_one_process_batches_are_equal_and_as_few_as_the_unit_allows(count: int) -> None:
    sizes = batch_sizes(count, 1, 20)
    assert sum(sizes) == count
    assert len(sizes) == -(-count // 20)
    assert max(sizes) - min(sizes) <= 1


def test_nothing_to_build_makes_no_batch() -> None:
    assert batch_sizes(0, 2, 20) == []

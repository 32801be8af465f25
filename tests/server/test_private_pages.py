"""A forked worker's own pages: the cheap bound, and the exact figure behind it.

A real child forked from this process, sharing a buffer with it, is told to
copy some of the shared pages (copy-on-write: they become its own) or to
allocate and free memory (faults that leave nothing behind). The limit must
replace the first, not the second.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from app.server.private_pages import PrivatePages, minor_faults, own_bytes

MIB = 2**20
PAGE = os.sysconf("SC_PAGE_SIZE")


def _touched(size: int) -> bytearray:
    buffer = bytearray(size)
    buffer[::PAGE] = b"\1" * len(range(0, size, PAGE))  # every page resident
    return buffer


class Child:
    """A forked child obeying one-line orders: ``cow N`` (write to N MiB of the
    shared buffer), ``churn N`` (allocate, touch and free N MiB)."""

    def __init__(self, shared: bytearray) -> None:
        orders_r, self._orders = os.pipe()
        self._done, done_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child
            os.close(self._orders)
            os.close(self._done)
            with os.fdopen(orders_r) as orders:
                for line in orders:
                    verb, amount = line.split()
                    size = int(amount) * MIB
                    if verb == "cow":
                        shared[:size:PAGE] = b"\2" * len(range(0, size, PAGE))
                    else:
                        del _touched(size)[:]
                    os.write(done_w, b".")
            os._exit(0)
        os.close(orders_r)
        os.close(done_w)

    def order(self, text: str) -> None:
        os.write(self._orders, text.encode() + b"\n")
        assert os.read(self._done, 1) == b"."

    def stop(self) -> None:
        if self._orders < 0:
            return
        os.close(self._orders)
        os.waitpid(self.pid, 0)
        os.close(self._done)
        self._orders = -1


@pytest.fixture
def child() -> Iterator[Child]:
    shared = _touched(64 * MIB)
    forked = Child(shared)
    yield forked
    forked.stop()


def test_faults_left_by_freed_memory_do_not_replace_a_worker(child: Child) -> None:
    pages = PrivatePages(limit=24 * MIB)
    assert pages.past_limit(child.pid) is False  # a fresh fork owns next to nothing
    child.order("churn 48")  # 48 MiB faulted, then given back to the kernel
    assert minor_faults(child.pid) * PAGE > 48 * MIB
    assert pages.past_limit(child.pid) is None  # the bound alone cannot tell
    assert own_bytes(child.pid) < 24 * MIB
    assert pages.measure(child.pid) is False
    assert pages.past_limit(child.pid) is False  # the exact figure is the new base


def test_pages_copied_on_write_past_the_limit_replace_it(child: Child) -> None:
    pages = PrivatePages(limit=24 * MIB)
    child.order("churn 32")
    assert pages.measure(child.pid) is False
    child.order("cow 40")  # 40 MiB of the shared buffer become the child's own
    assert own_bytes(child.pid) > 40 * MIB
    assert pages.past_limit(child.pid) is None
    assert pages.measure(child.pid) is True


def test_no_limit_and_gone_processes(child: Child) -> None:
    child.order("cow 40")
    assert PrivatePages(limit=0).past_limit(child.pid) is False
    pages = PrivatePages(limit=MIB)
    assert pages.measure(child.pid) is True
    child.stop()
    assert pages.past_limit(child.pid) is False  # gone: the pool sees it die itself
    assert pages.measure(child.pid) is False

"""Admission control: how many queries the server takes on at once.

``CVKG_MAX_CONCURRENT_QUERIES`` requests may be in the worker pool (running or
next in line for a worker). Past that, up to ``CVKG_MAX_QUEUED_QUERIES`` more
wait, each at most ``CVKG_QUEUE_TIMEOUT`` seconds; anything beyond is turned
away at once with 503 and ``Retry-After``. So a notebook firing 64 small
queries in parallel is served, while a flood cannot pile up unbounded work.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Saturated(Exception):
    """The server has too much in hand; the client should retry later."""


class Admission:
    def __init__(self, concurrent: int, queued: int, wait: float) -> None:
        self._slots = asyncio.Semaphore(max(1, concurrent))
        self._queued_max = max(0, queued)
        self._wait = wait
        self.queued = 0
        self.active = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one slot for the duration of a query; raises ``Saturated``."""
        if self._slots.locked():
            if self.queued >= self._queued_max:
                raise Saturated
            self.queued += 1
            try:
                await asyncio.wait_for(self._slots.acquire(), self._wait)
            except TimeoutError:
                raise Saturated from None
            finally:
                self.queued -= 1
        else:
            await self._slots.acquire()
        self.active += 1
        try:
            yield
        finally:
            self.active -= 1
            self._slots.release()

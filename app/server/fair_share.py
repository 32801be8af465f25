"""Fair share of the query workers between clients, as a public endpoint needs.

One client must not shut the others out, so every job that needs a worker
asks for a slot in the name of its client (its address, see
:func:`client_key`), and three rules decide:

- **Concurrency.** A client runs at most ``(capacity - 1) // active`` jobs at
  once (``active``: clients with jobs running or waiting; at least one, at most
  ``CVKG_CLIENT_MAX_QUERIES``), so that while few clients are busy one worker
  stays free for a newcomer. Its further jobs wait in its own queue
  (``CVKG_CLIENT_MAX_QUEUED``; beyond: 429). A free worker goes to the waiting
  client with the fewest jobs running, oldest first: round robin, not FIFO, so
  a client that queued 60 jobs does not delay one that queued one. The app's
  own bounded queries (the linked-data pages) get a one-second head start, so
  the cheap paths stay quick while clients compete, without starving them.
- **Query time.** Like the public Wikidata service, each client has
  ``CVKG_CLIENT_QUERY_SECONDS`` of worker time per 60 s (a bucket refilled
  continuously; running jobs count as they run). A client whose bucket is
  empty gets 429 with ``Retry-After`` until it refills.
- **Waiting.** At most ``CVKG_MAX_QUEUED_QUERIES`` jobs wait in all, each until
  its deadline (``CVKG_QUEUE_TIMEOUT``); then 503 with ``Retry-After`` (429
  when it is the client's own running jobs it was waiting behind).

The state per client is a few numbers; clients with nothing running, nothing
waiting and a full bucket are forgotten, so the table stays small.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

WINDOW = 60.0  # seconds over which CVKG_CLIENT_QUERY_SECONDS is granted
_PRUNE_EVERY = 256
URGENT_HEAD_START = 1.0  # seconds of advance given to the app's own queries


class Refused(Exception):
    """No slot for this job: ``status`` 429 (the client's share) or 503 (the server's)."""

    def __init__(self, status: int, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = max(1, math.ceil(retry_after))


@dataclass
class _Client:
    credit: float  # seconds of query time left, before counting running jobs
    updated: float
    started: list[float] = field(default_factory=list)  # start times of running jobs
    waiting: deque[asyncio.Future[float]] = field(default_factory=deque)
    since: deque[float] = field(default_factory=deque)  # when each waiter arrived
    urgent: deque[bool] = field(default_factory=deque)  # each waiter: the app's own query?

    def rank(self) -> tuple[int, float]:
        """Who gets the next free worker: the client with the fewest running, then the
        longest waiting — the app's own queries (pages) counted as waiting
        ``URGENT_HEAD_START`` longer: ahead, without starving client queries."""
        head_start = URGENT_HEAD_START if self.urgent[0] else 0.0
        return (len(self.started), self.since[0] - head_start)


class FairShare:
    def __init__(
        self,
        capacity: int,
        *,
        per_client: int,
        client_queue: int,
        queue: int,
        query_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = max(1, capacity)
        self.per_client = max(1, per_client)
        self.client_queue = max(0, client_queue)
        self.queue = max(0, queue)
        self.budget = query_seconds
        self.rate = query_seconds / WINDOW
        self.clock = clock
        self._clients: dict[str, _Client] = {}
        self.running = 0
        self.queued = 0
        self._calls = 0

    # -- accounting ------------------------------------------------------

    def _client(self, key: str, now: float) -> _Client:
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = _Client(credit=self.budget, updated=now)
        else:
            client.credit = min(self.budget, client.credit + (now - client.updated) * self.rate)
            client.updated = now
        return client

    def left(self, key: str) -> float:
        """Seconds of query time the client may still use now (may be negative)."""
        now = self.clock()
        client = self._client(key, now)
        return client.credit - sum(now - s for s in client.started)

    def _share(self) -> int:
        active = sum(1 for c in self._clients.values() if c.started or c.waiting)
        return max(1, min(self.per_client, (self.capacity - 1) // max(1, active)))

    def _grant(self) -> None:
        """Hand free slots to waiting clients: fewest running first, then oldest."""
        while self.running < self.capacity:
            share = self._share()
            best: _Client | None = None
            for client in self._clients.values():
                if client.waiting and len(client.started) < share:
                    if best is None or client.rank() < best.rank():
                        best = client
            if best is None:
                return
            future = best.waiting.popleft()
            best.since.popleft()
            best.urgent.popleft()
            self.queued -= 1
            if future.done():  # its waiter gave up in the meantime
                continue
            start = self.clock()
            best.started.append(start)
            self.running += 1
            future.set_result(start)

    def _release(self, client: _Client, started: float) -> None:
        now = self.clock()
        client.credit = min(self.budget, client.credit + (now - client.updated) * self.rate)
        client.updated = now
        client.credit -= now - started
        client.started.remove(started)
        self.running -= 1
        self._grant()

    def _prune(self) -> None:
        now = self.clock()
        for key in [
            k
            for k, c in self._clients.items()
            if not c.started
            and not c.waiting
            and c.credit + (now - c.updated) * self.rate >= self.budget
        ]:
            del self._clients[key]

    # -- the slot ----------------------------------------------------------

    def check(self, key: str, now: float | None = None) -> _Client:
        """Refuse at once (``Refused`` 429) a client past its query time or its queue.

        Also the whole admission of an answer that needs no worker (a cached one).
        """
        self._calls += 1
        if self._calls % _PRUNE_EVERY == 0:
            self._prune()
        now = self.clock() if now is None else now
        client = self._client(key, now)
        left = client.credit - sum(now - s for s in client.started)
        if left <= 0:
            raise Refused(
                429,
                f"Quota de temps de requête épuisé pour votre adresse : {self.budget:g} s de "
                f"calcul par {WINDOW:g} s (CVKG_CLIENT_QUERY_SECONDS). Réessayez dans "
                f"{math.ceil(-left / self.rate) + 1} s.",
                -left / self.rate + 1,
            )
        if len(client.waiting) >= self.client_queue and len(client.started) >= 1:
            raise Refused(
                429,
                f"Trop de requêtes simultanées depuis votre adresse : {len(client.started)} en "
                f"cours, {len(client.waiting)} en attente (CVKG_CLIENT_MAX_QUERIES, "
                "CVKG_CLIENT_MAX_QUEUED). Attendez leurs réponses.",
                2,
            )
        return client

    @asynccontextmanager
    async def slot(self, key: str, deadline: float, *, urgent: bool = False) -> AsyncIterator[None]:
        """Hold a worker slot for ``key`` while the job runs; raises ``Refused``.

        ``deadline`` is in event-loop time, shared with the wait for the worker.
        ``urgent``: one of the app's own bounded queries (a page), served first.
        """
        now = self.clock()
        client = self.check(key, now)
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        client.waiting.append(future)
        client.since.append(now)
        client.urgent.append(urgent)
        self.queued += 1
        self._grant()
        if not future.done() and self.queued > self.queue:
            self._withdraw(client, future)
            raise Refused(
                503,
                "Serveur saturé : trop de requêtes en cours et en attente "
                "(CVKG_MAX_CONCURRENT_QUERIES, CVKG_MAX_QUEUED_QUERIES). "
                "Réessayez dans un instant.",
                2,
            )
        try:
            async with asyncio.timeout_at(deadline):
                await asyncio.shield(future)
        except BaseException as exc:  # timed out, or the request was cancelled
            if future.done() and not future.cancelled():
                self._release(client, future.result())
            else:
                self._withdraw(client, future)
            if isinstance(exc, TimeoutError):
                raise self._timed_out(client) from None
            raise
        started = future.result()
        try:
            yield
        finally:
            self._release(client, started)

    def _withdraw(self, client: _Client, future: asyncio.Future[float]) -> None:
        if future in client.waiting:
            index = client.waiting.index(future)
            del client.waiting[index]
            del client.since[index]
            del client.urgent[index]
            self.queued -= 1
        future.cancel()

    def _timed_out(self, client: _Client) -> Refused:
        if client.started:
            return Refused(
                429,
                f"Votre adresse a déjà {len(client.started)} requête(s) en cours : la suivante "
                "a attendu sa part des processus de requête au-delà de CVKG_QUEUE_TIMEOUT "
                "(CVKG_CLIENT_MAX_QUERIES). Attendez leurs réponses.",
                2,
            )
        return Refused(
            503,
            "Serveur saturé : aucun processus de requête libéré à temps (CVKG_QUEUE_TIMEOUT, "
            "CVKG_MAX_CONCURRENT_QUERIES). Réessayez dans un instant.",
            2,
        )


@functools.lru_cache(maxsize=4096)  # parsing an address costs more than the rest of admission
def client_key(peer: str | None, forwarded: str | None = None) -> str:
    """Who a request counts against: its address, or the proxy's forwarded one.

    ``forwarded`` is the value of the configured ``CVKG_CLIENT_IP_HEADER``
    (only then trusted); with several addresses, the last one is the one the
    trusted proxy saw. An IPv6 client is counted by its /64, which one host
    commonly holds whole.

    >>> client_key("127.0.0.1"), client_key("10.0.0.1", "1.2.3.4, 5.6.7.8")
    ('127.0.0.1', '5.6.7.8')
    >>> client_key("2001:db8::1"), client_key("::ffff:192.0.2.1")
    ('2001:db8::/64', '192.0.2.1')
    """
    host = peer or "?"
    if forwarded:
        last = forwarded.split(",")[-1].strip()
        if last:
            host = last
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host[:100]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)

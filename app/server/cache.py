"""A small thread-safe LRU for answers of one data version.

The served data only change with a build or an admin write, and either gives
a new data version (``app.server.store.data_version``): every cache of the
server keys its entries on it, so an answer computed once is good until the
version changes, and entries of an old version simply age out of the LRU — no
invalidation logic to get wrong, and no entry keyed on what a client sends.

>>> cache = AnswerCache(maxsize=2)
>>> cache.get_or_compute("a", lambda: 1), cache.get_or_compute("a", lambda: 2)
(1, 1)
>>> _ = cache.get_or_compute("b", lambda: 3), cache.get_or_compute("c", lambda: 4)
>>> "a" in cache
False

Bounded in bytes too (``max_bytes``): answers of a national dataset run to
megabytes, and 512 of them would be gigabytes. Bodies count their length;
other values what :func:`weight` estimates. An entry alone over the bound is
not kept.

>>> cache = AnswerCache(max_bytes=10)
>>> _ = cache.put("a", b"123456"), cache.put("b", b"123456")
>>> "a" in cache, "b" in cache, cache.bytes
(False, True, 6)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
OTHER_BYTES = 1024  # what an entry that is not a body is reckoned to weigh


def weight(value: Any) -> int:
    """Bytes an entry is reckoned to hold: a body its length, a tuple or list of
    bodies their sum, an object declaring ``nbytes`` that, anything else 1 KiB."""
    if isinstance(value, bytes | bytearray | memoryview):
        return len(value)
    if isinstance(value, str):
        return len(value) + 49
    if isinstance(value, tuple | list):
        return sum(weight(v) for v in value) + 8 * len(value)
    nbytes = getattr(value, "nbytes", None)
    return nbytes if isinstance(nbytes, int) else OTHER_BYTES


class AnswerCache:
    """Least-recently-used map of computed answers, bounded in entries.

    Two threads asking for the same missing key at once both compute it (the
    second result is dropped): simpler than per-key locks, and harmless since
    answers are pure functions of the data version.
    """

    def __init__(
        self,
        maxsize: int = 512,
        max_bytes: int | None = None,
        weigh: Callable[[Hashable, Any], int] | None = None,
    ) -> None:
        """``weigh(key, value)``: an entry's bytes, when the caller knows better than
        :func:`weight` (e.g. counting the key too)."""
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self._weigh = weigh or (lambda _key, value: weight(value))
        self.bytes = 0
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._weights: dict[Hashable, int] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def get(self, key: Hashable) -> Any:
        """The entry for ``key``, or ``None``."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
            return None

    def _keep(self, key: Hashable, value: Any) -> Any:
        """Keep ``value`` (or the one already there), evict down to the bounds; lock held."""
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        size = self._weigh(key, value) if self.max_bytes is not None else 0
        if self.max_bytes is not None and size > self.max_bytes:
            return value  # alone over the bound: answered, not kept
        self._items[key] = value
        self._weights[key] = size
        self.bytes += size
        while len(self._items) > self.maxsize or (
            self.max_bytes is not None and self.bytes > self.max_bytes
        ):
            old, _ = self._items.popitem(last=False)
            self.bytes -= self._weights.pop(old)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weights.clear()
            self.bytes = 0

    def put(self, key: Hashable, value: T) -> T:
        with self._lock:
            if key in self._items:  # replaced: the old weight goes
                del self._items[key]
                self.bytes -= self._weights.pop(key)
            self._keep(key, value)
        return value

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]  # type: ignore[no-any-return]
            self.misses += 1
        value = compute()
        with self._lock:
            return self._keep(key, value)  # type: ignore[no-any-return]

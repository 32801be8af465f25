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
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class AnswerCache:
    """Least-recently-used map of computed answers, bounded in entries.

    Two threads asking for the same missing key at once both compute it (the
    second result is dropped): simpler than per-key locks, and harmless since
    answers are pure functions of the data version.
    """

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
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

    def put(self, key: Hashable, value: T) -> T:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
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
            value = self._items.setdefault(key, value)
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value

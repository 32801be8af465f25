"""Serialized SPARQL answers kept for the data version they were computed on.

Why it is sound: the served data change only with a new data version (a build
or an admin write, ``store.data_version``), and an answer is a function of the
data and of the request. So an answer is kept under the request's normalised
form — query text, protocol dataset, union flag, base IRI, negotiated formats,
row cap — and only while the version it was computed on is the one served: the
first lookup or store under another version empties the cache, and an answer
whose request saw the version change while it ran is not kept (it may have
been computed on either side of a write).

Why it is bounded in bytes: a client chooses the query text and the size of
the answer. The cache counts the body, the query text and the graph IRIs of
each entry against ``CVKG_RESULT_CACHE_BYTES`` (least recently used out
first), and keeps no answer larger than ``CVKG_RESULT_CACHE_ENTRY_BYTES``, so
neither large answers nor many distinct small ones take more than the budget.

Queries whose answer may differ between two runs on the same data (``NOW``,
``RAND``, ``UUID``, ``STRUUID``, ``BNODE`` called in the query) are never kept.
Serving from the cache still passes the client's admission checks (a client
past its query-time budget or its queue gets its 429), but takes no worker.

>>> cache = ResultCache(max_bytes=1000, max_entry_bytes=600)
>>> key = RequestKey("ASK {}", None, None, True, "b", None, None, None, 10)
>>> cache.put("v1", key, Cached(b"x" * 100, "application/json"))
True
>>> cache.get("v1", key).body == b"x" * 100, cache.get("v2", key), len(cache)
(True, None, 0)
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

from app.server import analysis, ipc
from app.server.cache import AnswerCache

_ENTRY_OVERHEAD = 256  # bytes of bookkeeping counted per entry besides body and text
_FORM_FORMAT = {"select": 0, "ask": 1, "construct": 2, "describe": 2}  # index in formats
_VARYING = re.compile(r"\b(now|rand|uuid|struuid|bnode)\s*\(")


@dataclass(frozen=True, slots=True)
class RequestKey:
    """Everything an answer depends on besides the data (a ``QueryJob``'s fields)."""

    query: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    union: bool
    base_iri: str | None
    results_format: str | None
    boolean_format: str | None
    graph_format: str | None
    max_rows: int

    @classmethod
    def of(cls, job: ipc.QueryJob, form: str | None) -> RequestKey:
        """The key of ``job``; when the query's ``form`` is known from its text
        (``analysis.query_form``), only the format of that form counts
        (``Accept: */*`` and ``Accept: application/json`` give the same SELECT answer)."""

        def frozen(iris: list[str] | None) -> tuple[str, ...] | None:
            return None if iris is None else tuple(iris)

        formats: tuple[str | None, ...] = (job.results_format, job.boolean_format, job.graph_format)
        used = _FORM_FORMAT.get(form or "")
        if used is not None:
            formats = tuple(f if i == used else None for i, f in enumerate(formats))
        return cls(
            job.query,
            frozen(job.default_graphs),
            frozen(job.named_graphs),
            job.union,
            job.base_iri,
            formats[0],
            formats[1],
            formats[2],
            job.max_rows,
        )

    def size(self) -> int:
        iris = (*(self.default_graphs or ()), *(self.named_graphs or ()))
        return len(self.query) + sum(len(i) for i in iris) + len(self.base_iri or "")


@dataclass(frozen=True, slots=True)
class Cached:
    """One answer as sent: body, media type of the reply, what the worker reported."""

    body: bytes
    media_type: str
    form: str = "results"
    rows: int | None = None
    truncated: bool = False
    query_ms: float | None = None


def cacheable(query: str) -> bool:
    """Whether two runs of ``query`` on the same data give the same answer.

    >>> cacheable('SELECT * { ?s ?p "now()" }'), cacheable("SELECT (NOW () AS ?t) {}")
    (True, False)
    """
    if not analysis.mentions(query, "now", "rand", "uuid", "bnode"):  # struuid: uuid
        return True
    return _VARYING.search(analysis.code(query)) is None


class ResultCache:
    """Least-recently-used answers of one data version, bounded in bytes.

    The LRU itself is :class:`app.server.cache.AnswerCache` (each entry weighing
    its body, its key's text and ``_ENTRY_OVERHEAD``); what is added here is the
    version rule and the cap on a single entry.
    """

    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max(0, max_bytes)
        self.max_entry_bytes = max(0, min(max_entry_bytes, self.max_bytes))
        self.version: str | None = None
        self._lru = AnswerCache(sys.maxsize, self.max_bytes, weigh=_entry_bytes)

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def bytes(self) -> int:
        return self._lru.bytes

    @property
    def hits(self) -> int:
        return self._lru.hits

    @property
    def misses(self) -> int:
        return self._lru.misses

    def __len__(self) -> int:
        return len(self._lru)

    def _at(self, version: str) -> None:
        """Forget everything when the served version is no longer the cached one."""
        if version != self.version:
            self._lru.clear()
            self.version = version

    def get(self, version: str, key: RequestKey) -> Cached | None:
        self._at(version)
        return self._lru.get(key)  # type: ignore[no-any-return]

    def put(self, version: str, key: RequestKey, answer: Cached) -> bool:
        """Keep ``answer`` if it fits; ``False`` when it is too large to keep."""
        if not self.enabled or _entry_bytes(key, answer) > self.max_entry_bytes:
            return False
        self._at(version)
        self._lru.put(key, answer)
        return True


def _entry_bytes(key: Any, answer: Any) -> int:
    """What an entry is counted for: its body, the text of its key, bookkeeping."""
    return len(answer.body) + key.size() + _ENTRY_OVERHEAD

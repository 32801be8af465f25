"""What the comparative API runs on: one read-only store and its data version.

The API runs only its own bounded queries (``app/queries``), so it queries the
store in-process instead of going through the server's killable workers. The
on-disk store the server prepared is opened read-only (RocksDB allows many
read-only openers). A :class:`GraphData` is one opened store with its data
version; answers and the search index are cached on it, so a new version —
detected from the store's load record — starts from an empty cache.

Tests and benchmarks can skip the server entirely: put a ``GraphData`` on
``app.state.api_data``.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import Depends, HTTPException, Request

from app.api import queries
from app.api.cache import AnswerCache
from app.config import DEFAULT_BASE_IRI, Settings, get_settings

SLUG = r"^[a-z0-9][a-z0-9._-]*$"
_SLUG = re.compile(SLUG)
STORE_META = "cvkg-store.json"  # written by app.server.store beside the data
BUILD_INFO = "build-info.json"


class GraphData:
    """One store, one data version, and everything cached for that version."""

    def __init__(self, store: ox.Store, version: str, base: str = DEFAULT_BASE_IRI) -> None:
        self.store = store
        self.version = version
        self.base = base
        self.cache = AnswerCache()
        self._memo: dict[Any, Any] = {}
        self._memo_locks: dict[Any, threading.Lock] = {}
        self._lock = threading.Lock()

    def run(
        self, name: str, params: Mapping[str, list[str] | None] | None = None
    ) -> list[dict[str, Any]]:
        """Rows of ``app/queries/{name}.rq`` with ``params`` bound (IRIs, checked)."""
        query = queries.load(name)
        return queries.select(self.store, query.bind(params or {}, base=self.base))

    def iri(self, kind: str, ident: str) -> str:
        """The data IRI ``{base}{kind}/{ident}`` for an id already checked as a slug."""
        return f"{self.base}{kind}/{ident}"

    def slug(self, iri: str) -> str:
        """The last path segment of a data IRI: the id the API shows."""
        return iri.rstrip("/").rsplit("/", 1)[-1]

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """An answer of this version, from the bounded LRU (may be evicted, then recomputed)."""
        return self.cache.get_or_compute(key, compute)

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A building block of this version (catalogues, search index): computed once, kept.

        Unlike :meth:`cached`, never evicted, and computed by one thread only —
        the others wait for it instead of building the same index again.
        """
        if key in self._memo:
            return self._memo[key]
        with self._lock:
            lock = self._memo_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]


def _version(store_path: Path, build_dir: Path) -> str:
    """The data version: the build fingerprint when the store holds the build's dump.

    Otherwise (``cvkg serve --data …``, or after an admin write marked the
    store modified) a hash of the store's load record.
    """
    try:
        meta = json.loads((store_path / STORE_META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    source = meta.get("source")
    dump = (build_dir / "cvkg.nq").resolve()
    if isinstance(source, dict) and source.get("path") == str(dump) and not meta.get("modified"):
        try:
            info = json.loads((build_dir / BUILD_INFO).read_text(encoding="utf-8"))
            return str(info["fingerprint"])
        except (OSError, ValueError, KeyError):
            pass
    digest = hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()[:16]
    return f"store-{digest}"


class StoreProvider:
    """Opens the server's store read-only, again whenever its load record changes."""

    def __init__(self, store_path: Path, settings: Settings) -> None:
        self.store_path = store_path
        self.settings = settings
        self._stamp: tuple[int, int] | None = None
        self._data: GraphData | None = None
        self._lock = threading.Lock()

    def _meta_stamp(self) -> tuple[int, int]:
        try:
            st = (self.store_path / STORE_META).stat()
            return (st.st_mtime_ns, st.st_size)
        except OSError:
            return (0, 0)

    def current(self) -> GraphData:
        stamp = self._meta_stamp()
        data = self._data
        if data is not None and stamp == self._stamp:
            return data
        with self._lock:
            if self._data is None or stamp != self._stamp:
                store = ox.Store.read_only(str(self.store_path))
                version = _version(self.store_path, self.settings.build_dir)
                self._data = GraphData(store, version, self.settings.base_iri)
                self._stamp = stamp
            return self._data


_provider_lock = threading.Lock()


def get_data(request: Request) -> GraphData:
    """The data of this request: a fixed ``api_data``, or the server's store."""
    state = request.app.state
    data = getattr(state, "api_data", None)
    if data is not None:
        return data  # type: ignore[no-any-return]
    provider = getattr(state, "api_provider", None)
    if provider is None:
        with _provider_lock:
            provider = getattr(state, "api_provider", None)
            if provider is None:
                runtime = getattr(state, "runtime", None)
                settings = runtime.settings if runtime is not None else get_settings()
                path = runtime.store_path if runtime is not None else settings.store_dir
                provider = StoreProvider(Path(path), settings)
                state.api_provider = provider
    return provider.current()  # type: ignore[no-any-return]


DataDep = Annotated[GraphData, Depends(get_data)]


def invalid(param: str, message: str, value: Any = None, where: str = "query") -> HTTPException:
    """422 in FastAPI's own shape (``detail[].loc/msg/type``), naming the parameter."""
    detail: dict[str, Any] = {"loc": [where, param], "msg": message, "type": "value_error"}
    if value is not None:
        detail["input"] = value
    return HTTPException(status_code=422, detail=[detail])


def not_found(message: str) -> HTTPException:
    return HTTPException(status_code=404, detail=message)


def check_slug(param: str, value: str) -> str:
    """``value`` if it is a well-formed id (lower-case slug), else a 422."""
    if not _SLUG.match(value):
        raise invalid(
            param, "identifiant mal formé : lettres minuscules, chiffres, « . _ - »", value
        )
    return value

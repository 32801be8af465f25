"""Runtime configuration, read once from ``CVKG_*`` environment variables.

Defaults are those of a public deployment: read-only (no admin token), bounded
query time and result size.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_BASE_IRI = "https://w3id.org/contrats-de-ville/id/"
ONTOLOGY_NS = "https://w3id.org/contrats-de-ville/onto#"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The comparative API's largest page of contracts (app/api/tabular.py), more than
# the contracts of both generations together; the site links to it for a whole
# list (app/web/uses.py), without importing the API.
API_MAX_CONTRACTS = 5000


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CVKG_")

    base_iri: str = DEFAULT_BASE_IRI
    data_dir: Path = PROJECT_ROOT / "data" / "contrats"
    ontology_dir: Path = PROJECT_ROOT / "ontology"
    shapes_dir: Path = PROJECT_ROOT / "shapes"
    # The source texts labels are checked against (app/sources.py). CVKG_SEEDS_DIR
    # (seeds_dir) is the old name, still honoured when CVKG_SOURCES_DIR is not set.
    sources_dir: Path = PROJECT_ROOT / "data" / "sources"
    seeds_dir: Path = PROJECT_ROOT / "data" / "sources"
    build_dir: Path = PROJECT_ROOT / "data" / "build"
    store_dir: Path = PROJECT_ROOT / "var" / "store"
    # Where the query workers read the data (app/server/launch.py): "disk", each
    # opens the store read-only (writes allowed, ≈ 150 MB a worker); "memory", one
    # in-memory copy loaded at start and shared by forked workers: 2-7× faster
    # queries, ≈ 1.2-1.5 GB in all at 2,000 contracts, and a read replica (writes refused).
    store_mode: Literal["disk", "memory"] = "disk"
    # Memory mode: reading the shared copy writes reference counts, so a forked
    # worker slowly makes private copies of the pages it reads; past this many
    # bytes of its own pages it is replaced by a fresh fork after its job
    # (app/server/private_pages.py). 0: never. A fresh fork copies its pages
    # again: 256M replaced workers every few large joins (docs/sparql-endpoint.md).
    worker_private_memory: int = 768 * 2**20
    # The malloc of the query workers (app/server/allocator.py): "auto", mimalloc
    # or jemalloc when found (queries 9-25 % shorter), else the C library's;
    # "system": the C library's; or the path of a shared library to preload.
    worker_allocator: str = "auto"
    # Per-contract build results, reused while a contract's inputs are unchanged
    # (app/build_cache.py).
    cache_dir: Path = PROJECT_ROOT / "var" / "build-cache"
    # Entries no build used for this many days are deleted after a build (0: all but
    # the last build's).
    cache_keep_days: float = 14.0
    # Processes building contracts at once (app/build.py); 0: one per core.
    build_workers: int = 0
    # Print the time of each step of a build on stderr (app/build_timing.py; benchmarks).
    build_timings: bool = False
    # SHACL validator of the build, `cvkg validate` and admin writes (app/validation.py):
    # "compiled" (app/shacl, pySHACL's results ~20x faster) or "pyshacl" (the reference).
    shacl_engine: Literal["compiled", "pyshacl"] = "compiled"
    # Graphs written over HTTP by the admin (annotations), kept outside the
    # build and the store so that they survive both: see app/server/annotations.py.
    annotations_dir: Path = PROJECT_ROOT / "var" / "annotations"
    admin_token: str | None = None
    query_timeout: float = 30.0
    max_rows: int = 10_000
    # Contracts per page on a theme's or a dispositif's page (app/web/uses.py):
    # a broad theme is addressed by nearly every contract of the country.
    page_contracts: int = Field(default=50, ge=1)
    max_body_bytes: int = 1_000_000
    # The most an admin write may make the shapes read (app/server/write_checks.py):
    # triples in the graphs it writes, and resources of the dataset it cites, whose
    # descriptions the check reads. Past either: 413, nothing written. At 825
    # contracts a write citing 1,000 elements takes ≈ 3 s, every query waiting.
    max_write_triples: int = Field(default=100_000, ge=1)
    max_write_resources: int = Field(default=5_000, ge=1)
    max_concurrent_queries: int = 8
    # Processes running queries: how many run at once (a runaway holds one
    # until CVKG_QUERY_TIMEOUT; the fair share keeps one free for newcomers).
    # Two by default: one per core of a small server, and each holds ≈ 150 MB
    # once RocksDB's caches are warm (docs/memory.md).
    query_workers: int = 2
    # Server (app/server): requests past max_concurrent_queries wait in a
    # bounded queue, at most queue_timeout seconds, before a 503.
    max_queued_queries: int = 100
    queue_timeout: float = 10.0
    # Public URL of the SPARQL endpoint for the service description, when the
    # server sits behind a proxy; default: taken from each request.
    public_endpoint: str | None = None
    # External engine (app/server/remote.py): when set, every query of the
    # application (the /sparql proxy, pages, graph reads) goes to this SPARQL
    # 1.1 query URL instead of the local store; admin writes go to its update
    # URL (read-only without it, whatever the admin token); `cvkg publish`
    # loads the build into its Graph Store URL. Each replica re-reads the
    # engine's write version every remote_version_ttl seconds.
    sparql_endpoint: str | None = None
    sparql_update_endpoint: str | None = None
    sparql_graph_store: str | None = None
    remote_version_ttl: float = 1.0
    # Largest answer read from the external engine, in bytes (then 502).
    remote_max_bytes: int = 200_000_000
    # Drafts the admin review page (/admin/revue) may open by name (cvkg import writes them).
    drafts_dir: Path = PROJECT_ROOT / "data" / "brouillons"

    @field_validator("sparql_endpoint", "sparql_update_endpoint", "sparql_graph_store")
    @classmethod
    def _engine_url(cls, value: str | None) -> str | None:
        """An engine's URL is an absolute http(s) URL: « not-a-url » was taken, and every
        request then failed with « Réessayez plus tard », which retrying cannot mend."""
        if value is None or value == "":
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"« {value} » n'est pas l'URL d'un moteur SPARQL (http:// ou https://, un hôte)"
            )
        return value

    @model_validator(mode="after")
    def _seeds_dir_alias(self) -> Settings:
        if "seeds_dir" in self.model_fields_set and "sources_dir" not in self.model_fields_set:
            self.sources_dir = self.seeds_dir
        return self

    # Limits of a public endpoint (app/server/limits.py, fair_share.py,
    # http_protocol.py; docs/sparql-endpoint.md § Limits).
    query_memory: int | None = None  # bytes per query; None: default_query_memory()
    max_query_bytes: int = 250_000
    max_query_depth: int = 40
    client_max_queries: int = 4
    client_max_queued: int = 64
    client_query_seconds: float = 60.0
    client_ip_header: str | None = None  # e.g. X-Forwarded-For, behind a trusted proxy
    max_header_bytes: int = 65_536
    header_timeout: float = 10.0
    keep_alive_timeout: int = 5
    # /sparql queries answered by the same functions as the route but without
    # FastAPI's routing and dependency machinery (app/server/fast_sparql.py);
    # false: every request goes through the routes (to compare, or to rule it out).
    sparql_fast_path: bool = True
    # Answers of /sparql kept per data version (app/server/result_cache.py): total
    # bytes (0: no cache) and largest answer kept; K/M/G suffixes as for QUERY_MEMORY.
    result_cache_bytes: int = 32 * 2**20
    result_cache_entry_bytes: int = 2 * 2**20
    # Answers of the comparative API (/api/…) kept per data version, in bytes
    # (app/server/cache.py): bodies, their gzip and their table.
    api_cache_bytes: int = 64 * 2**20

    @field_validator(
        "query_memory",
        "worker_private_memory",
        "result_cache_bytes",
        "result_cache_entry_bytes",
        "api_cache_bytes",
        mode="before",
    )
    @classmethod
    def _size(cls, value: object) -> object:
        """A size in bytes, or with a K/M/G suffix (binary: 1G = 2**30)."""
        if isinstance(value, str):
            text = value.strip().upper().removesuffix("B").removesuffix("I")
            units = {"K": 2**10, "M": 2**20, "G": 2**30}
            if text and text[-1] in units:
                return int(float(text[:-1]) * units[text[-1]])
        return value

    def query_memory_bytes(self) -> int:
        """Memory a query may use, enforced by the kernel on its worker (0: no cap)."""
        if self.query_memory is not None:
            return max(0, self.query_memory)
        return default_query_memory(self.query_workers)


def default_query_memory(workers: int) -> int:
    """min(2 GiB, 60 % of the memory available to us, shared by the workers).

    >>> default_query_memory(4) <= 2**31
    True
    """
    return min(2**31, int(_memory_available() * 0.6) // max(1, workers))


def _memory_available() -> int:
    """Physical memory, or the container's cgroup limit when lower."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (OSError, ValueError):
        total = 2**33
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text(encoding="ascii").strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text))
    return total


@lru_cache
def get_settings() -> Settings:
    return Settings()


def settings_problems(error: ValidationError) -> list[str]:
    """Each wrong ``CVKG_`` variable, its value and what is expected, in French.

    >>> try:
    ...     Settings(store_mode="disque")
    ... except ValidationError as exc:
    ...     print(settings_problems(exc)[0])
    CVKG_STORE_MODE='disque' : Input should be 'disk' or 'memory'
    """
    problems = []
    for item in error.errors():
        name = "CVKG_" + "_".join(str(part) for part in item["loc"]).upper()
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(f"{name}={item.get('input')!r} : {message}")
    return problems

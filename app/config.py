"""Runtime configuration, read once from ``CVKG_*`` environment variables.

Defaults are those of a public deployment: read-only (no admin token), bounded
query time and result size.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_BASE_IRI = "https://w3id.org/contrats-de-ville/id/"
ONTOLOGY_NS = "https://w3id.org/contrats-de-ville/onto#"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    # Graphs written over HTTP by the admin (annotations), kept outside the
    # build and the store so that they survive both: see app/server/annotations.py.
    annotations_dir: Path = PROJECT_ROOT / "var" / "annotations"
    admin_token: str | None = None
    query_timeout: float = 30.0
    max_rows: int = 10_000
    max_body_bytes: int = 1_000_000
    max_concurrent_queries: int = 8
    query_workers: int = 2
    # Server (app/server): requests past max_concurrent_queries wait in a
    # bounded queue, at most queue_timeout seconds, before a 503.
    max_queued_queries: int = 100
    queue_timeout: float = 10.0
    # Public URL of the SPARQL endpoint for the service description, when the
    # server sits behind a proxy; default: taken from each request.
    public_endpoint: str | None = None
    # Drafts the admin review page (/admin/revue) may open by name (cvkg import writes them).
    drafts_dir: Path = PROJECT_ROOT / "data" / "brouillons"

    @model_validator(mode="after")
    def _seeds_dir_alias(self) -> Settings:
        if "seeds_dir" in self.model_fields_set and "sources_dir" not in self.model_fields_set:
            self.sources_dir = self.seeds_dir
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()

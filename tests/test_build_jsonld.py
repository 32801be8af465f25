"""The build's JSON-LD: each contract's file carries the context the build publishes,
and a build that takes its contracts from the build cache writes the same bytes.

(The site's side, and the triples read back, are checked in
``tests/web/test_web_jsonld.py``.)
"""

from __future__ import annotations

import json
from pathlib import Path

from app.build import build
from app.config import DEFAULT_BASE_IRI, Settings
from app.rdf.context import CONTEXT_FILE, context


def _settings(repo_root: Path, sources_dir: Path, out: Path, cache: Path) -> Settings:
    return Settings(
        base_iri=DEFAULT_BASE_IRI,
        data_dir=repo_root / "data" / "contrats",
        ontology_dir=repo_root / "ontology",
        shapes_dir=repo_root / "shapes",
        sources_dir=sources_dir,
        build_dir=out,
        cache_dir=cache,
    )


def test_cached_contracts_keep_the_published_context(
    tmp_path: Path, repo_root: Path, sources_dir: Path
) -> None:
    cache = tmp_path / "cache"
    fresh, cached = tmp_path / "fresh", tmp_path / "cached"
    build(_settings(repo_root, sources_dir, fresh, cache), progress=False)
    entries = sorted(p.name for p in cache.iterdir())
    build(_settings(repo_root, sources_dir, cached, cache), progress=False)
    assert sorted(p.name for p in cache.iterdir()) == entries  # every contract from the cache
    published = json.loads((fresh / CONTEXT_FILE).read_bytes())["@context"]
    assert published == context(DEFAULT_BASE_IRI, repo_root / "ontology" / "cdv.ttl")
    files = sorted((fresh / "contrats").glob("*.jsonld"))
    assert files
    for path in files:
        assert json.loads(path.read_bytes())["@context"] == published, path.name
        assert (cached / "contrats" / path.name).read_bytes() == path.read_bytes()
    assert (cached / CONTEXT_FILE).read_bytes() == (fresh / CONTEXT_FILE).read_bytes()

"""Shared fixtures: where things are, and one real build of the graph per test session.

The build runs once, in-process, into a temporary directory, from the real curated
files, ontology, shapes and the project's own source texts (data/sources/); it never
touches data/build/.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.server.live import LiveServer, live_server

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCES_DIR = REPO_ROOT / "data" / "sources"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "reasoner: runs the OWL reasoner HermiT through owlready2 (needs Java; a few seconds)",
    )


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The source texts of the project (never skipped: they are in the repository)."""
    assert SOURCES_DIR.is_dir(), f"{SOURCES_DIR} manquant"
    return SOURCES_DIR


@pytest.fixture(scope="session")
def seeds_dir(sources_dir: Path) -> Path:
    """The old name of :func:`sources_dir` (the seeds are copied in data/sources/)."""
    return sources_dir


@pytest.fixture(scope="session")
def cvkg_exe() -> str:
    """The ``cvkg`` console script of the interpreter running the tests."""
    exe = Path(sys.executable).parent / "cvkg"
    if not exe.is_file():
        pytest.skip(f"cvkg console script not installed next to {sys.executable}")
    return str(exe)


@pytest.fixture(scope="session")
def cvkg_env() -> dict[str, str]:
    """The environment for ``cvkg`` subprocesses, without CVKG_* variables inherited from the shell."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CVKG_")}


@pytest.fixture(scope="session")
def built_dir(tmp_path_factory: pytest.TempPathFactory, sources_dir: Path) -> Path:
    """A fresh build of the real data, once per session (the output directory)."""
    from app.build import build
    from app.config import DEFAULT_BASE_IRI, Settings

    out = tmp_path_factory.mktemp("session-build") / "build"
    settings = Settings(
        base_iri=DEFAULT_BASE_IRI,
        data_dir=REPO_ROOT / "data" / "contrats",
        ontology_dir=REPO_ROOT / "ontology",
        shapes_dir=REPO_ROOT / "shapes",
        sources_dir=sources_dir,
        build_dir=out,
    )
    build(settings, progress=False)
    return out


@pytest.fixture(scope="session")
def built_dump(built_dir: Path) -> Path:
    """The N-Quads dump of the session build."""
    dump = built_dir / "cvkg.nq"
    assert dump.is_file(), f"the build wrote no {dump.name}"
    return dump


@pytest.fixture(scope="session")
def seed_server(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real ``cvkg serve`` of the session build on a loopback port, with a store of
    its own, shared by the API and linked-data tests (none of them writes)."""
    tmp = tmp_path_factory.mktemp("seed-server")
    env = {
        "CVKG_BUILD_DIR": str(built_dir),
        "CVKG_STORE_DIR": str(tmp / "store"),
        "CVKG_QUERY_WORKERS": "2",
    }
    with live_server(None, tmp / "server.log", env=env) as server:
        yield server


@pytest.fixture(scope="session")
def enriched_seed(sources_dir: Path) -> tuple[Any, Any]:
    """A seed contract's graph, enriched, and its synthèse facts, as the build makes them
    before writing its files (``app/build_contracts.py``). Read only."""
    from app.build_contracts import _shared
    from app.config import DEFAULT_BASE_IRI
    from app.curation.collection import load_checked
    from app.enrichment.pipeline import enrich
    from app.rdf.contrat_graph import contrat_graph
    from app.synthese import contract_facts, saisie_from_graph, to_graph

    shared = _shared(DEFAULT_BASE_IRI, REPO_ROOT / "ontology", REPO_ROOT / "shapes")
    path = sorted((REPO_ROOT / "data" / "contrats").glob("*.yaml"))[0]
    contrat, errors = load_checked(path, sources_dir)
    assert contrat is not None and not errors, errors
    graph = contrat_graph(contrat, shared.iris)
    enrich(graph, shared.vocabularies, shared.iris)
    saisie = saisie_from_graph(graph, shared.iris.contrat(contrat.id))
    return graph, to_graph(contract_facts(saisie, shared.ancestors, shared.iris.base))

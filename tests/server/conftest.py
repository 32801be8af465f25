"""Live servers for the server tests: real ``cvkg serve --data`` subprocesses.

Each fixture starts one server on a free loopback port with its own settings
and stops it at the end of the session. The data are small: two contracts in
the project's ontology, a theme thesaurus with « Santé mentale », and a graph
of 3 000 filler triples — enough to make a four-way cross product run for
ever, and to exceed the row cap.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.server.live import LiveServer, live_server

CDV = "https://w3id.org/contrats-de-ville/onto#"
ID = "https://w3id.org/contrats-de-ville/id/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"
ADMIN_TOKEN = "jeton-de-test"
FILLER_TRIPLES = 3000
MAX_ROWS = 1000
RUNAWAY = "SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _quad(s: str, p: str, o: str, g: str) -> str:
    return f"<{s}> <{p}> {o} <{g}> .\n"


def _iri(value: str) -> str:
    return f"<{value}>"


def _text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"@fr'


def sample_nquads() -> str:
    """Two small contracts, themes and dispositifs, one named graph each."""
    themes = ID + "graph/vocabulaire/themes"
    lines = [
        _quad(ID + "theme/sante", SKOS + "prefLabel", _text("Santé"), themes),
        _quad(ID + "theme/sante-mentale", SKOS + "prefLabel", _text("Santé mentale"), themes),
        _quad(ID + "theme/sante-mentale", SKOS + "broader", _iri(ID + "theme/sante"), themes),
        _quad(ID + "theme/addictions", SKOS + "prefLabel", _text("Addictions"), themes),
        _quad(ID + "theme/addictions", SKOS + "broader", _iri(ID + "theme/sante-mentale"), themes),
        _quad(ID + "theme/emploi", SKOS + "prefLabel", _text("Emploi"), themes),
        _quad(
            ID + "dispositif/pre",
            SKOS + "prefLabel",
            _text("Programme de réussite éducative"),
            ID + "graph/vocabulaire/dispositifs",
        ),
    ]
    for cid, theme in (("alpha-2024-2030", "addictions"), ("beta-2015-2020", "emploi")):
        graph = ID + f"graph/contrat/{cid}"
        contract = ID + f"contrat/{cid}"
        lines += [
            _quad(contract, RDF_TYPE, _iri(CDV + "Contrat"), graph),
            _quad(contract, DCT + "identifier", f'"{cid}"', graph),
            _quad(contract, DCT + "title", _text(f"Contrat de ville {cid}"), graph),
        ]
        parent = None
        for level, cls in enumerate(("Axe", "ObjectifStrategique", "ObjectifOperationnel"), 1):
            element = f"{contract}/e{level}"
            lines += [
                _quad(element, RDF_TYPE, _iri(CDV + cls), graph),
                _quad(element, CDV + "contrat", _iri(contract), graph),
                _quad(element, SKOS + "prefLabel", _text(f"Élément {level} de {cid}"), graph),
                _quad(element, SKOS + "notation", f'"{level}"', graph),
                _quad(element, CDV + "rang", f'"1"^^<{XSD_INT}>', graph),
            ]
            if parent:
                lines.append(_quad(element, CDV + "partieDe", _iri(parent), graph))
            parent = element
        lines += [
            _quad(parent, CDV + "theme", _iri(ID + f"theme/{theme}"), graph),
            _quad(parent, CDV + "mobilise", _iri(ID + "dispositif/pre"), graph),
        ]
    return "".join(lines)


def filler_ntriples(count: int = FILLER_TRIPLES) -> str:
    return "".join(
        f'<http://example.org/s{i}> <http://example.org/p{i % 10}> "valeur {i}" .\n'
        for i in range(count)
    )


@pytest.fixture(scope="session")
def data_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("data")
    sample = folder / "sample.nq"
    sample.write_text(sample_nquads(), encoding="utf-8")
    filler = folder / "filler.nt"  # a file of triples: becomes a named graph
    filler.write_text(filler_ntriples(), encoding="utf-8")
    return [sample, filler]


def _serve(
    tmp_path_factory: pytest.TempPathFactory, name: str, files: list[Path], env: dict[str, str]
) -> Iterator[LiveServer]:
    log = tmp_path_factory.mktemp("logs") / f"{name}.log"
    with live_server(files, log, env={"CVKG_MAX_ROWS": str(MAX_ROWS), **env}) as server:
        yield server


@pytest.fixture(scope="session")
def server(
    tmp_path_factory: pytest.TempPathFactory, data_files: list[Path]
) -> Iterator[LiveServer]:
    """Public, read-only server with default limits (but a 1 000-row cap)."""
    yield from _serve(tmp_path_factory, "public", data_files, {})


@pytest.fixture(scope="session")
def admin_server(
    tmp_path_factory: pytest.TempPathFactory, data_files: list[Path]
) -> Iterator[LiveServer]:
    """A server with an admin token configured (writes allowed with it)."""
    yield from _serve(tmp_path_factory, "admin", data_files, {"CVKG_ADMIN_TOKEN": ADMIN_TOKEN})


@pytest.fixture(scope="session")
def limited_server(
    tmp_path_factory: pytest.TempPathFactory, data_files: list[Path]
) -> Iterator[LiveServer]:
    """A 2-second query time limit, two workers: for runaway queries."""
    env = {"CVKG_QUERY_TIMEOUT": "2", "CVKG_QUERY_WORKERS": "2"}
    yield from _serve(tmp_path_factory, "limited", data_files, env)


@pytest.fixture(scope="session")
def tiny_server(
    tmp_path_factory: pytest.TempPathFactory, data_files: list[Path]
) -> Iterator[LiveServer]:
    """One worker, one query at a time, no queue, 2 kB bodies: easy to saturate."""
    env = {
        "CVKG_QUERY_TIMEOUT": "3",
        "CVKG_QUERY_WORKERS": "1",
        "CVKG_MAX_CONCURRENT_QUERIES": "1",
        "CVKG_MAX_QUEUED_QUERIES": "0",
        "CVKG_MAX_BODY_BYTES": "2000",
    }
    yield from _serve(tmp_path_factory, "tiny", data_files, env)


@pytest.fixture(scope="session")
def guarded_server(
    tmp_path_factory: pytest.TempPathFactory, data_files: list[Path]
) -> Iterator[LiveServer]:
    """Tight limits of a public endpoint, to attack: 2 workers with 300 MiB each, a
    1 s queue and header timeout, no per-client queue, a 20 s query time (so that
    only the limits under test stop a query early)."""
    env = {
        "CVKG_QUERY_WORKERS": "2",
        "CVKG_QUERY_TIMEOUT": "20",
        "CVKG_QUERY_MEMORY": "300M",
        "CVKG_QUEUE_TIMEOUT": "1",
        "CVKG_HEADER_TIMEOUT": "1",
        "CVKG_CLIENT_MAX_QUEUED": "0",
        "CVKG_ADMIN_TOKEN": ADMIN_TOKEN,
    }
    yield from _serve(tmp_path_factory, "guarded", data_files, env)


@pytest.fixture(scope="session")
def budget_server(
    tmp_path_factory: pytest.TempPathFactory, data_files: list[Path]
) -> Iterator[LiveServer]:
    """1.5 s of query time per client per minute, 2 s per query: easy to exhaust."""
    env = {
        "CVKG_QUERY_WORKERS": "2",
        "CVKG_QUERY_TIMEOUT": "2",
        "CVKG_CLIENT_QUERY_SECONDS": "1.5",
    }
    yield from _serve(tmp_path_factory, "budget", data_files, env)


@pytest.fixture(scope="session")
def admin_token() -> str:
    return ADMIN_TOKEN


@pytest.fixture(scope="session")
def runaway_query() -> str:
    """Runs for ever on the filler graph (3 000⁴ rows to count)."""
    return RUNAWAY


@pytest.fixture()
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http

"""The build in batches and from its cache: nothing that violates the shapes gets in, each
violation is still named by its contract file, its line and its shape, and a build that
takes contracts from the cache writes the same bytes as a build from scratch.

Real files (the five curated contracts and their sources, copied), real builds (the
process pool included: ``build_workers=2``), real pySHACL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from files_helpers import hashes
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

import app.build_contracts as stages
from app.build import BuildError, build
from app.build_contracts import shared_vocabulary
from app.config import DEFAULT_BASE_IRI, Settings
from app.curation.collection import load_contracts
from app.rdf.contrat_graph import contrat_graph
from app.rdf.namespaces import CDV, Iris
from app.validation import batch_violations, disjoint_batches, shacl_report, violations

MELUN = "004_a26b9f87e29f24a0.yaml"
BASE = "001_629d7a99e5f4e6ca.yaml"


def _config(
    repo: Path, sources: Path, data: Path, out: Path, cache: Path, workers: int
) -> Settings:
    return Settings(
        base_iri=DEFAULT_BASE_IRI,
        data_dir=data,
        ontology_dir=repo / "ontology",
        shapes_dir=repo / "shapes",
        sources_dir=sources,
        build_dir=out,
        cache_dir=cache,
        build_workers=workers,
    )


def _invert_a_range(path: Path) -> int:
    """Swap min and max of a key figure (only cdvsh:FourchetteOrdonneeShape sees it);
    the line of that figure's entry."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, x in enumerate(lines) if "- id: familles-monoparentales-qpv" in x)
    lo = next(i for i in range(start, len(lines)) if "valeur_min: 29" in lines[i])
    hi = next(i for i in range(start, len(lines)) if "valeur_max: 36" in lines[i])
    lines[lo], lines[hi] = "    valeur_min: 36", "    valeur_max: 29"
    path.write_text("\n".join(lines), encoding="utf-8")
    return start + 1


@pytest.mark.parametrize("workers", [1, 2])
def test_a_violating_contract_among_valid_ones_fails_the_build_by_name(
    workers: int, tmp_path: Path, repo_root: Path, sources_dir: Path
) -> None:
    """In one batch (1 process) or spread over a pool (2): the error names the file, the
    line of the element and the shape; the previous output is untouched; the valid
    contracts of the same build are cached, the violating one is not."""
    data = tmp_path / "contrats"
    shutil.copytree(repo_root / "data" / "contrats", data)
    out, cache = tmp_path / "build", tmp_path / "cache"
    out.mkdir()
    (out / "previous").write_text("kept", encoding="utf-8")
    line = _invert_a_range(data / MELUN)
    settings = _config(repo_root, sources_dir, data, out, cache, workers)
    with pytest.raises(BuildError) as failed:
        build(settings, progress=False)
    message = str(failed.value)
    assert "validation SHACL" in message
    located = [x for x in message.splitlines() if x.startswith(str(data / MELUN))]
    assert located, message
    assert all(f"{data / MELUN}:{line}:" in x for x in located), message
    assert all("[forme cdvsh:FourchetteOrdonneeShape]" in x for x in located), message
    others = [p.name for p in data.glob("*.yaml") if p.name != MELUN]
    assert not any(name in message for name in others), message
    assert [p.name for p in out.iterdir()] == ["previous"]
    entries = [p for p in cache.iterdir() if not p.name.startswith((".", "commun-"))]
    assert len(entries) == len(others)


@pytest.fixture(params=["compiled", "pyshacl"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each SHACL engine in turn (CVKG_SHACL_ENGINE)."""
    from app.config import get_settings

    monkeypatch.setenv("CVKG_SHACL_ENGINE", request.param)
    get_settings.cache_clear()
    yield request.param
    monkeypatch.delenv("CVKG_SHACL_ENGINE")
    get_settings.cache_clear()


def test_batched_validation_reports_what_each_contract_alone_reports(
    repo_root: Path, sources_dir: Path, engine: str
) -> None:
    """Two contracts broken in different ways, validated in one batch with three valid
    ones: each gets exactly the violations it gets when validated alone (pySHACL: in
    one batch; the compiled engine: each alone anyway)."""
    settings = _config(
        repo_root, sources_dir, repo_root / "data" / "contrats", Path("."), Path("."), 1
    )
    iris = Iris(settings.base_iri)
    contrats, errors = load_contracts(sorted(settings.data_dir.glob("*.yaml")), sources_dir)
    assert not errors and len(contrats) == 5
    _, vocab, shapes, ont = shared_vocabulary(settings)
    graphs = {c.id: contrat_graph(c, iris) for c in contrats}
    first, second = contrats[0], contrats[2]
    element = iris.element(first.id, first.elements[0].id)
    graphs[first.id].remove((element, SKOS.prefLabel, None))
    other = iris.element(second.id, second.elements[1].id)
    graphs[second.id].add((other, CDV.rang, Literal(99)))
    found = batch_violations(((c, [graphs[c.id]]) for c in contrats), vocab, shapes, ont, iris)
    assert sorted(found) == sorted([first.id, second.id])
    for c in contrats:
        conforms, report = shacl_report(graphs[c.id] + vocab, shapes, ont)
        alone = [str(v) for v in violations(report, c, iris, shapes=shapes)]
        assert [str(v) for v in found.get(c.id, [])] == alone, c.id
        assert conforms == (c.id not in found)
    assert str(element) in str(found[first.id][0]) and "skos:prefLabel" in str(found[first.id][0])
    assert f"{first.path}:{first.elements[0].yaml_line}:" in str(found[first.id][0])


def test_graphs_describing_the_same_node_are_never_validated_together() -> None:
    """A node described by two contracts (or a vocabulary node described by one) would be
    checked on the union of their triples: such graphs go to separate batches."""
    ex = "https://example.org/"

    def graph(*triples: tuple[str, str, str]) -> Graph:
        g = Graph()
        for s, p, o in triples:
            g.add((URIRef(ex + s), URIRef(ex + p), URIRef(ex + o)))
        return g

    a = graph(("a", "territoire", "t"), ("t", "label", "x"))
    b = graph(("b", "territoire", "t"))  # mentions a node a describes
    c = graph(("c", "territoire", "u"))
    d = graph(("concept", "label", "y"))  # describes a vocabulary node
    e = graph(("e", "theme", "concept"))
    common = {URIRef(ex + "concept")}
    groups = disjoint_batches([[a], [b], [c], [d], [e]], common, size=10)
    assert groups == [[0, 2, 4], [1], [3]]
    assert disjoint_batches([[a], [c], [e]], common, size=2) == [[0, 1], [2]]
    assert (URIRef(ex + "t"), RDF.type, None) not in a  # the graphs were only read


def test_a_build_from_the_cache_equals_a_build_from_scratch(
    tmp_path: Path, repo_root: Path, sources_dir: Path
) -> None:
    """After one contract file changed, the build that takes the four others from the
    cache (and builds the changed one alone, in its own process: too few for a pool)
    writes the same bytes as a build of the same files from an empty cache, in one
    process instead of a pool. A build over a previous output replaces it and leaves
    nothing of it behind (its deletion runs in the background), nor of an older one
    whose deletion was interrupted."""
    data = tmp_path / "contrats"
    shutil.copytree(repo_root / "data" / "contrats", data)
    cache = tmp_path / "cache"
    build(_config(repo_root, sources_dir, data, tmp_path / "first", cache, 2), progress=False)
    entries = {p.name for p in cache.iterdir()}
    assert len([name for name in entries if "-" not in name]) == 5  # and the shared entries
    path = data / BASE
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "# une ligne de commentaire\n", encoding="utf-8")
    cached = _config(repo_root, sources_dir, data, tmp_path / "cached", cache, 2)
    build(cached, progress=False)
    assert len({p.name for p in cache.iterdir()} - entries) == 1  # only the changed one built
    fresh = _config(repo_root, sources_dir, data, tmp_path / "fresh", tmp_path / "empty", 1)
    build(fresh, progress=False)
    assert hashes(tmp_path / "cached") == hashes(tmp_path / "fresh")
    interrupted = tmp_path / ".cached~old.interrupted"
    interrupted.mkdir()
    (interrupted / "cvkg.nq").write_bytes(b"<a> <b> <c> <d> .\n")
    build(cached, progress=False)  # every contract from the cache, over the previous output
    assert hashes(tmp_path / "cached") == hashes(tmp_path / "fresh")
    deadline = time.monotonic() + 60
    while any(tmp_path.glob(".cached~old.*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(tmp_path.glob(".cached~old.*")), "the replaced output was not deleted"
    # Nothing to build: the stages of a contract (pySHACL, the enrichment) are not loaded.
    ask = "import sys; from app.build import build; from app.config import get_settings; "
    ask += "build(get_settings(), progress=False); print(sorted(m for m in sys.modules if "
    ask += "m.startswith(('pyshacl', 'app.validation', 'app.enrichment', 'app.build_contracts'))))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CVKG_")}
    env |= {"CVKG_DATA_DIR": str(data), "CVKG_SOURCES_DIR": str(sources_dir)}
    env |= {"CVKG_CACHE_DIR": str(cache), "CVKG_BUILD_DIR": str(tmp_path / "again")}
    run = subprocess.run(  # noqa: S603 - our interpreter
        [sys.executable, "-c", ask], env=env, cwd=repo_root, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]", run.stdout
    assert hashes(tmp_path / "again") == hashes(tmp_path / "fresh")


def _failure(settings: object) -> str:
    stages._SHARED.clear()
    with pytest.raises(BuildError) as failed:
        build(settings, progress=False)  # type: ignore[arg-type]
    return str(failed.value)


def test_the_shared_inputs_read_back_give_the_same_build(
    tmp_path: Path, repo_root: Path, sources_dir: Path
) -> None:
    """The shared inputs (vocabularies, shapes, ontology, context) read back from the
    build cache's snapshot (app/build_snapshot.py) give the build they give when parsed:
    the same violations, word for word, and the same bytes; a snapshot that cannot be
    read is ignored. The process's own copy of them is dropped before each build so
    that the next one reads the snapshot."""
    data = tmp_path / "contrats"
    shutil.copytree(repo_root / "data" / "contrats", data)
    original = (data / MELUN).read_text(encoding="utf-8")
    _invert_a_range(data / MELUN)
    cache = tmp_path / "cache"
    settings = _config(repo_root, sources_dir, data, tmp_path / "out", cache, 1)
    parsed = _failure(settings)
    assert "[forme cdvsh:FourchetteOrdonneeShape]" in parsed
    [snapshot] = cache.glob("commun-*.pickle")
    assert _failure(settings) == parsed  # the violating contract alone, shared inputs read back
    snapshot.write_bytes(b"pas un pickle")
    assert _failure(settings) == parsed  # unreadable: parsed again
    (data / MELUN).write_text(original, encoding="utf-8")
    stages._SHARED.clear()
    build(settings, progress=False)  # reads the snapshot written again just above
    fresh = _config(repo_root, sources_dir, data, tmp_path / "fresh", tmp_path / "empty", 1)
    stages._SHARED.clear()
    build(fresh, progress=False)
    assert hashes(tmp_path / "out") == hashes(tmp_path / "fresh")

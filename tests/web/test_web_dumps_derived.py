"""The Turtle and JSON-LD dumps are derived from the build's N-Quads into files, once
per build (``app.web.downloads.derived_dump``), on real files in a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from web_helpers import site_over

from app.config import Settings
from app.dumps import DUMP_NQ
from app.web.downloads import BY_NAME, JSONLD_TAIL, derived_dump, jsonld_head

TURTLE, JSONLD = BY_NAME["cvkg.ttl"], BY_NAME["cvkg.jsonld"]
A = '<http://ex.org/a> <http://ex.org/p> "un"@fr <http://ex.org/g1> .\n'
B = "<http://ex.org/b> <http://ex.org/p> <http://ex.org/a> <http://ex.org/g2> .\n"


def triples(path: Path) -> set[str]:
    return {str(t) for t in ox.parse(path=path, format=ox.RdfFormat.TURTLE)}


def test_derived_once_per_build_and_again_after_a_new_build(tmp_path: Path) -> None:
    build, cache = tmp_path / "build", tmp_path / "cache"
    build.mkdir()
    (build / DUMP_NQ).write_text(A, encoding="utf-8")
    first = derived_dump(build, cache, TURTLE, {})
    assert first is not None
    assert triples(first) == {'<http://ex.org/a> <http://ex.org/p> "un"@fr'}
    written = first.stat().st_mtime_ns
    assert derived_dump(build, cache, TURTLE, {}) == first
    assert first.stat().st_mtime_ns == written  # kept, not derived again
    (build / DUMP_NQ).write_text(A + B, encoding="utf-8")  # a new build
    second = derived_dump(build, cache, TURTLE, {})
    assert second is not None and second != first
    assert len(triples(second)) == 2
    assert not first.exists()  # the earlier build's is gone
    assert not list(second.parent.glob(".*partial"))


def test_the_jsonld_dump_holds_every_named_graph_with_the_context_url(tmp_path: Path) -> None:
    build = tmp_path / "build"
    build.mkdir()
    (build / DUMP_NQ).write_text(A + B, encoding="utf-8")
    derived = derived_dump(build, tmp_path / "cache", JSONLD, {})
    assert derived is not None
    document = json.loads(
        jsonld_head("http://x/dumps/context.jsonld") + derived.read_bytes() + JSONLD_TAIL
    )
    assert document["@context"] == "http://x/dumps/context.jsonld"
    graphs = {g["@id"]: g["@graph"] for g in document["@graph"]}
    assert set(graphs) == {"http://ex.org/g1", "http://ex.org/g2"}
    assert graphs["http://ex.org/g1"] == [
        {"@id": "http://ex.org/a", "http://ex.org/p": [{"@value": "un", "@language": "fr"}]}
    ]


def test_no_build_no_dump(tmp_path: Path) -> None:
    assert derived_dump(tmp_path, tmp_path / "cache", TURTLE, {}) is None


def test_a_cache_folder_that_cannot_be_written_is_a_clear_507(
    built_dir: Path, repo_root: Path, tmp_path: Path
) -> None:
    """``CVKG_CACHE_DIR`` under a file: the Turtle dump cannot be derived; the answer
    says where and which setting, and the N-Quads dump is still served."""
    blocker = tmp_path / "un-fichier"
    blocker.write_text("", encoding="utf-8")
    settings = Settings(
        build_dir=built_dir, ontology_dir=repo_root / "ontology", cache_dir=blocker / "cache"
    )
    with site_over(ox.Store(), settings) as http:
        turtle = http.get("/dumps/cvkg.ttl")
        nquads = http.head("/dumps/cvkg.nq")
    assert turtle.status_code == 507, turtle.text
    assert "CVKG_CACHE_DIR" in turtle.text and str(blocker) in turtle.text
    assert nquads.status_code == 200

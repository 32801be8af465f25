"""The build cache never publishes what a build from scratch would not: the maintainer's
cases of an incremental build run on edited, damaged or concurrently written inputs.

Real files (the five curated contracts and a copy of their sources with their
``SHA256SUMS``), real builds in one process (``build_workers=1``), real
concurrent builds in two processes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from files_helpers import hashes

from app.build import BuildError, build
from app.build_cache import common_key, contract_key
from app.build_contracts import Batch, build_batch
from app.config import DEFAULT_BASE_IRI, Settings
from app.sources import MANIFEST

SIX = "001_629d7a99e5f4e6ca"  # its label « VIVRE ENSEMBLE – SOLIDARITÉ » is line 4 of its text


def _settings(
    repo: Path, work: Path, out: str = "out", cache: str = "cache", keep_days: float = 14.0
) -> Settings:
    return Settings(
        cache_keep_days=keep_days,
        base_iri=DEFAULT_BASE_IRI,
        data_dir=work / "contrats",
        ontology_dir=repo / "ontology",
        shapes_dir=repo / "shapes",
        sources_dir=work / "sources",
        build_dir=work / out,
        cache_dir=work / cache,
        build_workers=1,
    )


@pytest.fixture()
def work(tmp_path: Path, repo_root: Path, sources_dir: Path) -> Path:
    shutil.copytree(repo_root / "data" / "contrats", tmp_path / "contrats")
    shutil.copytree(sources_dir, tmp_path / "sources")
    return tmp_path


def _failure(settings: Settings) -> str:
    with pytest.raises(BuildError) as failed:
        build(settings, progress=False)
    return str(failed.value)


def _record(sources: Path, name: str) -> None:
    """Record ``name``'s new bytes in the manifest, as ``cvkg sources`` would."""
    manifest = sources / MANIFEST
    digest = hashlib.sha256((sources / name).read_bytes()).hexdigest()
    lines = [
        f"{digest}  {name}" if line.endswith(f"  {name}") else line
        for line in manifest.read_text(encoding="utf-8").splitlines()
    ]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_source_text_changed_under_a_cached_contract_is_checked_again(
    work: Path, repo_root: Path
) -> None:
    """The source text was in the key through a regular expression over the YAML
    text, which missed the flow style the format allows (``source: {fichier: …}``):
    after its text changed, the contract came from the cache with a label no longer
    in it, where a build from scratch refuses it. A manifest edited alone, likewise."""
    path = work / "contrats" / f"{SIX}.yaml"
    text = path.read_text(encoding="utf-8")
    block = re.search(r"^source:\n((?:  .*\n)+)", text, re.MULTILINE)
    assert block is not None
    fields = ", ".join(line.strip() for line in block.group(1).splitlines())
    path.write_text(text.replace(block.group(0), f"source: {{{fields}}}\n"), encoding="utf-8")
    settings = _settings(repo_root, work)
    build(settings, progress=False)

    source = work / "sources" / f"{SIX}.txt"
    original = source.read_bytes()
    source.write_bytes(original.replace("SOLIDARITÉ".encode(), b"PARTAGE", 1))
    _record(work / "sources", source.name)
    message = _failure(settings)
    assert f"{SIX}.yaml" in message and "VIVRE ENSEMBLE – SOLIDARITÉ" in message, message
    assert "introuvable" in message, message

    source.write_bytes(original)
    _record(work / "sources", source.name)
    build(settings, progress=False)  # as before: from the cache
    manifest = work / "sources" / MANIFEST
    manifest.write_text(
        re.sub(rf"^\w(\w+  {SIX}\.txt)$", r"0\1", manifest.read_text(), flags=re.MULTILINE),
        encoding="utf-8",
    )
    assert "document source modifié" in _failure(settings)


def test_a_damaged_entry_is_built_again(work: Path, repo_root: Path) -> None:
    """A truncated part of the dumps was published as is (an N-Quads dump no parser
    reads, with the triple count of the whole one), an emptied Turtle file likewise;
    a truncated ``meta.json`` made every later build fail on an assertion, a deleted
    file on a raw FileNotFoundError. Each is now no entry: built and written again."""
    settings = _settings(repo_root, work)
    build(settings, progress=False)
    fresh = hashes(work / "out")
    entries = {
        p.parent.name: p.parent
        for p in (work / "cache").glob("*/contrat.ttl")
        if p.stat().st_size > 0
    }
    assert len(entries) == 5
    first, second, third, fourth = sorted(entries.values())[:4]
    with open(first / "dump.nq", "r+b") as handle:
        handle.truncate(1000)
    (second / "contrat.ttl").write_bytes(b"")
    (third / "meta.json").write_text('{"id": "six', encoding="utf-8")
    (fourth / "contrat.jsonld").unlink()
    build(settings, progress=False)
    # The output's files were hard links to the damaged ones: compare with a clean build.
    clean = _settings(repo_root, work, out="clean", cache="empty")
    build(clean, progress=False)
    assert hashes(work / "out") == hashes(work / "clean")
    assert set(hashes(work / "out")) == set(fresh)
    build(settings, progress=False)  # and the entries written again are whole
    assert hashes(work / "out") == hashes(work / "clean")


def test_a_file_edited_while_its_contract_builds_is_an_error(work: Path, repo_root: Path) -> None:
    """The key was computed from the bytes at the start of the build and the file read
    again later by a worker: edited meanwhile, the edited contract was cached under
    the old bytes' key, and every later build published it for the old file."""
    settings = _settings(repo_root, work)
    path = work / "contrats" / f"{SIX}.yaml"
    common = common_key(settings.base_iri, settings.ontology_dir, settings.shapes_dir)
    key = contract_key(path.read_bytes(), common)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('code: "1"', 'code: "1bis"', 1), encoding="utf-8")
    outcome = build_batch(Batch([path], [key], settings, common))
    assert any("modifié pendant la construction" in problem for problem in outcome.read)
    assert not (work / "cache" / key).exists()
    build(settings, progress=False)  # the next build takes the file as it is now
    built = (work / "out" / "contrats").glob("six-thematiques-*.ttl")
    assert '"1bis"' in next(built).read_text(encoding="utf-8")


def test_two_builds_at_once_and_a_killed_one(work: Path, repo_root: Path) -> None:
    """Two builds at once: one failed on a raw OSError, both renaming their output
    into place, and left its copy behind; the copy a killed build left (≈ 800 MB at
    825 contracts) stayed for ever. One build now waits for the other, and the next
    build deletes what a killed one left."""
    left = work / ".out.a1b2c3d4"  # what a build killed while writing leaves
    left.mkdir()
    (left / "cvkg.nq").write_bytes(b"<a> <b> <c> <d> .\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CVKG_")}
    env |= {
        "CVKG_DATA_DIR": str(work / "contrats"),
        "CVKG_SOURCES_DIR": str(work / "sources"),
        "CVKG_BUILD_DIR": str(work / "out"),
        "CVKG_CACHE_DIR": str(work / "cache"),
        "CVKG_BUILD_WORKERS": "1",
    }
    run = "from app.build import build; from app.config import get_settings; "
    run += "build(get_settings(), progress=False)"
    builds = [
        subprocess.Popen(  # noqa: S603 - our interpreter
            [sys.executable, "-c", run], env=env, cwd=repo_root, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    errors = [b.communicate(timeout=600)[1] for b in builds]
    assert [b.returncode for b in builds] == [0, 0], errors
    assert any("attente de sa fin" in e for e in errors), errors
    assert not list(work.glob(".out.*"))
    clean = _settings(repo_root, work, out="clean", cache="empty")
    build(clean, progress=False)
    assert hashes(work / "out") == hashes(work / "clean")


def test_entries_no_build_used_for_long_are_deleted(work: Path, repo_root: Path) -> None:
    """Every change of the ontology, shapes or build code left a whole set of entries
    no build reads again (≈ 1.3 GB at 825 contracts) until ``make clean``. A build
    now deletes those unused for ``CVKG_CACHE_KEEP_DAYS`` (here 1), the snapshots of
    other shared inputs as old, and what a killed build left; it keeps its own
    entries and recent ones."""
    settings = _settings(repo_root, work, keep_days=1)
    build(settings, progress=False)
    cache = work / "cache"
    kept = {p.name for p in cache.iterdir()}
    three_days_ago = time.time() - 3 * 86400
    for name, when in (("a" * 32, three_days_ago), ("b" * 32, time.time())):
        entry = cache / name
        entry.mkdir()
        (entry / "meta.json").write_text('{"id": "ancien"}', encoding="utf-8")
        os.utime(entry / "meta.json", (when, when))
    snapshot = cache / ("commun-" + "c" * 32 + "-rdflib-0.pickle")
    snapshot.write_bytes(b"ancien")
    os.utime(snapshot, (three_days_ago, three_days_ago))
    left = cache / ".d0d0d0.killed"
    left.mkdir()
    os.utime(left, (three_days_ago, three_days_ago))
    os.utime(
        next(p for p in cache.iterdir() if p.name in kept and p.is_dir()) / "meta.json",
        (three_days_ago, three_days_ago),
    )  # used by this build: touched again
    before = hashes(work / "out")
    build(settings, progress=False)
    assert {p.name for p in cache.iterdir()} == kept | {"b" * 32}
    assert hashes(work / "out") == before

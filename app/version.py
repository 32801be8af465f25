"""The data version: one fingerprint of everything that determines the built data.

A build is stale as soon as anything it was made from changes: the contract
files, ontology, shapes and base IRI (the inputs), the source texts labels are
checked against, and the code of every build stage — a change in the tagging
rules of ``app/enrichment`` gives different data from the same files, so it
must give a different version too. The server adds the state of its
annotation graphs to this build version (``app.server.annotation_graphs``), so that
every accepted write is a new version as well.

>>> len(code_fingerprint())
64
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from app.config import Settings
from app.rdf.territoires_officiels import REFERENCE_TABLE

APP_DIR = Path(__file__).resolve().parent
# The modules the build runs (app/build.py chains them); app/server, app/api and
# app/web only serve what they wrote, so their code does not change the data.
# Settings reach the build as values (directories, base IRI), hashed as such.
BUILD_CODE = (
    "__init__.py",
    "build.py",
    "build_cache.py",
    "build_common.py",
    "build_contracts.py",
    "build_pool.py",
    "build_snapshot.py",
    "build_statistics.py",
    "build_timing.py",
    "config.py",
    "curation",
    "dump_parts.py",
    "dumps.py",
    "enrichment",
    "prefixes.py",
    "rdf",
    "synthese.py",
    "shacl",
    "sources.py",
    "validation.py",
    "version.py",
    "vocabularies.py",
)


def _files(root: Path, entries: Iterable[str], pattern: str) -> list[Path]:
    out: list[Path] = []
    for entry in entries:
        path = root / entry
        if path.is_dir():
            out += sorted(p for p in path.rglob(pattern) if p.is_file())
        elif path.is_file():
            out.append(path)
    return out


def _digest(h: hashlib._Hash, root: Path, files: Iterable[Path]) -> None:
    for path in files:
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())


def code_fingerprint(app_dir: Path = APP_DIR) -> str:
    """Hash of the source of the build stages (``BUILD_CODE`` under ``app_dir``)."""
    h = hashlib.sha256()
    _digest(h, app_dir, _files(app_dir, BUILD_CODE, "*.py"))
    return h.hexdigest()


def input_files(settings: Settings) -> list[Path]:
    """The data the build reads: contract files, ontology and vocabularies, shapes."""
    files = sorted(settings.data_dir.glob("*.yaml"))
    files += sorted(settings.ontology_dir.glob("*.ttl")) + sorted(settings.shapes_dir.glob("*.ttl"))
    files += sorted(p for p in REFERENCE_TABLE.parent.glob("*") if p.is_file())  # official codes
    return files


def build_fingerprint(settings: Settings, app_dir: Path = APP_DIR) -> str:
    """The version of the data a build of ``settings`` produces (16 hex digits)."""
    h = hashlib.sha256(f"{settings.base_iri}\n".encode())
    h.update(b"code\0" + code_fingerprint(app_dir).encode())
    for path in input_files(settings):
        h.update(b"input\0" + path.name.encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    sources = settings.sources_dir
    if sources.is_dir():
        h.update(b"sources\0")
        _digest(h, sources, sorted(p for p in sources.rglob("*") if p.is_file()))
    return h.hexdigest()[:16]

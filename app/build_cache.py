"""Per-contract build cache: a contract whose inputs did not change is not rebuilt.

At national scale (825 contracts) reading, validating (pySHACL, about a second
per contract) and enriching every contract again for each edit would take
many minutes. Everything the build derives from one contract depends only on
that contract's file, its source text, and what is common to all contracts
(ontology and vocabularies, shapes, base IRI, the build code). So each
contract's results are kept under a key hashing exactly those inputs
(:func:`contract_key`): its part of the dumps (the sorted N-Quads and the TriG
blocks of its enriched, validated graph and of its precomputed facts,
``app/synthese.py``, with their VoID sizes), its Turtle and JSON-LD files (the
JSON-LD compacted with the published context, made from the ontology and base
IRI by ``app/rdf/context.py``: all three are in the key) and a few figures. A
build reuses an entry with the same key, and only the checks across contracts
(unique ids and sources, the per-generation facts) and the concatenation of the
parts into the dumps run on every build.

Entries are written to a temporary directory renamed into place, so a build
interrupted mid-write leaves no half entry. A stale entry is never wrong, only
unused; ``make clean`` removes the cache (``CVKG_CACHE_DIR``, default
``var/build-cache``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app import __version__
from app.dump_parts import DumpPart
from app.rdf.territoires_officiels import REFERENCE_TABLE
from app.version import code_fingerprint

_SOURCE_FILE = re.compile(r"^\s+fichier:\s*[\"']?([^\"'\n#]+?)[\"']?\s*(?:#.*)?$", re.MULTILINE)

DUMP_NQ = "dump.nq"
DUMP_TRIG = "dump.trig"
META = "meta.json"


def common_key(base_iri: str, ontology_dir: Path, shapes_dir: Path) -> str:
    """The inputs every contract shares: base IRI, ontology and vocabularies, shapes,
    the official codes table, the code of the build stages (``app.version``)."""
    h = hashlib.sha256(f"{__version__}\n{base_iri}\n{code_fingerprint()}\n".encode())
    files = sorted(ontology_dir.glob("*.ttl")) + sorted(shapes_dir.glob("*.ttl"))
    files += sorted(p for p in REFERENCE_TABLE.parent.glob("*") if p.is_file())
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def contract_key(path: Path, sources_dir: Path, common: str) -> str:
    """The key of one contract file: its bytes, its source text's bytes, the common inputs."""
    data = path.read_bytes()
    h = hashlib.sha256(common.encode() + b"\0" + data + b"\0")
    found = _SOURCE_FILE.search(data.decode("utf-8", "replace"))
    source = sources_dir / found.group(1).strip() if found else None
    if source is not None and source.is_file():
        h.update(source.read_bytes())
    else:
        h.update(b"<no source>")  # the load reports it; such a file never reaches the cache
    return h.hexdigest()[:32]


@dataclass(frozen=True)
class Entry:
    """One contract's cached results."""

    directory: Path
    meta: dict[str, object]

    @property
    def id(self) -> str:
        return str(self.meta["id"])

    def part(self) -> DumpPart:
        """Its part of the dumps (its files: the dumps copy them as they are)."""
        sizes = self.meta["void"]
        assert isinstance(sizes, dict)
        return DumpPart(self.directory / DUMP_NQ, self.directory / DUMP_TRIG, sizes)

    def folded_themes(self) -> dict[str, set[str]]:
        themes = self.meta.get("themes")
        assert isinstance(themes, dict)
        return {theme: set(elements) for theme, elements in themes.items()}


class ContractCache:
    def __init__(self, root: Path) -> None:
        self.root = root

    def get(self, key: str) -> Entry | None:
        directory = self.root / key
        try:
            meta = json.loads((directory / META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return Entry(directory, meta) if isinstance(meta, dict) else None

    def put(
        self, key: str, meta: Mapping[str, object], part: DumpPart, files: Mapping[str, bytes]
    ) -> Entry:
        """Store an entry atomically: ``meta`` (with the part's sizes), the part's
        dump pieces, and ``files`` under their given names."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=self.root))
        assert isinstance(part.nquads, bytes) and isinstance(part.trig, bytes)
        try:
            (tmp / DUMP_NQ).write_bytes(part.nquads)
            (tmp / DUMP_TRIG).write_bytes(part.trig)
            for name, data in files.items():
                (tmp / name).write_bytes(data)
            meta = {**meta, "void": part.sizes}
            (tmp / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            target = self.root / key
            if target.exists():  # the same inputs, written by a concurrent build
                shutil.rmtree(tmp, ignore_errors=True)
                entry = self.get(key)
                assert entry is not None
                return entry
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        # What was just written (JSON values only): not read back and decoded again.
        return Entry(target, dict(meta))

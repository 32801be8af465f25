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

The source text is not in the key, because which text a contract names is
only known once its YAML is read, and guessing it from the text missed the flow
style (``source: {fichier: …}``): a changed source was then never checked again.
Instead an entry records the text it was checked against (name, SHA-256 of its
bytes, its line in ``SHA256SUMS``), and :meth:`ContractCache.get` serves it only
while all three are unchanged. The worker checks that the contract's bytes are
still those of the key before and after reading them (a file edited during a
build is an error, never an entry under the old key).

Entries are written to a temporary directory renamed into place, so a build
interrupted mid-write leaves no half entry; each records its files' sizes, and
an entry whose files are missing or of another size (truncated, deleted by
hand: the build's output files are hard links to them) is no entry: it is built
and written again. A stale entry is never wrong, only unused; ``make clean``
removes the cache (``CVKG_CACHE_DIR``, default ``var/build-cache``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from app import __version__
from app.dump_parts import DumpPart
from app.rdf.territoires_officiels import REFERENCE_TABLE
from app.sources import read_manifest, source_path
from app.version import code_fingerprint

DUMP_NQ = "dump.nq"
DUMP_TRIG = "dump.trig"
META = "meta.json"
SIZES = "tailles"  # meta: each file of the entry and its size in bytes
SOURCE = "source"  # meta of a contract: SourceTexts.record of its source text


# The libraries whose output the build's files are: a new version may serialise,
# validate or parse otherwise.
_LIBRARIES = ("rdflib", "pyoxigraph", "pyshacl", "pyyaml", "pydantic")


def _versions() -> str:
    found = []
    for name in _LIBRARIES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=?")
    return " ".join(found)


def common_key(base_iri: str, ontology_dir: Path, shapes_dir: Path) -> str:
    """The inputs every contract shares: base IRI, ontology and vocabularies, shapes,
    the official codes table, the code of the build stages (``app.version``) and the
    versions of the libraries it runs."""
    h = hashlib.sha256(f"{__version__}\n{base_iri}\n{code_fingerprint()}\n{_versions()}\n".encode())
    files = sorted(ontology_dir.glob("*.ttl")) + sorted(shapes_dir.glob("*.ttl"))
    files += sorted(p for p in REFERENCE_TABLE.parent.glob("*") if p.is_file())
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def contract_key(data: bytes, common: str) -> str:
    """The key of one contract file's bytes under the common inputs (its source text
    is checked by :meth:`ContractCache.get`, from what the entry records)."""
    return hashlib.sha256(common.encode() + b"\0" + data).hexdigest()[:32]


class SourceTexts:
    """What an entry records of the source text it was checked against, read once per
    build for each text: its name, the SHA-256 of its bytes, its line in the manifest."""

    def __init__(self, sources_dir: Path) -> None:
        self.sources_dir = sources_dir
        self._manifest: dict[str, str] | None = None
        self._records: dict[str, dict[str, str | None]] = {}

    def record(self, fichier: str) -> dict[str, str | None]:
        found = self._records.get(fichier)
        if found is None:
            if self._manifest is None:
                self._manifest = read_manifest(self.sources_dir)
            path = source_path(self.sources_dir, fichier)
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path else None
            found = {"fichier": fichier, "sha256": digest, "manifeste": self._manifest.get(fichier)}
            self._records[fichier] = found
        return found


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

    def get(self, key: str, sources: SourceTexts | None = None) -> Entry | None:
        """The entry of ``key`` if it is whole (every file of its recorded size) and,
        given ``sources``, its source text is the one it was checked against."""
        directory = self.root / key
        try:
            meta = json.loads((directory / META).read_text(encoding="utf-8"))
            if not isinstance(meta, dict) or not _whole(directory, meta.get(SIZES)):
                return None
        except (OSError, ValueError):
            return None
        recorded = meta.get(SOURCE)
        if sources is not None and recorded is not None:
            if not isinstance(recorded, dict) or sources.record(recorded["fichier"]) != recorded:
                return None
        with contextlib.suppress(OSError):
            os.utime(directory / META)  # used now: kept by prune()
        return Entry(directory, meta)

    def prune(self, unused_since: float, common: str) -> int:
        """Delete the entries no build used since ``unused_since`` (``time.time()``;
        their ``meta.json`` is touched at each use), the shared inputs' snapshots of
        other common keys as old, and what a killed build left (an hour old); the
        number of entries deleted.

        Why: every change of the ontology, shapes or build code leaves a whole set of
        entries no build will read again, ≈ 1.3 GB at 825 contracts, kept until
        ``make clean``."""
        if not self.root.is_dir():
            return 0
        now = time.time()
        deleted = 0
        for path in self.root.iterdir():
            try:
                if path.name.startswith("."):  # a temporary entry of a killed build
                    if now - path.stat().st_mtime > 3600:
                        shutil.rmtree(path, ignore_errors=True)
                elif path.is_dir():
                    if (path / META).stat().st_mtime < unused_since:
                        _remove(path)
                        deleted += 1
                elif common[:32] not in path.name and path.stat().st_mtime < unused_since:
                    path.unlink()
            except OSError:  # no meta (a damaged entry) or gone meanwhile
                if path.is_dir() and not (path / META).exists():
                    shutil.rmtree(path, ignore_errors=True)
        return deleted

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
            sizes = {DUMP_NQ: len(part.nquads), DUMP_TRIG: len(part.trig)}
            sizes.update((name, len(data)) for name, data in files.items())
            meta = {**meta, "void": part.sizes, SIZES: sizes}
            (tmp / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            target = self.root / key
            if target.exists():  # damaged, or checked against another source text
                _remove(target)
            try:
                os.replace(tmp, target)
            except OSError:  # another process put the same key meanwhile: keep its entry
                if self.get(key) is None:
                    raise
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        # What was just written (JSON values only): not read back and decoded again.
        return Entry(target, dict(meta))


def _whole(directory: Path, sizes: object) -> bool:
    """Whether every file ``sizes`` lists is in ``directory`` with that size."""
    if not isinstance(sizes, dict):
        return False
    for name, size in sizes.items():
        try:
            if (directory / name).stat().st_size != size:
                return False
        except OSError:
            return False
    return True


def _remove(directory: Path) -> None:
    """Rename an entry aside, then delete it: never a half-deleted entry in place (the
    output's hard links to its files keep them)."""
    aside = Path(tempfile.mkdtemp(prefix=f".{directory.name}~old.", dir=directory.parent))
    try:
        os.replace(directory, aside / directory.name)
    finally:
        shutil.rmtree(aside, ignore_errors=True)

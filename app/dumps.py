"""Write the build output deterministically and atomically.

Deterministic: triples are sorted in canonical N-Triples form and blank nodes are
canonicalised, so the same input gives byte-identical files. Atomic: everything is
written to a sibling temporary directory that replaces the old output in one rename;
a failed build leaves the previous output untouched.

The dataset's sizes for its VoID description (:func:`void_statistics`) are
counted here too, on the quads just written: the graph only changes with a
build, so the server reads them from ``build-info.json`` instead of counting
1.4 M quads again in SPARQL (≈ 1.5 s at 2 000 contracts).

The dumps are the concatenation of parts (``app.dump_parts.DumpPart``): the
ontology and vocabularies, each contract, the per-generation facts, each
part's lines sorted (a graph's lines: ``app.rdf.ntriples``).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from app.build_statistics import Merged, void_statistics
from app.dump_parts import DumpPart
from app.rdf.namespaces import PREFIXES

DUMP_NQ = "cvkg.nq"
DUMP_TRIG = "cvkg.trig"
BUILD_INFO = "build-info.json"
# The ontology as built, beside the data: the site reads its labels, context
# and documentation from the build's output, never from ontology/ directly.
ONTOLOGY_COPY = "cdv.ttl"


def _append(out: BinaryIO, data: bytes | Path) -> None:
    if isinstance(data, bytes):
        out.write(data)
        return
    out.flush()
    with data.open("rb") as source:  # copied by the kernel, not through Python
        size, offset = os.fstat(source.fileno()).st_size, 0
        while offset < size:
            offset += os.sendfile(out.fileno(), source.fileno(), offset, size - offset)


def _trig_prefixes() -> bytes:
    return b"".join(f"@prefix {p}: <{ns}> .\n".encode() for p, ns in PREFIXES.items())


def write_dataset(
    directory: Path, parts: Iterable[DumpPart], roots: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Write the N-Quads and TriG dumps, part after part; their VoID statistics
    (as :func:`void_statistics` counts them: parts hold distinct quads), merged
    from the parts' sizes (``roots``: those of :func:`dump_part`).

    One thread: writing the two dumps in two threads while this one merged the
    sizes took twice as long at 825 contracts (the copies wait for the lock
    the merge holds).
    """
    merged = Merged(roots)
    with (directory / DUMP_NQ).open("wb") as nq, (directory / DUMP_TRIG).open("wb") as trig:
        trig.write(_trig_prefixes())
        for part in parts:
            _append(nq, part.nquads)
            _append(trig, part.trig)
            merged.add(part.sizes)
    statistics = merged.statistics()
    if statistics is None:  # owned counts that may overlap: counted from the quads
        quads = ox.parse(path=directory / DUMP_NQ, format=ox.RdfFormat.N_QUADS)
        statistics = void_statistics(quads)
    return statistics


def write_json(path: Path, data: object) -> None:
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def _discard(old: Path) -> None:
    """Delete a replaced output in a process of its own, not waited for: freeing the
    blocks of the previous dumps (≈ 1 GB at 825 contracts) took half a second of a
    rebuild, and nothing reads that directory any more."""
    try:
        subprocess.Popen(  # noqa: S603 - our interpreter, a path we created
            [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], True)", old],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def exclusive(target: Path) -> Iterator[None]:
    """One build at a time writes into ``target``'s folder and the cache: a second waits.

    Two builds at once used to fail one of them on a raw ``OSError`` (both
    renaming their output into place) and leave its copy of the output behind;
    a build killed meanwhile left its temporary copy (≈ 800 MB at 825 contracts)
    for ever. The lock is the kernel's (``flock``) on the folder that holds the
    output, so it leaves no file behind, and a killed build releases it.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            where = target.parent
            print(
                f"une autre construction écrit dans {where} : attente de sa fin…", file=sys.stderr
            )
            fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # releases the lock


@contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a fresh temporary directory that replaces ``target`` only if the block succeeds
    (call it under :func:`exclusive`: it deletes what a killed build left).

    The replaced directory is renamed aside (``.<name>~old.*``) and deleted in
    the background (:func:`_discard`); one left by an interrupted deletion is
    deleted by the next build.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}~old.*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in target.parent.glob(f".{target.name}.*"):  # a killed build's: we hold the lock
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    tmp.chmod(0o755)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}~old.", dir=target.parent))
        os.replace(target, old)
    os.replace(tmp, target)
    if old is not None:
        _discard(old)

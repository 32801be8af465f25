"""Loading RDF into the on-disk pyoxigraph store the query workers read.

The store is a RocksDB directory. The server process loads it, closes it, and
only then starts the workers, which each open it read-only
(``Store.read_only``): RocksDB allows many read-only openers, but opening one
while another process writes is undefined behaviour, so writes are done with
every reader closed (see ``workers.py``).

A ``cvkg-store.json`` beside the data records what the store was loaded
from: the dump (path, size, modification time) and the digest of the
annotation record (``annotation_graphs.py``). On the next start an unchanged pair
reopens the store as is; otherwise both are loaded into a fresh sibling
directory that then replaces the old one by renaming, so a crash mid-load never
leaves a half-loaded store in place. While an admin write runs the store is
marked ``dirty`` (``writes.py``): a server killed then reloads at its next
start. The build and the annotation record are the truth; the store caches them.

This module is the one place that knows the store's record and the build's
file names, hence the data version (:func:`data_version`).
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.dumps import BUILD_INFO, DUMP_NQ
from app.server import annotation_graphs
from app.server.annotation_graphs import Record, write_atomically
from app.server.bulk_load import StoreError, bulk_load, derived_graph_iri

META_FILE = "cvkg-store.json"


def _stamp(dump: Path) -> dict[str, object]:
    st = dump.stat()
    return {"path": str(dump.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def read_meta(store_dir: Path) -> dict[str, object] | None:
    """The store's load record, or ``None`` for a missing or foreign directory."""
    try:
        return json.loads((store_dir / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_meta(store_dir: Path, meta: dict[str, object]) -> None:
    write_atomically(store_dir / META_FILE, json.dumps(meta, indent=2).encode("utf-8"))


def mark_dirty(store_dir: Path) -> None:
    """A write is about to change the store: until :func:`mark_clean`, reload at start."""
    meta = read_meta(store_dir) or {}
    meta["dirty"] = True
    _write_meta(store_dir, meta)


def mark_clean(store_dir: Path, digest: str) -> None:
    """The store holds the build and the annotation record of ``digest``, nothing else."""
    meta = read_meta(store_dir) or {}
    meta.update(dirty=False, annotations=digest)
    _write_meta(store_dir, meta)


def _fresh(meta: dict[str, Any] | None, stamp: object, digest: str) -> bool:
    return bool(
        meta
        and meta.get("source") == stamp
        and meta.get("annotations", "") == digest
        and not meta.get("dirty")
        and not meta.get("modified")
    )


def _with_annotations(store_dir: Path, record: Record | None) -> None:
    from pyoxigraph import Store

    if record is None or not record.graphs:
        return
    store = Store(str(store_dir))
    try:
        annotation_graphs.apply(store, record)
        store.flush()
    finally:
        del store
        gc.collect()


DATASET_SUFFIXES = (".nq", ".trig")


def served_files(store_dir: Path) -> list[Path] | None:
    """The files the store was loaded from, when reloading them gives the same quads.

    That is the build's dump, unchanged, or files given to ``cvkg serve --data``
    that name their own graphs (N-Quads, TriG); a file of triples was put in a
    graph the load record does not keep, so it is not reloaded.
    """
    source = (read_meta(store_dir) or {}).get("source")
    if isinstance(source, dict):
        dump = Path(str(source.get("path", "")))
        return [dump] if dump.is_file() and _stamp(dump) == source else None
    if isinstance(source, list) and source:
        paths = [Path(str(p)) for p in source]
        if all(p.suffix in DATASET_SUFFIXES and p.is_file() for p in paths):
            return paths
    return None


def holds_build(store_dir: Path, build_dir: Path) -> bool:
    """Whether the store holds the build of ``build_dir`` as written (not ``--data``)."""
    return served_files(store_dir) == [(build_dir / DUMP_NQ).resolve()]


def data_version(store_dir: Path, build_dir: Path) -> str:
    """The version of what the store serves: the build's fingerprint when it holds
    the build's dump (else a hash of its load record), plus the annotation digest."""
    meta = read_meta(store_dir) or {}
    source = meta.get("source")
    dump = (build_dir / DUMP_NQ).resolve()
    version = ""
    if isinstance(source, dict) and source.get("path") == str(dump) and dump.is_file():
        if source == _stamp(dump):
            try:
                info = json.loads((build_dir / BUILD_INFO).read_text(encoding="utf-8"))
                version = str(info["fingerprint"])
            except (OSError, ValueError, KeyError, TypeError):
                version = ""
    if not version:
        loaded = json.dumps(source, sort_keys=True).encode()
        version = "store-" + hashlib.sha256(loaded).hexdigest()[:16]
    digest = meta.get("annotations")
    return f"{version}-a{digest}" if digest else version


@contextmanager
def _locked(store_dir: Path) -> Iterator[None]:
    """Serialise two servers starting at once on the same store directory."""
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(store_dir.parent / f".{store_dir.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _say(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)


def prepare_store(
    dump: Path, store_dir: Path, record: Record | None = None, *, progress: bool = False
) -> Path:
    """``store_dir``, (re)loaded from the N-Quads ``dump`` and the annotation ``record``
    unless already loaded from both."""
    if not dump.is_file():
        raise StoreError(f"fichier introuvable : {dump}")
    digest = record.digest if record is not None else ""
    with _locked(store_dir):
        meta = read_meta(store_dir)
        stamp = _stamp(dump)
        if _fresh(meta, stamp, digest):
            _say(progress, f"Base {store_dir} à jour (chargée depuis {dump.name}).")
            return store_dir
        if meta and meta.get("dirty"):
            _say(progress, f"Base {store_dir} interrompue pendant une écriture : rechargement.")
        tmp = Path(tempfile.mkdtemp(prefix=f".{store_dir.name}.load-", dir=store_dir.parent))
        try:
            start = time.perf_counter()
            _say(progress, f"Chargement de {dump} dans {store_dir}…")
            bulk_load(tmp, [(dump, None)])
            _with_annotations(tmp, record)
            _write_meta(
                tmp,
                {"source": stamp, "annotations": digest, "loaded_at": time.time()},
            )
            _swap(tmp, store_dir)
            _say(progress, f"Chargé en {time.perf_counter() - start:.1f} s.")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return store_dir


def _swap(new: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)


def load_files(
    files: list[Path], graph: str | None, store_dir: Path, record: Record | None = None
) -> Path:
    """Load arbitrary RDF files into a new store at ``store_dir`` (``--data``).

    Dataset formats (TriG, N-Quads) keep their own graphs; a file of triples
    goes to ``graph`` if given, else to a graph named after the file.
    """
    from pyoxigraph import RdfFormat

    plan: list[tuple[Path, str | None]] = []
    for path in files:
        if not path.is_file():
            raise StoreError(f"fichier introuvable : {path}")
        fmt = RdfFormat.from_extension(path.suffix.lstrip(".").lower())
        if fmt is None:
            raise StoreError(f"format RDF inconnu pour {path} (extension {path.suffix!r})")
        target = None if fmt.supports_datasets else (graph or derived_graph_iri(path))
        plan.append((path, target))
    bulk_load(store_dir, plan)
    _with_annotations(store_dir, record)
    digest = record.digest if record is not None else ""
    _write_meta(store_dir, {"source": [str(p) for p in files], "annotations": digest})
    return store_dir

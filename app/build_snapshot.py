"""What every contract reads (vocabularies, shapes, ontology, context), kept between builds.

A rebuild after one contract changed builds that contract in its own process,
which first parses the vocabularies (Turtle, ≈ 0.3 s), merges them, parses
the shapes and the ontology and makes the published context: ≈ 0.55 s of a
rebuild's ≈ 4-5 s, for inputs that only change with the common key
(``app.build_cache.common_key``: ontology and vocabularies, shapes, base IRI,
the build code). The loaded objects are pickled once into the build cache, under
that key and rdflib's version (the pickle holds rdflib's graphs), and a later
process loads them in ≈ 0.07 s.

Beside it, under the same key, the predicates each SHACL-SPARQL constraint's
text reads (``reads_path``): finding them parses the texts with rdflib, whose
first parse in a process streamlines its whole grammar (≈ 0.5-0.7 s).

Never wrong, at worst unused: written to a temporary file renamed into place
(no half-written snapshot), and any snapshot that cannot be read or is not of
the expected type is ignored and the inputs are parsed again. The pickle is
the build's own output in its own cache directory (``CVKG_CACHE_DIR``), read
with the trust given to the cache's other entries.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import TypeVar

import rdflib

T = TypeVar("T")


def snapshot_path(cache_dir: Path, common: str) -> Path:
    return cache_dir / f"commun-{common[:32]}-rdflib-{rdflib.__version__}.pickle"


def reads_path(snapshot: Path) -> Path:
    """Beside the snapshot: the predicates each SHACL-SPARQL text reads
    (``app.shacl.sparql.remember_reads``), found once by parsing the texts."""
    return snapshot.with_suffix(".lectures-sparql")


def read_snapshot(path: Path, kind: type[T]) -> T | None:
    """The object pickled at ``path`` if it is a ``kind``, else ``None`` (parse again)."""
    try:
        with path.open("rb") as f:
            found = pickle.load(f)  # noqa: S301 - the build's own cache (module docstring)
    except Exception:  # noqa: BLE001 - missing, truncated, or from other code: unused
        return None
    return found if isinstance(found, kind) else None


def write_snapshot(path: Path, value: object) -> None:
    """Pickle ``value`` at ``path`` atomically; a failure only costs the next process a parse."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError):
        return

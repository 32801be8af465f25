"""The project's own source texts (``data/sources/``) and their manifest of SHA-256 sums.

Every label of the graph claims to be read at a line of one of these files, so
they belong to the project: a clone can check any provenance claim without
anything outside the repository. ``SHA256SUMS`` (the ``sha256sum`` format, so
``cd data/sources && sha256sum -c SHA256SUMS`` checks it) records each text as
it was when it entered the project; the build refuses a text that changed since.
The importer adds its text renderings here through :func:`write_source`.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

MANIFEST = "SHA256SUMS"
# A source is named by a plain file name in the folder: no separator, no "..",
# no hidden file, no control character or NUL (so a name from a URL can never
# leave the folder). Spaces and accents are fine: documents arrive named by people.
_NAME = re.compile(r"^[^\x00-\x1f\x7f/\\.][^\x00-\x1f\x7f/\\]*$")
# The longest file name Linux file systems take (NAME_MAX, in bytes): a longer one
# names no file, and asking the system about it raises ENAMETOOLONG.
NAME_MAX_BYTES = 255


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def is_source_name(fichier: str) -> bool:
    """Whether ``fichier`` may name a source (a bare file name, nothing that walks out).

    >>> [is_source_name(n) for n in ("004_a2.txt", "Contrat de ville 2024.txt", "../x.txt")]
    [True, True, False]
    >>> [is_source_name(n) for n in ("/etc/passwd", "a\\x00.txt", "a\\\\b.txt", ".cache", "a..txt")]
    [False, False, False, False, False]
    >>> is_source_name("a" * 255), is_source_name("a" * 256)
    (True, False)
    """
    return (
        bool(_NAME.match(fichier))
        and ".." not in fichier
        and fichier != MANIFEST
        and len(fichier.encode("utf-8", "surrogatepass")) <= NAME_MAX_BYTES
    )


def source_path(sources_dir: Path, fichier: str) -> Path | None:
    """The file of source ``fichier`` in ``sources_dir``, or None if there is no such source."""
    if not is_source_name(fichier):
        return None
    path = sources_dir / fichier
    if not path.is_file() or path.resolve().parent != sources_dir.resolve():
        return None
    return path


def read_manifest(sources_dir: Path) -> dict[str, str]:
    """File name → recorded SHA-256 (empty when there is no manifest yet)."""
    manifest = sources_dir / MANIFEST
    if not manifest.is_file():
        return {}
    sums: dict[str, str] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, sep, name = line.partition("  ")
        if sep and len(digest) == 64:
            sums[name.lstrip("*")] = digest
    return sums


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and one rename: never half-written."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def record_source(sources_dir: Path, fichier: str) -> str:
    """Record ``fichier`` (already in ``sources_dir``) in the manifest; its SHA-256."""
    path = source_path(sources_dir, fichier)
    if path is None:
        raise FileNotFoundError(f"source introuvable : {sources_dir / fichier}")
    digest = sha256_file(path)
    sums = read_manifest(sources_dir)
    sums[fichier] = digest
    body = "".join(f"{sums[name]}  {name}\n" for name in sorted(sums))
    _atomic_write(sources_dir / MANIFEST, body.encode("utf-8"))
    return digest


def write_source(sources_dir: Path, fichier: str, text: str) -> str:
    """Write a text rendering as source ``fichier`` and record it; its SHA-256.

    The text is stored as given (UTF-8, one source line per line), so that the
    ``ligne`` numbers of a draft keep pointing at the same lines.
    """
    if not is_source_name(fichier):
        raise ValueError(
            f"nom de source invalide : {fichier!r} (un nom de fichier sans « / » ni « .. », "
            f"au plus {NAME_MAX_BYTES} octets)"
        )
    sources_dir.mkdir(parents=True, exist_ok=True)
    _atomic_write(sources_dir / fichier, text.encode("utf-8"))
    return record_source(sources_dir, fichier)


def manifest_problem(sources_dir: Path, fichier: str) -> str | None:
    """Why source ``fichier`` differs from its manifest entry, or None when it matches.

    A text that is not listed is not a problem here (a curator may add one by
    hand and record it later); one that changed since it was recorded is.
    """
    recorded = read_manifest(sources_dir).get(fichier)
    path = source_path(sources_dir, fichier)
    if recorded is None or path is None:
        return None
    actual = sha256_file(path)
    if actual != recorded:
        return (
            f"{path} a changé depuis son enregistrement dans {MANIFEST} "
            f"(SHA-256 {actual[:12]}…, enregistré {recorded[:12]}…)"
        )
    return None

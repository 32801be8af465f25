"""Read a document of any supported format into a :class:`Rendering`.

Each format has its own module; this one picks it by extension and turns every
library failure into an :class:`ImportFailure` naming the file.
"""

from __future__ import annotations

from pathlib import Path

from app.importer.errors import ImportFailure
from app.importer.lines import Rendering

FORMATS = {".pdf": "pdf", ".docx": "docx", ".odt": "odt", ".txt": "txt", ".md": "md"}
# Word and OpenDocument files are zip archives, read whole into memory by their
# libraries: a part that unpacks past these is a zip bomb, not a contract.
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for a part above 10 MB (XML: 10-20×)


def extract(path: Path) -> Rendering:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise ImportFailure(
            path, f"format non pris en charge « {path.suffix or '(aucun)'} » ({known})"
        )
    if not path.is_file():
        raise ImportFailure(path, "fichier introuvable")
    if path.stat().st_size == 0:
        raise ImportFailure(path, "document vide (0 octet)")
    if fmt in ("docx", "odt"):
        _check_archive(path)
    if fmt == "pdf":
        from app.importer.extract_pdf import read_pdf as reader
    elif fmt == "docx":
        from app.importer.extract_docx import read_docx as reader
    elif fmt == "odt":
        from app.importer.extract_odt import read_odt as reader
    else:
        from app.importer.extract_text import read_text as reader
    rendering = reader(path)
    if rendering.is_empty():
        raise ImportFailure(path, "document vide : aucun texte")
    return rendering


def _check_archive(path: Path) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # its reader says the file is damaged, with the library's words
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > MAX_PART_BYTES or (part.file_size > 10_000_000 and ratio > MAX_RATIO):
            raise ImportFailure(
                path,
                f"archive suspecte : la partie « {part.filename} » se décompresse en "
                f"{part.file_size / 1e6:.0f} Mo ({ratio:.0f} fois sa taille) ; "
                "ce n'est pas un document ordinaire",
            )

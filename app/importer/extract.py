"""Read a document of any supported format into a :class:`Rendering`.

Each format has its own module; this one picks it by extension and turns every
library failure into an :class:`ImportFailure` naming the file.
"""

from __future__ import annotations

from pathlib import Path

from app.importer.errors import ImportFailure
from app.importer.lines import Rendering

FORMATS = {".pdf": "pdf", ".docx": "docx", ".odt": "odt", ".txt": "txt", ".md": "md"}


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

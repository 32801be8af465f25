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


# Word 97-2003 files, which no reader here takes, are still looked for in folders: each
# then fails saying how to convert it, where skipping it would go unnoticed.
UNREAD = (".doc",)
_SAVE_AS = (
    "ouvrez-le dans Word ou LibreOffice et enregistrez-le en .docx "
    "(ou : soffice --headless --convert-to docx FICHIER)"
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: Word 97-2003, Excel…


def format_of(path: Path) -> str:
    """The document's format: what its content says where it says it (a PDF, a Word or
    OpenDocument archive — a « .doc » that is a .docx renamed, a PDF without its
    extension), else its extension. Raises ``ImportFailure`` for a format no reader
    takes, saying how to convert it."""
    if not path.is_file():
        raise ImportFailure(path, "fichier introuvable")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if not head:
        raise ImportFailure(path, "document vide (0 octet)")
    if head.startswith(b"PK"):
        archived = _archived(path)
        if archived is not None:
            return archived
    elif b"%PDF-" in head:  # a PDF may start after a few bytes of something else
        return "pdf"
    if head.startswith(_OLE2):
        raise ImportFailure(path, f"document Word 97-2003 (.doc), non lu ici : {_SAVE_AS}")
    if head.startswith(b"{\\rtf"):
        raise ImportFailure(path, f"document RTF, non lu ici : {_SAVE_AS}")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:  # a damaged PDF or archive: its reader says so, in the library's words
        known = ", ".join(sorted(FORMATS))
        suffix = path.suffix or "(aucun)"
        raise ImportFailure(path, f"format non pris en charge « {suffix} » ({known})")
    return fmt


def _archived(path: Path) -> str | None:
    """A zip archive's format: Word (« word/document.xml ») or OpenDocument text."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names:
                with archive.open("mimetype") as part:  # read no more than a type's length
                    mime = part.read(100).strip()
                if mime == b"application/vnd.oasis.opendocument.text":
                    return "odt"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def extract(path: Path) -> Rendering:
    fmt = format_of(path)
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
    try:
        rendering = reader(path)
    except RecursionError as exc:  # tables in cells, lists in lists, hundreds deep
        raise ImportFailure(
            path,
            "structure imbriquée sur des centaines de niveaux (tableaux dans des "
            "cellules, listes dans des listes) : document illisible tel quel",
        ) from exc
    if rendering.is_empty() and fmt == "pdf":
        # Text there was, all of it repeated on every page: a scan under its stamp
        # (« Accusé de réception en préfecture … »), or running headers alone.
        raise ImportFailure(
            path,
            "PDF sans texte hors des en-têtes, pieds de page ou tampons répétés à chaque "
            "page (document scanné ?) : une reconnaissance de caractères (OCR) est nécessaire",
        )
    if rendering.is_empty():
        raise ImportFailure(path, "document vide : aucun texte")
    rendering.format = fmt
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

"""Documents that cannot be drafted: a clear error naming the file, status ≠ 0, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from documents import TEXT_CONTRACT

from app.cli import main


def _scanned_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(72, 72, 400, 600, fill=1)  # a page image stand-in: shapes, no text layer
    c.showPage()
    c.save()


def _stamped_scan(path: Path) -> None:
    """A scanned act as prefectures return it: each page an image (here, shapes) under
    the same small receipt stamp, its only text (removed as a running header)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for _ in range(3):
        c.rect(72, 72, 400, 600, fill=1)
        c.setFont("Helvetica", 6)
        c.drawString(380, 825, "Accusé de réception en préfecture 077-247700057-20240329-DE")
        c.drawString(380, 818, "Reçu le 02/04/2024")
        c.showPage()
    c.save()


def _encrypted_pdf(path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(72, 720, "Axe 1 - Emploi")
    c.save()


def _zip_bomb(path: Path) -> None:
    """A Word file whose document part unpacks to 60 MB of blanks (≈ 60 kB packed):
    python-docx would read it whole (1.2 GB resident at 600 MB unpacked)."""
    import zipfile

    import docx

    plain = path.with_suffix(".plain.docx")
    d = docx.Document()
    d.add_paragraph("Axe 1 - Emploi")
    d.save(str(plain))
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<!--" + b" " * 60_000_000 + b"--></w:body>")
            dst.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    plain.unlink()


def _damaged_page(path: Path) -> None:
    """Two pages; the second one's dictionary no longer says it is a page (PDFium counts
    it, then cannot load it): the import failed with « erreur inattendue »."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for text in ("Axe 1 - Emploi", "Axe 2 - Santé"):
        c.drawString(72, 720, text)
        c.showPage()
    c.save()
    data = path.read_bytes()
    second = data.index(b"/Type /Page", data.index(b"/Type /Page") + 1)
    path.write_bytes(data[:second] + b"/Type /Pagx" + data[second + 11 :])


def _deep_lists(path: Path) -> None:
    """Lists in lists, 3,000 deep (an ODT written by a script, or an attack): the
    import failed with « erreur inattendue : RecursionError »."""
    import zipfile

    from odf.opendocument import OpenDocumentText
    from odf.text import P

    plain = path.with_suffix(".plain.odt")
    d = OpenDocumentText()
    d.text.addElement(P(text="MARQUE"))
    d.save(str(plain))
    depth = 3000
    deep = "<text:list><text:list-item><text:p>Axe</text:p>" * depth
    deep += "</text:list-item></text:list>" * depth
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "content.xml":
                data = data.replace(b"<text:p>MARQUE</text:p>", deep.encode())
            dst.writestr(item, data)
    plain.unlink()


CASES = {
    "imbrique.odt": (_deep_lists, "structure imbriquée sur des centaines de niveaux"),
    "page-abimee.pdf": (_damaged_page, "page 2 illisible"),
    "bombe.docx": (_zip_bomb, "archive suspecte"),
    "scan.pdf": (_scanned_pdf, "sans couche texte"),
    "acte-tamponne.pdf": (_stamped_scan, "reconnaissance de caractères (OCR)"),
    "chiffre.pdf": (_encrypted_pdf, "chiffré"),
    "corrompu.docx": (lambda p: p.write_bytes(b"PK\x03\x04 pas un vrai docx"), "corrompu"),
    "vide.txt": (lambda p: p.write_bytes(b""), "vide"),
    "blanc.md": (lambda p: p.write_text("\n   \n\n", encoding="utf-8"), "vide"),
    "contrat.rtf": (
        lambda p: p.write_text("{\\rtf1 Axe 1}", encoding="utf-8"),
        "RTF, non lu ici : ouvrez-le dans Word ou LibreOffice et enregistrez-le en .docx",
    ),
    "contrat.doc": (
        lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),
        "Word 97-2003 (.doc), non lu ici",
    ),
    "notes.odp": (lambda p: p.write_text("Axe 1", encoding="utf-8"), "non pris en charge"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_document_fails_cleanly(name: str, tmp_path: Path, capsys) -> None:
    make, expected = CASES[name]
    doc = tmp_path / name
    make(doc)
    out, sources = tmp_path / "brouillons", tmp_path / "sources"
    code = main(["import", str(doc), "--outdir", str(out), "--sources-dir", str(sources)])
    err = capsys.readouterr().err
    assert code != 0
    assert str(doc) in err and expected in err, err
    assert not out.exists() or not any(out.iterdir())
    assert not sources.exists() or not any(sources.iterdir())


def test_one_bad_document_does_not_stop_the_batch(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "lot"
    (folder / "sous").mkdir(parents=True)
    (folder / "sous" / "valbourg.txt").write_text(TEXT_CONTRACT, encoding="utf-8")
    (folder / "vide.txt").write_bytes(b"")
    (folder / "notes.rtf").write_text("ignoré : extension non prise en charge", encoding="utf-8")
    (folder / "valbourg.txt").write_text(
        TEXT_CONTRACT.replace("Valbourg", "Valmont"), encoding="utf-8"
    )
    out, sources = tmp_path / "brouillons", tmp_path / "sources"
    code = main(["import", str(folder), "--outdir", str(out), "--sources-dir", str(sources)])
    captured = capsys.readouterr()
    assert code == 1
    assert (out / "valbourg.yaml").is_file() and (sources / "valbourg.txt").is_file()
    assert (out / "valbourg-2.yaml").is_file() and (sources / "valbourg-2.txt").is_file()
    texts = {(sources / n).read_text(encoding="utf-8") for n in ("valbourg.txt", "valbourg-2.txt")}
    assert len(texts) == 2  # same name in two folders: two drafts, nothing overwritten
    assert not (out / "vide.yaml").exists()
    assert "valbourg.txt" in captured.out and "1 échec(s)" in captured.out
    assert "notes.rtf" not in captured.out  # folders yield only supported documents


def test_documents_read_by_their_content(tmp_path: Path, capsys) -> None:
    """A Word file saved as « .doc » by its name only, a PDF named « .txt »: read as what
    they are. A true Word 97-2003 file in a folder is not skipped unseen: it fails,
    saying how to convert it."""
    import docx

    folder = tmp_path / "lot"
    folder.mkdir()
    d = docx.Document()
    d.add_heading("Contrat de ville de Renommé", 0)
    d.add_paragraph("Axe 1 : Emploi")
    d.add_paragraph("Objectif 1.1 : Lever les freins à l'emploi")
    d.save(str(folder / "renomme.doc"))
    (folder / "ancien.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    out, sources = tmp_path / "brouillons", tmp_path / "sources"
    code = main(["import", str(folder), "--outdir", str(out), "--sources-dir", str(sources)])
    captured = capsys.readouterr()
    assert code == 1
    draft = yaml.safe_load((out / "renomme.yaml").read_text(encoding="utf-8"))
    assert draft["source"]["original"]["format"] == "docx"
    assert [e["label"] for e in draft["elements"]] == ["Emploi", "Lever les freins à l'emploi"]
    assert "ancien.doc" in captured.out and "enregistrez-le en .docx" in captured.err

"""Footnotes of OpenDocument and Word files: kept out of the labels that call them, read
after the body under « Notes » (kept out of the tree), where a text they cite is found.

The documents are made here: with odfpy, and with python-docx plus the footnotes
part Word writes (python-docx has no API for notes)."""

from __future__ import annotations

import zipfile
from pathlib import Path

EXPECTED = """
Cohésion sociale
  Favoriser la réussite éducative
  Renforcer l'accès aux soins
"""
NOTE_ONE = "Orientation issue des ateliers de concertation de 2023."
NOTE_TWO = (
    "Au sens de la loi n° 2014-173 du 21 février 2014 de programmation pour la ville et la "
    "cohésion urbaine."
)
TITLE = "Contrat de ville de Vaudrelle 2024-2030"
AXIS = "Axe 1 : Cohésion sociale"
OBJECTIVES = ("1.1 Favoriser la réussite éducative", "1.2 Renforcer l'accès aux soins")


def _check(result) -> None:  # type: ignore[no-untyped-def]
    elements = result.exact_tree(EXPECTED)
    assert all("2023" not in e["label"] and "loi" not in e["label"] for e in elements)
    cited = result.draft["contexte"]["textes_cites"]
    assert [t["id"] for t in cited] == ["loi-2014-02-21"], cited


def test_odt_footnotes_are_not_glued_to_their_labels(tmp_path: Path, run_import) -> None:
    """The call and the note's text were read inside the paragraph: « Favoriser la
    réussite éducative1Orientation issue des ateliers … », not the printed label."""
    from odf.opendocument import OpenDocumentText
    from odf.text import H, Note, NoteBody, NoteCitation, P

    doc = OpenDocumentText()
    doc.text.addElement(P(text=TITLE))
    doc.text.addElement(H(outlinelevel=1, text=AXIS))
    pairs = zip(OBJECTIVES, (NOTE_ONE, NOTE_TWO), strict=True)
    for number, (label, note) in enumerate(pairs, start=1):
        paragraph = P(text=label)
        called = Note(noteclass="footnote", id=f"ftn{number}")
        called.addElement(NoteCitation(text=str(number)))
        body = NoteBody()
        body.addElement(P(text=note))
        called.addElement(body)
        paragraph.addElement(called)
        doc.text.addElement(paragraph)
    document = tmp_path / "notes.odt"
    doc.save(str(document))
    _check(run_import(document))


_FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:footnote>{notes}</w:footnotes>"
)
_NOTE = (
    '<w:footnote w:id="{id}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:tab/></w:r>'
    "<w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>"
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _docx_with_footnotes(path: Path) -> None:
    """What Word saves: each call a run with ``w:footnoteReference``, the notes in
    ``word/footnotes.xml`` (its two separators first), related to the document."""
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    d.add_paragraph(TITLE)
    d.add_heading(AXIS, level=1)
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    for number, label in enumerate(OBJECTIVES, start=1):
        p = d.add_paragraph(label)
        p._p.append(parse_xml(f'<w:r {w}><w:footnoteReference w:id="{number}"/></w:r>'))
    plain = path.with_suffix(".plain.docx")
    d.save(str(plain))
    notes = "".join(_NOTE.format(id=n, text=t) for n, t in enumerate((NOTE_ONE, NOTE_TWO), start=1))
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                rel = f'<Relationship Id="rIdNotes" Type="{_REL}" Target="footnotes.xml"/>'
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            elif item.filename == "[Content_Types].xml":
                over = f'<Override PartName="/word/footnotes.xml" ContentType="{_TYPE}"/>'
                data = data.replace(b"</Types>", over.encode() + b"</Types>")
            out.writestr(item, data)
        out.writestr("word/footnotes.xml", _FOOTNOTES.format(notes=notes).encode("utf-8"))


def test_word_footnotes_are_read_after_the_body(tmp_path: Path, run_import) -> None:
    """A Word note was not read at all: the law cited only in a note never reached the
    contract's cited texts (the PDF of the same file, notes at the page's foot, gave it)."""
    document = tmp_path / "notes.docx"
    _docx_with_footnotes(document)
    _check(run_import(document))

"""Footnotes and endnotes of Word and OpenDocument files, read after the body.

Why: an ODT note was read inside its paragraph, its call and its text glued to the
label (« … de développement1Orientation issue des ateliers … »); a Word note was
not read at all, so a text cited only there (« Au sens de la loi n° 2014-173 … »)
never reached the contract's cited texts, where the PDF of the same file, which
prints notes at the foot of the page, gave it. The notes come last, each after its
call number, under a heading the recognition keeps out of the tree (« Notes »: a
context chapter, ``chapters.py``).
"""

from __future__ import annotations

from typing import Any

from app.importer.lines import Rendering

NOTES_HEADING = "Notes"


def add_notes(rendering: Rendering, notes: list[tuple[str, str]]) -> None:
    """``notes``: (call, text) in the order of their calls; empty texts are skipped."""
    notes = [(call, " ".join(text.split())) for call, text in notes if text.strip()]
    if not notes:
        return
    rendering.blank()
    rendering.add(NOTES_HEADING, heading=1)
    for call, text in notes:
        rendering.blank()
        rendering.add(f"{call} {text}".strip())


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_NOTE_PARTS = (("footnotes", "footnote"), ("endnotes", "endnote"))


def docx_notes(document: Any) -> list[tuple[str, str]]:
    """A Word document's footnotes, then its endnotes, numbered in the order the body
    calls them (as Word numbers them by default), with their text."""
    from lxml import etree

    from app.importer.docx_text import text_of

    body = document.element.body
    notes: list[tuple[str, str]] = []
    for part_name, kind in _NOTE_PARTS:
        part = next(
            (r.target_part for r in document.part.rels.values() if r.reltype.endswith(part_name)),
            None,
        )
        if part is None:
            continue
        texts = {
            note.get(f"{_W}id"): " ".join(t for p in note.iter(f"{_W}p") if (t := text_of(p)))
            for note in etree.fromstring(part.blob).iter(f"{_W}{kind}")
            if note.get(f"{_W}type") in (None, "normal")
        }
        called = [ref.get(f"{_W}id") for ref in body.iter(f"{_W}{kind}Reference")]
        order = list(dict.fromkeys(i for i in called if i in texts))
        notes += [(str(n), texts[i]) for n, i in enumerate(order, start=1)]
    return notes

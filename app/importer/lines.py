"""The text rendering of a document: one line per source line, with layout hints.

Extractors (one per format) produce this; structure recognition reads only this,
so a PDF, a Word file and a text file are recognised by the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# What a list item starts with as printed, as the body of a regex character class: the
# dashes aside (each reader says which it takes). Word's Symbol and Wingdings bullets
# come out of PDFs as the private-use characters those fonts are mapped to (U+F020-
# U+F0FF: U+F0B7 in Symbol, U+F0A7 or U+F095 in Wingdings…); U+FFFD, a glyph the PDF
# maps to nothing.
BULLET_GLYPHS = "•■▪➤►▶◆◼❖□●○◦·›»→✓✔➢➣➔➜➙➛➝➞➡⇒⇨⮚▸▹‣⁃◾◽▫◘❑❒✦✧★☆♦◊⬧✗✘☐☑❯❱\ufffd\uf020-\uf0ff"


@dataclass
class Line:
    """One line of the rendering. ``text`` is exactly what is written to the ``.txt``."""

    text: str
    heading: int | None = None  # outline level from a heading style (1 = top)
    list_level: int | None = None  # list nesting from Word/ODT numbering (0 = top)
    bold: bool = False
    cells: list[str] | None = None  # a table row: one text per column, "" when merged above
    page: int | None = None
    title: bool = False  # the document's Title style


@dataclass
class Rendering:
    """A whole document as lines; ``lines[i]`` is line ``i + 1`` of the ``.txt``."""

    lines: list[Line] = field(default_factory=list)
    final_newline: bool = True  # a text file without one is rendered byte for byte
    headers_removed: bool = False  # running headers and footers already left out (PDF)
    format: str = ""  # what was read: pdf, docx, odt, txt, md (``extract.format_of``)

    def add(self, text: str = "", **hints: object) -> None:
        self.lines.append(Line(text.replace("\n", " ").replace("\r", " "), **hints))  # type: ignore[arg-type]

    def blank(self) -> None:
        if self.lines and self.lines[-1].text.strip():
            self.lines.append(Line(""))

    def text(self) -> str:
        text = "".join(line.text + "\n" for line in self.lines)
        return text if self.final_newline else text[:-1]

    def is_empty(self) -> bool:
        return not any(line.text.strip() for line in self.lines)


_MARKED = re.compile(rf"^(?:[{BULLET_GLYPHS}\-–]|o)\s")  # an item that prints its own bullet


def cell_parts(paragraphs: Iterable[tuple[str, str | None]]) -> str:
    """A table cell's paragraphs as one text, a part a line, for Word and ODT alike.

    Two objectives typed one under the other in a cell are two items, even without
    bullets; a piece that starts in lower case continues the one above (a label
    broken by hand). ``paragraphs``: each paragraph's text, its lines broken by hand
    as ``\\n``, and its list item's mark (« - », « o », « 1.2 »; ``None``: not a list
    item, whose first piece always starts a part). The rendering writes the row on
    one line all the same (``Rendering.add`` turns these line breaks into spaces).
    """
    parts: list[str] = []
    for text, mark in paragraphs:
        for k, piece in enumerate(text.split("\n")):
            piece = re.sub(r"\s+", " ", piece).strip()
            if not piece:
                continue
            if parts and piece[:1].islower() and (k > 0 or mark is None):
                parts[-1] += " " + piece
                continue
            if k == 0 and mark is not None and not _MARKED.match(piece):
                piece = f"{mark} {piece}"
            parts.append(piece)
    return "\n".join(parts)

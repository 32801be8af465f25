"""A PDF page's runs of text, built from its characters.

Why not PDFium's text rectangles (``FPDFText_GetRect``) and the text inside each: they
follow the PDF's text objects. LibreOffice and Word write a line or a phrase per
object, so a rectangle is a run of words; Chromium (a contract written as a web page
and printed), Skia and some designers' exports place every glyph, or every kerned
pair, on its own, and a rectangle is a letter. Read that way, text came out spaced
and doubled (« C o n t r a t », « Le Le » where a kerned pair overlaps and a
letter's box, widened to catch its own text, caught its neighbour's too). The
characters are read in PDFium's order instead, with the spaces it generates between
words and its line breaks, and grouped into runs as a text object would be: a line's
characters one after the other, up to a gap wider than a few spaces or a change of
type. A space PDFium generates inside a word set with letter spacing is dropped
(``_letter_spacing``). On the importer's PDFs from LibreOffice and reportlab the runs,
the renderings and the drafts are the same as from the rectangles.
"""

from __future__ import annotations

import ctypes
import re
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from app.importer.pdf_columns import Run

_GAP = 0.8  # em: a wider gap between two characters of a line ends a run (a column)
_LINE_BREAKS = {"\r", "\n"}
# The hyphen PDFium reads at a line's end (« bien- » / « être »): U+0002 one character at
# a time, U+FFFE in a range of text.
_LINE_END_HYPHENS = {"\x02", "\ufffe"}


# FPDFText_GetTextObject as a function returning the object's address (an int, a key
# for its type), not a pointer object to cast at each character
_text_object = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value or 0
)


def _char_type(textpage: pdfium.PdfTextPage, index: int) -> tuple[float, bool]:
    """Type size (points) and weight of the character at ``index``."""
    size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
    if pdfium_c.FPDFText_GetFontWeight(textpage.raw, index) >= 600:
        return round(size, 1), True
    # The 14 standard fonts carry no weight, and LibreOffice writes 400 for its bold
    # fonts (« DejaVuSans-Bold »): the name tells.
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, name, 128, ctypes.byref(flags))
    return round(size, 1), bool(re.search(rb"bold|black|heavy", name.value, re.I))


class _Building:
    """The run being read: its characters and box."""

    def __init__(self, char: str, box: tuple[float, float, float, float], kind: tuple[float, bool]):
        self.text = char
        self.left, self.right, self.bottom, self.top = box
        self.kind = kind

    def takes(self, box: tuple[float, float, float, float], kind: tuple[float, bool]) -> bool:
        size = max(kind[0], self.kind[0], 1.0)
        left, _, bottom, top = box
        same_line = (
            abs(bottom - self.bottom) < 0.5 * size
            or (
                min(top, self.top) - max(bottom, self.bottom)
                > 0.5 * min(top - bottom, self.top - self.bottom)
            )
            # a glyph set high in its line (« ’ » of « s’engager », « ° »): its ink box
            # starts above the letters' and barely meets them, but lies within the type
            or _within(bottom, top, self.bottom, size)
            or _within(self.bottom, self.top, bottom, size)
        )
        return (
            same_line
            and abs(kind[0] - self.kind[0]) < 0.5
            and kind[1] == self.kind[1]
            and left - self.right < _GAP * size
            and left > self.left - 0.5 * size  # a ligature's second letter shares its box
        )

    def add(self, char: str, box: tuple[float, float, float, float]) -> None:
        self.text += char
        self.right = max(self.right, box[1])
        self.bottom, self.top = min(self.bottom, box[2]), max(self.top, box[3])

    def run(self) -> Run:
        return Run(self.top, self.bottom, self.left, self.right, self.text, *self.kind)


def _within(bottom: float, top: float, baseline: float, size: float) -> bool:
    """Whether a box from ``bottom`` to ``top`` lies in the type of a line whose letters
    stand on ``baseline`` (a descender below it, the ascender's height above)."""
    return baseline - 0.3 * size <= bottom and top <= baseline + 1.1 * size


class _Glyph(NamedTuple):
    char: str
    box: tuple[float, float, float, float]  # left, right, bottom, top
    kind: tuple[float, bool]
    space: str  # before it: "" none, "printed", or "generated" by PDFium


def _lines(textpage: pdfium.PdfTextPage) -> list[list[_Glyph]]:
    """The page's characters in PDFium's order, line by line (its generated line breaks)."""
    count = textpage.count_chars()
    text = textpage.get_text_range()
    if len(text) != count:  # a character outside the BMP: read them one by one
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
    box = (ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double())
    left, right, bottom, top = box
    refs = [ctypes.byref(b) for b in box]
    raw, char_box = textpage.raw, pdfium_c.FPDFText_GetCharBox
    types: dict[int | None, tuple[float, bool]] = {}  # by text object: one type each
    lines: list[list[_Glyph]] = [[]]
    space = ""
    for index, char in enumerate(text):
        if char in _LINE_BREAKS:
            if lines[-1]:
                lines.append([])
            space = ""
            continue
        if char.isspace() or char == "\x00":
            generated = pdfium_c.FPDFText_IsGenerated(raw, index) == 1
            space = space or ("generated" if generated else "printed")
            continue
        char = "-" if char in _LINE_END_HYPHENS else char
        char_box(raw, index, *refs)
        obj = _text_object(raw, index)
        kind = types.get(obj)
        if kind is None or obj is None:
            kind = types[obj] = _char_type(textpage, index)
        placed = (left.value, right.value, bottom.value, top.value)
        lines[-1].append(_Glyph(char, placed, kind, space))
        space = ""
    return [line for line in lines if line]


def _letter_spacing(line: list[_Glyph]) -> list[_Glyph]:
    """The line without the spaces PDFium generates inside words set with letter spacing
    (« P I L I E R », « Orientat ion »): a generated space whose gap is that of the
    line's letters, not of its words, is none."""
    generated = [k for k, g in enumerate(line) if k and g.space == "generated"]
    if not generated:
        return line
    gap = [0.0] + [b.box[0] - a.box[1] for a, b in zip(line, line[1:], strict=False)]
    size = max(1.0, sorted(g.kind[0] for g in line)[len(line) // 2])
    letters = sorted(gap[k] for k, g in enumerate(line) if k and not g.space)
    if len(letters) >= 3:  # letters side by side: a space is wider than their gap
        median = letters[len(letters) // 2]
        limit = max(1.6 * median, median + 0.12 * size)
    elif len(generated) >= 4 and 2 * len(generated) >= len(line):  # every letter apart
        limit = _between_clusters(sorted(gap[k] for k in generated))
    else:
        return line
    return [
        g._replace(space="") if k in generated and gap[k] < limit else g for k, g in enumerate(line)
    ]


def _between_clusters(gaps: list[float]) -> float:
    """The gap between letters' gaps and words' ones (the widest jump, 1.4× at least);
    with none, every gap is a letter's."""
    best, limit = 1.4, float("inf")
    for a, b in zip(gaps, gaps[1:], strict=False):
        if a > 0 and b / a > best:
            best, limit = b / a, (a + b) / 2
    return limit


def glyph_runs(textpage: pdfium.PdfTextPage) -> list[Run]:
    """The page's runs, from its characters in PDFium's order."""
    runs: list[Run] = []
    for line in _lines(textpage):
        current: _Building | None = None
        for glyph in _letter_spacing(line):
            if current is not None and current.takes(glyph.box, glyph.kind):
                current.add((" " if glyph.space else "") + glyph.char, glyph.box)
            else:
                if current is not None:
                    runs.append(current.run())
                current = _Building(glyph.char, glyph.box, glyph.kind)
        if current is not None:
            runs.append(current.run())
    return runs

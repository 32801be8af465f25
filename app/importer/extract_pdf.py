"""PDF through pypdfium2 (PDFium, the engine of Chrome): fast, reading order kept.

Text comes as positioned segments; segments at the same height make a line,
a vertical gap larger than the usual line spacing makes a blank line (a new
paragraph), and lines repeated at the top or bottom of most pages (running
headers, footers, page numbers) are left out of the rendering.
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from app.importer import pdf_unruled
from app.importer.errors import ImportFailure
from app.importer.lines import Line, Rendering
from app.importer.pdf_columns import Block, Run, on_one_line, reading_order
from app.importer.pdf_tables import (
    Box,
    CellLine,
    RuledTable,
    continued_row,
    joined,
    paragraphs,
    ruled_grids,
)

_PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s*)?[-–]?\s*\d{1,4}\s*[-–]?\s*(?:(?:/|sur)\s*\d{1,4})?\s*$", re.I
)
_OCR = "une reconnaissance de caractères (OCR) est nécessaire"
EDGE = 0.09  # share of the page height where running headers and footers live


@dataclass
class _PrintedLine:
    top: float
    left: float
    text: str
    size: float  # font size of its first character (points)
    bold: bool
    shift: float = 0.0  # how far right of the page's text its column starts
    right: float = 0.0  # where it ends


def _font(
    textpage: pdfium.PdfTextPage, left: float, bottom: float, top: float
) -> tuple[float, bool]:
    """Font size and weight of the character at the start of a text segment."""
    index = textpage.get_index(left + 0.5, (top + bottom) / 2, 2, 2)
    if index is None or index < 0:
        return 0.0, False  # unknown: the line takes its neighbour's type
    size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
    if pdfium_c.FPDFText_GetFontWeight(textpage.raw, index) >= 600:
        return round(size, 1), True
    # The 14 standard fonts carry no weight, and LibreOffice writes 400 for its bold
    # fonts (« DejaVuSans-Bold »): the name tells.
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, name, 128, ctypes.byref(flags))
    return round(size, 1), bool(re.search(rb"bold|black|heavy", name.value, re.I))


def _runs(page: pdfium.PdfPage) -> list[Run]:
    """The page's text as PDFium places it: runs, each with the type of its first letter."""
    textpage = page.get_textpage()
    runs = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left - 0.5, bottom - 0.5, right + 0.5, top + 0.5)
        text = text.replace("\r", " ").replace("\n", " ")
        if text.strip():
            runs.append(Run(top, bottom, left, right, text, *_font(textpage, left, bottom, top)))
    return runs


def _page_lines(height: float, runs: list[Run]) -> tuple[list[_PrintedLine], list[RuledTable]]:
    """The printed lines of a page in reading order — top first, runs at one height making
    one line, a page set in two columns read column by column (``pdf_columns``) — and
    the tables it prints without rules (``pdf_unruled``), whose lines they replace: those
    over the page's width are found first, so that their columns are not taken for the
    page's."""
    unruled: list[RuledTable] = []
    page_wide = on_one_line(runs)  # a table over the page's width, before its columns
    in_tables: list[list[Run]] = []  # their lines: read as the page's, then replaced
    for start, end, table in pdf_unruled.find(page_wide, height):
        unruled.append(table)
        in_tables += page_wide[start:end]
    taken = {run for line in in_tables for run in line}
    blocks = reading_order([r for r in runs if r not in taken]) + [Block(list(taken))]
    out = []
    for block in blocks:
        lines = on_one_line(block.runs)
        if block.runs and block.runs[0] not in taken:
            unruled += [table for _, _, table in pdf_unruled.find(lines, height)]
        for line in lines:
            text = re.sub(r"\s+", " ", " ".join(r.text.strip() for r in line))
            first = line[0]
            out.append(
                _PrintedLine(
                    first.top, first.left, text, first.size, first.bold, block.shift, line[-1].right
                )
            )
    return out, unruled


def read_pdf(path: Path) -> Rendering:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ImportFailure(path, "PDF chiffré : protégé par un mot de passe") from exc
        raise ImportFailure(path, f"PDF illisible ou corrompu ({exc})") from exc
    try:
        pages: list[tuple[float, list[_PrintedLine]]] = []
        drawn: dict[int, tuple[float, list[Run]]] = {}  # pages that may hold a ruled table
        unruled: dict[int, list[RuledTable]] = {}  # tables printed without rules, by page
        for number in range(1, len(pdf) + 1):
            try:
                page = pdf[number - 1]
            except pdfium.PdfiumError as exc:  # a damaged page: say which, draft nothing
                raise ImportFailure(
                    path, f"PDF endommagé : page {number} illisible ({exc})"
                ) from exc
            runs = _runs(page)
            lines, unruled[number] = _page_lines(page.get_height(), runs)
            pages.append((page.get_height(), lines))
            if _draws_rules(page):
                drawn[number] = (page.get_height(), runs)
        tables = _tables(path, drawn)
        for number, found in unruled.items():
            ruled = tables.get(number, [])
            tables[number] = ruled + [t for t in found if not any(_overlap(t, r) for r in ruled)]
    finally:
        pdf.close()
    if not any(lines for _, lines in pages):
        raise ImportFailure(
            path,
            f"PDF sans couche texte (document scanné ?) : {_OCR}",
        )
    running = _running(pages)
    all_lines = [ln for _, lines in pages for ln in lines]
    left_margin = min((ln.left for ln in all_lines), default=0.0)
    body = Counter(ln.size for ln in all_lines).most_common(1)[0][0] if all_lines else 0.0
    # Larger type than the body text: a heading, level 1 for the largest size.
    sizes = sorted({ln.size for ln in all_lines if ln.size > body * 1.15}, reverse=True)
    spacings = [
        a.top - b.top
        for _, lines in pages
        for a, b in zip(lines, lines[1:], strict=False)
        if a.top > b.top and a.size == b.size == body
    ]
    spacing = median(spacings) if spacings else body * 1.2 or 14.0
    rendering = Rendering(headers_removed=True)
    open_table: tuple[RuledTable, Line] | None = None  # last on its page, and its last row
    for number, (height, printed) in enumerate(pages, start=1):
        previous: _PrintedLine | None = None
        first = True
        edges = {ln.shift: max(o.right for o in printed if o.shift == ln.shift) for ln in printed}
        for ln in _with_tables(printed, tables.get(number, []), height):
            if isinstance(ln, RuledTable):
                rows = ln.rows
                if first and open_table is not None:
                    rows = _go_on(ln, *open_table)
                rendering.blank()
                for row in rows:
                    rendering.add("\t".join(row), cells=row, page=number)
                open_table = (ln, rendering.lines[-1]) if rows else open_table
                rendering.blank()
                previous, first = None, False
                continue
            if ln.size == 0.0 and previous is not None:
                ln.size, ln.bold = previous.size, previous.bold
            at_edge = ln.top > height * (1 - EDGE) or ln.top < height * EDGE + 12
            if at_edge and (_key(ln.text) in running or _PAGE_NUMBER.match(ln.text)):
                continue
            first, open_table = False, None
            if previous is not None and (
                ln.size != previous.size
                or previous.top - ln.top > max(spacing, ln.size * 1.2) * 1.45
                or ln.shift != previous.shift
                or _ended_short(previous, ln, edges[ln.shift], body)
            ):
                rendering.blank()  # a new paragraph: a wider gap, another type size or
                # column (as at a page's end, where every page's text ends its paragraph)
            heading = sizes.index(ln.size) + 1 if ln.size in sizes else None
            indent = " " * min(12, max(0, round((ln.left - ln.shift - left_margin) / 9)))
            rendering.lines.append(
                Line(indent + ln.text, page=number, heading=heading, bold=ln.bold)
            )
            previous = ln
        rendering.blank()
    return rendering


def _ended_short(before: _PrintedLine, line: _PrintedLine, edge: float, body: float) -> bool:
    """Whether ``before`` ended its paragraph (or item) although ``line`` follows it
    closely: ``line``'s first word would have fitted at its end, short of the column's
    ``edge``, and ``line`` starts in upper case at the same left — « • Former les agents »
    then « Soutenir la parentalité ». Body text only: a wrapped or centred heading keeps
    its lines."""
    words = line.text.split()
    if (
        not words
        or not words[0][:1].isupper()
        or before.size != body
        or line.size != body
        or before.bold
        or line.bold
        or abs(line.left - before.left) > 3
    ):
        return False
    per_letter = (before.right - before.left) / max(1, len(before.text))
    return before.right + per_letter * (len(words[0]) + 1) < edge - 2


def _go_on(table: RuledTable, before: RuledTable, last: Line) -> list[list[str]]:
    """The rows of ``table`` to write, once the half of a row the page break cut off is
    joined to its first half (``last``, already written) — so its labels stay whole."""
    k = continued_row(table, before)
    if k is None or last.cells is None:
        return table.rows
    last.cells = joined(last.cells, table.rows[k])
    last.text = "\t".join(last.cells).replace("\n", " ")
    return table.rows[:k] + table.rows[k + 1 :]


def _tables(path: Path, pages: dict[int, tuple[float, list[Run]]]) -> dict[int, list[RuledTable]]:
    """The ruled tables of ``pages`` (by number: height and PDFium's runs), their cells
    read from PDFium's runs."""
    try:
        grids = ruled_grids(path, sorted(pages))
    except Exception:  # pdfminer's own errors on a damaged file: PDFium's lines still hold
        return {}
    tables: dict[int, list[RuledTable]] = {}
    for number, found in grids.items():
        text_in = _text_in(*pages[number])
        tables[number] = [t for t in found if t.read(text_in)]
    return tables


def _overlap(a: RuledTable, b: RuledTable) -> bool:
    """Whether two tables share part of the page: a ruled table's lines also make an
    unruled one, which then gives way to the grid."""
    return a.top < b.bottom and b.top < a.bottom and a.x0 < b.x1 and b.x0 < a.x1


def _text_in(height: float, runs: list[Run]) -> Callable[[Box], str]:
    """The text printed inside a box given from the page top (PDFium counts from the
    bottom): its lines, a blank line at each paragraph's end (``paragraphs``)."""

    def text_in(box: Box) -> str:
        x0, top, x1, bottom = box
        inside = [
            r
            for r in runs
            if x0 <= (r.left + r.right) / 2 <= x1
            and height - bottom <= (r.top + r.bottom) / 2 <= height - top
        ]
        lines = [
            CellLine(
                " ".join(r.text.strip() for r in line),
                line[0].left,
                line[-1].right,
                line[0].top,
                max(r.size for r in line),
            )
            for line in on_one_line(inside)
        ]
        return paragraphs(lines, x1)

    return text_in


_RULES = (4, 1500)  # paths on a page that may hold a ruled table: fewer is no grid, more a drawing


def _draws_rules(page: pdfium.PdfPage) -> bool:
    """Whether the page draws enough paths to hold a ruled table, and not so many that it
    is a chart or a map (pdfplumber takes ≈ 0.4 s on a page of 5,000 strokes). A page
    turned by ``/Rotate`` keeps its lines: pdfplumber gives its grid turned, PDFium
    its text unturned (a landscape page, wider than tall, has no such turn)."""
    if page.get_rotation() != 0:
        return False
    paths = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2)
    low, high = _RULES
    count = sum(1 for _ in zip(range(high + 1), paths, strict=False))
    return low <= count <= high


def _with_tables(
    lines: list[_PrintedLine], tables: list[RuledTable], height: float
) -> list[_PrintedLine | RuledTable]:
    """The page's lines in reading order, those printed inside a ruled table replaced by
    it: the table comes before the first line below it in its column (on a page set in
    two columns, the column whose edge is nearest the table's)."""
    if not tables:
        return list(lines)
    placed: list[_PrintedLine | RuledTable] = [
        ln for ln in lines if not any(t.holds(height - ln.top, ln.left) for t in tables)
    ]
    text_left = min((ln.left for ln in lines), default=0.0)
    shifts = {ln.shift for ln in lines}
    for table in sorted(tables, key=lambda t: t.top):
        column = min(shifts, key=lambda s: abs(text_left + s - table.x0), default=0.0)
        below = [
            (i, item.shift)
            for i, item in enumerate(placed)
            if isinstance(item, _PrintedLine) and item.top <= height - table.top
        ]
        in_column = [i for i, shift in below if shift == column]
        placed.insert((in_column or [i for i, _ in below] or [len(placed)])[0], table)
    return placed


def _key(text: str) -> str:
    """A running line's identity: its text with the page number (at either end) masked.
    Numbers inside stay: « Axe 2 – … » at the top of its page is no running header."""
    return re.sub(r"^\d+\b|\b\d+$", "#", text.strip().casefold())


def _running(pages: list[tuple[float, list[_PrintedLine]]]) -> set[str]:
    """Texts found near the top or bottom edge of at least half the pages (2 or more)."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for height, lines in pages:
        edge = {
            _key(ln.text)
            for ln in lines
            if ln.top > height * (1 - EDGE) or ln.top < height * EDGE + 12
        }
        seen.update(edge)
    return {k for k, n in seen.items() if n >= max(2, (len(pages) + 1) // 2)}

"""PDF through pypdfium2 (PDFium, the engine of Chrome): fast, reading order kept.

Each page's lines come from ``pdf_page`` (runs at one height make a line, a page in
two columns read column by column, tables without rules found); here a vertical gap
larger than the usual line spacing, a change of type size or column, or a line that
ended short makes a blank line (a new paragraph), ruled tables (``pdf_tables``) take
the place of their lines, and lines repeated at the top or bottom of most pages
(running headers, footers, page numbers) are left out of the rendering.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from statistics import median

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from app.importer.errors import ImportFailure
from app.importer.lines import Line, Rendering
from app.importer.pdf_columns import Run, on_one_line
from app.importer.pdf_page import PrintedLine, ended_short, page_lines, page_runs
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
_PAGE_AT_ENDS = re.compile(r"^\d+(?:\s*(?:/|sur)\s*\d+)?\b|\b\d+(?:\s*(?:/|sur)\s*\d+)?$")
# A browser's print header or footer: the date and time (« 12/2/26, 3:14 AM », « 02/12/2026
# 03:14 ») then the page's title, or the page's address then its count (« file:///… 1/3 »).
_PRINT_STAMP = re.compile(
    r"^\s*(?:\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?:\s?[AP]M)?\b"
    r"|(?:https?|file)://\S+\s+\d+\s*/\s*\d+\s*$)",
    re.I,
)
_OCR = "une reconnaissance de caractères (OCR) est nécessaire"
EDGE = 0.09  # share of the page height where running headers and footers live


def read_pdf(path: Path) -> Rendering:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ImportFailure(path, "PDF chiffré : protégé par un mot de passe") from exc
        raise ImportFailure(path, f"PDF illisible ou corrompu ({exc})") from exc
    try:
        pages: list[tuple[float, list[PrintedLine]]] = []
        drawn: dict[int, tuple[float, list[Run]]] = {}  # pages that may hold a ruled table
        unruled: dict[int, list[RuledTable]] = {}  # tables printed without rules, by page
        for number in range(1, len(pdf) + 1):
            try:
                page = pdf[number - 1]
            except pdfium.PdfiumError as exc:  # a damaged page: say which, draft nothing
                raise ImportFailure(
                    path, f"PDF endommagé : page {number} illisible ({exc})"
                ) from exc
            runs = page_runs(page)
            lines, unruled[number] = page_lines(page.get_height(), runs)
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
        previous: PrintedLine | None = None
        first = True
        placed = _with_tables(printed, tables.get(number, []), height)
        edges: dict[float, float] = {}  # each column's right edge, tables left out
        for ln in placed:
            if isinstance(ln, PrintedLine):
                edges[ln.shift] = max(edges.get(ln.shift, 0.0), ln.right)
        for ln in placed:
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
            if _PAGE_NUMBER.match(ln.text) or _PRINT_STAMP.match(ln.text):
                # a page's number, or what a browser stamps on each page it prints (also
                # on a page alone), unless in a heading's type (« 01 » over a chapter)
                dropped = ln.size <= body * 1.15
            else:
                dropped = _key(ln.text) in running
            if at_edge and dropped:
                continue
            first, open_table = False, None
            if previous is not None and (
                ln.size != previous.size
                or previous.top - ln.top > max(spacing, ln.size * 1.2) * 1.45
                or ln.shift != previous.shift
                or ended_short(previous, ln, edges[ln.shift], body)
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
    lines: list[PrintedLine], tables: list[RuledTable], height: float
) -> list[PrintedLine | RuledTable]:
    """The page's lines in reading order, those printed inside a ruled table replaced by
    it: the table comes before the first line below it in its column (on a page set in
    two columns, the column whose edge is nearest the table's)."""
    if not tables:
        return list(lines)
    placed: list[PrintedLine | RuledTable] = [
        ln for ln in lines if not any(t.holds(height - ln.top, ln.left) for t in tables)
    ]
    text_left = min((ln.left for ln in lines), default=0.0)
    shifts = {ln.shift for ln in lines}
    for table in sorted(tables, key=lambda t: t.top):
        column = min(shifts, key=lambda s: abs(text_left + s - table.x0), default=0.0)
        below = [
            (i, item.shift)
            for i, item in enumerate(placed)
            if isinstance(item, PrintedLine) and item.top <= height - table.top
        ]
        in_column = [i for i, shift in below if shift == column]
        placed.insert((in_column or [i for i, _ in below] or [len(placed)])[0], table)
    return placed


def _key(text: str) -> str:
    """A running line's identity: its text with the page number (at either end, alone or
    counted: « 3/31 », « 3 sur 31 ») masked. Numbers inside stay: « Axe 2 – … » at the
    top of its page is no running header.

    >>> _key("file:///contrat.html 3/31") == _key("file:///contrat.html 12/31")
    True
    """
    return _PAGE_AT_ENDS.sub("#", text.strip().casefold())


def _running(pages: list[tuple[float, list[PrintedLine]]]) -> set[str]:
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

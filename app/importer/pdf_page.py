"""One PDF page as PDFium prints it: positioned runs of text, made into lines in
reading order, and the tables it prints without rules.

Why apart from ``extract_pdf``: what a page's geometry says (type size and weight,
columns, tables, where a line stops) is read here, page by page; ``extract_pdf``
then makes the document's rendering (running headers, paragraphs, headings, ruled
tables) from the lines of all pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pypdfium2 as pdfium

from app.importer import pdf_unruled
from app.importer.pdf_bullets import bullet_runs
from app.importer.pdf_columns import Block, Run, on_one_line, reading_order
from app.importer.pdf_glyphs import glyph_runs
from app.importer.pdf_tables import RuledTable


@dataclass
class PrintedLine:
    """A line as the page prints it (points from the page bottom), in reading order."""

    top: float
    left: float
    text: str
    size: float  # font size of its first character (points)
    bold: bool
    shift: float = 0.0  # how far right of the page's text its column starts
    right: float = 0.0  # where it ends


def page_runs(page: pdfium.PdfPage) -> list[Run]:
    """The page's text as PDFium reads it: runs, each with the type of its first letter,
    and the bullets the page draws as shapes."""
    runs = glyph_runs(page.get_textpage())
    return runs + bullet_runs(page, runs)


def page_lines(height: float, runs: list[Run]) -> tuple[list[PrintedLine], list[RuledTable]]:
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
    blocks = reading_order([r for r in runs if r not in taken])
    in_columns = any(block.shift for block in blocks)  # else its lines were searched above
    out = []
    for block in [*blocks, Block(list(taken))]:
        lines = on_one_line(block.runs)
        if in_columns and block.runs and block.runs[0] not in taken:
            unruled += [table for _, _, table in pdf_unruled.find(lines, height)]
        for line in lines:
            main = max(line, key=lambda r: r.size)  # the line's own type
            words = [r.text.strip() for r in line if not _footnote_mark(r, main)]
            text = re.sub(r"\s+", " ", " ".join(words))
            first = line[0]
            out.append(
                PrintedLine(
                    first.top, first.left, text, first.size, first.bold, block.shift, line[-1].right
                )
            )
    return out, unruled


_MARK = re.compile(r"^(?:\d{1,3}|\*{1,3}|\(\d{1,3}\))$")


def _footnote_mark(run: Run, main: Run) -> bool:
    """A footnote's call: a number (or an asterisk) in smaller type than its line's text
    (``main``), raised above it — « … des femmes¹ » would end the label as « des
    femmes 1 ». The note itself stays where it is printed, at the foot of the page."""
    return (
        run is not main
        and bool(_MARK.match(run.text.strip()))
        and 0 < run.size < 0.8 * main.size
        and run.bottom > main.bottom + 0.15 * main.size
    )


def ended_short(before: PrintedLine, line: PrintedLine, edge: float, body: float) -> bool:
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

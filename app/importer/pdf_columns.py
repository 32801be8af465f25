"""A PDF page set in two columns, read as it is meant: the left column, then the right.

Why: PDFium gives the page's text as positioned runs, and a line is made of
the runs printed at one height (``on_one_line``). On a page set in two columns
— the layout of many published contracts — that glued each line of the left
column to the line beside it in the right one: « Axe 1 : Emploi et insertion
de premier recours professionnelle », labels of two columns interleaved.

A table without rules also leaves white between its cells, and there the
rows are the reading unit; so a page is read in columns only where its
layout says so without doubt:

* a gutter: a band at least ``GUTTER`` points wide, in the middle of the
  text, that few lines cross (a title, a heading, a page number: each then
  makes a band of its own, below);
* two columns of about the same width on either side of it (a table's first
  column is seldom as wide as the rest, a table of contents' page numbers
  never) — or a narrower one whose lines keep their own spacing, not the
  other's: a side bar (« Chiffres clés ») beside the text, where a table's
  cells start their rows at one height; its gutter may then lie anywhere
  between a fifth and four fifths of the text's width;
* at least ``MIN_LINES`` lines in each column.

Two columns of short lines side by side may be a table's cells without rules;
read column by column, their labels come out whole, where rows as printed glue
two cells into one label. A table whose header names its columns, or whose
cells open on their level words, is found before (``pdf_unruled``) and read
row by row.

Lines that cross the gutter (a title over both columns, a running header, a
footnote) cut the page into bands, read top to bottom; each band that holds
two columns is read left column first. A table drawn with rules keeps its
own reading (``pdf_tables``): its lines are replaced by its cells whatever
their order here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from typing import NamedTuple

GUTTER = 8.0  # points: wider than a space between words, narrower than any column gap
MIN_LINES = 4
_MIDDLE = (0.3, 0.7)  # where the gutter may lie, as shares of the text's width
_SIDE = (0.2, 0.8)  # where it may lie beside a narrower column (a side bar)
_SAME_WIDTH = 0.7  # the narrower column is at least this share of the wider
_ALIGNED = 0.5  # a side bar's lines: fewer than this share at the height of a line beside
_ONE_HEIGHT = 1.5  # points: cells of one row start their lines at one height
_SAME_LINE = 2.5  # points: runs whose tops differ less are on one line


class Run(NamedTuple):
    """A run of text as PDFium places it (points from the page bottom)."""

    top: float
    bottom: float
    left: float
    right: float
    text: str
    size: float = 0.0  # font size of its first character (points; 0: not known)
    bold: bool = False


class Block(NamedTuple):
    """Runs read together, in order; ``shift``: how far right of the page's text their
    column starts (an indent is measured from the column's edge, not the page's)."""

    runs: list[Run]
    shift: float = 0.0


def on_one_line(runs: list[Run]) -> list[list[Run]]:
    """The runs grouped into printed lines, top first, each line left to right."""
    lines: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: (-r.top, r.left)):
        if lines and _same_line(lines[-1][0], run):
            lines[-1].append(run)
        else:
            lines.append([run])
    for line in lines:
        line.sort(key=lambda r: r.left)
    return lines


def _same_line(a: Run, b: Run) -> bool:
    """Tops at one height, or boxes that mostly overlap: a bullet or a superscript set a
    little lower or higher than its line's text is on its line."""
    if abs(a.top - b.top) < _SAME_LINE:
        return True
    overlap = min(a.top, b.top) - max(a.bottom, b.bottom)
    return overlap > 0.5 * min(a.top - a.bottom, b.top - b.bottom) > 0


def reading_order(runs: list[Run]) -> list[Block]:
    """The page's runs in the blocks they are read in: one, unless the page (or a band
    of it) is set in two columns."""
    if not runs:
        return []
    x0, x1 = min(r.left for r in runs), max(r.right for r in runs)
    lines = on_one_line(runs)
    gutter = _gutter(lines, x0, x1, _MIDDLE) or _gutter(lines, x0, x1, _SIDE)
    if gutter is None:
        return [Block(runs)]
    start, end = gutter
    blocks: list[Block] = []
    band: list[list[Run]] = []
    for line in lines:
        if any(r.left < end and r.right > start for r in line):  # over both columns
            blocks += _band(band, gutter, x0, x1)
            blocks.append(Block(line))
            band = []
        else:
            band.append(line)
    blocks += _band(band, gutter, x0, x1)
    return blocks


def _gutter(
    lines: list[list[Run]], x0: float, x1: float, where: tuple[float, float]
) -> tuple[float, float] | None:
    """The gutter: in the middle of the text (``where``: shares of its width), the widest
    band that as few lines cross as
    any band ``GUTTER`` wide there, if they are few — a title or a heading over both
    columns, a page number set in the middle of the margin (each then makes a band of
    its own, ``reading_order``). Measured point by point."""
    low = x0 + (x1 - x0) * where[0]
    size = int((x1 - x0) * (where[1] - where[0]))
    printed: list[list[int]] = [[] for _ in range(size)]  # the lines over each point
    for number, line in enumerate(lines):
        for run in line:
            for x in range(max(0, int(run.left - low)), min(size, math.ceil(run.right - low))):
                printed[x].append(number)
    if size < GUTTER or min(len(p) for p in printed) > len(lines) // 5:
        return None  # every point of the middle under many lines: one column
    wide = _windows(printed, lambda s, e, _: e - s > GUTTER)
    fewest = min((n for s, e, n in wide if e - s >= GUTTER), default=len(lines))
    if fewest > max(2, len(lines) // 5):
        return None
    start, end, _ = max(
        _windows(printed, lambda s, e, crossing: crossing > fewest),
        key=lambda window: window[1] - window[0],
    )
    return (low + start, low + end) if end - start >= GUTTER else None


def _windows(
    printed: list[list[int]], too_wide: Callable[[int, int, int], bool]
) -> Iterator[tuple[int, int, int]]:
    """A window slid over the points, left to right: after each point added, points are
    dropped on the left while ``too_wide(start, end, lines crossing)``; yields each
    window ``[start, end)`` with the number of lines that cross it."""
    inside: Counter[int] = Counter()  # points of each line in the window
    crossing = start = 0
    for end, numbers in enumerate(printed, start=1):
        for number in numbers:
            inside[number] += 1
            crossing += inside[number] == 1
        while start < end and too_wide(start, end, crossing):
            for number in printed[start]:
                inside[number] -= 1
                crossing -= inside[number] == 0
            start += 1
        yield start, end, crossing


def _band(lines: list[list[Run]], gutter: tuple[float, float], x0: float, x1: float) -> list[Block]:
    """A band of lines that none crosses the gutter: two columns, or rows as printed.
    Two columns of unequal widths are a side bar (« Chiffres clés ») beside the text
    only if the narrower one's lines keep their own spacing, not the other's."""
    if not lines:
        return []
    runs = [r for line in lines for r in line]
    left = [r for r in runs if r.right <= gutter[0]]
    right = [r for r in runs if r.left >= gutter[1]]
    if len(on_one_line(left)) < MIN_LINES or len(on_one_line(right)) < MIN_LINES:
        return [Block(runs)]
    left_width = max(r.right for r in left) - x0
    right_start = min(r.left for r in right)
    right_width = x1 - right_start
    unequal = min(left_width, right_width) < _SAME_WIDTH * max(left_width, right_width)
    if unequal and not _own_spacing(left, right):
        return [Block(runs)]
    return [Block(left), Block(right, shift=right_start - x0)]


def _own_spacing(left: list[Run], right: list[Run]) -> bool:
    """Whether the narrower column's lines mostly lie between the other's: a side bar
    set apart, where a table's cells side by side start their rows at one height. Its
    first line is not counted: two frames often start at the top of the page alike."""
    narrow, wide = sorted((on_one_line(left), on_one_line(right)), key=len)
    tops = [line[0].top for line in wide]
    rest = narrow[1:]
    aligned = sum(any(abs(line[0].top - t) < _ONE_HEIGHT for t in tops) for line in rest)
    return aligned < _ALIGNED * len(rest)

"""Tables a PDF prints without rules, found by their header row and read cell by cell.

Why: a table whose borders are hidden (a Word table style without borders, or
rules under the rows only) gives pdfplumber no grid (``pdf_tables``), and its
cells ran together as lines: « 1. Favoriser l'accès à l'emploi des 1.1 Lever
les freins périphériques à l'emploi État, Région » was one label.

Such a table is recognised only where it says what it is: a line of two
chunks or more (runs ``CHUNK_GAP`` apart) whose texts name the columns
(``tables.names_columns``: « Orientations stratégiques | Objectifs
opérationnels | Pilotes »). Each column starts at its header's left edge (a
cell's text is set flush left, as its header's). The table goes on while each
chunk of a line lies in one column and the lines stay close (less than
``END_GAP`` line spacings apart); a wider gap between lines (cell padding,
space after a paragraph) starts a new row, and a row's lines in one column
make its cell (``pdf_tables.cell_text``). A line in larger type than the
table's (a heading) ends it too. A header cell wrapped on two lines is read
whole. The table is then read as a ruled one (``RuledTable``).
"""

from __future__ import annotations

import math

from app.importer.pdf_columns import Run
from app.importer.pdf_tables import RuledTable, cell_text
from app.importer.tables import names_columns

CHUNK_GAP = 6.0  # points: runs closer than this on a line are one cell's text
_SLACK = 3.0  # points a cell's text may start left of its header
_NEW_ROW = 1.3  # a gap wider than this many line spacings starts a row
END_GAP = 2.5  # a gap wider than this many line spacings ends the table
_WRAPPED = 0.3  # a cell's line ending nearer its column's edge than this share went on
_MIN_ROWS = 2


def chunks(line: list[Run]) -> list[Run]:
    """The runs of a line (left to right), those closer than ``CHUNK_GAP`` made one."""
    out: list[Run] = []
    for run in line:
        if out and run.left - out[-1].right < CHUNK_GAP:
            last = out[-1]
            text = f"{last.text.rstrip()} {run.text.strip()}"
            out[-1] = Run(
                max(last.top, run.top), min(last.bottom, run.bottom), last.left, run.right, text
            )
        else:
            out.append(run)
    return out


def find(lines: list[list[Run]], height: float) -> list[tuple[int, int, RuledTable]]:
    """The unruled tables among ``lines`` (top first): for each, the lines it spans
    (``start``, ``end``: a slice) and the table, read (top-based coordinates)."""
    found: list[tuple[int, int, RuledTable]] = []
    i = 0
    while i < len(lines):
        head = chunks(lines[i])
        if len(head) >= 2 and names_columns([c.text for c in head]):
            end, table = _read(lines, i, [c.left - _SLACK for c in head], height)
            if table is not None:
                found.append((i, end, table))
                i = end
                continue
        i += 1
    return found


def _column(starts: list[float], run: Run) -> int | None:
    """The column ``run`` lies in, if it lies in one (it may not reach the next)."""
    k = max((k for k, x in enumerate(starts) if x <= run.left), default=None)
    if k is None or (k + 1 < len(starts) and run.right > starts[k + 1] + _SLACK):
        return None
    return k


Placed = list[tuple[int, Run]]  # a line's chunks, each with its column


def _read(
    lines: list[list[Run]], start: int, starts: list[float], height: float
) -> tuple[int, RuledTable | None]:
    """The table whose header is ``lines[start]``: the slice's end and the table read."""
    header: list[Placed] = [[(k, c) for k, c in enumerate(chunks(lines[start]))]]
    rows: list[list[Placed]] = []
    tops = [lines[start][0].top]
    spacing = math.inf  # the closest two lines of the table so far
    edge: float | None = None  # where the first column's text starts in the rows
    largest = max(r.size for r in lines[start])  # the table's type: a larger is a heading
    for printed in lines[start + 1 :]:
        line = _placed(printed, starts)
        gap = tops[-1] - printed[0].top
        size = max(r.size for r in printed)
        if line is None or gap > END_GAP * min(spacing, gap) or size > 1.1 * largest:
            break
        spacing, largest = min(spacing, gap), max(largest, size)
        if not rows and _still_header(header + [line], len(starts)):
            header.append(line)
        elif not rows or gap > _NEW_ROW * spacing or _opens_row(rows[-1][-1], line, starts):
            first = next((c.left for k, c in line if k == 0), None)
            if first is not None and edge is not None and abs(first - edge) > _SLACK:
                break  # text at another edge: a paragraph after the table
            edge = first if edge is None else edge
            rows.append([line])
        else:
            rows[-1].append(line)
        tops.append(printed[0].top)
    if len(rows) < _MIN_ROWS:
        return start + 1, None
    runs = [run for group in [header, *rows] for line in group for _, run in line]
    table = RuledTable(
        height - max(r.top for r in runs),
        height - min(r.bottom for r in runs),
        min(r.left for r in runs),
        max(r.right for r in runs),
        cells=[],
        rows=[_cells(header, len(starts), header=True)]
        + [_cells(row, len(starts), header=False) for row in rows],
    )
    return start + len(tops), table


def _placed(line: list[Run], starts: list[float]) -> Placed | None:
    """The line's chunks with their columns; ``None`` if one lies over two columns."""
    placed = [(_column(starts, c), c) for c in chunks(line)]
    return (
        [(k, c) for k, c in placed if k is not None]
        if all(k is not None for k, _ in placed)
        else None
    )


def _opens_row(before: Placed, line: Placed, starts: list[float]) -> bool:
    """Rows printed with no white between them: a new text in the first column, where its
    text above had ended (no line there, or a line short of the column's edge: not
    wrapped) — the first line of the next row's first cell."""
    first = next((c for k, c in line if k == 0), None)
    if first is None or first.text.lstrip()[:1].islower():
        return False
    above = next((c for k, c in before if k == 0), None)
    width = starts[1] - starts[0]
    return above is None or above.right < starts[1] - _WRAPPED * width


def _still_header(group: list[list[tuple[int, Run]]], width: int) -> bool:
    """Whether these lines together still only name columns: a header cell wrapped."""
    return names_columns(_cells(group, width, header=True))


def _cells(group: list[list[tuple[int, Run]]], width: int, *, header: bool) -> list[str]:
    """A row's cells: each column's lines, wrapped lines joined (``cell_text``)."""
    texts: list[list[str]] = [[] for _ in range(width)]
    for line in group:
        for k, run in line:
            texts[k].append(run.text.strip())
    if header:
        return [" ".join(t) for t in texts]
    return [cell_text("\n".join(t)) for t in texts]

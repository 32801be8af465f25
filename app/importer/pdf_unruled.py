"""Tables a PDF prints without rules, found by their header row and read cell by cell.

Why: a table whose borders are hidden (a Word table style without borders, or
rules under the rows only) gives pdfplumber no grid (``pdf_tables``), and its
cells ran together as lines: « 1. Favoriser l'accès à l'emploi des 1.1 Lever
les freins périphériques à l'emploi État, Région » was one label.

Such a table is recognised only where it says what it is: a line of two
chunks or more (runs ``CHUNK_GAP`` apart) whose texts name the columns
(``tables.names_columns``: « Orientations stratégiques | Objectifs
opérationnels | Pilotes »); the next line goes on with the header only if it
adds level words alone (a header cell wrapped on two lines). A table without
a header is recognised where its rows name their levels themselves: a first
line of two chunks or more, each opening on a level word and its code
(« Axe 1 – … » | « Objectif 1.1 – … »), and two rows or more, each opening so;
or a sheet of fields (« Pilote | Mission locale », ``fiche_fields.known_field``): rows
that each open on a field name in the first column, two of them known, a value's
next paragraph in its row, the sheet ending at a first-column text that names no
field.
Each column starts at its first line's chunks (a cell's text is set flush left).
The table goes on while each chunk of a line lies in one column, no line is in
larger type (a heading), the first column's text keeps its left edge and the
lines stay close (less than ``END_GAP`` line spacings apart). Cells side by side
need not share their lines' heights, so each column is followed on its own
(``_Column``): a row starts at a line that opens a paragraph while no column is
in the middle of one; a row's lines in one column make its cell, paragraphs
apart (``pdf_tables.paragraphs``, ``cell_text``). A table needs one row of two
cells or more; it is then read as a ruled one (``RuledTable``).
"""

from __future__ import annotations

import math

from app.importer.fiche_fields import field_of, known_field
from app.importer.markers import level_and_code
from app.importer.pdf_columns import Run
from app.importer.pdf_tables import CellLine, RuledTable, cell_text, fills, paragraphs
from app.importer.tables import names_columns

CHUNK_GAP = 6.0  # points: runs closer than this on a line are one cell's text
_SLACK = 3.0  # points a cell's text may start left of its header
_NEW_ROW = 1.3  # a gap wider than this many line spacings starts a row
END_GAP = 2.5  # a gap wider than this many line spacings ends the table


def chunks(line: list[Run]) -> list[Run]:
    """The runs of a line (left to right), those closer than ``CHUNK_GAP`` made one."""
    out: list[Run] = []
    for run in line:
        if out and run.left - out[-1].right < CHUNK_GAP:
            out[-1] = _joined(out[-1], run)
        else:
            out.append(run)
    return out


def _joined(left: Run, right: Run) -> Run:
    """Two runs of one line read as one, in the type of the larger."""
    text = f"{left.text.rstrip()} {right.text.strip()}"
    top, bottom = max(left.top, right.top), min(left.bottom, right.bottom)
    return Run(top, bottom, left.left, right.right, text, max(left.size, right.size), left.bold)


def find(lines: list[list[Run]], height: float) -> list[tuple[int, int, RuledTable]]:
    """The unruled tables among ``lines`` (top first): for each, the lines it spans
    (``start``, ``end``: a slice) and the table, read (top-based coordinates)."""
    found: list[tuple[int, int, RuledTable]] = []
    i = 0
    while i < len(lines):
        head = chunks(lines[i])
        texts = [c.text for c in head]
        headed = len(head) >= 2 and names_columns(texts)
        sheet = not headed and _opens_sheet(texts)
        if headed or sheet or (len(head) >= 2 and all(level_and_code(t) for t in texts)):
            starts = [c.left - _SLACK for c in head]
            end, table = _read(lines, i, starts, height, headed=headed, sheet=sheet)
            if table is not None:
                found.append((i, end, table))
                i = end
                continue
        i += 1
    return found


def _opens_sheet(texts: list[str]) -> bool:
    """A line « Pilote | Ville », or two fields side by side (« Pilote | Ville |
    Partenaires | CAF »): a field name first, and each second chunk a field name."""
    return len(texts) in (2, 4) and all(known_field(t) for t in texts[::2])


def _column(starts: list[float], run: Run) -> int | None:
    """The column ``run`` lies in, if it lies in one (it may not reach the next)."""
    k = max((k for k, x in enumerate(starts) if x <= run.left), default=None)
    if k is None or (k + 1 < len(starts) and run.right > starts[k + 1] + _SLACK):
        return None
    return k


Placed = list[tuple[int, Run]]  # a line's chunks, each with its column


class _Column:
    """What a column printed last, to tell a wrapped line of the same paragraph from
    a new paragraph (a cell's next one, or the next row's)."""

    def __init__(self, edge: float | None) -> None:
        self.edge = edge  # where the next column starts (None: the last column)
        self.last: Run | None = None
        self.spacing = math.inf  # the closest two of its lines: its line spacing

    def goes_on(self, top: float, spacing: float, chunk: Run | None) -> bool:
        """Whether its paragraph goes on at ``top`` (``chunk``: its text there, if any):
        near enough, and its text there in lower case, or its last line filled to the
        column's edge (not known for the last column, which ends nowhere in sight)."""
        last = self.last
        if last is None or last.top - top > _NEW_ROW * spacing:
            return False
        if chunk is not None and chunk.text.lstrip()[:1].islower():
            return True
        return self.edge is not None and fills(last.left, last.right, self.edge)

    def add(self, run: Run) -> None:
        if self.last is not None:
            self.spacing = min(self.spacing, self.last.top - run.top)
        self.last = run


def _read(
    lines: list[list[Run]],
    start: int,
    starts: list[float],
    height: float,
    *,
    headed: bool,
    sheet: bool = False,
) -> tuple[int, RuledTable | None]:
    """The table that ``lines[start]`` opens (its header if ``headed``, else its first
    row, of cells that each open on a level word and its code, or if ``sheet`` a field
    name and its value): the slice's end and the table read (``None``: no table there)."""
    header: list[Placed] = [[(k, c) for k, c in enumerate(chunks(lines[start]))]] if headed else []
    rows: list[list[Placed]] = []
    columns = [_Column(x) for x in starts[1:]] + [_Column(None)]
    tops = [lines[start][0].top] if headed else []
    first_left: float | None = None  # where the first column's text starts in the rows
    largest = max(r.size for r in lines[start])  # the table's type: a larger is a heading
    for printed in lines[start + 1 if headed else start :]:
        line = _placed(printed, starts)
        top, size = printed[0].top, max(r.size for r in printed)
        spacing = min((c.spacing for c in columns), default=math.inf)
        spacing = spacing if spacing < math.inf else 1.2 * largest
        if line is None or (tops and tops[-1] - top > END_GAP * spacing) or size > 1.1 * largest:
            break
        largest = max(largest, size)
        if headed and not rows and _still_header(header + [line], starts):
            header.append(line)
            tops.append(top)
            continue
        filled = dict(line)
        inside = any(
            column.goes_on(top, spacing, filled.get(k)) for k, column in enumerate(columns)
        )
        named = next((c.text for k, c in line if k == 0), None)
        if sheet and rows and not inside and named is None:
            inside = True  # a value's next paragraph: only field names open a row
        elif sheet and inside and named and named[:1].isupper() and field_of(named):
            inside = False  # a field name opens its row, though the one above filled its cell
        elif sheet and not inside and named is not None and field_of(named) is None:
            break  # « Fiche action n°2 » in body type: the sheet has ended
        if not rows or not inside:
            first = next((c.left for k, c in line if k == 0), None)
            if first is not None and first_left is not None and abs(first - first_left) > _SLACK:
                break  # text at another left edge: a paragraph after the table
            first_left = first if first_left is None else first_left
            rows.append([line])
            for k in set(range(len(columns))) - set(filled):
                columns[k].last = None  # a new row: no paragraph of the last goes on
        else:
            rows[-1].append(line)
        for k, chunk in line:
            columns[k].add(chunk)
        tops.append(top)
    if not any(len({k for line in row for k, _ in line}) > 1 for row in rows):
        # not one row with two cells or more: a line of level words over a list
        return start + 1, None
    if sheet and sum(known_field(_named(row)) for row in rows) < 2:
        return start + 1, None  # one field name beside a paragraph: not a sheet
    if (
        not headed
        and not sheet
        and not (len(rows) > 1 and all(_describes_itself(row) for row in rows))
    ):
        return start + 1, None  # two columns that met on one line, not a table
    runs = [run for group in [header, *rows] for line in group for _, run in line]
    table = RuledTable(
        height - max(r.top for r in runs),
        height - min(r.bottom for r in runs),
        min(r.left for r in runs),
        max(r.right for r in runs),
        cells=[],
        rows=([_cells(header, starts, header=True)] if headed else [])
        + [_cells(row, starts, header=False) for row in rows],
    )
    return start + len(tops), table


def _describes_itself(row: list[Placed]) -> bool:
    """Whether a row's first text opens on a level word and its code (« Axe 1 – … »,
    « Objectif 1.2 – … »): a table without a header names its levels in its cells."""
    return level_and_code(_first(row).text) is not None


def _named(row: list[Placed]) -> str:
    """A sheet's row: its first column's text (the field's name)."""
    return next((c.text for line in row for k, c in line if k == 0), "")


def _first(row: list[Placed]) -> Run:
    """A row's first text: its top line's leftmost chunk."""
    return min((c for line in row for _, c in line), key=lambda c: (-c.top, c.left))


def _placed(line: list[Run], starts: list[float]) -> Placed | None:
    """The line's chunks with their columns, one a column (a bullet and its text, set
    apart, are one cell's line); ``None`` if one lies over two columns."""
    placed: Placed = []
    for chunk in chunks(line):
        k = _column(starts, chunk)
        if k is None:
            return None
        if placed and placed[-1][0] == k:
            placed[-1] = (k, _joined(placed[-1][1], chunk))
        else:
            placed.append((k, chunk))
    return placed


def _still_header(group: list[Placed], starts: list[float]) -> bool:
    """Whether these lines together still only name columns: a header cell wrapped."""
    return names_columns(_cells(group, starts, header=True), wholly=True)


def _cells(group: list[Placed], starts: list[float], *, header: bool) -> list[str]:
    """A row's cells: each column's lines, wrapped lines joined and paragraphs apart
    (``paragraphs``, ``cell_text``; the last column's edge is not known)."""
    lines: list[list[CellLine]] = [[] for _ in starts]
    for line in group:
        for k, run in line:
            lines[k].append(CellLine(run.text.strip(), run.left, run.right, run.top, run.size))
    if header:
        return [" ".join(line.text for line in column) for column in lines]
    edges: list[float | None] = [*starts[1:], None]
    return [cell_text(paragraphs(column, edge)) for column, edge in zip(lines, edges, strict=True)]

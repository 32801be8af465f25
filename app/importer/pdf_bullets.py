"""Bullets a PDF draws as shapes rather than prints as characters.

Why: Chromium (a contract written as a web page and printed), and designers' tools,
draw a list's bullets as small discs or squares, with no character behind them: the
items came out as lines of plain text, indented, the list lost (the actions under an
objective read as its description). A small round or square shape just left of a
line's first text, on that line, is read as the bullet « • » it shows.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from app.importer.pdf_columns import Run

_SIDE = (1.5, 9.0)  # points: a bullet's width and height
_MAX_SHAPES = 400  # small shapes on a page beyond which they draw a chart or a map
_MAX_PATHS = 20_000  # paths of any size: the same, looked at no further
_REACH = 2.5  # type sizes: how far right of the shape its text may start


def bullet_runs(page: pdfium.PdfPage, runs: list[Run]) -> list[Run]:
    """A run « • » for each shape that is a bullet of one of ``runs``' lines."""
    shapes = []
    paths = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2)
    for counted, shape in enumerate(paths):
        if counted > _MAX_PATHS:
            return []  # a map or a chart drawn stroke by stroke: no list there
        left, bottom, right, top = shape.get_bounds()
        width, height = right - left, top - bottom
        if _SIDE[0] <= width <= _SIDE[1] and _SIDE[0] <= height <= _SIDE[1]:
            if 0.6 <= width / height <= 1.6:
                shapes.append((left, bottom, right, top))
        if len(shapes) > _MAX_SHAPES:
            return []
    bullets: list[Run] = []
    seen: set[tuple[int, int]] = set()
    for left, bottom, right, top in shapes:
        middle = (bottom + top) / 2
        after = [
            r
            for r in runs
            if r.bottom <= middle <= r.top
            and 0 <= r.left - right <= _REACH * max(r.size, 8.0)
            and r.text.strip()
        ]
        spot = (round(left), round(middle))
        if not after or spot in seen:
            continue  # a decoration, or the outline of a disc already read
        seen.add(spot)
        text = min(after, key=lambda r: r.left)
        bullets.append(Run(text.top, text.bottom, left, right, "•", text.size, text.bold))
    return bullets

"""PDF through pypdfium2 (PDFium, the engine of Chrome): fast, reading order kept.

Text comes as positioned segments; segments at the same height make a line,
a vertical gap larger than the usual line spacing makes a blank line (a new
paragraph), and lines repeated at the top or bottom of most pages (running
headers, footers, page numbers) are left out of the rendering.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from statistics import median

import pypdfium2 as pdfium

from app.importer.errors import ImportFailure
from app.importer.lines import Line, Rendering

_PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s*)?[-–]?\s*\d{1,4}\s*[-–]?\s*(?:(?:/|sur)\s*\d{1,4})?\s*$", re.I
)
_OCR = "une reconnaissance de caractères (OCR) est nécessaire"
EDGE = 0.09  # share of the page height where running headers and footers live


def _page_lines(page: pdfium.PdfPage) -> list[tuple[float, float, float, str]]:
    """(top, bottom, left, text) of each printed line, top of the page first."""
    textpage = page.get_textpage()
    segments = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left - 0.5, bottom - 0.5, right + 0.5, top + 0.5)
        text = text.replace("\r", " ").replace("\n", " ")
        if text.strip():
            segments.append((top, bottom, left, text))
    segments.sort(key=lambda s: (-s[0], s[2]))
    lines: list[list[tuple[float, float, float, str]]] = []
    for seg in segments:
        if lines and abs(lines[-1][0][0] - seg[0]) < 2.5:
            lines[-1].append(seg)
        else:
            lines.append([seg])
    out = []
    for segs in lines:
        segs.sort(key=lambda s: s[2])
        text = " ".join(s[3].strip() for s in segs)
        out.append((segs[0][0], min(s[1] for s in segs), segs[0][2], re.sub(r"\s+", " ", text)))
    return out


def read_pdf(path: Path) -> Rendering:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ImportFailure(path, "PDF chiffré : protégé par un mot de passe") from exc
        raise ImportFailure(path, f"PDF illisible ou corrompu ({exc})") from exc
    try:
        pages = []
        for page in pdf:
            pages.append((page.get_height(), _page_lines(page)))
    finally:
        pdf.close()
    if not any(lines for _, lines in pages):
        raise ImportFailure(
            path,
            f"PDF sans couche texte (document scanné ?) : {_OCR}",
        )
    running = _running(pages)
    left_margin = min((ln[2] for _, lines in pages for ln in lines), default=0.0)
    spacings = [
        a[0] - b[0]
        for _, lines in pages
        for a, b in zip(lines, lines[1:], strict=False)
        if a[0] > b[0]
    ]
    spacing = median(spacings) if spacings else 14.0
    rendering = Rendering()
    for number, (height, lines) in enumerate(pages, start=1):
        previous_top: float | None = None
        previous_size = 0.0
        for top, bottom, left, text in lines:
            size = top - bottom
            at_edge = top > height * (1 - EDGE) or top < height * EDGE + 12
            if at_edge and (_key(text) in running or _PAGE_NUMBER.match(text)):
                continue
            if previous_top is not None and (
                previous_top - top > spacing * 1.45
                or abs(size - previous_size) > 0.15 * max(size, 1)
            ):
                rendering.blank()  # a new paragraph: a wider gap, or another font size
            previous_size = size
            indent = " " * min(12, max(0, round((left - left_margin) / 9)))
            rendering.lines.append(Line(indent + text, page=number))
            previous_top = top
        rendering.blank()
    return rendering


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().casefold())


def _running(pages: list[tuple[float, list[tuple[float, float, float, str]]]]) -> set[str]:
    """Texts found near the top or bottom edge of at least half the pages (3 or more)."""
    if len(pages) < 3:
        return set()
    seen: Counter[str] = Counter()
    for height, lines in pages:
        edge = {
            _key(t)
            for top, _b, _l, t in lines
            if top > height * (1 - EDGE) or top < height * EDGE + 12
        }
        seen.update(edge)
    return {k for k, n in seen.items() if n >= max(3, len(pages) // 2)}

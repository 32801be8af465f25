"""Word .docx through python-docx: heading styles, outline and list levels, tables.

Paragraphs and tables are read in body order. A table row is one line of the
rendering, its cells separated by tabs; a cell merged with its neighbour or the
cell above is written once (the others are empty), and a cell's paragraphs and
bullet lines stay on that line, separated by their bullets.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from app.importer.errors import ImportFailure
from app.importer.lines import Rendering

_HEADING_STYLE = re.compile(r"^(?:heading|titre)\s*(\d)$", re.I)


def _outline(paragraph) -> int | None:  # type: ignore[no-untyped-def]
    style = paragraph.style
    name = style.name if style is not None else ""
    if m := _HEADING_STYLE.match(name or ""):
        return int(m.group(1))
    ppr = paragraph._p.pPr
    lvl = ppr.find(_qn("w:outlineLvl")) if ppr is not None else None
    if lvl is None and style is not None and style.element.pPr is not None:
        lvl = style.element.pPr.find(_qn("w:outlineLvl"))
    if lvl is not None:
        value = int(lvl.get(_qn("w:val")))
        return value + 1 if value < 9 else None
    return None


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return str(qn(tag))


def _list_level(paragraph) -> int | None:  # type: ignore[no-untyped-def]
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None:
        ilvl = ppr.numPr.ilvl
        return int(ilvl.val) if ilvl is not None and ilvl.val is not None else 0
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name.lower().startswith(("list", "liste")):
        m = re.search(r"(\d)$", name)
        return int(m.group(1)) - 1 if m else 0
    return None


def _bold(paragraph) -> bool:  # type: ignore[no-untyped-def]
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def _cell_text(cell) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for p in cell.paragraphs:
        text = re.sub(r"\s+", " ", p.text).strip()
        if not text:
            continue
        level = _list_level(p)
        if level is not None and not re.match(r"^[-–•o■➤›]\s", text):
            text = ("o " if level > 0 else "- ") + text
        parts.append(text)
    return " ".join(parts)


def read_docx(path: Path) -> Rendering:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ImportFailure(path, f"fichier Word illisible ou corrompu ({exc})") from exc
    except Exception as exc:  # python-docx raises PackageNotFoundError and lxml errors
        raise ImportFailure(path, f"fichier Word illisible ou corrompu ({exc})") from exc
    rendering = Rendering()
    for block in document.element.body.iterchildren():
        if block.tag == _qn("w:p"):
            p = Paragraph(block, document)
            text = re.sub(r"\s+", " ", p.text).strip()
            if not text:
                rendering.blank()
                continue
            style = (p.style.name if p.style is not None else "") or ""
            level = _list_level(p)
            heading = _outline(p)
            if level is not None and heading is None:
                text = "  " * level + ("o " if level > 0 else "- ") + text
            rendering.blank()
            rendering.add(
                text,
                heading=heading,
                list_level=level if heading is None else None,
                bold=_bold(p),
                title=style.lower() in ("title", "titre"),
            )
        elif block.tag == _qn("w:tbl"):
            rendering.blank()
            _table(Table(block, document), rendering)
            rendering.blank()
    return rendering


def _table(table, rendering: Rendering) -> None:  # type: ignore[no-untyped-def]
    previous: list[object] = []
    for row in table.rows:
        cells, seen, current = [], set(), []
        for k, cell in enumerate(row.cells):
            tc = cell._tc
            current.append(tc)
            if id(tc) in seen:
                continue  # merged with the cell on its left
            seen.add(id(tc))
            above = previous[k] if k < len(previous) else None
            cells.append("" if above is tc else _cell_text(cell))
        previous = current
        if any(c for c in cells):
            rendering.add("\t".join(cells), cells=cells)

"""OpenDocument .odt through odfpy: headings with their outline level, lists, tables."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from app.importer.errors import ImportFailure
from app.importer.lines import Rendering


def _text(node) -> str:  # type: ignore[no-untyped-def]
    from odf import teletype

    return re.sub(r"\s+", " ", teletype.extractText(node)).strip()


def read_odt(path: Path) -> Rendering:
    from odf.opendocument import load

    try:
        document = load(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ImportFailure(path, f"fichier OpenDocument illisible ou corrompu ({exc})") from exc
    except Exception as exc:  # odfpy surfaces xml.sax errors for damaged content
        raise ImportFailure(path, f"fichier OpenDocument illisible ou corrompu ({exc})") from exc
    rendering = Rendering()
    _walk(document.text, rendering, list_depth=-1)
    return rendering


def _walk(node, rendering: Rendering, list_depth: int) -> None:  # type: ignore[no-untyped-def]
    for child in node.childNodes:
        tag = getattr(child, "qname", (None, None))[1]
        if tag == "h":
            text = _text(child)
            if text:
                level = child.getAttribute("outlinelevel")
                rendering.blank()
                rendering.add(text, heading=int(level) if level else 1)
        elif tag == "p":
            text = _text(child)
            if not text:
                continue
            if list_depth >= 0:
                rendering.add(
                    "  " * list_depth + ("o " if list_depth else "- ") + text, list_level=list_depth
                )
            else:
                rendering.blank()
                rendering.add(text)
        elif tag == "list":
            _walk(child, rendering, list_depth + 1)
        elif tag in ("list-item", "section", "list-header"):
            _walk(child, rendering, list_depth)
        elif tag == "table" and _one_column(child):
            _walk_cells(child, rendering)  # a frame around text, read as the body's
        elif tag == "table":
            rendering.blank()
            for row in child.getElementsByType(_row_type()):
                cells = []
                for cell in row.childNodes:
                    ctag = getattr(cell, "qname", (None, None))[1]
                    if ctag == "table-cell":
                        cells.append("\n".join(_cell_items(cell)))  # one item a line
                    elif ctag == "covered-table-cell":
                        cells.append("")
                if any(cells):
                    rendering.add("\t".join(cells), cells=cells)
            rendering.blank()


def _cells(row):  # type: ignore[no-untyped-def]
    return [c for c in row.childNodes if getattr(c, "qname", (None, None))[1] == "table-cell"]


def _one_column(table) -> bool:  # type: ignore[no-untyped-def]
    """A table whose rows hold one cell each: a frame (« encadré »), not a grid."""
    return all(len(_cells(row)) <= 1 for row in table.getElementsByType(_row_type()))


def _walk_cells(table, rendering: Rendering) -> None:  # type: ignore[no-untyped-def]
    for row in table.getElementsByType(_row_type()):
        for cell in _cells(row):
            _walk(cell, rendering, list_depth=-1)


def _row_type():  # type: ignore[no-untyped-def]
    from odf.table import TableRow

    return TableRow


def _cell_items(cell) -> list[str]:  # type: ignore[no-untyped-def]
    items = []
    for node in cell.childNodes:
        tag = getattr(node, "qname", (None, None))[1]
        if tag == "list":
            for p in node.getElementsByType(_p_type()):
                if t := _text(p):
                    items.append("- " + t)
        elif t := _text(node):
            items.append(t)
    return items


def _p_type():  # type: ignore[no-untyped-def]
    from odf.text import P

    return P

"""OpenDocument .odt through odfpy: headings with their outline level, lists, tables, text
boxes and shapes."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from app.importer.errors import ImportFailure
from app.importer.lines import Rendering
from app.importer.odt_styles import BoldStyles

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"


def _text(node) -> str:  # type: ignore[no-untyped-def]
    """A paragraph's own text, spaces as printed (``text:s``, tabs, line breaks) —
    without the shapes and frames anchored in it (``draw:*``), read on their own:
    odfpy's ``teletype.extractText`` glued a text box's paragraphs to it, « Emploi
    Objectif 1.1 : … » run together into one label."""
    parts: list[str] = []

    def walk(element) -> None:  # type: ignore[no-untyped-def]
        for child in element.childNodes:
            if child.nodeType == child.TEXT_NODE:
                parts.append(child.data)
                continue
            namespace, tag = child.qname
            if namespace == _DRAW:
                continue
            if namespace == _TEXT and tag == "s":
                parts.append(" " * int(child.getAttribute("c") or 1))
            elif namespace == _TEXT and tag in ("tab", "line-break"):
                parts.append(" ")
            else:
                walk(child)

    walk(node)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _shapes(node) -> list:  # type: ignore[type-arg,no-untyped-def]
    """The shapes and frames anchored in a paragraph (text boxes, « encadrés », diagrams
    drawn in Writer), outermost only: their paragraphs are read where they are anchored."""
    found = []
    for child in node.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.qname[0] == _DRAW:
            found.append(child)
        else:
            found += _shapes(child)
    return found


def read_odt(path: Path) -> Rendering:
    from odf.opendocument import load

    try:
        document = load(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ImportFailure(path, f"fichier OpenDocument illisible ou corrompu ({exc})") from exc
    except Exception as exc:  # odfpy surfaces xml.sax errors for damaged content
        raise ImportFailure(path, f"fichier OpenDocument illisible ou corrompu ({exc})") from exc
    rendering = Rendering()
    _walk(document.text, rendering, -1, BoldStyles(document))
    return rendering


def _walk(node, rendering: Rendering, list_depth: int, styles: BoldStyles) -> None:  # type: ignore[no-untyped-def]
    for child in node.childNodes:
        tag = getattr(child, "qname", (None, None))[1]
        if tag == "h":
            text = _text(child)
            if text:
                level = child.getAttribute("outlinelevel")
                rendering.blank()
                rendering.add(text, heading=int(level) if level else 1)
            _walk_shapes(child, rendering, styles)
        elif tag == "p":
            text = _text(child)
            bold = bool(text) and styles.all_bold(child)
            if text and list_depth >= 0:
                mark = "o " if list_depth else "- "
                rendering.add("  " * list_depth + mark + text, list_level=list_depth, bold=bold)
            elif text:
                rendering.blank()
                rendering.add(text, bold=bold)
            _walk_shapes(child, rendering, styles)
        elif tag == "list":
            _walk(child, rendering, list_depth + 1, styles)
        elif tag in ("list-item", "section", "list-header", "text-box", "frame", "g"):
            _walk(child, rendering, list_depth, styles)
        elif tag == "table" and _one_column(child):
            _walk_cells(child, rendering, styles)  # a frame around text, read as the body's
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


def _walk_shapes(paragraph, rendering: Rendering, styles: BoldStyles) -> None:  # type: ignore[no-untyped-def]
    for shape in _shapes(paragraph):
        rendering.blank()
        _walk(shape, rendering, -1, styles)
        rendering.blank()


def _cells(row):  # type: ignore[no-untyped-def]
    return [c for c in row.childNodes if getattr(c, "qname", (None, None))[1] == "table-cell"]


def _one_column(table) -> bool:  # type: ignore[no-untyped-def]
    """A table whose rows hold one cell each: a frame (« encadré »), not a grid."""
    return all(len(_cells(row)) <= 1 for row in table.getElementsByType(_row_type()))


def _walk_cells(table, rendering: Rendering, styles: BoldStyles) -> None:  # type: ignore[no-untyped-def]
    for row in table.getElementsByType(_row_type()):
        for cell in _cells(row):
            _walk(cell, rendering, -1, styles)


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
        for shape in _shapes(node) if tag != "list" else []:  # a text box in the cell
            items += [t for p in shape.getElementsByType(_p_type()) if (t := _text(p))]
    return items


def _p_type():  # type: ignore[no-untyped-def]
    from odf.text import P

    return P

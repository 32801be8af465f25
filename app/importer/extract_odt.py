"""OpenDocument .odt through odfpy: headings with their outline level, lists, tables, text
boxes and shapes."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.importer.errors import ImportFailure
from app.importer.lines import Rendering, cell_parts
from app.importer.notes import add_notes
from app.importer.odt_numbering import OdtNumbering
from app.importer.odt_styles import OdtStyles

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"


def _text(node, breaks: bool = False) -> str:  # type: ignore[no-untyped-def]
    """A paragraph's own text, spaces as printed (``text:s``, tabs, line breaks) —
    without the shapes and frames anchored in it (``draw:*``), read on their own:
    odfpy's ``teletype.extractText`` glued a text box's paragraphs to it, « Emploi
    Objectif 1.1 : … » run together into one label. ``breaks``: lines broken by hand
    (``text:line-break``) as ``\n``, for a table cell's items (``lines.cell_parts``)."""
    parts: list[str] = []

    def walk(element) -> None:  # type: ignore[no-untyped-def]
        for child in element.childNodes:
            if child.nodeType == child.TEXT_NODE:
                parts.append(child.data.replace("\n", " "))  # white space, as in XML
                continue
            namespace, tag = child.qname
            if namespace == _DRAW or (namespace == _TEXT and tag == "note"):
                continue  # shapes read apart; a note read after the body (notes.py)
            if namespace == _TEXT and tag == "s":
                parts.append(" " * int(child.getAttribute("c") or 1))
            elif namespace == _TEXT and tag == "line-break":
                parts.append("\n" if breaks else " ")
            elif namespace == _TEXT and tag == "tab":
                parts.append(" ")
            else:
                walk(child)

    walk(node)
    return "\n".join(re.sub(r"\s+", " ", line).strip() for line in "".join(parts).split("\n"))


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
    from odf.text import Note

    try:
        document = load(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ImportFailure(path, f"fichier OpenDocument illisible ou corrompu ({exc})") from exc
    except Exception as exc:  # odfpy surfaces xml.sax errors for damaged content
        raise ImportFailure(path, f"fichier OpenDocument illisible ou corrompu ({exc})") from exc
    rendering = Rendering()
    _walk(document.text, rendering, -1, _Context(OdtStyles(document), OdtNumbering.of(document)))
    add_notes(rendering, [_note(note) for note in document.text.getElementsByType(Note)])
    return rendering


def _note(note) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A note's call (« 1 ») and its text (its body's paragraphs)."""
    call = body = ""
    for child in note.childNodes:
        tag = getattr(child, "qname", (None, None))[1]
        if tag == "note-citation":
            call = _text(child)
        elif tag == "note-body":
            body = " ".join(t for p in child.childNodes if (t := _text(p)))
    return call, body


@dataclass
class _Context:
    """What the walk needs besides the node: styles, list counters, and the number of
    the list item whose first paragraph comes next."""

    styles: OdtStyles
    numbering: OdtNumbering
    mark: str | None = None

    def take_mark(self) -> str | None:
        mark, self.mark = self.mark, None
        return mark


def _walk(node, rendering: Rendering, list_depth: int, ctx: _Context) -> None:  # type: ignore[no-untyped-def]
    for child in node.childNodes:
        tag = getattr(child, "qname", (None, None))[1]
        if tag == "h":
            text = _text(child)
            level = _outline_level(child)
            number = ctx.take_mark() if list_depth >= 0 else ctx.numbering.heading(level)
            if text:
                rendering.blank()
                rendering.add(f"{number} {text}" if number else text, heading=level)
            _walk_shapes(child, rendering, ctx)
        elif tag == "p":
            text = _text(child)
            bold = bool(text) and ctx.styles.all_bold(child)
            mark = ctx.take_mark()
            if text and list_depth >= 0:
                depth = ctx.styles.list_level(child, list_depth)
                mark = mark or ("o" if depth else "-")
                rendering.add(f"{'  ' * depth}{mark} {text}", list_level=depth, bold=bold)
            elif text:
                rendering.blank()
                rendering.add(text, bold=bold)
            _walk_shapes(child, rendering, ctx)
        elif tag == "list":
            ctx.numbering.enter(child)
            _walk(child, rendering, list_depth + 1, ctx)
            ctx.numbering.leave()
        elif tag == "list-item":
            ctx.mark = ctx.numbering.item(child)
            _walk(child, rendering, list_depth, ctx)
            ctx.mark = None
        elif tag in ("section", "list-header", "text-box", "frame", "g"):
            _walk(child, rendering, list_depth, ctx)
        elif tag == "table" and _one_column(child):
            _walk_cells(child, rendering, ctx)  # a frame around text, read as the body's
        elif tag == "table":
            rendering.blank()
            for row in _rows(child):
                cells = []
                for cell in row.childNodes:
                    ctag = getattr(cell, "qname", (None, None))[1]
                    if ctag == "table-cell":
                        cells.append(_cell_text(cell))  # one item a line
                    elif ctag == "covered-table-cell":
                        cells.append("")
                if any(cells):
                    rendering.add("\t".join(cells), cells=cells)
            rendering.blank()


def _outline_level(heading) -> int:  # type: ignore[no-untyped-def]
    """A heading's outline level, 1 when it says none or none that is a level (1-10)."""
    try:
        level = int(heading.getAttribute("outlinelevel") or 1)
    except ValueError:
        return 1
    return level if 1 <= level <= 10 else 1


def _walk_shapes(paragraph, rendering: Rendering, ctx: _Context) -> None:  # type: ignore[no-untyped-def]
    for shape in _shapes(paragraph):
        rendering.blank()
        _walk(shape, rendering, -1, ctx)
        rendering.blank()


def _cells(row):  # type: ignore[no-untyped-def]
    return [c for c in row.childNodes if getattr(c, "qname", (None, None))[1] == "table-cell"]


def _one_column(table) -> bool:  # type: ignore[no-untyped-def]
    """A table whose rows hold one cell each: a frame (« encadré »), not a grid."""
    return all(len(_cells(row)) <= 1 for row in _rows(table))


def _walk_cells(table, rendering: Rendering, ctx: _Context) -> None:  # type: ignore[no-untyped-def]
    for row in _rows(table):
        for cell in _cells(row):
            _walk(cell, rendering, -1, ctx)


def _rows(table) -> Iterator:  # type: ignore[type-arg,no-untyped-def]
    """The table's own rows, header rows and row groups included, not those of a table
    nested in one of its cells (odfpy's ``getElementsByType`` would give both)."""
    for child in table.childNodes:
        tag = getattr(child, "qname", (None, None))[1]
        if tag == "table-row":
            yield child
        elif tag in ("table-header-rows", "table-rows", "table-row-group"):
            yield from _rows(child)


def _cell_text(cell) -> str:  # type: ignore[no-untyped-def]
    """The cell's paragraphs, list items and text boxes, one part a line (``cell_parts``)."""
    return cell_parts(_cell_paragraphs(cell))


def _cell_paragraphs(cell) -> Iterator[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    """Each paragraph of the cell and its list mark, those of a table nested in it
    included: its text is not the text of the paragraph before it."""
    for node in cell.childNodes:
        tag = getattr(node, "qname", (None, None))[1]
        if tag == "list":
            yield from ((_text(p, True), "-") for p in node.getElementsByType(_p_type()))
        elif tag == "table":
            for row in _rows(node):
                for inner in _cells(row):
                    yield from _cell_paragraphs(inner)
        else:
            yield _text(node, True), None
            for shape in _shapes(node):  # a text box in the cell
                yield from ((_text(p, True), None) for p in shape.getElementsByType(_p_type()))


def _p_type():  # type: ignore[no-untyped-def]
    from odf.text import P

    return P

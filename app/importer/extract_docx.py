"""Word .docx through python-docx: heading styles, outline and list levels, tables.

Paragraphs and tables are read in body order. A table row is one line of the
rendering, its cells separated by tabs; a cell merged with its neighbour or the
cell above is written once (the others are empty), and a cell's paragraphs and
bullet lines stay on that line (``Line.cells`` keeps where each one starts).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from app.importer.docx_diagrams import diagram_items
from app.importer.docx_numbering import Numbering
from app.importer.docx_text import text_boxes, text_of
from app.importer.errors import ImportFailure
from app.importer.lines import Rendering, cell_parts
from app.importer.notes import add_notes, docx_notes

_HEADING_STYLE = re.compile(r"^(?:heading|titre)\s*(\d)$", re.I)


def _style(paragraph):  # type: ignore[no-untyped-def]
    """The paragraph's style, looked up once per style and document: python-docx's
    ``Paragraph.style`` scans every style of the document for the default one on each
    call (6 of the 7 s a 2,000-paragraph contract took)."""
    cache = paragraph.part.__dict__.setdefault("_cvkg_styles", {})
    ppr = paragraph._p.pPr
    style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
    if style_id not in cache:
        cache[style_id] = paragraph.style
    return cache[style_id]


def _outline(paragraph) -> int | None:  # type: ignore[no-untyped-def]
    """The paragraph's outline level: its own, else its style's, else that of the style
    it is based on (« Titre d'axe » based on « Heading 1 » is a heading 1, as Word
    shows it in the navigation pane)."""
    ppr = paragraph._p.pPr
    lvl = ppr.find(_qn("w:outlineLvl")) if ppr is not None else None
    if lvl is not None:
        return _level_value(lvl)
    style, seen = _style(paragraph), set()
    while style is not None and style.style_id not in seen:
        seen.add(style.style_id)
        if m := _HEADING_STYLE.match(style.name or ""):
            return int(m.group(1))
        own = style.element.pPr.find(_qn("w:outlineLvl")) if style.element.pPr is not None else None
        if own is not None:
            return _level_value(own)
        style = style.base_style
    return None


def _level_value(lvl) -> int | None:  # type: ignore[no-untyped-def]
    try:
        value = int(lvl.get(_qn("w:val")))
    except (TypeError, ValueError):
        return None  # a malformed level: no heading
    return value + 1 if 0 <= value < 9 else None


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return str(qn(tag))


def _list_level(paragraph) -> int | None:  # type: ignore[no-untyped-def]
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None:
        ilvl = ppr.numPr.ilvl
        return int(ilvl.val) if ilvl is not None and ilvl.val is not None else 0
    style = _style(paragraph)
    name = (style.name if style is not None else "") or ""
    if name.lower().startswith(("list", "liste")):
        m = re.search(r"(\d)$", name)
        return int(m.group(1)) - 1 if m else 0
    return None


def _bold(paragraph) -> bool:  # type: ignore[no-untyped-def]
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def _cell_text(cell, numbering: Numbering) -> str:  # type: ignore[no-untyped-def]
    """The cell's paragraphs (and lines broken by hand), one part a line (``cell_parts``)."""

    def mark(p) -> str | None:  # type: ignore[no-untyped-def]
        level = _list_level(p)
        if level is None:
            return None
        return numbering.label(p._p) or ("o" if level > 0 else "-")

    return cell_parts((text_of(p._p), mark(p)) for p in _cell_paragraphs(cell))


def _cell_paragraphs(cell):  # type: ignore[no-untyped-def]
    """The cell's paragraphs in order, those of a table or a text box in it included."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in _inner(cell):
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for inner in row.cells:
                    if id(inner._tc) not in seen:
                        seen.add(id(inner._tc))
                        yield from _cell_paragraphs(inner)
        else:
            yield block
            for box in text_boxes(block._p):  # a text box anchored in the cell
                yield from (Paragraph(p, block._parent) for p in box.iter(_qn("w:p")))


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
    _unwrap_row_controls(document.element.body)
    rendering = Rendering()
    numbering = Numbering.of(document)
    for block in _blocks(document.element.body):
        if block.tag == _qn("w:p"):
            _paragraph(Paragraph(block, document), rendering, numbering)
        elif block.tag == _qn("w:tbl"):
            rendering.blank()
            _table(Table(block, document), rendering, numbering)
            rendering.blank()
    add_notes(rendering, docx_notes(document))
    return rendering


def _paragraph(p, rendering: Rendering, numbering: Numbering) -> None:  # type: ignore[no-untyped-def]
    _own_text(p, rendering, numbering)
    if items := diagram_items(p):  # a SmartArt anchored here: its outline, as a list
        rendering.blank()
        for depth, text in items:
            mark = "o" if depth else "-"
            rendering.add("  " * depth + f"{mark} {text}", list_level=depth)
        rendering.blank()
    boxes = text_boxes(p._p)
    if boxes:
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        for box in boxes:
            rendering.blank()
            for child in box.iterchildren():
                if child.tag == _qn("w:p"):
                    _paragraph(Paragraph(child, p._parent), rendering, numbering)
                elif child.tag == _qn("w:tbl"):
                    rendering.blank()
                    _table(Table(child, p._parent), rendering, numbering)
                    rendering.blank()


def _own_text(p, rendering: Rendering, numbering: Numbering) -> None:  # type: ignore[no-untyped-def]
    number = numbering.label(p._p)  # counted for every paragraph, in order
    text = re.sub(r"\s+", " ", text_of(p._p)).strip()
    if not text:
        rendering.blank()
        return
    own = _style(p)
    style = (own.name if own is not None else "") or ""
    if style.lower().startswith(("toc", "table of contents", "tm ")):
        return  # a table of contents generated by Word: never an element
    level = _list_level(p)
    heading = _outline(p)
    if level is not None and heading is None:
        # a numbered item shows its number (« 1. », « a) »), a bullet our own glyph
        mark = number or ("o" if level > 0 else "-")
        text = "  " * level + f"{mark} {text}"
    elif heading is not None and number:
        text = f"{number} {text}"  # « 2.1 », « Axe 3 : »: what the page prints
    rendering.blank()
    rendering.add(
        text,
        heading=heading,
        list_level=level if heading is None else None,
        bold=_bold(p),
        title=style.lower() in ("title", "titre"),
    )


def _unwrap_row_controls(body) -> None:  # type: ignore[no-untyped-def]
    """Rows or cells a template wraps in a content control (a repeating section) are
    moved out of it, in place: python-docx's tables read only the rows and cells
    directly under them. The document is read, never saved."""
    tags = (_qn("w:tbl"), _qn("w:tr"))
    while controls := [c for c in body.iter(_qn("w:sdt")) if c.getparent().tag in tags]:
        for control in controls:  # again after each pass: a control inside a control
            content = control.find(_qn("w:sdtContent"))
            for child in list(content) if content is not None else []:
                control.addprevious(child)
            control.getparent().remove(control)


def _blocks(body):  # type: ignore[no-untyped-def]
    """Paragraphs and tables in body order, also inside content controls (``w:sdt``)."""
    for block in body.iterchildren():
        if block.tag == _qn("w:sdt"):
            content = block.find(_qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)
        else:
            yield block


def _inner(cell):  # type: ignore[no-untyped-def]
    """A cell's paragraphs and tables in order, also inside content controls (python-docx's
    ``iter_inner_content`` skips a ``w:sdt`` wrapping them)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in _blocks(cell._tc):
        if block.tag == _qn("w:p"):
            yield Paragraph(block, cell)
        elif block.tag == _qn("w:tbl"):
            yield Table(block, cell)


def _table(table, rendering: Rendering, numbering: Numbering) -> None:  # type: ignore[no-untyped-def]
    if all(len({id(c._tc) for c in row.cells}) <= 1 for row in table.rows):
        _frame(table, rendering, numbering)
        return
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
            cells.append("" if above is tc else _cell_text(cell, numbering))
        previous = current
        if any(c for c in cells):
            rendering.add("\t".join(cells), cells=cells)


def _frame(table, rendering: Rendering, numbering: Numbering) -> None:  # type: ignore[no-untyped-def]
    """A table of one column is a frame around text (« encadré »), not a grid: its
    paragraphs, lists and nested tables are read as the body's own."""
    from docx.table import Table

    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            for block in _inner(cell):
                if isinstance(block, Table):
                    rendering.blank()
                    _table(block, rendering, numbering)
                    rendering.blank()
                else:
                    _paragraph(block, rendering, numbering)

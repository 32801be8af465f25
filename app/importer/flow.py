"""The reading pass: each unit, in document order, becomes an element, a caption, a
table row, a description or a property of the element above."""

from __future__ import annotations

import re

from app.importer.chapters import context_chapter
from app.importer.code_columns import code_rows, read_coded_rows
from app.importer.drafted import Drafted, is_narrative
from app.importer.fiches import read_sheets, sheet_rows
from app.importer.sections import heading_level
from app.importer.tables import names_columns, read_row
from app.importer.tree import TreeBuilder
from app.importer.units import Unit
from app.importer.vocabulary import MODALITE, caption_levels


def feed(b: TreeBuilder, units: list[Unit]) -> None:
    done = 0  # units read ahead (the rows of fiches actions)
    no_sheet = 0  # rows before this one were looked at: no sheet starts there
    for k, unit in enumerate(units):
        if k < done:
            continue
        nxt = units[k + 1] if k + 1 < len(units) else None
        if unit.kind in ("attendus", "indicateurs"):
            b.property_block(unit)
            continue
        if (
            b.collect is not None
            and unit.kind in ("text",)
            or (b.collect is not None and unit.marker.kind == "bullet")
        ):
            if unit.label:
                b.collect.append((unit.line, unit.label))  # type: ignore[union-attr]
            continue
        b.collect = None
        if unit.kind != "row" and b.row_table:
            b.row_table, b.columns = False, None
        if _division(unit):
            b.division(unit.line, unit.label, outside=context_chapter(unit.label))
            continue
        if _context_heading(units, k):
            b.context_chapter(unit.line, unit.label, unit.heading)
            continue
        if b.outside and _ends_context(b, unit):
            b.outside = False
        if unit.kind == "row" and (n := code_rows(units, k, nested=b.outside)):
            b.outside = False  # « N° | Intitulé »: a plan of actions, coded
            read_coded_rows(b, unit, units[k + 1 : k + 1 + n])
            done = k + 1 + n
            continue
        if unit.kind == "row" and k >= no_sheet:
            n, looked = sheet_rows(units, k)
            no_sheet = k + looked
            if n:
                b.outside = False  # fiches actions name the strategy's levels and actions
                read_sheets(b, units[k : k + n], _heading_above(b, units, k))
                done = k + n
                continue
        if b.outside and unit.kind in ("text", "item") and not _names_level(unit):
            if unit.label:
                b.context_text(unit.line, unit.label)
            continue
        if b.outside and unit.kind == "row" and not _names_columns(unit):
            continue  # a table of an annex (QPV, figures, budget): in the rendering only
        b.outside = False
        if unit.kind == "caption":
            assert unit.marker.levels is not None
            b.close_headings(unit.heading)
            b.caption(unit.marker.levels)
        elif unit.kind == "row":
            if k == 0 or units[k - 1].kind != "row":
                if _group_header(unit, nxt):
                    continue  # « Stratégie | Mise en œuvre » over the header: the rendering's
                b.table_begins()
            read_row(b, unit, unit.cells or [])
        elif not unit.label:
            continue
        elif (
            unit.kind == "text"
            and _before_table(nxt)
            and _title_like(unit.label)
            and not _names_the_contract(b, unit)
        ):
            b.item(unit, ("table-title",))
        elif unit.kind == "text":
            if b.columns and not b.row_table and _cell_like(unit.label):
                b.table_cell_block(unit)
            elif b.indented_outline and unit.indent >= 2 and b.elements and _title_like(unit.label):
                b.item(unit, ("indent", unit.indent))  # an outline typed with indentation only
            else:
                b.describe(unit.line, unit.label)
        elif is_narrative(unit.label) or _is_title(b, unit) or _remark(unit):
            b.describe(unit.line, unit.label)
        else:
            b.item(unit, _signature(unit, nxt))


# The divisions of a document (legal or editorial), numbered: never a level of the strategy.
_DIVISION = re.compile(
    r"(?i)^(?:(?:partie|chapitre|titre|section|article|annexe|sous-partie)\s+"
    r"(?:n[°º]\s*)?(?:\d{1,2}\b|[IVXL]{1,5}\b|premi[eè]re?\b|[A-Z]\b)"
    r"|(?:premi[eè]re|deuxi[eè]me|seconde|troisi[eè]me|quatri[eè]me|cinqui[eè]me|"
    r"sixi[eè]me)\s+partie\b"
    r"|annexes?\s*(?:[:–—-]|$))"
)


def _group_header(unit: Unit, nxt: Unit | None) -> bool:
    """A table's first row that only groups the columns of the header under it
    (« Stratégie » over « Axes | Objectifs », « Mise en œuvre » over « Actions |
    Pilotes »): two short names or more in merged cells, fewer than the header's, no
    level of their own (a title merged across the table is a heading row, an element)."""
    if nxt is None or nxt.kind != "row" or not names_columns(nxt.cells or []):
        return False
    cells = [" ".join(c.split()) for c in unit.cells or [] if c.strip()]
    return (
        1 < len(cells) < len([c for c in nxt.cells or [] if c.strip()])
        and not names_columns(unit.cells or [])
        and all(len(c.split()) <= 4 and not re.search(r"[\d.;:]", c) for c in cells)
    )


def _heading_above(b: TreeBuilder, units: list[Unit], k: int) -> Drafted | None:
    """The action a heading printed right above a fiche action drafted (« Fiche action
    n°2 », maybe with paragraphs between, or the sheet's first row merged across it):
    the sheet's own element."""
    j = k - 1
    while j >= 0 and units[j].kind == "text":
        j -= 1
    last = b.elements[-1] if b.elements else None
    if j < 0 or last is None or units[j].kind not in ("item", "row") or last.ligne != units[j].line:
        return None
    return last if last.classe == MODALITE and not last.children else None


def _context_heading(units: list[Unit], k: int) -> bool:
    """« Diagnostic », « 2. Préambule », « Gouvernance » set as a heading (Heading 1…):
    a chapter around the strategy, whose paragraphs and tables (figures, partners) are
    the contract's description, not elements — when nothing in it, up to the next
    heading of its level or above, names a level (« Gouvernance et participation »
    holding « Objectif 4.1 : … » is an axis of the strategy)."""
    unit = units[k]
    level = heading_level(unit.heading)
    if unit.kind != "item" or level is None or unit.marker.classe:
        return False
    label = unit.marker.label if unit.marker.kind == "number" else unit.label
    if unit.marker.kind not in ("plain", "number") or not context_chapter(label):
        return False
    for after in units[k + 1 :]:
        own = heading_level(after.heading)
        if own is not None and own <= level:
            break
        if (
            _names_level(after)
            or after.kind == "caption"
            or (after.kind == "row" and _names_columns(after))
        ):
            return False
    return True


def _ends_context(b: TreeBuilder, unit: Unit) -> bool:
    """A heading of the context heading's level or above: the context chapter is over."""
    level = heading_level(unit.heading)
    return b.outside_level is not None and level is not None and level <= b.outside_level


def _division(unit: Unit) -> bool:
    """« PARTIE 2 – LES ENJEUX », « Article 1 – Objet du contrat », « Annexe 3 – Liste
    des QPV », « Annexes », « Annexe : fiches actions »: a line of its own naming a
    division of the document."""
    if unit.kind not in ("text", "item") or len(unit.label) > 150 or unit.label.endswith("."):
        return False
    label = unit.marker.label if unit.marker.kind == "number" else unit.label
    return bool(_DIVISION.match(label))


def _names_level(unit: Unit) -> bool:
    """A unit that starts the strategy again after a context division: a level word
    (« Axe 3 : … », « • Objectif 1.1 : … », « II. PILIER EMPLOI »)."""
    return unit.marker.classe is not None


def _names_columns(unit: Unit) -> bool:
    """A table row whose cells name levels (« Axes | Objectifs »): the strategy again.
    Actions alone do not (« Actions à mener | Pilotes » in the governance annex): an
    action hangs under an objective the table does not name."""
    named = [caption_levels(" ".join(c.split())) for c in unit.cells or [] if c.strip()]
    return any(c != MODALITE for levels in named if levels for c, _ in levels)


def _is_title(b: TreeBuilder, unit: Unit) -> bool:
    """The document's title (Title style, or a first heading with no code): not strategy."""
    if unit.heading == "title":
        return True
    if b.elements or unit.marker.kind != "plain" or not unit.heading:
        return False
    return unit.heading in ("caps", "bold") or _names_the_contract(b, unit)


def _names_the_contract(b: TreeBuilder, unit: Unit) -> bool:
    """A line naming the contract before any element: the document's title, even in body
    type right above the strategy table."""
    return not b.elements and "contrat" in unit.label.casefold()


def _remark(unit: Unit) -> bool:
    """« Enjeux : le taux de retard … atteint 30 %. »: a level word introducing a finding in
    a sentence, not the title of an element."""
    m = unit.marker
    return m.kind == "word" and not m.code and unit.label[:1].islower() and unit.label.endswith(".")


def _cell_like(label: str) -> bool:
    return len(label) < 250 and not label.endswith(":") and not is_narrative(label)


def _title_like(label: str) -> bool:
    return len(label) < 150 and not label.endswith((":", ".", ";")) and not is_narrative(label)


def _before_table(nxt: Unit | None) -> bool:
    if nxt is None:
        return False
    if nxt.kind == "caption" and nxt.marker.levels and len(nxt.marker.levels) > 1:
        return True
    if nxt.kind == "row" and nxt.cells:
        filled = [c for c in nxt.cells if c.strip()]
        return len(filled) > 1 and all(caption_levels(c.strip()) for c in filled)
    return False


def _signature(unit: Unit, nxt: Unit | None) -> tuple[object, ...]:
    m = unit.marker
    if unit.heading and unit.heading.startswith("h"):
        return ("h", unit.heading)
    if m.kind == "bullet":
        level = unit.list_level if unit.list_level is not None else unit.indent // 2
        return (*m.sig, level)
    if m.kind in ("number", "word"):
        return m.sig
    if _before_table(nxt) and _title_like(unit.label):
        return ("table-title",)
    return ("typo", unit.heading)

"""Table rows → elements: header rows that name the levels, heading rows, data rows.

A header row names each column's level (« Enjeux | Objectifs | Modalités d'action »);
other columns (pilots, calendar, budget) are not strategy, and indicators or expected
results columns are properties of the row's element. An empty cell continues the one
above (merged cells), a one-cell row is a heading.
"""

from __future__ import annotations

import functools
import re

from app.importer.cells import CellItem, split_cell
from app.importer.drafted import Drafted, is_narrative
from app.importer.fiche_fields import TITLE, field_of, other_column
from app.importer.markers import level_and_code, read_marker
from app.importer.tree import TreeBuilder
from app.importer.units import Unit, clean, is_caps
from app.importer.vocabulary import (
    CONTEXTUAL,
    MODALITE,
    OO,
    OS,
    RANK,
    caption_levels,
    default_child,
    leading_level,
    singular,
)


def _header_cell(cell: str) -> list[tuple[str, str]] | None:
    """The level a header cell names: « Objectifs stratégiques (OS) », « Actions à mener »."""
    text = re.sub(r"\([^)]*\)", " ", cell).strip().rstrip(":").strip()
    if levels := caption_levels(text):
        return levels
    found = leading_level(text) if len(text) < 40 else None
    if found is None:
        named = field_of(text)  # « Intitulé de l'action »: the actions' column
        return [(MODALITE, text)] if named is not None and named.kind == TITLE else None
    if level_and_code(text) is not None:
        return None  # « Action 1.1.2 », « Objectif 3 : … »: an element, with its code
    return [(found[0], " ".join(text.split()[: found[1]]))]


def names_columns(cells: list[str], *, wholly: bool = False) -> bool:
    """Whether a row of two cells or more names the table's columns: levels, and maybe
    pilots, indicators… beside them (a row ``read_row`` reads as the header).
    ``wholly``: each level cell holds level words only (« Actions », not « Actions
    Créer 1.1 »), to tell a header wrapped on two lines from a header and a row."""
    filled = [" ".join(c.split()) for c in cells if c.strip()]
    read = (lambda c: caption_levels(c.strip().rstrip(":"))) if wholly else _header_cell
    captions = [read(c) for c in filled]
    return (
        len(filled) > 1
        and any(captions)
        and all(cap or other_column(c) for cap, c in zip(captions, filled, strict=True))
    )


def read_row(b: TreeBuilder, unit: Unit, items: list[str]) -> None:
    """``items``: each cell's text, its paragraphs on lines of their own; headers and
    heading rows are read on the cell's text in one line."""
    cells = [" ".join(c.split()) for c in items]
    filled = [(i, c) for i, c in enumerate(cells) if c.strip()]
    if not filled:
        return
    captions = [caption_levels(c.strip().rstrip(":")) for _, c in filled]
    if len(filled) > 1:
        captions = [_header_cell(c) for _, c in filled]
    if all(captions) and (len(filled) > 1 or len(captions[0] or []) > 1):
        levels = [lv for cap in captions if cap for lv in cap]
        if b.row_table and b.columns == [(c, singular(n)) for c, n in levels]:
            return  # the header printed again at the top of a page: the table goes on
        b.caption(levels, rows=True)
        return
    if names_columns(cells):
        # « Objectifs | Actions | Pilotes | Calendrier »: level columns and others
        if b.row_table and b.header == cells:
            return  # printed again at the top of a page
        _mixed_header(b, cells)
        return
    one_part = "\n" not in items[filled[0][0]].strip()  # several: a cell's items (data row)
    if len(filled) == 1 and filled[0][0] == 0 and one_part:  # a heading row, often merged
        if captions[0]:
            b.caption(captions[0])
            return
        if is_narrative(cells[0].strip()) or cells[0].strip().endswith((".", ";")):
            b.describe(unit.line, cells[0].strip())
            return
        text = clean(cells[0])
        m = read_marker(text, short_heading=is_caps(text) or len(text) < 120)
        last = b.elements[-1] if b.elements else None
        if (
            last is not None
            and (last.sig == ("rowhead",) or last.sig[:1] == ("w",))
            and not last.children
            and last.label.endswith(":")
            and m.kind == "plain"
            and not is_caps(text)
        ):
            # « L'HABITAT ET LE CADRE DE VIE : » / « Renforcer l'attractivité … »: one
            # heading printed over two rows of the table
            last.label = f"{last.label} {text}"
            return
        head = Unit("item", unit.line, m, clean(m.label) or text)
        b.item(head, m.sig if m.kind == "word" else ("rowhead",))
        b.table_base = len(b.stack)
        b.last_in_col = [None] * max(len(b.columns or []), len(cells))
        return
    _data_row(b, unit.line, items)


def _property_cell(b: TreeBuilder, i: int, line: int, items: list[CellItem]) -> None:
    """A cell of a description / indicators / expected results column: a property of
    the row's deepest element; other columns (pilot, calendar, budget) are not strategy."""
    kind = b.properties.get(i)
    owner = next((e for e in reversed(b.last_in_col[:i]) if e is not None), None)
    if owner is None or kind not in ("description", "indicateurs", "resultats_attendus"):
        return
    getattr(owner, kind).extend((line, it.label) for it in items)


def _mixed_header(b: TreeBuilder, cells: list[str]) -> None:
    b.header = cells
    levels = [_header_cell(c) if c.strip() else None for c in cells]
    b.caption([cap[0] for cap in levels if cap], rows=True)
    b.columns = [(cap[0][0], singular(cap[0][1])) if cap else None for cap in levels]
    b.properties = {i: kind for i, c in enumerate(cells) if (kind := other_column(c))}
    b.last_in_col = [None] * len(cells)


def is_prose(label: str) -> bool:
    """A paragraph of sentences under an item of the same cell, not an item of its own."""
    return is_narrative(label) and label.endswith((".", "!", "?"))


def _restated(b: TreeBuilder, e: Drafted) -> Drafted | None:
    """The element a table right after a division prints again (« Objectifs |
    Indicateurs | Cible 2030 » in the evaluation chapter): one drafted above it, with the
    same label, under a level of its own — the table's row adds to it, not a second one."""
    if not b.restating:
        return None
    mine = _flat(e.label)
    return next(
        (
            o
            for o in b.elements
            if o.parent is not None and o.ligne < e.ligne and _flat(o.label) == mine
        ),
        None,
    )


@functools.lru_cache(maxsize=4096)
def _flat(label: str) -> str:
    """A label compared: case, apostrophes and spaces aside (cached: a table of a hundred
    rows compares each of its labels with every element above it)."""
    return " ".join(label.replace("’", "'").casefold().split())


def _deeper(printed: str | None, above: str) -> bool:
    """A level word naming a level below the one of the item above it in the cell."""
    if printed is None:
        return False
    rank = RANK[OS] if printed == CONTEXTUAL else RANK.get(printed, 0)  # an « Objectif »
    return rank > RANK.get(above, 99)


def _data_row(b: TreeBuilder, line: int, cells: list[str]) -> None:
    width = max(len(b.columns or []), len(cells))
    if len(b.last_in_col) < width:
        b.last_in_col += [None] * (width - len(b.last_in_col))
    del b.stack[b.table_base :]
    for i, cell in enumerate(cells):
        items = [it for it in split_cell(cell) if not it.lead_in]
        if not items:
            continue
        if b.columns and i < len(b.columns) and b.columns[i] is None:
            _property_cell(b, i, line, items)
            continue
        parent = b.last_in_col[i - 1] if i > 0 else b.top()
        if i > 0 and parent is None:
            parent = next((p for p in reversed(b.last_in_col[:i]) if p), b.top())
        column = b.columns[i] if b.columns and i < len(b.columns) else None
        if column is not None:
            classe, niveau, guessed = *column, False
        else:
            classe, niveau, guessed = (
                default_child(parent.classe if parent else None),
                None,
                True,
            )
        if classe == CONTEXTUAL:
            classe = OO if parent and parent.classe in (OS, OO) else OS
        last: Drafted | None = None
        for it in items:
            if last is not None and it.depth == 0 and is_prose(it.label):
                last.description.append((line, it.label))  # a paragraph explaining the item
                continue
            owner = last if it.depth > 0 and last is not None else parent
            below = last is not None and _deeper(it.classe, last.classe)
            if below:
                owner = last  # « Axe 3 – Cadre de vie » then « Objectif 3.1 – … » in one cell
            e = Drafted(classe, it.label, line, code=it.code, niveau=niveau, guessed=guessed)
            if (column is None or below) and it.classe is not None:
                # no header names the column, but the cell prints its level: « Axe 1 – … »
                e.classe, e.niveau, e.guessed = it.classe, it.niveau, False
                if e.classe == CONTEXTUAL:
                    e.classe = OO if owner and owner.classe in (OS, OO) else OS
            e.sig = ("col", i, it.depth)
            placed = (owner is None and _restated(b, e)) or b.attach(e, owner)
            if it.depth == 0 and not below:  # the level above the deeper ones it holds
                last = placed
        b.last_in_col[i] = last
        for j in range(i + 1, width):
            b.last_in_col[j] = None

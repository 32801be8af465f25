"""Units → the strategy tree, by the levels the document itself shows.

A level is recognised by its signature (numbering scheme and depth, bullet glyph,
level word, heading style, table column), not by its values: the first signature
met is the top, a new one goes one level down, a known one closes the levels
below it. Level words and column headers say the class; where nothing printed
says it, the class follows from the position and the element is flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.importer.cells import CellItem, split_cell
from app.importer.units import Unit
from app.importer.vocabulary import (
    AXE,
    CONSTAT,
    CONTEXTUAL,
    MODALITE,
    OO,
    OS,
    PILIER,
    RANK,
    caption_levels,
    default_child,
    fold,
    singular,
)

GUESSED = "niveau déduit de la position : aucun mot de niveau ni en-tête imprimé"
_CONTINUED = re.compile(r"\s*\((?:\d+\s*/\s*\d+|suite)\)\s*$", re.I)
_SENTENCE = re.compile(r"[.!?] [A-ZÀ-Ý]")


@dataclass
class Drafted:
    classe: str
    label: str
    ligne: int
    parent: Drafted | None = None
    code: str | None = None
    niveau: str | None = None
    a_verifier: str | None = None
    guessed: bool = False
    sig: tuple[object, ...] = ()
    id: str = ""
    description: list[tuple[int, str]] = field(default_factory=list)
    resultats_attendus: list[tuple[int, str]] = field(default_factory=list)
    indicateurs: list[tuple[int, str]] = field(default_factory=list)
    children: list[Drafted] = field(default_factory=list)


@dataclass
class _Level:
    sig: tuple[object, ...]
    element: Drafted
    col: int | None = None
    section: int = 99  # heading level of the section it was opened in (99: none)


def _narrative(label: str) -> bool:
    """Prose, not a heading: long, or several sentences."""
    return len(label) > 320 or (len(label) > 160 and bool(_SENTENCE.search(label[:-2])))


class TreeBuilder:
    def __init__(self) -> None:
        self.roots: list[Drafted] = []
        self.elements: list[Drafted] = []
        self.stack: list[_Level] = []
        self.pending: tuple[str, str] | None = None
        self.columns: list[tuple[str, str] | None] | None = None
        self.properties: dict[int, str] = {}  # table columns of indicators, expected results
        self.table_base = 0
        self.last_in_col: list[Drafted | None] = []
        self.collect: list[tuple[int, str]] | None = None
        self.contract_description: list[tuple[int, str]] = []
        self.row_table = False
        self.section = 99  # level of the last heading met (99: none yet)

    # --- placing one element -------------------------------------------------
    def _top(self) -> Drafted | None:
        return self.stack[-1].element if self.stack else None

    def _pop_rank(self, classe: str) -> None:
        rank = RANK.get(classe)
        if rank is None:
            return
        while self.stack:
            top = self.stack[-1].element.classe
            if RANK[top] > rank or (RANK[top] == rank and classe not in (OO, MODALITE)):
                self.stack.pop()
            else:
                break
        self._shrunk()

    def _shrunk(self) -> None:
        """A text table ends when a level above it starts again."""
        if len(self.stack) < self.table_base:
            self.table_base = len(self.stack)
            if not self.row_table:
                self.columns = None

    def _attach(self, e: Drafted, parent: Drafted | None) -> Drafted:
        """Add ``e`` under ``parent``, or return the earlier element it continues."""
        siblings = parent.children if parent else self.roots
        base = _CONTINUED.sub("", e.label).casefold()
        for s in siblings:
            if _CONTINUED.sub("", s.label).casefold() == base and s.sig == e.sig:
                if s.children:
                    return s  # "HABITAT ET CADRE DE VIE" again, "(2/2)": same element
                self._remove(s)  # a childless earlier copy (contents list): keep the real one
                break
        e.parent = parent
        siblings.append(e)
        self.elements.append(e)
        return e

    def _remove(self, e: Drafted) -> None:
        (e.parent.children if e.parent else self.roots).remove(e)
        self.elements.remove(e)

    def place(self, unit_sig: tuple[object, ...], e: Drafted, known: str | None) -> Drafted:
        if self.pending and known is None:
            known, e.niveau = self.pending[0], e.niveau or self.pending[1]
        self.pending = None
        index = next(
            (k for k in range(len(self.stack) - 1, -1, -1) if self.stack[k].sig == unit_sig), None
        )
        col: int | None = None
        if index is not None:
            level = self.stack[index]
            del self.stack[index:]
            self._shrunk()
            parent = self._top()
            col = level.col
            if known in (None, CONTEXTUAL):
                e.classe, e.guessed = level.element.classe, level.element.guessed
                e.niveau = e.niveau or level.element.niveau
            else:
                e.classe = known
        else:
            if known not in (None, CONTEXTUAL):
                self._pop_rank(known)
            parent = self._top()
            top_col = self.stack[-1].col if self.stack else None
            if known == CONTEXTUAL:
                e.classe = OO if parent and parent.classe in (OS, OO) else OS
            elif known is not None:
                e.classe = known
            elif self.columns and top_col is not None and not self.row_table:
                col = min(top_col + 1, len(self.columns) - 1)
                e.classe, niveau = self.columns[col] or (OO, "")
                e.niveau = e.niveau or niveau or None
            else:
                e.classe = default_child(parent.classe if parent else None)
                e.guessed = True
        e.sig = unit_sig
        placed = self._attach(e, parent)
        self.stack.append(_Level(unit_sig, placed, col, self.section))
        return placed

    # --- units ---------------------------------------------------------------
    def caption(self, levels: list[tuple[str, str]], rows: bool = False) -> None:
        if len(levels) == 1:
            classe, niveau = levels[0]
            if classe != CONTEXTUAL:
                self._pop_rank(classe)
            self.pending = (classe, singular(niveau))
            return
        self.columns = [(c, singular(n)) for c, n in levels]
        self.properties = {}
        self.row_table = rows
        first = levels[0][0]
        if first != CONTEXTUAL:
            self._lift_title(first)
            self._pop_rank(first)
        self.table_base = len(self.stack)
        self.last_in_col = [None] * len(self.columns)
        self.pending = None

    def _lift_title(self, first: str) -> None:
        """The unlabelled heading just above a table is the level above its first column."""
        top = self.stack[-1] if self.stack else None
        if top is None or not top.element.guessed or top.element is not self.elements[-1]:
            return
        if top.sig[0] not in ("table-title", "typo", "h"):
            return
        if RANK[top.element.classe] < RANK[first]:
            return
        e = top.element
        self.stack.pop()
        (e.parent.children if e.parent else self.roots).remove(e)
        self.elements.remove(e)
        e.classe = AXE if RANK[first] >= RANK[OS] else PILIER
        self._pop_rank(e.classe)
        placed = self._attach(e, self._top())
        self.stack.append(_Level(top.sig, placed, None))

    def describe(self, line: int, text: str) -> None:
        target = self.elements[-1].description if self.elements else self.contract_description
        target.append((line, text))

    def item(self, unit: Unit, sig: tuple[object, ...]) -> None:
        m = unit.marker
        e = Drafted("", unit.label, unit.line, code=m.code, niveau=m.niveau)
        level = _heading_level(unit.heading)
        if level is not None:
            self._close_sections(level)
        self.place(sig, e, m.classe)
        if level is not None:
            self.section = level
        named = caption_levels(e.label) if m.kind != "word" else None
        if named and len(named) == 1 and named[0][0] == CONSTAT:
            # « 6 – Les grands enjeux 2024-2030 »: a heading that says it lists findings
            self.pending = (named[0][0], singular(named[0][1]))

    def table_cell_block(self, unit: Unit) -> None:
        """Unnumbered text inside a table laid out as text: the first column's level."""
        assert self.columns is not None and self.columns[0] is not None
        del self.stack[self.table_base :]
        classe, niveau = self.columns[0]
        e = Drafted("", unit.label, unit.line, niveau=niveau)
        if classe == CONTEXTUAL:
            classe = OS
        self.place(("col", 0), e, classe)
        self.stack[-1].col = 0

    def row(self, unit: Unit, cells: list[str]) -> None:
        filled = [(i, c) for i, c in enumerate(cells) if c.strip()]
        if not filled:
            return
        captions = [caption_levels(c.strip().rstrip(":")) for _, c in filled]
        if all(captions) and (len(filled) > 1 or len(captions[0] or []) > 1):
            self.caption([lv for cap in captions if cap for lv in cap], rows=True)
            return
        if (
            len(filled) > 1
            and any(captions)
            and all(cap or _other_column(c) for cap, (_, c) in zip(captions, filled, strict=True))
        ):
            # « Objectifs | Actions | Pilotes | Calendrier »: level columns and others
            self._mixed_header(cells)
            return
        if len(filled) == 1 and filled[0][0] == 0:  # a heading row, often merged across
            if captions[0]:
                self.caption(captions[0])
                return
            if _narrative(cells[0].strip()) or cells[0].strip().endswith((".", ";")):
                self.describe(unit.line, cells[0].strip())
                return
            from app.importer.markers import read_marker
            from app.importer.units import clean, is_caps

            text = clean(cells[0])
            m = read_marker(text, short_heading=is_caps(text) or len(text) < 120)
            last = self.elements[-1] if self.elements else None
            if (
                last is not None
                and last.sig == ("rowhead",)
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
            self.item(head, m.sig if m.kind == "word" else ("rowhead",))
            self.table_base = len(self.stack)
            self.last_in_col = [None] * max(len(self.columns or []), len(cells))
            return
        self._data_row(unit.line, cells)

    def _property_cell(self, i: int, line: int, items: list[CellItem]) -> None:
        """A cell of an indicators / expected results column: a property of the row's
        deepest element; other columns (pilot, calendar, budget) are not strategy."""
        kind = self.properties.get(i)
        owner = next((e for e in reversed(self.last_in_col[:i]) if e is not None), None)
        if owner is None or kind not in ("indicateurs", "resultats_attendus"):
            return
        target = owner.indicateurs if kind == "indicateurs" else owner.resultats_attendus
        target.extend((line, it.label) for it in items)

    def _mixed_header(self, cells: list[str]) -> None:
        levels = [caption_levels(c.strip().rstrip(":")) for c in cells]
        self.caption([cap[0] for cap in levels if cap], rows=True)
        self.columns = [(cap[0][0], singular(cap[0][1])) if cap else None for cap in levels]
        self.properties = {i: kind for i, c in enumerate(cells) if (kind := _other_column(c))}
        self.last_in_col = [None] * len(cells)

    def _data_row(self, line: int, cells: list[str]) -> None:
        width = max(len(self.columns or []), len(cells))
        if len(self.last_in_col) < width:
            self.last_in_col += [None] * (width - len(self.last_in_col))
        del self.stack[self.table_base :]
        for i, cell in enumerate(cells):
            items = [it for it in split_cell(cell) if not it.lead_in]
            if not items:
                continue
            if self.columns and i < len(self.columns) and self.columns[i] is None:
                self._property_cell(i, line, items)
                continue
            parent = self.last_in_col[i - 1] if i > 0 else self._top()
            if i > 0 and parent is None:
                parent = next((p for p in reversed(self.last_in_col[:i]) if p), self._top())
            column = self.columns[i] if self.columns and i < len(self.columns) else None
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
                owner = last if it.depth > 0 and last is not None else parent
                e = Drafted(classe, it.label, line, code=it.code, niveau=niveau, guessed=guessed)
                e.sig = ("col", i, it.depth)
                placed = self._attach(e, owner)
                if it.depth == 0:
                    last = placed
            self.last_in_col[i] = last
            for j in range(i + 1, width):
                self.last_in_col[j] = None

    def _close_headings(self, heading: str | None) -> None:
        """A caption set as a heading (« Les orientations stratégiques », Heading 1) ends the
        sections of its level and below, as any heading of that level would."""
        level = _heading_level(heading)
        if level is not None:
            self._close_sections(level, inclusive=True)
            self.section = level

    def _close_sections(self, level: int, inclusive: bool = False) -> None:
        """A heading of ``level`` closes what was opened in sections of that level or below,
        even where a level word had lifted an element out of its heading."""
        for k, entry in enumerate(self.stack):
            sig = entry.sig
            deeper = sig[0] == "h" and _heading_level(str(sig[1])) is not None
            own = _heading_level(str(sig[1])) or 0
            if (deeper and (own > level or (inclusive and own == level))) or (
                entry.section != 99 and entry.section >= level and sig[0] != "h"
            ):
                del self.stack[k:]
                self._shrunk()
                return

    def _is_title(self, unit: Unit) -> bool:
        """The document's title (Title style, or a first heading with no code): not strategy."""
        if unit.heading == "title":
            return True
        if self.elements or unit.marker.kind != "plain" or not unit.heading:
            return False
        return unit.heading in ("caps", "bold") or "contrat" in unit.label.casefold()

    def property_block(self, unit: Unit) -> None:
        target = next((e for e in reversed(self.elements) if e.classe in (OS, OO)), None)
        if target is None:
            target = self.elements[-1] if self.elements else None
        if target is None:
            self.collect = None
            return
        self.collect = target.resultats_attendus if unit.kind == "attendus" else target.indicateurs
        if unit.label:
            self.collect.append((unit.line, unit.label))

    def feed(self, units: list[Unit]) -> None:
        for k, unit in enumerate(units):
            nxt = units[k + 1] if k + 1 < len(units) else None
            if unit.kind in ("attendus", "indicateurs"):
                self.property_block(unit)
                continue
            if (
                self.collect is not None
                and unit.kind in ("text",)
                or (self.collect is not None and unit.marker.kind == "bullet")
            ):
                if unit.label:
                    self.collect.append((unit.line, unit.label))  # type: ignore[union-attr]
                continue
            self.collect = None
            if unit.kind != "row" and self.row_table:
                self.row_table, self.columns = False, None
            if unit.kind == "caption":
                assert unit.marker.levels is not None
                self._close_headings(unit.heading)
                self.caption(unit.marker.levels)
            elif unit.kind == "row":
                self.row(unit, unit.cells or [])
            elif not unit.label:
                continue
            elif unit.kind == "text" and _before_table(nxt) and _title_like(unit.label):
                self.item(unit, ("table-title",))
            elif unit.kind == "text":
                if self.columns and not self.row_table and _cell_like(unit.label):
                    self.table_cell_block(unit)
                else:
                    self.describe(unit.line, unit.label)
            elif _narrative(unit.label) or self._is_title(unit) or _remark(unit):
                self.describe(unit.line, unit.label)
            else:
                self.item(unit, _signature(unit, nxt))


_OTHER_COLUMNS = {
    "indicateur": "indicateurs",
    "indicateurs de suivi": "indicateurs",
    "resultat attendu": "resultats_attendus",
    "attendu": "resultats_attendus",
}
_SKIPPED_COLUMNS = (
    "pilote",
    "porteur",
    "partenaire",
    "calendrier",
    "echeance",
    "echeancier",
    "budget",
    "financement",
    "cout",
    "moyen",
    "public",
    "quartier",
    "territoire",
    "dispositif",
    "acteur",
    "responsable",
    "observation",
    "commentaire",
    "date",
    "duree",
    "statut",
    "priorite de mise",
)


def _other_column(header: str) -> str | None:
    """A table column that is not a level: « indicateurs », « résultats attendus », or one of
    pilots, partners, calendar, budget… (then "skip")."""
    folded = fold(header.strip().rstrip(":"))
    if folded in _OTHER_COLUMNS:
        return _OTHER_COLUMNS[folded]
    words = folded.split()
    if 0 < len(words) <= 4 and any(folded.startswith(w) for w in _SKIPPED_COLUMNS):
        return "skip"
    return None


def _remark(unit: Unit) -> bool:
    """« Enjeux : le taux de retard … atteint 30 %. »: a level word introducing a finding in
    a sentence, not the title of an element."""
    m = unit.marker
    return m.kind == "word" and not m.code and unit.label[:1].islower() and unit.label.endswith(".")


def _heading_level(heading: str | None) -> int | None:
    """« h2 » → 2; other typography → None."""
    if heading and heading.startswith("h") and heading[1:].isdigit():
        return int(heading[1:])
    return None


def _cell_like(label: str) -> bool:
    return len(label) < 250 and not label.endswith(":") and not _narrative(label)


def _title_like(label: str) -> bool:
    return len(label) < 150 and not label.endswith((":", ".", ";")) and not _narrative(label)


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

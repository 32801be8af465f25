"""Units → the strategy tree, by the levels the document itself shows.

A level is recognised by its signature (numbering scheme and depth, bullet glyph,
level word, heading style, table column), not by its values: the first signature
met is the top, a new one goes one level down, a known one closes the levels
below it. Level words and column headers say the class; where nothing printed
says it, the class follows from the position and the element is flagged.
"""

from __future__ import annotations

import re

from app.importer.drafted import Drafted
from app.importer.sections import Level, Sections, heading_level
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
    singular,
)

_CONTINUED = re.compile(r"\s*\((?:\d+\s*/\s*\d+|suite)\)\s*$", re.I)


class TreeBuilder(Sections):
    def __init__(self) -> None:
        super().__init__()
        self.restating = False  # a table right after a division (``tables._restated``)
        self.roots: list[Drafted] = []
        self.elements: list[Drafted] = []
        self.properties: dict[int, str] = {}  # table columns of indicators, expected results
        self.header: list[str] = []  # the last header row with other columns (pilots…)
        self.last_in_col: list[Drafted | None] = []
        self.collect: list[tuple[int, str]] | None = None
        self.indented_outline = False  # indentation typed by the author (text files)

    # --- placing one element -------------------------------------------------
    def top(self) -> Drafted | None:
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

    def attach(self, e: Drafted, parent: Drafted | None) -> Drafted:
        """Add ``e`` under ``parent``, or return the earlier element it continues."""
        siblings = parent.children if parent else self.roots
        base = _CONTINUED.sub("", e.label).casefold()
        for s in siblings:
            same = _CONTINUED.sub("", s.label).casefold() == base and s.sig == e.sig
            if same and s.code == e.code:  # « Action 1.1.1 : … », « Action 1.1.2 : … » differ
                if s.children:
                    return s  # "HABITAT ET CADRE DE VIE" again, "(2/2)": same element
                self._remove(s)  # a childless earlier copy (contents list): keep the real one
                break
        e.parent = parent
        siblings.append(e)
        self.elements.append(e)
        return e

    def drop(self, e: Drafted) -> None:
        """Take ``e``, drafted too early (a sheet's name taken for its action), out."""
        self._remove(e)

    def _remove(self, e: Drafted) -> None:
        (e.parent.children if e.parent else self.roots).remove(e)
        self.elements.remove(e)

    def _nested_word(self, unit_sig: tuple[object, ...], e: Drafted, known: str) -> bool:
        """« Enjeu 1 » then « Orientation 1.1 »: two level words of one class, the second
        numbered inside the first, is a level under it, not a sibling. The class the
        words name is kept; the nesting is flagged for the curator."""
        if not self.stack or unit_sig[:1] != ("w",) or not e.code:
            return False
        top = self.stack[-1]
        above = top.element
        if top.sig[:1] != ("w",) or top.sig == unit_sig or above.classe != known:
            return False
        if not above.code or not e.code.startswith(above.code + "."):
            return False
        e.a_verifier = (
            f"niveau imbriqué : « {e.niveau or ''} {e.code} » sous « {above.niveau or ''} "
            f"{above.code} », deux niveaux de la même classe ({known}) d'après leur numérotation"
        )
        return True

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
            parent = self.top()
            col = level.col
            if known in (None, CONTEXTUAL):
                e.classe, e.guessed = level.element.classe, level.element.guessed
                e.niveau = e.niveau or level.element.niveau
            else:
                e.classe = known
        else:
            if known not in (None, CONTEXTUAL) and not self._nested_word(unit_sig, e, known):
                self._pop_rank(known)
            parent = self.top()
            top_col = self.stack[-1].col if self.stack else None
            if known == CONTEXTUAL:
                e.classe = OO if parent and parent.classe in (OS, OO) else OS
            elif known is not None:
                e.classe = known
            elif self.columns and not self.stack and not self.row_table and self.columns[0]:
                # « Six thématiques - orientations - objectifs opérationnels »: the first
                # level named is the top of the tree
                col = 0
                e.classe, niveau = self.columns[0]
                e.niveau = e.niveau or niveau
            elif self.columns and top_col is not None and not self.row_table:
                col = min(top_col + 1, len(self.columns) - 1)
                e.classe, niveau = self.columns[col] or (OO, "")
                e.niveau = e.niveau or niveau or None
            else:
                e.classe = default_child(parent.classe if parent else None)
                e.guessed = True
        e.sig = unit_sig
        self.divided = False
        placed = self.attach(e, parent)
        self.stack.append(Level(unit_sig, placed, col, self.section))
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
        if top.sig[0] not in ("table-title", "typo", "h", "rowhead"):
            return
        if RANK[top.element.classe] < RANK[first]:
            return
        e = top.element
        self.stack.pop()
        (e.parent.children if e.parent else self.roots).remove(e)
        self.elements.remove(e)
        e.classe = AXE if RANK[first] >= RANK[OS] else PILIER
        self._pop_rank(e.classe)
        placed = self.attach(e, self.top())
        self.stack.append(Level(top.sig, placed, None))

    def describe(self, line: int, text: str) -> None:
        """A paragraph: the last element's description, or the contract's before any
        element or right after a division (« Article 4 – Durée », which ended them)."""
        last = self.elements[-1] if self.elements and not self.divided else None
        target = last.description if last else self.contract_description
        target.append((line, text))

    def item(self, unit: Unit, sig: tuple[object, ...]) -> Drafted:
        m = unit.marker
        e = Drafted("", unit.label, unit.line, code=m.code, niveau=m.niveau)
        level = heading_level(unit.heading)
        if level is not None:
            self._close_sections(level)
        placed = self.place(sig, e, m.classe)
        if level is not None:
            self.section = level
        named = caption_levels(e.label) if m.kind != "word" else None
        if named and len(named) == 1 and named[0][0] == CONSTAT:
            # « 6 – Les grands enjeux 2024-2030 »: a heading that says it lists findings
            self.pending = (named[0][0], singular(named[0][1]))
        return placed

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

    def table_begins(self) -> None:
        """A table's rows hang under the level open where it starts (« Axe 2 : Santé »
        then a table of its orientations), unless a header row says otherwise. A heading
        whose level was only guessed (« Le cadre stratégique ») does not hold them."""
        if not self.columns and self.stack and not self.stack[-1].element.guessed:
            self.table_base = len(self.stack)
        self.restating = self.divided  # right after a division: it may restate the strategy

    def property_block(self, unit: Unit) -> None:
        """« Résultats attendus : … », « Indicateurs : … »: the objective's above, or the
        action's when a « Fiche action » heading is the last element."""
        last = self.elements[-1] if self.elements else None
        if last is not None and (last.niveau or "").casefold().startswith("fiche"):
            target: Drafted | None = last
        else:
            target = next((e for e in reversed(self.elements) if e.classe in (OS, OO)), None)
        if target is None:
            target = self.elements[-1] if self.elements else None
        if target is None:
            self.collect = None
            return
        self.collect = target.resultats_attendus if unit.kind == "attendus" else target.indicateurs
        if unit.label:
            self.collect.append((unit.line, unit.label))

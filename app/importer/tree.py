"""Units → the strategy tree, by the levels the document itself shows.

A level is recognised by its signature (numbering scheme and depth, bullet glyph,
level word, heading style, table column), not by its values: the first signature
met is the top, a new one goes one level down, a known one closes the levels
below it. Level words and column headers say the class; where nothing printed
says it, the class follows from the position and the element is flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.importer.drafted import Drafted
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


@dataclass
class _Level:
    sig: tuple[object, ...]
    element: Drafted
    col: int | None = None
    section: int = 99  # heading level of the section it was opened in (99: none)


class TreeBuilder:
    def __init__(self) -> None:
        self.roots: list[Drafted] = []
        self.elements: list[Drafted] = []
        self.stack: list[_Level] = []
        self.pending: tuple[str, str] | None = None
        self.columns: list[tuple[str, str] | None] | None = None
        self.properties: dict[int, str] = {}  # table columns of indicators, expected results
        self.header: list[str] = []  # the last header row with other columns (pilots…)
        self.table_base = 0
        self.last_in_col: list[Drafted | None] = []
        self.collect: list[tuple[int, str]] | None = None
        self.contract_description: list[tuple[int, str]] = []
        self.row_table = False
        self.section = 99  # level of the last heading met (99: none yet)
        self.indented_outline = False  # indentation typed by the author (text files)
        self.outside = False  # in a division around the strategy (annex, governance)
        self.divided = False  # a division began and no element since: text is the contract's
        self.outside_level: int | None = None  # the context heading's level (h<n>) if one
        self.outside_owner: Drafted | None = None  # the element a context section describes

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

    def _shrunk(self) -> None:
        """A text table ends when a level above it starts again."""
        if len(self.stack) < self.table_base:
            self.table_base = len(self.stack)
            if not self.row_table:
                self.columns = None

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
        placed = self.attach(e, self.top())
        self.stack.append(_Level(top.sig, placed, None))

    def describe(self, line: int, text: str) -> None:
        """A paragraph: the last element's description, or the contract's before any
        element or right after a division (« Article 4 – Durée », which ended them)."""
        last = self.elements[-1] if self.elements and not self.divided else None
        target = last.description if last else self.contract_description
        target.append((line, text))

    def item(self, unit: Unit, sig: tuple[object, ...]) -> None:
        m = unit.marker
        e = Drafted("", unit.label, unit.line, code=m.code, niveau=m.niveau)
        level = heading_level(unit.heading)
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

    def table_begins(self) -> None:
        """A table's rows hang under the level open where it starts (« Axe 2 : Santé »
        then a table of its orientations), unless a header row says otherwise. A heading
        whose level was only guessed (« Le cadre stratégique ») does not hold them."""
        if not self.columns and self.stack and not self.stack[-1].element.guessed:
            self.table_base = len(self.stack)

    def division(
        self, line: int, text: str, outside: bool = False, heading: str | None = None
    ) -> None:
        """« PARTIE 2 – LES ENJEUX », « Article 3 – … »: a division of the document, not a
        level of its strategy. It ends every level open above it and is kept, with its
        line, in the contract's description. ``outside``: a division around the strategy
        (« Annexe 3 – Liste des QPV », « Chapitre 5 – Gouvernance »); what it holds is
        description too, until a level word starts the strategy again — or, for a
        context heading (``heading``: « h1 »), a heading of its level or above."""
        self.outside, self.divided = outside, True
        self.outside_level, self.outside_owner = heading_level(heading), None
        del self.stack[:]
        self._shrunk()
        self.columns, self.row_table, self.pending = None, False, None
        self.section = 99
        self.contract_description.append((line, text))

    def context_chapter(self, line: int, text: str, heading: str | None) -> None:
        """« Diagnostic », « Gouvernance » set as a heading: a chapter around the strategy
        (a division: ``division``) or, under an element opened by a heading above it
        (« Axe 1 : Emploi », Heading 1, then « Diagnostic », Heading 2), a section of
        that element's description, until a heading of its level or above."""
        level = heading_level(heading)
        assert level is not None
        self._close_sections(level, inclusive=True)
        k = next(
            (k for k in range(len(self.stack) - 1, -1, -1) if _above(self.stack[k], level)), None
        )
        if k is None:
            self.division(line, text, outside=True, heading=heading)
            return
        del self.stack[k + 1 :]
        self._shrunk()
        self.columns, self.row_table, self.pending = None, False, None
        self.outside, self.outside_level = True, level
        self.outside_owner = self.stack[k].element
        self.outside_owner.description.append((line, text))

    def context_text(self, line: int, text: str) -> None:
        """What a context chapter holds: the contract's description, or the element's."""
        owner = self.outside_owner
        (owner.description if owner else self.contract_description).append((line, text))

    def close_headings(self, heading: str | None) -> None:
        """A caption set as a heading (« Les orientations stratégiques », Heading 1) ends the
        sections of its level and below, as any heading of that level would."""
        level = heading_level(heading)
        if level is not None:
            self._close_sections(level, inclusive=True)
            self.section = level

    def _close_sections(self, level: int, inclusive: bool = False) -> None:
        """A heading of ``level`` closes what was opened in sections of that level or below,
        even where a level word had lifted an element out of its heading."""
        for k, entry in enumerate(self.stack):
            sig = entry.sig
            deeper = sig[0] == "h" and heading_level(str(sig[1])) is not None
            own = heading_level(str(sig[1])) or 0
            if (deeper and (own > level or (inclusive and own == level))) or (
                entry.section != 99 and entry.section >= level and sig[0] != "h"
            ):
                del self.stack[k:]
                self._shrunk()
                return

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


def _above(entry: _Level, level: int) -> bool:
    """Whether a level of the stack was opened by a heading above ``level`` (h1 over h2)."""
    own = heading_level(str(entry.sig[1])) if entry.sig[:1] == ("h",) else None
    return (own is not None and own < level) or entry.section < level


def heading_level(heading: str | None) -> int | None:
    """« h2 » → 2; other typography → None."""
    if heading and heading.startswith("h") and heading[1:].isdigit():
        return int(heading[1:])
    return None

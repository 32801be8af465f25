"""Where the reading is in the document: the levels open (the stack), the heading
sections they were opened in, and the divisions and context chapters that close them.

Apart from the placing of elements (``tree``) because a document's divisions
(« Article 4 », « Annexe 2 ») and context chapters (« Diagnostic ») are about the
document, not its strategy: they decide which levels are still open and where a
paragraph goes — the contract's description or an element's.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.importer.drafted import Drafted


@dataclass
class Level:
    sig: tuple[object, ...]
    element: Drafted
    col: int | None = None
    section: int = 99  # heading level of the section it was opened in (99: none)


class Sections:
    def __init__(self) -> None:
        self.stack: list[Level] = []
        self.pending: tuple[str, str] | None = None
        self.columns: list[tuple[str, str] | None] | None = None
        self.table_base = 0
        self.row_table = False
        self.contract_description: list[tuple[int, str]] = []
        self.section = 99  # level of the last heading met (99: none yet)
        self.outside = False  # in a division around the strategy (annex, governance)
        self.divided = False  # a division began and no element since: text is the contract's
        self.outside_level: int | None = None  # the context heading's level (h<n>) if one
        self.outside_owner: Drafted | None = None  # the element a context section describes

    def _shrunk(self) -> None:
        """A text table ends when a level above it starts again."""
        if len(self.stack) < self.table_base:
            self.table_base = len(self.stack)
            if not self.row_table:
                self.columns = None

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
            own = _heading_of(entry)
            if (own is not None and (own > level or (inclusive and own == level))) or (
                entry.section != 99 and entry.section >= level and entry.sig[:1] != ("h",)
            ):
                del self.stack[k:]
                self._shrunk()
                return


def _above(entry: Level, level: int) -> bool:
    """Whether a level of the stack was opened by a heading above ``level`` (h1 over h2)."""
    own = _heading_of(entry)
    return (own is not None and own < level) or entry.section < level


def _heading_of(entry: Level) -> int | None:
    """The heading level that opened ``entry`` (``("h", "h2")`` → 2); ``None`` for a level
    opened otherwise, whose signature may be a single word (``("rowhead",)``)."""
    sig = entry.sig
    return heading_level(str(sig[1])) if sig[:1] == ("h",) and len(sig) > 1 else None


def heading_level(heading: str | None) -> int | None:
    """« h2 » → 2; other typography → None."""
    if heading and heading.startswith("h") and heading[1:].isdigit():
        return int(heading[1:])
    return None

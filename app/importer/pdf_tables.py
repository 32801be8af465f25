"""Ruled tables of a PDF, cell by cell, through pdfplumber's table finder.

A contract's strategy is often a table drawn with rules (« Orientations |
Objectifs opérationnels | Pilotes »). Read as text lines, its cells run
together across columns and its wrapped cells across rows. pdfplumber finds
the grid from the rules, a merged cell once (``None`` elsewhere); PDFium reads
the text in each cell (``extract_pdf``). Only the pages whose content draws
paths are opened with pdfplumber (it reads a page ≈ 20× slower than PDFium): a
page of plain text never pays for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from app.importer.lines import BULLET_GLYPHS

# A line of a cell that starts an item of its own: a bullet, or a printed code.
_ITEM_START = re.compile(
    rf"^(?:[{BULLET_GLYPHS}\-–—]|o\s|\d{{1,2}}(?:\.\d{{1,2}})+\.?\s|\d{{1,2}}[.)]\s)"
)
# A line that ended its sentence; not a colon: LibreOffice wraps after one as anywhere
# (« Relance du Comité Technique : » / « Cotech de programmation … », one action).
_ENDED = re.compile(r"[.;!?]$")
# An objective or an action starts with a verb in the infinitive, capitalised
# (« Soutenir les maisons de santé »): after a line that leaves no word hanging
# (« … des jeunes », not « … à la » / « de »), a new item.
_VERB_START = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]{3,}(?:er|ir|re)\b")
_OPEN_END = re.compile(
    r"(?:^|\s)(?:de|des|du|la|le|les|à|au|aux|et|ou|en|pour|par|dans|sur|avec|un|une)$"
    r"|['’]$",
    re.I,
)
_WRAPPED = 0.3  # a line that stops nearer its cell's edge than this share of it wrapped
_PARAGRAPH_GAP = 1.8  # type sizes between two lines' tops: past it, a paragraph's space


Box = tuple[float, float, float, float]  # x0, top, x1, bottom: points from the page top


@dataclass
class RuledTable:
    """A table in page coordinates from the top (points). ``cells``: the grid pdfplumber
    found, a box per cell, ``None`` for a cell merged with its neighbour or the one
    above; ``rows``: their texts once read (``""`` for a merged cell)."""

    top: float
    bottom: float
    x0: float
    x1: float
    cells: list[list[Box | None]]
    rows: list[list[str]] = field(default_factory=list)

    def holds(self, top: float, left: float) -> bool:
        """Whether a printed line starting at (``left``, ``top`` from the page top) is in it."""
        return self.top - 1 <= top <= self.bottom + 1 and self.x0 - 1 <= left <= self.x1 + 1

    def read(self, text_in: Callable[[Box], str]) -> bool:
        """Fill ``rows`` with the text printed in each cell (``text_in``: the PDF's own
        text in a box); a table needs two columns and two rows with text, else it is a
        frame around a paragraph, not a table."""
        rows = [[cell_text(text_in(c)) if c else "" for c in row] for row in self.cells]
        self.rows = [r for r in rows if any(r)]
        return (
            len(self.rows) >= 2
            and max(len(r) for r in self.rows) >= 2
            or (len(self.rows) == 1 and sum(1 for c in self.rows[0] if c) >= 2)
        )


def cell_text(raw: str | None) -> str:
    """A cell's items, one a line: wrapped lines joined, a new item at a bullet, a code,
    a capitalised infinitive after a line that leaves no word hanging, after a line
    that ended its sentence, or after a blank line (a paragraph's end, ``paragraphs``).

    >>> cell_text("1.1 Renforcer le dispositif\\néducative\\n• Créer des co-\\nentreprises")
    '1.1 Renforcer le dispositif éducative\\n• Créer des co-entreprises'
    >>> cell_text("Taux de chômage des 16-\\n25 ans")
    'Taux de chômage des 16-25 ans'
    >>> cell_text("les équipements de Terre-\\nRouge")
    'les équipements de Terre-Rouge'
    >>> cell_text("Lever les freins\\n\\nDévelopper les clauses")
    'Lever les freins\\nDévelopper les clauses'
    >>> cell_text("Développer la santé\\nmentale des jeunes\\nSoutenir les maisons de\\nSanté")
    'Développer la santé mentale des jeunes\\nSoutenir les maisons de Santé'
    """
    items: list[str] = []
    ended = False  # a blank line: the paragraph above has ended
    for line in (raw or "").split("\n"):
        line = re.sub(r"\s+", " ", line).strip()
        if not line:
            ended = True
            continue
        if (
            items
            and not ended
            and not _ITEM_START.match(line)
            and not _ENDED.search(items[-1])
            and not (_VERB_START.match(line) and not _OPEN_END.search(items[-1]))
        ):
            # « co- » / « entreprises », « 16- » / « 25 », « Terre- » / « Rouge »: one
            # word, its hyphen kept (a dash between words has a space before it)
            glue = "" if re.search(r"\w-$", items[-1]) and line[:1].isalnum() else " "
            items[-1] += glue + line
        else:
            items.append(line)
        ended = False
    return "\n".join(items)


class CellLine(NamedTuple):
    """A printed line of a cell: its text, where it starts and ends, its top (points
    from the page bottom) and type size."""

    text: str
    left: float
    right: float
    top: float = 0.0
    size: float = 0.0


def paragraphs(lines: list[CellLine], edge: float | None) -> str:
    """A cell's printed lines, a blank line after each that ends its paragraph — one
    that stops short of the cell's right ``edge`` (a wrapped line is filled to it; not
    known: ``None``), or that the next follows after the space a paragraph leaves (more
    than 1.8 type sizes between their tops) — unless the next goes on in lower case.

    >>> paragraphs([CellLine("Lever les freins à", 50, 196), CellLine("l'emploi", 50, 90),
    ...             CellLine("Créer", 50, 80)], 200)
    "Lever les freins à\\nl'emploi\\n\\nCréer"
    >>> paragraphs([CellLine("Lever les freins", 50, 196, 700, 10), CellLine("Créer", 50, 80,
    ...             680, 10)], 200)
    'Lever les freins\\n\\nCréer'
    """
    out: list[str] = []
    for line, before in zip(lines, [None, *lines], strict=False):
        if before is not None and edge is not None and _broken_word(before, line, edge):
            out[-1] += line.text.lstrip()  # « hebdomadair » / « e dans … »: one word
            continue
        if before is not None and not line.text.lstrip()[:1].islower():
            short = (
                edge is not None
                and not fills(before.left, before.right, edge)
                and _first_word_fits(before, line, edge)
            )
            if short or before.top - line.top > _PARAGRAPH_GAP * max(line.size, before.size):
                out.append("")
        out.append(line.text)
    return "\n".join(out)


def _first_word_fits(before: CellLine, line: CellLine, edge: float) -> bool:
    """Whether the first word of ``line`` would have fitted after ``before`` in its cell:
    if not, ``before`` is short because that word wrapped (« AXES » over
    « TRANSVERSAUX », « LA LUTTE CONTRE LES » over « DISCRIMINATIONS… »), not because
    its paragraph ended. The word's width is estimated from its line's.

    >>> _first_word_fits(CellLine("AXES", 50, 80), CellLine("TRANSVERSAUX", 50, 140), 150)
    False
    >>> _first_word_fits(CellLine("Lever les freins", 50, 110), CellLine("Créer", 50, 80), 200)
    True
    """
    text = line.text.strip()
    if not text:
        return True
    if re.search(r"\w-$", before.text.strip()):
        return False  # broken at its hyphen: the compound (« HOMMES-FEMMES ») did not fit
    per_char = (line.right - line.left) / len(text)
    word = text.split(" ", 1)[0]
    return before.right + per_char * (len(word) + 1) <= edge


# French words of three letters or fewer: after a line, they are words, not a word's end.
_SHORT_WORDS = frozenset(
    "à a y de du la le les un une et ou en au aux des ses ces son sa se ne on il ils qui "
    "que par sur est ont lui eux mes tes nos vos ma ta mon ton ni si ça là où été dès".split()
)


def _broken_word(before: CellLine, line: CellLine, edge: float) -> bool:
    """A word too long for its cell, broken where the cell ends with no hyphen (Word and
    LibreOffice do so in narrow columns): a line of that one word, filled to the edge,
    and the next opening on its last letters — one to three, lower case, no word.

    >>> _broken_word(CellLine("hebdomadair", 263, 336), CellLine("e dans chaque", 263, 330), 344)
    True
    >>> _broken_word(CellLine("Agglomération", 263, 336), CellLine("des communes", 263, 320), 344)
    False
    """
    head = line.text.lstrip().split(" ", 1)[0].rstrip(".,;:")
    return (
        " " not in before.text.strip()
        and fills(before.left, before.right, edge)
        and 0 < len(head) <= 3
        and head.isalpha()
        and head.islower()
        and head not in _SHORT_WORDS
    )


def fills(left: float, right: float, edge: float) -> bool:
    """Whether a line from ``left`` to ``right`` reaches its cell's ``edge``, as a line
    that wrapped does (a paragraph's last line may stop anywhere)."""
    return right >= edge - _WRAPPED * (edge - left)


def continued_row(table: RuledTable, before: RuledTable) -> int | None:
    """The row of ``table`` (first on its page) that goes on with the last row of ``before``
    (last on the page before): a row broken by the page break, each of its filled cells
    going on in lower case, or in capitals under capitals that leave a word hanging
    (« PILIER PARTICIPATION DES » / « HABITANTS, ET EXERCICE… »); after the header
    row, when the table prints it again."""
    start = 1 if table.rows and before.rows and table.rows[0] == before.rows[0] else 0
    if start >= len(table.rows) or not before.rows:
        return None
    above = before.rows[-1]
    filled = [(k, c) for k, c in enumerate(table.rows[start]) if c]
    return start if filled and all(_goes_on(c, above, k) for k, c in filled) else None


def _goes_on(cell: str, above: list[str], k: int) -> bool:
    """Whether ``cell`` continues the cell above it, in column ``k`` of the row ``above``."""
    if cell[:1].islower():
        return True
    upper = above[k] if k < len(above) else ""
    return cell.isupper() and upper.isupper() and _OPEN_END.search(upper) is not None


def joined(upper: list[str], lower: list[str]) -> list[str]:
    """The two halves of a row broken by a page break, cell by cell."""
    width = max(len(upper), len(lower))
    halves = [(upper + [""] * width)[:width], (lower + [""] * width)[:width]]
    return [f"{a} {b}" if a and b else a or b for a, b in zip(*halves, strict=True)]


def ruled_grids(path: Path, pages: list[int]) -> dict[int, list[RuledTable]]:
    """The grids of the ruled tables of the given pages (1-based), by page. Their text is
    read by the caller: PDFium decodes the fonts pdfminer leaves as ``(cid:127)``."""
    if not pages:
        return {}
    import logging

    import pdfplumber

    # pdfminer warns on stderr about each damaged operator it skips; PDFium already read
    # the text, and a table it cannot read leaves the page to PDFium's lines.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    found: dict[int, list[RuledTable]] = {}
    with pdfplumber.open(str(path), pages=pages) as pdf:
        for number, page in zip(pages, pdf.pages, strict=True):
            for table in page.find_tables():
                x0, top, x1, bottom = table.bbox
                cells = [list(row.cells) for row in table.rows]
                found.setdefault(number, []).append(RuledTable(top, bottom, x0, x1, cells))
    return found

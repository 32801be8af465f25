"""Tables whose first column prints each row's code (« N° | Intitulé | Pilote »: « 1 »,
« 1.1 », « 1.1.1 »): the codes say the tree, as a numbered outline does.

Why apart from ``tables``: there the columns say the levels (« Objectifs |
Actions »); here one column holds every level, and only the depth of the code in the
column before it tells an orientation from its objectives and their actions. Each row
is read as the line « 1.1.1 Déployer la cité éducative » would be: an element placed
by its numbering (``TreeBuilder.item``), its class from its position, flagged (a
header « Intitulé » says nothing of the levels the column mixes). The other columns
are what they are in any table: indicators, expected results and descriptions fill
the row's element, pilots and dates are not strategy.
"""

from __future__ import annotations

import re

from app.importer.fiche_fields import other_column
from app.importer.markers import Marker
from app.importer.tree import TreeBuilder
from app.importer.units import Unit, clean

_HEADER = re.compile(r"(?i)^(?:n[°o]\.?|num[ée]ro|code|r[ée]f(?:[ée]rence)?\.?|#|id)$")
_CODE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*|[A-Z]|[IVX]{1,4})\.?$")


def code_rows(units: list[Unit], k: int, nested: bool) -> int:
    """At a table's header row ``units[k]``: how many rows after it are coded rows (a
    code in the first column, a label in the second), at least two; else 0.
    ``nested``: only if a code is inside another (« 1.1 »): outside the strategy, a
    numbered list of quartiers or partners is no tree."""
    head = units[k]
    if head.kind != "row" or len(head.cells or []) < 2 or (k > 0 and units[k - 1].kind == "row"):
        return 0
    first = " ".join((head.cells or [""])[0].split())
    if not _HEADER.match(first):
        return 0
    n = 0
    while k + 1 + n < len(units) and units[k + 1 + n].kind == "row":
        cells = units[k + 1 + n].cells or []
        if len(cells) < 2 or not _CODE.match(cells[0].strip()) or not cells[1].strip():
            break
        n += 1
    codes = [(units[k + 1 + j].cells or [""])[0].strip().rstrip(".") for j in range(n)]
    if n < 2 or (nested and not any("." in c for c in codes)):
        return 0
    return n


def read_coded_rows(b: TreeBuilder, header: Unit, rows: list[Unit]) -> None:
    """Each row an element under the one whose code is the start of its own."""
    kinds = [other_column(c) for c in header.cells or []]
    b.pending = None  # « Plan d'actions » above: the codes say more than the caption
    b.columns = None
    for row in rows:
        cells = row.cells or []
        code, label = cells[0].strip().rstrip("."), clean(cells[1])
        scheme = "1" if code[0].isdigit() else ("I" if len(code) > 1 else "A")
        sig = ("code-column", scheme, len(code.split(".")))
        unit = Unit("item", row.line, Marker("number", label, code, sig), label)
        element = b.item(unit, sig)
        for kind, cell in zip(kinds[2:], cells[2:], strict=False):
            if kind in ("description", "indicateurs", "resultats_attendus") and cell.strip():
                getattr(element, kind).append((row.line, clean(cell)))

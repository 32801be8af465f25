"""One table cell → its items: paragraphs, bullet lines, sub-bullets.

A cell often holds a list ("- Simplifier … - Renforcer …", or Word paragraphs
with "-" and "o" bullets). Each item becomes one element; an "o" item under a
"-" item is its child.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.importer.markers import level_and_code, read_marker
from app.importer.units import clean

# A new item starts at a bullet glyph followed by a capital (or « / a digit):
# « parentalité - centres sociaux » stays one label.
_ITEM_START = re.compile(
    r"(?:(?<=^)|(?<=\s))(?P<glyph>[-–•■▪➤›\ufffd\uf020-\uf0ff]|o(?=\s+[A-ZÀ-Ý]))\s*"
    r"(?=[A-ZÀ-Ý«\d(])"
)
_MARKUP = re.compile(r"</?(?:ul|li|p)\b[^>]*>")
_CODE_ONLY = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*|[A-Za-z]|[IVX]{1,4})$")
_LEADING_GLYPH = re.compile(r"^[-–•■▪➤›]\s+")
_PARAGRAPH = re.compile(r"</?(?:p|li)\b[^>]*>|\n")


@dataclass
class CellItem:
    label: str
    depth: int  # 0 = item, 1 = sub-item ("o" under "-")
    code: str | None = None
    bullet: bool = False  # printed after a bullet glyph
    classe: str | None = None  # from a level word printed in the cell (« Axe 1 – … »)
    niveau: str | None = None
    lead_in: bool = False  # « En lien avec les Villes : » introduces the list, is not an item


def split_cell(text: str) -> list[CellItem]:
    """Items of a cell, in order.

    >>> [i.label for i in split_cell('<ul> - Simplifier les AAP - Renforcer le recours')]
    ['Simplifier les AAP', 'Renforcer le recours']
    >>> [i.label for i in split_cell('Travailler avec la CAF - centres sociaux')]
    ['Travailler avec la CAF - centres sociaux']
    """
    items: list[CellItem] = []
    for para in _PARAGRAPH.split(text.replace("<ul", "\n<ul")):
        para = _MARKUP.sub(" ", para.replace("\ufffd", " "))
        if not clean(para):
            continue
        starts = list(_ITEM_START.finditer(para))
        if starts and _CODE_ONLY.match(clean(para[: starts[0].start()])):
            starts = starts[1:]  # « 2 - Violences … »: a code and its separator, not a list
        elif starts and _bare_code(para[: starts[0].end()]):
            starts = starts[1:]  # « Objectif 1.1 – Renforcer … »: the dash follows the code
        if not starts:
            items.append(_item(para, 0))
            continue
        head = para[: starts[0].start()]
        if clean(head):
            items.append(_item(head, 0))
        for k, m in enumerate(starts):
            end = starts[k + 1].start() if k + 1 < len(starts) else len(para)
            depth = 1 if m.group("glyph") == "o" else 0
            items.append(_item(para[m.end() : end], depth))
            items[-1].bullet = True
    items = _one_label_after_its_colon(items)
    _under_coded_head(items)
    for k, item in enumerate(items):
        nxt = items[k + 1] if k + 1 < len(items) else None
        item.lead_in = (
            item.label.endswith(":")
            and not item.bullet  # « - Relance du Comité Technique : » is an action
            and nxt is not None
            and nxt.depth == item.depth
        )
    return [i for i in items if i.label]


def _one_label_after_its_colon(items: list[CellItem]) -> list[CellItem]:
    """« LA JEUNESSE : » then « Renforcer l'engagement des jeunes » alone: one label
    broken after its colon, not a lead-in and its list — a lead-in introduces several
    items. Taken for one, its words were dropped from the label, unflagged.

    >>> [i.label for i in _one_label_after_its_colon([CellItem("LA SANTE :", 0),
    ...                                                CellItem("Réduire les inégalités", 0)])]
    ['LA SANTE : Réduire les inégalités']
    """
    if len(items) != 2:
        return items
    head, rest = items
    plain = all(it.code is None and it.classe is None and not it.bullet for it in items)
    if plain and head.label.endswith(":") and rest.depth == head.depth:
        return [CellItem(f"{head.label} {rest.label}", head.depth)]
    return items


def _under_coded_head(items: list[CellItem]) -> None:
    """« 1.2 Développer … » then « • Ouvrir … », « • Recruter … » in one cell: the
    bullets detail the numbered objective above them, they are its children."""
    if len(items) < 2 or items[0].code is None or items[0].bullet:
        return
    if all(it.bullet and it.code is None and it.depth == 0 for it in items[1:]):
        for it in items[1:]:
            it.depth += 1


def _bare_code(head: str) -> bool:
    """« Objectif 1.1 – »: a level word, its code and their separator, nothing after."""
    found = level_and_code(clean(head))
    return found is not None and not found[1]


def _item(text: str, depth: int) -> CellItem:
    text = _LEADING_GLYPH.sub("", clean(text))  # « - cf. convention NPRU »: a bullet all the same
    marker = read_marker(text)
    if marker.kind in ("number", "word") and marker.code and marker.label.strip():
        # « 1.1 Favoriser … », « Pilier 1 : Cohésion sociale »: the code apart
        item = CellItem(clean(marker.label), depth, marker.code)
        if marker.kind == "word":
            item.classe, item.niveau = marker.classe, marker.niveau
        return item
    return CellItem(clean(text), depth)

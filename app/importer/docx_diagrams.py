"""The text of Word diagrams (SmartArt), as the outline they are drawn from.

A contract's strategy is often drawn as a diagram — an « arbre des objectifs »,
axes over their objectives. Word keeps a SmartArt's words not in the paragraph
that shows it but in a part of its own, the diagram's data model: its nodes
(``dgm:pt``, each with its text) and the links from each node to its children
(``dgm:cxn``, ``parOf``, in order). python-docx reads none of it, and a contract
drawn so came out without its strategy (« aucun élément »). Here the model is read
as the outline it is — each node a list item, one level under its parent — where
the diagram is anchored.
"""

from __future__ import annotations

from typing import Any

_DGM = "{http://schemas.openxmlformats.org/drawingml/2006/diagram}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NODES = ("node", "asst")  # a diagram's own points; the others lay it out (pres, parTrans…)
_MAX_DEPTH = 9


def diagram_items(paragraph: Any) -> list[tuple[int, str]]:
    """The items of the diagrams anchored in a python-docx paragraph: (depth from 0,
    text), in the diagram's order (a parent, then each child and its own, by rank)."""
    items: list[tuple[int, str]] = []
    for ids in paragraph._p.iter(f"{_DGM}relIds"):
        part = paragraph.part.related_parts.get(ids.get(f"{_R}dm"))
        if part is not None:
            items += _outline(part.blob)
    return items


def _outline(blob: bytes) -> list[tuple[int, str]]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        model = etree.fromstring(blob, parser=parser)
    except etree.XMLSyntaxError:
        return []  # a damaged diagram: the rest of the document is still read
    texts: dict[str, str] = {}
    roots: list[str] = []
    for pt in model.iter(f"{_DGM}pt"):
        kind, ident = pt.get("type", "node"), pt.get("modelId", "")
        if kind == "doc":
            roots.append(ident)
        elif kind in _NODES:
            paragraphs = [
                "".join(t.text or "" for t in p.iter(f"{_A}t")) for p in pt.iter(f"{_A}p")
            ]
            texts[ident] = " ".join(" ".join(paragraphs).split())
    children: dict[str, list[tuple[int, str]]] = {}
    for cxn in model.iter(f"{_DGM}cxn"):
        if cxn.get("type", "parOf") == "parOf":
            rank = int(order) if (order := cxn.get("srcOrd", "0")).isdigit() else 0
            children.setdefault(cxn.get("srcId", ""), []).append((rank, cxn.get("destId", "")))
    items: list[tuple[int, str]] = []
    seen: set[str] = set()

    def walk(ident: str, depth: int) -> None:
        for _, child in sorted(children.get(ident, [])):
            if child in seen or depth > _MAX_DEPTH:
                continue  # a link drawn twice, or a loop in a damaged model
            seen.add(child)
            if texts.get(child):
                items.append((depth, texts[child]))
            walk(child, depth + 1 if child in texts else depth)

    for root in roots:
        walk(root, 0)
    return items

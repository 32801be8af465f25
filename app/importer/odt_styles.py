"""Which text of an OpenDocument file is printed in bold, and which lists its styles nest.

Why: a paragraph typed in bold (« LEVIER 1.1 – Lever les freins », a lever or an
objective set by hand rather than with a heading style) is a heading for the
recognition, as it is in Word (``extract_docx._bold``) and in a PDF. In ODT the
weight is not on the text but on a style: the paragraph's own, or that of a
``text:span`` around part of it, each maybe inheriting it from a parent style
(``style:parent-style-name``), the automatic ones (``P1``, ``T1``, what Writer
writes for bold typed by hand) as well as the named ones.

A list item's level is its list's nesting, but a Word list saved by LibreOffice
often keeps its level in the paragraph style only (« List Bullet 2 » in a list of
its own): read as Word's (``extract_docx._list_level``), by the style's name.
"""

from __future__ import annotations

import re
from typing import Any

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_BOLD = {"bold", "600", "700", "800", "900"}


class OdtStyles:
    """Style name → bold or not, and its display name, inheritance resolved."""

    def __init__(self, document: Any) -> None:
        from odf.style import Style, TextProperties

        self._own: dict[str, bool] = {}
        self._parent: dict[str, str] = {}
        self._shown: dict[str, str] = {}
        for container in (document.styles, document.automaticstyles):
            for style in container.getElementsByType(Style):
                name = style.getAttribute("name")
                self._shown[name] = style.getAttribute("displayname") or name.replace("_20_", " ")
                if parent := style.getAttribute("parentstylename"):
                    self._parent[name] = parent
                for props in style.getElementsByType(TextProperties):
                    if weight := props.getAttribute("fontweight"):
                        self._own[name] = weight in _BOLD

    def bold(self, name: str | None) -> bool | None:
        """The weight a style sets, its own or its parents'; ``None``: it sets none."""
        seen: set[str] = set()
        while name and name not in seen:
            seen.add(name)
            if name in self._own:
                return self._own[name]
            name = self._parent.get(name)
        return None

    def list_level(self, paragraph: Any, depth: int) -> int:
        """The level of a list item ``depth`` lists deep (0: top): at the top, the one
        its paragraph style's name says (« List Bullet 2 »: 1), if it says one."""
        name, seen = paragraph.getAttribute("stylename"), set()
        while depth == 0 and name and name not in seen:
            seen.add(name)
            shown = self._shown.get(name, "")
            if shown.lower().startswith(("list", "liste")) and (m := re.search(r"(\d)$", shown)):
                return int(m.group(1)) - 1
            name = self._parent.get(name)
        return depth

    def all_bold(self, paragraph: Any) -> bool:
        """Every printed character of ``paragraph`` is bold (and there is one at least)."""
        weights: list[bool] = []

        def walk(element: Any, bold: bool) -> None:
            for child in element.childNodes:
                if child.nodeType == child.TEXT_NODE:
                    if child.data.strip():
                        weights.append(bold)
                elif child.qname[0] == _TEXT:
                    own = self.bold(child.getAttribute("stylename")) if _styled(child) else None
                    walk(child, bold if own is None else own)

        walk(paragraph, bool(self.bold(paragraph.getAttribute("stylename"))))
        return bool(weights) and all(weights)


def _styled(element: Any) -> bool:
    """A ``text:span``: the element whose ``text:style-name`` sets its text's weight
    (a link's or a note's style does not, as Writer shows them)."""
    return element.qname[1] == "span"

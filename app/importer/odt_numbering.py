"""The numbers Writer prints before numbered headings and list items (« Axe 1 : »,
« Objectif 1.1 – », « 2. »).

Why: as in Word (``docx_numbering``), they are not in the text but computed from
the list styles as the document is laid out: « Emploi » in the XML is « Axe 1 :
Emploi » on the page, and the level word and the code are what levels are read by.
A Word file saved by LibreOffice keeps Word's numbering this way.

The counting follows ODF 1.2 (§ 19.880, 16.31): a list's level is its nesting depth;
a top-level ``text:list`` starts its counters afresh unless it continues another
(``text:continue-list``, or ``text:continue-numbering`` the last one of its style);
counting a level starts the deeper ones again. A level shows its number, with
``text:display-levels`` of its parents', between its prefix and suffix, or as
LibreOffice's ``loext:num-list-format`` writes it (« Objectif %1%.%2% – »).
Headings outside lists are numbered by the outline style, when it numbers them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.importer.docx_numbering import number_text

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_LOEXT = "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"
_XML = "http://www.w3.org/XML/1998/namespace"
_FORMATS = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman"}
_FORMATS["I"] = "upperRoman"
_NUMBERED = {(_TEXT, "p"), (_TEXT, "h")}


@dataclass(frozen=True)
class _Level:
    fmt: str  # ODF's num-format: "1", "a", "A", "i", "I", "" (no number)
    prefix: str = ""
    suffix: str = ""
    display: int = 1
    start: int = 1
    template: str = ""  # loext:num-list-format

    def number(self, n: int) -> str:
        return number_text(n, _FORMATS[self.fmt]) if self.fmt in _FORMATS else ""


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def _levels(style: Any, tag: str) -> dict[int, _Level]:
    """The numbered levels of a list or outline style (bullets and images are not)."""
    levels = {}
    for child in style.childNodes:
        if getattr(child, "qname", (None, None)) != (_TEXT, tag):
            continue
        level = _int(child.getAttrNS(_TEXT, "level"), 1)
        levels[level] = _Level(
            child.getAttrNS(_STYLE, "num-format") or "",
            child.getAttrNS(_STYLE, "num-prefix") or "",
            child.getAttrNS(_STYLE, "num-suffix") or "",
            _int(child.getAttrNS(_TEXT, "display-levels"), 1),
            _int(child.getAttrNS(_TEXT, "start-value"), 1),
            child.getAttrNS(_LOEXT, "num-list-format") or "",
        )
    return levels


@dataclass
class OdtNumbering:
    """The list styles of one document, and the counters as it is read in order."""

    styles: dict[str, dict[int, _Level]] = field(default_factory=dict)
    outline: dict[int, _Level] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # xml:id of a list → its counters
    last: dict[str, str] = field(default_factory=dict)  # list style → its last counters
    open: list[tuple[str, str]] = field(default_factory=list)  # (style, counters) of lists

    @classmethod
    def of(cls, document: Any) -> OdtNumbering:
        from odf.text import ListStyle, OutlineStyle

        numbering = cls()
        for container in (document.styles, document.automaticstyles):
            for style in container.getElementsByType(ListStyle):
                numbering.styles[style.getAttrNS(_STYLE, "name")] = _levels(
                    style, "list-level-style-number"
                )
        for outline in document.styles.getElementsByType(OutlineStyle):
            numbering.outline = _levels(outline, "outline-level-style")
        return numbering

    def enter(self, node: Any) -> None:
        """A ``text:list`` opens (call ``leave`` when it closes)."""
        style = node.getAttrNS(_TEXT, "style-name") or (self.open[-1][0] if self.open else "")
        if self.open:
            key = self.open[-1][1]  # a nested list: deeper levels of the same list
        elif (followed := node.getAttrNS(_TEXT, "continue-list")) and followed in self.ids:
            key = self.ids[followed]
        elif node.getAttrNS(_TEXT, "continue-numbering") == "true" and style in self.last:
            key = self.last[style]
        else:
            key = str(len(self.counters))
            self.counters[key] = {}
        self.last[style] = key
        if own := node.getAttrNS(_XML, "id"):
            self.ids[own] = key
        self.open.append((style, key))

    def leave(self) -> None:
        self.open.pop()

    def item(self, node: Any) -> str | None:
        """The number of the ``text:list-item`` ``node`` at the open list's depth
        (counted: call once per item, in document order); ``None``: a bullet."""
        if not self.open or node.getAttrNS(_TEXT, "is-list-header") == "true":
            return None
        if not any(getattr(c, "qname", None) in _NUMBERED for c in node.childNodes):
            return None  # an item holding only a deeper list: not counted at its level
        style, key = self.open[-1]
        start = node.getAttrNS(_TEXT, "start-value")
        return self._count(self.styles.get(style, {}), self.counters[key], len(self.open), start)

    def heading(self, level: int) -> str | None:
        """The outline number of a heading outside lists, when the outline style has one."""
        return self._count(self.outline, self.counters.setdefault("outline", {}), level, None)

    @staticmethod
    def _count(
        levels: dict[int, _Level], counters: dict[int, int], depth: int, start: str | None
    ) -> str | None:
        own = levels.get(depth)
        if own is None or not (own.fmt or own.prefix or own.suffix or own.template):
            return None
        counters[depth] = _int(start, 0) or counters.get(depth, own.start - 1) + 1
        for deeper in [k for k in counters if k > depth]:
            del counters[deeper]

        def shown(k: int) -> str:
            level = levels.get(k, own)
            return level.number(counters.get(k, level.start))

        if own.template:
            text = own.template
            for k in range(depth, 0, -1):
                text = text.replace(f"%{k}%", shown(k))
        else:
            parts = [shown(k) for k in range(max(1, depth - own.display + 1), depth + 1)]
            text = own.prefix + ".".join(p for p in parts if p) + own.suffix
        return text.strip() or None

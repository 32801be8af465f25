"""The numbers Word prints before numbered headings (« 2.1 », « Axe 3 : »).

They are not in the paragraph's text: Word computes them from the numbering
definitions (``numbering.xml``) as it lays the document out. A heading whose style
numbers it « Axe %1 : » reads « Emploi » in the XML and « Axe 1 : Emploi » on the
page; the level word and the code are what the importer reads levels by, so the
rendering writes what the page shows. Lists keep their bullets as before: a
numbered list item is still a list item (``extract_docx``).

The counting follows the format: one counter per abstract list and level, a level
starting again after any higher level of its list (``w:lvlRestart`` aside), a
``w:startOverride`` starting a list instance afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def _val(element: Any, tag: str) -> str | None:
    child = element.find(f"{_W}{tag}") if element is not None else None
    return None if child is None else child.get(f"{_W}val")


def _int(value: str | None, default: int) -> int:
    """A number of the numbering part; a malformed one counts as ``default``."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    """Word's letters: a … z, then aa … zz."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def number_text(n: int, fmt: str) -> str:
    """``n`` in one of Word's number formats (others read as decimal).

    >>> [number_text(4, f) for f in ("decimal", "upperRoman", "lowerLetter", "decimalZero")]
    ['4', 'IV', 'd', '04']
    >>> number_text(10**12, "upperRoman")  # a start value no list reaches: as a number
    '1000000000000'
    """
    if not 0 < n <= 3999 and fmt != "decimal":
        return str(n)  # roman numerals stop at 3999; letters would repeat n / 26 times
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


@dataclass
class _Level:
    fmt: str
    text: str
    start: int
    restart: int | None  # w:lvlRestart: restarts after this level (1-based), 0: never


@dataclass
class Numbering:
    """The numbering definitions of one document, and the counters as it is read."""

    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    instances: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)
    styles: dict[str, tuple[str | None, int | None, str | None]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, document: Any) -> Numbering:
        numbering = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None  # a document without numbering.xml
        for absnum in root.iterchildren(f"{_W}abstractNum") if root is not None else ():
            levels = {}
            for lvl in absnum.iterchildren(f"{_W}lvl"):
                restart = _val(lvl, "lvlRestart")
                levels[_int(lvl.get(f"{_W}ilvl"), 0)] = _Level(
                    _val(lvl, "numFmt") or "decimal",
                    _val(lvl, "lvlText") or "",
                    _int(_val(lvl, "start"), 1),
                    _int(restart, 0) if restart is not None else None,
                )
            numbering.abstract[absnum.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iterchildren(f"{_W}num") if root is not None else ():
            overrides = {
                _int(o.get(f"{_W}ilvl"), 0): _int(_val(o, "startOverride"), 1)
                for o in num.iterchildren(f"{_W}lvlOverride")
                if _val(o, "startOverride") is not None
            }
            numbering.instances[num.get(f"{_W}numId", "")] = (
                _val(num, "abstractNumId") or "",
                overrides,
            )
        for style in document.styles.element.iterchildren(f"{_W}style"):
            ppr = style.find(f"{_W}pPr")
            numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
            ilvl = _val(numpr, "ilvl")
            numbering.styles[style.get(f"{_W}styleId", "")] = (
                _val(numpr, "numId"),
                _int(ilvl, 0) if ilvl is not None else None,
                _val(style, "basedOn"),
            )
        return numbering

    def _from_style(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            num_id, ilvl, based_on = self.styles.get(style_id, (None, None, None))
            if num_id is not None:
                return num_id, ilvl
            style_id = based_on
        return None, None

    def label(self, paragraph: Any) -> str | None:
        """The number Word prints before ``paragraph`` (counted: call once per paragraph,
        in document order), or ``None``: not numbered, or a bullet."""
        ppr = paragraph.pPr
        numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
        num_id, ilvl = _val(numpr, "numId"), _val(numpr, "ilvl")
        style_num, style_ilvl = self._from_style(_val(ppr, "pStyle"))
        num_id = num_id or style_num
        level = _int(ilvl, 0) if ilvl is not None else (style_ilvl or 0)
        if not num_id or num_id == "0" or num_id not in self.instances:
            return None
        abstract_id, overrides = self.instances[num_id]
        levels = self.abstract.get(abstract_id, {})
        if level not in levels or levels[level].fmt in ("bullet", "none"):
            return None
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for k, start in overrides.items():
                counters[k] = start - 1  # a list instance that starts again
        counters[level] = counters.get(level, levels[level].start - 1) + 1
        for deeper, lvl in levels.items():
            # w:lvlRestart="n": starts again only after a level up to n (1-based); 0: never
            if deeper > level and (lvl.restart is None or level + 1 <= lvl.restart):
                counters.pop(deeper, None)
        text = levels[level].text
        for k in range(level, -1, -1):
            if k in levels:
                shown = counters.get(k, levels[k].start)
                text = text.replace(f"%{k + 1}", number_text(shown, levels[k].fmt))
        return text.strip() or None

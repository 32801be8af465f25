"""From lines to units: a label with its marker, wrapped lines joined, noise skipped.

A unit is what one element, caption, table row or paragraph is printed on. The
joining follows docs/data-format.md: single spaces, a hyphen at a line end kept
and glued to the next word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.importer.drafted import is_narrative
from app.importer.fiche_fields import known_field
from app.importer.lines import Line
from app.importer.markers import Marker, level_and_code, read_marker
from app.importer.vocabulary import ATTENDUS, INDICATEURS, fold

_END = re.compile(r"[.;:!?]\s*$")
_UNFINISHED = re.compile(
    r"(?:\w-|\b(?:et|de|du|des|la|le|les|en|à|au|aux|pour|par|sur|avec|dans))$", re.I
)
_SENTENCE_END = re.compile(r"[.;!?]\s*$")
_BIG_NUMBER = re.compile(r"^(?:0?[1-9]|[1-9]\d|[IVX]{1,4})$")  # « 01 », « 2 », « IV »
_MARKUP = re.compile(r"</?(?:ul|li|p)\b[^>]*>")


@dataclass
class Unit:
    kind: str  # item, caption, row, text, attendus, indicateurs
    line: int  # 1-based line of the rendering where the text starts
    marker: Marker
    label: str
    heading: str | None = None  # "h<n>", "caps", "bold", "title" when typography says heading
    cells: list[str] | None = None
    indent: int = 0
    list_level: int | None = None
    lines: list[int] = field(default_factory=list)
    last_indent: int = 0


def clean(text: str) -> str:
    """The label form: markup, bold markers and replacement characters gone, spaces single."""
    text = _MARKUP.sub(" ", text.replace("**", "").replace("\ufffd", " ").replace("\f", ""))
    return re.sub(r"\s+", " ", text).strip()


def join(head: str, tail: str) -> str:
    """Join a wrapped line: « pré- » + « adolescents » → « pré-adolescents », « 16- » +
    « 25 ans » → « 16-25 ans ».

    >>> join("Taux de chômage des 16-", "25 ans")
    'Taux de chômage des 16-25 ans'
    """
    head, tail = head.rstrip(), tail.strip()
    if re.search(r"\w-$", head) and tail[:1].isalnum():
        return head + tail
    return f"{head} {tail}" if head else tail


def is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def _is_bold(line: Line, text: str) -> bool:
    return line.bold or (
        text.startswith("**") and text.rstrip(" :").endswith("**") and len(text) > 4
    )


def _heading(line: Line, text: str) -> str | None:
    if line.title:
        return "title"
    if line.heading is not None:
        return f"h{line.heading}"
    if len(text) > 160:
        return None
    if is_caps(text):
        return "caps"
    if _is_bold(line, text):
        return "bold"
    return None


def _property_block(text: str) -> tuple[str, str] | None:
    """« Résultats attendus : … » / « Indicateurs » → (kind, text after the colon)."""
    head, _, rest = text.partition(":")
    if len(head) > 40:
        return None
    folded = fold(head)
    for kind, words in (("attendus", ATTENDUS), ("indicateurs", INDICATEURS)):
        if any(folded == fold(w) for w in words):
            return kind, rest.strip()
    return None


def _field_line(text: str) -> bool:
    """« Pilote : Mission locale », « Partenaires : CAF »: a field of a fiche action,
    never the end of the label above it (« Fiche action n°1 : Permanences emploi »)."""
    head, colon, _ = clean(text).partition(":")
    return bool(colon) and known_field(head)


def _continues(unit: Unit, line: Line, text: str, gap: bool, indent: int) -> bool:
    if unit.kind in ("row", "attendus", "indicateurs"):
        return False
    if line.heading is not None:
        # a heading wrapped over two lines (PDF): same heading size, nothing in between
        return line.page is not None and unit.heading == f"h{line.heading}" and not gap
    if line.list_level is not None or line.title or unit.heading in ("title",):
        return False
    if unit.kind == "caption" or _field_line(text):
        return False
    if unit.heading == "caps" and not is_caps(text):
        return False
    if (unit.heading == "bold") != _is_bold(line, text) and unit.heading not in ("caps",):
        return False  # bold heading, then plain text (or the reverse): two units
    if indent != unit.last_indent and text[:1].isupper():
        return False  # a new column or block of a table laid out as text
    if indent >= 2 and text[:1].isupper() and unit.kind == "text" and len(unit.label) < 80:
        return False  # an outline typed with indentation: one short line per entry
    if not gap:
        # An item that ended its sentence is over: « 1.2 Favoriser l'engagement. » + « Les … »
        return not (unit.kind == "item" and _SENTENCE_END.search(unit.label) and text[:1].isupper())
    if _UNFINISHED.search(unit.label):
        return True  # « SOCIO- » / « ÉCONOMIQUE », « … PROXIMITÉ ET » / « PROTECTION … »
    return text[:1].islower() and not _END.search(unit.label)


def _marked(line: Line) -> str:
    """The line's text as markers are read: markup, bold marks, a Markdown heading's
    own « # » gone."""
    text = line.text.replace("\f", "").strip()
    marked = re.sub(r"\s+", " ", _MARKUP.sub(" ", text.replace("**", ""))).strip()
    if line.heading is not None and marked.startswith("#"):
        marked = marked.lstrip("#").strip()
    return marked


def _titled_levels(lines: list[Line], noise: set[int]) -> dict[int, int]:
    """« AXE 1 » alone on its line and its title on the next one (« EMPLOI ET
    INSERTION »), as posters and slides print them: one element, whose level word and
    code are the first line's and label the second's. Index of the first → the second.
    A number alone (« 01 », « 02 », set large over each chapter's title) counts when
    its title is set as a heading and two such pairs at least are printed."""
    found: dict[int, int] = {}
    numbers: dict[int, int] = {}
    for i, line in enumerate(lines):
        if line.cells is not None or line.list_level is not None:
            continue
        text = _marked(line)
        bare = level_and_code(text) if len(text) < 40 else None
        number = bare is None and _BIG_NUMBER.match(text) is not None  # noise, as a rule
        if (bare is None or bare[1] or i in noise) and not number:
            continue
        j = i + 1
        while j < len(lines) and j < i + 4 and not lines[j].text.strip() and j not in noise:
            j += 1
        if j >= len(lines) or j in noise or lines[j].cells is not None:
            continue
        if number and (
            "\f" in "".join(x.text for x in lines[i : j + 1]) or (line.page != lines[j].page)
        ):
            continue  # a page's number, then the next page's first line
        title = _marked(lines[j])
        if (
            read_marker(title).kind != "plain"
            or len(title) >= 150
            or title.endswith((".", ":", ";"))
            or is_narrative(title)
        ):
            continue
        if not number:
            found[i] = j
        elif _heading(lines[j], title) is not None:
            numbers[i] = j
    if len({_marked(lines[i]) for i in numbers}) >= 2:
        found |= numbers
    return found


def build_units(
    lines: list[Line],
    noise: set[int],
    roman_letters: bool,
    roman_lower: bool = False,
    levels: frozenset[str] = frozenset(),
) -> list[Unit]:
    """``levels``: words the document prints as levels no vocabulary knows
    (``markers.unknown_level_words``)."""
    units: list[Unit] = []
    current: Unit | None = None
    gap = False
    titled = _titled_levels(lines, noise)
    titles = set(titled.values())
    for i, line in enumerate(lines):
        raw = line.text.replace("\f", "")
        if i in noise and i not in titled:
            current = None
            continue
        if i in titles:
            continue  # the label of the level word above it (``_titled_levels``)
        if i in titled:
            j = titled[i]
            first = _marked(line)
            # « Axe stratégique 1 – » already ends on its separator: no second one
            glue = " " if first.rstrip().endswith(("-", "–", "—", ":", ".")) else " : "
            marker = read_marker(f"{first}{glue}{_marked(lines[j])}")
            heading = _heading(line, line.text.strip()) or _heading(lines[j], lines[j].text)
            current = Unit("item", j + 1, marker, clean(marker.label), heading, None, 0, None)
            current.lines = [i + 1, j + 1]
            units.append(current)
            gap = False
            continue
        if not raw.strip():
            gap = True
            continue
        if line.cells is not None or "\t" in raw:
            cells = line.cells if line.cells is not None else raw.split("\t")
            units.append(Unit("row", i + 1, Marker("row", raw), raw, cells=cells, lines=[i + 1]))
            current, gap = None, False
            continue
        text = raw.strip()
        heading = _heading(line, text)
        if current is not None and current.kind == "caption" and not heading:
            joined = read_marker(current.label + " " + text)
            if joined.kind == "caption":
                current.label, current.marker = joined.label, joined
                current.lines.append(i + 1)
                gap = False
                continue
        marked = _marked(line)
        marker = read_marker(marked, roman_letters, heading is not None, roman_lower, levels)
        if marker.kind == "caption" and marked[:1].islower():
            # « … autour de la » / « thématique. »: a sentence going on, not a caption
            marker = Marker("plain", marked)
        prop = _property_block(clean(text))
        indent = len(raw) - len(raw.lstrip(" \t"))
        if (
            marker.kind == "plain"
            and prop is None
            and current is not None
            and _continues(current, line, text, gap, indent)
        ):
            if not current.label:
                current.line = i + 1  # "#3" alone, its label on the next line
            current.label = join(current.label, clean(text))
            current.last_indent = indent
            current.lines.append(i + 1)
            gap = False
            continue
        if marker.kind == "caption" and current is not None and current.kind == "caption":
            joined = read_marker(current.label + " " + marker.label)
            if joined.kind == "caption":
                current.label, current.marker = joined.label, joined
                current.lines.append(i + 1)
                gap = False
                continue
        kind = prop[0] if prop else ("caption" if marker.kind == "caption" else "item")
        label = prop[1] if prop else clean(marker.label)
        if kind == "item" and marker.kind == "plain":
            kind = "item" if heading else "text"
        current = Unit(kind, i + 1, marker, label, heading, None, indent, line.list_level, [i + 1])
        current.last_indent = indent
        units.append(current)
        gap = False
    return units

"""The whole recognition pass: rendering → noise → units → tree → clean-up."""

from __future__ import annotations

import re

from app.importer.lines import Line
from app.importer.noise import noise_lines
from app.importer.tree import Drafted, TreeBuilder
from app.importer.units import build_units

_ROMAN_TWO = re.compile(r"^\s*(II|III|IV|VI)\s*[.)\-–:]", re.M)


def recognise(lines: list[Line]) -> TreeBuilder:
    noise = noise_lines(lines)
    roman = bool(_ROMAN_TWO.search("\n".join(line.text for line in lines)))
    units = build_units(lines, noise, roman)
    builder = TreeBuilder()
    builder.feed(units)
    _prune(builder)
    return builder


def _prune(b: TreeBuilder) -> None:
    """No element twice, no empty chapter title.

    An element that only announces a later one (« Favoriser le bien vivre …, notamment
    par … » before the table row « Favoriser le bien vivre … ») is a summary, kept as
    its parent's description; a top-level heading with nothing under it and no level
    word is a chapter of the document, not of the strategy.
    """
    for e in list(b.elements):
        if e.children or e not in b.elements:
            continue
        later = b.elements[b.elements.index(e) + 1 :]
        mine = _flat(e.label)
        if any(
            len(o.label) >= 15 and mine.startswith(_flat(o.label)) and _flat(o.label) != mine
            for o in later
        ):
            _drop(b, e)
    for e in list(b.roots):
        if not e.children and e.guessed and e.sig[:1] != ("b",):
            _drop(b, e)


def _flat(label: str) -> str:
    return label.replace("’", "'").casefold()


def _drop(b: TreeBuilder, e: Drafted) -> None:
    siblings = e.parent.children if e.parent else b.roots
    siblings.remove(e)
    b.elements.remove(e)
    target = e.parent.description if e.parent else b.contract_description
    target.append((e.ligne, e.label))
    target.extend(e.description)

"""The whole recognition pass: rendering → noise → units → tree → clean-up."""

from __future__ import annotations

import re

from app.importer.chapters import context_chapter
from app.importer.drafted import Drafted
from app.importer.flow import feed
from app.importer.lines import Line
from app.importer.markers import unknown_level_words
from app.importer.noise import noise_lines
from app.importer.tree import TreeBuilder
from app.importer.units import build_units

_ROMAN_TWO = re.compile(r"^\s*(II|III|IV|VI)\s*[.)\-–:/]", re.M)
_ROMAN_LOWER = re.compile(r"^\s*(ii|iii|iv|vi)\s*[.)/]\s", re.M)  # « i. » is a numeral then


def recognise(lines: list[Line], headers_removed: bool = False) -> TreeBuilder:
    noise = noise_lines(lines, headers_removed)
    text = "\n".join(line.text for line in lines)
    roman, roman_lower = bool(_ROMAN_TWO.search(text)), bool(_ROMAN_LOWER.search(text))
    units = build_units(lines, noise, roman, roman_lower, unknown_level_words(text))
    builder = TreeBuilder()
    builder.indented_outline = not headers_removed  # a text file's own indentation
    feed(builder, units)
    _prune(builder)
    return builder


def _prune(b: TreeBuilder) -> None:
    """No element twice, no empty chapter title.

    An element that only announces a later one (« Favoriser le bien vivre …, notamment
    par … » before the table row « Favoriser le bien vivre … ») is a summary, kept as
    its parent's description; a top-level heading with nothing under it and no level
    word is a chapter of the document, not of the strategy.
    """
    last_seen = {_flat(e.label): k for k, e in enumerate(b.elements)}
    for k, e in enumerate(list(b.elements)):
        if e.children:
            continue
        mine = _flat(e.label)
        # every word-boundary prefix of at least 15 characters, shorter than the label
        cuts = [m.start() for m in re.finditer(r"[\s,;:.]", mine) if m.start() >= 15]
        if any(last_seen.get(mine[:cut].rstrip(" ,;:."), -1) > k for cut in cuts):
            _drop(b, e)
    for e in list(b.roots):
        if not e.children and e.guessed and e.sig[:1] != ("b",):
            _drop(b, e)
        elif e.guessed and e.niveau is None and context_chapter(e.label) and _all_guessed(e):
            _drop_chapter(b, e)


def _all_guessed(e: Drafted) -> bool:
    """Nothing under it printed a level word or sat in a table with level headers."""
    return all(c.guessed and _all_guessed(c) for c in e.children)


def _drop_chapter(b: TreeBuilder, e: Drafted) -> None:
    """Leave a context chapter and everything under it out of the draft."""
    for child in list(e.children):
        _drop_chapter(b, child)
    (e.parent.children if e.parent else b.roots).remove(e)
    b.elements.remove(e)


def _flat(label: str) -> str:
    return label.replace("’", "'").casefold()


def _drop(b: TreeBuilder, e: Drafted) -> None:
    siblings = e.parent.children if e.parent else b.roots
    siblings.remove(e)
    b.elements.remove(e)
    target = e.parent.description if e.parent else b.contract_description
    target.append((e.ligne, e.label))
    target.extend(e.description)

"""A label found on its own line is found as the 40-line window finds it.

``app.curation.provenance._found_at`` answers at once when the label is in its
line's normalised form and the line has no ``<`` (no markup, and no tag opened
there and closed on a later line, which the window's normalisation would
remove). The reference is the window alone, as it was always checked: on every
label of the seeds at its line and at the lines around it, and on random lines
made of the characters normalisation treats specially (markup split across
lines, bold markers, hyphenation at line ends, spaces of every kind).
"""

from __future__ import annotations

import random
from pathlib import Path

from app.curation.loader import load_contrat
from app.curation.provenance import _found_at, found_in_window, normalise
from app.sources import source_path


def _window(lines: list[str], ligne: int, label: str) -> bool:
    """The check as it always ran: the window, normalised, for every label."""
    if not 1 <= ligne <= len(lines):
        return False
    return found_in_window(lines, ligne, normalise(label), normalise(lines[ligne - 1]))


def test_the_seeds_labels_are_found_as_the_window_finds_them(repo_root: Path) -> None:
    checked = found = 0
    for path in sorted((repo_root / "data" / "contrats").glob("*.yaml")):
        contrat = load_contrat(path)
        source = source_path(repo_root / "data" / "sources", contrat.source.fichier)
        assert source is not None
        lines = source.read_text(encoding="utf-8").splitlines()
        for e in contrat.elements:
            for ligne in (e.ligne - 1, e.ligne, e.ligne + 1):
                expected = _window(lines, ligne, e.label)
                assert _found_at(lines, ligne, e.label) == expected, (path.name, e.id, ligne)
                checked += 1
                found += expected
    assert checked > 500 and found > 150


_PIECES = [
    "mot", "Santé", "a", "-", "- ", "a-", "é-", "**", "*", " ", "  ", "\t", "\xa0", "\ufffd",
    "<p>", "</p>", "<li class='x'>", "<p class=", "'y'>", ">", "<ul", "<b>", "<", "x<p",
]  # fmt: skip


def test_random_lines_are_found_as_the_window_finds_them() -> None:
    rng = random.Random(3)
    differ = 0
    for _ in range(20_000):
        lines = [
            "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 6)))
            for _ in range(rng.randint(1, 4))
        ]
        first = lines[0]
        cut = rng.randint(0, len(first))
        label = first[cut : cut + rng.randint(0, 12)] if rng.random() < 0.8 else "mot a"
        expected = _window(lines, 1, label)
        assert _found_at(lines, 1, label) == expected, (lines, label)
        differ += "<" in first and label in first and not expected
    assert differ > 0  # lines whose markup only the window closes were tried

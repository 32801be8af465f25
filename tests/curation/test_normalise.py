"""Provenance's comparison form, made without its slow regexes, is the regexes' own.

``app.curation.provenance.normalise`` collapses spaces with ``str.split`` and
runs the hyphenation rule only where ``"- "`` occurs; the reference here is
the three substitutions it replaced, applied to texts made of the characters
that matter (every kind of whitespace, hyphens, markup, bold markers,
replacement characters, letters), and to the five seeds' source lines.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

from app.curation.provenance import normalise

_MARKUP = re.compile(r"</?(?:ul|li|p)\b[^>]*>")


def _reference(text: str) -> str:
    text = _MARKUP.sub(" ", text.replace("\ufffd", " ").replace("**", ""))
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(?<=\w-) (?=\w)", "", text)


def test_split_whitespace_is_the_regex_whitespace() -> None:
    """``str.split()`` and ``\\s`` agree on every code point (else the forms differ)."""
    space = re.compile(r"\s")
    differ = [c for c in range(sys.maxunicode + 1) if chr(c).isspace() != bool(space.match(chr(c)))]
    assert differ == []


_PIECES = [
    " ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2028", "\u3000",
    "-", "- ", "a-", "é-", "1-", "_-", "x", "É", "mot", "**", "*", "\ufffd",
    "<p>", "</p>", "<li class='x'>", "<ul", ">", "<b>", "<pre>",
]  # fmt: skip


def test_normalise_is_the_regexes_on_random_texts() -> None:
    rng = random.Random(11)
    for _ in range(20_000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 12)))
        assert normalise(text) == _reference(text), repr(text)


def test_normalise_is_the_regexes_on_the_seeds(repo_root: Path) -> None:
    lines = [
        line
        for source in sorted((repo_root / "data" / "sources").glob("*.txt"))
        for line in source.read_text(encoding="utf-8").splitlines()
    ]
    assert len(lines) > 1000
    for i in range(0, len(lines), 7):
        window = " ".join(lines[i : i + 40])
        assert normalise(window) == _reference(window)
        assert normalise(lines[i]) == _reference(lines[i])

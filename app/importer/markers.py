"""What a line starts with: a printed code, a bullet, a level word — and the label after it.

Codes are kept exactly as printed (``1..3.2`` stays ``1..3.2``); the signature
says which numbering scheme and depth they belong to, because two levels of a
document differ by their scheme ("1 -" vs "1."), not by their values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.importer.lines import BULLET_GLYPHS
from app.importer.vocabulary import (
    ABBREVIATIONS,
    caption_levels,
    fold,
    leading_level,
    singular,
)

_SEP = r"(?P<sep>°\s*[).]|[.)°:/]|[-–—])"  # « 1°) », « 1/ », « I/ » too
_DOTTED = re.compile(r"(?P<code>\d{1,2}(?:\.{1,2}\d{1,2})+)\.?\s*(?:(?P<sep>[-–—:)])\s*|\s+)(?=\S)")
_SIMPLE = re.compile(r"(?P<code>\d{1,2})\s*" + _SEP + r"\s*(?=[^\s\d%])")
_HASH = re.compile(r"#\s?(?P<code>\d{1,2})(?:\s*(?P<sep>[-–—:.)]))?\s*")
_ROMAN = re.compile(r"(?P<code>[IVXL]{1,5})\s*" + _SEP + r"\s+(?=\S)")
_UPPER = re.compile(r"(?P<code>[A-Z])\s*" + _SEP + r"\s+(?=\S)")
_LOWER = re.compile(r"(?P<code>[a-z])\s*(?P<sep>[).]|/)\s+(?=\S)")
_LOWER_ROMAN = re.compile(r"(?P<code>[ivx]{1,4})\s*(?P<sep>[).]|/)\s+(?=\S)")
_BULLET = re.compile(rf"(?P<glyphs>(?:[{BULLET_GLYPHS}\-–—]\s*|\*\s+)+)(?=\S)")
_O_BULLET = re.compile(r"o\s+(?=[A-Za-zÀ-ÿ«(])")
# « Enjeu 2 : », « Axe B - », « ENJEU N°1 : », « Orientation n° 3 – »
_CODE_AFTER_WORD = re.compile(
    r"\s*(?:[Nn](?:[°º]|o\.?)\s*(?=\d))?(?P<code>#?\d{1,2}(?:(?:\.{1,2}|-)\d{1,2})*(?:\.[a-z])?|[IVXL]{1,5}|[A-Z])\b\.?\s*(?P<sep>[.):–—-])?\s*"
)
_GLUED = re.compile(r"^(O[SOG]|OSt|OOp)(?=\d)")
_WORD_SEP = re.compile(r"\s*(?P<sep>[:–—-])\s*(?=\S)")
# « Défi 1 : … », « LEVIER 2 – … »: a heading that opens on a word this vocabulary does
# not know, a code and a separator prints a level word all the same. Its class is the
# position's (flagged); the word and the code are kept apart from the label, as for the
# words it knows. The words of the document's apparatus and divisions are no levels.
_UNKNOWN_WORD = re.compile(
    r"(?P<word>[A-ZÀ-Ý][a-zà-ÿ’']{2,19}|[A-ZÀ-Ý]{3,20})\s+(?:[Nn](?:[°º]|o\.?)\s*)?"
    r"(?P<code>\d{1,2}(?:\.\d{1,2})*|[IVXL]{1,5}|[A-Z])\s*(?P<sep>[.:–—-])\s+(?=\S)"
)
# The same, at a line's start in a whole text, and a known level word with a dotted code.
_UNKNOWN_LINE = re.compile(r"^\s*" + _UNKNOWN_WORD.pattern, re.M)
_KNOWN_CODED_LINE = re.compile(
    r"^\s*(?P<word>[A-ZÀ-Ý][\w’'-]*(?:\s+[\w’'-]+){0,2})\s+(?P<code>\d{1,2}(?:\.\d{1,2})+)\b",
    re.M,
)
_APPARATUS = frozenset(
    "annexe article carte chapitre encadre fascicule figure graphique illustration livret "
    "note page partie photo schema section source tableau titre tome".split()
)


def sep_class(sep: str | None) -> str:
    if not sep:
        return ""
    sep = sep.replace(" ", "")
    return "-" if sep in "-–—" else ("." if sep in ".°" else sep)


@dataclass
class Marker:
    """How a line starts. ``kind``: number, bullet, word, caption or plain."""

    kind: str
    label: str
    code: str | None = None
    sig: tuple[object, ...] = ()
    classe: str | None = None
    niveau: str | None = None
    levels: list[tuple[str, str]] | None = None


def _numbered(text: str, roman_letters: bool, roman_lower: bool = False) -> Marker | None:
    """A printed code; when its label starts with a level word (« I. PILIER COHÉSION
    SOCIALE », « 2 - Axe : Emploi »), that word gives the class."""
    marker = _code(text, roman_letters, roman_lower)
    if marker is not None and (worded := _worded(marker.label, True)):
        if worded.code and worded.label.strip():
            # « 2.1 Axe 1 : Emploi »: a section number (Word's heading numbering) before
            # a level word with its own code: the level word and its code say the level
            return worded
        if not worded.code:
            marker.classe, marker.niveau = worded.classe, worded.niveau
            marker.label = worded.label
    return marker


def _code(text: str, roman_letters: bool, roman_lower: bool = False) -> Marker | None:
    if m := _DOTTED.match(text):
        depth = len([p for p in m.group("code").split(".") if p])
        return Marker("number", text[m.end() :], m.group("code"), ("n", "1", depth))
    if m := _HASH.match(text):
        return Marker("number", text[m.end() :], "#" + m.group("code"), ("n", "#", 1))
    if m := _SIMPLE.match(text):
        return Marker(
            "number", text[m.end() :], m.group("code"), ("n", "1", 1, sep_class(m["sep"]))
        )
    if (m := _ROMAN.match(text)) and (len(m.group("code")) > 1 or roman_letters):
        return Marker("number", text[m.end() :], m.group("code"), ("n", "I", 1))
    if m := _UPPER.match(text):
        return Marker("number", text[m.end() :], m.group("code"), ("n", "A", 1))
    if roman_lower and (m := _LOWER_ROMAN.match(text)):
        return Marker("number", text[m.end() :], m.group("code"), ("n", "i", 1))  # i. ii. iii.
    if m := _LOWER.match(text):
        return Marker("number", text[m.end() :], m.group("code"), ("n", "a", 1))
    return None


def _worded(text: str, short_heading: bool) -> Marker | None:
    text = _GLUED.sub(r"\1 ", text)  # « OS1 : … »: the abbreviation, then its code
    found = leading_level(text)
    if found is None:
        return None
    classe, nwords = found
    m = re.match(r"\s*(?:[\w’']+(?:-[\w’']+)*\s*){" + str(nwords) + "}", text)
    if m is None:
        return None
    words, rest = text[: m.end()].strip(), text[m.end() :]
    if (c := _CODE_AFTER_WORD.match(" " + rest)) and (
        c["sep"] or not rest[c.end() - 1 :].strip()[:1].islower()
    ):
        label = (" " + rest)[c.end() :]
        if label.strip() or c["sep"]:
            niveau = _printed_word(words)
            return Marker("word", label, c["code"], ("w", classe, words.lower()), classe, niveau)
    if c := _WORD_SEP.match(rest):
        niveau = _printed_word(words)
        return Marker("word", rest[c.end() :], None, ("w", classe, words.lower()), classe, niveau)
    if short_heading:
        return Marker("word", text, None, ("w", classe, words.lower()), classe, singular(words))
    return None


def _printed_word(words: str) -> str:
    """The level word(s) as ``niveau`` keeps them: « PILIERS » → « Pilier », « OS »."""
    if words in ABBREVIATIONS:
        return words
    return singular(words) if words.isupper() else words


def _unknown_word(text: str) -> Marker | None:
    m = _UNKNOWN_WORD.match(text)
    if m is None or fold(m["word"]) in _APPARATUS:
        return None
    word, code = m["word"], m["code"]
    depth = len(code.split(".")) if code[0].isdigit() else 1
    sig = ("n", word.lower(), depth)
    return Marker("number", text[m.end() :], code, sig, None, _printed_word(word))


def _bullet(rest: str, glyphs: str) -> Marker:
    """A bullet; « • Objectif 1.1 : Soutenir … » also names its level and code."""
    worded = _worded(rest, False)
    if worded is not None and (worded.code or worded.label != rest):
        return Marker(
            "bullet", worded.label, worded.code, ("b", glyphs), worded.classe, worded.niveau
        )
    return Marker("bullet", rest, None, ("b", glyphs))


def unknown_level_words(text: str) -> frozenset[str]:
    """Words no vocabulary knows that the document prints as levels in its body text:
    each opens lines with at least two codes (« Engagement 1 : … », « Engagement 2 :
    … »), and under most of them, before the word's next line, a known level prints
    a code under theirs (« Priorité 1.1 : … »). Set as headings they are read
    anyway; in body text, without that evidence, a « Chantier 2 : » or a « Réunion 3 : »
    is no level. Folded words.

    >>> sorted(unknown_level_words("Engagement 1 : Gouvernance\\nPriorité 1.1 : Piloter\\n"
    ...                            "Engagement 2 : Éducation\\nPriorité 2.1 : Ouvrir\\n"))
    ['engagement']
    >>> unknown_level_words("Priorité 1.1 : Piloter\\nRéunion 1 : le 3 mars\\n"
    ...                     "Réunion 2 : le 5 avril\\n")
    frozenset()
    """
    open_: dict[str, str] = {}  # each word's last code, until a known level answers it
    seen: dict[str, list[bool]] = {}  # per word, whether each of its lines got a level under it
    for line in text.splitlines():
        if (m := _UNKNOWN_LINE.match(line)) is not None:
            word = fold(m["word"])
            if word not in _APPARATUS and leading_level(m["word"]) is None:
                open_[word] = m["code"]
                seen.setdefault(word, []).append(False)
                continue
        if (k := _KNOWN_CODED_LINE.match(line)) is not None and leading_level(k["word"]):
            for word, code in list(open_.items()):
                if k["code"].startswith(code + "."):
                    seen[word][-1] = True
                    del open_[word]
    return frozenset(
        word for word, under in seen.items() if len(under) >= 2 and 2 * sum(under) > len(under)
    )


def read_marker(
    text: str,
    roman_letters: bool = False,
    short_heading: bool = False,
    roman_lower: bool = False,
    body_levels: frozenset[str] = frozenset(),
) -> Marker:
    """Classify the start of ``text`` (already stripped of indentation).

    >>> m = read_marker("Orientation 1.1 : Inscrire la Culture")
    >>> (m.kind, m.code, m.niveau, m.label)
    ('word', '1.1', 'Orientation', 'Inscrire la Culture')
    >>> m = read_marker("1..3.2 – Créer ou renforcer")
    >>> (m.kind, m.code, m.sig, m.label)
    ('number', '1..3.2', ('n', '1', 3), 'Créer ou renforcer')
    >>> read_marker("� Favoriser le bien").kind
    'bullet'
    >>> m = read_marker("\uf095 Objectif 1.1 : Lever les freins")  # a Wingdings bullet
    >>> (m.kind, m.code, m.label)
    ('bullet', '1.1', 'Lever les freins')
    """
    if m := _numbered(text, roman_letters, roman_lower):
        return m
    bulleted = _BULLET.match(text) is not None or _O_BULLET.match(text) is not None
    if not bulleted and len(text) < 120 and (levels := caption_levels(text.rstrip(" :"))):
        return Marker("caption", text, levels=levels)
    if worded := _worded(text, short_heading):
        return worded
    if not bulleted and (unknown := _unknown_word(text)):
        if short_heading or fold(unknown.niveau or "") in body_levels:  # unknown_level_words
            return unknown
    if b := _BULLET.match(text):
        glyphs = re.sub(r"\s+", "", b.group("glyphs"))
        if not text.startswith("**"):
            return _bullet(text[b.end() :], glyphs)
    if o := _O_BULLET.match(text):
        return _bullet(text[o.end() :], "o")
    return Marker("plain", text)


def level_and_code(text: str) -> tuple[str, str] | None:
    """« Action 1.1.2 », « Objectif 3 – Réduire … »: ``text`` opens on a level word and
    its printed code; their code and what follows them (maybe nothing). A cell holding
    that is an element, never a header or a caption."""
    marker = read_marker(text.rstrip() + " X")  # a label, so a bare « Action 1.1.2 » reads too
    if marker.kind != "word" or marker.code is None or not marker.label.endswith("X"):
        return None
    return marker.code, marker.label[:-1].strip()

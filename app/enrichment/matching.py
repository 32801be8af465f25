"""Transparent label matching on normalised French text.

A concept label matches an element when its words appear consecutively in the
element's label after normalisation: case, accents, apostrophes and elisions,
stop words, and plural/derived forms (Snowball French stemmer). Acronyms (a label
of 2–6 capitals, ``CLS``, ``REP+``) match case-sensitively and unstemmed, so that
``PRE`` finds the programme but not the word *pré*.

>>> m = LabelMatcher([("sante-mentale", "Santé mentale")])
>>> [(h.key, h.words) for h in m.find("Prévenir et promouvoir la santé mentale des habitants")]
[('sante-mentale', 'santé mentale')]
>>> m = LabelMatcher([("pre", "PRE")])
>>> [h.words for h in m.find("PRE, Cité éducative")], m.find("pré-adolescents")
(['PRE'], [])

A programme named in order to exclude it is not mobilised: :class:`MobilisationMatcher`
drops a hit right after an exclusion ("hors", "en dehors de", "sans", "à l'exception de",
"sauf", "hormis", "excepté", "autre que") in the same clause.

>>> m = MobilisationMatcher([("npnru", "PRU")])
>>> m.find("Maintenir hors PRU un programme d'aménagement"), len(m.find("cf. convention PRU"))
([], 1)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŒœÆæ0-9]+\+?")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,5}\+?$")
# The elided words, lower case: a token is one of them when its lower case is (a token is
# made of ASCII letters, Latin-1 letters, Œ and Æ, whose case folding is their lower case).
_ELISIONS = frozenset("l d j m n s t c qu jusqu lorsqu puisqu".split())
STOP_WORDS = frozenset(
    """a à au aux avec ce ces dans de des du en et la le les leur leurs ou par pour sur un une
    son sa ses notamment dont y est sont plus""".split()
)
_stemmer = snowballstemmer.stemmer("french")
_EXCLUSION = re.compile(
    r"(?:\bhors(?:\s+d(?:e|u|es|'))?|\ben\s+dehors\s+d(?:e|u|es|')|\bsans|"
    r"\ba\s+l'exception\s+d(?:e|u|es|')|\bexcepte(?:e|s|es)?|\bsauf|\bhormis|\bautres?\s+que"
    r"|\bnon\s+compris)"
    r"(?:\s*(?:le|la|les|l'|un|une|des|du|de|d'|ses|son|sa|leur|leurs|ce|cette|ces)\b)*\s*$"
)
_CLAUSE_END = re.compile(r"[.;:,!?()\[\]\n•–—]|\s-\s")


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Normalised stem of one word (lower case, no accents, œ → oe)."""
    w = strip_accents(word.lower().replace("œ", "oe").replace("æ", "ae"))
    return strip_accents(_stemmer.stemWord(w))


class Token(NamedTuple):
    """A content word: its stem (``key``), its text and its span. (A named tuple, not a
    dataclass: ≈ 100 are made for each element, and a tuple is made in C.)"""

    key: str
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """Content tokens of ``text`` with their character spans (elisions and stop words dropped)."""
    return list(_tokens(text))


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[Token, ...]:
    """(The tagging rules tokenise each label several times.)"""
    result = []
    for m in _TOKEN.finditer(text.replace("’", "'")):
        word = m.group()
        kind = _WORDS.get(word)
        if kind is None:
            kind = _word(word)
        if kind is _ELIDED:
            end = m.end()
            if text[end : end + 1] in ("'", "’"):
                continue
            kind = _word_stem(word)
        if kind is _STOP:
            continue
        result.append(Token(kind, word, m.start(), m.end()))
    return tuple(result)


# What each word met is, looked up once a word rather than worked out for each token:
# its stem, or one of these two markers (a stop word; an elided word when followed by
# an apostrophe, else its stem, ``_word_stem``).
_STOP, _ELIDED = "<stop>", "<elided>"  # not stems: a stem is a word's lower case
_WORDS: dict[str, str] = {}


def _word(word: str) -> str:
    lower = word.lower()
    kind = _ELIDED if lower in _ELISIONS else _STOP if lower in STOP_WORDS else stem(word)
    if len(_WORDS) >= 65536:
        _WORDS.clear()
    _WORDS[word] = kind
    return kind


def _word_stem(word: str) -> str:
    """An elided word's stem when no apostrophe follows it (``l`` in « l 'x »), or the stop
    word it also is."""
    return _STOP if word.lower() in STOP_WORDS else stem(word)


def label_keys(label: str) -> tuple[tuple[str, bool], ...]:
    """The sequence a label must match: (key, exact?) per word; exact for acronyms."""
    label = label.strip()
    if _ACRONYM.match(label):
        return ((label, True),)
    return tuple((t.key, False) for t in tokens(label))


class Hit(NamedTuple):
    """A label found in a text: its concept's key, the label, the words matched and their span."""

    key: str
    label: str
    words: str
    start: int
    end: int


# How a label's words are compared with a text's tokens: all by stem, all by text
# (an acronym), or word by word (``_matches``; no label makes such a sequence).
_BY_KEY, _BY_TEXT, _MIXED = 0, 1, 2


class _Pattern(NamedTuple):
    words: tuple[str, ...]  # the keys of ``seq``
    compare: int  # _BY_KEY, _BY_TEXT or _MIXED
    seq: tuple[tuple[str, bool], ...]
    key: str
    label: str


class LabelMatcher:
    """Finds which of many (concept key, label) pairs occur in a text."""

    def __init__(self, labels: Iterable[tuple[str, str]]) -> None:
        self._patterns: dict[str, list[_Pattern]] = {}
        for key, label in labels:
            seq = label_keys(label)
            if not seq:
                continue
            exact = {e for _, e in seq}
            compare = _MIXED if len(exact) > 1 else _BY_TEXT if True in exact else _BY_KEY
            pattern = _Pattern(tuple(k for k, _ in seq), compare, seq, key, label)
            self._patterns.setdefault(seq[0][0], []).append(pattern)

    def find(self, text: str) -> list[Hit]:
        """Every (concept key, label) whose sequence starts at one of the text's tokens,
        looked up by the token's stem and by its own text (an acronym's).

        A sequence of stems is compared with the slice of the text's stems where it
        would start (a sequence of acronyms with the slice of its words): one
        comparison of tuples, the same answer as word by word (``_matches``), as a
        slice that runs past the text's end is shorter than the sequence.
        """
        toks, columns = _token_columns(text)
        hits: list[Hit] = []
        patterns = self._patterns
        for i, tok in enumerate(toks):
            by_key = patterns.get(tok.key)
            by_text = patterns.get(tok.text) if tok.text != tok.key else None
            if by_key is None and by_text is None:
                continue  # most tokens
            for candidates in (by_key, by_text):
                for words, compare, seq, key, label in candidates or ():
                    n = len(words)
                    if compare == _MIXED:
                        if not self._matches(seq, toks, i):
                            continue
                    elif columns[compare][i : i + n] != words:
                        continue
                    end = toks[i + n - 1].end
                    hits.append(Hit(key, label, text[tok.start : end], tok.start, end))
        return hits

    @staticmethod
    def _matches(seq: tuple[tuple[str, bool], ...], toks: Sequence[Token], i: int) -> bool:
        if i + len(seq) > len(toks):
            return False
        for j, (key, exact) in enumerate(seq):
            tok = toks[i + j]
            if (tok.text if exact else tok.key) != key:
                return False
        return True


@lru_cache(maxsize=4096)
def _token_columns(
    text: str,
) -> tuple[tuple[Token, ...], tuple[tuple[str, ...], tuple[str, ...]]]:
    """The text's tokens, and their stems and texts as tuples (indexed ``_BY_KEY``,
    ``_BY_TEXT``): each matcher of an element compares its labels with them."""
    toks = _tokens(text)
    return toks, (tuple(t.key for t in toks), tuple(t.text for t in toks))


def exclusion_before(text: str, start: int) -> str | None:
    """The exclusion ("hors", "sans", …) that ends the clause just before ``start``, if any.

    Only determiners may stand between the exclusion and the name: "hors PRU",
    "en dehors du NPNRU", "à l'exception des CLAS" exclude; "sans attendre le PRU"
    does not (the name is the object of another verb).
    """
    before = text[:start].replace("’", "'")
    clauses = _CLAUSE_END.split(before)
    clause = strip_accents(clauses[-1].lower()) if clauses else ""
    found = _EXCLUSION.search(clause)
    return found.group(0).strip() if found else None


class _Remembering(LabelMatcher):
    """A label matcher that remembers its answers for the last texts it was asked about."""

    def __init__(self, labels: Iterable[tuple[str, str]]) -> None:
        super().__init__(labels)
        self._found: dict[str, tuple[Hit, ...]] = {}

    def find(self, text: str) -> list[Hit]:
        found = self._found.get(text)
        if found is None:
            if len(self._found) >= 2048:
                self._found.clear()
            found = self._found[text] = tuple(super().find(text))
        return list(found)


@lru_cache(maxsize=8)
def programme_matcher(labels: tuple[tuple[str, str], ...]) -> LabelMatcher:
    """The plain matcher of the programmes' (dispositifs') labels, one per label set.

    The mobilisation and the theme rules (a programme named as a means) look for
    the same labels in each element's label, one after the other: the second asks
    a matcher that remembers the first one's answers (a contract's ≈ 100 labels).
    """
    return _Remembering(labels)


class MobilisationMatcher(LabelMatcher):
    """Names of programmes an element mobilises: not those it names to exclude them."""

    def __init__(self, labels: Iterable[tuple[str, str]]) -> None:
        labels = tuple(labels)
        super().__init__(labels)
        self._plain = programme_matcher(labels)  # the same labels' plain answers

    def find(self, text: str) -> list[Hit]:
        return [h for h in self._plain.find(text) if exclusion_before(text, h.start) is None]

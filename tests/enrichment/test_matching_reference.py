"""The matchers' faster code finds what the straightforward code found.

``app/enrichment/matching.py`` compares a label's stems with a slice of the text's
stems, looks each word up once, and lets the theme rules reuse the mobilisation's
answers for the programmes' labels; ``theme_rules.py`` tests a span before asking
whether a match swallows another and reads each match's broader themes once. The
reference here is the word-by-word code those replaced (tokenise with the
regexes, compare each word, ask each pair), run on the seeds' labels, on
synthetic contracts' labels and on random texts made of their words, of
acronyms, elisions, stop words, punctuation and the rules' trigger words, with
the thesaurus and programmes the build uses.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from app.config import DEFAULT_BASE_IRI
from app.curation.loader import load_contrat
from app.enrichment import matching
from app.enrichment.matching import Hit, LabelMatcher, MobilisationMatcher, exclusion_before
from app.enrichment.pipeline import _dispositif_labels
from app.enrichment.theme_rules import SpecificMatcher
from app.enrichment.themes import theme_matcher
from app.rdf.namespaces import Iris
from app.vocabularies import vocabulary_graphs

_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)$", re.IGNORECASE)
Word = tuple[str, str, int, int]  # stem, text, start, end


def _tokens(text: str) -> list[Word]:
    out = []
    for m in matching._TOKEN.finditer(text.replace("’", "'")):
        word = m.group()
        if _ELISION.match(word) and text[m.end() : m.end() + 1] in ("'", "’"):
            continue
        if word.lower() in matching.STOP_WORDS:
            continue
        out.append((matching.stem(word), word, m.start(), m.end()))
    return out


def _label_keys(label: str) -> list[tuple[str, bool]]:
    label = label.strip()
    if matching._ACRONYM.match(label):
        return [(label, True)]
    return [(t[0], False) for t in _tokens(label)]


_PATTERNS: dict[int, dict[str, list[tuple[list[tuple[str, bool]], str, str]]]] = {}


def _find(labels: Sequence[tuple[str, str]], text: str) -> list[Hit]:
    """Every label whose words follow one another in the text, word by word."""
    patterns = _PATTERNS.get(id(labels))
    if patterns is None:
        patterns = _PATTERNS[id(labels)] = {}
        for key, label in labels:
            seq = _label_keys(label)
            if seq:
                patterns.setdefault(seq[0][0], []).append((seq, key, label))
    toks = _tokens(text)
    hits = []
    for i, (stem, word, start, _) in enumerate(toks):
        candidates = patterns.get(stem, []) + (patterns.get(word, []) if word != stem else [])
        for seq, key, label in candidates:
            if i + len(seq) <= len(toks) and all(
                (toks[i + j][1] if exact else toks[i + j][0]) == k
                for j, (k, exact) in enumerate(seq)
            ):
                end = toks[i + len(seq) - 1][3]
                hits.append(Hit(key, label, text[start:end], start, end))
    return hits


class _Reference(SpecificMatcher):
    """The theme rules as they read before: every pair asked, ancestors read each time."""

    def __init__(self, built: SpecificMatcher, labels: Sequence[tuple[str, str]]) -> None:
        self.__dict__.update(built.__dict__)
        self._labels = labels
        self._programme_labels = _PROGRAMMES

    def find(self, text: str) -> list[Hit]:
        hits = _find(self._labels, text)
        hits = [h for h in hits if not any(self._swallowed(h, o) for o in hits)]
        hits = sorted(hits, key=lambda h: (h.start, h.end, h.key))
        dropped = self._means_word_by_word(text, hits) | self._publics_as_examples(text, hits)
        dropped |= {h for h in hits if _in_example(text, h)}
        dropped |= {h for h in hits if self._aside(text, h)}
        hits = [h for h in hits if h not in dropped]
        words = [matching.Token(*w) for w in _tokens(text)]
        out = []
        for h in hits:
            narrower = [o for o in hits if h.key in self._ancestors.get(o.key, frozenset())]
            inside = [t for t in words if h.start <= t.start and t.end <= h.end]
            redundant = bool(narrower) and (
                all(any(o.start <= t.start and t.end <= o.end for o in narrower) for t in inside)
                or any(o.end <= h.start and _complement(text[o.end : h.start]) for o in narrower)
            )
            if not redundant:
                out.append(h)
        return out

    def _means_word_by_word(self, text: str, hits: list[Hit]) -> set[Hit]:
        from app.enrichment import theme_rules

        spans = [(h.start, h.end) for h in _find(self._programme_labels, text)]
        dropped: set[Hit] = set()
        last_end = None
        for h in hits:
            programme = _label_keys(h.label)[0][1] or any(
                s <= h.start and h.end <= e for s, e in spans
            )
            if not programme:
                continue
            if theme_rules._MEANS.search(text[: h.start]) or (
                last_end is not None and _list_glue(text[last_end : h.start])
            ):
                dropped.add(h)
                last_end = h.end
        return dropped


def _list_glue(between: str) -> bool:
    from app.enrichment import theme_rules

    return bool(theme_rules._LIST_GLUE.match(between))


def _complement(between: str) -> bool:
    from app.enrichment import theme_rules

    return bool(theme_rules._COMPLEMENT.match(between))


def _in_example(text: str, hit: Hit) -> bool:
    from app.enrichment import theme_rules

    return theme_rules._in_example_list(text, hit)


_PROGRAMMES: Sequence[tuple[str, str]] = ()


@pytest.fixture(scope="module")
def matchers(repo_root: Path) -> tuple[MobilisationMatcher, SpecificMatcher, _Reference]:
    global _PROGRAMMES
    iris = Iris(DEFAULT_BASE_IRI)
    vocabularies = vocabulary_graphs(repo_root / "ontology", iris)
    _PROGRAMMES = _dispositif_labels(vocabularies["dispositifs"])
    themes = theme_matcher(vocabularies["themes"], iris, vocabularies.get("dispositifs"))
    from app.enrichment.themes import theme_labels

    reference = _Reference(themes, theme_labels(vocabularies["themes"], iris))
    return MobilisationMatcher(_PROGRAMMES), themes, reference


@pytest.fixture(scope="module")
def texts(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    sys.path.insert(0, str(repo_root / "benchmarks"))
    from generate_yaml import generate_files

    paths = sorted((repo_root / "data" / "contrats").glob("*.yaml"))
    paths += generate_files(3, tmp_path_factory.mktemp("g3"))
    labels = [e.label for path in paths for e in load_contrat(path).elements]
    words = " ".join(labels).split() + [
        *"( ) , ; : . « » - – via hors cf. notamment dont sans sauf l' d’ L' qu' et des".split(),
        *"PRE CLS REP+ GUSP NPNRU PRU CLAS QPV A1 l'' jusqu' santé-mentale".split(),
        "en lien avec", "grâce à", "par exemple", "en dehors des", "à l'exception du",
        "(ex :", "acteurs (", "volet «", "y compris",
    ]  # fmt: skip
    rng = random.Random(5)
    return labels + [
        " ".join(rng.choice(words) for _ in range(rng.randint(1, 25))) for _ in range(3000)
    ]


def test_tokens_are_the_regexes_tokens(texts: list[str]) -> None:
    for text in texts:
        assert [tuple(t) for t in matching.tokens(text)] == _tokens(text), text


def test_plain_matches_are_word_by_word_matches(
    matchers: tuple[MobilisationMatcher, SpecificMatcher, _Reference], texts: list[str]
) -> None:
    mobilisation, themes, reference = matchers
    plain = LabelMatcher(reference._labels)
    for text in texts:
        assert plain.find(text) == _find(reference._labels, text), text
        assert LabelMatcher.find(themes, text) == _find(reference._labels, text), text
        expected = [h for h in _find(_PROGRAMMES, text) if exclusion_before(text, h.start) is None]
        assert mobilisation.find(text) == expected, text
        assert mobilisation.find(text) == expected, text  # remembered: the same answer


def test_theme_rules_find_what_the_pairwise_code_found(
    matchers: tuple[MobilisationMatcher, SpecificMatcher, _Reference], texts: list[str]
) -> None:
    mobilisation, themes, reference = matchers
    found = 0
    for text in texts:
        mobilisation.find(text)  # as the build: the programmes' answers remembered first
        expected = reference.find(text)
        assert themes.find(text) == expected, text
        found += len(expected)
    assert found > 1000  # the texts do name themes


def test_elements_sorted_as_rdflib_sorts_terms() -> None:
    """The elements are tagged in rdflib's term order; IRIs alone are sorted by their
    text (rdflib's own rule for two IRIs), mixed terms by rdflib."""
    from rdflib import BNode, Literal, URIRef

    from app.enrichment.tagging import _sorted_terms

    rng = random.Random(1)
    for _ in range(2000):
        nodes: list[Any] = [
            URIRef(
                "https://x/" + "".join(rng.choice("aB/É-_9Zé") for _ in range(rng.randint(0, 6)))
            )
            for _ in range(rng.randint(0, 20))
        ]
        if rng.random() < 0.3:
            nodes.append(BNode("zz9"))
        if rng.random() < 0.2:
            nodes.append(Literal("zz"))
        assert _sorted_terms(nodes) == sorted(set(nodes))

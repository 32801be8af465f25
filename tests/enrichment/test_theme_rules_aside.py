"""Matches the theme rules set aside (examples, sections, cross-references, *hors*).

Rules of ``app/enrichment/theme_rules.py`` (its docstring): a match in a
parenthesis opened by *ex :* or *par exemple*, in the quoted name of a section
after *volet*, after *cf.* or right after *hors* counts for nothing; the same
words elsewhere, or in a parenthesis that gives no example, are a theme. The
two rules that need a parenthesis or a « are only tried when the text before
the match has one: checked here on both sides.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import DEFAULT_BASE_IRI
from app.enrichment.theme_rules import SpecificMatcher
from app.enrichment.themes import theme_matcher
from app.rdf.namespaces import Iris
from app.vocabularies import vocabulary_graphs

REPO_ROOT = Path(__file__).resolve().parents[2]
MENTAL_HEALTH = DEFAULT_BASE_IRI + "theme/sante-mentale"


@pytest.fixture(scope="module")
def matcher() -> SpecificMatcher:
    iris = Iris(DEFAULT_BASE_IRI)
    vocabularies = vocabulary_graphs(REPO_ROOT / "ontology", iris)
    return theme_matcher(vocabularies["themes"], iris, vocabularies.get("dispositifs"))


@pytest.mark.parametrize(
    "text",
    [
        "Développer des actions de prévention (ex : santé mentale)",
        "Agir auprès des habitants (par exemple la santé mentale)",
        "Au titre du volet « santé mentale », agir",
        "Au titre des volets « emploi » et « santé mentale »",
        "Renforcer les actions cf. santé mentale",
        "Agir hors santé mentale",
    ],
)
def test_set_aside(matcher: SpecificMatcher, text: str) -> None:
    assert MENTAL_HEALTH not in {h.key for h in matcher.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Développer la santé mentale des habitants",
        "Agir (voir santé mentale)",  # a parenthesis, no example
        "Agir (ex : emploi) pour la santé mentale",  # the example closed before the match
        "Le volet « emploi » : la santé mentale des habitants",  # the section named before
    ],
)
def test_kept(matcher: SpecificMatcher, text: str) -> None:
    assert MENTAL_HEALTH in {h.key for h in matcher.find(text)}

"""The general rules that refine a theme's raw matches, and the matcher applying them.

A theme is tagged for what the element's own words name, as specifically as they name
it (the thesaurus and the tagging itself are in :mod:`app.enrichment.themes`):

* **longest match**: when the words matched for one theme lie strictly inside the
  words matched for another (``santé`` inside ``éducation à la santé``, ``jeunes``
  inside ``jeunes entreprises``), only the longer match counts — unless the longer
  one is a broad theme's own name (prefLabel, altLabel) that spells out one of its
  narrower themes: ``Cadre de vie et renouvellement urbain`` names both;
* **broad themes are kept when named**: an element that names a broad topic and one
  of its narrower ones (``santé`` and ``santé mentale`` as separate words) carries
  both; a search through ``skos:broader*`` reaches the broad theme anyway. A broad
  theme's match is dropped only when it repeats a narrower one: all its words are
  words of narrower matches (``culture, sport et loisirs`` → the three narrower
  themes), or it is the complement of a narrower match (``remise en état des
  logements`` → rehabilitation, not housing in general);
* **a programme named only as a means** is not a theme: a match on an acronym or on
  the name of a dispositif (``ontology/dispositifs.ttl``) in a phrase opened by *via*,
  *notamment par*, *en lien avec*, *articulation avec*, *grâce à*, *par le biais de*,
  *au moyen de* (up to the next punctuation: ``notamment par la GUSP``, ``via des
  projets d'ESS``) counts for nothing, nor do the programmes enumerated right after
  it (``articulation avec la MLDS, le …``). Whatever comes right after *hors* is
  excluded (``hors PRU``, ``hors établissements scolaires``), and nothing after *cf.*
  (up to the end of its parenthesis) counts: it is a cross-reference;
* **publics**: the themes of the collection ``cdvid:themes-publics`` (young people,
  women, people in poverty, parents and families) are tagged when their public is the
  element's target. A match on one of their hidden labels — the words naming the
  people, ``jeunes``, ``femmes``, ``précaires``, ``familles`` — counts for nothing
  after *notamment*, *en particulier*, *dont*, *y compris*, *par exemple*, nor when it
  is listed with another such public (``des jeunes et des femmes``, ``(jeunes ;
  publics précaires)``);
* **illustrative lists**: matches inside a parenthesis that follows a collective noun
  (acteurs, partenaires, structures, publics, professionnels, dispositifs… : ``les
  acteurs des quartiers (associations, bailleurs, …)``) count for nothing: they are
  examples of who acts or is reached, not topics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from app.enrichment.matching import (
    Hit,
    LabelMatcher,
    Token,
    label_keys,
    programme_matcher,
    tokens,
)

_DETERMINERS = r"(?:(?:le|la|les|des|du|de|un|une|ses|son|sa|leur|leurs|au|aux)\s+|(?:l|d)['’]\s*)*"
# A programme in the phrase these words open (up to the next punctuation) is a means.
_MEANS = re.compile(
    r"\b(?:via|notamment par|par le biais d(?:e|u|es|['’])|en lien avec|articulation avec"
    r"|gr[âa]ce [àa]|au moyen d(?:e|u|es|['’]))(?:\b|(?<=['’]))[^,;:.()]*$",
    re.IGNORECASE,
)
# What comes right after "hors" is excluded: a venue or a programme left aside.
_EXCLUDED = re.compile(r"\bhors\s+" + _DETERMINERS + r"$", re.IGNORECASE)
# Whatever follows "cf." (up to the end of its parenthesis) is a cross-reference.
_REFERENCE = re.compile(r"\bcf\.?\s[^()]*$", re.IGNORECASE)
# A public right after one of these words is an example among others, not the target.
_EXAMPLE = re.compile(
    r"(?:\bnotamment|\ben particulier|\bdont|\by compris|\bpar exemple)[\s,]*"
    r"(?:(?:chez|aupr[èe]s|pour|parmi|envers|vers|[àa])\s+)?" + _DETERMINERS + r"$",
    re.IGNORECASE,
)
# A parenthesis opened by "ex :" / "par exemple" gives examples, not topics.
_EXAMPLES_PARENTHESIS = re.compile(r"\(\s*(?:ex\b\s*[.:]?|par exemple)[^()]*$", re.IGNORECASE)
# The name of a section of the plan, in quotes after "volet(s)", and the names
# enumerated after it (« cohésion sociale » et « habitat et cadre de vie »).
_SECTION_NAME = re.compile(r"\bvolets?\s*«[^«»]*(?:»\s*(?:,|et|ou)\s*«[^«»]*)*$", re.IGNORECASE)
# Between two items of one enumeration.
_LIST_GLUE = re.compile(
    r"^\s*(?:[,;/+]\s*(?:(?:et|ou)\s+)?|(?:et|ou)\s+)" + _DETERMINERS + r"$", re.IGNORECASE
)
# A parenthesis after these nouns lists examples of actors, publics or programmes.
_COLLECTIVE = re.compile(
    r"\b(?:acteurs?|actrices?|partenaires?|structures?|publics?|professionnels?|op[ée]rateurs?"
    r"|institutions?|intervenants?|dispositifs?)\b(?:\s+[^\s()]+){0,3}\s*\($",
    re.IGNORECASE,
)
# Between a narrower theme and a broad theme's word that is its complement
# ("remise en état des logements").
_COMPLEMENT = re.compile(
    r"^\s*(?:de|des|du|d['’]|à|au|aux)\s*(?:(?:la|l['’]|les)\s*)?(?:[^\s,;:.()]+\s+)?$",
    re.IGNORECASE,
)


class SpecificMatcher(LabelMatcher):
    """A label matcher applying the thesaurus's general rules (see the module docstring).

    ``ancestors`` gives each theme's broader themes; ``names`` the (theme, label) pairs
    that are a theme's own names (prefLabel, altLabel); ``publics`` the pairs that name
    a public; ``programmes`` the labels of programmes (dispositifs),
    besides acronyms, whose mention as a means is not a theme.
    """

    def __init__(
        self,
        labels: Iterable[tuple[str, str]],
        ancestors: Mapping[str, frozenset[str]],
        names: frozenset[tuple[str, str]] = frozenset(),
        publics: frozenset[tuple[str, str]] = frozenset(),
        programmes: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__(labels)
        self._ancestors = ancestors
        self._names = names
        self._publics = publics
        self._programmes = programme_matcher(tuple(programmes))

    def find(self, text: str) -> list[Hit]:
        hits = super().find(text)
        hits = [h for h in hits if not self._swallowed_by_any(h, hits)]
        hits = sorted(hits, key=lambda h: (h.start, h.end, h.key))
        dropped = self._means(text, hits) | self._publics_as_examples(text, hits)
        dropped |= {h for h in hits if _in_example_list(text, h)}
        dropped |= {h for h in hits if self._aside(text, h)}
        hits = [h for h in hits if h not in dropped]
        words = tokens(text)
        lineages = [self._ancestors.get(o.key, _NONE) for o in hits]
        return [h for h in hits if not self._redundant_broad(h, hits, lineages, words, text)]

    def _swallowed_by_any(self, inner: Hit, hits: list[Hit]) -> bool:
        """Whether another match swallows ``inner`` (only a longer span holding it can:
        tested first, inline, for each pair of matches)."""
        start, end = inner.start, inner.end
        length = end - start
        for o in hits:
            if (
                o.start <= start
                and end <= o.end
                and o.end - o.start > length
                and self._swallowed(inner, o)
            ):
                return True
        return False

    def _aside(self, text: str, hit: Hit) -> bool:
        """The match gives examples, names a section of the plan, lies in a list of
        programmes, follows *cf.* or *hors*. (The two patterns that need a parenthesis
        or a « are only tried where the text before the match has one: each is tried
        at every character of it.)"""
        before = text[: hit.start]
        return bool(
            ("(" in before and _EXAMPLES_PARENTHESIS.search(before))
            or ("«" in before and _SECTION_NAME.search(before))
            or self._in_programme_list(text, hit)
            or _REFERENCE.search(before)
            or _EXCLUDED.search(before)
        )

    def _swallowed(self, inner: Hit, outer: Hit) -> bool:
        """Inner lies strictly inside outer's words, and outer is not a broad theme's name
        spelling out inner's narrower theme (``Cadre de vie et renouvellement urbain``).
        (Tried for every pair of matches: the cheap tests first.)"""
        if outer.key == inner.key or not _strictly_inside(inner, outer):
            return False
        return not (
            (outer.key, outer.label) in self._names
            and outer.key in self._ancestors.get(inner.key, frozenset())
        )

    def _redundant_broad(
        self,
        hit: Hit,
        hits: list[Hit],
        lineages: list[frozenset[str]],
        words: list[Token],
        text: str,
    ) -> bool:
        """A broad theme's match that only repeats one of its narrower themes: all its
        words are words of narrower matches (``culture, aux loisirs``), or it is the
        complement of a narrower match (``remise en état des logements``). (``lineages``:
        each match's broader themes, read once for all the matches.)"""
        key = hit.key
        narrower = [o for o, lineage in zip(hits, lineages, strict=True) if key in lineage]
        if not narrower:
            return False
        inside = [t for t in words if hit.start <= t.start and t.end <= hit.end]
        if all(any(o.start <= t.start and t.end <= o.end for o in narrower) for t in inside):
            return True
        return any(
            o.end <= hit.start and _COMPLEMENT.match(text[o.end : hit.start]) for o in narrower
        )

    def _means(self, text: str, hits: list[Hit]) -> set[Hit]:
        """Programmes named as a means (*via*, *notamment par*, *en lien avec*…), and those
        enumerated right after them."""
        spans = [(h.start, h.end) for h in self._programmes.find(text)]
        dropped: set[Hit] = set()
        last_end = None
        for h in hits:
            programme = _acronym_label(h.label) or any(
                s <= h.start and h.end <= e for s, e in spans
            )
            if not programme:
                continue
            if _MEANS.search(text[: h.start]) or (
                last_end is not None and _LIST_GLUE.match(text[last_end : h.start])
            ):
                dropped.add(h)
                last_end = h.end
        return dropped

    def _in_programme_list(self, text: str, hit: Hit) -> bool:
        """The match lies in a parenthesis that only lists programmes (``(PRE, PRIJ)``,
        ``(Cité éducative, Contrat local de santé, GUSP)``): the means, not the topic."""
        opening = text.rfind("(", 0, hit.start)
        if opening < 0 or ")" in text[opening : hit.start]:
            return False
        closing = text.find(")", hit.end)
        inside = text[opening + 1 : closing if closing >= 0 else len(text)]
        words = [t for t in tokens(inside) if t.key not in _LIST_WORDS]
        spans = [(h.start, h.end) for h in self._programmes.find(inside)]
        return bool(words) and all(
            _ACRONYM_WORD.match(t.text) or any(s <= t.start and t.end <= e for s, e in spans)
            for t in words
        )

    def _publics_as_examples(self, text: str, hits: list[Hit]) -> set[Hit]:
        """Publics given as examples (*notamment les jeunes*) or listed with another public
        (*des jeunes et des femmes*, *(jeunes ; publics précaires)*)."""
        publics = [h for h in hits if (h.key, h.label) in self._publics]
        dropped = {h for h in publics if _EXAMPLE.search(text[: h.start])}
        for a in publics:
            for b in publics:
                if a.key == b.key or a.end > b.start:
                    continue
                between = text[a.end : b.start]
                if _LIST_GLUE.match(between) or (
                    "(" in text[: a.start] and _same_parenthesis(text, a, b)
                ):
                    dropped |= {a, b}
        return dropped


_LIST_WORDS = frozenset({"etc"})
_NONE: frozenset[str] = frozenset()


@lru_cache(maxsize=4096)
def _acronym_label(label: str) -> bool:
    """A label matched as an acronym (by the thesaurus's finite labels: read once each)."""
    return bool(label_keys(label)[0][1])


_ACRONYM_WORD = re.compile(r"^[A-Z][A-Z0-9]{1,5}\+?$")


def _same_parenthesis(text: str, a: Hit, b: Hit) -> bool:
    """``a`` and ``b`` (a before b) lie inside one parenthesis."""
    opening = text.rfind("(", 0, a.start)
    return (
        opening >= 0
        and ")" not in text[opening : a.start]
        and not any(c in text[a.end : b.start] for c in "()")
    )


def _in_example_list(text: str, hit: Hit) -> bool:
    """The match lies in a parenthesis listing actors, publics or programmes."""
    opening = text.rfind("(", 0, hit.start)
    if opening < 0 or ")" in text[opening : hit.start]:
        return False
    return bool(_COLLECTIVE.search(text[: opening + 1]))


def _strictly_inside(inner: Hit, outer: Hit) -> bool:
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and (outer.end - outer.start) > (inner.end - inner.start)
    )

"""Level words of French contracts and the ontology class each one names.

The table mirrors docs/data-format.md ("Classes"): the document keeps its own
word (``niveau``), the class is where that word sits in the ontology.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

PILIER, AXE, TRANSVERSALE = "Pilier", "Axe", "ThematiqueTransversale"
OS, OO, MODALITE, CONSTAT = (
    "ObjectifStrategique",
    "ObjectifOperationnel",
    "ModaliteAction",
    "Constat",
)
RANK = {PILIER: 0, AXE: 1, TRANSVERSALE: 1, CONSTAT: 2, OS: 2, OO: 3, MODALITE: 4}
CONTEXTUAL = "?"  # "objectif" alone: strategic or operational depending on its parent

# Longest phrases first: "axe transversal" before "axe".
_PHRASES: list[tuple[str, str]] = [
    ("axe strategique transversal", TRANSVERSALE),
    ("axe transversal", TRANSVERSALE),
    ("thematique transversal", TRANSVERSALE),
    ("ambition transversal", TRANSVERSALE),
    ("ambition tranversal", TRANSVERSALE),
    ("priorite transversal", TRANSVERSALE),
    ("theme transversal", TRANSVERSALE),
    ("enjeu transversal", TRANSVERSALE),
    ("orientation transversal", TRANSVERSALE),
    ("premier niveau d'objectif", OS),
    ("second niveau d'objectif", OO),
    ("deuxieme niveau d'objectif", OO),
    ("objectif strategique", OS),
    ("objectif general", OS),
    ("grand objectif", OS),
    ("objectif operationnel", OO),
    ("objectif specifique", OO),
    ("sous-objectif", OO),
    ("orientation strategique", OS),
    ("priorite strategique", OS),
    ("priorite thematique", AXE),
    ("axe strategique", AXE),
    ("axe thematique", AXE),
    ("ambition thematique", AXE),
    ("modalite d'action", MODALITE),
    ("modalite d'intervention", MODALITE),
    ("plan d'action", MODALITE),
    ("fiche action", MODALITE),
    ("fiche-action", MODALITE),
    ("piste d'action", MODALITE),
    ("grand enjeu", CONSTAT),
    ("pilier", PILIER),
    ("ambition", AXE),
    ("thematique", AXE),
    ("volet", AXE),
    ("sous-theme", OS),
    ("theme", AXE),
    ("axe", AXE),
    ("enjeu", OS),
    ("orientation", OS),
    ("priorite", OS),
    ("objectif", CONTEXTUAL),
    ("modalite", MODALITE),
    ("action", MODALITE),
    ("mesure", MODALITE),
    ("constat", CONSTAT),
]
# Words that may surround level words in a caption ("Deux thématiques transversales").
_FILLER = {
    "un",
    "une",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "le",
    "la",
    "les",
    "des",
    "de",
    "du",
    "et",
    "nos",
    "ses",
    "leurs",
    "grands",
    "grandes",
    "principaux",
    "principales",
    "niveau",
    "niveaux",
    "detaille",
    "detaillee",
}
# Words that qualify the level before them in a caption or a table header (« Actions
# envisagées », « Axes prioritaires », « Actions à mener », « Objectifs poursuivis »), and
# words that may open one (« Exemples d'actions », « Principales orientations »), as
# ``fold`` writes them.
_QUALIFIERS = set(
    "prioritaire envisage envisagee propose proposee phare vise visee poursuivi poursuivie "
    "identifie identifiee retenu retenue cle majeur majeure concret concrete prevu prevue "
    "a mener conduire engager developper venir mis mise en oeuvre cour "
    "associe associee correspondant correspondante decline declinee".split()
)
_OPENERS = set("exemple quelque liste proposition principal principale nouveau nouvelle".split())
_ELIDED = re.compile(r"(?i)[dl]['’](?P<word>\w.*)")  # « d'actions », « l'action »
_YEARS = re.compile(r"^\d+(?:-\d{4})?$")  # counts, years, periods (« 2024-2030 »)
_CODE = re.compile(r"^\d{1,2}$")  # « Axe 1 », « Objectif 2 »: a code, after a level word
ATTENDUS = ("resultats attendus", "resultat attendu", "attendus", "effets attendus")
INDICATEURS = ("indicateurs", "indicateur", "indicateurs de suivi", "indicateurs d'evaluation")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case, no accents, typographic apostrophes straightened, plurals singular."""
    text = unicodedata.normalize("NFD", text.replace("’", "'").replace("`", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = []
    for w in re.findall(r"[a-z0-9']+(?:-[a-z0-9']+)*", text):
        if w.endswith("aux") and len(w) > 4:
            w = w[:-3] + "al"
        elif w.endswith(("s", "x")) and len(w) > 3:
            w = w[:-1]
        if w.endswith("e") and w[:-1] in {"transversal", "tranversal"}:
            w = w[:-1]
        words.append(w)
    return " ".join(words)


_BY_FIRST_WORD: dict[str, list[tuple[str, str]]] = {}
for _phrase, _classe in _PHRASES:  # longest first within each first word, as in _PHRASES
    _BY_FIRST_WORD.setdefault(_phrase.split()[0], []).append((_phrase, _classe))


def _match(folded: str) -> tuple[str, str, int] | None:
    """The level phrase at the start of ``folded``: (phrase, class, length in chars)."""
    for phrase, classe in _BY_FIRST_WORD.get(folded.split(" ", 1)[0], ()):
        if folded == phrase or folded.startswith(phrase + " "):
            return phrase, classe, len(phrase)
    return None


# Abbreviations contracts print for their objectives (« OS 1 : … », « OO 1.2 – … », a
# header « OS | OO | Actions »), in capitals only: in lower case they name nothing.
ABBREVIATIONS = {"OS": OS, "OO": OO, "OG": OS, "OSt": OS, "OST": OS, "OOp": OO, "OOP": OO}


def leading_level(text: str) -> tuple[str, int] | None:
    """The class named by the level word(s) ``text`` starts with, and how many words they take.

    >>> leading_level("Orientation 1.1 : Inscrire la Culture")
    ('ObjectifStrategique', 1)
    >>> leading_level("Axe stratégique 2 – RENFORCER")
    ('Axe', 2)
    >>> leading_level("OO 1.2 – Lever les freins"), leading_level("Oo la la")
    (('ObjectifOperationnel', 1), None)
    """
    words = text.split()[:5]
    if words and words[0].rstrip(".:–—-") in ABBREVIATIONS:
        return ABBREVIATIONS[words[0].rstrip(".:–—-")], 1
    found = _match(fold(" ".join(words)))  # level words come first, 4 at most
    if found is None:
        return None
    return found[1], len(found[0].split())


def caption_levels(text: str) -> list[tuple[str, str]] | None:
    """If ``text`` only names levels ("Objectifs stratégiques Objectifs opérationnels"),
    the (class, printed words) of each; else None.

    >>> [c for c, _ in caption_levels("Enjeux | Objectifs | Modalités d'action")]
    ['ObjectifStrategique', '?', 'ModaliteAction']
    >>> caption_levels("Favoriser le bien vivre") is None
    True
    """
    raw = re.findall(r"[\w’']+(?:-[\w’']+)*", text)
    levels: list[tuple[str, str]] = []
    i, after_level = 0, False
    while i < len(raw):
        if raw[i] in ABBREVIATIONS:
            levels.append((ABBREVIATIONS[raw[i]], raw[i]))
            i, after_level = i + 1, True
            continue
        rest = fold(" ".join(raw[i:]))
        found = _match(rest)
        if found:
            n = len(found[0].split())
            levels.append((found[1], " ".join(raw[i : i + n]).replace("' ", "'")))
            i, after_level = i + n, True
            continue
        if after_level and _CODE.match(raw[i]):
            return None  # « Axe 1 : Thème 1 »: a level word and its code name an element
        after_level = False
        if (elided := _ELIDED.match(raw[i])) and (found := _match(fold(elided["word"]))):
            # « Exemples d'actions »: the level word after an elided « de »
            n = len(found[0].split())
            words = [elided["word"], *raw[i + 1 : i + n]]
            levels.append((found[1], " ".join(words).replace("' ", "'")))
            i, after_level = i + n, True
            continue
        folded = fold(raw[i].replace("œ", "oe"))
        if (
            folded in _FILLER
            or folded in _OPENERS
            or (levels and folded in _QUALIFIERS)
            or raw[i].lower() in _FILLER
        ):
            i += 1
            continue
        if _YEARS.match(raw[i]):
            i += 1
            continue
        return None
    return _printed(text, levels) if levels else None


def _printed(text: str, levels: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Recover each level's words exactly as printed (apostrophes, accents)."""
    out = []
    for classe, words in levels:
        m = re.search(r"\s*".join(re.escape(w) for w in re.split(r"\s+|(?<=')", words) if w), text)
        out.append((classe, m.group(0) if m else words))
    return out


def singular(niveau: str) -> str:
    """ "Objectifs opérationnels" → "Objectif opérationnel" (the level's name for one element).

    >>> singular("Modalités d'actions")
    "Modalité d'action"
    """
    words = []
    for w in niveau.split():
        lw = w.lower()
        if lw.endswith("aux") and len(w) > 4:
            w = w[:-3] + ("AL" if w.isupper() else "al")
        elif lw.endswith("eux") and len(w) > 4:
            w = w[:-1]  # Enjeux → Enjeu
        elif lw.endswith("s") and len(w) > 3 and not lw.endswith("ss"):
            w = w[:-1]
        words.append(w)
    text = " ".join(words)
    text = text[0] + text[1:].lower() if text.isupper() else text
    return text[0].upper() + text[1:]


def default_child(parent_class: str | None) -> str:
    """The class of an element under ``parent_class`` when no level word is printed."""
    return {
        None: AXE,
        PILIER: AXE,
        AXE: OS,
        TRANSVERSALE: OS,
        CONSTAT: CONSTAT,
        OS: OO,
        OO: OO,
        MODALITE: MODALITE,
    }[parent_class]

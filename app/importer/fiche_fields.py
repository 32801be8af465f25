"""Names that are not levels: the fields of « fiches actions » (« Intitulé de
l'action », « Pilote », « Indicateurs »: what each says the value beside it is) and
the columns of strategy tables that hold no level (pilots, calendar, indicators).

Apart from the sheets' reading (``fiches``) because the PDF reader needs them (to
find a sheet printed without rules, ``pdf_unruled``) and so does the joining of
wrapped lines (« Pilote : … » never goes on a label, ``units``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.importer.vocabulary import MODALITE, TRANSVERSALE, caption_levels, fold, singular

_OTHER_COLUMNS = {
    "indicateur": "indicateurs",
    "indicateurs de suivi": "indicateurs",
    "resultat attendu": "resultats_attendus",
    "attendu": "resultats_attendus",
}
_SKIPPED_COLUMNS = (
    "n",
    "no",
    "numero",
    "ref",
    "reference",
    "code",
    "pilote",
    "porteur",
    "partenaire",
    "calendrier",
    "echeance",
    "echeancier",
    "budget",
    "financement",
    "cout",
    "moyen",
    "public",
    "quartier",
    "territoire",
    "dispositif",
    "acteur",
    "responsable",
    "observation",
    "commentaire",
    "date",
    "duree",
    "statut",
    "valeur",
    "cible",
    "situation",
    "source",
    "frequence",
    "periodicite",
    "unite",
    "annee",
    "tendance",
)


def other_column(header: str) -> str | None:
    """A table column that is not a level: « indicateurs », « résultats attendus »,
    « description », or one of pilots, partners, calendar, budget… (then "skip")."""
    folded = fold(header.strip().rstrip(":"))
    if folded in _OTHER_COLUMNS:
        return _OTHER_COLUMNS[folded]
    if folded in _DESCRIPTION:
        return "description"
    words = folded.split()
    if 0 < len(words) <= 4 and words[0] in _SKIPPED_COLUMNS:
        return "skip"
    return None


TITLE = "titre"
LEVEL = "niveau"
OTHER = "autre"  # pilots, partners, calendar… : not strategy
UNKNOWN = "inconnu"  # a short name the lists below do not know: skipped inside a sheet


def folded(*names: str) -> frozenset[str]:
    return frozenset(fold(n) for n in names)


_TITLES = folded(
    "intitulé",
    "intitulé de l'action",
    "intitulé du projet",
    "intitulé de la fiche",
    "nom de l'action",
    "nom du projet",
    "titre",
    "titre de l'action",
    "libellé",
    "libellé de l'action",
    "action",
    "projet",
)
_DESCRIPTION = folded(
    "description",
    "description de l'action",
    "description du projet",
    "descriptif",
    "descriptif de l'action",
    "contenu",
    "contenu de l'action",
    "objectif de l'action",
    "objectifs de l'action",
    "objectifs du projet",
    "finalité",
    "finalités de l'action",
    "mise en œuvre",
    "modalités de mise en œuvre",
    "présentation de l'action",
    "détail de l'action",
    "contexte",
    "contexte et enjeux",
    "justification",
    "diagnostic",
)
_RESULTS = folded("résultats attendus", "résultat attendu", "effets attendus", "impacts attendus")
_OTHERS = folded(
    "public cible",
    "publics cibles",
    "public visé",
    "bénéficiaires",
    "quartiers concernés",
    "quartier prioritaire",
    "qpv concernés",
    "lieu",
    "localisation",
    "contact",
    "référent",
    "maître d'ouvrage",
    "opérateur",
    "porteur de projet",
    "plan de financement",
    "montant",
    "articulation avec les dispositifs",
    "dispositifs mobilisés",
    "modalités d'évaluation",
    "modalités de suivi",
    "état d'avancement",
)
_PLURAL = re.compile(r"\((?:s|x|es|e|e\)\(s)\)")
_NAME = re.compile(r"^[^\d.;!?]{2,60}$")


@dataclass
class Field:
    kind: str  # TITLE, LEVEL, description, indicateurs, resultats_attendus, OTHER, UNKNOWN
    name: str  # folded, to see a sheet start again
    classe: str | None = None
    niveau: str | None = None


def field_of(cell: str) -> Field | None:
    """What a first cell names, if it is a field name (« Intitulé de l'action : »)."""
    text = _PLURAL.sub("", " ".join(cell.split())).rstrip(" :")  # « Objectif(s) »
    if not _NAME.match(text) or len(text.split()) > 7:
        return None
    name = fold(text)
    if name in _TITLES:
        return Field(TITLE, name)
    if name in _DESCRIPTION:
        return Field("description", name)
    if name in _RESULTS:
        return Field("resultats_attendus", name)
    if name.startswith("indicateur"):
        return Field("indicateurs", name)
    levels = caption_levels(text)
    if levels and len(levels) == 1 and fold(levels[0][1]) == name:  # not « Thème LA »
        classe, niveau = levels[0]
        if classe == MODALITE:
            return Field(TITLE, name)  # « Action », « Fiche action »
        if classe == TRANSVERSALE:
            return Field(OTHER, name)  # a priority the action serves, not a level above it
        return Field(LEVEL, name, classe, singular(niveau))
    if name in _OTHERS or other_column(text) == "skip":
        return Field(OTHER, name)
    return Field(UNKNOWN, name)


def known_field(cell: str) -> bool:
    """Whether ``cell`` is a field name of the lists above (« Pilote », « Axe »)."""
    found = field_of(cell)
    return found is not None and found.kind != UNKNOWN

"""Chapters every contrat de ville has around its strategy (context, method, legal
frame, steering), known by their titles: the recognition keeps them out of the tree
(``flow._context_heading``, ``recognise._prune``) unless a title also names a level.
"""

from __future__ import annotations

import re

from app.importer.vocabulary import fold

_CONTEXT = (
    "rappel",
    "contexte",
    "diagnostic",
    "presentation",
    "introduction",
    "gouvernance",
    "evaluation",
    "preambule",
    "methode",
    "methodologie",
    "elaboration",
    "caracteristique",
    "historique",
    "bilan",
    "perimetre",
    "annexe",
    "glossaire",
    "lexique",
    "sigle",
    "partenaire",
    "signature",
    "signataire",
    "sommaire",
    "note",  # « Notes » (notes.py), « Note de cadrage »
    "pilotage",
    "financement",
    "cadre reglementaire",
    "cadre legal",
    "cadre juridique",
    "suivi et evaluation",
    "geographie prioritaire",
    "geographie reglementaire",
)
_STRATEGY = (
    "enjeu",
    "priorit",
    "orientation",
    "objectif",
    "axe",
    "pilier",
    "ambition",
    "action",
    "strateg",
    "thematique",
    "volet",
    "constat",
)


def context_chapter(label: str) -> bool:
    """A chapter around the strategy (« Gouvernance et évaluation », « Annexe 3 – Liste
    des QPV »), not one of its levels: a context word and no level word."""
    folded = fold(label)
    words = folded.split()
    context = any(re.search(rf"\b{re.escape(c)}\b", folded) for c in _CONTEXT)
    # « quartiers prioritaires » names the territory, not a level (« priorité »)
    return context and not any(
        w.startswith(_STRATEGY) and not w.startswith("prioritair") for w in words
    )

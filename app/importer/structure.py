"""The places the shapes allow each class, checked on the draft: an element the
importer drafted where the build would refuse it is flagged, with the rule it breaks.

Why: an objective from an annex table with nothing above it, an action under an axis
(no objective printed between them), a finding under an objective — each such draft
failed ``cvkg validate --draft`` on its SHACL shapes with no flag in the draft, so the
review page showed nothing to look at there. The rules are the shapes' own
(``shapes/cdv-shapes.ttl``: ``ObjectifOperationnelParentShape``,
``ModaliteSousObjectifShape``, ``ConstatShape``); the flag says which.
"""

from __future__ import annotations

from app.importer.drafted import Drafted
from app.importer.vocabulary import CONSTAT, MODALITE, OO, OS

_ACTION_PARENTS = (OO, MODALITE, OS)  # what an action may hang under


def misplaced(e: Drafted) -> str | None:
    """Why the shapes refuse ``e`` where it is drafted, or ``None``."""
    parent = e.parent
    if e.classe == OO and parent is None:
        return (
            "rattaché à aucun niveau : un objectif opérationnel se rattache à un niveau supérieur"
        )
    if e.classe == MODALITE and (parent is None or parent.classe not in _ACTION_PARENTS):
        where = f"à « {parent.label} » ({parent.classe})" if parent else "à aucun niveau"
        return (
            f"rattachée {where} : une modalité d'action se rattache à un objectif "
            "(ou à la modalité dont elle est une sous-puce)"
        )
    if e.classe == CONSTAT and parent is not None and parent.classe != CONSTAT:
        return (
            f"rattaché à « {parent.label} » ({parent.classe}) : un constat ne se rattache "
            "qu'à un autre constat"
        )
    return None

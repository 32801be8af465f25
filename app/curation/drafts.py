"""An importer's draft is not data: its « a_verifier » flags must be resolved first.

``cvkg import`` marks each element whose level or parent it is unsure of with
``a_verifier: "<why>"``. The curator reviews the draft (``cvkg review``), fixes
what needs fixing and removes the flag; until then ``cvkg validate`` and
``cvkg build`` refuse the file, so an unreviewed guess never enters the graph.
``cvkg validate --draft`` checks everything else of a draft.
"""

from __future__ import annotations

from app.curation.errors import CurationError
from app.curation.model import Contrat


def unreviewed(contrat: Contrat) -> list[CurationError]:
    """One error per element still flagged « a_verifier », at the line of the flag."""
    return [
        CurationError(
            contrat.path,
            e.key_line("a_verifier") or e.yaml_line,
            f"élément « {e.id} » à vérifier : {e.a_verifier} — brouillon non relu "
            "(corriger puis retirer « a_verifier » ; cvkg validate --draft l'accepte)",
        )
        for e in contrat.elements
        if e.a_verifier
    ]

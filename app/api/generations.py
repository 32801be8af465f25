"""``/api/generations``: what appears and disappears from one generation to the next.

Only the generation a source prints (``cdv:generation``) counts. A contract
without one is *unknown* here, never guessed: it is listed apart and counted
apart; when the curator inferred its generation (``cdv:generationInferee``),
the inferred value is reported beside it, labelled as inferred, and never
enters the 2015-2020 / 2024-2030 columns.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api import catalog, models
from app.api.deps import DataDep, GraphData
from app.api.tabular import TABULAR_RESPONSES, Answer, FormatParam, document, respond

router = APIRouter(tags=["générations"])
GENERATIONS = ("2015-2020", "2024-2030")
STATUTS = {
    "nouveau": "présent en 2024-2030, dans aucun contrat 2015-2020",
    "abandonné": "présent en 2015-2020, dans aucun contrat 2024-2030",
    "maintenu": "présent dans les deux générations",
    "indéterminé": "présent seulement dans des contrats de génération inconnue",
}
COLUMNS = [
    "type",
    "id",
    "label",
    "statut",
    "present_2015_2020",
    "present_2024_2030",
    "contrats_2015_2020",
    "contrats_2024_2030",
    "contrats_generation_inconnue",
    "dont_inferee_2015_2020",
    "dont_inferee_2024_2030",
]


def _entry(data: GraphData, r: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": r["type"],
        "id": data.slug(r["concept"]),
        "iri": r["concept"],
        "label": r.get("label"),
        "statut": r["statut"],
        "present_2015_2020": r["n2015"] > 0,
        "present_2024_2030": r["n2024"] > 0,
        "contrats_2015_2020": r["n2015"],
        "contrats_2024_2030": r["n2024"],
        "contrats_generation_inconnue": r["nInconnue"],
        "dont_inferee_2015_2020": r["nInferee2015"],
        "dont_inferee_2024_2030": r["nInferee2024"],
    }


def _unknown(data: GraphData) -> list[dict[str, Any]]:
    """Contracts without a printed generation, with the inferred one if any."""
    return [
        {
            "id": c["id"],
            "iri": c["iri"],
            "titre": c["titre"],
            "generation": None,
            "generation_inferee": c["generation_inferee"],
            "inferee": c["generation_inferee"] is not None,
            "raison_inference": c["raison_inference"],
        }
        for c in catalog.contrats(data).values()
        if c["generation"] is None
    ]


def rows(data: GraphData) -> list[dict[str, Any]]:
    """The rows of ``generations.rq``, read once per data version (at start-up: ≈ 1-2 s at
    2 000 contracts, which a first call would otherwise wait for)."""
    return data.memo(("catalog", "generations"), lambda: data.run("generations"))  # type: ignore[no-any-return]


def _answer(data: GraphData) -> Answer:
    entries = sorted(
        (_entry(data, r) for r in rows(data)),
        key=lambda e: (e["type"] != "theme", catalog.sort_key(e["label"])),
    )
    themes = [e for e in entries if e["type"] == "theme"]
    dispositifs = [e for e in entries if e["type"] == "dispositif"]
    contrats = catalog.contrats(data).values()
    counts = {g: sum(c["generation"] == g for c in contrats) for g in GENERATIONS}
    unknown = _unknown(data)
    doc = document(
        "generations",
        {},
        data,
        more=["contrats"],
        contrats_par_generation={**counts, "inconnue": len(unknown)},
        statuts=STATUTS,
        themes=themes,
        dispositifs=dispositifs,
        contrats_generation_inconnue=unknown,
    )
    return Answer(doc, COLUMNS, entries)


@router.get(
    "/generations",
    response_model=models.Generations,
    summary="Thèmes et dispositifs d'une génération à l'autre",
    responses=TABULAR_RESPONSES,
)
def get_generations(request: Request, data: DataDep, format: FormatParam = None) -> Response:
    """Per theme (itself or a narrower one) and per dispositif: how many 2015-2020
    and 2024-2030 contracts have it, and its status — `nouveau` (in 2024-2030, in
    no 2015-2020 contract), `abandonné` (the reverse), `maintenu`, `indéterminé`.
    Contracts whose generation the source does not print are counted apart
    (`contrats_generation_inconnue`, of which `dont_inferee_…` by the curator's
    inferred value) and listed apart, with the inferred value labelled as such.

    SPARQL: `/queries/generations.rq` (GROUP BY, not FILTER NOT EXISTS: it stays
    under a second at national scale), `/queries/contrats.rq`.
    """
    return respond(
        request, data, format, ("generations",), lambda: _answer(data), filename="generations"
    )

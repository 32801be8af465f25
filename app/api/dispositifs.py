"""``/api/dispositifs``: the programmes, and the contracts and elements mobilising each.

A link comes from the text naming the programme (rule, with the matched words)
or from the curator (``dispositifs:`` in a contract file) when an element relies
on a programme without naming it; the evidence says which.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from app.api import catalog, evidence, models
from app.api.deps import SLUG, DataDep, GraphData
from app.api.tabular import (
    TABULAR_RESPONSES,
    Answer,
    FormatParam,
    LimitParam,
    OffsetParam,
    document,
    page_size,
    respond,
)
from app.synthese import fait

router = APIRouter(prefix="/dispositifs", tags=["dispositifs"])

DispositifId = Annotated[
    str,
    Path(
        pattern=SLUG,
        description="Identifiant du dispositif (fin de son IRI), ex. `cls`.",
        examples=["cls"],
    ),
]


def _list_answer(data: GraphData) -> Answer:
    items = sorted(catalog.dispositifs(data).values(), key=lambda d: catalog.sort_key(d["label"]))
    doc = document("dispositifs", {"dispositif": None}, data, count=len(items), dispositifs=items)
    return Answer(doc, ["id", "sigle", "label", "label_en", "contrats", "elements", "iri"], items)


@router.get(
    "",
    response_model=models.DispositifList,
    summary="Les dispositifs, avec le nombre de contrats et d'éléments qui les mobilisent",
    responses=TABULAR_RESPONSES,
)
def list_dispositifs(request: Request, data: DataDep, format: FormatParam = None) -> Response:
    """Every programme of the vocabulary: acronym, labels (fr, en), and how many
    contracts and elements mobilise it (`cdv:mobilise`).

    SPARQL: `/queries/dispositifs.rq`.
    """
    return respond(
        request, data, format, ("dispositifs",), lambda: _list_answer(data), filename="dispositifs"
    )


def mobilisations(data: GraphData) -> dict[str, list[str]]:
    """The ids of the contracts mobilising each dispositif (by id), in id order
    (``mobilisations.rq``: the synthèse's shortcuts, read once per data version)."""

    def compute() -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in data.run("mobilisations"):
            out.setdefault(data.slug(r["dispositif"]), []).append(data.slug(r["contrat"]))
        return {d: sorted(ids) for d, ids in out.items()}

    return data.memo(("catalog", "mobilisations"), compute)  # type: ignore[no-any-return]


def _dispositif_answer(data: GraphData, ident: str, offset: int, limit: int) -> Answer:
    item = catalog.dispositif(data, ident)
    pages = evidence.Pages(
        "preuves-dispositif",
        mobilisations(data).get(ident, []),
        lambda ids: {"fait": [fait(data.base, c, "dispositif", item["iri"]) for c in ids]},
    )
    return evidence.concept_answer(
        data, "contrats-par-dispositif", ("dispositif", item), offset, limit, pages
    )


@router.get(
    "/{id}",
    response_model=models.DispositifContrats,
    summary="Les contrats et éléments qui mobilisent un dispositif",
    responses=TABULAR_RESPONSES,
)
def get_dispositif(
    request: Request,
    data: DataDep,
    id: DispositifId,
    offset: OffsetParam = 0,
    limit: LimitParam = None,
    format: FormatParam = None,
) -> Response:
    """The contracts mobilising the programme, each with its elements as evidence:
    text, path to the top of its tree, source line, method (`règle` with the
    matched words, or `curateur`). CSV: one row per element. `count` is the
    number of contracts; they come by pages of `limit`.

    SPARQL: `/queries/contrats-par-dispositif.rq`, read a page at a time with
    `/queries/mobilisations.rq` and `/queries/preuves-dispositif.rq` (paths:
    `/queries/chemins-faits.rq`).
    """
    limit = page_size(request, format, limit)
    return respond(
        request,
        data,
        format,
        ("dispositif", id, offset, limit),
        lambda: _dispositif_answer(data, id, offset, limit),
        filename=f"dispositif-{id}",
    )

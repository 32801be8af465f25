"""``/api/contrats``: the contracts, and one contract whole.

One contract comes with its strategy tree (nested, in the source's order), the
themes and dispositifs its elements carry (with the elements behind each) and
its key figures — what a researcher needs to read it next to another one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from app.api import catalog, models
from app.api.deps import SLUG, DataDep, GraphData
from app.api.tabular import (
    TABULAR_RESPONSES,
    Answer,
    FormatParam,
    LimitParam,
    OffsetParam,
    document,
    page,
    page_size,
    respond,
)
from app.queries.tree import nest

router = APIRouter(prefix="/contrats", tags=["contrats"])

ContratId = Annotated[
    str,
    Path(
        pattern=SLUG,
        description="Identifiant du contrat (`dcterms:identifier`).",
        examples=["ca-melun-val-de-seine-2024-2030"],
    ),
]
LIST_COLUMNS = [
    "id",
    "titre",
    "generation",
    "generation_inferee",
    "raison_inference",
    "source",
    "territoires",
    "elements",
    "themes",
    "dispositifs",
    "iri",
]
TREE_COLUMNS = [
    "element",
    "parent",
    "profondeur",
    "classe",
    "niveau",
    "notation",
    "rang",
    "label",
    "ligne_source",
    "themes",
    "dispositifs",
]


def _list_answer(data: GraphData, offset: int, limit: int) -> Answer:
    every = list(catalog.contrats(data).values())
    contrats, pagination = page(every, offset, limit, "/api/contrats")
    doc = document(
        "contrats",
        {"contrat": None},
        data,
        count=len(every),
        pagination=pagination,
        contrats=contrats,
    )
    return Answer(doc, LIST_COLUMNS, contrats)


@router.get(
    "",
    response_model=models.ContratList,
    summary="Les contrats",
    responses=TABULAR_RESPONSES,
)
def list_contrats(
    request: Request,
    data: DataDep,
    offset: OffsetParam = 0,
    limit: LimitParam = None,
    format: FormatParam = None,
) -> Response:
    """Every contract: title, generation as printed — or, apart, the curator's
    inferred generation with its reason —, source file, territories, and how many
    elements, distinct themes and distinct dispositifs it has. By pages of `limit`
    (`count` is the total).

    SPARQL: `/queries/contrats.rq`.
    """
    limit = page_size(request, format, limit)
    return respond(
        request,
        data,
        format,
        ("contrats", offset, limit),
        lambda: _list_answer(data, offset, limit),
        filename="contrats",
    )


def concepts(data: GraphData, rows: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Rows of ``concepts-par-contrat.rq`` of one kind, one entry per concept and contract."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        if r["type"] != kind:
            continue
        entry = out.setdefault(
            (r["concept"], r["id"]),
            {
                "id": data.slug(r["concept"]),
                "iri": r["concept"],
                "label": r.get("label"),
                "contrat": r["id"],
                "elements": [],
            },
        )
        entry["elements"].append(
            {
                "id": data.slug(r["element"]),
                "iri": r["element"],
                "label": r["elementLabel"],
                "ligne_source": r.get("ligne"),
            }
        )
    return sorted(
        out.values(), key=lambda c: (catalog.sort_key(c["label"] or c["id"]), c["contrat"])
    )


def _tree(
    data: GraphData, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The nested tree (roots first, children by rank) and its flat form with depths."""
    nodes: dict[str, dict[str, Any]] = {}
    for r in rows:
        nodes[r["element"]] = {
            "id": data.slug(r["element"]),
            "iri": r["element"],
            "classe": catalog.short_class(r.get("classe")),
            "niveau": r.get("niveau"),
            "notation": r.get("notation"),
            "rang": r.get("rang"),
            "label": r["label"],
            "ligne_source": r.get("ligne"),
            "themes": [data.slug(t) for t in catalog.split_list(r.get("themes"), " ")],
            "dispositifs": [data.slug(d) for d in catalog.split_list(r.get("dispositifs"), " ")],
            "enfants": [],
        }
    parents = {r["element"]: r.get("parent") for r in rows}
    children = nest(
        nodes.values(),
        lambda n: n["iri"],
        lambda n: parents[n["iri"]],
        lambda n: (n["rang"] or 0, n["ligne_source"] or 0),
    )
    for n in nodes.values():
        n["enfants"] = children.get(n["iri"], [])
    roots = children.get(None, [])
    flat: list[dict[str, Any]] = []

    def walk(siblings: list[dict[str, Any]], parent: str | None, depth: int) -> None:
        for n in siblings:
            flat.append({**n, "element": n["id"], "parent": parent, "profondeur": depth})
            walk(n["enfants"], n["id"], depth + 1)

    walk(roots, None, 1)
    return roots, flat


def _contrat_answer(data: GraphData, ident: str) -> Answer:
    summary = catalog.contrat(data, ident)
    param = {"contrat": [summary["iri"]]}
    roots, flat = _tree(data, data.run("contrat-arbre", param))
    rows = data.run("concepts-par-contrat", param)
    chiffres = [
        {k: v for k, v in r.items() if v is not None} for r in data.run("contrat-chiffres", param)
    ]
    doc = document(
        "contrat-arbre",
        {"contrat": summary["iri"]},
        data,
        more=["contrats", "concepts-par-contrat", "contrat-chiffres"],
        contrat=summary,
        themes=[_drop_contrat(c) for c in concepts(data, rows, "theme")],
        dispositifs=[_drop_contrat(c) for c in concepts(data, rows, "dispositif")],
        chiffres_cles=chiffres,
        arbre=roots,
    )
    return Answer(doc, TREE_COLUMNS, flat)


def _drop_contrat(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "contrat"}


@router.get(
    "/{id}",
    response_model=models.ContratDetail,
    summary="Un contrat : arbre, thèmes, dispositifs, chiffres clés",
    responses=TABULAR_RESPONSES,
)
def get_contrat(
    request: Request, data: DataDep, id: ContratId, format: FormatParam = None
) -> Response:
    """One contract: its summary, its strategy tree (`arbre`, nested under
    `enfants`, siblings in the source's order), the themes and dispositifs of its
    elements with the elements behind each, and its key figures (`chiffres_cles`).
    CSV: the tree, one row per element with its parent and depth.

    SPARQL: `/queries/contrat-arbre.rq`, `/queries/concepts-par-contrat.rq`,
    `/queries/contrat-chiffres.rq`, `/queries/contrats.rq`.
    """
    return respond(
        request,
        data,
        format,
        ("contrat", id),
        lambda: _contrat_answer(data, id),
        filename=f"contrat-{id}",
    )

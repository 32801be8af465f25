"""``/api/themes``: the thesaurus with its counts, and which contracts address a theme.

A contract addresses a theme when one of its elements carries it or a narrower
one (``skos:broader*``): asking for *Santé* finds the elements tagged *Santé
mentale*. Each element comes with its evidence — the matched words or the
curator's reason — and its path to the top of its tree, so a reader can check
the answer against the source line.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from app.api import catalog, evidence, matrix, models
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

router = APIRouter(prefix="/themes", tags=["thèmes"])

ThemeId = Annotated[
    str,
    Path(
        pattern=SLUG,
        description="Identifiant du thème (fin de son IRI), ex. `sante-mentale`.",
        examples=["sante-mentale"],
    ),
]


def _themes_answer(data: GraphData) -> Answer:
    themes = sorted(
        catalog.themes(data).values(), key=lambda t: (catalog.sort_key(t["label"]), t["id"])
    )
    doc = document(
        "themes", {"schema": data.base + "themes"}, data, count=len(themes), themes=themes
    )
    columns = ["id", "label", "label_en", "broader", "contrats", "elements", "iri"]
    return Answer(doc, columns, themes)


@router.get(
    "",
    response_model=models.ThemeList,
    summary="Le thésaurus, avec le nombre de contrats et d'éléments par thème",
    responses=TABULAR_RESPONSES,
)
def list_themes(request: Request, data: DataDep, format: FormatParam = None) -> Response:
    """Every theme of the thesaurus: labels (fr, en), broader theme(s), and how many
    contracts and elements address it **or a narrower theme**.

    SPARQL: `/queries/themes.rq`.
    """
    return respond(
        request, data, format, ("themes",), lambda: _themes_answer(data), filename="themes"
    )


def _contrats_of(data: GraphData, theme: str) -> list[str]:
    """The ids of the contracts addressing ``theme`` (or a narrower one), in id order.

    Read in the matrix (counted links of the synthèse, ``matrice.rq``), which
    the server prepares at start-up: no query of its own.
    """
    return matrix.cells(data).contrats_of(theme)


def _theme_answer(data: GraphData, ident: str, offset: int, limit: int) -> Answer:
    theme = catalog.theme(data, ident)
    pages = evidence.Pages(
        "preuves-theme",
        data.cached(("contrats du thème", ident), lambda: _contrats_of(data, ident)),
        lambda ids: {"fait": [fait(data.base, c, "theme", theme["iri"]) for c in ids]},
    )
    return evidence.concept_answer(
        data,
        "contrats-par-theme",
        ("theme", theme),
        offset,
        limit,
        pages,
        extra=lambda r: {
            "theme_reconnu": data.slug(r["themeReconnu"]),
            "theme_reconnu_label": r.get("themeLabel"),
        },
        columns=[*evidence.COLUMNS[:3], "theme_reconnu", *evidence.COLUMNS[3:]],
    )


@router.get(
    "/{theme}",
    response_model=models.ThemeContrats,
    summary="Les contrats qui abordent un thème (ou un thème plus étroit)",
    responses=TABULAR_RESPONSES,
)
def get_theme(
    request: Request,
    data: DataDep,
    theme: ThemeId,
    offset: OffsetParam = 0,
    limit: LimitParam = None,
    format: FormatParam = None,
) -> Response:
    """The contracts whose elements address the theme or a narrower one, each with
    its matching elements as evidence: text, class, printed code, **path to the top
    of its tree**, source file and line, method (`règle` / `curateur`), matched
    words, curator's reason. CSV: one row per element. `count` is the number of
    contracts; they come by pages of `limit` (`pagination.suivant` asks for the next).

    SPARQL: `/queries/contrats-par-theme.rq`, read a page at a time with
    `/queries/preuves-theme.rq` (paths: `/queries/chemins-faits.rq`).
    """
    limit = page_size(request, format, limit)
    return respond(
        request,
        data,
        format,
        ("theme", theme, offset, limit),
        lambda: _theme_answer(data, theme, offset, limit),
        filename=f"theme-{theme}",
    )

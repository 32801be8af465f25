"""``/api/matrix``: theme × contract counts, as data and as a heatmap.

A cell counts the contract's elements that address the theme or a narrower one
(the same rule as /api/themes). Rows are the themes present in the chosen
contracts, each top theme followed by its narrower ones; columns are the
contracts, in id order unless chosen with ``?contrat=``. The picture and the
data share their parameters, so ``/api/matrix?contrat=…`` names the rows and
columns of ``/api/matrix.svg?contrat=…``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.api import catalog, heatmap, models
from app.api.deps import DataDep, GraphData, check_slug, invalid, not_found
from app.api.tabular import TABULAR_RESPONSES, Answer, FormatParam, document, respond

router = APIRouter(tags=["matrice"])

ContratsFilter = Annotated[
    list[str] | None,
    Query(
        description="Colonnes : identifiants de contrats (paramètre répété) ; "
        "par défaut tous les contrats."
    ),
]


def _columns(data: GraphData, given: list[str] | None) -> list[str]:
    known = catalog.contrats(data)
    if not given:
        return list(known)
    if len(set(given)) != len(given):
        raise invalid("contrat", "le même contrat est donné deux fois", given)
    for ident in given:
        check_slug("contrat", ident)
    unknown = [i for i in given if i not in known]
    if unknown:
        raise not_found(
            f"Contrat(s) inconnu(s) : {', '.join(unknown)}. La liste est sous /api/contrats."
        )
    return list(given)


class Cells:
    """Counts per (theme id, contract id) as one integer array, themes × contracts.

    80 k counts at 2 000 contracts: as a dict keyed by pairs of strings they
    took ≈ 17 MB of the server's heap for its whole life; as an array, 4 bytes
    a cell (≈ 0.5 MB), and a theme's contracts are one row.
    """

    def __init__(self, rows: list[tuple[str, str, int]]) -> None:
        self.themes = {t: i for i, t in enumerate(sorted({t for t, _, _ in rows}))}
        self.contrats = {c: j for j, c in enumerate(sorted({c for _, c, _ in rows}))}
        self._ids = list(self.contrats)
        self.counts = np.zeros((len(self.themes), len(self.contrats)), dtype=np.int32)
        for t, c, n in rows:
            self.counts[self.themes[t], self.contrats[c]] = n

    def row(self, theme: str, columns: list[str]) -> list[int]:
        """The counts of ``theme`` in ``columns`` (0 for a contract without any)."""
        i = self.themes.get(theme)
        if i is None:
            return [0] * len(columns)
        counts = self.counts[i]
        return [int(counts[j]) if (j := self.contrats.get(c)) is not None else 0 for c in columns]

    def present(self, columns: list[str]) -> set[str]:
        """The themes counted at least once in ``columns``."""
        js = [j for c in columns if (j := self.contrats.get(c)) is not None]
        if not js or not self.themes:
            return set()
        nonzero = (self.counts[:, js] != 0).any(axis=1)
        return {t for t, i in self.themes.items() if nonzero[i]}

    def contrats_of(self, theme: str) -> list[str]:
        """The contracts counting ``theme`` at least once, in id order."""
        i = self.themes.get(theme)
        if i is None:
            return []
        return [self._ids[j] for j in np.flatnonzero(self.counts[i])]


def cells(data: GraphData) -> Cells:
    """Counts per (theme id, contract id): ``matrice.rq``, one index range per theme."""

    def compute() -> Cells:
        rows = data.run("matrice")
        slug = data.slug
        return Cells([(slug(r["theme"]), slug(r["contrat"]), r["elements"]) for r in rows])

    return data.memo(("catalog", "matrice"), compute)  # type: ignore[no-any-return]


def matrix(data: GraphData, given: list[str] | None) -> dict[str, Any]:
    """Rows (present themes, top ones each followed by their narrower ones), columns, counts."""
    columns = _columns(data, given)
    counts = cells(data)
    themes = {
        t["id"]: {
            "id": t["id"],
            "label": t["label"] or t["id"],
            "parent": t["broader"][0] if t["broader"] else None,
        }
        for t in catalog.themes(data).values()
    }
    present = counts.present(columns)
    children: dict[str | None, list[str]] = {}
    for t in present:
        parent = themes[t]["parent"]
        children.setdefault(parent if parent in present else None, []).append(t)
    ordered: list[str] = []

    def walk(parent: str | None) -> None:  # each theme followed by its narrower ones
        for t in sorted(
            children.get(parent, []), key=lambda t: catalog.sort_key(themes[t]["label"])
        ):
            ordered.append(t)
            walk(t)

    walk(None)
    return {
        "themes": [themes[t] for t in ordered],
        "contrats": columns,
        "counts": [counts.row(t, columns) for t in ordered],
    }


def _matrix_answer(data: GraphData, given: list[str] | None) -> Answer:
    m = matrix(data, given)
    doc = document("matrice", {}, data, **m)  # the whole matrix; the columns chosen here
    rows = [
        {
            "theme": t["id"],
            "label": t["label"],
            "parent": t["parent"],
            **dict(zip(m["contrats"], row, strict=True)),
        }
        for t, row in zip(m["themes"], m["counts"], strict=True)
    ]
    return Answer(doc, ["theme", "label", "parent", *m["contrats"]], rows)


@router.get(
    "/matrix",
    response_model=models.Matrix,
    summary="Matrice thème × contrat (nombre d'éléments)",
    responses=TABULAR_RESPONSES,
)
def get_matrix(
    request: Request, data: DataDep, contrat: ContratsFilter = None, format: FormatParam = None
) -> Response:
    """For each theme present (rows) and each contract (columns), how many of the
    contract's elements address the theme or a narrower one. JSON: `themes`,
    `contrats`, `counts[row][column]`. CSV: one row per theme, one column per contract.

    SPARQL: `/queries/matrice.rq`.
    """
    key = ("matrix", tuple(contrat or ()))
    return respond(
        request, data, format, key, lambda: _matrix_answer(data, contrat), filename="matrice"
    )


@router.get(
    "/matrix.{ext}",
    summary="La matrice thème × contrat en carte de chaleur (SVG ou PNG)",
    responses={
        200: {
            "content": {"image/svg+xml": {}, "image/png": {}},
            "description": "Une ligne par thème présent ; en-tête `X-Heatmap-Rows`.",
        },
        404: {"description": "Contrat inconnu."},
        422: {"description": "Extension ou paramètre invalide."},
    },
    response_class=Response,
)
def get_heatmap(
    data: DataDep, ext: Literal["svg", "png"], contrat: ContratsFilter = None
) -> Response:
    """The same matrix as a heatmap: one row per theme present (top themes in bold,
    each followed by its narrower ones), one column per contract, the count in each
    non-empty cell. In the SVG each row label has the id `row-{theme}` and each column
    label `col-{contract}`; the header `X-Heatmap-Rows` gives the number of rows.
    """

    if not contrat:
        pictures, n_rows = heatmaps(data)
        image = pictures[ext]
    else:

        def draw() -> tuple[bytes, int]:
            pictures, n_rows = _draw(data, contrat, [ext], heatmap.Painter())
            return pictures[ext], n_rows

        image, n_rows = data.cached(("heatmap", ext, tuple(contrat)), draw)
    headers = {
        "X-Heatmap-Rows": str(n_rows),
        "X-Data-Version": data.version,
        "Link": '</queries/matrice.rq>; rel="describedby"',
    }
    return Response(image, media_type=heatmap.MEDIA_TYPES[ext], headers=headers)


def _draw(
    data: GraphData, contrat: list[str] | None, fmts: list[str], painter: heatmap.Painter
) -> tuple[dict[str, bytes], int]:
    m = matrix(data, contrat)
    rows = m["themes"]
    pictures = painter.draw(
        [t["id"] for t in rows],
        [t["label"] for t in rows],
        m["contrats"],
        m["counts"],
        fmts,
        bold=[t["parent"] is None for t in rows],
    )
    return pictures, len(rows)


def heatmaps(
    data: GraphData, painter: heatmap.Painter | None = None
) -> tuple[dict[str, bytes], int]:
    """The whole matrix as SVG and PNG (and its number of rows), drawn once per data version.

    Kept, not cached: drawing 2 000 columns takes seconds, so the API's
    warm-up draws them (with a ``painter`` it started early) before it says
    it is ready.
    """
    return data.memo(  # type: ignore[no-any-return]
        "heatmaps", lambda: _draw(data, None, ["svg", "png"], painter or heatmap.Painter())
    )

"""``/api/search``: French full-text search over the elements' text.

Accent- and case-insensitive and stem-aware (Snowball French, the same
normalisation as the theme tagging), ranked, with the matched words marked. It
reads an inverted index built once per data version from ``libelles.rq``, never
the store, so its cost depends on how common the words are, not on the size
of the country.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.api import catalog, models
from app.api.deps import DataDep, GraphData, invalid
from app.api.search_index import SearchIndex, highlight
from app.api.tabular import TABULAR_RESPONSES, Answer, FormatParam, document, respond

router = APIRouter(tags=["recherche"])
COLUMNS = [
    "rang",
    "score",
    "mots_trouves",
    "contrat",
    "element",
    "classe",
    "notation",
    "label",
    "ligne_source",
    "surligne",
    "iri",
]


def index(data: GraphData) -> SearchIndex:
    """The search index of this data version (built on first use, then kept)."""
    return data.memo(  # type: ignore[no-any-return]
        ("search-index",), lambda: SearchIndex(catalog.corpus(data).values())
    )


def _answer(data: GraphData, q: str, limit: int) -> Answer:
    start = time.perf_counter()
    idx = index(data)
    stems, hits, total = idx.search(q, limit)
    if not stems:
        raise invalid(
            "q", "aucun mot cherchable (seulement des mots vides ou de la ponctuation)", q
        )
    results: list[dict[str, Any]] = []
    for rank, hit in enumerate(hits, 1):
        e = hit.element
        marked, spans = highlight(e.label, stems)
        results.append(
            {
                "rang": rank,
                "score": hit.score,
                "mots_trouves": hit.matched,
                "contrat": e.contrat,
                "element": data.slug(e.iri),
                "iri": e.iri,
                "classe": e.classe,
                "notation": e.notation,
                "label": e.label,
                "ligne_source": e.ligne,
                "surligne": marked,
                "positions": spans,
            }
        )
    doc = document(
        "libelles",
        {"q": q, "limit": limit},
        data,
        racines=stems,
        total=total,
        count=len(results),
        millisecondes=round((time.perf_counter() - start) * 1000, 2),
        resultats=results,
    )
    return Answer(doc, COLUMNS, results)


@router.get(
    "/search",
    response_model=models.Search,
    summary="Recherche plein texte (français) dans le texte des éléments",
    responses=TABULAR_RESPONSES,
)
def search(
    request: Request,
    data: DataDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=300,
            # At least one letter or digit; a query of stop words only is a 422 too.
            pattern=r"[0-9A-Za-z\u00c0-\u024f]",
            description="Mots cherchés, ex. « santé mentale des jeunes » : au moins une "
            "lettre ou un chiffre, et un mot qui ne soit pas un mot vide (le, la, des…).",
            examples=["santé mentale"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=200, description="Nombre de résultats.")] = 20,
    format: FormatParam = None,
) -> Response:
    """Elements whose text contains the words of `q`, insensitive to case and
    accents, matching plural and derived forms (Snowball French stems); stop words
    (le, la, des, pour…) are ignored. Ranked first by how many of the query's words
    the element contains, then by BM25. Each result gives its contract, text,
    source line and the text with the matched words in `<mark>` (`surligne`,
    HTML-escaped) and their character spans (`positions`). `total` counts every
    matching element.

    The corpus is `/queries/libelles.rq`, indexed once per data version.
    """
    key = ("search", q, limit)
    return respond(
        request,
        data,
        format,
        key,
        lambda: _answer(data, q, limit),
        filename="recherche",
        cache=False,
    )

"""The elements behind an answer, shown the same way in every area.

Whether a contract addresses a theme or mobilises a dispositif, the proof is an
element of its strategy tree: its text, where it sits (path to the top of its
tree), the source file and line to check it against (and the link to that line
of the text the server publishes), and how the link was made
(``cdv:Etiquetage``: rule and matched words, or curator and reason).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from app.api import catalog
from app.api.deps import GraphData
from app.api.tabular import Answer, document, page
from app.queries.evidence_order import in_order

COLUMNS = [
    "contrat",
    "element",
    "label",
    "classe",
    "notation",
    "ligne_source",
    "source",
    "lien_source",
    "methode",
    "mots_reconnus",
    "raison",
    "chemin",
]


def source_link(fichier: str | None, ligne: int | None) -> str | None:
    """Where to read the element in its source: the line of the text served by ``/sources/``.

    >>> source_link("004_a26b9f87e29f24a0.txt", 128)
    '/sources/004_a26b9f87e29f24a0.txt#L128'
    """
    if not fichier or not ligne:
        return None
    return f"/sources/{fichier}#L{ligne}"


def element(data: GraphData, row: dict[str, Any], chemin: list[dict[str, Any]]) -> dict[str, Any]:
    """One row of ``contrats-par-theme.rq`` / ``contrats-par-dispositif.rq`` as evidence,
    with its path to the top of its tree (``catalog.paths``)."""
    return {
        "iri": row["element"],
        "id": data.slug(row["element"]),
        "label": row["label"],
        "classe": catalog.short_class(row.get("classe")),
        "notation": row.get("notation"),
        "ligne_source": row.get("ligne"),
        "source": row.get("source"),
        "lien_source": source_link(row.get("source"), row.get("ligne")),
        "methode": row.get("methode") or None,
        "mots_reconnus": catalog.split_list(row.get("motsReconnus")),
        "raison": row.get("raison") or None,
        "chemin": chemin,
    }


def by_contrat(
    data: GraphData,
    rows: list[dict[str, Any]],
    extra: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    chemins: dict[str, list[dict[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """Evidence rows gathered under their contracts (rows come sorted by contract id),
    each element with its path (``chemins``, or read with ``catalog.paths``)."""
    contrats = catalog.contrats(data)
    if chemins is None:
        chemins = catalog.paths(data, [row["element"] for row in rows])
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        c = out.get(row["id"])
        if c is None:
            summary = contrats.get(row["id"], {})
            c = out[row["id"]] = {
                "id": row["id"],
                "iri": row["contrat"],
                "titre": row.get("titre"),
                "generation": summary.get("generation"),
                "generation_inferee": summary.get("generation_inferee"),
                "elements": [],
            }
        item = element(data, row, chemins[row["element"]])
        if extra is not None:
            item.update(extra(row))
        c["elements"].append(item)
    return list(out.values())


def flat(contrats: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The CSV form: one row per element, its contract as a column, its path as one line."""
    return [
        {**e, "contrat": c["id"], "element": e["id"], "chemin": catalog.path_text(e["chemin"])}
        for c in contrats
        for e in c["elements"]
    ]


PATHS = "chemins-faits"  # the paths of the elements of a page's facts, in one query
# Contracts per evidence query. The evidence query of a batch costs ≈ 2.7× its paths
# query; with 100, the first page of « Santé » (825 seed-shaped contracts) waited for
# one 575 ms query while the other worker was done after 212 ms: 0.68 s in all. With
# 50, the four queries share the two workers evenly: 0.53-0.58 s (2026-12-01).
FACTS_BATCH = 50
# The evidence and the paths of each batch of facts run side by side: two at
# a time per answer (the server's query workers: 2 by default). Threads of the
# answer's own, so that a long answer (limit=5000) does not hold up others'.
SIDE_BY_SIDE = 2


@dataclass(frozen=True)
class Pages:
    """How to read the evidence one page of contracts at a time.

    ``contrats``: the ids of every contract behind the concept, in id order,
    from the precomputed facts (docs/synthese.md); ``query`` and ``params``:
    the SPARQL file giving the evidence of a page of them. The first call for a
    concept then costs one page, not every contract of the country.
    """

    query: str
    contrats: list[str]
    params: Callable[[list[str]], dict[str, list[str] | None]]


def concept_answer(
    data: GraphData,
    query: str,
    concept: tuple[str, dict[str, Any]],
    offset: int,
    limit: int,
    pages: Pages,
    *,
    extra: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    columns: list[str] = COLUMNS,
) -> Answer:
    """A page of the contracts behind one theme or dispositif, each with its evidence.

    ``query`` (``contrats-par-theme`` or ``contrats-par-dispositif``) has one
    parameter named like the concept's kind (``concept`` = kind, catalogue
    entry) and gives the whole answer in one query: the answer names it, so
    that a researcher can rerun it. The API reads only the page asked for, as
    ``pages`` says (the same rows: tests/synthese).
    """
    kind, item = concept
    ids, pagination = page(pages.contrats, offset, limit, f"/api/{kind}s/{item['id']}")
    queries = (pages.query, PATHS)
    batches = [  # each query bounded, even for limit=5000
        pages.params(ids[start : start + FACTS_BATCH]) for start in range(0, len(ids), FACTS_BATCH)
    ]
    with ThreadPoolExecutor(SIDE_BY_SIDE, thread_name_prefix="cvkg-api-page") as side_by_side:
        jobs = [(side_by_side.submit(data.run, q, b), q) for b in batches for q in queries]
        rows = sorted(
            (row for done, q in jobs if q == pages.query for row in done.result()), key=in_order
        )
        steps = [row for done, q in jobs if q == PATHS for row in done.result()]
    chemins = catalog.chains(data, steps, [row["element"] for row in rows])
    contrats = by_contrat(data, rows, extra, chemins)
    doc = document(
        query,
        {kind: item["iri"]},
        data,
        more=[pages.query, PATHS],
        **{kind: item},
        count=len(pages.contrats),
        pagination=pagination,
        contrats=contrats,
    )
    return Answer(doc, columns, flat(contrats))

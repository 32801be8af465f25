"""``/api/compare``: two or more contracts side by side.

For each theme and dispositif found in any of the contracts: where it is
present, whether it is shared by all, by some, or unique to one, and the
elements behind it in each contract — so every difference can be read in the
text. Themes are compared as tagged (the most specific theme recognised in an
element), not through the hierarchy: two contracts that both speak of health,
one of mental health and one of access to care, differ here, and the
thesaurus view (/api/themes/{theme}) is where they meet.

The similarity is Jaccard's index on the sets of concepts (|A ∩ B| / |A ∪ B|),
per kind and on themes and dispositifs together; for more than two contracts,
the mean over every pair, each pair also given.
"""

from __future__ import annotations

from itertools import combinations
from typing import Annotated, Any, TypedDict

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.api import catalog, models
from app.api.contrats import concepts
from app.api.deps import SLUG, DataDep, GraphData, check_slug, invalid, not_found
from app.api.tabular import TABULAR_RESPONSES, Answer, FormatParam, document, respond

router = APIRouter(tags=["comparaison"])
MAX_CONTRATS = 12
KINDS = ("theme", "dispositif")

# The constraints are declared for clients and fuzzers, and enforced by
# ``_checked`` so that each refusal says in French what is wrong.
ContratsParam = Annotated[
    list[str] | None,
    Query(
        description=f"Identifiants des contrats à comparer (de 2 à {MAX_CONTRATS}, tous "
        "différents), paramètre répété et obligatoire : `?contrat=a&contrat=b`.",
        json_schema_extra={
            "type": "array",
            "items": {"type": "string", "pattern": SLUG},
            "minItems": 2,
            "maxItems": MAX_CONTRATS,
            "uniqueItems": True,
        },
        examples=[["ca-melun-val-de-seine-2024-2030", "contrat-de-ville-002d7387"]],
    ),
]


def jaccard(a: set[str], b: set[str]) -> float | None:
    """|A ∩ B| / |A ∪ B|, ``None`` when both are empty (nothing to compare).

    >>> jaccard({"x", "y"}, {"y", "z"})
    0.333
    """
    union = a | b
    return round(len(a & b) / len(union), 3) if union else None


class _Pair(TypedDict):
    a: str
    b: str
    score: float | None
    themes: float | None
    dispositifs: float | None


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 3) if known else None


def _checked(data: GraphData, given: list[str] | None) -> list[dict[str, Any]]:
    ids = given or []
    if len(ids) < 2:
        raise invalid("contrat", "au moins deux contrats : ?contrat=a&contrat=b", ids)
    if len(ids) > MAX_CONTRATS:
        raise invalid("contrat", f"au plus {MAX_CONTRATS} contrats à la fois", ids)
    if len(set(ids)) != len(ids):
        raise invalid("contrat", "le même contrat est donné deux fois", ids)
    for ident in ids:
        check_slug("contrat", ident)
    known = catalog.contrats(data)
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise not_found(
            f"Contrat(s) inconnu(s) : {', '.join(unknown)}. La liste est sous /api/contrats."
        )
    return [known[i] for i in ids]


def _side_by_side(entries: list[dict[str, Any]], ids: list[str]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for e in entries:
        m = merged.setdefault(
            e["id"],
            {"id": e["id"], "iri": e["iri"], "label": e["label"], "elements": {i: [] for i in ids}},
        )
        m["elements"][e["contrat"]] = e["elements"]
    for m in merged.values():
        present = [i for i in ids if m["elements"][i]]
        m["presents_dans"] = present
        m["absents_de"] = [i for i in ids if i not in present]
        m["statut"] = (
            "partagé" if len(present) == len(ids) else "unique" if len(present) == 1 else "partiel"
        )
    order = {"partagé": 0, "partiel": 1, "unique": 2}
    return sorted(
        merged.values(), key=lambda m: (order[m["statut"]], catalog.sort_key(m["label"] or m["id"]))
    )


def _compare_answer(data: GraphData, ids: list[str]) -> Answer:
    contrats = _checked(data, ids)
    iris = [c["iri"] for c in contrats]
    rows = data.run("concepts-par-contrat", {"contrat": iris})
    sides = {k: _side_by_side(concepts(data, rows, k), ids) for k in KINDS}
    sets = {
        k: {i: {m["id"] for m in sides[k] if i in m["presents_dans"]} for i in ids} for k in KINDS
    }
    pairs: list[_Pair] = []
    for a, b in combinations(ids, 2):
        both_a = {f"{k}:{x}" for k in KINDS for x in sets[k][a]}
        both_b = {f"{k}:{x}" for k in KINDS for x in sets[k][b]}
        pairs.append(
            {
                "a": a,
                "b": b,
                "score": jaccard(both_a, both_b),
                "themes": jaccard(sets["theme"][a], sets["theme"][b]),
                "dispositifs": jaccard(sets["dispositif"][a], sets["dispositif"][b]),
            }
        )
    similarity = {
        "methode": "indice de Jaccard |A ∩ B| / |A ∪ B| ; moyenne sur les paires",
        "score": _mean([p["score"] for p in pairs]),
        "themes": _mean([p["themes"] for p in pairs]),
        "dispositifs": _mean([p["dispositifs"] for p in pairs]),
        "paires": pairs,
    }
    summary = {
        k: {
            "partages": sum(m["statut"] == "partagé" for m in sides[k]),
            "partiels": sum(m["statut"] == "partiel" for m in sides[k]),
            "uniques": {i: sum(m["presents_dans"] == [i] for m in sides[k]) for i in ids},
        }
        for k in KINDS
    }
    doc = document(
        "concepts-par-contrat",
        {"contrat": iris},
        data,
        contrats=contrats,
        similarite=similarity,
        resume={"themes": summary["theme"], "dispositifs": summary["dispositif"]},
        themes=sides["theme"],
        dispositifs=sides["dispositif"],
    )
    columns = ["type", "id", "label", "statut", *ids, *(f"{i} elements" for i in ids)]
    table = [
        {
            "type": k,
            "id": m["id"],
            "label": m["label"],
            "statut": m["statut"],
            **{i: len(m["elements"][i]) for i in ids},
            **{f"{i} elements": [e["id"] for e in m["elements"][i]] for i in ids},
        }
        for k in KINDS
        for m in sides[k]
    ]
    return Answer(doc, columns, table)


@router.get(
    "/compare",
    response_model=models.Comparison,
    summary="Comparer des contrats : thèmes et dispositifs partagés et uniques",
    responses=TABULAR_RESPONSES,
)
def compare(
    request: Request, data: DataDep, contrat: ContratsParam = None, format: FormatParam = None
) -> Response:
    """Themes and dispositifs of 2 to 12 contracts side by side: for each, its
    status (`partagé` by all, `partiel`, `unique` to one), the contracts it is
    present in and absent from, and **the elements behind it** in each contract;
    a Jaccard similarity per pair and overall. CSV: one row per concept, a column
    of element counts per contract.

    SPARQL: `/queries/concepts-par-contrat.rq`.
    """
    ids = list(contrat or [])
    return respond(
        request,
        data,
        format,
        ("compare", tuple(ids)),
        lambda: _compare_answer(data, ids),
        filename="comparaison",
    )

"""The lists every area needs — contracts, themes, dispositifs — read once per
data version. (The element texts are the search index's, on disk: ``search.py``.)

Routers check ids against these (404 for an unknown one) and take labels from
them instead of asking the store again. Each comes from a query of
``app/queries`` and is cached on the :class:`~app.api.deps.GraphData`.
"""

from __future__ import annotations

from typing import Any

from app.api.deps import GraphData, check_slug, not_found
from app.config import ONTOLOGY_NS
from app.enrichment.matching import strip_accents


def sort_key(label: str | None) -> str:
    """Alphabetical order as a French reader expects it: *Éducation* among the E.

    >>> sorted(["Santé", "Éducation", "emploi"], key=sort_key)
    ['Éducation', 'emploi', 'Santé']
    """
    return strip_accents(label or "").casefold()


def short_class(iri: str | None) -> str | None:
    """``cdv:ObjectifOperationnel`` → ``ObjectifOperationnel``."""
    return iri[len(ONTOLOGY_NS) :] if iri and iri.startswith(ONTOLOGY_NS) else iri


def split_list(value: str | None, sep: str = " | ") -> list[str]:
    """A ``GROUP_CONCAT`` as a sorted list (separator `` | `` for texts, a space for IRIs).

    Sorted: SPARQL leaves the order of ``GROUP_CONCAT`` to the engine, and the
    same data served by Virtuoso listed the words and themes in another order
    than by the local store, under one data version (one ETag).

    >>> split_list("santé | dispositifs locaux de santé")
    ['dispositifs locaux de santé', 'santé']
    """
    return sorted(v for v in value.split(sep) if v) if value else []


def contrat_summary(row: dict[str, Any]) -> dict[str, Any]:
    """A row of ``contrats.rq`` as the API shows a contract."""
    return {
        "id": row["id"],
        "iri": row["contrat"],
        "titre": row.get("titre"),
        "generation": row.get("generation"),
        "generation_inferee": row.get("generationInferee"),
        "raison_inference": row.get("raisonInference"),
        "source": row.get("source"),
        "territoires": split_list(row.get("territoires")),
        "elements": row.get("elements") or 0,
        "themes": row.get("themes") or 0,
        "dispositifs": row.get("dispositifs") or 0,
    }


def contrats(data: GraphData) -> dict[str, dict[str, Any]]:
    """Every contract by id (``contrats.rq``), in id order."""

    def compute() -> dict[str, dict[str, Any]]:
        rows = data.run("contrats", {"contrat": None})
        return {r["id"]: contrat_summary(r) for r in rows}

    return data.memo(("catalog", "contrats"), compute)  # type: ignore[no-any-return]


BATCH = 250  # contracts per query for national-size answers: each query stays well under 1 s


def per_contract_batch(
    data: GraphData, name: str, params: dict[str, list[str] | None] | None = None
) -> list[dict[str, Any]]:
    """Rows of a query over every contract, asked ``BATCH`` contracts at a time.

    Answers whose size grows with the country (every element's text, the full
    matrix) are read in bounded queries rather than one long one: none runs
    for more than a fraction of a second, even at national scale.
    """
    iris = [c["iri"] for c in contrats(data).values()]
    rows: list[dict[str, Any]] = []
    for start in range(0, len(iris), BATCH):
        rows += data.run(name, {**(params or {}), "contrat": iris[start : start + BATCH]})
    return rows


def _one(table: dict[str, dict[str, Any]], param: str, ident: str, unknown: str) -> dict[str, Any]:
    """The entry ``ident`` of a catalogue table: 422 if malformed, 404 if unknown."""
    check_slug(param, ident)
    found = table.get(ident)
    if found is None:
        raise not_found(unknown.format(ident=ident))
    return found


def contrat(data: GraphData, ident: str, param: str = "id") -> dict[str, Any]:
    """One contract by id: 422 if malformed, 404 if unknown."""
    return _one(
        contrats(data),
        param,
        ident,
        "Contrat inconnu : « {ident} ». La liste est sous /api/contrats.",
    )


def themes(data: GraphData) -> dict[str, dict[str, Any]]:
    """The thesaurus by theme id (``themes.rq``), parents as ids, counts with narrower themes."""

    def compute() -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for r in data.run("themes", {"schema": [data.base + "themes"]}):
            ident = data.slug(r["theme"])
            theme = out.setdefault(
                ident,
                {
                    "id": ident,
                    "iri": r["theme"],
                    "label": r.get("label"),
                    "label_en": r.get("labelEn"),
                    "broader": [],
                    "contrats": r.get("contrats") or 0,
                    "elements": r.get("elements") or 0,
                },
            )
            if r.get("parent"):
                theme["broader"].append(data.slug(r["parent"]))
        return out

    return data.memo(("catalog", "themes"), compute)  # type: ignore[no-any-return]


def theme(data: GraphData, ident: str) -> dict[str, Any]:
    return _one(
        themes(data),
        "theme",
        ident,
        "Thème inconnu : « {ident} ». Le thésaurus est sous /api/themes.",
    )


def dispositifs(data: GraphData) -> dict[str, dict[str, Any]]:
    """Every dispositif by id (``dispositifs.rq``) with its counts."""

    def compute() -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for r in data.run("dispositifs", {"dispositif": None}):
            ident = data.slug(r["dispositif"])
            out.setdefault(
                ident,
                {
                    "id": ident,
                    "iri": r["dispositif"],
                    "sigle": r.get("notation"),
                    "label": r.get("label"),
                    "label_en": r.get("labelEn"),
                    "contrats": r.get("contrats") or 0,
                    "elements": r.get("elements") or 0,
                },
            )
        return out

    return data.memo(("catalog", "dispositifs"), compute)  # type: ignore[no-any-return]


def dispositif(data: GraphData, ident: str) -> dict[str, Any]:
    return _one(
        dispositifs(data),
        "id",
        ident,
        "Dispositif inconnu : « {ident} ». La liste est sous /api/dispositifs.",
    )


PATH_BATCH = 500  # elements per ``parents.rq`` query: a page of evidence in a few queries


def paths(data: GraphData, elements: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The ancestors of each element, from the top of its tree down.

    Read one level at a time (``parents.rq``: each element's parent, then the
    parents' parents…), a handful of one-hop queries, where ``chemins.rq``
    (which the linked-data pages' breadcrumbs run for one element) walks
    ``cdv:partieDe+`` and counts each ancestor's depth for every element:
    twice the time for the ≈ 1 000 elements of a broad theme's page. Same
    ancestors, same order (tested against ``chemins.rq``). The evidence of a
    concept reads the same rows for a page of facts in one query instead
    (``chemins-faits.rq``, :func:`chains`).
    """
    wanted = list(dict.fromkeys(elements))
    asked: set[str] = set()
    found: list[dict[str, Any]] = []
    frontier = wanted
    while frontier:
        asked.update(frontier)
        level: list[dict[str, Any]] = []
        for start in range(0, len(frontier), PATH_BATCH):
            level += data.run("parents", {"element": frontier[start : start + PATH_BATCH]})
        found += level
        frontier = list(dict.fromkeys(r["parent"] for r in level if r["parent"] not in asked))
    return chains(data, found, wanted)


def chains(
    data: GraphData, rows: list[dict[str, Any]], elements: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """Each element's ancestors, top first, from rows of ``parents.rq`` / ``chemins-faits.rq``
    (an element, its parent and the parent's text, code and class).

    Elements without a parent get an empty path; a cycle (possible in files
    served with ``--data``, refused by the build's shapes) stops the walk.
    """
    parent: dict[str, str] = {}
    steps: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["element"] in parent:  # a parent of several types: one step
            continue
        parent[r["element"]] = r["parent"]
        steps.setdefault(
            r["parent"],
            {
                "id": data.slug(r["parent"]),  # under the same contract as the element
                "label": str(r["label"]),
                "notation": r.get("notation"),
                "classe": short_class(r.get("classe")),
            },
        )

    def chain(element: str) -> list[dict[str, Any]]:
        up, seen = [], {element}
        while (above := parent.get(element)) is not None and above not in seen:
            up.append(steps[above])
            seen.add(above)
            element = above
        return up[::-1]

    return {e: chain(e) for e in dict.fromkeys(elements)}


def path_text(steps: list[dict[str, Any]]) -> str:
    """A path as one line: ``1 VIVRE ENSEMBLE > 1.1 Inscrire la culture…``."""
    return " > ".join(
        f"{s['notation']} {s['label']}" if s.get("notation") else s["label"] for s in steps
    )

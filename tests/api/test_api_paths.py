"""The paths the API shows (read for a page of facts with ``chemins-faits.rq``, or
walked up with ``parents.rq``) are those of ``chemins.rq``, the query the linked-data
pages' breadcrumbs run: same ancestors, top first."""

from __future__ import annotations

import httpx

from app import queries
from app.config import DEFAULT_BASE_IRI


def test_evidence_paths_are_those_of_chemins_rq(client: httpx.Client) -> None:
    body = client.get("/api/themes/emploi", params={"limit": 5000}).json()
    elements = {
        e["iri"]: [s["id"] for s in e["chemin"]] for c in body["contrats"] for e in c["elements"]
    }
    assert len(elements) > 20 and any(len(p) >= 2 for p in elements.values())
    text = queries.load("chemins").bind({"element": sorted(elements)}, base=DEFAULT_BASE_IRI)
    response = client.post(
        "/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    expected: dict[str, list[tuple[int, str]]] = {e: [] for e in elements}
    for b in response.json()["results"]["bindings"]:
        step = (int(b["profondeur"]["value"]), b["ancetre"]["value"].rsplit("/", 1)[-1])
        if step not in expected[b["element"]["value"]]:  # one step per ancestor
            expected[b["element"]["value"]].append(step)
    assert elements == {e: [i for _, i in sorted(steps)] for e, steps in expected.items()}
    assert "/queries/chemins-faits.rq" in body["queries"]

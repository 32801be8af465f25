"""W3C SPARQL 1.1 Protocol tests, over HTTP against a live server.

Every query and bad-request test runs on the public server. Update tests run
twice: with the admin token they must pass as written; without it their
update request must be refused (4xx) and leave the data unchanged.
"""

from __future__ import annotations

import httpx
import pytest
from w3c_manifest import CONFORMANCE, check, load, send

if not (CONFORMANCE / "sparql11-protocol").is_dir():
    pytest.skip(f"W3C manifests absent ({CONFORMANCE})", allow_module_level=True)

TESTS = load(CONFORMANCE / "sparql11-protocol" / "manifest.ttl")
UPDATE_TESTS = [t for t in TESTS if any(r.is_write for r in t.requests)]


def count(client: httpx.Client) -> int:
    response = client.get(
        "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}
    )
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.id)
def test_public(protocol_server, test) -> None:
    """As written for queries and bad requests; updates refused, nothing changed."""
    with httpx.Client(base_url=protocol_server.url, timeout=30) as client:
        before = count(client)
        variables: dict[str, str] = {}
        for request in test.requests:
            response = send(client, request, variables)
            if request.is_write and not test.id.startswith("bad_"):
                assert response.status_code == 403, response.text
                break
            check(request, response, variables)
        assert count(client) == before


@pytest.mark.parametrize("test", UPDATE_TESTS, ids=lambda t: t.id)
def test_admin(protocol_admin_server, admin_token, test) -> None:
    """Update tests, authorised: they pass as written."""
    auth = {"Authorization": f"Bearer {admin_token}"}
    with httpx.Client(base_url=protocol_admin_server.url, timeout=30) as client:
        variables: dict[str, str] = {}
        for request in test.requests:
            check(request, send(client, request, variables, auth), variables)

"""W3C SPARQL 1.1 Graph Store Protocol tests (direct and indirect graph
identification, POST graph creation, multipart POST).

With the admin token every test runs as written on an emptied store; without
it every write is refused with 403.
"""

from __future__ import annotations

import httpx
import pytest
from w3c_manifest import CONFORMANCE, check, load, send

if not (CONFORMANCE / "sparql11-graph-store-protocol").is_dir():
    pytest.skip(f"W3C manifests absent ({CONFORMANCE})", allow_module_level=True)

TESTS = load(CONFORMANCE / "sparql11-graph-store-protocol" / "manifest.ttl")


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.id)
def test_admin(gsp_admin_server, admin_token, test) -> None:
    auth = {"Authorization": f"Bearer {admin_token}"}
    with httpx.Client(base_url=gsp_admin_server.url, timeout=30) as client:
        reset = client.post("/sparql", data={"update": "DROP ALL"}, headers=auth)
        assert reset.status_code == 204
        variables: dict[str, str] = {}
        for request in test.requests:
            check(request, send(client, request, variables, auth), variables)


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.id)
def test_public_writes_are_refused(gsp_admin_server, test) -> None:
    with httpx.Client(base_url=gsp_admin_server.url, timeout=30) as client:
        for request in test.requests:
            response = send(client, request, {})
            if request.is_write:
                assert response.status_code == 403
            elif "$" not in request.path:
                assert response.status_code in (200, 404)

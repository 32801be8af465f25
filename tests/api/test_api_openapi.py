"""The OpenAPI describes what the API really answers: a schema per JSON answer, live answers valid.

A schema-driven client or fuzzer trusts ``/api/openapi.json``; these tests
keep the response models (``app.api.models``) in step with the dicts the
routes build, by validating real answers of the live server against them.
"""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema
import pytest

# One live answer per JSON endpoint: (URL, path template in the OpenAPI).
ANSWERS = [
    ("/api/themes", "/api/themes"),
    ("/api/themes/sante-mentale", "/api/themes/{theme}"),
    ("/api/contrats", "/api/contrats"),
    ("/api/contrats/six-thematiques-629d7a99", "/api/contrats/{id}"),
    (
        "/api/compare?contrat=six-thematiques-629d7a99&contrat=terre-rouge-d2f76168",
        "/api/compare",
    ),
    ("/api/matrix", "/api/matrix"),
    ("/api/generations", "/api/generations"),
    ("/api/dispositifs", "/api/dispositifs"),
    ("/api/dispositifs/gusp", "/api/dispositifs/{id}"),
    ("/api/search?q=emploi", "/api/search"),
]


@pytest.fixture(scope="module")
def openapi(client: httpx.Client) -> dict[str, Any]:
    return client.get("/api/openapi.json").json()  # type: ignore[no-any-return]


def _json_schema(openapi: dict[str, Any], path: str) -> dict[str, Any]:
    content = openapi["paths"][path]["get"]["responses"]["200"]["content"]
    return content["application/json"]["schema"]  # type: ignore[no-any-return]


def _resolved(openapi: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    return openapi["components"]["schemas"][ref.rsplit("/", 1)[-1]]  # type: ignore[no-any-return]


def test_every_json_path_has_a_200_schema_with_properties(openapi: dict[str, Any]) -> None:
    json_paths = {p for p in openapi["paths"] if not p.endswith(".{ext}")}  # images apart
    assert json_paths == {template for _, template in ANSWERS}
    for path in json_paths:
        schema = _resolved(openapi, _json_schema(openapi, path))
        assert schema.get("properties"), path
        assert {"query", "parameters", "data_version"} <= set(schema["properties"]), path


@pytest.mark.parametrize(("url", "path"), ANSWERS)
def test_live_answers_validate_against_their_schema(
    client: httpx.Client, openapi: dict[str, Any], url: str, path: str
) -> None:
    answer = client.get(url)
    assert answer.status_code == 200, answer.text
    schema = {**_json_schema(openapi, path), "components": openapi["components"]}
    jsonschema.Draft202012Validator(schema).validate(answer.json())

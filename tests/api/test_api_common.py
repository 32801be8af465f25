"""What every /api answer shares: OpenAPI, formats, query pointers, cache, errors."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from api_helpers import read_csv

JSON_ANSWERS = [
    "/api/themes",
    "/api/themes/sante-mentale",
    "/api/contrats",
    "/api/contrats/six-thematiques-629d7a99",
    "/api/compare?contrat=six-thematiques-629d7a99&contrat=terre-rouge-d2f76168",
    "/api/matrix",
    "/api/generations",
    "/api/dispositifs",
    "/api/dispositifs/gusp",
    "/api/search?q=emploi",
]


def test_openapi_documents_every_endpoint(client: httpx.Client) -> None:
    doc = client.get("/api/openapi.json").json()
    assert set(doc["paths"]) == {
        "/api/themes",
        "/api/themes/{theme}",
        "/api/contrats",
        "/api/contrats/{id}",
        "/api/compare",
        "/api/matrix",
        "/api/matrix.{ext}",
        "/api/generations",
        "/api/dispositifs",
        "/api/dispositifs/{id}",
        "/api/search",
    }
    assert "text/csv" in doc["paths"]["/api/themes"]["get"]["responses"]["200"]["content"]


@pytest.mark.parametrize("url", JSON_ANSWERS)
def test_answers_name_their_queries_and_the_server_serves_them(
    client: httpx.Client, url: str
) -> None:
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert "parameters" in body and body["data_version"] == r.headers["x-data-version"]
    for query in body.get("queries") or [body["query"]]:
        text = client.get(query)
        assert text.status_code == 200, query
        assert text.text.startswith(f"# {Path(query).stem} — ")
    csv = client.get(url, headers={"Accept": "text/csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert f'<{body["query"]}>; rel="describedby"' in csv.headers["link"]


def test_data_version_is_the_build_fingerprint(client: httpx.Client, built_dir: Path) -> None:
    info = json.loads((built_dir / "build-info.json").read_text(encoding="utf-8"))
    assert client.get("/api/themes").headers["x-data-version"] == info["fingerprint"]


def test_repeated_calls_give_the_same_answer(client: httpx.Client) -> None:
    first = client.get("/api/generations")
    second = client.get("/api/generations")
    assert first.content == second.content


def test_unacceptable_format_is_406_and_unknown_format_param_422(client: httpx.Client) -> None:
    r = client.get("/api/themes", headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/csv" in r.json()["detail"]
    r = client.get("/api/themes", params={"format": "xml"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "format"]


def test_format_parameter_wins_over_accept(client: httpx.Client) -> None:
    r = client.get("/api/contrats?format=json", headers={"Accept": "text/csv"})
    assert r.headers["content-type"] == "application/json"


def test_big_answers_are_gzipped_when_the_client_accepts_it(client: httpx.Client) -> None:
    plain = client.get("/api/themes/sante-mentale", headers={"Accept-Encoding": "identity"})
    packed = client.get("/api/themes/sante-mentale", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert int(packed.headers["content-length"]) < len(plain.content) / 3
    assert packed.json() == plain.json()  # httpx decodes it


def test_a_kept_answer_is_the_same_in_every_encoding_and_format(client: httpx.Client) -> None:
    """Answers are kept gzip-compressed: a client without gzip gets them inflated, and
    the CSV rendered from the kept table has one row per contract of the JSON."""
    url = "/api/themes/sante-mentale"
    json_plain = client.get(url, headers={"Accept-Encoding": "identity"})
    csv_plain = client.get(f"{url}?format=csv", headers={"Accept-Encoding": "identity"})
    csv_packed = client.get(f"{url}?format=csv", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in csv_plain.headers
    assert csv_packed.headers.get("content-encoding") == "gzip"
    assert csv_packed.text == csv_plain.text
    frame = read_csv(csv_plain)
    assert set(frame["contrat"]) == {c["id"] for c in json_plain.json()["contrats"]}

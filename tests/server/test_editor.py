"""The query editor page, its vendored YASGUI and the example queries."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from app.server.routers.editor import load_examples

STATIC = Path(__file__).resolve().parents[2] / "app" / "server" / "static"
REQUIRED = ["sante-mentale", "contrat-arbre", "dispositifs-par-contrat"]


def test_home_is_the_french_editor(client: httpx.Client, server) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.text
    assert '<html lang="fr">' in page
    assert "/static/yasgui/yasgui.min.js" in page and "/static/yasgui/yasgui.min.css" in page
    assert f'"endpoint": "{server.sparql}"' in page
    for prefix in ("cdv", "skos", "dcterms", "prov", "rdfs", "xsd", "cdvid"):
        assert f"PREFIX {prefix}:" in page


def test_page_references_no_other_host(client: httpx.Client, server) -> None:
    page = client.get("/").text
    own = urlparse(server.url).netloc
    for url in re.findall(r"""(?:src|href)=["']([^"']+)""", page):
        assert url.startswith("/") or urlparse(url).netloc == own, url


def test_static_files_are_served(client: httpx.Client) -> None:
    for path in (
        "/static/yasgui/yasgui.min.js",
        "/static/yasgui/yasgui.min.css",
        "/static/editor.js",
        "/static/editor.css",
    ):
        response = client.get(path)
        assert response.status_code == 200, path


def test_vendored_css_loads_no_external_font_or_stylesheet() -> None:
    css = (STATIC / "yasgui" / "yasgui.min.css").read_text(encoding="utf-8")
    assert "@import" not in css
    for target in re.findall(r"url\(([^)]*)\)", css):
        assert not re.match(r"""["']?(https?:)?//""", target), target


def test_vendored_js_loads_no_stylesheet_or_font_from_a_cdn() -> None:
    js = (STATIC / "yasgui" / "yasgui.min.js").read_text(encoding="utf-8")
    for host in ("fonts.googleapis", "fonts.gstatic", "cdn.jsdelivr", "unpkg.com", "cdnjs"):
        assert host not in js
    assert "sourceMappingURL" not in js


def test_editor_turns_off_third_party_autocompletion() -> None:
    glue = (STATIC / "editor.js").read_text(encoding="utf-8")
    assert 'autocompleters = ["prefixes", "variables"]' in glue
    assert "prefixCcApi = null" in glue


def test_examples_list(client: httpx.Client) -> None:
    examples = client.get("/queries").json()
    names = [e["name"] for e in examples]
    assert names[: len(REQUIRED)] == REQUIRED
    for example in examples:
        assert example["query"].startswith("#") and example["title"]


@pytest.mark.parametrize("example", load_examples(), ids=lambda e: e.name)
def test_example_file_is_served_and_runs(client: httpx.Client, example) -> None:
    text = client.get(f"/queries/{example.name}.rq")
    assert text.status_code == 200
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.text.splitlines()[0].startswith("# ")
    result = client.post("/sparql", data={"query": text.text})
    assert result.status_code == 200, result.text


def test_mental_health_example_finds_narrower_themes(client: httpx.Client) -> None:
    # The raw-graph form: this server's sample data has no precomputed facts
    # (sante-mentale.rq reads them; tests/synthese checks that both agree).
    query = client.get("/queries/sante-mentale-brut.rq").text
    rows = client.post("/sparql", data={"query": query}).json()["results"]["bindings"]
    # the test data tag one element with « Addictions », narrower than « Santé mentale »
    assert [r["contrat"]["value"].rsplit("/", 1)[1] for r in rows] == ["alpha-2024-2030"]

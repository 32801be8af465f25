"""/api/matrix and its heatmap: one row per theme present, readable by a program too."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import httpx
from api_helpers import read_csv
from PIL import Image

MELUN = "ca-melun-val-de-seine-2024-2030"
SVG = "{http://www.w3.org/2000/svg}"


def test_matrix_counts_match_the_theme_answers(client: httpx.Client) -> None:
    body = client.get("/api/matrix").json()
    assert body["query"] == "/queries/matrice.rq"
    ids = [c["id"] for c in client.get("/api/contrats").json()["contrats"]]
    assert body["contrats"] == ids
    assert len(body["counts"]) == len(body["themes"])
    assert all(len(row) == len(ids) and any(row) for row in body["counts"])
    rows = {t["id"]: row for t, row in zip(body["themes"], body["counts"], strict=True)}
    mental = client.get("/api/themes/sante-mentale").json()
    for contrat in mental["contrats"]:
        assert rows["sante-mentale"][ids.index(contrat["id"])] == len(contrat["elements"])
    # Each narrower theme follows its broader one.
    order = [t["id"] for t in body["themes"]]
    for t in body["themes"]:
        if t["parent"]:
            assert order.index(t["parent"]) < order.index(t["id"])


def test_matrix_as_csv_is_wide(client: httpx.Client) -> None:
    body = client.get("/api/matrix").json()
    frame = read_csv(client.get("/api/matrix", headers={"Accept": "text/csv"}))
    assert list(frame.columns) == ["theme", "label", "parent", *body["contrats"]]
    assert list(frame["theme"]) == [t["id"] for t in body["themes"]]
    assert frame[body["contrats"]].astype(int).values.tolist() == body["counts"]


def test_matrix_columns_can_be_chosen(client: httpx.Client) -> None:
    body = client.get("/api/matrix", params={"contrat": MELUN}).json()
    assert body["contrats"] == [MELUN]
    assert all(row[0] > 0 for row in body["counts"])  # only themes present in it


def test_svg_heatmap_has_one_labelled_row_per_theme(client: httpx.Client) -> None:
    r = client.get("/api/matrix.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(r.content)
    assert root.tag == f"{SVG}svg"
    rows = [g.get("id")[4:] for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("row-")]
    themes = [t["id"] for t in client.get("/api/matrix").json()["themes"]]
    assert rows == themes
    assert int(r.headers["x-heatmap-rows"]) == len(themes)
    cols = [g.get("id")[4:] for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("col-")]
    assert cols == client.get("/api/matrix").json()["contrats"]
    texts = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    assert "Santé mentale" in texts


def test_png_heatmap_is_a_valid_image_that_grows_with_rows(client: httpx.Client) -> None:
    full = client.get("/api/matrix.png")
    assert full.status_code == 200 and full.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(full.content))
    image.verify()
    image = Image.open(io.BytesIO(full.content))
    assert image.format == "PNG" and image.width > 300
    one = client.get("/api/matrix.png", params={"contrat": "quartiers-2030-1096beb0"})
    small = Image.open(io.BytesIO(one.content))
    n_full, n_one = int(full.headers["x-heatmap-rows"]), int(one.headers["x-heatmap-rows"])
    assert n_one < n_full
    assert small.height < image.height


def test_heatmap_format_and_contract_errors(client: httpx.Client) -> None:
    assert client.get("/api/matrix.gif").status_code == 422
    r = client.get("/api/matrix.svg", params={"contrat": "contrat-inconnu"})
    assert r.status_code == 404
    assert client.get("/api/matrix", params={"contrat": "Pas Un Id"}).status_code == 422

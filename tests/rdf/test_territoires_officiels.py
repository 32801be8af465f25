"""Official codes of named territories: linked only when the printed name is unambiguous.

The rule runs on small tables written here (one row, two rows, none); the shipped table
and the live pages are checked against what Etalab's package says for the one EPCI the
sources name (CA Melun Val de Seine, SIREN 247700057 in @etalab/decoupage-administratif
6.0.0, epci.json) and the one quarter named without its commune (003: "Terre Rouge").
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import httpx
import pytest

from app.rdf.territoires_officiels import REFERENCE_TABLE, liaison
from app.server.live import LiveServer


def _table(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path = tmp_path / "territoires-officiels.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["type", "nom", "code", "siren", "departement", "nature"])
        for type_, nom, code in rows:
            w.writerow([type_, nom, code, "", "", ""])
    meta = {"paquet": "@etalab/decoupage-administratif", "version": "0.0.0-test"}
    path.with_suffix(".meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return path


def test_one_row_links_its_code(tmp_path: Path) -> None:
    table = _table(tmp_path, [("Commune", "Melun", "77288"), ("Commune", "Montesson", "78418")])
    assert liaison("Commune", "Melun", table).code == "77288"
    assert liaison("Commune", "Melun", table).raison is None


def test_ambiguous_name_is_not_linked_and_says_why(tmp_path: Path) -> None:
    table = _table(
        tmp_path, [("Commune", "Saint-Denis", "93066"), ("Commune", "Saint-Denis", "97411")]
    )
    link = liaison("Commune", "Saint-Denis", table)
    assert link.code is None
    assert link.raison is not None and "ambigu" in link.raison and "2 Commune" in link.raison


def test_absent_name_and_quarter_are_not_linked(tmp_path: Path) -> None:
    table = _table(tmp_path, [("Commune", "Melun", "77288")])
    absent = liaison("Commune", "Melun-sur-Mer", table)
    assert absent.code is None and "ne figure pas" in str(absent.raison)
    # A commune row must not be taken for an EPCI of the same name.
    assert liaison("EPCI", "Melun", table).code is None
    quartier = liaison("Quartier", "Terre Rouge", table)
    assert quartier.code is None and "sans sa commune" in str(quartier.raison)


def test_shipped_table_records_its_origin() -> None:
    meta = json.loads(REFERENCE_TABLE.with_suffix(".meta.json").read_text(encoding="utf-8"))
    assert meta["paquet"] == "@etalab/decoupage-administratif" and meta["version"]
    assert meta["integrity"].startswith("sha512-")
    with REFERENCE_TABLE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {(r["type"], r["nom"], r["code"]) for r in rows} >= {
        ("EPCI", "CA Melun Val de Seine", "247700057")
    }


@pytest.mark.parametrize(
    ("territoire", "expected"),
    [("ca-melun-val-de-seine", "247700057"), ("terre-rouge", "sans sa commune")],
)
def test_territory_page_gives_code_or_reason(
    seed_server: LiveServer, territoire: str, expected: str
) -> None:
    page = httpx.get(
        f"{seed_server.url}/id/territoire/{territoire}",
        headers={"Accept": "text/html"},
        timeout=30,
        follow_redirects=True,
    )
    assert page.status_code == 200
    assert expected in page.text

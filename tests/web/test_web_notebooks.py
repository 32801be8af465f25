"""The research notebooks run, top to bottom, against a live endpoint.

Each notebook is executed with nbclient in a fresh kernel whose CVKG_ENDPOINT
points to the test server; a cell that raises fails the test (and the build).
They are stored without outputs, so that a diff shows only what a person wrote.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_there_are_at_least_three_notebooks() -> None:
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: outputs stored"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_against_the_endpoint(
    path: Path, web_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CVKG_ENDPOINT", web_server.sparql)
    monkeypatch.delenv("CVKG_BASE_IRI", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors


def test_a_notebook_reads_every_row_past_the_row_cap(
    built_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An endpoint that cuts answers at 20 rows (CVKG_MAX_ROWS; 10,000 by default,
    which a profile of 825 contracts passes): the notebook's ``select`` reads the
    rest page by page, so the theme × contract map has every contract. Read whole,
    it had the contracts of the first rows only (715 of 825), and its drawing failed."""
    from app.server.live import live_server

    env = {
        "CVKG_BUILD_DIR": str(built_dir),
        "CVKG_STORE_DIR": str(tmp_path / "store"),
        "CVKG_MAX_ROWS": "20",
    }
    with live_server(None, tmp_path / "server.log", env=env) as server:
        monkeypatch.setenv("CVKG_ENDPOINT", server.sparql)
        monkeypatch.delenv("CVKG_BASE_IRI", raising=False)
        monkeypatch.setenv("MPLBACKEND", "Agg")
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/contrats-de-ville/onto#Contrat> }"
        contracts = httpx.post(
            server.sparql,
            data={"query": count},
            headers={"Accept": "application/sparql-results+json"},
        ).json()["results"]["bindings"][0]["n"]["value"]
        path = next(p for p in NOTEBOOKS if p.stem == "03-carte-themes-contrats")
        nb = nbformat.read(path, as_version=4)
        check = f"assert len(profil) > 20 and comptes.shape[1] == {contracts}, comptes.shape"
        nb.cells.append(nbformat.v4.new_code_cell(check))
        client = NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
        # A page's query cut likewise is said in the server's log (the thesaurus: > 20 themes).
        httpx.get(f"{server.url}/id/themes", headers={"Accept": "text/html"})
    assert "coupée à CVKG_MAX_ROWS=20" in (tmp_path / "server.log").read_text(encoding="utf-8")

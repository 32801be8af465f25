"""The curator's workflow with the renderings in a folder of their own: `cvkg import
--sources-dir DIR`, then `cvkg review` and `cvkg validate --draft` told the same DIR."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main


def test_review_and_validate_a_draft_whose_rendering_is_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The review and the draft check looked for the rendering in the project's own
    data/sources only: a draft imported with --sources-dir could not be reviewed
    without setting CVKG_SOURCES_DIR."""
    doc = tmp_path / "ailleurs.txt"
    doc.write_text(
        "Contrat de ville d'Ailleurs 2024-2030\n\nAxe 1 : Emploi\n- Lever les freins\n",
        encoding="utf-8",
    )
    sources, drafts = tmp_path / "rendus", tmp_path / "brouillons"
    assert main(["import", str(doc), "--outdir", str(drafts), "--sources-dir", str(sources)]) == 0
    draft = drafts / "ailleurs.yaml"
    page = tmp_path / "revue.html"
    capsys.readouterr()
    assert main(["review", str(draft), "-o", str(page), "--sources-dir", str(sources)]) == 0
    assert "Lever les freins" in page.read_text(encoding="utf-8")
    assert main(["validate", "--draft", str(draft), "--sources-dir", str(sources)]) == 0
    assert main(["validate", "--draft", str(draft), "--sources-dir", str(tmp_path / "vide")]) == 1
    assert "ailleurs.txt" in capsys.readouterr().err

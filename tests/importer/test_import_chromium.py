"""A contract printed from a web page by Chromium (tests/fixtures/chromium/): a PDF
that places every glyph on its own and draws list bullets as shapes."""

from __future__ import annotations

import shutil
from pathlib import Path

from tree_compare import compare, pairs_of, tree

from app.curation.loader import load_contrat
from app.curation.provenance import check_provenance

FIXTURE = Path(__file__).parents[1] / "fixtures" / "chromium" / "chromeville.pdf"

EXPECTED = """
Éducation et jeunesse
  Favoriser la réussite éducative
    Déployer la cité éducative
    Renforcer le programme de réussite éducative
  Accompagner les jeunes vers l'emploi
    Renforcer la présence de la mission locale dans les quartiers prioritaires de l'agglomération et dans les communes voisines
Santé et cadre de vie
  Améliorer l'accès aux soins
    Ouvrir un centre de santé
    Développer la télémédecine
  Améliorer le cadre de vie
    Requalifier les espaces publics
"""


def test_a_pdf_set_glyph_by_glyph(tmp_path: Path, run_import) -> None:
    """Its text came out a letter at a time, kerned pairs doubled (« C o n t r a t d e
    v i l l e », « Le Le p ré ré s e n t »): every label wrong; its bullets, drawn as
    discs, were no bullets, and the actions under each objective were lost."""
    doc = tmp_path / "chromeville.pdf"
    shutil.copy(FIXTURE, doc)
    result = run_import(doc)
    assert result.code == 0, result.stderr
    rendering = next(result.sources.glob("*.txt")).read_text(encoding="utf-8")
    assert "Contrat de ville de Chromeville" in rendering
    assert "Le présent contrat est conclu entre l'État, la communauté" in rendering
    assert "• Déployer la cité éducative" in rendering
    elements = result.draft["elements"]
    score = compare(tree(EXPECTED), pairs_of(elements))
    assert (score.recall, score.precision) == (1.0, 1.0), [
        (e["label"], e.get("parent")) for e in elements
    ]
    assert [e.get("code") for e in elements[:2]] == ["1", "1.1"]
    assert check_provenance(load_contrat(result.draft_path), result.sources) == []

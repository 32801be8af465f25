"""A contract printed from a web page by Chromium (tests/fixtures/chromium/): a PDF
that places every glyph on its own and draws list bullets as shapes."""

from __future__ import annotations

import shutil
from pathlib import Path

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
    rendering = result.rendering
    assert "Contrat de ville de Chromeville" in rendering
    assert "Le présent contrat est conclu entre l'État, la communauté" in rendering
    assert "• Déployer la cité éducative" in rendering
    elements = result.exact_tree(EXPECTED)
    assert [e.get("code") for e in elements[:2]] == ["1", "1.1"]


LISTEVILLE = """
Cohésion sociale
  Favoriser la réussite éducative
    Développer l'accompagnement à la scolarité
    Ouvrir une cité éducative
  Améliorer l'accès aux soins
    Créer un centre de santé
Emploi et développement économique
  Rapprocher les habitants de l'emploi
    Lever les freins à l'emploi
      Créer une plateforme mobilité
      Développer les modes de garde
    Développer les clauses d'insertion
      Former les acheteurs publics
  Soutenir la création d'activité
    Accompagner les porteurs de projet
      Ouvrir une couveuse d'entreprises
Cadre de vie et renouvellement urbain
  Améliorer l'habitat
    Poursuivre le NPNRU
      Démolir la barre Rimbaud
      Réhabiliter 300 logements
  Tranquillité publique
    Renforcer la médiation de nuit
"""


def test_a_pdf_of_runs_of_words_and_kerned_glyphs(tmp_path: Path, run_import) -> None:
    """Body text in runs of words, but headings and kerned pairs placed glyph by glyph
    on the same page: the pairs were read twice (« Fa Favoriser la ré réussite »,
    « Cré réer un centre re de santé »), and a heading a letter at a time."""
    doc = tmp_path / "listeville.pdf"
    shutil.copy(FIXTURE.with_name("listeville.pdf"), doc)
    result = run_import(doc)
    assert result.code == 0, result.stderr
    rendering = result.rendering
    assert "Contrat de ville de Listeville 2024-2030" in rendering
    assert "1. Favoriser la réussite éducative" in rendering
    result.exact_tree(LISTEVILLE)


ESPACEVILLE = """
COHÉSION SOCIALE
  Favoriser la réussite éducative
    Développer l'accompagnement à la scolarité
  Tranquillité publique
    Renforcer la médiation de nuit
CADRE DE VIE ET RENOUVELLEMENT URBAIN
  Améliorer l'habitat
    Poursuivre le renouvellement urbain
"""


def test_headings_set_with_letter_spacing(tmp_path: Path, run_import) -> None:
    """PDFium generates a space between letters set apart (« P I L I E R 1 : C O H É S I O
    N »), or where a gap between two is a little wider (« Orientat ion 1.1 : Favoriser
    la réussi te »): the level words were lost, the labels cut."""
    doc = tmp_path / "espacement.pdf"
    shutil.copy(FIXTURE.with_name("espacement.pdf"), doc)
    result = run_import(doc)
    elements = result.exact_tree(ESPACEVILLE)
    assert [(e.get("niveau"), e.get("code")) for e in elements[:2]] == [
        ("Pilier", "1"),
        ("Orientation", "1.1"),
    ]

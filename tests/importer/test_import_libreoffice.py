"""PDFs as LibreOffice exports Word files (tests/fixtures/libreoffice/make.py), each
against the tree its Word file was written with."""

from __future__ import annotations

from pathlib import Path

from test_import_layouts import _exact

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "libreoffice"


def test_headings_over_bulleted_lists(run_import) -> None:
    """Bold headings whose font declares weight 400 (« DejaVuSans-Bold ») were read as
    body text, and bullets set below their line as lines of their own: « Favoriser
    l'accès aux droits » was lost, « Soutenir la parentalité » glued to an item."""
    _exact(
        run_import(FIXTURES / "bourg.pdf"),
        """
Cohésion sociale
  Favoriser l'accès aux droits
    Créer un guichet unique des droits
    Former les agents à l'accueil social
  Soutenir la parentalité
    Développer les lieux d'accueil parents-enfants
Emploi
  Lever les freins à l'emploi
    Développer les modes de garde
""",
    )


def test_tables_without_borders_and_cells_of_paragraphs(run_import) -> None:
    _exact(
        run_import(FIXTURES / "sansbord.pdf"),
        """
Emploi et développement économique
  Favoriser l'accès à l'emploi des habitants des quartiers prioritaires
    Lever les freins périphériques à l'emploi des femmes
    Développer les clauses d'insertion dans la commande publique
  Soutenir la création d'activité
    Accompagner les porteurs de projet issus des quartiers
Cohésion sociale
  Renforcer la réussite éducative
    Développer le programme de réussite éducative
    Ouvrir des cités éducatives
  Améliorer l'accès aux soins
    Créer un centre de santé
""",
    )


def test_a_section_in_two_columns(run_import) -> None:
    _exact(
        run_import(FIXTURES / "colonnes.pdf"),
        """
Emploi et insertion professionnelle
  Rapprocher les habitants de l'emploi
    Renforcer la présence du service public de l'emploi
    Développer les clauses d'insertion
  Soutenir la création d'activité
    Accompagner les porteurs de projet
Santé et accès aux soins
  Améliorer l'accès aux soins
    Installer une maison de santé
    Développer la médiation en santé
  Prévenir les troubles de santé mentale
    Ouvrir un point écoute jeunes
""",
    )


COMPLET = """
Éducation et réussite
  Favoriser la réussite éducative
    Renforcer le programme de réussite éducative
    Développer l'accompagnement à la scolarité
  Lutter contre le décrochage scolaire
    Créer une cellule de veille
Emploi et insertion
  Lever les freins à l'emploi
    Développer les modes de garde
    Faciliter la mobilité des demandeurs d'emploi
Santé et bien-être
  Améliorer l'accès aux soins
    Installer une maison de santé
    Prévenir les troubles de santé mentale chez les jeunes
      Ouvrir un point écoute jeunes
la participation des habitants
"""


def _check_complet(result) -> None:  # type: ignore[no-untyped-def]
    """The strategy alone is drafted: the diagnostic's table of figures (« Taux de chômage
    | 24 % | 11 % ») was drafted as axes and objectives; the preamble, the diagnostic
    and the governance are the contract's description; the fiche action hangs under
    the objective it names."""
    elements = _exact(result, COMPLET)
    assert not any("a_verifier" in e for e in elements)
    described = [d["texte"] for d in result.draft["description"]]
    for heading in ("Préambule", "Diagnostic", "Gouvernance"):
        assert heading in described
    assert "Le comité de pilotage réunit les signataires une fois par an." in described
    assert [t["nature"] for t in result.draft["contexte"]["textes_cites"]] == ["loi"]


def test_a_whole_contract_in_word(tmp_path: Path, run_import, libreoffice_make) -> None:
    libreoffice_make.complet(tmp_path)
    _check_complet(run_import(tmp_path / "complet.docx"))


def test_a_whole_contract_exported_to_pdf(run_import) -> None:
    """The same as LibreOffice prints it. « Santé et bien- » / « être » in a cell came out
    as « bien\\x02 être »: PDFium gives a hyphen that ends a line as U+0002, so the
    fiche's « Axe 3 – Santé et bien-être » was an axis of its own, flagged."""
    _check_complet(run_import(FIXTURES / "complet.pdf"))

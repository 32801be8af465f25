"""Word styles of a contract's own template: a heading style based on Word's « Heading
1 » (« Titre d'axe ») is a heading of that level, as Word's navigation pane shows it."""

from __future__ import annotations

from pathlib import Path

EXPECTED = """
Cohésion sociale
  Favoriser la réussite éducative
    Renforcer le programme de réussite éducative
  Améliorer l'accès aux soins
Emploi
  Rapprocher les habitants de l'emploi
"""


def test_heading_styles_based_on_word_headings(tmp_path: Path, run_import) -> None:
    """Only the bullet was drafted: the template's heading styles were body text."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    d = docx.Document()
    axe = d.styles.add_style("Titre d'axe", WD_STYLE_TYPE.PARAGRAPH)
    axe.base_style = d.styles["Heading 1"]
    objectif = d.styles.add_style("Titre d'objectif", WD_STYLE_TYPE.PARAGRAPH)
    objectif.base_style = d.styles["Heading 2"]
    d.add_paragraph("Contrat de ville de Styleville 2024-2030", style="Title")
    d.add_paragraph("Cohésion sociale", style=axe)
    d.add_paragraph("Favoriser la réussite éducative", style=objectif)
    d.add_paragraph("Renforcer le programme de réussite éducative", style="List Bullet")
    d.add_paragraph("Améliorer l'accès aux soins", style=objectif)
    d.add_paragraph("Emploi", style=axe)
    d.add_paragraph("Rapprocher les habitants de l'emploi", style=objectif)
    path = tmp_path / "styleville.docx"
    d.save(str(path))
    result = run_import(path)
    result.exact_tree(EXPECTED)

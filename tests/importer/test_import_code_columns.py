"""A plan of actions whose first column prints each row's code (« N° | Intitulé |
Pilote | Indicateurs »): the codes nest the rows as a numbered outline would."""

from __future__ import annotations

from pathlib import Path

EXPECTED = """
Favoriser la réussite éducative
  Accompagner la scolarité
    Déployer la cité éducative
    Renforcer le programme de réussite éducative
  Prévenir le décrochage
    Créer un dispositif de raccrochage
Améliorer l'accès aux soins
  Développer l'offre de soins
    Ouvrir un centre de santé
"""

ROWS = [
    ("N°", "Intitulé", "Pilote", "Indicateurs"),
    ("1", "Favoriser la réussite éducative", "", ""),
    ("1.1", "Accompagner la scolarité", "", ""),
    ("1.1.1", "Déployer la cité éducative", "Ville", "nombre d'élèves accompagnés"),
    ("1.1.2", "Renforcer le programme de réussite éducative", "CCAS", ""),
    ("1.2", "Prévenir le décrochage", "", ""),
    ("1.2.1", "Créer un dispositif de raccrochage", "Éducation nationale", ""),
    ("2", "Améliorer l'accès aux soins", "", ""),
    ("2.1", "Développer l'offre de soins", "", ""),
    ("2.1.1", "Ouvrir un centre de santé", "ARS", ""),
]


def test_a_code_column_nests_the_rows(tmp_path: Path, run_import) -> None:
    """Every row was an action under nothing (« Plan d'actions » above, « Intitulé »
    naming the actions' column), flagged; the annex's numbered list of quartiers,
    « N° | Quartier », is no tree."""
    import docx

    d = docx.Document()
    d.add_paragraph("Contrat de ville de Numéros 2024-2030", style="Title")
    d.add_heading("Plan d'actions", 1)
    table = d.add_table(rows=len(ROWS), cols=4)
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.add_heading("Annexe 1 – Les quartiers prioritaires", 1)
    quartiers = d.add_table(rows=3, cols=2)
    for r, row in enumerate((("N°", "Quartier"), ("1", "Les Hauts"), ("2", "La Gare"))):
        for c, text in enumerate(row):
            quartiers.cell(r, c).text = text
    path = tmp_path / "numeros.docx"
    d.save(str(path))
    result = run_import(path)
    elements = result.exact_tree(EXPECTED)
    by_label = {e["label"]: e for e in elements}
    cite = by_label["Déployer la cité éducative"]
    assert cite["code"] == "1.1.1"
    assert [i["texte"] for i in cite["indicateurs"]] == ["nombre d'élèves accompagnés"]
    assert all(e.get("a_verifier", "").startswith("niveau déduit") for e in elements)

"""Small contracts in other layouts, built in the tests with the real libraries."""

from __future__ import annotations

from pathlib import Path

TEXT_CONTRACT = """Contrat de ville de Valbourg 2024-2030

Sommaire
1. Renforcer la cohésion sociale ........ 3
2. Favoriser l'emploi ........ 5

\f
1. Renforcer la cohésion sociale

Le diagnostic partagé montre un isolement croissant des personnes âgées. Les acteurs
associatifs demandent un soutien durable.

• Rompre l'isolement des personnes âgées dans les
  quartiers prioritaires
• Soutenir les associations de proximité
• Développer l'accès à la culture pour les
  familles

Page 1 / 2
\f
2. Favoriser l'emploi

• Accompagner les jeunes dans la co-
  construction de leur parcours
• Lever les freins à la mobilité
Résultats attendus : hausse du nombre de jeunes en formation

Page 2 / 2
"""

TEXT_EXPECTED = """
Renforcer la cohésion sociale
  Rompre l'isolement des personnes âgées dans les quartiers prioritaires
  Soutenir les associations de proximité
  Développer l'accès à la culture pour les familles
Favoriser l'emploi
  Accompagner les jeunes dans la co-construction de leur parcours
  Lever les freins à la mobilité
"""

DOCX_EXPECTED = """
Cohésion sociale et vivre ensemble
  Favoriser la réussite éducative
    Soutenir les parents dans leur rôle éducatif
      Créer des cafés des parents
      Former les professionnels à la parentalité
    Lutter contre le décrochage scolaire
      Accompagner les collégiens exclus
  Améliorer l'accès aux soins
    Développer la prévention en santé mentale
      Ouvrir un point écoute jeunes
Emploi et développement économique
  Rapprocher les habitants de l'emploi
    Renforcer la présence des acteurs de l'emploi dans les quartiers
"""


def make_docx(path: Path) -> None:
    """Heading styles, narrative paragraphs, and a table with merged cells and bullets."""
    import docx

    d = docx.Document()
    d.add_paragraph("Contrat de ville de Valbourg", style="Title")
    d.add_paragraph("Le présent contrat engage les partenaires pour la période 2024-2030.")
    d.add_heading("Axe 1 : Cohésion sociale et vivre ensemble", level=1)
    d.add_paragraph(
        "Cet axe rassemble les actions éducatives et de santé menées dans les quartiers."
    )
    table = d.add_table(rows=5, cols=3)
    header = ["Objectifs stratégiques", "Objectifs opérationnels", "Actions"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    rows = [
        (
            "Favoriser la réussite éducative",
            "Soutenir les parents dans leur rôle éducatif",
            ["- Créer des cafés des parents", "- Former les professionnels à la parentalité"],
        ),
        ("", "Lutter contre le décrochage scolaire", ["- Accompagner les collégiens exclus"]),
        (
            "Améliorer l'accès aux soins",
            "Développer la prévention en santé mentale",
            ["- Ouvrir un point écoute jeunes"],
        ),
    ]
    for r, (os_, oo, actions) in enumerate(rows, start=1):
        cells = table.rows[r].cells
        if os_:
            cells[0].text = os_
        cells[1].text = oo
        cells[2].text = actions[0]
        for a in actions[1:]:
            cells[2].add_paragraph(a)
    table.cell(1, 0).merge(table.cell(2, 0))  # "Favoriser la réussite éducative" spans two rows
    last = table.rows[4].cells
    merged = last[0].merge(last[2])  # a row that spans the whole table: signature note
    merged.text = "Les actions sont financées par l'appel à projets annuel."
    d.add_heading("Axe 2 : Emploi et développement économique", level=1)
    d.add_heading("Objectif stratégique : Rapprocher les habitants de l'emploi", level=2)
    d.add_paragraph(
        "Renforcer la présence des acteurs de l'emploi dans les quartiers", style="List Bullet"
    )
    d.add_paragraph("Fait à Valbourg, le 12 mars 2024")
    d.add_paragraph("Le Préfet")
    d.save(str(path))


PDF_EXPECTED = """
Agir pour la jeunesse
  Renforcer l'accompagnement des jeunes les plus éloignés des dispositifs d'insertion professionnelle et sociale
    Créer une permanence de la mission locale
    Développer le parrainage
  Favoriser l'engagement citoyen
Améliorer le cadre de vie
  Requalifier les espaces publics
    Végétaliser les cours d'immeubles
  Assurer la tranquillité publique
"""


def make_pdf(path: Path, repeat: int = 1) -> None:
    """An outline over several pages: running header and footer, page numbers,
    a sommaire, long objectives wrapped by the layout, narrative paragraphs."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()

    def frame(canvas, doc):  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(
            72, A4[1] - 40, "Contrat de ville de Valbourg — Engagements Quartiers 2030"
        )
        canvas.drawString(72, 30, "Communauté d'agglomération de Valbourg")
        canvas.drawRightString(A4[0] - 72, 30, f"{doc.page}")
        canvas.restoreState()

    story = [Paragraph("Contrat de ville de Valbourg", styles["Title"]), Spacer(1, 12)]
    story += [Paragraph("Sommaire", styles["Heading2"])]
    story += [
        Paragraph("Axe 1 – Agir pour la jeunesse ........................ 2", styles["Normal"])
    ]
    story += [
        Paragraph("Axe 2 – Améliorer le cadre de vie ........................ 3", styles["Normal"])
    ]
    for n in range(repeat):
        t = f" (quartier {n + 1})" if repeat > 1 else ""  # distinct labels in the benchmark
        story += [PageBreak(), Paragraph("Axe 1 – Agir pour la jeunesse" + t, styles["Heading1"])]
        story += [
            Paragraph(
                "Les jeunes des quartiers prioritaires sont deux fois plus souvent "
                "sans emploi ni formation. " * 3,
                styles["Normal"],
            ),
            Spacer(1, 8),
        ]
        story += [
            Paragraph(
                "1.1 Renforcer l'accompagnement des jeunes les plus éloignés des dispositifs "
                "d'insertion professionnelle et sociale",
                styles["Heading2"],
            )
        ]
        story += [Paragraph("• Créer une permanence de la mission locale" + t, styles["Normal"])]
        story += [Paragraph("• Développer le parrainage", styles["Normal"])]
        story += [Paragraph("1.2 Favoriser l'engagement citoyen", styles["Heading2"])]
        story += [
            PageBreak(),
            Paragraph("Axe 2 – Améliorer le cadre de vie" + t, styles["Heading1"]),
        ]
        story += [Paragraph("2.1 Requalifier les espaces publics" + t, styles["Heading2"])]
        story += [Paragraph("• Végétaliser les cours d'immeubles", styles["Normal"])]
        story += [Paragraph("2.2 Assurer la tranquillité publique", styles["Heading2"])]
        story += [Paragraph("Le sentiment d'insécurité recule depuis 2019. " * 4, styles["Normal"])]
    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=frame, onLaterPages=frame)


ODT_EXPECTED = """
Habitat et cadre de vie
  Améliorer la gestion urbaine de proximité
    Organiser des diagnostics en marchant
  Favoriser la mixité sociale
"""


def make_odt(path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, List, ListItem, P

    doc = OpenDocumentText()
    doc.text.addElement(H(outlinelevel=1, text="Pilier : Habitat et cadre de vie"))
    doc.text.addElement(P(text="Les quartiers ont été rénovés entre 2008 et 2016."))
    doc.text.addElement(
        H(outlinelevel=2, text="Objectif stratégique 1 : Améliorer la gestion urbaine de proximité")
    )
    items = List()
    item = ListItem()
    item.addElement(P(text="Organiser des diagnostics en marchant"))
    items.addElement(item)
    doc.text.addElement(items)
    doc.text.addElement(
        H(outlinelevel=2, text="Objectif stratégique 2 : Favoriser la mixité sociale")
    )
    doc.save(str(path))

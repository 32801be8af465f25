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


ROMAN_TEXT = """CONTRAT DE VILLE DE LA COMMUNAUTÉ DE COMMUNES DU VAL DORÉ
2015-2020

SOMMAIRE
I. Préambule ..................... 2
II. Pilier cohésion sociale ...... 4
III. Pilier emploi ............... 9

I. PRÉAMBULE

Le présent contrat est signé par l'État, la communauté de communes et leurs partenaires.
Il s'appuie sur la loi du 21 février 2014.

II. PILIER COHÉSION SOCIALE

A. Éducation
  1) Renforcer le programme de réussite éducative
  2) Lutter contre le décrochage scolaire des
     collégiens
B. Santé
  1) Développer l'atelier santé ville
     Indicateurs : nombre de participants aux ateliers

III. PILIER EMPLOI

A. Insertion professionnelle
  1) Mobiliser les clauses d'insertion
  2) Accompagner les demandeurs d'emploi de longue durée

Fait à Valdoré, le 3 juillet 2015
Le Préfet
Le Président de la communauté de communes
"""

ROMAN_EXPECTED = """
PILIER COHÉSION SOCIALE
  Éducation
    Renforcer le programme de réussite éducative
    Lutter contre le décrochage scolaire des collégiens
  Santé
    Développer l'atelier santé ville
PILIER EMPLOI
  Insertion professionnelle
    Mobiliser les clauses d'insertion
    Accompagner les demandeurs d'emploi de longue durée
"""

LEVEL_WORDS_PDF_EXPECTED = """
COHÉSION SOCIALE
  Favoriser la réussite éducative de tous les enfants et adolescents des quartiers prioritaires de la ville
    Renforcer le programme de réussite éducative
    Accompagner les parents dans la scolarité de leurs enfants, en particulier au moment de l'entrée au collège et au lycée
  Améliorer l'accès aux soins
    Développer les maisons de santé pluriprofessionnelles
EMPLOI ET DÉVELOPPEMENT ÉCONOMIQUE
  Rapprocher les habitants de l'emploi
    Mobiliser les clauses d'insertion dans les marchés publics
    Soutenir la création d'activité
"""


def make_level_words_pdf(path: Path) -> None:
    """Level words and captions (« Objectifs opérationnels : »), a wrapped title and
    objective, indicators, a page-numbered footer « Page n/4 », signatures."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    st = getSampleStyleSheet()
    body = st["Normal"]

    def frame(c, doc):  # type: ignore[no-untyped-def]
        c.saveState()
        c.setFont("Helvetica", 8)
        c.drawString(72, A4[1] - 40, "Contrat de ville 2024-2030 – Agglomération du Pays de Vire")
        c.drawRightString(A4[0] - 72, 30, f"Page {doc.page}/4")
        c.restoreState()

    p = Paragraph
    story = [
        p(
            "Contrat de ville Engagements Quartiers 2030 – Agglomération du Pays de Vire",
            st["Title"],
        ),
        p("SOMMAIRE", st["Heading2"]),
        p("Pilier 1 : Cohésion sociale ............ 2", body),
        p("Pilier 2 : Emploi et développement économique ............ 3", body),
        PageBreak(),
        p("PILIER 1 : COHÉSION SOCIALE", st["Heading1"]),
        p(
            "Le pilier cohésion sociale vise à réduire les inégalités entre les quartiers "
            "prioritaires et le reste de l'agglomération. Il mobilise l'ensemble des partenaires.",
            body,
        ),
        p(
            "Objectif stratégique 1.1 : Favoriser la réussite éducative de tous les enfants et "
            "adolescents des quartiers prioritaires de la ville",
            st["Heading2"],
        ),
        p("Objectifs opérationnels :", body),
        p("- Renforcer le programme de réussite éducative", body),
        p(
            "- Accompagner les parents dans la scolarité de leurs enfants, en particulier au moment "
            "de l'entrée au collège et au lycée",
            body,
        ),
        p("Indicateurs : taux de réussite au brevet ; nombre de parents accompagnés", body),
        p("Objectif stratégique 1.2 : Améliorer l'accès aux soins", st["Heading2"]),
        p("Objectifs opérationnels :", body),
        p("- Développer les maisons de santé pluriprofessionnelles", body),
        PageBreak(),
        p("PILIER 2 : EMPLOI ET DÉVELOPPEMENT ÉCONOMIQUE", st["Heading1"]),
        p("Objectif stratégique 2.1 : Rapprocher les habitants de l'emploi", st["Heading2"]),
        p("Objectifs opérationnels :", body),
        p("- Mobiliser les clauses d'insertion dans les marchés publics", body),
        p("- Soutenir la création d'activité", body),
        PageBreak(),
        p("Fait à Vire, le 15 mars 2024", body),
        p("Le Préfet du Calvados", body),
        p("Le Président de l'agglomération", body),
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=frame, onLaterPages=frame)


MERGED_ROWS_EXPECTED = """
Éducation et jeunesse
  Garantir la réussite de tous les élèves
    Prévenir le décrochage scolaire
      Dispositif de raccrochage
      Tutorat par des étudiants
    Accompagner l'orientation
      Forums des métiers
  Favoriser l'engagement des jeunes
    Développer le service civique
      Permanence d'information
Cadre de vie
  Améliorer la propreté des espaces publics
    Renforcer la gestion urbaine de proximité
      Diagnostics en marchant
      Brigade verte
    Sensibiliser les habitants au tri
      Ambassadeurs du tri
"""


def make_merged_rows_docx(path: Path) -> None:
    """Numbered chapters around the strategy, and tables whose axes are rows merged
    across the table, objectives merged down over their operational objectives."""
    import docx

    d = docx.Document()
    d.add_paragraph("Contrat de ville de Montfleury 2024-2030", style="Title")
    d.add_paragraph("Sommaire", style="Heading 1")
    d.add_paragraph("1. Diagnostic\t3")
    d.add_paragraph("2. Programme d'actions\t5")
    d.add_heading("1. Diagnostic", level=1)
    d.add_paragraph(
        "Les quartiers de Montfleury comptent 12 000 habitants dont 40 % de moins de 25 ans."
    )
    d.add_heading("2. Programme d'actions", level=1)
    header = ["Objectif stratégique", "Objectif opérationnel", "Actions"]
    t = d.add_table(rows=6, cols=3)
    t.rows[0].cells[0].merge(t.rows[0].cells[2]).text = "Axe 1 : Éducation et jeunesse"
    for c, x in zip(t.rows[1].cells, header, strict=True):
        c.text = x
    t.cell(2, 0).text = "Garantir la réussite de tous les élèves"
    t.cell(2, 1).text = "Prévenir le décrochage scolaire"
    t.cell(2, 2).text = "- Dispositif de raccrochage\n- Tutorat par des étudiants"
    t.cell(3, 1).text = "Accompagner l'orientation"
    t.cell(3, 2).text = "- Forums des métiers"
    t.cell(2, 0).merge(t.cell(3, 0))
    t.cell(4, 0).text = "Favoriser l'engagement des jeunes"
    t.cell(4, 1).text = "Développer le service civique"
    t.cell(4, 2).text = "- Permanence d'information"
    t.rows[5].cells[0].merge(t.rows[5].cells[2]).text = "Axe 2 : Cadre de vie"
    t2 = d.add_table(rows=3, cols=3)
    for c, x in zip(t2.rows[0].cells, header, strict=True):
        c.text = x
    t2.cell(1, 0).text = "Améliorer la propreté des espaces publics"
    t2.cell(1, 1).text = "Renforcer la gestion urbaine de proximité"
    t2.cell(1, 2).text = "- Diagnostics en marchant\n- Brigade verte"
    t2.cell(2, 1).text = "Sensibiliser les habitants au tri"
    t2.cell(2, 2).text = "- Ambassadeurs du tri"
    t2.cell(1, 0).merge(t2.cell(2, 0))
    d.add_heading("3. Gouvernance", level=1)
    d.add_paragraph("Le comité de pilotage se réunit deux fois par an.")
    d.save(str(path))


MIXED_COLUMNS_EXPECTED = """
Emploi
  Lever les freins à l'emploi
    Garde d'enfants à horaires atypiques
    Aide au permis de conduire
  Développer l'entrepreneuriat
    Couveuse d'entreprises
Habitat
  Améliorer les logements
"""


def make_mixed_columns_docx(path: Path) -> None:
    """A table whose columns mix levels (Orientations, Actions) with pilots, calendar and
    indicators; no title."""
    import docx

    d = docx.Document()
    d.add_heading("Axe 1 - Emploi", level=1)
    t = d.add_table(rows=4, cols=5)
    header = ["Orientations", "Actions", "Pilotes", "Calendrier", "Indicateurs"]
    for c, x in zip(t.rows[0].cells, header, strict=True):
        c.text = x
    t.cell(1, 0).text = "Lever les freins à l'emploi"
    t.cell(1, 1).text = "Garde d'enfants à horaires atypiques"
    t.cell(1, 2).text = "CAF"
    t.cell(1, 3).text = "2025"
    t.cell(1, 4).text = "Nombre de places créées"
    t.cell(2, 1).text = "Aide au permis de conduire"
    t.cell(2, 2).text = "Mission locale"
    t.cell(1, 0).merge(t.cell(2, 0))
    t.cell(3, 0).text = "Développer l'entrepreneuriat"
    t.cell(3, 1).text = "Couveuse d'entreprises"
    d.add_heading("Axe 2 - Habitat", level=1)
    d.add_paragraph("Améliorer les logements", style="List Bullet")
    d.save(str(path))


CANVAS_PDF_EXPECTED = """
Cohésion sociale
  Garantir l'égalité des chances dans le parcours éducatif des enfants et des jeunes des quartiers
    Renforcer le programme de réussite éducative pour les enfants de 2 à 16 ans et leurs familles
    Soutenir les actions de parentalité
  Promouvoir la santé des habitants
    Développer la prévention bucco-dentaire
Emploi
  Lever les freins à l'emploi
    Développer des solutions de garde d'enfants
    Accompagner la mobilité des demandeurs d'emploi
  Soutenir l'entrepreneuriat
    Ouvrir une couveuse d'activités
Cadre de vie
  Améliorer la gestion urbaine de proximité
    Organiser des diagnostics en marchant
"""


def make_canvas_pdf(path: Path) -> None:
    """Lines drawn one by one at a fixed spacing, all in one type size: headings only
    bold, no gap before a paragraph, a bullet wrapped onto an indented line, a running
    header and a « - n - » page number."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pages = [
        [
            ("B", "CONTRAT DE VILLE DE SAINT-AUBIN 2024-2030"),
            ("N", ""),
            ("B", "Axe 1 : Cohésion sociale"),
            (
                "N",
                "Les quartiers prioritaires concentrent les difficultés sociales. Les partenaires",
            ),
            ("N", "s'engagent à agir ensemble sur l'éducation et la santé."),
            (
                "B",
                "1.1 Garantir l'égalité des chances dans le parcours éducatif des enfants et des",
            ),
            ("B", "jeunes des quartiers"),
            ("N", "• Renforcer le programme de réussite éducative pour les enfants de 2 à 16"),
            ("N", "  ans et leurs familles"),
            ("N", "• Soutenir les actions de parentalité"),
            ("B", "1.2 Promouvoir la santé des habitants"),
            ("N", "Le contrat local de santé sera renouvelé en 2025."),
            ("N", "• Développer la prévention bucco-dentaire"),
        ],
        [
            ("B", "Axe 2 : Emploi"),
            ("B", "2.1 Lever les freins à l'emploi"),
            ("N", "• Développer des solutions de garde d'enfants"),
            ("N", "• Accompagner la mobilité des demandeurs d'emploi"),
            ("B", "2.2 Soutenir l'entrepreneuriat"),
            ("N", "• Ouvrir une couveuse d'activités"),
        ],
        [
            ("B", "Axe 3 : Cadre de vie"),
            ("B", "3.1 Améliorer la gestion urbaine de proximité"),
            ("N", "• Organiser des diagnostics en marchant"),
        ],
    ]
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for n, lines in enumerate(pages, start=1):
        c.setFont("Helvetica", 8)
        c.drawString(72, height - 36, "Saint-Aubin – Contrat de ville")
        c.drawCentredString(width / 2, 30, f"- {n} -")
        y = height - 90
        for kind, text in lines:
            c.setFont("Helvetica-Bold" if kind == "B" else "Helvetica", 10)
            c.drawString(72, y, text)
            y -= 14
        c.showPage()
    c.save()


INDENTED_TEXT = """CONTRAT DE VILLE DE ROCHEVAL

Axe 1 : Emploi
    Favoriser l'accès des jeunes à l'emploi
        Renforcer la mission locale
        Développer l'alternance
    Soutenir la création d'activité
        Ouvrir une couveuse
Axe 2 : Santé
    Améliorer l'accès aux soins
        Créer une maison de santé
"""

INDENTED_EXPECTED = """
Emploi
  Favoriser l'accès des jeunes à l'emploi
    Renforcer la mission locale
    Développer l'alternance
  Soutenir la création d'activité
    Ouvrir une couveuse
Santé
  Améliorer l'accès aux soins
    Créer une maison de santé
"""

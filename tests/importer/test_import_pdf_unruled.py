"""PDF tables printed without rules (or with rules under the rows only), read cell by cell
where their header row names the columns, and only there."""

from __future__ import annotations

from pathlib import Path

from test_import_layouts import _exact

from app.importer.pdf_columns import Run
from app.importer.pdf_unruled import chunks, find


def _table_pdf(path: Path, tables: list[tuple[str, list[tuple[str, ...]], list, list]]) -> None:
    """Tables as a word processor exports them: (heading, rows, widths, style)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    body = ParagraphStyle("corps", fontName="Helvetica", fontSize=10, leading=12)
    bold = ParagraphStyle("gras", parent=body, fontName="Helvetica-Bold")
    heading = ParagraphStyle("titre", fontName="Helvetica-Bold", fontSize=14, leading=18)
    story = [Paragraph("Contrat de ville de Sansfilet 2024-2030", heading)]
    for title, rows, widths, style in tables:
        cells = [
            [Paragraph(c, bold if n == 0 else body) for c in row] for n, row in enumerate(rows)
        ]
        table = Table(cells, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), *style]))
        story += [Spacer(1, 12), Paragraph(title, heading), Spacer(1, 6), table]
    story += [Spacer(1, 12), Paragraph("Le comité de pilotage suit la mise en œuvre.", body)]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def test_pdf_tables_without_rules_read_cell_by_cell(tmp_path: Path, run_import) -> None:
    """A table whose borders are hidden gave pdfplumber no grid, and its cells ran
    together: « Favoriser l'accès à l'emploi des 1.1 Lever les freins périphériques à
    l'emploi État, Région » was one label, the header row an objective."""
    from reportlab.lib import colors

    path = tmp_path / "sans-filets.pdf"
    emploi = [
        ("Orientations stratégiques", "Objectifs opérationnels", "Pilotes"),
        (
            "1. Favoriser l'accès à l'emploi des habitants des quartiers",
            "1.1 Lever les freins périphériques à l'emploi des femmes",
            "État, Région",
        ),
        ("", "1.2 Développer les clauses d'insertion dans la commande publique", "Agglomération"),
        ("2. Améliorer la santé et l'accès aux soins", "2.1 Créer un centre de santé", "ARS"),
    ]
    cadre = [
        ("Objectifs", "Actions"),
        (
            "Améliorer la gestion urbaine de proximité dans les quartiers",
            "• Créer des diagnostics en marchant<br/>• Renforcer la propreté des espaces",
        ),
        ("Renforcer le lien social", "• Soutenir les centres sociaux"),
    ]
    _table_pdf(
        path,
        [
            (
                "Pilier emploi",
                emploi,
                [170, 210, 100],
                [("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)],
            ),
            # no padding above a cell: rows apart by the padding below only
            ("Pilier cadre de vie", cadre, [200, 260], [("TOPPADDING", (0, 0), (-1, -1), 0)]),
        ],
    )
    result = run_import(path)
    _exact(
        result,
        """
Pilier emploi
  Favoriser l'accès à l'emploi des habitants des quartiers
    Lever les freins périphériques à l'emploi des femmes
    Développer les clauses d'insertion dans la commande publique
  Améliorer la santé et l'accès aux soins
    Créer un centre de santé
Pilier cadre de vie
  Améliorer la gestion urbaine de proximité dans les quartiers
    Créer des diagnostics en marchant
    Renforcer la propreté des espaces
  Renforcer le lien social
    Soutenir les centres sociaux
""",
    )
    text = result.rendering
    assert "Orientations stratégiques\tObjectifs opérationnels\tPilotes\n" in text
    assert "\tÉtat, Région\n" in text  # the pilots' column stays a column, not a label
    after = [line.strip() for line in text.splitlines() if "Le comité" in line]
    assert after == ["Le comité de pilotage suit la mise en œuvre."]  # not a row


def test_pdf_table_with_rules_under_rows_a_wrapped_header_over_two_pages(
    tmp_path: Path, run_import
) -> None:
    """Rules under the rows only (no grid for pdfplumber), a header wrapped on two lines
    (« Objectifs / stratégiques ») and printed again on the next page."""
    from reportlab.lib import colors

    path = tmp_path / "filets-horizontaux.pdf"
    rows = [("Objectifs<br/>stratégiques", "Objectifs<br/>opérationnels", "Partenaires")]
    rows += [
        (
            f"{n}. Orientation numéro {n} pour les habitants",
            f"{n}.1 Objectif premier numéro {n}",
            "Ville",
        )
        for n in range(1, 41)
    ]
    rules = [("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.grey)]
    _table_pdf(path, [("Pilier unique", rows, [170, 210, 100], rules)])
    expected = "Pilier unique\n" + "".join(
        f"  Orientation numéro {n} pour les habitants\n    Objectif premier numéro {n}\n"
        for n in range(1, 41)
    )
    result = run_import(path)
    _exact(result, expected)
    text = result.rendering
    assert text.count("Objectifs stratégiques\tObjectifs opérationnels\tPartenaires") == 2


def _run(top: float, left: float, right: float, text: str) -> Run:
    return Run(top, top - 10, left, right, text)


def test_aligned_lines_without_a_header_naming_columns_are_no_table() -> None:
    """White between the words of a line is not a table: without a header naming the
    columns, the lines stay as printed."""
    lines = [
        [_run(700, 50, 150, "Date"), _run(700, 200, 300, "Lieu")],
        [_run(687, 50, 150, "4 avril 2024"), _run(687, 200, 300, "Valbourg")],
        [_run(674, 50, 150, "5 avril 2024"), _run(674, 200, 300, "Rivebelle")],
    ]
    assert find(lines, 842) == []


def test_a_header_line_followed_by_prose_is_no_table() -> None:
    """A line naming levels, then a paragraph over both columns: not a table."""
    lines = [
        [_run(700, 50, 120, "Objectifs"), _run(700, 300, 380, "Actions")],
        [_run(687, 50, 540, "Le présent contrat fixe les objectifs et les actions suivantes.")],
        [_run(674, 50, 530, "Ils sont arrêtés par le comité de pilotage chaque année.")],
    ]
    assert find(lines, 842) == []


def test_pdf_cell_paragraphs_apart_by_their_spacing(tmp_path: Path, run_import) -> None:
    """Two paragraphs of one cell, the first ending near the cell's edge, the second
    after the space a paragraph leaves: they were one objective, « Lever les freins
    périphériques à l'emploi des femmes Développer les clauses … ». Ruled or not."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    body = ParagraphStyle("corps", fontName="Helvetica", fontSize=10, leading=12, spaceAfter=8)
    heading = ParagraphStyle("titre", fontName="Helvetica-Bold", fontSize=14, leading=18)
    story = [Paragraph("Contrat de ville de Sansfilet 2024-2030", heading)]
    for title, style in (
        ("Pilier avec filets", [("GRID", (0, 0), (-1, -1), 0.5, colors.black)]),
        ("Pilier sans filets", []),
    ):
        rows = [
            ["Objectifs stratégiques", "Objectifs opérationnels"],
            [
                "Favoriser l'emploi",
                [
                    Paragraph("Lever les freins périphériques à l'emploi des femmes", body),
                    Paragraph("Développer les clauses d'insertion dans la commande publique", body),
                ],
            ],
            ["Améliorer la santé", "Créer un centre de santé"],
        ]
        # the first paragraph fills its line: only the space after it tells it ends there
        first = stringWidth("Lever les freins périphériques à l'emploi des femmes", "Helvetica", 10)
        table = Table(rows, colWidths=[150, first + 14])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), *style]))
        story += [Spacer(1, 12), Paragraph(title, heading), Spacer(1, 6), table]
    path = tmp_path / "paragraphes.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    strategy = """
  Favoriser l'emploi
    Lever les freins périphériques à l'emploi des femmes
    Développer les clauses d'insertion dans la commande publique
  Améliorer la santé
    Créer un centre de santé
"""
    _exact(run_import(path), f"Pilier avec filets{strategy}Pilier sans filets{strategy}")


def test_a_table_of_one_row_under_each_objective(tmp_path: Path, run_import) -> None:
    """A header and a single row, table after table: one row was too few for a table,
    and the row read as the header's second line (« Actions Créer 1.1 » names a level)."""
    story = []
    for n in (1, 2):
        rows = [
            ("Objectifs", "Actions", "Pilotes"),
            (f"Réduire les écarts {n}", f"Créer un service {n}", "Ville"),
        ]
        story.append((f"Objectif {n} : Renforcer le lien social {n}", rows, [170, 200, 100], []))
    path = tmp_path / "une-ligne.pdf"
    _table_pdf(path, story)
    _exact(
        run_import(path),
        """
Renforcer le lien social 1
  Réduire les écarts 1
    Créer un service 1
Renforcer le lien social 2
  Réduire les écarts 2
    Créer un service 2
""",
    )


def test_runs_made_one_chunk_keep_their_type() -> None:
    """A cell's line printed in two runs (a word in bold) is one chunk, in the type of its
    runs: a size of 0 would make every next line a paragraph of its own."""
    merged = chunks(
        [Run(700, 690, 50, 98, "Lever", 10.0, True), Run(700, 690, 100, 150, "les freins", 10.0)]
    )
    assert [(c.text, c.left, c.right, c.size) for c in merged] == [
        ("Lever les freins", 50, 150, 10.0)
    ]


def test_a_table_without_borders_nor_header_whose_cells_name_their_levels(
    tmp_path: Path, run_import
) -> None:
    """No header row, but each row opens on « Axe N – » or « Objectif N.N – »: a Word
    table of two columns without borders. Its lines ran together: « Axe 1 – Cohésion
    sociale Objectif 1.1 – Renforcer l'accès aux » was one label."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    body = ParagraphStyle("corps", fontName="Helvetica", fontSize=10, leading=12)
    heading = ParagraphStyle("titre", fontName="Helvetica-Bold", fontSize=14, leading=18)
    rows = [
        ("Axe 1 – Cohésion sociale", "Objectif 1.1 – Renforcer l'accès aux droits des habitants"),
        ("", "Objectif 1.2 – Lutter contre l'isolement des personnes âgées"),
        ("Axe 2 – Emploi", "Objectif 2.1 – Favoriser l'insertion professionnelle des jeunes"),
    ]
    table = Table([[Paragraph(c, body) for c in row] for row in rows], colWidths=[220, 220])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    path = tmp_path / "sans-en-tete.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build(
        [Paragraph("Contrat de ville 2024-2030 de Ville-Exemple", heading), table]
    )
    _exact(
        run_import(path),
        """
Cohésion sociale
  Renforcer l'accès aux droits des habitants
  Lutter contre l'isolement des personnes âgées
Emploi
  Favoriser l'insertion professionnelle des jeunes
""",
    )


def test_two_columns_that_meet_once_on_level_words_are_no_table() -> None:
    """« Axe 1 : … » in one column beside « Objectif 2.1 : … » in the other, then
    running text: the columns met on one line, they are not a table's cells."""
    prose = "les partenaires s'engagent à traiter ensemble les difficultés"
    lines = [[_run(700, 50, 150, "Axe 1 : Emploi"), _run(700, 310, 450, "Objectif 2.1 : Santé")]]
    lines += [
        [_run(687 - 13 * n, 50, 285, f"{prose} {n}"), _run(687 - 13 * n, 310, 545, f"{prose} {n}")]
        for n in range(6)
    ]
    assert find(lines, 842) == []


def test_bulleted_cells_whose_bullets_stand_apart(tmp_path: Path, run_import) -> None:
    """A bullet set apart from its text (a hanging indent) made a cell's line two chunks:
    the bullet became an item of its own, and the column's line spacing 0, which ended
    the table at its next line (« Développer le permis solidaire » lost its parent)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    body = ParagraphStyle("corps", fontName="Helvetica", fontSize=10, leading=12)
    item = ParagraphStyle("puce", parent=body, leftIndent=16, bulletIndent=2)
    heading = ParagraphStyle("titre", fontName="Helvetica-Bold", fontSize=14, leading=18)
    rows = [
        [Paragraph("Objectifs stratégiques", body), Paragraph("Actions", body)],
        [
            Paragraph("Lever les freins à l'emploi", body),
            [
                Paragraph("Financer des modes de garde", item, bulletText="•"),
                Paragraph("Développer le permis solidaire", item, bulletText="•"),
            ],
        ],
        [
            Paragraph("Soutenir l'entrepreneuriat", body),
            Paragraph("Ouvrir une couveuse d'entreprises", item, bulletText="•"),
        ],
    ]
    table = Table(rows, colWidths=[215, 215])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    path = tmp_path / "puces-a-part.pdf"
    title = Paragraph("Contrat de ville 2024-2030 de Hautmont", heading)
    SimpleDocTemplate(str(path), pagesize=A4).build([title, table])
    _exact(
        run_import(path),
        """
Lever les freins à l'emploi
  Financer des modes de garde
  Développer le permis solidaire
Soutenir l'entrepreneuriat
  Ouvrir une couveuse d'entreprises
""",
    )


def test_fiches_actions_without_rules_in_body_type(tmp_path: Path, run_import) -> None:
    """Sheets of fields (« Pilote | … ») without rules, their headings in body type: a
    value's second paragraph (capitalised, its field cell empty) stays in its row, and
    « Fiche action n°2 » — no field name — ends the first sheet."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    body = ParagraphStyle("corps", fontName="Helvetica", fontSize=10, leading=12)
    bold = ParagraphStyle("gras", parent=body, fontName="Helvetica-Bold")
    title = ParagraphStyle("titre", fontName="Helvetica-Bold", fontSize=14, leading=18)
    sheets = [
        [
            ("Axe", "Axe 1 : Cohésion sociale"),
            ("Objectif opérationnel", "Objectif 1.1 : Renforcer la réussite éducative"),
            ("Intitulé de l'action", "Créer une cellule de veille éducative"),
            ("Pilote", "Ville"),
            (
                "Description",
                "Réunir chaque mois les acteurs éducatifs du quartier.<br/><br/>"
                "Suivre les élèves exclus temporairement.",
            ),
        ],
        [
            ("Axe", "Axe 1 : Cohésion sociale"),
            ("Objectif opérationnel", "Objectif 1.2 : Soutenir la parentalité"),
            ("Intitulé de l'action", "Ouvrir un lieu d'accueil parents-enfants"),
            ("Partenaires", "CAF, centre social"),
        ],
    ]
    story = [Paragraph("Contrat de ville de Sansfilet 2024-2030", title)]
    for n, sheet in enumerate(sheets, start=1):
        story.append(Paragraph(f"Fiche action n°{n}", bold))  # right under the last sheet
        cells = [[Paragraph(k, bold), Paragraph(v, body)] for k, v in sheet]
        table = Table(cells, colWidths=[150, 300])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    story += [Spacer(1, 12), Paragraph("Le comité de pilotage suit la mise en œuvre.", body)]
    path = tmp_path / "fiches-corps.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    result = run_import(path)
    elements = _exact(
        result,
        """
Cohésion sociale
  Renforcer la réussite éducative
    Créer une cellule de veille éducative
  Soutenir la parentalité
    Ouvrir un lieu d'accueil parents-enfants
""",
    )
    rendering = result.rendering.splitlines()
    assert "Fiche action n°2" in rendering  # a line of its own, not a row of the sheet
    veille = next(e for e in elements if e["label"] == "Créer une cellule de veille éducative")
    assert [d["texte"] for d in veille["description"]] == [
        "Réunir chaque mois les acteurs éducatifs du quartier.",
        "Suivre les élèves exclus temporairement.",
    ]


def test_a_compact_sheet_without_rules(tmp_path: Path, run_import) -> None:
    """Two fields a row (« Axe | Axe 1 : Emploi | Objectif | Objectif 1.1 : … »), no
    rules: read as a sheet, not as lines gluing the four cells."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    body = ParagraphStyle("corps", fontName="Helvetica", fontSize=9, leading=11)
    bold = ParagraphStyle("gras", parent=body, fontName="Helvetica-Bold")
    title = ParagraphStyle("titre", fontName="Helvetica-Bold", fontSize=14, leading=18)
    rows = [
        ("Axe", "Axe 1 : Emploi", "Objectif", "Objectif 1.1 : Lever les freins à l'emploi"),
        ("Intitulé de l'action", "Ouvrir un garage solidaire", "Pilote", "Ville"),
        ("Partenaires", "CAF", "Indicateurs", "Véhicules réparés"),
    ]
    cells = [[Paragraph(t, bold if k % 2 == 0 else body) for k, t in enumerate(r)] for r in rows]
    table = Table(cells, colWidths=[90, 130, 80, 170])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    path = tmp_path / "compacte.pdf"
    story = [Paragraph("Contrat de ville de Compacte 2024-2030", title)]
    story += [Paragraph("Fiche action n°1", bold), table]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    elements = _exact(
        run_import(path),
        """
Emploi
  Lever les freins à l'emploi
    Ouvrir un garage solidaire
""",
    )
    garage = next(e for e in elements if e["label"] == "Ouvrir un garage solidaire")
    assert [i["texte"] for i in garage["indicateurs"]] == ["Véhicules réparés"]

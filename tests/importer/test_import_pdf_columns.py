"""PDF pages set in two columns: read column by column, and only where the page says so."""

from __future__ import annotations

from pathlib import Path

from test_import_layouts import _exact

from app.importer.pdf_columns import Run, reading_order

AXES = [
    (
        "Axe 1 : Emploi et insertion professionnelle",
        [
            (
                "Objectif 1.1 : Rapprocher les habitants des quartiers de l'emploi",
                [
                    "Renforcer la présence du service public de l'emploi dans les quartiers",
                    "Développer les clauses d'insertion dans les marchés publics",
                ],
            ),
            (
                "Objectif 1.2 : Soutenir la création d'activité",
                ["Accompagner les porteurs de projet issus des quartiers"],
            ),
        ],
    ),
    (
        "Axe 2 : Santé et accès aux soins",
        [
            (
                "Objectif 2.1 : Améliorer l'accès aux soins de premier recours",
                [
                    "Installer une maison de santé pluriprofessionnelle",
                    "Développer la médiation en santé",
                ],
            ),
            (
                "Objectif 2.2 : Prévenir les troubles de santé mentale",
                [
                    "Ouvrir un point écoute jeunes",
                    "Former les acteurs de proximité aux premiers secours en santé mentale",
                ],
            ),
        ],
    ),
]
REASONS = (
    "Cet axe répond aux constats du diagnostic partagé : les habitants des quartiers "
    "prioritaires cumulent des difficultés que les partenaires s'engagent à traiter "
    "ensemble, avec des moyens de droit commun renforcés et des crédits spécifiques. "
)


def _two_columns(path: Path) -> None:
    """A title over both columns, then the strategy flowing down the left column into
    the right one, over two pages, each numbered in the middle of its foot."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, PageTemplate, Paragraph

    width, height = A4
    body = ParagraphStyle("corps", fontName="Helvetica", fontSize=10, leading=13)
    axe = ParagraphStyle("axe", fontName="Helvetica-Bold", fontSize=14, leading=18, spaceBefore=8)
    objectif = ParagraphStyle("objectif", fontName="Helvetica-Bold", fontSize=11, leading=14)
    title = ParagraphStyle("titre", fontName="Helvetica-Bold", fontSize=20, leading=24)
    column = (width - 120) / 2

    def number(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(width / 2, 25, f"Page {doc.page}")

    frames = [
        Frame(50, height - 110, width - 100, 60),
        Frame(50, 50, column, height - 170),
        Frame(70 + column, 50, column, height - 170),
    ]
    doc = BaseDocTemplate(str(path), pagesize=A4)
    doc.addPageTemplates([PageTemplate("colonnes", frames, onPage=number)])
    story = [Paragraph("Contrat de ville de Rivebelle 2024-2030", title), FrameBreak()]
    for label, objectifs in AXES:
        story += [Paragraph(label, axe), Paragraph(REASONS * 4, body)]
        for objectif_label, actions in objectifs:
            story += [Paragraph(objectif_label, objectif), Paragraph(REASONS, body)]
            story += [Paragraph(f"• {action}", body) for action in actions]
    doc.build(story)


def test_pdf_pages_in_two_columns_are_read_column_by_column(tmp_path: Path, run_import) -> None:
    """Each line of the left column was glued to the line beside it in the right one:
    « Emploi et insertion de premier recours professionnelle • Installer une maison
    de santé pluriprofessionnelle » was one Axe."""
    path = tmp_path / "colonnes.pdf"
    _two_columns(path)
    result = run_import(path)
    _exact(
        result,
        """
Emploi et insertion professionnelle
  Rapprocher les habitants des quartiers de l'emploi
    Renforcer la présence du service public de l'emploi dans les quartiers
    Développer les clauses d'insertion dans les marchés publics
  Soutenir la création d'activité
    Accompagner les porteurs de projet issus des quartiers
Santé et accès aux soins
  Améliorer l'accès aux soins de premier recours
    Installer une maison de santé pluriprofessionnelle
    Développer la médiation en santé
  Prévenir les troubles de santé mentale
    Ouvrir un point écoute jeunes
    Former les acteurs de proximité aux premiers secours en santé mentale
""",
    )
    text = result.rendering
    assert "Page 1" not in text and "Page 2" not in text  # still a running footer
    assert text.count("Cet axe répond") == 6  # no paragraph lost or glued to another


def test_a_ruled_table_in_the_right_column_stays_in_its_place(tmp_path: Path, run_import) -> None:
    """Lines and tables were put back in order of height alone: a table at the top of
    the right column went into the middle of the left column's preamble."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        FrameBreak,
        PageTemplate,
        Paragraph,
        Table,
        TableStyle,
    )

    width, height = A4
    body = ParagraphStyle("corps", fontName="Helvetica", fontSize=10, leading=13)
    heading = ParagraphStyle("titre", fontName="Helvetica-Bold", fontSize=14, leading=18)
    column = (width - 120) / 2
    path = tmp_path / "tableau-a-droite.pdf"
    doc = BaseDocTemplate(str(path), pagesize=A4)
    frames = [
        Frame(50, height - 110, width - 100, 60),
        Frame(50, 50, column, height - 170),
        Frame(70 + column, 50, column, height - 170),
    ]
    doc.addPageTemplates([PageTemplate("colonnes", frames)])
    rows = [
        ("Orientations", "Objectifs opérationnels"),
        ("1. Favoriser l'emploi", "1.1 Lever les freins à l'emploi des femmes"),
        ("2. Améliorer la santé", "2.1 Créer un centre de santé"),
    ]
    cells = [[Paragraph(text, body) for text in row] for row in rows]
    table = Table(cells, colWidths=[column / 2 - 2] * 2)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    doc.build(
        [
            Paragraph("Contrat de ville de Tablebourg 2024-2030", heading),
            FrameBreak(),
            Paragraph("Préambule", heading),
            Paragraph(REASONS * 5, body),
            FrameBreak(),
            Paragraph("Le comité de pilotage a retenu ces orientations.", body),
            table,
            Paragraph("Il en suit la mise en œuvre chaque année. " + REASONS, body),
        ]
    )
    result = run_import(path)
    assert result.code == 0, result.stderr
    text = result.rendering
    order = [
        "Préambule",
        "crédits spécifiques.\n",  # the preamble's end, at the foot of the left column
        "Le comité de pilotage",
        "Orientations\tObjectifs opérationnels",
        "2. Améliorer la santé\t2.1 Créer un centre de santé",
        "Il en suit la mise en œuvre",
    ]
    assert [text.index(part) for part in order] == sorted(text.index(part) for part in order)
    labels = [(e["label"], e.get("parent")) for e in result.draft["elements"]]
    assert ("Lever les freins à l'emploi des femmes", "os-1") in labels


def _lines(*rows: tuple[float, list[tuple[float, float, str]]]) -> list[Run]:
    """Runs from rows: (top, [(left, right, text), …])."""
    return [
        Run(top, top - 10, left, right, text) for top, cells in rows for left, right, text in cells
    ]


def _texts(runs: list[Run]) -> list[list[str]]:
    return [[r.text for r in block.runs] for block in reading_order(runs)]


def test_columns_under_a_title_that_spans_them() -> None:
    runs = _lines(
        (800, [(50, 545, "Contrat de ville")]),
        *[(780 - 13 * n, [(50, 285, f"gauche {n}"), (310, 545, f"droite {n}")]) for n in range(5)],
    )
    blocks = reading_order(runs)
    assert _texts(runs) == [
        ["Contrat de ville"],
        [f"gauche {n}" for n in range(5)],
        [f"droite {n}" for n in range(5)],
    ]
    assert [b.shift for b in blocks] == [0.0, 0.0, 260.0]


def test_a_table_of_contents_or_a_narrow_first_column_keeps_its_rows() -> None:
    """White in the middle of the page is not enough: the two sides must be columns of
    one width. A title and its page number, or a label and its text, stay one line."""
    contents = _lines(
        *[
            (780 - 13 * n, [(50, 250, f"Axe {n} : Emploi"), (520, 545, str(n + 3))])
            for n in range(6)
        ]
    )
    assert len(reading_order(contents)) == 1
    labels = _lines(
        *[
            (780 - 13 * n, [(50, 180, "Pilote"), (240, 545, f"La ville et l'État {n}")])
            for n in range(6)
        ]
    )
    assert len(reading_order(labels)) == 1


def test_a_side_bar_with_its_own_spacing_is_read_apart() -> None:
    """A narrow column whose lines keep their own spacing (« Chiffres clés » beside the
    text) is read after the text, wherever its gutter lies; a narrow column whose
    lines sit at the text's heights (a table's pilots, wrapped) keeps its rows."""
    text = [(780 - 13 * n, [(50, 370, f"texte {n}")]) for n in range(12)]
    bar = [(775 - 19 * n, [(400, 545, f"chiffre {n}")]) for n in range(5)]
    assert _texts(_lines(*text, *bar)) == [
        [f"texte {n}" for n in range(12)],
        [f"chiffre {n}" for n in range(5)],
    ]
    pilots = [(780 - 13 * n, [(400, 545, f"pilote {n}")]) for n in range(0, 12, 2)]
    assert len(reading_order(_lines(*text, *pilots))) == 1


def test_a_side_bar_beside_the_strategy(tmp_path: Path, run_import) -> None:
    """« Axe 1 : Emploi et insertion 4 800 habitants en QPV »: the side bar's figures
    were glued to the labels beside them (columns of unequal widths, read as rows)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        FrameBreak,
        PageTemplate,
        Paragraph,
        Spacer,
    )

    body = ParagraphStyle("corps", fontName="Helvetica", fontSize=10, leading=13)
    small = ParagraphStyle("encart", fontName="Helvetica", fontSize=9, leading=11)
    h1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=14, leading=18)
    h2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=11, leading=14)
    width, height = A4
    path = tmp_path / "encart.pdf"
    frames = [Frame(50, 60, 330, height - 120), Frame(400, 60, 145, height - 120)]
    doc = BaseDocTemplate(str(path), pagesize=A4, pageTemplates=[PageTemplate("p", frames)])
    story = [Paragraph("Contrat de ville de Bellerive 2024-2030", h1), Spacer(1, 8)]
    for axe, objectifs in AXES:
        story += [Paragraph(axe, h2), Paragraph(REASONS, body)]
        story += [Paragraph(objectif, body) for objectif, _ in objectifs]
    story += [FrameBreak(), Paragraph("Chiffres clés", h2)]
    for figure in [
        "32 % de chômage des jeunes",
        "4 800 habitants en QPV",
        "Taux de pauvreté : 41 %",
    ]:
        story += [Paragraph(figure, small), Spacer(1, 4)]
    doc.build(story)
    result = run_import(path)
    assert result.code == 0, result.stderr
    labels = [e["label"] for e in result.draft["elements"]]
    for axe, objectifs in AXES:
        assert axe.split(" : ", 1)[1] in labels
        assert all(objectif.split(" : ", 1)[1] in labels for objectif, _ in objectifs)
    rendering = result.rendering.splitlines()
    assert "4 800 habitants en QPV" in rendering  # a line of its own, after the text


def test_prose_over_the_whole_width_is_one_block() -> None:
    runs = _lines(*[(780 - 13 * n, [(50, 540 + n % 3, f"ligne {n}")]) for n in range(30)])
    assert _texts(runs) == [[f"ligne {n}" for n in range(30)]]


def test_a_short_column_is_not_enough() -> None:
    """Three lines beside many are a table's few cells as often as a column's end: the
    rows stay as printed."""
    runs = _lines(
        *[
            (780 - 13 * n, [(50, 285, f"gauche {n}")] + ([(310, 545, "droite")] if n < 3 else []))
            for n in range(8)
        ]
    )
    assert len(reading_order(runs)) == 1


def _axis_page(path: Path, ville: str):  # type: ignore[no-untyped-def]
    """A page drawn line by line (reportlab's canvas): the contract's title and « Axe 1 »
    in bold; the test draws the rest and saves it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(60, 780, f"Contrat de ville de {ville} 2024-2030")
    c.drawString(60, 740, "Axe 1 : Emploi et insertion")
    return c


def test_a_bullet_set_below_its_line_stays_on_it(tmp_path: Path, run_import) -> None:
    """A word processor's bullet glyph, in a symbol font, sits a few points lower than
    its line's text: it became a line of its own after the item, and the item's wrapped
    end a paragraph apart (« Renforcer la présence du » / « service public … »)."""
    path = tmp_path / "puces.pdf"
    c = _axis_page(path, "Puceville")
    y = 715.0
    for lines in (
        ["Renforcer la présence du", "service public de l'emploi"],
        ["Développer les clauses", "d'insertion"],
    ):
        c.setFont("ZapfDingbats", 7)
        c.drawString(72, y - 3.2, "l")  # ● in the dingbats font, below the baseline
        c.setFont("Helvetica", 11)
        for line in lines:
            c.drawString(86, y, line)
            y -= 15
    c.save()
    _exact(
        run_import(path),
        """
Emploi et insertion
  Renforcer la présence du service public de l'emploi
  Développer les clauses d'insertion
""",
    )


def test_a_paragraph_right_under_a_list_is_not_its_last_item(tmp_path: Path, run_import) -> None:
    """Printed at the list's own line spacing, a sentence after the last item was read as
    its wrapped end: « Développer les clauses d'insertion Les partenaires suivent … ».
    The item stops short of the margin where its next word would have fitted: it ended.
    A wrapped item (« … dans les » / « quartiers ») keeps its lines."""
    path = tmp_path / "liste.pdf"
    c = _axis_page(path, "Listeville")
    c.setFont("Helvetica", 11)
    lines = [
        "Les partenaires retiennent les actions suivantes, dont le détail figure en annexe du contrat.",
        "• Lever les freins à l'emploi des femmes et des jeunes habitants des quartiers",
        "prioritaires de la ville",
        "• Développer les clauses d'insertion",
        "Les partenaires suivent ces actions chaque année avec le conseil citoyen et les",
        "services de l'État.",
    ]
    for n, line in enumerate(lines):
        c.drawString(60, 715 - 14 * n, line)
    c.save()
    result = run_import(path)
    _exact(
        result,
        """
Emploi et insertion
  Lever les freins à l'emploi des femmes et des jeunes habitants des quartiers prioritaires de la ville
  Développer les clauses d'insertion
""",
    )
    described = [d["texte"] for e in result.draft["elements"] for d in e.get("description", [])]
    assert any(t.startswith("Les partenaires suivent ces actions chaque année") for t in described)


def test_a_footnote_call_does_not_end_a_label(tmp_path: Path, run_import) -> None:
    """A footnote's number, raised in small type after an objective, ended its label:
    « Lever les freins à l'emploi des femmes 1 ». A number in the line's own type stays."""
    path = tmp_path / "notes.pdf"
    c = _axis_page(path, "Notebourg")
    y = 715.0
    for text, note in (
        ("Objectif 1.1 : Lever les freins à l'emploi des femmes", "1"),
        ("Objectif 1.2 : Accueillir 200 jeunes en 2025", None),
        ("Objectif 1.3 : Soutenir la création d'activité", "2"),
    ):
        c.setFont("Helvetica", 11)
        c.drawString(60, y, text)
        if note:
            c.setFont("Helvetica", 7)
            c.drawString(61 + c.stringWidth(text, "Helvetica", 11), y + 4, note)
        y -= 18
    c.setFont("Helvetica", 8)
    c.drawString(60, 60, "1 Selon le diagnostic partagé de 2023.")
    c.save()
    result = run_import(path)
    _exact(
        result,
        """
Emploi et insertion
  Lever les freins à l'emploi des femmes
  Accueillir 200 jeunes en 2025
  Soutenir la création d'activité
""",
    )
    assert "1 Selon le diagnostic partagé de 2023." in (result.sources / "notes.txt").read_text()


def test_two_columns_of_lists_without_running_text(tmp_path: Path, run_import) -> None:
    """A page of two lists side by side, « Axe 1 » and its items on the left, « Axe 2 » on
    the right, and no paragraph: each item was glued to the one beside it (« Lever les
    freins à l'emploi • Créer un centre de santé »)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, PageTemplate, Paragraph

    width, height = A4
    body = ParagraphStyle("corps", fontName="Helvetica", fontSize=10, leading=13)
    axe = ParagraphStyle("axe", fontName="Helvetica-Bold", fontSize=12, leading=16)
    title = ParagraphStyle("titre", fontName="Helvetica-Bold", fontSize=18, leading=22)
    column = (width - 120) / 2
    frames = [
        Frame(50, height - 110, width - 100, 60),
        Frame(50, 50, column, height - 170),
        Frame(70 + column, 50, column, height - 170),
    ]
    path = tmp_path / "deux-listes.pdf"
    doc = BaseDocTemplate(str(path), pagesize=A4)
    doc.addPageTemplates([PageTemplate("colonnes", frames)])
    lists = {
        "Emploi": [
            "Lever les freins à l'emploi",
            "Développer les clauses d'insertion dans les marchés",
            "Soutenir la création d'activité",
            "Accompagner les jeunes diplômés",
        ],
        "Santé": [
            "Créer un centre de santé",
            "Prévenir les addictions",
            "Développer la médiation en santé",
            "Ouvrir un point écoute jeunes",
        ],
    }
    story = [Paragraph("Contrat de ville de Deuxlistes 2024-2030", title)]
    for n, (label, items) in enumerate(lists.items(), start=1):
        story += [FrameBreak(), Paragraph(f"Axe {n} : {label}", axe)]
        story += [Paragraph(f"• {item}", body) for item in items]
    doc.build(story)
    _exact(
        run_import(path),
        "".join(
            f"{label}\n" + "".join(f"  {i}\n" for i in items) for label, items in lists.items()
        ),
    )

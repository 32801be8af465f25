"""Layouts met in contracts outside the seeds, each against a tree written by hand:
legal divisions (« Article 2 », « TITRE II », « PARTIE 2 »), « ENJEU N°1 » codes,
two level words of one class nested by their numbering, and Word/ODT table cells
holding several objectives as plain paragraphs."""

from __future__ import annotations

from pathlib import Path

ARTICLES_TEXT = """CONTRAT DE VILLE 2024-2030 DE LA COMMUNE DE BOISVERT

Article 1 - Objet du contrat

Le présent contrat fixe le cadre de l'action publique dans le quartier du Plateau.

Article 2 - Les engagements des signataires

Les signataires s'engagent à mobiliser leurs politiques de droit commun.

TITRE II - LA STRATÉGIE

Axe 1 : Éducation et jeunesse
Objectif stratégique 1.1 : Favoriser la réussite scolaire
- Développer l'accompagnement à la scolarité
- Renforcer les liens entre familles et écoles
Objectif stratégique 1.2 : Accompagner les jeunes vers l'autonomie
- Soutenir les missions locales

Axe 2 : Santé
Objectif stratégique 2.1 : Améliorer l'accès aux soins
- Déployer un centre de santé

DEUXIÈME PARTIE : GOUVERNANCE ET ÉVALUATION

Le comité de pilotage se réunit une fois par an.

Fait à Boisvert, le 4 avril 2024

Le maire
"""

ARTICLES_EXPECTED = """
Éducation et jeunesse
  Favoriser la réussite scolaire
    Développer l'accompagnement à la scolarité
    Renforcer les liens entre familles et écoles
  Accompagner les jeunes vers l'autonomie
    Soutenir les missions locales
Santé
  Améliorer l'accès aux soins
    Déployer un centre de santé
"""


def _exact(result, expected: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return result.exact_tree(expected)  # type: ignore[no-any-return]


def test_a_sentence_about_the_signatories_does_not_end_the_document(
    tmp_path: Path, run_import
) -> None:
    """« Les signataires s'engagent … » in the body once made every line after it a
    signature block: « aucun élément de stratégie reconnu »."""
    doc = tmp_path / "boisvert.txt"
    doc.write_text(ARTICLES_TEXT, encoding="utf-8")
    result = run_import(doc)
    _exact(result, ARTICLES_EXPECTED)
    described = [d["texte"] for d in result.draft["description"]]
    # the legal divisions are the contract's own text, in document order, not elements
    assert "Article 2 - Les engagements des signataires" in described
    assert "TITRE II - LA STRATÉGIE" in described
    assert "DEUXIÈME PARTIE : GOUVERNANCE ET ÉVALUATION" in described
    lines = [d["ligne"] for d in result.draft["description"]]
    assert lines == sorted(lines)
    # the signature block is still left out: nothing drawn from « Le maire »
    assert not any("maire" in t.casefold() for t in described)


def test_an_annex_after_the_strategy_is_not_strategy(tmp_path: Path, run_import) -> None:
    """Lines of an annex (« Annexe 3 – Liste des quartiers prioritaires ») after the last
    objective became its children; « prioritaires » read as the level word « priorité »."""
    doc = tmp_path / "annexe.txt"
    doc.write_text(
        ARTICLES_TEXT.split("DEUXIÈME PARTIE")[0]
        + "Annexe 3 - Liste des quartiers prioritaires\n\nLes Tilleuls\n- 2 300 habitants\n"
        + "Le Plateau\n- 1 800 habitants\n\n"
        + "| Quartier | Population |\n|---|---|\n| Les Tilleuls | 2 300 |\n| Le Plateau | 1 800 |\n\n"
        + "Axe 3 : Emploi\n- Soutenir les missions locales\n",
        encoding="utf-8",
    )
    result = run_import(doc)
    _exact(
        result,
        ARTICLES_EXPECTED + "Emploi\n  Soutenir les missions locales\n",
    )
    described = [d["texte"] for d in result.draft["description"]]
    assert "Annexe 3 - Liste des quartiers prioritaires" in described
    assert "Les Tilleuls" in described  # the annex stays the contract's text, with its line


def _make_enjeux_pdf(path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    y = A4[1] - 60
    for font, size, text in [
        ("Helvetica-Bold", 16, "CONTRAT DE VILLE 2024-2030"),
        ("Helvetica-Bold", 14, "Métropole de la Rivière"),
        (
            "Helvetica",
            10,
            "Vu la loi n° 2014-173 du 21 février 2014 de programmation pour la ville,",
        ),
        ("Helvetica-Bold", 12, "PARTIE 2 - LES ENJEUX DU CONTRAT"),
        ("Helvetica-Bold", 11, "ENJEU N°1 : L'ÉMANCIPATION PAR L'ÉDUCATION"),
        ("Helvetica-Bold", 10, "Orientation 1.1 : Garantir la continuité éducative"),
        ("Helvetica", 10, "Action 1.1.1 : Développer les cités éducatives"),
        ("Helvetica", 10, "Action 1.1.2 : Prévenir le décrochage scolaire en lien avec les"),
        ("Helvetica", 10, "collèges du réseau d'éducation prioritaire"),
        ("Helvetica-Bold", 10, "Orientation 1.2 : Soutenir la parentalité"),
        ("Helvetica", 10, "Action 1.2.1 : Ouvrir des lieux d'accueil enfants-parents"),
        ("Helvetica-Bold", 11, "ENJEU N° 2 : LA SANTÉ ET LE BIEN-ÊTRE"),
        ("Helvetica-Bold", 10, "Orientation 2.1 : Promouvoir la santé mentale"),
        ("Helvetica", 10, "Action 2.1.1 : Former aux premiers secours en santé mentale"),
    ]:
        c.setFont(font, size)
        c.drawString(60, y, text)
        y -= size + 8
    c.save()


ENJEUX_EXPECTED = """
L'ÉMANCIPATION PAR L'ÉDUCATION
  Garantir la continuité éducative
    Développer les cités éducatives
    Prévenir le décrochage scolaire en lien avec les collèges du réseau d'éducation prioritaire
  Soutenir la parentalité
    Ouvrir des lieux d'accueil enfants-parents
LA SANTÉ ET LE BIEN-ÊTRE
  Promouvoir la santé mentale
    Former aux premiers secours en santé mentale
"""


def test_numbered_enjeux_hold_their_orientations(tmp_path: Path, run_import) -> None:
    """« ENJEU N°1 » has the code 1 (it was « N » with the label « °1 : … »); its
    « Orientation 1.1 » is under it, not its sibling; « PARTIE 2 » is a chapter."""
    doc = tmp_path / "riviere.pdf"
    _make_enjeux_pdf(doc)
    result = run_import(doc)
    elements = _exact(result, ENJEUX_EXPECTED)
    by_label = {e["label"]: e for e in elements}
    enjeu = by_label["L'ÉMANCIPATION PAR L'ÉDUCATION"]
    assert (enjeu["code"], enjeu["classe"], enjeu["niveau"]) == (
        "1",
        "ObjectifStrategique",
        "Enjeu",
    )
    assert by_label["LA SANTÉ ET LE BIEN-ÊTRE"]["code"] == "2"
    orientation = by_label["Garantir la continuité éducative"]
    assert orientation["code"] == "1.1"
    # the nesting of two levels of one class is an inference: said so, for the curator
    assert "imbriqué" in orientation["a_verifier"]
    assert by_label["Développer les cités éducatives"]["classe"] == "ModaliteAction"
    described = [d["texte"] for d in result.draft["description"]]
    assert "PARTIE 2 - LES ENJEUX DU CONTRAT" in described


CELLS_EXPECTED = """
Cohésion sociale
  Favoriser la réussite éducative
    Renforcer le programme de réussite éducative
    Lutter contre le décrochage scolaire des collégiens
  Améliorer l'accès à la santé
    Développer la santé mentale des jeunes
    Soutenir les maisons de santé
Emploi
  Accompagner vers l'emploi
    Mobiliser les clauses d'insertion
"""
PROSE = (
    "Il s'agit de mobiliser les entreprises du territoire, qui se sont engagées dans la "
    "charte locale, afin que les heures d'insertion bénéficient d'abord aux habitants des "
    "quartiers prioritaires. Le suivi est assuré par le facilitateur de clauses."
)


def _make_cells_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Contrat de ville du Val d'Exemple 2024-2030", 0)
    table = d.add_table(rows=1, cols=3)
    header = ("Pilier", "Orientation stratégique", "Objectifs opérationnels")
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    rows = [
        ("Pilier 1 : Cohésion sociale", "1.1 Favoriser la réussite éducative"),
        ("", "1.2 Améliorer l'accès à la santé"),
        ("Pilier 2 : Emploi", "2.1 Accompagner vers l'emploi"),
    ]
    for pilier, orientation in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = pilier, orientation
    table.cell(1, 0).merge(table.cell(2, 0))
    # two paragraphs, the second wrapped by hand (a line break, then lower case)
    first = table.cell(1, 2)
    first.text = "Renforcer le programme de réussite éducative"
    p = first.add_paragraph("Lutter contre le décrochage scolaire")
    p.add_run().add_break()
    p.add_run("des collégiens")
    # one paragraph, two objectives separated by a line break (Maj+Entrée)
    second = table.cell(2, 2).paragraphs[0]
    second.add_run("Développer la santé mentale des jeunes")
    second.add_run().add_break()
    second.add_run("Soutenir les maisons de santé")
    # an objective, then a paragraph of prose explaining it
    third = table.cell(3, 2)
    third.text = "Mobiliser les clauses d'insertion"
    third.add_paragraph(PROSE)
    d.save(str(path))


def test_word_cells_of_several_paragraphs_are_several_objectives(
    tmp_path: Path, run_import
) -> None:
    """Each paragraph (or hand-broken line) of a cell was glued to the next into one label:
    « Renforcer le programme de réussite éducative Lutter contre le décrochage … »."""
    doc = tmp_path / "val.docx"
    _make_cells_docx(doc)
    result = run_import(doc)
    elements = _exact(result, CELLS_EXPECTED)
    by_label = {e["label"]: e for e in elements}
    # « Pilier 1 : » printed in the cell is the level word and code, not the label
    assert (by_label["Cohésion sociale"]["code"], by_label["Cohésion sociale"]["classe"]) == (
        "1",
        "Pilier",
    )
    clauses = by_label["Mobiliser les clauses d'insertion"]
    assert [d["texte"] for d in clauses["description"]] == [PROSE]
    # the row is still one line of the rendering, in the document's order
    rendering = result.rendering.splitlines()
    row = rendering[by_label["Renforcer le programme de réussite éducative"]["ligne"] - 1]
    assert "Renforcer le programme de réussite éducative Lutter contre" in row


def test_odt_cells_of_several_paragraphs_are_several_objectives(tmp_path: Path, run_import) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, P

    doc = OpenDocumentText()
    table = Table(name="Strategie")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for texts in (
        [["Orientation stratégique"], ["Objectifs opérationnels"]],
        [
            ["Favoriser la réussite éducative"],
            ["Renforcer le soutien scolaire", "Ouvrir les écoles le samedi"],
        ],
        [["Améliorer l'accès à la santé"], ["Créer un centre de santé"]],
    ):
        row = TableRow()
        for paragraphs in texts:
            cell = TableCell()
            for text in paragraphs:
                cell.addElement(P(text=text))
            row.addElement(cell)
        table.addElement(row)
    doc.text.addElement(table)
    frame = Table(name="Encadre")  # one column: a frame around an outline
    frame.addElement(TableColumn())
    row, cell = TableRow(), TableCell()
    cell.addElement(H(outlinelevel=2, text="Axe 2 : Emploi"))
    items, item = List(), ListItem()
    item.addElement(P(text="Objectif 2.1 : Lever les freins à l'emploi"))
    items.addElement(item)
    cell.addElement(items)
    row.addElement(cell)
    frame.addElement(row)
    doc.text.addElement(frame)
    path = tmp_path / "odt-cells.odt"
    doc.save(str(path))
    result = run_import(path)
    _exact(
        result,
        """
        Favoriser la réussite éducative
          Renforcer le soutien scolaire
          Ouvrir les écoles le samedi
        Améliorer l'accès à la santé
          Créer un centre de santé
        Emploi
          Lever les freins à l'emploi
        """.replace("\n        ", "\n"),
    )


RULED_EXPECTED = """
Favoriser la réussite éducative des enfants et des jeunes des quartiers
  Renforcer le dispositif de réussite éducative
  Développer l'accompagnement à la scolarité dans les centres sociaux du territoire
    Ouvrir des ateliers de co-construction avec les parents
    Recruter deux médiateurs
Améliorer la santé des habitants
  Prévenir les addictions
  Créer un centre de santé
"""


def _make_ruled_pdf(path: Path) -> None:
    """A strategy table drawn with rules over two pages (header row repeated), with
    a merged cell, wrapped cells, bullets in a cell, and a pilots column."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    body = getSampleStyleSheet()["BodyText"]

    def grid(rows: list[list[object]], spans: list[tuple[int, int]]) -> Table:
        table = Table(rows, colWidths=[170, 220, 80])
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        style += [("SPAN", (0, a), (0, b)) for a, b in spans]
        table.setStyle(TableStyle(style))
        return table

    def p(text: str) -> Paragraph:
        return Paragraph(text, body)

    header = [
        p("<b>Orientations stratégiques</b>"),
        p("<b>Objectifs opérationnels</b>"),
        p("<b>Pilotes</b>"),
    ]
    first = [
        header,
        [
            p("1. Favoriser la réussite éducative des enfants et des jeunes des quartiers"),
            p("1.1 Renforcer le dispositif de réussite éducative"),
            p("Ville"),
        ],
        [
            "",
            p(
                "1.2 Développer l'accompagnement à la scolarité dans les centres sociaux du "
                "territoire<br/>• Ouvrir des ateliers de co-construction avec les parents"
                "<br/>• Recruter deux médiateurs"
            ),
            p("CAF"),
        ],
    ]
    second = [
        header,
        [p("2. Améliorer la santé des habitants"), p("2.1 Prévenir les addictions"), p("ARS")],
        ["", p("2.2 Créer un centre de santé"), p("Ville, ARS")],
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(
        [
            Paragraph(
                "Contrat de ville 2024-2030 de Saint-Exemple", getSampleStyleSheet()["Title"]
            ),
            Paragraph("Le plan d'action", getSampleStyleSheet()["Heading1"]),
            grid(first, [(1, 2)]),
            PageBreak(),
            grid(second, [(1, 2)]),
        ]
    )


def test_pdf_ruled_table_read_cell_by_cell(tmp_path: Path, run_import) -> None:
    """PDFium's lines ran the columns together: the header row became an element and
    « Favoriser … 1.1 Renforcer le dispositif de réussite Ville des enfants … » a label."""
    doc = tmp_path / "tableau.pdf"
    _make_ruled_pdf(doc)
    result = run_import(doc)
    elements = _exact(result, RULED_EXPECTED)
    by_label = {e["label"]: e for e in elements}
    assert by_label["Prévenir les addictions"]["code"] == "2.1"
    assert by_label["Prévenir les addictions"]["classe"] == "ObjectifOperationnel"
    assert by_label["Améliorer la santé des habitants"]["classe"] == "ObjectifStrategique"
    rendering = result.rendering.splitlines()
    row = rendering[by_label["Prévenir les addictions"]["ligne"] - 1]
    assert row.split("\t") == [
        "2. Améliorer la santé des habitants",
        "2.1 Prévenir les addictions",
        "ARS",
    ]


def test_word_cells_that_print_their_level_and_a_framed_outline(tmp_path: Path, run_import) -> None:
    """No header row: « Axe 1 – Cohésion sociale » | « Objectif 1.1 – Renforcer … ». The
    dash after « Objectif 1.1 » was read as a bullet (two elements « Objectif 1.1 » and
    « Renforcer … »), the levels printed in the cells were guessed from the position,
    and a one-column table (a frame) or a table nested in a cell lost its text."""
    import docx

    d = docx.Document()
    d.add_heading("Contrat de ville 2024-2030 de Ville-Exemple", 0)
    d.add_heading("Le cadre stratégique", 1)
    grid = d.add_table(rows=0, cols=2)
    for axe, objectif in [
        ("Axe 1 – Cohésion sociale", "Objectif 1.1 – Renforcer l'accès aux droits"),
        ("", "Objectif 1.2 – Lutter contre l'isolement des seniors"),
        ("Axe 2 – Emploi", "Objectif 2.1 – Favoriser l'insertion des jeunes"),
    ]:
        cells = grid.add_row().cells
        cells[0].text, cells[1].text = axe, objectif
    grid.cell(0, 0).merge(grid.cell(1, 0))
    nested = grid.cell(2, 1).add_table(rows=1, cols=1)
    nested.cell(0, 0).text = "Objectif 2.2 – Soutenir la création d'entreprise"
    frame = d.add_table(rows=1, cols=1)  # an « encadré » around an axis and its objective
    frame.cell(0, 0).text = "Axe 3 – Cadre de vie"
    frame.cell(0, 0).add_paragraph("Objectif 3.1 – Améliorer la propreté", style="List Bullet")
    path = tmp_path / "niveaux.docx"
    d.save(str(path))
    result = run_import(path)
    elements = _exact(
        result,
        """
Cohésion sociale
  Renforcer l'accès aux droits
  Lutter contre l'isolement des seniors
Emploi
  Favoriser l'insertion des jeunes
  Soutenir la création d'entreprise
Cadre de vie
  Améliorer la propreté
""",
    )
    by_label = {e["label"]: e for e in elements}
    assert [by_label["Emploi"][k] for k in ("classe", "niveau", "code")] == ["Axe", "Axe", "2"]
    droits = by_label["Renforcer l'accès aux droits"]
    assert (droits["classe"], droits["code"]) == ("ObjectifStrategique", "1.1")
    assert not any(e.get("a_verifier") for e in elements[:5])  # printed, not guessed


def _text_box(paragraphs: list[str]):  # type: ignore[no-untyped-def]
    """A Word text box as Word writes it: a shape (wps) and its VML fallback, same text."""
    from docx.oxml import parse_xml

    inner = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p>' for t in paragraphs
    )
    return parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent>'
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        f"<wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback>"
        f"<w:pict><v:shape><v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox>"
        "</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def test_word_text_boxes_are_read_once(tmp_path: Path, run_import) -> None:
    """A strategy drawn in Word text boxes was lost: « aucun élément de stratégie »."""
    import docx

    d = docx.Document()
    d.add_heading("Contrat de ville de Test-sur-Mer 2024-2030", 0)
    d.add_paragraph("La stratégie du contrat est présentée dans le schéma ci-dessous.")
    d.add_paragraph()._p.append(
        _text_box(
            [
                "Axe 1 : Emploi",
                "Objectif 1.1 : Lever les freins à l'emploi",
                "Objectif 1.2 : Soutenir l'entrepreneuriat",
            ]
        )
    )
    d.add_paragraph()._p.append(_text_box(["Axe 2 : Santé"]))
    cells = d.add_table(rows=1, cols=2).rows[0].cells
    cells[0].text = "Orientation 2.1 : Promouvoir la santé mentale"
    cells[1].paragraphs[0]._p.append(_text_box(["Ouvrir une maison des adolescents"]))
    path = tmp_path / "boites.docx"
    d.save(str(path))
    result = run_import(path)
    _exact(
        result,
        """
Emploi
  Lever les freins à l'emploi
  Soutenir l'entrepreneuriat
Santé
  Promouvoir la santé mentale
    Ouvrir une maison des adolescents
""",
    )


def test_markdown_pipe_tables(tmp_path: Path, run_import) -> None:
    """A Markdown export's table was one element, « | Cohésion sociale | Favoriser … | »."""
    doc = tmp_path / "export.md"
    doc.write_text(
        "# Contrat de ville 2024-2030 de Markdown-les-Bains\n\n## Les orientations\n\n"
        "| Axe | Objectif stratégique | Objectif opérationnel |\n"
        "|:---|---|---:|\n"
        "| Cohésion sociale | Favoriser la réussite éducative | Renforcer le PRE |\n"
        "| | | Lutter contre le décrochage |\n"
        "Emploi | Lever les freins \\| les obstacles | Développer la garde d'enfants\n",
        encoding="utf-8",
    )
    result = run_import(doc)
    _exact(
        result,
        """
Cohésion sociale
  Favoriser la réussite éducative
    Renforcer le PRE
    Lutter contre le décrochage
Emploi
  Lever les freins \\| les obstacles
    Développer la garde d'enfants
""",
    )
    # a text file is its own rendering, byte for byte
    assert (result.sources / "export.txt").read_bytes() == doc.read_bytes()


def test_word_text_as_shown_with_tracked_changes_and_content_controls(
    tmp_path: Path, run_import
) -> None:
    """python-docx's paragraph text drops tracked insertions, inline content controls,
    smart tags and field results: « Axe 1 : » lost its label « Emploi et insertion »."""
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def xml(fragment: str):  # type: ignore[no-untyped-def]
        """The fragment, its first tag declaring the w: namespace."""
        return parse_xml(fragment.replace(">", f" {w}>", 1))

    d = docx.Document()
    d.add_heading("Contrat de ville 2024-2030 de Révisions", 0)
    axe = d.add_paragraph("Axe 1 : ")
    axe._p.append(
        xml('<w:ins w:id="1" w:author="A"><w:r><w:t>Emploi et insertion</w:t></w:r></w:ins>')
    )
    axe._p.append(
        xml('<w:del w:id="2" w:author="A"><w:r><w:delText> (travail)</w:delText></w:r></w:del>')
    )
    objectif = d.add_paragraph("Objectif 1.1 : ")
    objectif._p.append(
        xml("<w:sdt><w:sdtContent><w:r><w:t>Lever les freins</w:t></w:r></w:sdtContent></w:sdt>")
    )
    objectif._p.append(xml("<w:smartTag><w:r><w:t> à l'emploi</w:t></w:r></w:smartTag>"))
    second = d.add_paragraph("Objectif 1.2 : Soutenir ")
    second._p.append(
        xml(
            '<w:fldSimple w:instr=" MERGEFIELD public "><w:r><w:t>les jeunes</w:t></w:r></w:fldSimple>'
        )
    )
    for fragment in (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        "<w:r><w:instrText> REF cible </w:instrText></w:r>",
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r><w:t> diplômés</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        second._p.append(xml(fragment))
    path = tmp_path / "revisions.docx"
    d.save(str(path))
    result = run_import(path)
    _exact(
        result,
        """
Emploi et insertion
  Lever les freins à l'emploi
  Soutenir les jeunes diplômés
""",
    )
    rendering = result.rendering
    assert "travail" not in rendering and "REF" not in rendering  # deleted text, field code


def test_cited_texts_drafted_for_the_context(tmp_path: Path, run_import) -> None:
    """The texts a contract cites go to ``contexte.textes_cites``, verbatim at their line,
    with their printed dates (décrets and arrêtés too); a text without a full date, or
    of a kind the vocabulary does not name (délibération), is not drafted, nor the
    participle « arrêté »."""
    doc = tmp_path / "vu.txt"
    doc.write_text(
        "CONTRAT DE VILLE 2024-2030 DE VAL-CITÉ\n\n"
        "Vu la loi n° 2014-173 du 21 février 2014 de programmation pour la ville et la "
        "cohésion urbaine, qui fixe le cadre ;\n"
        "Vu le décret n° 2023-1314 du 28 décembre 2023 modifiant la liste des quartiers ;\n"
        "Vu la **circulaire** du 15 janvier 2024 relative aux contrats de ville ;\n"
        "Vu les instructions du 4 avril 2023 et du 31 août 2023 ;\n"
        "Vu l'arrêté préfectoral du 2 février 2024 portant création du comité de pilotage ;\n"
        "Vu la délibération du conseil communautaire du 12 mars 2024.\n\n"
        "Le programme arrêté le 3 mai 2024 par le comité est annexé.\n\n"
        "Depuis la loi de 2014, et conformément à la loi du 21 février 2014, les signataires agissent.\n\n"
        "Axe 1 : Emploi\n- Lever les freins à l'emploi\n",
        encoding="utf-8",
    )
    result = run_import(doc)
    _exact(result, "Emploi\n  Lever les freins à l'emploi\n")
    assert result.draft["contexte"]["textes_cites"] == [
        {
            "id": "loi-2014-02-21",
            "nature": "loi",
            "label": "la loi n° 2014-173 du 21 février 2014 de programmation pour la ville et "
            "la cohésion urbaine",
            "ligne": 3,
            "dates": ["2014-02-21"],
        },
        {
            "id": "decret-2023-12-28",
            "nature": "decret",
            "label": "le décret n° 2023-1314 du 28 décembre 2023 modifiant la liste des quartiers",
            "ligne": 4,
            "dates": ["2023-12-28"],
        },
        {
            "id": "circulaire-2024-01-15",
            "nature": "circulaire",
            "label": "la circulaire du 15 janvier 2024 relative aux contrats de ville",
            "ligne": 5,
            "dates": ["2024-01-15"],
        },
        {
            "id": "instruction-2023-04-04",
            "nature": "instruction",
            "label": "les instructions du 4 avril 2023 et du 31 août 2023",
            "ligne": 6,
            "dates": ["2023-04-04", "2023-08-31"],
        },
        {
            "id": "arrete-2024-02-02",
            "nature": "arrete",
            "label": "l'arrêté préfectoral du 2 février 2024 portant création du comité de "
            "pilotage",
            "ligne": 7,
            "dates": ["2024-02-02"],
        },
    ]


def test_word_cell_lists_in_lower_case_stay_items(tmp_path: Path, run_import) -> None:
    """Bullet items of a cell that start in lower case (« accompagner … ») are items of
    their own; only a plain paragraph or a hand-broken line in lower case continues."""
    import docx

    d = docx.Document()
    d.add_heading("Contrat de ville 2024-2030 de Minuscules", 0)
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Orientations stratégiques"
    table.cell(0, 1).text = "Objectifs opérationnels"
    table.cell(1, 0).text = "Favoriser l'emploi"
    cell = table.cell(1, 1)
    cell.paragraphs[0].text = "accompagner les jeunes"
    cell.paragraphs[0].style = "List Bullet"
    cell.add_paragraph("soutenir les femmes", style="List Bullet")
    cell.add_paragraph("éloignées de l'emploi")  # a plain paragraph: the label goes on
    path = tmp_path / "minuscules.docx"
    d.save(str(path))
    _exact(
        run_import(path),
        """
Favoriser l'emploi
  accompagner les jeunes
  soutenir les femmes éloignées de l'emploi
""",
    )


def _grid(c, top: float, rows: list[tuple[float, list[list[str]]]]) -> None:  # type: ignore[no-untyped-def]
    """A table drawn rule by rule, as a word processor exports it: rows of (height,
    lines of text per column)."""
    xs, y, ys = (60, 230, 530), top, [top]
    for height, cells in rows:
        for col, lines in enumerate(cells):
            for k, line in enumerate(lines):
                c.drawString(xs[col] + 4, y - 14 - k * 13, line)
        y -= height
        ys.append(y)
    for at in ys:
        c.line(xs[0], at, xs[-1], at)
    for x in xs:
        c.line(x, ys[0], x, ys[-1])


def test_pdf_table_row_broken_by_a_page_break(tmp_path: Path, run_import) -> None:
    """A row cut by the page break came out as two rows: « Développer l'accompagnement
    à la » and « scolarité dans les centres sociaux », two elements. The header printed
    again on the next page cut the table: « Créer un centre de santé » lost its parent."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "coupure.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(60, A4[1] - 60, "Contrat de ville 2024-2030 de Coupure")
    c.setFont("Helvetica", 10)
    header = (22.0, [["Orientations stratégiques"], ["Objectifs opérationnels"]])
    _grid(
        c,
        A4[1] - 100,
        [
            header,
            (36, [["1. Favoriser l'emploi"], ["1.1 Lever les freins à l'emploi des", "femmes"]]),
            (36, [["2. Améliorer la santé"], ["2.1 Développer l'accompagnement à la"]]),
        ],
    )
    c.showPage()
    c.setFont("Helvetica", 10)
    _grid(
        c,
        A4[1] - 60,
        [
            header,
            (36, [[""], ["scolarité dans les centres sociaux"]]),
            (36, [[""], ["2.2 Créer un centre de santé"]]),
        ],
    )
    c.save()
    _exact(
        run_import(path),
        """
Favoriser l'emploi
  Lever les freins à l'emploi des femmes
Améliorer la santé
  Développer l'accompagnement à la scolarité dans les centres sociaux
  Créer un centre de santé
""",
    )


def test_pdf_landscape_table_right_under_the_title(tmp_path: Path, run_import) -> None:
    """The document's title printed in body type right above the table was taken for the
    table's title: « Contrat de ville … » became an Axe holding the whole strategy."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    path = tmp_path / "paysage.pdf"
    width, height = landscape(A4)
    c = canvas.Canvas(str(path), pagesize=(width, height))
    c.setFont("Helvetica", 10)
    c.drawString(60, height - 60, "Contrat de ville 2024-2030 de Paysage")
    _grid(
        c,
        height - 100,
        [
            (22, [["Orientations stratégiques"], ["Objectifs opérationnels"]]),
            (36, [["1. Favoriser l'emploi"], ["1.1 Lever les freins"]]),
            (36, [["2. Améliorer la santé"], ["2.1 Créer un centre de santé"]]),
        ],
    )
    c.save()
    _exact(
        run_import(path),
        """
Favoriser l'emploi
  Lever les freins
Améliorer la santé
  Créer un centre de santé
""",
    )


def test_word_cell_content_in_a_content_control(tmp_path: Path, run_import) -> None:
    """A template's cell whose paragraphs sit in a content control (``w:sdt``) was read
    empty: python-docx's ``iter_inner_content`` skips the control."""
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    d.add_heading("Contrat de ville 2024-2030 de Modèle", 0)
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Orientations stratégiques"
    table.cell(0, 1).text = "Objectifs opérationnels"
    table.cell(1, 0).text = "Favoriser l'emploi"
    tc = table.cell(1, 1)._tc
    tc.remove(tc.p_lst[0])
    tc.append(
        parse_xml(
            '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:sdtContent><w:p><w:r><w:t>Lever les freins à l'emploi</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>Soutenir la création d'entreprise</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        )
    )
    path = tmp_path / "modele.docx"
    d.save(str(path))
    _exact(
        run_import(path),
        """
Favoriser l'emploi
  Lever les freins à l'emploi
  Soutenir la création d'entreprise
""",
    )


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _numbering(document, ident: str, texts: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    """A multi-level list definition (``lvlText``, ``numFmt`` per level) and its instance."""
    from docx.oxml import parse_xml

    levels = "".join(
        f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for k, (text, fmt) in enumerate(texts)
    )
    root = document.part.numbering_part.element
    root.insert(
        0, parse_xml(f'<w:abstractNum {_W_NS} w:abstractNumId="{ident}">{levels}</w:abstractNum>')
    )
    root.append(
        parse_xml(f'<w:num {_W_NS} w:numId="{ident}"><w:abstractNumId w:val="{ident}"/></w:num>')
    )


def _num_pr(ident: str, level: int):  # type: ignore[no-untyped-def]
    from docx.oxml import parse_xml

    return parse_xml(
        f'<w:numPr {_W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="{ident}"/></w:numPr>'
    )


def test_word_heading_numbers_word_generates(tmp_path: Path, run_import) -> None:
    """« Axe %1 : » in the numbering of a heading: the XML holds « Emploi et insertion »,
    the page « Axe 1 : Emploi et insertion ». The level word and the code were lost."""
    import docx

    d = docx.Document()
    _numbering(d, "90", [("Axe %1 :", "decimal"), ("Objectif %1.%2 –", "decimal")])
    d.add_heading("Contrat de ville 2024-2030 de Numérotée", 0)
    for text, style, level in [
        ("Emploi et insertion", "Heading 1", 0),
        ("Lever les freins à l'emploi", "Heading 2", 1),
        ("Soutenir la création d'entreprise", "Heading 2", 1),
        ("Santé", "Heading 1", 0),
        ("Promouvoir la santé mentale", "Heading 2", 1),
    ]:
        d.add_paragraph(text, style=style)._p.get_or_add_pPr().append(_num_pr("90", level))
    path = tmp_path / "numerotee.docx"
    d.save(str(path))
    result = run_import(path)
    elements = _exact(
        result,
        """
Emploi et insertion
  Lever les freins à l'emploi
  Soutenir la création d'entreprise
Santé
  Promouvoir la santé mentale
""",
    )
    got = [(e["classe"], e.get("code")) for e in elements]
    assert got == [
        ("Axe", "1"),
        ("ObjectifStrategique", "1.1"),
        ("ObjectifStrategique", "1.2"),
        ("Axe", "2"),
        ("ObjectifStrategique", "2.1"),
    ]
    rendering = result.rendering
    assert "Objectif 2.1 – Promouvoir la santé mentale" in rendering  # as the page prints it


def test_word_section_numbers_before_typed_level_words(tmp_path: Path, run_import) -> None:
    """Heading styles numbered « 1. », « 2.1 », « 2.1.1 » over headings that type their own
    level and code (« Axe 1 : Emploi »): the typed level word and code still decide."""
    import docx

    d = docx.Document()
    _numbering(d, "91", [("%1.", "decimal"), ("%1.%2", "decimal"), ("%1.%2.%3", "decimal")])
    for name, level in (("Heading 1", 0), ("Heading 2", 1), ("Heading 3", 2)):
        d.styles[name].element.get_or_add_pPr().append(_num_pr("91", level))
    d.add_heading("Contrat de ville 2024-2030 de Sections", 0)
    d.add_heading("Le contexte", 1)
    d.add_paragraph("Le quartier compte 3 000 habitants.")
    d.add_heading("La stratégie", 1)
    d.add_heading("Axe 1 : Emploi", 2)
    d.add_heading("Objectif 1.1 : Lever les freins", 3)
    d.add_heading("Axe 2 : Santé", 2)
    d.add_heading("Objectif 2.1 : Promouvoir la santé mentale", 3)
    path = tmp_path / "sections.docx"
    d.save(str(path))
    result = run_import(path)
    elements = _exact(
        result,
        "Emploi\n  Lever les freins\nSanté\n  Promouvoir la santé mentale\n",
    )
    assert [(e["classe"], e.get("code")) for e in elements][:2] == [
        ("Axe", "1"),
        ("ObjectifStrategique", "1.1"),
    ]
    rendering = result.rendering
    assert "2.2.1 Objectif 2.1 : Promouvoir la santé mentale" in rendering


def test_word_level_words_inside_labels_and_coded_cells(tmp_path: Path, run_import) -> None:
    """« Axe 1 : Thématique éducation » named two level words (Axe, Thématique) and was
    read as a caption: the axis was lost. A row whose every cell starts with a level word
    and its code (« Objectif 1.1 : … » | « Action 1.1.1 : … ») was read as a header row."""
    import docx

    d = docx.Document()
    d.add_heading("Contrat de ville 2024-2030 de Libellés", 0)
    d.add_heading("Axe 1 : Thématique éducation", 1)
    table = d.add_table(rows=3, cols=2)
    rows = [
        ("Objectifs opérationnels", "Actions"),
        ("Objectif 1.1 : Réduire le décrochage", "Action 1.1.1 : Créer un internat"),
        ("Objectif 1.2 : Soutenir les parents", "Action 1.2.1 : Ouvrir un café"),
    ]
    for r, (left, right) in enumerate(rows):
        table.cell(r, 0).text, table.cell(r, 1).text = left, right
    d.add_heading("Axe 2 : Volet emploi", 1)
    d.add_heading("Objectif 2.1 : Lever les freins", 2)
    path = tmp_path / "libelles.docx"
    d.save(str(path))
    elements = _exact(
        run_import(path),
        """
Thématique éducation
  Réduire le décrochage
    Créer un internat
  Soutenir les parents
    Ouvrir un café
Volet emploi
  Lever les freins
""",
    )
    by_label = {e["label"]: e for e in elements}
    assert (
        by_label["Thématique éducation"]["classe"],
        by_label["Thématique éducation"]["code"],
    ) == (
        "Axe",
        "1",
    )
    assert by_label["Créer un internat"]["classe"] == "ModaliteAction"


def test_word_table_rows_in_a_repeating_section(tmp_path: Path, run_import) -> None:
    """A template's table whose rows sit in a content control (a repeating section):
    python-docx reads only the rows directly in the table, and they were lost."""
    import docx

    d = docx.Document()
    d.add_heading("Contrat de ville 2024-2030 de Sections répétées", 0)
    table = d.add_table(rows=3, cols=2)
    rows = [
        ("Orientations stratégiques", "Objectifs opérationnels"),
        ("Favoriser l'emploi", "Lever les freins à l'emploi"),
        ("Améliorer la santé", "Créer un centre de santé"),
    ]
    for r, (left, right) in enumerate(rows):
        table.cell(r, 0).text, table.cell(r, 1).text = left, right
    tbl = table._tbl
    control = docx.oxml.parse_xml(f"<w:sdt {_W_NS}><w:sdtContent/></w:sdt>")
    content = control[0]
    for tr in tbl.tr_lst[1:]:  # the data rows, in a repeating section
        content.append(tr)
    tbl.append(control)
    path = tmp_path / "repetee.docx"
    d.save(str(path))
    _exact(
        run_import(path),
        """
Favoriser l'emploi
  Lever les freins à l'emploi
Améliorer la santé
  Créer un centre de santé
""",
    )


def test_word_numbered_list_items_show_their_numbers(tmp_path: Path, run_import) -> None:
    """A « List Number » item prints « 1. », « 2. » on the page; the rendering wrote a
    bullet instead, and the draft had no code for it."""
    import docx

    d = docx.Document()
    _numbering(d, "92", [("%1.", "decimal"), ("%2)", "lowerLetter")])
    d.add_heading("Contrat de ville 2024-2030 de Listes", 0)
    d.add_heading("Axe 1 : Emploi", 1)
    for text, level in [
        ("Lever les freins à l'emploi", 0),
        ("Développer les modes de garde", 1),
        ("Soutenir l'entrepreneuriat", 0),
    ]:
        d.add_paragraph(text)._p.get_or_add_pPr().append(_num_pr("92", level))
    _numbering(d, "93", [("%1.", "decimal")])
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Orientations", "Objectifs opérationnels"
    table.cell(1, 0).text = "Améliorer la santé"
    cell = table.cell(1, 1)
    cell.text = "Créer un centre de santé"
    cell.paragraphs[0]._p.get_or_add_pPr().append(_num_pr("93", 0))
    cell.add_paragraph("Former des médiateurs")._p.get_or_add_pPr().append(_num_pr("93", 0))
    path = tmp_path / "listes.docx"
    d.save(str(path))
    result = run_import(path)
    elements = _exact(
        result,
        """
Emploi
  Lever les freins à l'emploi
    Développer les modes de garde
  Soutenir l'entrepreneuriat
  Améliorer la santé
    Créer un centre de santé
    Former des médiateurs
""",
    )
    assert [e.get("code") for e in elements] == ["1", "1", "a", "2", None, "1", "2"]
    rendering = result.rendering
    assert "2. Soutenir l'entrepreneuriat" in rendering


def test_an_evaluation_table_restating_the_objectives(tmp_path: Path, run_import) -> None:
    """« Objectifs | Indicateurs | Valeur de référence | Cible 2030 » in the evaluation
    article: the header was not recognised (« Valeur », « Cible »), so every cell became
    an element, the objectives a second time; the indicators are now the objectives'.
    A paragraph after « Article 4 – Durée » is the contract's, not the last objective's."""
    import docx

    d = docx.Document()
    d.add_heading("Contrat de ville de Sablons 2024-2030", 0)
    d.add_heading("Article 2 – Les orientations stratégiques", 1)
    d.add_paragraph("Orientation 1 : Favoriser l'emploi des jeunes")
    d.add_paragraph("Objectif 1.1 : Renforcer l'accompagnement vers l'emploi", style="List Bullet")
    d.add_paragraph("Orientation 2 : Agir pour la santé")
    d.add_paragraph("Objectif 2.1 : Améliorer l'accès aux soins", style="List Bullet")
    d.add_heading("Article 3 – Le suivi et l'évaluation", 1)
    rows = [
        ("Objectifs", "Indicateurs", "Valeur de référence", "Cible 2030"),
        (
            "Renforcer l'accompagnement vers l'emploi",
            "Taux de chômage des 16-25 ans",
            "32 %",
            "25 %",
        ),
        ("Améliorer l'accès aux soins", "Nombre de médecins généralistes", "4", "8"),
    ]
    table = d.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    d.add_heading("Article 4 – Durée", 1)
    d.add_paragraph("Le contrat prend fin le 31 décembre 2030.")
    d.save(str(tmp_path / "sablons.docx"))
    result = run_import(tmp_path / "sablons.docx")
    elements = _exact(
        result,
        """
Favoriser l'emploi des jeunes
  Renforcer l'accompagnement vers l'emploi
Agir pour la santé
  Améliorer l'accès aux soins
""",
    )
    soins = next(e for e in elements if e["label"] == "Améliorer l'accès aux soins")
    assert [i["texte"] for i in soins["indicateurs"]] == ["Nombre de médecins généralistes"]
    assert "description" not in soins
    described = [d["texte"] for d in result.draft["description"]]
    assert "Le contrat prend fin le 31 décembre 2030." in described


def test_a_context_section_under_an_axis(tmp_path: Path, run_import) -> None:
    """« Diagnostic » (Heading 2) under « Axe 1 : Emploi » (Heading 1): a section of the
    axis's description — not an objective, and not a chapter that ends the axis, whose
    objectives and later sections stay under it."""
    import docx

    d = docx.Document()
    d.add_heading("Contrat de ville de Valbourg 2024-2030", 0)
    for n, axe in [(1, "Emploi"), (2, "Santé")]:
        d.add_heading(f"Axe {n} : {axe}", 1)
        d.add_heading("Diagnostic", 2)
        d.add_paragraph(f"Le diagnostic de l'axe {axe}.")
        d.add_heading("Les objectifs", 2)
        d.add_paragraph(f"Objectif {n}.1 : Premier objectif de l'axe {axe}", style="List Bullet")
        d.add_heading("Contexte", 2)
        d.add_paragraph("Un paragraphe de contexte.")
        d.add_heading(f"Objectif {n}.2 : Coordonner les acteurs de l'axe {axe}", 2)
    d.save(str(tmp_path / "sections.docx"))
    elements = _exact(
        run_import(tmp_path / "sections.docx"),
        """
Emploi
  Premier objectif de l'axe Emploi
  Coordonner les acteurs de l'axe Emploi
Santé
  Premier objectif de l'axe Santé
  Coordonner les acteurs de l'axe Santé
""",
    )
    emploi = next(e for e in elements if e["label"] == "Emploi")
    assert [p["texte"] for p in emploi["description"]] == [
        "Diagnostic",
        "Le diagnostic de l'axe Emploi.",
        "Contexte",
        "Un paragraphe de contexte.",
    ]


def test_a_heading_with_a_context_word_over_objectives(tmp_path: Path, run_import) -> None:
    """« Gouvernance et participation citoyenne » (Heading 1) holding « Objectif 3.1 : … »
    is an axis of the strategy, not a chapter around it: its objectives stay under it."""
    import docx

    d = docx.Document()
    d.add_heading("Contrat de ville de Valbourg 2024-2030", 0)
    d.add_heading("Emploi et insertion", 1)
    d.add_paragraph("Objectif 1.1 : Lever les freins à l'emploi", style="List Bullet")
    d.add_heading("Gouvernance et participation citoyenne", 1)
    d.add_paragraph("Objectif 2.1 : Associer les conseils citoyens", style="List Bullet")
    d.add_heading("Gouvernance", 1)
    d.add_paragraph("Le comité de pilotage se réunit une fois par an.")
    d.save(str(tmp_path / "gouvernance.docx"))
    result = run_import(tmp_path / "gouvernance.docx")
    _exact(
        result,
        """
Emploi et insertion
  Lever les freins à l'emploi
Gouvernance et participation citoyenne
  Associer les conseils citoyens
""",
    )
    described = [p["texte"] for p in result.draft["description"]]
    assert "Le comité de pilotage se réunit une fois par an." in described


def test_a_header_under_a_row_grouping_its_columns(tmp_path: Path, run_import) -> None:
    """« Stratégie » (over « Axes | Objectifs ») and « Mise en œuvre » (over « Actions |
    Pilotes »), merged cells above the header row, were drafted as an axis and an
    objective; a title merged across a table stays its heading."""
    import docx

    d = docx.Document()
    d.add_heading("Contrat de ville de Doublentete 2024-2030", 0)
    for title, groups in [(None, True), ("Cohésion sociale", False)]:
        table = d.add_table(rows=0, cols=4)
        table.style = "Table Grid"
        if groups:
            cells = table.add_row().cells
            cells[0].merge(cells[1]).text = "Stratégie"
            cells[2].merge(cells[3]).text = "Mise en œuvre"
        else:
            cells = table.add_row().cells
            cells[0].merge(cells[3]).text = title
        for row in [
            ("Axes" if groups else "Thèmes", "Objectifs", "Actions", "Pilotes"),
            ("Emploi" if groups else "Éducation", "Lever les freins", "Créer des crèches", "CAF"),
        ]:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
        d.add_paragraph("")
    d.save(str(tmp_path / "entetes.docx"))
    _exact(
        run_import(tmp_path / "entetes.docx"),
        """
Emploi
  Lever les freins
    Créer des crèches
Cohésion sociale
  Éducation
    Lever les freins
      Créer des crèches
""",
    )


def test_odt_text_boxes_and_shapes(tmp_path: Path, run_import) -> None:
    """Writer's text boxes (a frame's ``draw:text-box``) and shapes holding text, in the
    body and in a table cell: their paragraphs were glued to the paragraph they are
    anchored in, « EmploiObjectif 1.1 : Lever … » one axis; each is now its own line."""
    from odf.draw import CustomShape, Frame, TextBox
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    doc = OpenDocumentText()
    doc.text.addElement(P(text="Contrat de ville de Boîteville 2024-2030"))
    anchor = P(text="La stratégie du contrat :")
    frame = Frame(anchortype="char", width="10cm", height="4cm")
    box = TextBox()
    for text in ["Axe 1 : Emploi", "Objectif 1.1 : Lever les freins à l'emploi"]:
        box.addElement(P(text=text))
    frame.addElement(box)
    anchor.addElement(frame)
    doc.text.addElement(anchor)
    shape_anchor = P()
    shape = CustomShape(anchortype="char")
    for text in ["Axe 2 : Santé", "Objectif 2.1 : Promouvoir la santé mentale"]:
        shape.addElement(P(text=text))
    shape_anchor.addElement(shape)
    doc.text.addElement(shape_anchor)
    table = Table(name="T")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    header, row = TableRow(), TableRow()
    for text in ("Axes", "Objectifs"):
        cell = TableCell()
        cell.addElement(P(text=text))
        header.addElement(cell)
    first, second = TableCell(), TableCell()
    first.addElement(P(text="Axe 3 : Cadre de vie"))
    holder = P()
    cell_frame = Frame(anchortype="char", width="5cm", height="2cm")
    cell_box = TextBox()
    cell_box.addElement(P(text="Objectif 3.1 : Rénover les logements"))
    cell_frame.addElement(cell_box)
    holder.addElement(cell_frame)
    second.addElement(holder)
    row.addElement(first)
    row.addElement(second)
    table.addElement(header)
    table.addElement(row)
    doc.text.addElement(table)
    doc.save(str(tmp_path / "boites.odt"))
    _exact(
        run_import(tmp_path / "boites.odt"),
        """
Emploi
  Lever les freins à l'emploi
Santé
  Promouvoir la santé mentale
Cadre de vie
  Rénover les logements
""",
    )


def test_elements_the_shapes_refuse_where_they_are_drafted_are_flagged(
    tmp_path: Path, run_import
) -> None:
    """An action right under an axis, an operational objective with nothing above it:
    the build's shapes refuse both, and the draft said nothing of it. Each is flagged
    with the rule it breaks, for the curator to re-parent."""
    doc = tmp_path / "plaine.md"
    doc.write_text(
        """# Contrat de ville de Plaine 2024-2030

## Axe 1 : Emploi

Action 1.1 : Créer un guichet unique

Annexe 3 - Plan d'actions

| Objectifs opérationnels | Actions |
|---|---|
| Lever les freins à la mobilité | Créer un garage solidaire |
""",
        encoding="utf-8",
    )
    elements = _exact(
        run_import(doc),
        """
Emploi
  Créer un guichet unique
Lever les freins à la mobilité
  Créer un garage solidaire
""",
    )
    flags = {e["label"]: e.get("a_verifier", "") for e in elements}
    assert "une modalité d'action se rattache à un objectif" in flags["Créer un guichet unique"]
    assert "rattaché à aucun niveau" in flags["Lever les freins à la mobilité"]
    assert flags["Emploi"] == flags["Créer un garage solidaire"] == ""


def test_a_cited_text_wrapped_over_lines(tmp_path: Path, run_import) -> None:
    """A PDF wraps « Vu la loi … du 21 février » / « 2014 de programmation … »: the date
    was whole on no line, and the text was not drafted; its name goes on to the end of
    the clause, lines after."""
    doc = tmp_path / "vu.txt"
    doc.write_text(
        "CONTRAT DE VILLE 2024-2030 DE VAL-CITÉ\n\n"
        "Vu la loi n° 2014-173 du 21 février\n"
        "2014 de programmation pour la ville et la\n"
        "cohésion urbaine ;\n"
        "Vu la circulaire du 15 janvier 2024 relative aux contrats de ville.\n\n"
        "Axe 1 : Emploi\n- Lever les freins à l'emploi\n",
        encoding="utf-8",
    )
    result = run_import(doc)
    _exact(result, "Emploi\n  Lever les freins à l'emploi\n")
    cited = result.draft["contexte"]["textes_cites"]
    assert [(t["label"], t["ligne"], t["dates"]) for t in cited] == [
        (
            "la loi n° 2014-173 du 21 février 2014 de programmation pour la ville et la "
            "cohésion urbaine",
            3,
            ["2014-02-21"],
        ),
        ("la circulaire du 15 janvier 2024 relative aux contrats de ville", 6, ["2024-01-15"]),
    ]


ANNEX_ROWS = [
    ("Objectifs stratégiques", "Objectifs opérationnels", True),
    ("LA JEUNESSE : Renforcer l'engagement des jeunes et favoriser leur insertion", "", True),
    (
        "Soutenir l'implication des jeunes",
        "Renforcer une politique jeunesse ambitieuse à l'échelle de l'agglomération",
        False,
    ),
    ("", "Donner une place centrale à la jeunesse en matière de participation", False),
    (
        "Favoriser l'insertion socio-professionnelle des jeunes fragilisés",
        "Renforcer les dispositifs d'accompagnement",
        False,
    ),
    ("LA LUTTE CONTRE LES DISCRIMINATIONS ET L'EGALITE HOMMES-FEMMES", "", True),
    (
        "Développer les démarches de lutte contre les discriminations",
        "Définir un programme opérationnel d'actions de prévention",
        False,
    ),
]

ANNEX_EXPECTED = """
LA JEUNESSE : Renforcer l'engagement des jeunes et favoriser leur insertion
  Soutenir l'implication des jeunes
    Renforcer une politique jeunesse ambitieuse à l'échelle de l'agglomération
    Donner une place centrale à la jeunesse en matière de participation
  Favoriser l'insertion socio-professionnelle des jeunes fragilisés
    Renforcer les dispositifs d'accompagnement
LA LUTTE CONTRE LES DISCRIMINATIONS ET L'EGALITE HOMMES-FEMMES
  Développer les démarches de lutte contre les discriminations
    Définir un programme opérationnel d'actions de prévention
"""


def _annex_then_governance_pdf(path: Path) -> None:
    """An annex table drawn one ruled row at a time, bold rows heading the next ones,
    then a page headed « Gouvernance » (a context chapter)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(50, 780, "Contrat de ville 2015-2020")
    c.setFont("Helvetica", 10)
    c.drawString(50, 750, "Le tableau de la page suivante présente les objectifs du contrat.")
    c.showPage()
    x0, x1, x2, y = 40, 330, 555, 790
    c.setFont("Helvetica-Bold", 12)
    c.drawString(x0, y, "Annexe – Tableau des objectifs stratégiques et opérationnels")
    y -= 25
    for left, right, bold in ANNEX_ROWS:
        c.setFont("Helvetica-Bold" if bold else "Helvetica", 8.5)
        c.drawString(x0 + 3, y - 10, left)
        c.drawString(x1 + 3, y - 10, right)
        c.rect(x0, y - 14, x1 - x0, 14)
        c.rect(x1, y - 14, x2 - x1, 14)
        y -= 14
    c.showPage()
    c.setFont("Helvetica-Bold", 12)
    c.drawString(50, 780, "Gouvernance")
    c.setFont("Helvetica", 10)
    c.drawString(50, 760, "Le comité de pilotage se réunit une fois par an.")
    c.showPage()
    c.save()


def test_a_chapter_heading_after_a_table_whose_bold_rows_head_the_others(
    tmp_path: Path, run_import
) -> None:
    """« Gouvernance » closed the sections open above it, among them the bold row
    heading the table's last rows, whose signature is one word: the import failed on
    an IndexError instead of drafting the table."""
    document = tmp_path / "annexe.pdf"
    _annex_then_governance_pdf(document)
    result = run_import(document)
    result.exact_tree(ANNEX_EXPECTED)
    assert "Le comité de pilotage se réunit une fois par an." not in str(result.draft["elements"])


# A LibreOffice-like table: cells wrapped by hand as a narrow column wraps them, and a
# row broken by the page break, its header printed again on the next page.
SPLIT_HEADER = ["Piliers", "Objectifs stratégiques", "Objectifs opérationnels"]
SPLIT_PAGES = [
    [
        (
            ["AXES", "TRANSVERSAUX"],
            ["LA JEUNESSE :", "Renforcer l'engagement des", "jeunes"],
            ["Soutenir l'implication des jeunes de Terre-", "Rouge"],
        ),
        (["PILIER", "PARTICIPATION DES"], ["Développer les"], ["Renforcer le"]),
    ],
    [
        (["HABITANTS"], ["capacités de participation"], ["dialogue avec les habitants"]),
    ],
]
SPLIT_EXPECTED = """
AXES TRANSVERSAUX
  LA JEUNESSE : Renforcer l'engagement des jeunes
    Soutenir l'implication des jeunes de Terre-Rouge
PILIER PARTICIPATION DES HABITANTS
  Développer les capacités de participation
    Renforcer le dialogue avec les habitants
"""


def _split_table_pdf(
    path: Path,
    header: list[str] = SPLIT_HEADER,
    pages: list[list[tuple[list[str], ...]]] = SPLIT_PAGES,
    edges: tuple[float, ...] = (40, 136, 316, 555),  # « AXES TRANSVERSAUX » does not fit
) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for number, rows in enumerate(pages):
        y = 800.0
        if number == 0:
            c.setFont("Helvetica-Bold", 12)
            c.drawString(40, y, "Tableau des objectifs du contrat de ville")
            y -= 25
        for cells in [[[h] for h in header], *rows]:
            height = 11 * max(len(lines) for lines in cells) + 4
            c.setFont("Helvetica", 9)
            for k, lines in enumerate(cells):
                c.rect(edges[k], y - height, edges[k + 1] - edges[k], height)
                for n, line in enumerate(lines):
                    c.drawString(edges[k] + 3, y - 11 * (n + 1), line)
            y -= height
        c.showPage()
    c.save()


def test_pdf_table_cells_wrapped_in_capitals_after_a_colon_and_over_a_page_break(
    tmp_path: Path, run_import
) -> None:
    """Four faults of one LibreOffice export: « AXES » over « TRANSVERSAUX » (the
    second word did not fit after the first) made two elements; « LA JEUNESSE : »
    over its objective was taken for a lead-in and dropped from the label; a row
    broken by the page break in capitals (« PILIER PARTICIPATION DES » / « HABITANTS »)
    made two rows; « Terre- » over « Rouge » read « Terre- Rouge »."""
    document = tmp_path / "tableau.pdf"
    _split_table_pdf(document)
    run_import(document).exact_tree(SPLIT_EXPECTED)


HIGH_LINES = [
    ("Helvetica-Bold", 16, "Contrat de ville 2024-2030"),
    ("Helvetica-Bold", 12, "Axe stratégique 1 –"),
    ("Helvetica-Bold", 12, "DEVELOPPER LES POTENTIELS DES QUARTIERS"),
    ("Helvetica", 10, "Objectif stratégique 1.1 : Favoriser l’engagement des jeunes"),
    ("Helvetica", 9.5, "Objectif stratégique 1.2 : Donner aux jeunes l’envie de"),
    ("Helvetica", 9.5, "s’engager dans leur quartier"),
    ("Helvetica-Bold", 12, "Axe stratégique 2 –"),
    ("Helvetica-Bold", 12, "RENFORCER L’INCLUSION"),
    ("Helvetica", 10, "Objectif stratégique 2.1 : Lutter contre les discriminations"),
]
HIGH_EXPECTED = """
DEVELOPPER LES POTENTIELS DES QUARTIERS
  Favoriser l’engagement des jeunes
  Donner aux jeunes l’envie de s’engager dans leur quartier
RENFORCER L’INCLUSION
  Lutter contre les discriminations
"""


def test_a_level_word_ending_on_its_dash_over_its_title_and_apostrophes_set_high(
    tmp_path: Path, run_import
) -> None:
    """« Axe stratégique 1 – » over its title gave the label « : DEVELOPPER … » (a
    second separator added after the first); an apostrophe, whose ink box sits above
    the letters' and barely meets them, was read as a run apart: « s ’ engager »."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    # Bitstream Vera (shipped with reportlab; DejaVu's ancestor): its « ’ » sits high
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
    fonts = {"Helvetica": "Vera", "Helvetica-Bold": "VeraBd"}
    document = tmp_path / "axes.pdf"
    c = canvas.Canvas(str(document))
    y = 780
    for font, size, text in HIGH_LINES:
        c.setFont(fonts[font], size)
        c.drawString(60, y, text)
        y -= 2 * size if not text.endswith(" de") else 1.25 * size  # a wrapped line
    c.save()
    run_import(document).exact_tree(HIGH_EXPECTED)


def test_a_label_going_on_with_a_level_word_in_lower_case(tmp_path: Path, run_import) -> None:
    """« 3. Améliorer la coordination … autour de la » / « thématique. »: the second
    line, a level word alone, was read as a caption (« Thématique » over a list), and
    the label, the document's last, lost its end."""
    text = tmp_path / "laicite.txt"
    text.write_text(
        "Contrat de ville\n\nLAÏCITÉ, VALEURS DE LA RÉPUBLIQUE :\n\nObjectifs opérationnels\n"
        "1. Partager une culture commune et un discours commun ;\n"
        "2. Améliorer la coordination des réseaux et dispositifs autour de la\n"
        "thématique.\n",
        encoding="utf-8",
    )
    labels = [e["label"] for e in run_import(text).draft["elements"]]
    assert labels[-1] == (
        "Améliorer la coordination des réseaux et dispositifs autour de la thématique."
    ), labels


def test_a_bulleted_action_wrapped_after_its_colon_in_a_pdf_cell(
    tmp_path: Path, run_import
) -> None:
    """« - Relancer le Comité Technique : » / « Cotech de programmation et de suivi »:
    a line ending on a colon ended the item, and the bulleted item was taken for a
    lead-in and dropped."""
    document = tmp_path / "actions.pdf"
    rows = [
        (
            ["Renforcer la coordination"],
            [
                "- Nommer un référent par ville",
                "- Relancer le Comité Technique :",
                "Cotech de programmation et de suivi",
            ],
        )
    ]
    # 150 points for the actions: « Cotech » does not fit after the colon
    _split_table_pdf(document, ["Objectifs opérationnels", "Actions"], [rows], (40, 240, 393))
    run_import(document).exact_tree(
        """
Renforcer la coordination
  Nommer un référent par ville
  Relancer le Comité Technique : Cotech de programmation et de suivi
"""
    )

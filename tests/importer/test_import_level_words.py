"""Level words the vocabulary does not know (« Défi 1 : … », « LEVIER 2 – … »), printed
as headings: the word and the code are kept apart from the label, the class comes from
the position and is flagged; the document's apparatus (« Figure 1 : … ») and divisions
(« Partie 1 : … ») are not levels."""

from __future__ import annotations

from pathlib import Path

EXPECTED = """
Favoriser l'emploi des habitants
  Lever les freins à l'emploi
    Créer une permanence emploi dans chaque quartier
    Développer les clauses d'insertion
  Soutenir la création d'activité
Améliorer le cadre de vie
  Rénover l'habitat dégradé
    Poursuivre le renouvellement urbain
"""


def _make_docx(path: Path) -> None:
    """Défis as Heading 1, levers as bold paragraphs, actions as bullets; a figure's
    caption in bold and a division between the two défis."""
    import docx

    d = docx.Document()
    d.add_paragraph("Contrat de ville de Roncières 2024-2030", style="Title")
    d.add_heading("Partie 1 : Diagnostic", level=1)
    d.add_paragraph("Le quartier des Tilleuls compte 4 200 habitants.")
    d.add_paragraph().add_run("Figure 1 : Taux de chômage par quartier").bold = True
    d.add_paragraph("Le taux de chômage y atteint 24 %.")
    d.add_heading("Partie 2 : Les défis du contrat", level=1)
    d.add_heading("Défi 1 : Favoriser l'emploi des habitants", level=2)
    d.add_paragraph().add_run("LEVIER 1.1 – Lever les freins à l'emploi").bold = True
    d.add_paragraph("Créer une permanence emploi dans chaque quartier", style="List Bullet")
    d.add_paragraph("Développer les clauses d'insertion", style="List Bullet")
    d.add_paragraph().add_run("LEVIER 1.2 – Soutenir la création d'activité").bold = True
    d.add_heading("Défi 2 : Améliorer le cadre de vie", level=2)
    d.add_paragraph().add_run("LEVIER 2.1 – Rénover l'habitat dégradé").bold = True
    d.add_paragraph("Poursuivre le renouvellement urbain", style="List Bullet")
    d.save(str(path))


def test_an_unknown_level_word_is_kept_apart_from_the_label(tmp_path: Path, run_import) -> None:
    """« Défi 1 : Favoriser … » was drafted with the label « Défi 1 : Favoriser … » and
    no code; « Figure 1 : … » and « Partie 2 : … » stay out of the tree."""
    doc = tmp_path / "roncieres.docx"
    _make_docx(doc)
    result = run_import(doc)
    elements = result.exact_tree(EXPECTED)
    by_label = {e["label"]: e for e in elements}
    defi = by_label["Favoriser l'emploi des habitants"]
    assert (defi.get("niveau"), defi.get("code"), defi["classe"]) == ("Défi", "1", "Axe")
    assert "« Défi » n'est pas un mot de niveau connu" in defi["a_verifier"]
    levier = by_label["Soutenir la création d'activité"]
    assert (levier.get("niveau"), levier.get("code")) == ("Levier", "1.2")
    assert levier["classe"] == "ObjectifStrategique"


def test_a_printed_level_word_without_a_code_is_not_an_unknown_level(
    tmp_path: Path, run_import
) -> None:
    """Without a code and a separator a heading is a label, whatever its first word;
    a bullet opening on « Étape 1 : » is an item like any other."""
    doc = tmp_path / "brevent.md"
    doc.write_text(
        "# Contrat de ville de Brévent\n\n"
        "## Emploi des jeunes\n\n"
        "- Étape 1 : Repérer les jeunes sans solution\n"
        "- Accompagner vers la formation\n\n"
        "## Tranquillité publique\n\n"
        "- Renforcer la médiation de nuit\n",
        encoding="utf-8",
    )
    result = run_import(doc)
    assert result.code == 0, result.stderr
    labels = {e["label"]: e for e in result.draft["elements"]}
    assert "Emploi des jeunes" in labels and "niveau" not in labels["Emploi des jeunes"]
    assert "Étape 1 : Repérer les jeunes sans solution" in labels


def _make_odt(path: Path) -> None:
    """The same défis in Writer: levers bold through an automatic text style on a span
    (what Writer saves for bold typed by hand) or through a named paragraph style whose
    parent is bold; a paragraph only partly bold is body text."""
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import H, List, ListItem, P, Span

    doc = OpenDocumentText()
    strong = Style(name="Fort", family="paragraph")
    strong.addElement(TextProperties(fontweight="bold"))
    lever = Style(name="Levier", family="paragraph", parentstylename="Fort")
    doc.styles.addElement(strong)
    doc.styles.addElement(lever)
    bold = Style(name="T1", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)

    def bullets(*labels: str) -> List:
        items = List()
        for label in labels:
            item = ListItem()
            item.addElement(P(text=label))
            items.addElement(item)
        return items

    doc.text.addElement(H(outlinelevel=1, text="Défi 1 : Favoriser l'emploi des habitants"))
    p = P()
    p.addElement(Span(stylename=bold, text="LEVIER 1.1 – Lever les freins à l'emploi"))
    doc.text.addElement(p)
    doc.text.addElement(
        bullets(
            "Créer une permanence emploi dans chaque quartier",
            "Développer les clauses d'insertion",
        )
    )
    doc.text.addElement(P(stylename=lever, text="LEVIER 1.2 – Soutenir la création d'activité"))
    doc.text.addElement(H(outlinelevel=1, text="Défi 2 : Améliorer le cadre de vie"))
    doc.text.addElement(P(stylename=lever, text="LEVIER 2.1 – Rénover l'habitat dégradé"))
    doc.text.addElement(bullets("Poursuivre le renouvellement urbain"))
    partly = P(text="Le ")
    partly.addElement(Span(stylename=bold, text="renouvellement urbain"))
    partly.addText(" concerne 600 logements.")
    doc.text.addElement(partly)
    doc.save(str(path))


def test_bold_paragraphs_of_an_odt_file_are_headings(tmp_path: Path, run_import) -> None:
    """ODT bold was never read: the levers were lost and their actions hung under the défi."""
    doc = tmp_path / "roncieres.odt"
    _make_odt(doc)
    result = run_import(doc)
    elements = result.exact_tree(EXPECTED)
    by_label = {e["label"]: e for e in elements}
    assert [d for line, d in _descriptions(by_label["Poursuivre le renouvellement urbain"])] == [
        "Le renouvellement urbain concerne 600 logements."
    ]


def _descriptions(element: dict) -> list[tuple[int, str]]:
    return [(d["ligne"], d["texte"]) for d in element.get("description", [])]


LIGNES_EXPECTED = """
EMPLOI ET INSERTION
  Lever les freins à l'emploi
    Créer une permanence emploi
CADRE DE VIE
  Rénover l'habitat
    Poursuivre le renouvellement urbain
"""


def test_a_level_word_and_its_code_alone_over_its_title(tmp_path: Path, run_import) -> None:
    """« AXE 1 » on a line of its own and « EMPLOI ET INSERTION » under it: one axis,
    code 1. As text both lines were one paragraph (the axes were lost); in Word, as two
    headings, « AXE 1 » was an axis and its title another, empty."""
    import docx

    text = tmp_path / "lignes.txt"
    text.write_text(
        "Contrat de ville de Lignes 2024-2030\n\n"
        "AXE 1\nEMPLOI ET INSERTION\n\n"
        "Objectif 1.1 : Lever les freins à l'emploi\n- Créer une permanence emploi\n\n"
        "AXE 2\nCADRE DE VIE\n\n"
        "Objectif 2.1 : Rénover l'habitat\n- Poursuivre le renouvellement urbain\n",
        encoding="utf-8",
    )
    d = docx.Document()
    d.add_paragraph("Contrat de ville de Lignes 2024-2030", style="Title")
    for code, title, objectif, action in (
        (
            "1",
            "EMPLOI ET INSERTION",
            "1.1 : Lever les freins à l'emploi",
            "Créer une permanence emploi",
        ),
        ("2", "CADRE DE VIE", "2.1 : Rénover l'habitat", "Poursuivre le renouvellement urbain"),
    ):
        d.add_heading(f"AXE {code}", 1)
        d.add_heading(title, 1)
        d.add_paragraph("Cet axe répond aux attentes exprimées lors de la concertation.")
        d.add_heading(f"Objectif {objectif}", 2)
        d.add_paragraph(action, style="List Bullet")
    word = tmp_path / "lignes.docx"
    d.save(str(word))
    for doc in (text, word):
        result = run_import(doc)
        elements = result.exact_tree(LIGNES_EXPECTED)
        axe = elements[0]
        assert (axe["classe"], axe.get("niveau"), axe.get("code")) == ("Axe", "Axe", "1")


QUALIFIED_EXPECTED = """
Favoriser la réussite éducative
  Accompagner la scolarité
    Déployer la cité éducative
  Prévenir le décrochage
    Créer un dispositif de raccrochage
Améliorer l'accès aux soins
  Développer l'offre de soins
    Ouvrir un centre de santé
"""


def test_table_headers_that_qualify_their_levels(tmp_path: Path, run_import) -> None:
    """« Exemples d'actions » named no level: the header was read as a row, every row
    drafted by position. « Actions à mener | Pilotes » in the governance annex names no
    objective: its rows stay in the rendering."""
    import docx

    d = docx.Document()
    d.add_paragraph("Contrat de ville de Qualifiés 2024-2030", style="Title")
    rows = [
        ("Orientations prioritaires", "Objectifs poursuivis", "Exemples d'actions", "Pilotes"),
        (
            "Favoriser la réussite éducative",
            "Accompagner la scolarité",
            "Déployer la cité éducative",
            "Ville",
        ),
        ("", "Prévenir le décrochage", "Créer un dispositif de raccrochage", "Éducation nationale"),
        (
            "Améliorer l'accès aux soins",
            "Développer l'offre de soins",
            "Ouvrir un centre de santé",
            "ARS",
        ),
    ]
    table = d.add_table(rows=len(rows), cols=4)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(2, 0))
    d.add_heading("Annexe 2 – Gouvernance", 1)
    annex = d.add_table(rows=2, cols=2)
    for c, text in enumerate(("Actions à mener", "Pilotes")):
        annex.cell(0, c).text = text
    for c, text in enumerate(("Réunir le comité de pilotage", "Préfecture")):
        annex.cell(1, c).text = text
    path = tmp_path / "qualifies.docx"
    d.save(str(path))
    result = run_import(path)
    elements = result.exact_tree(QUALIFIED_EXPECTED)
    assert [(e["classe"], e.get("niveau"), "a_verifier" in e) for e in elements[:3]] == [
        ("ObjectifStrategique", "Orientation", False),
        ("ObjectifOperationnel", "Objectif", False),
        ("ModaliteAction", "Action", False),
    ]


def test_captions_that_qualify_their_levels(tmp_path: Path, run_import) -> None:
    """« Actions envisagées : » over a list says its items are actions, as « Actions : »
    does; it was a description and the items were drafted as objectives."""
    doc = tmp_path / "captions.txt"
    doc.write_text(
        "Contrat de ville de Qualifiés 2024-2030\n\n"
        "Objectif stratégique 1 : Favoriser la réussite éducative\n\n"
        "Objectif opérationnel 1.1 : Accompagner la scolarité\n\n"
        "Actions envisagées :\n"
        "- Déployer la cité éducative\n"
        "- Renforcer l'accompagnement à la scolarité\n",
        encoding="utf-8",
    )
    result = run_import(doc)
    assert result.code == 0, result.stderr
    classes = {e["label"]: e["classe"] for e in result.draft["elements"]}
    assert classes == {
        "Favoriser la réussite éducative": "ObjectifStrategique",
        "Accompagner la scolarité": "ObjectifOperationnel",
        "Déployer la cité éducative": "ModaliteAction",
        "Renforcer l'accompagnement à la scolarité": "ModaliteAction",
    }


ABBREVIATED_EXPECTED = """
Favoriser la réussite éducative
  Accompagner la scolarité
    Déployer la cité éducative
  Prévenir le décrochage
Améliorer l'accès aux soins
  Développer l'offre de soins
"""


def test_abbreviated_objectives_and_hyphenated_codes(tmp_path: Path, run_import) -> None:
    """« OS 1 », « OO1.2 », « OO 2-1 », and a header « OS | OO | Actions »: the
    abbreviations contracts print for their objectives name their levels (they were
    labels, their codes in them, the classes guessed)."""
    import docx

    text = tmp_path / "sigles.txt"
    text.write_text(
        "Contrat de ville de Sigles 2024-2030\n\n"
        "OS 1 : Favoriser la réussite éducative\n"
        "OO1.1 – Accompagner la scolarité\n"
        "- Déployer la cité éducative\n"
        "OO1.2 – Prévenir le décrochage\n\n"
        "OS 2 : Améliorer l'accès aux soins\n"
        "OO 2-1 : Développer l'offre de soins\n",
        encoding="utf-8",
    )
    d = docx.Document()
    d.add_paragraph("Contrat de ville de Sigles 2024-2030", style="Title")
    rows = [
        ("OS", "OO", "Actions"),
        (
            "Favoriser la réussite éducative",
            "Accompagner la scolarité",
            "Déployer la cité éducative",
        ),
        ("", "Prévenir le décrochage", ""),
        ("Améliorer l'accès aux soins", "Développer l'offre de soins", ""),
    ]
    table = d.add_table(rows=len(rows), cols=3)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    table.cell(1, 0).merge(table.cell(2, 0))
    word = tmp_path / "sigles.docx"
    d.save(str(word))
    for doc in (text, word):
        result = run_import(doc)
        elements = result.exact_tree(ABBREVIATED_EXPECTED)
        classes = [(e["classe"], "a_verifier" in e) for e in elements]
        assert classes[:2] == [("ObjectifStrategique", False), ("ObjectifOperationnel", False)]
        if doc is word:
            assert classes[2] == ("ModaliteAction", False)  # the « Actions » column
        else:
            codes = [e.get("code") for e in elements]
            assert codes == ["1", "1.1", None, "1.2", "2", "2-1"]


BIG_NUMBERS_EXPECTED = """
EMPLOI ET INSERTION
  Lever les freins à l'emploi
    Créer une permanence emploi
CADRE DE VIE
  Rénover l'habitat
    Poursuivre le renouvellement urbain
"""


def test_a_large_number_over_each_chapter_title(tmp_path: Path, run_import) -> None:
    """« 01 » set large over « EMPLOI ET INSERTION », « 02 » over « CADRE DE VIE »
    (a designer's layout): each number was a page number, left out, and its title a
    paragraph or a child of the objective above. The pages' own numbers stay out."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "chapitres.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    chapters = [
        (
            "01",
            "EMPLOI ET INSERTION",
            "1.1 : Lever les freins à l'emploi",
            "Créer une permanence emploi",
        ),
        ("02", "CADRE DE VIE", "2.1 : Rénover l'habitat", "Poursuivre le renouvellement urbain"),
    ]
    for page, (number, title, objectif, action) in enumerate(chapters, start=1):
        c.setFont("Helvetica-Bold", 40)
        c.drawString(72, 740, number)
        c.setFont("Helvetica-Bold", 18)
        c.drawString(72, 705, title)
        c.setFont("Helvetica", 11)
        c.drawString(72, 670, f"Objectif {objectif}")
        c.drawString(90, 650, f"• {action}")
        c.setFont("Helvetica", 9)
        c.drawString(297, 30, str(page))
        c.showPage()
    c.save()
    result = run_import(path)
    elements = result.exact_tree(BIG_NUMBERS_EXPECTED)
    assert [e.get("code") for e in elements] == ["01", "1.1", None, "02", "2.1", None]
    rendering = result.rendering.split("\n")
    assert "1" not in rendering and "2" not in rendering  # the folios, small, at the foot


ENGAGEMENTS_TEXT = """CONTRAT DE VILLE 2024-2030

Engagement 1 : Les enjeux de gouvernance

Priorité 1.1 : Dynamiser le pilotage du contrat de ville

Objectif opérationnel 1.1.1 : Renforcer la coordination

Engagement 2 : Réussite éducative

Priorité 2.1 : Renforcer la coordination des acteurs

Réunion 1 : le comité de pilotage du 3 mars

Réunion 2 : le comité technique du 5 avril
"""
ENGAGEMENTS_EXPECTED = """
Les enjeux de gouvernance
  Dynamiser le pilotage du contrat de ville
    Renforcer la coordination
Réussite éducative
  Renforcer la coordination des acteurs
"""


def test_an_unknown_level_word_in_body_text_over_known_levels(tmp_path: Path, run_import) -> None:
    """« Engagement 1 : … » in body text (no heading style), over « Priorité 1.1 : »:
    read as a level only when set as a heading, it went to the contract's description
    and its priorities hung at the top. Twice coded, with a known level numbered
    under it, it is a level (flagged); « Réunion 1 », « Réunion 2 », with nothing
    numbered under them, stay text."""
    document = tmp_path / "engagements.txt"
    document.write_text(ENGAGEMENTS_TEXT, encoding="utf-8")
    elements = run_import(document).exact_tree(ENGAGEMENTS_EXPECTED)
    first = elements[0]
    assert (first["classe"], first["niveau"], first["code"]) == ("Axe", "Engagement", "1")
    assert "« Engagement » n'est pas un mot de niveau connu" in first["a_verifier"]

"""OpenDocument files read as Word's are: lines broken by hand in a cell are its
items, a table nested in a cell gives its paragraphs to the cell and no rows to the
table around it, a cell printing a level and the level below it nests them; the
numbers Writer prints before headings and list items (list and outline styles) are
in the rendering, as LibreOffice lays them out."""

from __future__ import annotations

from pathlib import Path

EXPECTED = """
Cohésion sociale
  Favoriser la réussite éducative
    Renforcer le programme de réussite éducative
    Lutter contre le décrochage scolaire
Emploi
  Favoriser l'insertion des jeunes
Cadre de vie
  Améliorer la propreté
"""


def _make_odt(path: Path) -> None:
    """A table « Axes | Objectifs stratégiques | Objectifs opérationnels »: two
    operational objectives in one paragraph split by a line break (what LibreOffice
    saves for a Word cell typed with Shift+Enter), and a last row merged across the
    table holding « Axe 3 » and, in a table nested in the cell, its objective."""
    from odf.opendocument import OpenDocumentText
    from odf.table import CoveredTableCell, Table, TableColumn, TableRow
    from odf.table import TableCell as Cell
    from odf.text import LineBreak, P

    def cell(*paragraphs: P, span: int = 1) -> Cell:
        made = Cell(numbercolumnsspanned=span) if span > 1 else Cell()
        for p in paragraphs:
            made.addElement(p)
        return made

    def row(*cells: Cell | CoveredTableCell) -> TableRow:
        made = TableRow()
        for c in cells:
            made.addElement(c)
        return made

    doc = OpenDocumentText()
    doc.text.addElement(P(text="Contrat de ville de Vaudrelle 2024-2030"))
    table = Table(name="Strategie")
    table.addElement(TableColumn(numbercolumnsrepeated=3))
    table.addElement(
        row(
            cell(P(text="Axes")),
            cell(P(text="Objectifs stratégiques")),
            cell(P(text="Objectifs opérationnels")),
        )
    )
    broken = P(text="Renforcer le programme de réussite éducative")
    broken.addElement(LineBreak())
    broken.addText("Lutter contre le décrochage scolaire")
    table.addElement(
        row(
            cell(P(text="Axe 1 – Cohésion sociale")),
            cell(P(text="Favoriser la réussite éducative")),
            cell(broken),
        )
    )
    table.addElement(
        row(
            cell(P(text="Axe 2 – Emploi")),
            cell(P(text="Favoriser l'insertion des jeunes")),
            cell(),
        )
    )
    nested = Table(name="Interne")
    nested.addElement(TableColumn())
    nested.addElement(row(cell(P(text="Objectif 3.1 – Améliorer la propreté"))))
    merged = cell(P(text="Axe 3 – Cadre de vie"), span=3)
    merged.addElement(nested)
    table.addElement(row(merged, CoveredTableCell(), CoveredTableCell()))
    doc.text.addElement(table)
    doc.save(str(path))


def test_cells_of_an_odt_table_are_read_as_words(tmp_path: Path, run_import) -> None:
    """The two objectives of one paragraph were one label, the nested table's row
    was a row of the table around it, and « Axe 3 – Cadre de vie Objectif 3.1 – … »
    one label; then, apart, « Améliorer la propreté » was not under « Cadre de vie »."""
    doc = tmp_path / "vaudrelle.odt"
    _make_odt(doc)
    result = run_import(doc)
    elements = result.exact_tree(EXPECTED)
    by_label = {e["label"]: e for e in elements}
    propre = by_label["Améliorer la propreté"]
    assert (propre["classe"], propre.get("code")) == ("ObjectifStrategique", "3.1")


NUMBERED_EXPECTED = """
Emploi et insertion
  Lever les freins à l'emploi
    Créer une permanence emploi
      Former les conseillers
    Développer les clauses d'insertion
  Soutenir la création d'entreprise
Santé
  Promouvoir la santé mentale
"""


def _make_numbered_odt(path: Path) -> None:
    """Headings numbered by a list style (« Axe 1 : », « Objectif 1.1 – », as a Word
    file saved by LibreOffice keeps Word's heading numbering); actions in a numbered
    list cut in two by a bullet list, the second part continuing the first
    (``text:continue-list``); a bullet one level down only by its style's name
    (« List Bullet 2 »)."""
    from odf.namespaces import XMLNS
    from odf.opendocument import OpenDocumentText
    from odf.style import Style
    from odf.text import H, List, ListItem, ListLevelStyleBullet, ListLevelStyleNumber, ListStyle, P

    doc = OpenDocumentText()
    headings = ListStyle(name="Niveaux")
    headings.addElement(
        ListLevelStyleNumber(level=1, numprefix="Axe ", numsuffix=" :", numformat="1")
    )
    headings.addElement(
        ListLevelStyleNumber(
            level=2, numprefix="Objectif ", numsuffix=" –", numformat="1", displaylevels=2
        )
    )
    actions = ListStyle(name="Actions")
    actions.addElement(ListLevelStyleNumber(level=1, numsuffix=".", numformat="1"))
    bullets = ListStyle(name="Puces")
    bullets.addElement(ListLevelStyleBullet(level=1, bulletchar="•"))
    second = Style(name="List_20_Bullet_20_2", displayname="List Bullet 2", family="paragraph")
    for style in (headings, actions, bullets, second):
        doc.automaticstyles.addElement(style)

    def item(*children) -> ListItem:  # type: ignore[no-untyped-def]
        made = ListItem()
        for child in children:
            made.addElement(child)
        return made

    def listed(style: ListStyle, *items: ListItem, own: str = "", follows: str = "") -> List:
        made = List(stylename=style, continuelist=follows) if follows else List(stylename=style)
        if own:
            made.setAttrNS(XMLNS, "id", own)
        for it in items:
            made.addElement(it)
        return made

    doc.text.addElement(P(text="Contrat de ville de Numéroville 2024-2030"))
    emploi = item(H(outlinelevel=1, text="Emploi et insertion"))
    emploi.addElement(listed(headings, item(H(outlinelevel=2, text="Lever les freins à l'emploi"))))
    doc.text.addElement(listed(headings, emploi, own="axes"))
    doc.text.addElement(listed(actions, item(P(text="Créer une permanence emploi")), own="a"))
    doc.text.addElement(listed(bullets, item(P(stylename=second, text="Former les conseillers"))))
    doc.text.addElement(
        listed(actions, item(P(text="Développer les clauses d'insertion")), follows="a")
    )
    more = item(H(outlinelevel=2, text="Soutenir la création d'entreprise"))
    doc.text.addElement(listed(headings, item(listed(headings, more)), follows="axes"))
    sante = item(H(outlinelevel=1, text="Santé"))
    sante.addElement(listed(headings, item(H(outlinelevel=2, text="Promouvoir la santé mentale"))))
    doc.text.addElement(listed(headings, sante, follows="axes"))
    doc.save(str(path))


def test_numbers_writer_prints_before_headings_and_items_are_read(
    tmp_path: Path, run_import
) -> None:
    """The numbers of ODT lists were never computed: « Axe 1 : » and « Objectif 1.1 – »
    were lost (no code, no level word), the actions were « - » items, and the bullet of
    « List Bullet 2 » was at the actions' level."""
    doc = tmp_path / "numeroville.odt"
    _make_numbered_odt(doc)
    result = run_import(doc)
    elements = result.exact_tree(NUMBERED_EXPECTED)
    printed = {e["label"]: (e.get("niveau"), e.get("code")) for e in elements}
    assert printed["Emploi et insertion"] == ("Axe", "1")
    assert printed["Soutenir la création d'entreprise"] == ("Objectif", "1.2")
    assert printed["Promouvoir la santé mentale"] == ("Objectif", "2.1")
    assert printed["Développer les clauses d'insertion"][1] == "2"


def test_headings_numbered_by_the_outline_style(tmp_path: Path, run_import) -> None:
    """Writer's chapter numbering (« 1. », « 1.1 ») is the outline style's, not a list's:
    the headings' codes, as printed."""
    from odf.opendocument import OpenDocumentText
    from odf.text import H, OutlineLevelStyle, OutlineStyle, P

    doc = OpenDocumentText()
    outline = OutlineStyle(name="Outline")
    outline.addElement(OutlineLevelStyle(level=1, numformat="1", numsuffix="."))
    outline.addElement(OutlineLevelStyle(level=2, numformat="1", displaylevels=2))
    doc.styles.addElement(outline)
    doc.text.addElement(P(text="Contrat de ville d'Outreval 2024-2030"))
    for level, text in (
        (1, "Renforcer la cohésion sociale"),
        (2, "Soutenir les associations de proximité"),
        (2, "Rompre l'isolement des personnes âgées"),
        (1, "Favoriser l'emploi"),
        (2, "Lever les freins à la mobilité"),
    ):
        doc.text.addElement(H(outlinelevel=level, text=text))
    path = tmp_path / "outreval.odt"
    doc.save(str(path))
    result = run_import(path)
    assert result.code == 0, result.stderr
    codes = {e["label"]: e.get("code") for e in result.draft["elements"]}
    assert codes == {
        "Renforcer la cohésion sociale": "1",
        "Soutenir les associations de proximité": "1.1",
        "Rompre l'isolement des personnes âgées": "1.2",
        "Favoriser l'emploi": "2",
        "Lever les freins à la mobilité": "2.1",
    }


def test_a_heading_whose_outline_level_is_no_number(tmp_path: Path, run_import) -> None:
    """« text:outline-level="deux" » (a file written by a script) stopped the import
    with « erreur inattendue : ValueError »: it is a heading of level 1."""
    path = _axis_and_its_item(tmp_path / "niveau.odt", outline_level="deux")
    run_import(path).exact_tree("Emploi\n  Lever les freins à l'emploi\n")


def test_a_list_numbered_from_a_start_no_list_reaches(tmp_path: Path, run_import) -> None:
    """A list in roman numerals starting at 10¹² (a file written to harm): the numeral,
    a thousand million « M », was written out a letter at a time for minutes; past 3,999
    the number is printed in figures."""
    from odf.text import ListLevelStyleNumber, ListStyle

    style = ListStyle(name="Romains")
    style.addElement(
        ListLevelStyleNumber(level=1, numformat="I", numsuffix=".", startvalue=str(10**12))
    )
    path = _axis_and_its_item(tmp_path / "romains.odt", list_style=style)
    result = run_import(path)
    assert result.code == 0, result.stderr
    rendering = result.rendering
    assert f"{10**12}. Lever les freins à l'emploi" in rendering


def _axis_and_its_item(path: Path, outline_level: object = 1, list_style: object = None) -> Path:
    """« Axe 1 : Emploi » as a heading of ``outline_level``, then a list (of
    ``list_style``, an automatic style) of one item, « Lever les freins à l'emploi »."""
    from odf.opendocument import OpenDocumentText
    from odf.text import H, List, ListItem, P

    doc = OpenDocumentText()
    if list_style is not None:
        doc.automaticstyles.addElement(list_style)
    doc.text.addElement(H(outlinelevel=outline_level, text="Axe 1 : Emploi"))
    items = List(stylename=list_style) if list_style is not None else List()
    item = ListItem()
    item.addElement(P(text="Lever les freins à l'emploi"))
    items.addElement(item)
    doc.text.addElement(items)
    doc.save(str(path))
    return path

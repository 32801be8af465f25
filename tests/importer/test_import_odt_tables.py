"""Tables of OpenDocument files read as Word's are: lines broken by hand in a cell are
its items, a table nested in a cell gives its paragraphs to the cell and no rows to
the table around it; a cell printing a level and the level below it nests them."""

from __future__ import annotations

from pathlib import Path

from tree_compare import compare, pairs_of, tree

from app.curation.loader import load_contrat
from app.curation.provenance import check_provenance

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
    assert result.code == 0, result.stderr
    elements = result.draft["elements"]
    score = compare(tree(EXPECTED), pairs_of(elements))
    assert (score.recall, score.precision) == (1.0, 1.0), [
        (e["label"], e.get("parent")) for e in elements
    ]
    by_label = {e["label"]: e for e in elements}
    propre = by_label["Améliorer la propreté"]
    assert (propre["classe"], propre.get("code")) == ("ObjectifStrategique", "3.1")
    assert check_provenance(load_contrat(result.draft_path), result.sources) == []

"""« Fiches actions »: an action described field by field in a table of two columns
(« Axe | … », « Intitulé de l'action | … », « Pilote | … »), in Word and as LibreOffice
exports it to PDF. Each draft against a tree written by hand."""

from __future__ import annotations

from pathlib import Path

import docx
from test_import_layouts import _exact

from app.build import validate_files
from app.config import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "libreoffice"

VALBOURG = """
Emploi et développement économique
  Lever les freins à l'emploi
    Permanences emploi dans les quartiers
  Soutenir la création d'activité
    Couveuse d'entreprises de quartier
Santé
  Améliorer l'accès aux soins
    Médiation en santé
"""


def _by_label(elements: list[dict]) -> dict[str, dict]:
    return {e["label"]: e for e in elements}


def _check_valbourg(result) -> None:  # type: ignore[no-untyped-def]
    """The annex's sheets hang each action under the objective it names, once; field
    names, pilots and partners are not elements."""
    elements = _by_label(_exact(result, VALBOURG))
    action = elements["Permanences emploi dans les quartiers"]
    assert (action["classe"], action["niveau"], action["code"]) == (
        "ModaliteAction",
        "Fiche action",
        "1",
    )
    assert [d["texte"] for d in action["description"]] == [
        "Tenir une permanence hebdomadaire dans chaque QPV."
    ]
    assert [d["texte"] for d in action["indicateurs"]] == ["Nombre de personnes accompagnées"]
    assert elements["Médiation en santé"]["code"] == "3"
    assert not any("a_verifier" in e for e in elements.values())
    described = [d["texte"] for d in result.draft["description"]]
    assert "Annexe : fiches actions" in described  # a division, not an axis


def test_fiches_actions_in_word_hang_under_the_strategy(
    tmp_path: Path, run_import, libreoffice_make
) -> None:
    """Each field name (« Axe », « Pilote ») was an action, each value its child, and
    the axes and objectives the sheets name again were drafted twice."""
    libreoffice_make.fiches(tmp_path)
    _check_valbourg(run_import(tmp_path / "fiches.docx"))


def test_fiches_actions_exported_to_pdf(run_import) -> None:
    """The same, as LibreOffice prints it: the third sheet's first row, alone at the
    bottom of page 1, was read as two lines (a ruled table of one row was dropped)."""
    _check_valbourg(run_import(FIXTURES / "fiches.pdf"))


def test_fiches_actions_without_borders_exported_to_pdf(run_import) -> None:
    """Without rules, the field names and the values were read as two columns, one
    after the other: « Pilote » became an axis and the sheets were lost."""
    _check_valbourg(run_import(FIXTURES / "fiches-sansbord.pdf"))


def _sheet(d, title: str | None, fields: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    table = d.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    if title is not None:  # a first row merged across the sheet
        first = table.add_row().cells
        first[0].merge(first[1]).text = title
    for name, value in fields:
        cells = table.add_row().cells
        cells[0].text = name
        lines = value.split("\n")
        cells[1].text = lines[0]
        for line in lines[1:]:
            cells[1].add_paragraph(line)
    d.add_paragraph("")


def _one_sheet(path: Path, before: list[tuple[str, int]], fields: list[tuple[str, str]]) -> Path:
    """A Word contract: its title, ``before`` (text and heading level, 0 for a paragraph),
    then one sheet of ``fields``."""
    d = docx.Document()
    d.add_heading(f"Contrat de ville de {path.stem.title()}", 0)
    for text, level in before:
        if level:
            d.add_heading(text, level)
        else:
            d.add_paragraph(text)
    _sheet(d, None, fields)
    d.save(str(path))
    return path


def test_a_strategy_printed_only_in_its_fiches_actions(tmp_path: Path, run_import) -> None:
    """No tree before the sheets: their level fields draft it, an axis named by two
    sheets once. A sheet's title in a merged first row, or in the heading above it with
    no « Intitulé » field, is its action; expected results and indicators are the
    action's, a list of indicators one each."""
    d = docx.Document()
    d.add_heading("Contrat de ville de Rocheval", 0)
    d.add_heading("Les fiches actions", 1)
    axe1 = ("Axe stratégique", "Axe 1 – Cohésion sociale")
    _sheet(
        d,
        "FICHE ACTION N°1",
        [
            axe1,
            ("Objectif opérationnel", "1.1 Renforcer la réussite éducative"),
            ("Action", "Ouvrir des ateliers de soutien scolaire"),
            ("Porteur", "Centre social"),
            ("Public cible", "Collégiens des QPV"),
            ("Résultats attendus", "Baisse du décrochage scolaire"),
            ("Indicateurs", "- Nombre d'ateliers\n- Nombre d'élèves inscrits"),
        ],
    )
    _sheet(
        d,
        "FICHE ACTION N°2",
        [
            axe1,
            ("Objectif opérationnel", "1.2 Prévenir les ruptures de parcours"),
            ("Action", "Créer une cellule de veille éducative"),
            ("Description", "Réunir chaque mois les acteurs éducatifs."),
        ],
    )
    d.add_heading("Fiche action n°3 : Installer une maison de santé", 2)
    _sheet(
        d,
        None,
        [
            ("Axe", "Axe 2 : Santé"),
            ("Objectif", "Objectif 2.1 : Améliorer l'accès aux soins"),
            ("Pilote", "ARS"),
            ("Partenaires", "Ville, CPAM"),
        ],
    )
    d.save(str(tmp_path / "rocheval.docx"))
    result = run_import(tmp_path / "rocheval.docx")
    elements = _exact(
        result,
        """
Cohésion sociale
  Renforcer la réussite éducative
    Ouvrir des ateliers de soutien scolaire
  Prévenir les ruptures de parcours
    Créer une cellule de veille éducative
Santé
  Améliorer l'accès aux soins
    Installer une maison de santé
""",
    )
    found = _by_label(elements)
    assert [(e["classe"], e.get("code")) for e in elements] == [
        ("Axe", "1"),
        ("ObjectifOperationnel", "1.1"),
        ("ModaliteAction", "1"),
        ("ObjectifOperationnel", "1.2"),
        ("ModaliteAction", "2"),
        ("Axe", "2"),
        ("ObjectifStrategique", "2.1"),
        ("ModaliteAction", "3"),
    ]
    ateliers = found["Ouvrir des ateliers de soutien scolaire"]
    assert [d["texte"] for d in ateliers["resultats_attendus"]] == ["Baisse du décrochage scolaire"]
    assert [d["texte"] for d in ateliers["indicateurs"]] == [
        "Nombre d'ateliers",
        "Nombre d'élèves inscrits",
    ]
    # two indicators of one cell share their line: each its own passage, and the draft
    # passes the build's checks (their nodes were one, with two texts: a SHACL violation)
    settings = Settings(sources_dir=str(result.sources))
    assert validate_files([result.draft_path], settings, draft=True) == []


def test_a_sheet_of_pilots_under_an_action_describes_it(tmp_path: Path, run_import) -> None:
    """A table of fields under an action printed as a heading (no level, no title):
    its indicators are the action's, its pilots nothing."""
    d = docx.Document()
    d.add_heading("Contrat de ville de Mareuil", 0)
    d.add_heading("Axe 1 : Emploi", 1)
    d.add_heading("Action 1.1 : Créer un guichet unique", 2)
    _sheet(d, None, [("Pilote", "CCAS"), ("Calendrier", "2025"), ("Indicateurs", "Usagers reçus")])
    d.add_heading("Action 1.2 : Former les agents d'accueil", 2)
    d.save(str(tmp_path / "mareuil.docx"))
    elements = _exact(
        run_import(tmp_path / "mareuil.docx"),
        """
Emploi
  Créer un guichet unique
  Former les agents d'accueil
""",
    )
    assert [d["texte"] for d in _by_label(elements)["Créer un guichet unique"]["indicateurs"]] == [
        "Usagers reçus"
    ]


def test_a_sheet_naming_a_code_the_strategy_gave_another_label(tmp_path: Path, run_import) -> None:
    """« Objectif 1.1 » of a sheet whose label is not the strategy's 1.1: a new element,
    flagged for the curator, never silently merged."""
    lunel = _one_sheet(
        tmp_path / "lunel.docx",
        [("Axe 1 : Emploi", 1), ("Objectif 1.1 : Lever les freins à l'emploi", 0)]
        + [("Fiche action n°1", 2)],
        [
            ("Axe", "Axe 1 : Emploi"),
            ("Objectif", "Objectif 1.1 : Développer la garde d'enfants"),
            ("Intitulé de l'action", "Ouvrir une crèche à vocation d'insertion"),
        ],
    )
    elements = _exact(
        run_import(lunel),
        """
Emploi
  Lever les freins à l'emploi
  Développer la garde d'enfants
    Ouvrir une crèche à vocation d'insertion
""",
    )
    flagged = _by_label(elements)["Développer la garde d'enfants"]
    assert "Lever les freins à l'emploi" in flagged["a_verifier"]


def test_field_names_as_contracts_print_them(tmp_path: Path, run_import) -> None:
    """« Objectif(s) opérationnel(s) » names the level; « Enjeux » holding sentences and
    « Contexte » are what the action answers (its description), not elements; the code
    printed before the action's title (« 1.1.1 Ouvrir … ») is its code, not its label."""
    enjeu = (
        "Le taux de chômage des jeunes des quartiers prioritaires atteint 30 %, "
        "deux fois celui de l'agglomération."
    )
    aubin = _one_sheet(
        tmp_path / "aubin.docx",
        [("Fiche action n°1", 2)],
        [
            ("Axe(s) stratégique(s)", "Axe 1 : Emploi"),
            ("Enjeux", enjeu),
            ("Objectif(s) opérationnel(s)", "1.1 Lever les freins à l'emploi"),
            ("Intitulé", "1.1.1 Ouvrir un garage solidaire"),
            ("Contexte", "Peu d'habitants ont le permis."),
            ("Porteur(s)", "Association Roule"),
        ],
    )
    elements = _exact(
        run_import(aubin),
        """
Emploi
  Lever les freins à l'emploi
    Ouvrir un garage solidaire
""",
    )
    found = _by_label(elements)
    assert found["Lever les freins à l'emploi"]["classe"] == "ObjectifOperationnel"
    assert found["Ouvrir un garage solidaire"]["code"] == "1.1.1"  # its own, not « n°1 »
    assert [d["texte"] for d in found["Ouvrir un garage solidaire"]["description"]] == [
        enjeu,
        "Peu d'habitants ont le permis.",
    ]


def test_a_sheet_with_a_header_row_in_markdown(tmp_path: Path, run_import) -> None:
    """« Rubrique | Contenu » over a sheet names its two columns: it was read as a
    header of levels, « Rubrique » and « Contenu » drafted as actions."""
    doc = tmp_path / "valbourg.md"
    doc.write_text(
        """# Contrat de ville de Valbourg 2024-2030

## Axe 1 : Emploi et développement économique

Objectif 1.1 : Lever les freins à l'emploi

## Annexe : fiches actions

### Fiche action n°1

| Rubrique | Contenu |
|---|---|
| Axe | Axe 1 : Emploi et développement économique |
| Objectif opérationnel | Objectif 1.1 : Lever les freins à l'emploi |
| Intitulé de l'action | Permanences emploi dans les quartiers |
| Pilote | Mission locale |
| Indicateurs | Nombre de personnes accompagnées |
""",
        encoding="utf-8",
    )
    elements = _exact(
        run_import(doc),
        """
Emploi et développement économique
  Lever les freins à l'emploi
    Permanences emploi dans les quartiers
""",
    )
    action = _by_label(elements)["Permanences emploi dans les quartiers"]
    assert [d["texte"] for d in action["indicateurs"]] == ["Nombre de personnes accompagnées"]


def test_fiches_actions_printed_as_lines_of_fields(tmp_path: Path, run_import) -> None:
    """« Pilote : Mission locale » right under « Fiche action n°1 : Permanences … » was
    glued to the action's label; the sheet's indicators went to the objective."""
    doc = tmp_path / "valbourg.txt"
    doc.write_text(
        """Contrat de ville de Valbourg 2024-2030

AXE 1 : EMPLOI ET DÉVELOPPEMENT ÉCONOMIQUE

Objectif 1.1 : Lever les freins à l'emploi

Fiche action n°1 : Permanences emploi dans les quartiers
Pilote : Mission locale
Partenaires : France Travail, communes
Indicateurs : nombre de personnes accompagnées

Fiche action n°2 : Couveuse d'entreprises de quartier
Pilote : Intercommunalité
""",
        encoding="utf-8",
    )
    elements = _exact(
        run_import(doc),
        """
EMPLOI ET DÉVELOPPEMENT ÉCONOMIQUE
  Lever les freins à l'emploi
    Permanences emploi dans les quartiers
    Couveuse d'entreprises de quartier
""",
    )
    found = _by_label(elements)
    assert "indicateurs" not in found["Lever les freins à l'emploi"]
    permanences = found["Permanences emploi dans les quartiers"]
    assert [d["texte"] for d in permanences["indicateurs"]] == ["nombre de personnes accompagnées"]
    assert [d["texte"] for d in permanences["description"]] == [
        "Pilote : Mission locale",
        "Partenaires : France Travail, communes",
    ]


PONTVIEUX = """
Emploi
  Lever les freins à l'emploi
    Permanences emploi
    Garage solidaire
  Soutenir la création d'activité
    Couveuse d'entreprises
"""


def _check_pontvieux(result) -> None:  # type: ignore[no-untyped-def]
    found = _by_label(_exact(result, PONTVIEUX))
    assert found["Lever les freins à l'emploi"]["classe"] == "ObjectifOperationnel"
    assert found["Garage solidaire"]["classe"] == "ModaliteAction"
    assert [d["texte"] for d in found["Permanences emploi"]["description"]] == [
        "Une permanence hebdomadaire dans chaque QPV."
    ]
    assert [d["texte"] for d in found["Couveuse d'entreprises"]["description"]] == [
        "Accompagner les créateurs."
    ]
    assert not any("a_verifier" in e for e in found.values())


def test_a_table_of_actions_with_their_titles_and_descriptions(
    tmp_path: Path, run_import, libreoffice_make
) -> None:
    """« Objectif opérationnel | Intitulé de l'action | Description | Pilote | Calendrier »:
    the header named no level the importer knew but the first, so it was read as a row
    of elements, and every cell of every row an element under the one before it."""
    libreoffice_make.actions(tmp_path)
    _check_pontvieux(run_import(tmp_path / "actions.docx"))


def test_words_broken_in_narrow_cells_exported_to_pdf(run_import) -> None:
    """The same table as LibreOffice prints it: « hebdomadair » / « e », « Accompagne » /
    « r » — words too long for their cell, broken with no hyphen — were two words."""
    _check_pontvieux(run_import(FIXTURES / "actions.pdf"))


def test_a_sheet_naming_an_objective_of_either_rank(tmp_path: Path, run_import) -> None:
    """« Objectif | Développer les modes de garde »: an operational objective of the
    strategy, though « Objectif » under an axis reads as a strategic one — the action
    hangs under it, not under a copy. An objective whose label only starts like one of
    the strategy's is new, and flagged."""
    d = docx.Document()
    d.add_heading("Contrat de ville de Montfort", 0)
    d.add_heading("Axe 1 : Emploi", 1)
    d.add_heading("Objectif 1.1 : Lever les freins à l'emploi", 2)
    d.add_heading("Objectif opérationnel 1.1.1 : Développer les modes de garde", 3)
    for n, objectif, action in [
        (1, "Développer les modes de garde", "Ouvrir une crèche à vocation d'insertion"),
        (2, "Lever les freins", "Financer le permis de conduire"),
    ]:
        d.add_heading(f"Fiche action n°{n}", 2)
        fields = [("Axe", "Emploi"), ("Objectif", objectif), ("Intitulé de l'action", action)]
        _sheet(d, None, fields)
    d.save(str(tmp_path / "montfort.docx"))
    elements = _exact(
        run_import(tmp_path / "montfort.docx"),
        """
Emploi
  Lever les freins à l'emploi
    Développer les modes de garde
      Ouvrir une crèche à vocation d'insertion
  Lever les freins
    Financer le permis de conduire
""",
    )
    flagged = _by_label(elements)["Lever les freins"]
    assert "Lever les freins à l'emploi" in flagged["a_verifier"]


def test_a_sheet_of_two_fields_a_row(tmp_path: Path, run_import) -> None:
    """« Axe | Axe 1 : Emploi | Objectif | 1.1 Lever … », « Pilote | Ville | Partenaires
    | CAF »: a compact sheet, two fields side by side, read as the same sheet."""
    d = docx.Document()
    d.add_heading("Contrat de ville de Compacte", 0)
    d.add_heading("Fiche action n°1", 2)
    table = d.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    for row in [
        ("Axe", "Axe 1 : Emploi", "Objectif", "1.1 Lever les freins à l'emploi"),
        ("Intitulé de l'action", "Ouvrir un garage solidaire", "Pilote", "Ville"),
        ("Partenaires", "CAF", "Indicateurs", "Véhicules réparés"),
    ]:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    d.save(str(tmp_path / "compacte.docx"))
    elements = _exact(
        run_import(tmp_path / "compacte.docx"),
        """
Emploi
  Lever les freins à l'emploi
    Ouvrir un garage solidaire
""",
    )
    garage = _by_label(elements)["Ouvrir un garage solidaire"]
    assert [d["texte"] for d in garage["indicateurs"]] == ["Véhicules réparés"]


def test_a_sheet_naming_its_levels_by_their_codes(tmp_path: Path, run_import) -> None:
    """« Axe | 2 », « Objectif | Objectif 2.1 »: the levels of the strategy above, named
    by their codes alone — the action hangs under them. A code the strategy does not
    have makes no element (a code is no label): the action stays where it is printed,
    flagged with the codes not found."""
    d = docx.Document()
    d.add_heading("Contrat de ville de Codeville", 0)
    d.add_heading("Axe 2 : Santé", 1)
    d.add_paragraph("Objectif 2.1 : Améliorer l'accès aux soins")
    for n, (axe, objectif, action) in enumerate(
        [
            ("2", "Objectif 2.1", "Installer une maison de santé"),
            ("3", "3.4", "Ouvrir un point écoute"),
        ],
        start=1,
    ):
        d.add_heading(f"Fiche action n°{n}", 2)
        fields = [("Axe", axe), ("Objectif", objectif), ("Intitulé de l'action", action)]
        _sheet(d, None, fields)
    d.save(str(tmp_path / "codes.docx"))
    elements = _exact(
        run_import(tmp_path / "codes.docx"),
        """
Santé
  Améliorer l'accès aux soins
    Installer une maison de santé
    Ouvrir un point écoute
""",
    )
    found = _by_label(elements)
    assert "a_verifier" not in found["Installer une maison de santé"]
    assert (
        "« Axe 3 », « Objectif 3.4 » introuvable" in found["Ouvrir un point écoute"]["a_verifier"]
    )


def test_a_sheet_listing_several_actions(tmp_path: Path, run_import) -> None:
    """« Actions | - Créer … - Former … » in one sheet: each item an action, under the
    sheet's heading (« Fiche action n°1 : Accueil »), not one label of the whole list.
    A transversal priority the sheet names is not a level above its actions."""
    accueil = _one_sheet(
        tmp_path / "accueil.docx",
        [("Axe 1 : Emploi", 1), ("Fiche action n°1 : Améliorer l'accueil", 2)],
        [
            ("Axe", "Axe 1 : Emploi"),
            ("Actions", "- Créer un guichet unique\n- Former les agents d'accueil"),
            ("Priorité transversale", "Égalité entre les femmes et les hommes"),
            ("Pilote", "CCAS"),
        ],
    )
    elements = _exact(
        run_import(accueil),
        """
Emploi
  Améliorer l'accueil
    Créer un guichet unique
    Former les agents d'accueil
""",
    )
    assert {e["classe"] for e in elements[1:]} == {"ModaliteAction"}


def test_a_level_field_printing_its_code_and_label_on_two_lines(tmp_path: Path, run_import) -> None:
    """« Axe | Axe 1 » / « Emploi et insertion », « Objectif | 1.2 » / « Soutenir … »:
    the code and the label of one level, in two paragraphs of the cell — « Axe 1 » was
    drafted as a label of its own."""
    deux = _one_sheet(
        tmp_path / "deuxlignes.docx",
        [("Axe 1 : Emploi et insertion", 1), ("Objectif 1.2 : Soutenir la création", 2)]
        + [("Fiche action n°1", 2)],
        [
            ("Axe", "Axe 1\nEmploi et insertion"),
            ("Objectif", "1.2\nSoutenir la création"),
            ("Intitulé de l'action", "Ouvrir une couveuse"),
        ],
    )
    elements = _exact(
        run_import(deux),
        """
Emploi et insertion
  Soutenir la création
    Ouvrir une couveuse
""",
    )
    assert not any("a_verifier" in e for e in elements)


ENGAGEMENTS = """
Les enjeux de gouvernance et d'animation
  Dynamiser le pilotage du contrat de ville
    Renforcer la coordination entre les communes et l'EPCI
      Nommer un référent par ville
      Relancer le Comité Technique : Cotech de programmation et de suivi
    Renforcer le soutien aux acteurs associatifs
      Simplifier l'organisation des appels à projet
"""


def test_sheets_named_by_their_number_listing_their_actions(tmp_path: Path, run_import) -> None:
    """A 2024 template: « Fiche-action n°1.1.1 » over a sheet naming its priority, its
    objective and « Actions | - … - … ». The sheet's name was drafted as an action,
    its actions under it; a sheet of one bulleted action kept the « - » in the label."""
    d = docx.Document()
    d.add_heading("Contrat de ville « Engagements Quartiers 2030 »", 0)
    for text, level in (
        ("Engagement 1 : Les enjeux de gouvernance et d'animation", 1),
        ("Priorité 1.1 : Dynamiser le pilotage du contrat de ville", 2),
        ("Objectif opérationnel 1.1.1 : Renforcer la coordination entre les communes et l'EPCI", 3),
        ("Objectif opérationnel 1.1.2 : Renforcer le soutien aux acteurs associatifs", 3),
    ):
        d.add_heading(text, level)
    d.add_heading("Fiches-actions", 1)
    priority = ("Priorité", "1.1 Dynamiser le pilotage du contrat de ville")
    for number, objective, actions in (
        (
            "1.1.1",
            "Renforcer la coordination entre les communes et l'EPCI",
            "- Nommer un référent par ville\n"
            "- Relancer le Comité Technique : Cotech de programmation et de suivi",
        ),
        (
            "1.1.2",
            "Renforcer le soutien aux acteurs associatifs",
            "- Simplifier l'organisation des appels à projet",
        ),
    ):
        d.add_heading(f"Fiche-action n°{number}", 2)
        _sheet(
            d,
            None,
            [priority, ("Objectif opérationnel", f"{number} {objective}"), ("Actions", actions)],
        )
    document = tmp_path / "engagements.docx"
    d.save(str(document))
    run_import(document).exact_tree(ENGAGEMENTS)

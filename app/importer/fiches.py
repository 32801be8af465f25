"""« Fiches actions »: an action described field by field in a table of two columns.

Annexes of contracts often give each action a sheet: « Axe | Axe 1 : Emploi »,
« Objectif opérationnel | 1.1 Lever les freins … », « Intitulé de l'action |
Permanences emploi », « Pilote | Mission locale », « Description | … »,
« Indicateurs | … ». Read as a strategy table, every field name became an element
and the pilots became actions. Here the field names say what each value is: the
levels the action belongs to (the elements already drafted from the strategy when
they are printed again, else new ones), the action's own label, its description,
indicators and expected results; pilots, partners, calendar and budget are not
strategy. A sheet is a run of rows whose first cell is a field name, two of them
at least known; one with no level and no label of its own (« Pilote | … »,
« Indicateurs | … » under « Action 1.2 : … ») describes the element above it.
"""

from __future__ import annotations

import re

from app.importer.cells import CellItem, split_cell
from app.importer.drafted import Drafted
from app.importer.fiche_fields import LEVEL, OTHER, TITLE, UNKNOWN, Field, field_of, folded
from app.importer.markers import level_and_code, read_marker
from app.importer.tables import is_prose
from app.importer.tree import TreeBuilder
from app.importer.units import Unit, clean
from app.importer.vocabulary import CONTEXTUAL, MODALITE, OO, OS, fold


def _field_row(unit: Unit) -> list[tuple[Field, str]] | None:
    """A row « field name | value », or two side by side (« Pilote | Ville | Partenaires
    | CAF »): its cells filled in pairs, each pair's first cell a name and its second
    a value (two names are a header row: « Axe | Objectifs »)."""
    if unit.kind != "row" or not unit.cells:
        return None
    filled = [(i, c) for i, c in enumerate(unit.cells) if c.strip()]
    if len(filled) not in (2, 4) or filled[0][0] != 0:
        return None
    pairs = []
    for (_, name), (_, value) in zip(filled[::2], filled[1::2], strict=True):
        found, named = field_of(name), field_of(value)
        if found is None or (named is not None and named.kind not in (UNKNOWN, OTHER)):
            return None
        pairs.append((found, value))
    return pairs


_NAMES = folded("champ", "rubrique", "item", "critère", "élément", "information")
_VALUES = folded("contenu", "description", "détail", "valeur", "renseignement", "précision")


def _sheet_header(unit: Unit) -> bool:
    """« Rubrique | Contenu », « Champ | Description »: a sheet's header row."""
    cells = [fold(c) for c in unit.cells or [] if c.strip()] if unit.kind == "row" else []
    return len(cells) == 2 and cells[0] in _NAMES and cells[1] in _VALUES


def sheet_rows(units: list[Unit], k: int) -> tuple[int, int]:
    """How many rows from ``units[k]`` are fiches actions (0: none), a header row
    (« Rubrique | Contenu ») included; and how many rows were looked at — none of those
    after ``k`` opens a sheet either (theirs would be a part of this run, with fewer
    known names), so a long table is looked at once, not once a row."""
    header = int(_sheet_header(units[k]))
    fields: list[Field] = []
    rows = 0
    while k + header + rows < len(units) and (row := _field_row(units[k + header + rows])):
        fields += [f for f, _ in row]
        rows += 1
    known = [f for f in fields if f.kind != UNKNOWN]
    looked = header + rows
    return (looked if len(known) >= 2 else 0), max(looked, 1)


def read_sheets(b: TreeBuilder, rows: list[Unit], heading: Drafted | None) -> None:
    """Rows of one or more sheets; a field named again starts the next sheet.
    ``heading``: the element of the line just above (« Fiche action n°1 »), the action
    itself when it names one."""
    sheet: list[tuple[Field, str, int]] = []
    for unit in rows[int(_sheet_header(rows[0])) :]:
        for field, value in _field_row(unit) or []:
            if any(f.name == field.name for f, _, _ in sheet):
                _read(b, sheet, heading)
                sheet, heading = [], None
            sheet.append((field, value, unit.line))
    _read(b, sheet, heading)
    b.columns, b.row_table, b.pending = None, False, None


def _read(b: TreeBuilder, sheet: list[tuple[Field, str, int]], heading: Drafted | None) -> None:
    """One sheet: its level fields find or draft the levels, its title the action, its
    description, indicators and results go to the action (or the deepest level)."""
    parent: Drafted | None = None
    chain = False
    title: tuple[int, str] | None = None
    code: str | None = None  # the action's own, printed before its title
    several: list[tuple[int, CellItem]] = []  # a title field listing several actions
    unknown: list[str] = []  # levels named by a code the strategy above does not have
    passages: list[tuple[str, int, str]] = []
    for f, value, line in sheet:
        items = [it for it in split_cell(value) if not it.lead_in]
        if f.kind == LEVEL and items and _sentences(items[0].label):
            passages.extend(("description", line, it.label) for it in items)  # « Enjeux | … »
        elif f.kind == LEVEL and (bare := _bare_code(value)) is not None:
            # « Axe | 2 », « Objectif | Objectif 2.1 »: a level drafted above, named by its
            # code alone; with none of that code, no element is made of a code
            coded = [e for e in b.elements if e.code == bare and e.classe != MODALITE]
            kin = [e for e in coded if e.classe == f.classe or {e.classe, f.classe} <= {OS, OO}]
            found = next(iter(kin or coded), None)
            if found is not None:
                parent, chain = found, True
            else:
                unknown.append(f"{f.niveau or ''} {bare}".strip())
        elif f.kind == LEVEL and items:
            it = _code_over_label(items)
            classe = it.classe or f.classe or OS
            if classe == CONTEXTUAL:
                classe = OO if parent is not None and parent.classe in (OS, OO) else OS
            niveau = it.niveau or f.niveau
            parent, chain = _level(b, classe, niveau, it.code, it.label, line, parent), True
        elif f.kind == TITLE and title is None and len(items) > 1:
            several = [(line, it) for it in items]  # « Actions | - Créer … - Former … »
        elif f.kind == TITLE and title is None:
            # « Actions | - Mettre en place … »: one bulleted action, its label without « - »
            title = (line, items[0].label if items and items[0].bullet else clean(value))
            printed = read_marker(title[1])
            if printed.kind in ("number", "word") and printed.code and printed.label.strip():
                code, title = printed.code, (line, clean(printed.label))  # « 1.1.2 Créer … »
        elif f.kind in ("description", "indicateurs", "resultats_attendus"):
            passages.extend((f.kind, line, it.label) for it in items)
    if heading is not None and title is None and several and _only_a_name(heading):
        # « Fiche-action n°1.1.1 » over « Actions | - … - … »: the sheet's name, no action
        b.drop(heading)
        parent, chain, heading = (parent if chain else heading.parent), True, None
    action = _action(b, heading, title, parent if chain else None)
    if action is not None and code is not None and title is not None and action.label == title[1]:
        action.code = code
    if action is not None and unknown and not action.a_verifier:
        action.a_verifier = (
            f"fiche action : « {' », « '.join(unknown)} » introuvable(s) dans la stratégie ; "
            "rattachement à vérifier"
        )
    owner = action or parent or (b.elements[-1] if b.elements else None)
    for line, it in several:  # each an action, under the sheet's heading or its level
        e = Drafted(MODALITE, it.label, line, code=it.code, sig=("fiche", MODALITE, "liste"))
        b.attach(e, action or (parent if chain else b.top()))
    if owner is None:
        return
    for kind, line, text in passages:
        getattr(owner, kind).append((line, text))


def _only_a_name(heading: Drafted) -> bool:
    """« Fiche-action n°1.1.1 » kept as printed: no title given it, nothing under it."""
    return (
        _BARE_HEADING.match(heading.label) is not None
        and not heading.children
        and not heading.description
    )


def _code_over_label(items: list[CellItem]) -> CellItem:
    """A level field's element: its first item — or, where the cell prints the level's
    code and its label on two lines (« Axe 1 » / « Emploi et insertion »), both."""
    first = items[0]
    code = _bare_code(first.label) if len(items) > 1 else None
    if code is not None:
        marker = read_marker(first.label + " X")  # the level word, if one is printed
        word = marker.kind == "word"
        return CellItem(
            items[1].label,
            0,
            code,
            classe=marker.classe if word else None,
            niveau=marker.niveau if word else None,
        )
    return first


def _sentences(text: str) -> bool:
    """« Enjeux | Le taux de chômage des jeunes atteint 30 % dans les quartiers. »: the
    level field holds what the action answers, not the level's label."""
    return is_prose(text) or (text.endswith(".") and len(text) > 100)


def _level(
    b: TreeBuilder,
    classe: str,
    niveau: str | None,
    code: str | None,
    label: str,
    line: int,
    parent: Drafted | None,
) -> Drafted:
    """The element a sheet's level field names: the one drafted from the strategy when
    it is printed again (same label, or same code and one label the start of the other:
    « Axe 1 : Emploi » for « Axe 1 : Emploi et insertion »; an « Objectif » of either
    rank), else a new one — flagged when it looks like one of them without being it."""
    mine = fold(label)
    same = [e for e in b.elements if e.classe == classe or {e.classe, classe} <= {OS, OO}]
    for e in same:
        theirs = fold(e.label)
        if theirs == mine and (not code or not e.code or e.code == code):
            return e
        if code and e.code == code and _starts(theirs, mine):
            return e
    e = Drafted(classe, label, line, code=code, niveau=niveau, sig=("fiche", classe))
    twin = next(
        (o for o in same if (code and o.code == code) or _starts(fold(o.label), mine)), None
    )
    if twin is not None:
        e.a_verifier = (
            f"fiche action : « {f'{code} ' if code else ''}{label} » ressemble à "
            f"« {twin.label} » (ligne {twin.ligne}) ; même élément ou deux ?"
        )
    return b.attach(e, parent)


def _starts(a: str, b: str) -> bool:
    """One label the start of the other, at a word's end (« emploi » in « emploi et … »)."""
    short, long = sorted((a, b), key=len)
    return bool(short) and (long == short or long.startswith(short + " "))


_BARE_CODE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*|[IVXL]{1,5}|[A-Z])$")


def _bare_code(value: str) -> str | None:
    """The code a value holds alone (« 2.1 », « Objectif 2.1 »), or ``None``."""
    text = " ".join(value.split())
    if _BARE_CODE.match(text):
        return text
    found = level_and_code(text)
    return found[0] if found is not None and not found[1] else None


_BARE_HEADING = re.compile(r"(?i)^fiches?[\s-]*actions?\s*(?:n\s*[°º.o]?\s*)?(?P<code>[\w.]+)?$")


def _action(
    b: TreeBuilder, heading: Drafted | None, title: tuple[int, str] | None, parent: Drafted | None
) -> Drafted | None:
    """The sheet's action: the heading above it (« Fiche action n°2 »), its label from the
    title field when the heading prints none; else a new element from the title field.
    ``parent``: the deepest level the sheet names, if it names one."""
    if heading is not None:
        bare = _BARE_HEADING.match(heading.label)
        if bare and title is not None:
            heading.ligne, heading.label = title
            heading.code = heading.code or bare.group("code")
        elif title is not None and fold(title[1]) != fold(heading.label):
            heading.description.append(title)
        if parent is not None and parent is not heading.parent:
            _move(b, heading, parent)
        return heading
    if title is None:
        return None
    e = Drafted(MODALITE, title[1], title[0], sig=("fiche", MODALITE))
    return b.attach(e, parent or b.top())  # no level field: under the level open above


def _move(b: TreeBuilder, e: Drafted, parent: Drafted) -> None:
    """Hang ``e`` under ``parent``, after it in the file (a parent comes first)."""
    (e.parent.children if e.parent else b.roots).remove(e)
    e.parent = parent
    parent.children.append(e)
    b.elements.remove(e)
    b.elements.append(e)

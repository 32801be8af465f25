"""Numbering schemes and bullets typed by hand besides « 1. », « 1.1 » and « • »:
slashes (« I/ », « 1/ », « a/ »), « 1°) », lower-case roman numerals (« i. »,
« ii. »), each read as a scheme of its own with its code apart from the label;
arrow bullets (« ➢ », « ⮚ »)."""

from __future__ import annotations

from pathlib import Path

import pytest

SLASHES = """Contrat de ville de Montclair 2024-2030

I/ COHÉSION SOCIALE

1/ Favoriser la réussite éducative
a/ Renforcer le programme de réussite éducative
b/ Lutter contre le décrochage scolaire

2/ Améliorer l'accès aux soins
a/ Créer un centre de santé

II/ EMPLOI

1/ Rapprocher les habitants de l'emploi
a/ Mobiliser les clauses d'insertion

Un tiers des habitants (1/3) a moins de 25 ans.
"""

DEGREES = """Contrat de ville de Montclair 2024-2030

1°) Cohésion sociale
   A. Favoriser la réussite éducative
      i. Renforcer le programme de réussite éducative
      ii. Lutter contre le décrochage scolaire
   B. Améliorer l'accès aux soins
      i. Créer un centre de santé
2°) Emploi
   A. Rapprocher les habitants de l'emploi
      i. Mobiliser les clauses d'insertion
"""

EXPECTED = """
{cohesion}
  Favoriser la réussite éducative
    Renforcer le programme de réussite éducative
    Lutter contre le décrochage scolaire
  Améliorer l'accès aux soins
    Créer un centre de santé
{emploi}
  Rapprocher les habitants de l'emploi
    Mobiliser les clauses d'insertion
"""


@pytest.mark.parametrize(
    ("text", "top", "codes"),
    [
        (SLASHES, ("COHÉSION SOCIALE", "EMPLOI"), ("I", "1", "a", "b", "II")),
        (DEGREES, ("Cohésion sociale", "Emploi"), ("1", "A", "i", "ii", "2")),
    ],
    ids=["slashes", "degrees-and-roman"],
)
def test_numbering_schemes_typed_by_hand(
    tmp_path: Path, run_import, text: str, top: tuple[str, str], codes: tuple[str, ...]
) -> None:
    """« 1/ » and « I/ » were no numbering (« aucun élément de stratégie reconnu »);
    « 1°) » left « ) » in the label; « ii. » was glued to the label above it."""
    doc = tmp_path / "montclair.txt"
    doc.write_text(text, encoding="utf-8")
    result = run_import(doc)
    assert result.code == 0, result.stderr
    expected = EXPECTED.format(cohesion=top[0], emploi=top[1])
    elements = result.exact_tree(expected)
    printed = [e.get("code") for e in elements]
    first, education, renforcer, lutter = printed[:4]
    assert (first, education, renforcer, lutter) == codes[:4]
    assert elements[-3].get("code") == codes[4]


ARROWS = """Contrat de ville de Montclair 2024-2030

Axe 1 : Cohésion sociale

➢ Favoriser la réussite éducative
    ⮚ Renforcer le programme de réussite éducative
    ⮚ Lutter contre le décrochage scolaire
➢ Améliorer l'accès aux soins
    ⮚ Créer un centre de santé

Axe 2 : Emploi

➢ Rapprocher les habitants de l'emploi
    ⮚ Mobiliser les clauses d'insertion
"""


def test_arrow_bullets(tmp_path: Path, run_import) -> None:
    """« ➢ » and « ⮚ », Word's and LibreOffice's arrow bullets, were text: the items
    under « Axe 1 » were one paragraph of its description."""
    doc = tmp_path / "montclair.txt"
    doc.write_text(ARROWS, encoding="utf-8")
    result = run_import(doc)
    assert result.code == 0, result.stderr
    expected = EXPECTED.format(cohesion="Cohésion sociale", emploi="Emploi")
    result.exact_tree(expected)

"""Official codes of the territories a contract names, from the reference table shipped in the repo.

Why here: a code is only linked when the printed name designates one row of
``data/reference/territoires-officiels.csv`` (extracted from Etalab's
``@etalab/decoupage-administratif`` by ``scripts/territoires_officiels.py``); any other
case records why it is not linked, so that a page can say it instead of staying silent.
INSEE's geography IRIs are built on UUIDs (``http://id.insee.fr/geo/commune/<uuid>``),
not on the code, so no IRI is derived from a code: the code is given as a literal.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.config import PROJECT_ROOT

REFERENCE_TABLE = PROJECT_ROOT / "data" / "reference" / "territoires-officiels.csv"


@dataclass(frozen=True)
class Liaison:
    """The code of a named territory, or the reason there is none."""

    code: str | None
    raison: str | None


@lru_cache(maxsize=4)
def _table(path: Path) -> tuple[dict[tuple[str, str], list[str]], str]:
    rows: dict[tuple[str, str], list[str]] = {}
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                rows.setdefault((row["type"], row["nom"]), []).append(row["code"])
    meta_path = path.with_suffix(".meta.json")
    origin = "table de référence absente"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        origin = f"{meta['paquet']} {meta['version']}"
    return rows, origin


def liaison(type_: str, label: str, path: Path = REFERENCE_TABLE) -> Liaison:
    """Link ``label`` to its code when exactly one row of the table bears that name."""
    rows, origin = _table(path)
    if type_ == "Quartier":
        return Liaison(
            None,
            f"Quartier nommé sans sa commune : la source ne dit pas de quelle commune il "
            f"s'agit, et la table de référence ({origin} : communes et EPCI) ne contient pas "
            "les quartiers ; aucun code officiel n'est relié.",
        )
    codes = rows.get((type_, label), [])
    if len(codes) == 1:
        return Liaison(codes[0], None)
    if not codes:
        return Liaison(
            None,
            f"« {label} » ne figure pas tel quel parmi les {type_} de la table de référence "
            f"({origin}) : aucun code officiel n'est relié.",
        )
    return Liaison(
        None,
        f"Nom ambigu : {len(codes)} {type_} de la table de référence ({origin}) portent le "
        f"nom « {label} » et la source ne dit pas lequel ; aucun code officiel n'est relié.",
    )

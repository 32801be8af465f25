"""Tree-level checks of a parsed contract: ids, parents, cycles, and sibling order."""

from __future__ import annotations

from app.curation.errors import CurationError
from app.curation.model import Contrat

ZONE_QPV = "qpv"


def _duplicates(contrat: Contrat, items: list, what: str) -> list[CurationError]:
    errors = []
    first: dict[str, int] = {}
    for item in items:
        if item.id in first:
            errors.append(
                CurationError(
                    contrat.path,
                    item.yaml_line,
                    f"{what} « {item.id} » en double (déjà défini ligne {first[item.id]})",
                )
            )
        else:
            first[item.id] = item.yaml_line
    return errors


def check_structure(contrat: Contrat) -> list[CurationError]:
    """Check references and acyclicity, then number siblings in file order (``rang``)."""
    errors = _duplicates(contrat, contrat.elements, "élément")
    errors += _duplicates(contrat, contrat.territoires, "territoire")
    errors += _duplicates(contrat, contrat.chiffres_cles, "chiffre clé")
    by_id = {e.id: e for e in contrat.elements}
    for e in contrat.elements:
        if e.parent is not None and e.parent not in by_id:
            errors.append(
                CurationError(
                    contrat.path,
                    e.yaml_line,
                    f"élément « {e.id} » : parent « {e.parent} » inexistant",
                )
            )
        if e.parent == e.id:
            errors.append(
                CurationError(contrat.path, e.yaml_line, f"élément « {e.id} » : parent de lui-même")
            )
    if errors:
        return errors
    for e in contrat.elements:
        seen = {e.id}
        p = e.parent
        while p is not None:
            if p in seen:
                errors.append(
                    CurationError(
                        contrat.path,
                        e.yaml_line,
                        f"élément « {e.id} » : cycle de parents via « {p} »",
                    )
                )
                break
            seen.add(p)
            p = by_id[p].parent
    territoires = {t.id for t in contrat.territoires}
    for t in contrat.territoires:
        if t.partie_de is not None and t.partie_de not in territoires:
            errors.append(
                CurationError(
                    contrat.path,
                    t.yaml_line,
                    f"territoire « {t.id} » : partie_de « {t.partie_de} » inconnu",
                )
            )
    for c in contrat.chiffres_cles:
        if c.zone != ZONE_QPV and c.zone not in territoires:
            errors.append(
                CurationError(
                    contrat.path,
                    c.yaml_line,
                    f"chiffre clé « {c.id} » : zone « {c.zone} » "
                    "ni « qpv » ni un territoire du contrat",
                )
            )
    counters: dict[str | None, int] = {}
    for e in contrat.elements:
        counters[e.parent] = counters.get(e.parent, 0) + 1
        e._rang = counters[e.parent]
    return errors

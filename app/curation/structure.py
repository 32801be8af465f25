"""Tree-level checks of a parsed contract: ids, parents, cycles, and sibling order."""

from __future__ import annotations

from app.curation.errors import CurationError
from app.curation.model import Contrat, Element

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
    errors += _context_references(contrat, by_id)
    counters: dict[str | None, int] = {}
    for e in contrat.elements:
        counters[e.parent] = counters.get(e.parent, 0) + 1
        e._rang = counters[e.parent]
    return errors


def _context_references(contrat: Contrat, by_id: dict[str, Element]) -> list[CurationError]:
    """Transversal links, elaboration steps and the figures that count them point at known ids."""
    errors = []

    def fail(line: int, message: str) -> None:
        errors.append(CurationError(contrat.path, line, message))

    for e in contrat.elements:
        if e.applique_a and e.classe != "ThematiqueTransversale":
            fail(
                e.key_line("applique_a"),
                f"élément « {e.id} » : applique_a réservé aux thématiques transversales",
            )
        for target in e.applique_a:
            if target not in by_id:
                fail(
                    e.key_line("applique_a"),
                    f"élément « {e.id} » : applique_a « {target} » inexistant",
                )
    contexte = contrat.contexte
    evenements = contexte.evenements if contexte else []
    textes = contexte.textes_cites if contexte else []
    errors += _duplicates(contrat, evenements, "étape")
    errors += _duplicates(contrat, textes, "texte cité")
    known = {ev.id for ev in evenements}
    for ev in evenements:
        if ev.partie_de is not None and ev.partie_de not in known:
            fail(
                ev.key_line("partie_de"),
                f"étape « {ev.id} » : partie_de « {ev.partie_de} » inconnue",
            )
        if ev.date_imprimee is not None and ev.date_ligne is None:
            fail(ev.yaml_line, f"étape « {ev.id} » : date_imprimee sans date_ligne")
    for c in contrat.chiffres_cles:
        if c.evenement is not None and c.evenement not in known:
            fail(
                c.key_line("evenement"),
                f"chiffre clé « {c.id} » : étape « {c.evenement} » inconnue",
            )
    return errors

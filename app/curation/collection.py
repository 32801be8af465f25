"""Loading a set of contract files together: what no single file can check alone."""

from __future__ import annotations

from pathlib import Path

from app.curation.drafts import unreviewed
from app.curation.errors import CurationError, CurationErrors
from app.curation.loader import load_contrat
from app.curation.model import Contrat
from app.curation.provenance import check_provenance


def load_checked(
    path: Path, sources_dir: Path, draft: bool = False
) -> tuple[Contrat | None, list[CurationError]]:
    """One file read and checked on its own (labels against its source, draft flags)."""
    try:
        contrat = load_contrat(path)
    except CurationErrors as exc:
        return None, exc.errors
    errors = [] if draft else unreviewed(contrat)
    return contrat, errors + check_provenance(contrat, sources_dir)


def load_contracts(
    paths: list[Path], sources_dir: Path, others: list[Path] | None = None, draft: bool = False
) -> tuple[list[Contrat], list[CurationError]]:
    """Load ``paths``; check labels against the sources and ids/sources unique across files.

    ``others`` are the contract files already in the data directory: a file being
    validated on its own must not reuse their contract id or source document.
    ``draft``: importer drafts, whose « a_verifier » flags are accepted.
    """
    contrats: list[Contrat] = []
    errors: list[CurationError] = []
    for path in paths:
        contrat, found = load_checked(path, sources_dir, draft)
        errors.extend(found)
        if contrat is not None:
            contrats.append(contrat)
    resolved = {p.resolve() for p in paths}
    known: list[Contrat] = []
    for path in others or []:
        if path.resolve() in resolved:
            continue
        try:
            known.append(load_contrat(path))
        except CurationErrors:
            continue  # reported when that file itself is built or validated
    seen: dict[tuple[str, str], Path] = {}
    for c in known + contrats:
        for kind, value, line in (
            ("identifiant de contrat", c.id, c.id_line),
            ("document source", c.source.fichier, c.source_line),
        ):
            first = seen.setdefault((kind, value), c.path)
            if first != c.path and c in contrats:
                errors.append(
                    CurationError(c.path, line, f"{kind} « {value} » déjà utilisé par {first}")
                )
    return contrats, errors

"""Check that every label is the source's own text, found where the file says it starts.

This is what makes the graph trustworthy: a label that cannot be found at its line
was typed, not read.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.curation.errors import CurationError
from app.curation.model import Contrat
from app.sources import manifest_problem, source_path

_MARKUP = re.compile(r"</?(?:ul|li|p)\b[^>]*>")
_HYPHENATED = re.compile(r"(?<=\w-) (?=\w)")
WINDOW_LINES = 40


def normalise(text: str) -> str:
    """The comparison form: markup and replacement characters gone, spaces collapsed.

    Every label is checked against a 40-line window normalised afresh, ≈ 200 a
    contract: the spaces are collapsed by ``str.split`` (the same whitespace as
    the regex ``\\s+``: both are ``str.isspace``; ``tests/curation``), five times
    faster than the regex, and the hyphenation rule (a lookbehind: tried at
    every character) only runs on a text where it can match.
    """
    # Bold markers hug the words they mark (« **Éducation** et »): dropped, not spaced.
    text = _MARKUP.sub(" ", text.replace("\ufffd", " ").replace("**", ""))
    text = " ".join(text.split())
    return _HYPHENATED.sub("", text) if "- " in text else text


def _found_at(lines: list[str], ligne: int, label: str) -> bool:
    """True if ``label`` occurs in the text that starts on line ``ligne`` (1-based)."""
    if not 1 <= ligne <= len(lines):
        return False
    wanted = normalise(label)
    first = lines[ligne - 1]
    head = normalise(first)
    if "<" not in first and wanted in head:
        # Found on its own line. Without a "<" the line holds no markup, nor the start
        # of a tag closed further down, so the window's form begins with the line's
        # own (``tests/curation/test_provenance_window.py``): the window finds the
        # label there, before the line's end — no need to normalise the window.
        return True
    return found_in_window(lines, ligne, wanted, head)


def found_in_window(lines: list[str], ligne: int, wanted: str, head: str) -> bool:
    """Whether ``wanted`` (normalised) starts on line ``ligne`` of the normalised
    window of ``WINDOW_LINES`` lines there (``head``: that line's own form)."""
    window = normalise(" ".join(lines[ligne - 1 : ligne - 1 + WINDOW_LINES]))
    start = window.find(wanted)
    while start != -1:
        if start < max(len(head), 1):
            return True
        start = window.find(wanted, start + 1)
    return False


def _context_checks(contrat: Contrat) -> list[tuple[int, int | None, str, str]]:
    """The context's printed texts: subtitle, steps (and their printed dates), cited texts."""
    checks: list[tuple[int, int | None, str, str]] = []
    if contrat.source.sous_titre:
        st = contrat.source.sous_titre
        checks.append((st.key_line("texte"), st.ligne, st.texte, "sous-titre de la source"))
    if contrat.contexte is None:
        return checks
    ctx = contrat.contexte
    for ev in ctx.evenements:
        checks.append((ev.key_line("label"), ev.ligne, ev.label, f"étape « {ev.id} »"))
        if ev.date_imprimee:
            line = ev.key_line("date_imprimee")
            checks.append((line, ev.date_ligne, ev.date_imprimee, f"date de « {ev.id} »"))
    checks += [
        (t.key_line("label"), t.ligne, t.label, f"texte cité « {t.id} »") for t in ctx.textes_cites
    ]
    for key in ("critere_qpv", "source_carte", "evolutions_cadre"):
        checks += [
            (p.key_line("texte"), p.ligne, p.texte, f"contexte, {key}") for p in getattr(ctx, key)
        ]
    return checks


def check_provenance(contrat: Contrat, sources_dir: Path) -> list[CurationError]:
    """Every label, title, description paragraph and key-figure text must be found at its line.

    A missing source is an error, never a reason to skip the check: a label that
    cannot be checked is not trusted.
    """
    source = source_path(sources_dir, contrat.source.fichier)
    where = contrat.source.key_line("fichier") or contrat.source_line
    if source is None:
        looked = sources_dir / contrat.source.fichier
        why = "" if sources_dir.is_dir() else f" (dossier {sources_dir} inexistant)"
        return [
            CurationError(
                contrat.path,
                where,
                f"document source « {contrat.source.fichier} » introuvable : "
                f"cherché en {looked}{why} ; CVKG_SOURCES_DIR désigne le dossier des sources",
            )
        ]
    changed = manifest_problem(sources_dir, contrat.source.fichier)
    if changed:
        return [CurationError(contrat.path, where, f"document source modifié : {changed}")]
    lines = source.read_text(encoding="utf-8").splitlines()
    errors = []
    checks: list[tuple[int, int | None, str, str]] = [
        (e.key_line("label"), e.ligne, e.label, f"élément « {e.id} »") for e in contrat.elements
    ]
    checks += [
        (p.key_line("texte"), p.ligne, p.texte, f"élément « {e.id} », {key}")
        for e in contrat.elements
        for key, p in e.passages()
    ]
    checks += [
        (p.key_line("texte"), p.ligne, p.texte, "contrat, description") for p in contrat.description
    ]
    checks += _context_checks(contrat)
    checks += [
        (c.key_line("libelle"), c.ligne, c.libelle, f"chiffre clé « {c.id} »")
        for c in contrat.chiffres_cles
    ]
    checks += [
        (t.key_line("label"), t.ligne, t.label, f"territoire « {t.id} »")
        for t in contrat.territoires
        if t.ligne
    ]
    if contrat.source.titre and contrat.source.ligne:
        checks.append((1, contrat.source.ligne, contrat.source.titre, "titre de la source"))
    for yaml_line, ligne, text, what in checks:
        if ligne is None or not _found_at(lines, ligne, text):
            past = f", qui n'a que {len(lines)} lignes" if ligne and ligne > len(lines) else ""
            errors.append(
                CurationError(
                    contrat.path,
                    yaml_line,
                    f"{what} : « {text[:60]} » introuvable dans "
                    f"{contrat.source.fichier} à la ligne {ligne}{past}",
                )
            )
    return errors

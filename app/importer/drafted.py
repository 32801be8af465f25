"""An element as the importer drafts it, before it is written (``draft.py``), and what
tells a heading from prose."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

GUESSED = "niveau déduit de la position : aucun mot de niveau ni en-tête imprimé"
_SENTENCE = re.compile(r"[.!?] [A-ZÀ-Ý]")


def guessed_flag(niveau: str | None) -> str:
    """Why a class came from the position: no level word printed, or a word printed as
    one (« Défi 1 : … ») that the vocabulary does not know."""
    if niveau:
        return f"niveau déduit de la position : « {niveau} » n'est pas un mot de niveau connu"
    return GUESSED


@dataclass
class Drafted:
    classe: str
    label: str
    ligne: int
    parent: Drafted | None = None
    code: str | None = None
    niveau: str | None = None
    a_verifier: str | None = None
    guessed: bool = False
    sig: tuple[object, ...] = ()
    id: str = ""
    description: list[tuple[int, str]] = field(default_factory=list)
    resultats_attendus: list[tuple[int, str]] = field(default_factory=list)
    indicateurs: list[tuple[int, str]] = field(default_factory=list)
    children: list[Drafted] = field(default_factory=list)


def is_narrative(label: str) -> bool:
    """Prose, not a heading: long, or several sentences."""
    return len(label) > 320 or (len(label) > 160 and bool(_SENTENCE.search(label[:-2])))

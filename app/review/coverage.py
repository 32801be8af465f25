"""What a draft made of each line of its source: the facts a review page shows.

A draft is read as plain YAML (it may be half-right: that is why it is
reviewed), its elements put back into a tree, and every text it quotes (labels,
descriptions, attendus, indicateurs, titles, key figures) located in the source
from its ``ligne`` over the lines it spans. A line no text covers, that is not
blank and that the draft does not declare as layout (``lignes_ignorees``:
running header, page number, sommaire…) was dropped: the curator must see it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.curation.provenance import WINDOW_LINES, normalise
from app.sources import source_path

# libyaml's safe loader when there is one: a 100-page draft parses in a tenth of the time.
_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_WORD = re.compile(r"\w")
_WORD_END = re.compile(r"\w-$")
# Element keys holding lists of verbatim paragraphs {ligne, texte}, and their role.
PASSAGES = {
    "description": "description",
    "resultats_attendus": "attendu",
    "indicateurs": "indicateur",
}
ROLE_NAMES = {
    "element": "libellé d'élément",
    "description": "description",
    "attendu": "résultat attendu",
    "indicateur": "indicateur",
    "titre": "titre",
    "chiffre": "chiffre clé",
    "territoire": "territoire",
    "ignoree": "ignorée (mise en page)",
    "vide": "vide",
    "non-reprise": "non reprise",
}


class DraftError(ValueError):
    """The draft cannot be reviewed (unreadable, not YAML, source missing): says what and where."""


@dataclass
class Passage:
    role: str
    ligne: int
    texte: str
    found: bool = True


@dataclass
class Node:
    id: str
    classe: str
    label: str
    ligne: int
    code: str | None = None
    niveau: str | None = None
    a_verifier: str | None = None
    found: bool = True
    passages: list[Passage] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


@dataclass
class Review:
    draft: str  # the draft's file name
    fichier: str  # the source's file name
    lines: list[str]
    roots: list[Node]
    roles: dict[int, str]  # line number → role (every line has one)
    titles: dict[int, str]  # line number → what covers it, for a tooltip
    contrat_passages: list[Passage] = field(default_factory=list)
    problems: list[str] | None = None  # what cvkg validate --draft says; None: not run

    @property
    def nodes(self) -> list[Node]:
        out: list[Node] = []
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out

    def per_class(self) -> list[tuple[str, int]]:
        return sorted(Counter(n.classe for n in self.nodes).items())

    def flagged(self) -> list[Node]:
        return [n for n in self.nodes if n.a_verifier]

    def count(self, role: str) -> int:
        return sum(1 for r in self.roles.values() if r == role)

    def dropped_ranges(self) -> list[tuple[int, int]]:
        """Runs of consecutive dropped lines, (first, last)."""
        runs: list[tuple[int, int]] = []
        for n in sorted(k for k, r in self.roles.items() if r == "non-reprise"):
            if runs and runs[-1][1] == n - 1:
                runs[-1] = (runs[-1][0], n)
            else:
                runs.append((n, n))
        return runs


def span(norm: list[str], ligne: int, texte: str) -> int:
    """How many lines from ``ligne`` the text covers (0 when it is not found there).

    ``norm``: the source lines, each already in the comparison form
    (:func:`app.curation.provenance.normalise`); they are joined one at a time,
    by one space, or by none after a hyphenated word, as that form does.

    >>> span(["1. Favoriser l'accès", "aux droits", "Autre"], 1, "Favoriser l'accès aux droits")
    2
    >>> span(["Renforcer la co-", "construction"], 1, "Renforcer la co-construction")
    2
    """
    if not 1 <= ligne <= len(norm) or not texte:
        return 0
    wanted = normalise(texte)
    joined = ""
    for i in range(ligne - 1, min(len(norm), ligne - 1 + WINDOW_LINES)):
        part = norm[i]
        if part:
            glued = joined.endswith("-") and _WORD_END.search(joined) and _WORD.match(part)
            joined = part if not joined else joined + ("" if glued else " ") + part
        if wanted in joined:
            return i - ligne + 2
    return 0


def _text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return None if value is None else str(value)


def _int(item: dict[str, Any], key: str) -> int:
    value = item.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


class _Marker:
    """Assigns a role to the lines each quoted text spans (the first claim wins)."""

    def __init__(self, lines: list[str]) -> None:
        self.norm = [normalise(line) for line in lines]
        self.roles: dict[int, str] = {}
        self.titles: dict[int, str] = {}

    def mark(self, role: str, ligne: int, texte: str, title: str) -> bool:
        k = span(self.norm, ligne, texte)
        for n in range(ligne, ligne + k):
            self.roles.setdefault(n, role)
            self.titles.setdefault(n, title)
        return k > 0

    def passages(self, item: dict[str, Any], owner: str) -> list[Passage]:
        out = []
        for key, role in PASSAGES.items():
            for p in _dicts(item.get(key)):
                passage = Passage(role, _int(p, "ligne"), _text(p, "texte") or "")
                passage.found = self.mark(
                    role, passage.ligne, passage.texte, f"{ROLE_NAMES[role]} de {owner}"
                )
                out.append(passage)
        return out


def _tree(marker: _Marker, elements: list[dict[str, Any]]) -> list[Node]:
    nodes: dict[str, Node] = {}
    parents: list[tuple[Node, str | None]] = []
    for e in elements:
        node = Node(
            id=_text(e, "id") or "?",
            classe=_text(e, "classe") or "?",
            label=_text(e, "label") or "",
            ligne=_int(e, "ligne"),
            code=_text(e, "code"),
            niveau=_text(e, "niveau"),
            a_verifier=_text(e, "a_verifier"),
        )
        node.found = marker.mark("element", node.ligne, node.label, f"élément « {node.id} »")
        node.passages = marker.passages(e, f"« {node.id} »")
        nodes.setdefault(node.id, node)
        parents.append((node, _text(e, "parent")))
    roots = []
    for node, parent in parents:
        if parent and parent in nodes and nodes[parent] is not node:
            nodes[parent].children.append(node)
        else:
            roots.append(node)
    return roots


def _ignored(marker: _Marker, top: dict[str, Any]) -> None:
    for item in _dicts(top.get("lignes_ignorees")):
        first = _int(item, "ligne")
        last = max(first, _int(item, "fin"))
        raison = _text(item, "raison") or "mise en page"
        for n in range(first, last + 1):
            marker.roles.setdefault(n, "ignoree")
            marker.titles.setdefault(n, f"ignorée : {raison}")


def review(draft: Path, sources_dir: Path, problems: list[str] | None = None) -> Review:
    """The review of ``draft`` against its source text in ``sources_dir``."""
    try:
        top = yaml.load(draft.read_text(encoding="utf-8"), Loader=_YAML)  # noqa: S506 (safe)
    except (OSError, UnicodeDecodeError) as exc:
        raise DraftError(f"{draft} : illisible ({exc})") from exc
    except yaml.YAMLError as exc:
        raise DraftError(f"{draft} : YAML invalide ({exc})") from exc
    if not isinstance(top, dict) or not isinstance(top.get("source"), dict):
        raise DraftError(f"{draft} : pas un fichier de contrat (clé « source » absente)")
    fichier = str(top["source"].get("fichier") or "")
    path = source_path(sources_dir, fichier)
    if path is None:
        raise DraftError(f"{draft} : source « {fichier} » introuvable dans {sources_dir}")
    lines = path.read_text(encoding="utf-8").splitlines()
    marker = _Marker(lines)
    source = top["source"]
    if source.get("titre"):
        marker.mark("titre", _int(source, "ligne"), str(source["titre"]), "titre de la source")
    roots = _tree(marker, _dicts(top.get("elements")))
    contrat_passages = marker.passages(top, "contrat")
    for c in _dicts(top.get("chiffres_cles")):
        marker.mark("chiffre", _int(c, "ligne"), _text(c, "libelle") or "", "chiffre clé")
    for t in _dicts(top.get("territoires")):
        marker.mark("territoire", _int(t, "ligne"), _text(t, "label") or "", "territoire")
    _ignored(marker, top)
    for n, line in enumerate(lines, 1):
        if n not in marker.roles:
            marker.roles[n] = "vide" if not line.strip() else "non-reprise"
    return Review(
        draft=draft.name,
        fichier=fichier,
        lines=lines,
        roots=roots,
        roles=marker.roles,
        titles=marker.titles,
        contrat_passages=contrat_passages,
        problems=problems,
    )

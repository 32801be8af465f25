"""In-memory form of a curated contract file, each value with the YAML line it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CLASSES = (
    "Pilier",
    "Axe",
    "ThematiqueTransversale",
    "ObjectifStrategique",
    "ObjectifOperationnel",
    "ModaliteAction",
)
GENERATIONS = ("2015-2020", "2024-2030")
TERRITOIRE_TYPES = ("EPCI", "Commune", "Quartier")


@dataclass(frozen=True)
class ThemeOverride:
    theme: str
    raison: str
    yaml_line: int


@dataclass
class _Located:
    """An entry of the file that remembers the YAML line of each of its keys."""

    key_lines: dict[str, int] = field(default_factory=dict, kw_only=True, repr=False)

    def key_line(self, key: str) -> int | None:
        """Line of ``key`` in the YAML file (None when absent)."""
        return self.key_lines.get(key)


@dataclass
class Element(_Located):
    id: str
    classe: str
    label: str
    ligne: int
    yaml_line: int
    parent: str | None = None
    code: str | None = None
    niveau: str | None = None
    note: str | None = None
    dispositifs: list[str] = field(default_factory=list)
    themes_ajoutes: list[ThemeOverride] = field(default_factory=list)
    themes_retires: list[ThemeOverride] = field(default_factory=list)
    rang: int = 0
    # Importer's draft flag: why the level or parent is unsure (refused outside drafts).
    a_verifier: str | None = None


@dataclass
class Territoire:
    id: str
    type: str
    label: str
    yaml_line: int
    ligne: int | None = None
    partie_de: str | None = None
    insee: str | None = None


@dataclass
class ChiffreCle:
    id: str
    indicateur: str
    libelle: str
    zone: str
    unite: str
    ligne: int
    yaml_line: int
    valeur: float | None = None
    valeur_min: float | None = None
    valeur_max: float | None = None
    annee: int | None = None
    source_stat: str | None = None
    note: str | None = None


@dataclass
class Source(_Located):
    fichier: str
    titre: str | None = None
    ligne: int | None = None
    date: str | None = None


@dataclass
class GenerationInferee:
    valeur: str
    raison: str


@dataclass
class Contrat:
    id: str
    path: Path
    source: Source
    id_line: int = 1
    source_line: int = 1
    titre: str | None = None
    generation: str | None = None
    generation_inferee: GenerationInferee | None = None
    note: str | None = None
    territoires: list[Territoire] = field(default_factory=list)
    chiffres_cles: list[ChiffreCle] = field(default_factory=list)
    elements: list[Element] = field(default_factory=list)

    def element(self, element_id: str) -> Element:
        return next(e for e in self.elements if e.id == element_id)

"""The contract file's schema, in one place: what a curator may write, and its in-memory form.

These pydantic models are both the validator of ``data/contrats/*.yaml`` (extra keys
forbidden, every value typed) and the source of the published JSON Schema
(``schemas/contrat.schema.json``) that editors use to complete and check the files.
Each entry remembers the YAML line it came from, so errors and SHACL violations can
point a curator at the line to fix.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

CLASSES = (
    "Pilier",
    "Axe",
    "ThematiqueTransversale",
    "ObjectifStrategique",
    "ObjectifOperationnel",
    "ModaliteAction",
    "Constat",
)
GENERATIONS = ("2015-2020", "2024-2030")
TERRITOIRE_TYPES = ("EPCI", "Commune", "Quartier")
UNITES = ("pourcent", "habitants", "nombre")
ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"


def _printed_as_text(value: Any) -> Any:
    """A code printed ``1`` or a date read by YAML is still the printed text."""
    if isinstance(value, (int, float, datetime.date)) and not isinstance(value, bool):
        return str(value)
    return value


def _clean(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("texte_vide", "est vide")
    if value != value.strip() or "  " in value or "\n" in value or "\ufffd" in value:
        raise PydanticCustomError(
            "texte_sale",
            "contient des espaces en trop, un saut de ligne ou un caractère de remplacement",
        )
    return value


Texte = Annotated[
    str,
    BeforeValidator(_printed_as_text, json_schema_input_type=str | int | float),
    AfterValidator(_clean),
    Field(json_schema_extra={"minLength": 1, "pattern": r"^\S(?:.*\S)?$"}),
]
"""Text as printed: one line, no stray or doubled spaces (mended as docs/data-format.md says)."""
Ident = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Ligne = Annotated[int, Field(strict=True, ge=1)]
"""A 1-based line of the source document."""
Nombre = Annotated[float, Field(strict=True)]


class _Entry(BaseModel):
    """A mapping of the file: unknown keys refused, its YAML line remembered."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)
    _yaml_line: int = PrivateAttr(default=0)
    _key_lines: dict[str, int] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _remember_line(cls, data: Any, handler: Any) -> Any:
        model = handler(data)
        # Written to, and read from, pydantic's own dictionary of private attributes
        # (what ``model._yaml_line = …`` does, through ``BaseModel.__setattr__``'s
        # checks, ≈ 2 µs each: ≈ 250 entries a contract, read again for every error).
        private = model.__pydantic_private__
        private["_yaml_line"] = getattr(data, "line", 0)
        private["_key_lines"] = getattr(data, "key_lines", {})
        return model

    @property
    def yaml_line(self) -> int:
        """Line of this entry in the YAML file (0 when built in memory)."""
        return self.__pydantic_private__["_yaml_line"]  # type: ignore[index,no-any-return]

    def key_line(self, key: str) -> int:
        """Line of ``key`` in the YAML file, or of the entry when the key is absent."""
        private = self.__pydantic_private__
        return private["_key_lines"].get(key, private["_yaml_line"])  # type: ignore[index,no-any-return]


class Passage(_Entry):
    """A verbatim paragraph of the source and the line it starts on."""

    ligne: Ligne
    texte: Texte


class ThemeOverride(_Entry):
    theme: Ident
    raison: Texte


class Element(_Entry):
    """One element of the strategy tree (a flat list; the tree is given by ``parent``)."""

    id: Ident
    classe: Literal[CLASSES]  # type: ignore[valid-type]
    label: Texte
    ligne: Ligne
    parent: Ident | None = None
    code: Texte | None = None
    niveau: Texte | None = None
    note: Texte | None = None
    a_verifier: Texte | None = Field(
        default=None,
        description="Draft flag set by the importer: why the level or parent is unsure. "
        "`cvkg build` refuses a file that still has one.",
    )
    dispositifs: list[Ident] = Field(default_factory=list)
    applique_a: list[Ident] = Field(
        default_factory=list,
        description="ThematiqueTransversale only: ids of the elements (volets, axes, objectives) "
        "the source says the theme applies to or is implemented in.",
    )
    themes_ajoutes: list[ThemeOverride] = Field(default_factory=list)
    themes_retires: list[ThemeOverride] = Field(default_factory=list)
    description: list[Passage] = Field(default_factory=list)
    resultats_attendus: list[Passage] = Field(default_factory=list)
    indicateurs: list[Passage] = Field(default_factory=list)
    _rang: int = PrivateAttr(default=0)

    @property
    def rang(self) -> int:
        """Position among its siblings, in file order (set by the structure check)."""
        return self._rang

    def passages(self) -> list[tuple[str, Passage]]:
        """Every verbatim paragraph attached to the element, with the key that holds it."""
        return [
            (key, p)
            for key in ("description", "resultats_attendus", "indicateurs")
            for p in getattr(self, key)
        ]


class Territoire(_Entry):
    id: Ident
    type: Literal[TERRITOIRE_TYPES]  # type: ignore[valid-type]
    label: Texte
    ligne: Ligne | None = None
    partie_de: Ident | None = None
    insee: Texte | None = None


class ChiffreCle(_Entry):
    id: Ident
    indicateur: Ident
    libelle: Texte
    zone: Ident
    unite: Literal[UNITES]  # type: ignore[valid-type]
    ligne: Ligne
    valeur: Nombre | None = None
    valeur_min: Nombre | None = None
    valeur_max: Nombre | None = None
    annee: Ligne | None = None
    source_stat: Texte | None = None
    note: Texte | None = None
    evenement: Ident | None = Field(
        default=None, description="id of the elaboration event the figure counts (contexte)"
    )

    @model_validator(mode="after")
    def _value_printed(self) -> ChiffreCle:
        if self.valeur is None and (self.valeur_min is None or self.valeur_max is None):
            raise PydanticCustomError(
                "valeur_manquante", "« valeur » ou « valeur_min » et « valeur_max » attendus"
            )
        return self


class Original(_Entry):
    """The document a text rendering was made from (imported contracts)."""

    fichier: Texte
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    format: Texte


class Source(_Entry):
    fichier: Texte
    titre: Texte | None = None
    ligne: Ligne | None = None
    date: Texte | None = None
    sous_titre: Passage | None = None
    original: Original | None = None


class LignesIgnorees(_Entry):
    """Lines a draft's importer recognised as layout (header, page number, sommaire)."""

    ligne: Ligne
    fin: Ligne | None = None
    raison: Texte


DatePartielle = Annotated[
    str,
    BeforeValidator(_printed_as_text, json_schema_input_type=str),
    StringConstraints(pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?|--\d{2}-\d{2})$"),
]
"""A date at the printed precision: 2023, 2023-07, 2023-06-14, or --06-14 (no year printed)."""
NATURES_EVENEMENT = (
    "phase",
    "entretiens",
    "ateliers",
    "journees",
    "restitution",
    "comite",
    "validation",
    "accompagnement",
)
NATURES_TEXTE = ("loi", "decret", "arrete", "instruction", "circulaire", "orientations")


class Evenement(_Entry):
    """A step of the contract's elaboration, as printed (counts go in ``chiffres_cles``)."""

    id: Ident
    nature: Literal[NATURES_EVENEMENT]  # type: ignore[valid-type]
    label: Texte
    ligne: Ligne
    partie_de: Ident | None = None
    date_imprimee: Texte | None = None
    date_ligne: Ligne | None = None
    debut: DatePartielle | None = None
    fin: DatePartielle | None = None
    date: DatePartielle | None = None
    note: Texte | None = None


class TexteCite(_Entry):
    """A regulatory or policy text the contract cites, with its printed dates."""

    id: Ident
    nature: Literal[NATURES_TEXTE]  # type: ignore[valid-type]
    label: Texte
    ligne: Ligne
    dates: list[DatePartielle] = Field(default_factory=list)


class PassageMentions(Passage):
    """A passage and the programmes or bodies it names (vocabulary ids)."""

    mentions: list[Ident] = Field(default_factory=list)


class Contexte(_Entry):
    """What surrounds the strategy tree: how the contract was made and what frames it."""

    evenements: list[Evenement] = Field(default_factory=list)
    textes_cites: list[TexteCite] = Field(default_factory=list)
    critere_qpv: list[Passage] = Field(default_factory=list)
    source_carte: list[Passage] = Field(default_factory=list)
    evolutions_cadre: list[PassageMentions] = Field(default_factory=list)


class GenerationInferee(_Entry):
    valeur: Literal[GENERATIONS]  # type: ignore[valid-type]
    raison: Texte


class Contrat(_Entry):
    """A whole contract file."""

    id: Ident
    source: Source
    titre: Texte | None = None
    generation: Literal[GENERATIONS] | None = None  # type: ignore[valid-type]
    generation_inferee: GenerationInferee | None = None
    note: Texte | None = None
    description: list[Passage] = Field(default_factory=list)
    contexte: Contexte | None = None
    territoires: list[Territoire] = Field(default_factory=list)
    chiffres_cles: list[ChiffreCle] = Field(default_factory=list)
    elements: list[Element] = Field(min_length=1)
    lignes_ignorees: list[LignesIgnorees] = Field(
        default_factory=list,
        description="Draft: source lines that are layout, not content (shown as such by "
        "`cvkg review`); nothing in the graph comes from them.",
    )
    _path: Path = PrivateAttr(default=Path("."))

    @model_validator(mode="after")
    def _one_generation(self) -> Contrat:
        if self.generation is not None and self.generation_inferee is not None:
            raise PydanticCustomError(
                "cles_exclusives",
                "« generation » et « generation_inferee » s'excluent",
                {"cle": "generation_inferee"},
            )
        return self

    @property
    def path(self) -> Path:
        """The file the contract was read from."""
        return self._path

    @property
    def id_line(self) -> int:
        return self.key_line("id")

    @property
    def source_line(self) -> int:
        return self.key_line("source")

    def element(self, element_id: str) -> Element:
        return next(e for e in self.elements if e.id == element_id)

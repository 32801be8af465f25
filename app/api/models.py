"""The JSON answers of the comparative API, as pydantic models for its OpenAPI.

The routes build their answers as plain dicts (cached and rendered once per
data version, ``app.api.tabular``) and return them as ready responses, so
these models do not validate anything at run time: they *document* the
answers, so that a schema-driven client or fuzzer knows what comes back. A
test validates live answers against the published schemas, and no key may go
undeclared, which keeps the two in step.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Every key an answer has is declared (``additionalProperties: false``)."""

    model_config = ConfigDict(extra="forbid")


class Envelope(Model):
    """What every answer carries: the SPARQL behind it and the data version."""

    query: str
    queries: list[str] | None = None  # when several files are used, main first
    parameters: dict[str, Any]
    data_version: str


class Pagination(Model):
    total: int
    offset: int
    limit: int
    suivant: str | None


class ContratSummary(Model):
    id: str
    iri: str
    titre: str | None
    generation: str | None
    generation_inferee: str | None
    raison_inference: str | None
    source: str | None
    territoires: list[str]
    elements: int
    themes: int
    dispositifs: int


class Theme(Model):
    id: str
    iri: str
    label: str | None
    label_en: str | None
    broader: list[str]
    contrats: int
    elements: int


class Dispositif(Model):
    id: str
    iri: str
    sigle: str | None
    label: str | None
    label_en: str | None
    contrats: int
    elements: int


class Step(Model):
    """One ancestor on the path to the top of an element's tree (``chemins-faits.rq``)."""

    id: str
    label: str
    notation: str | None
    classe: str | None


class Evidence(Model):
    """An element behind an answer (``app.api.evidence``)."""

    iri: str
    id: str
    label: str
    classe: str | None
    notation: str | None
    ligne_source: int | None
    source: str | None
    lien_source: str | None
    methode: str | None
    mots_reconnus: list[str]
    raison: str | None
    chemin: list[Step]
    theme_reconnu: str | None = None  # themes only: the (narrower) theme matched
    theme_reconnu_label: str | None = None


class EvidenceContrat(Model):
    id: str
    iri: str
    titre: str | None
    generation: str | None
    generation_inferee: str | None
    elements: list[Evidence]


class ThemeList(Envelope):
    count: int
    themes: list[Theme]


class ThemeContrats(Envelope):
    theme: Theme
    count: int
    pagination: Pagination
    contrats: list[EvidenceContrat]


class DispositifList(Envelope):
    count: int
    dispositifs: list[Dispositif]


class DispositifContrats(Envelope):
    dispositif: Dispositif
    count: int
    pagination: Pagination
    contrats: list[EvidenceContrat]


class ContratList(Envelope):
    count: int
    pagination: Pagination
    contrats: list[ContratSummary]


class ConceptElement(Model):
    id: str
    iri: str
    label: str
    ligne_source: int | None


class ConceptElements(Model):
    """A theme or dispositif of one contract, with the elements behind it."""

    id: str
    iri: str
    label: str | None
    elements: list[ConceptElement]


class TreeNode(Model):
    """An element of a contract's strategy tree, its children nested (source order)."""

    id: str
    iri: str
    classe: str | None
    niveau: str | int | None
    notation: str | None
    rang: int | None
    label: str
    ligne_source: int | None
    themes: list[str]
    dispositifs: list[str]
    enfants: list[TreeNode]


class ContratDetail(Envelope):
    contrat: ContratSummary
    themes: list[ConceptElements]
    dispositifs: list[ConceptElements]
    chiffres_cles: list[dict[str, Any]]  # the columns of contrat-chiffres.rq that are bound
    arbre: list[TreeNode]


class Pair(Model):
    a: str
    b: str
    score: float | None
    themes: float | None
    dispositifs: float | None


class Similarity(Model):
    methode: str
    score: float | None
    themes: float | None
    dispositifs: float | None
    paires: list[Pair]


class KindSummary(Model):
    partages: int
    partiels: int
    uniques: dict[str, int]  # per contract id


class SideBySide(Model):
    """A theme or dispositif across the compared contracts."""

    id: str
    iri: str
    label: str | None
    elements: dict[str, list[ConceptElement]]  # per contract id
    presents_dans: list[str]
    absents_de: list[str]
    statut: Literal["partagé", "partiel", "unique"]


class Comparison(Envelope):
    contrats: list[ContratSummary]
    similarite: Similarity
    resume: dict[Literal["themes", "dispositifs"], KindSummary]
    themes: list[SideBySide]
    dispositifs: list[SideBySide]


class MatrixTheme(Model):
    id: str
    label: str
    parent: str | None


class Matrix(Envelope):
    themes: list[MatrixTheme]
    contrats: list[str]
    counts: list[list[int]]


class GenerationEntry(Model):
    type: Literal["theme", "dispositif"]
    id: str
    iri: str
    label: str | None
    statut: Literal["nouveau", "abandonné", "maintenu", "indéterminé"]
    present_2015_2020: bool
    present_2024_2030: bool
    contrats_2015_2020: int
    contrats_2024_2030: int
    contrats_generation_inconnue: int
    dont_inferee_2015_2020: int
    dont_inferee_2024_2030: int


class UnknownGeneration(Model):
    id: str
    iri: str
    titre: str | None
    generation: None
    generation_inferee: str | None
    inferee: bool
    raison_inference: str | None


class Generations(Envelope):
    contrats_par_generation: dict[str, int]
    statuts: dict[str, str]
    themes: list[GenerationEntry]
    dispositifs: list[GenerationEntry]
    contrats_generation_inconnue: list[UnknownGeneration]


class SearchResult(Model):
    rang: int
    score: float
    mots_trouves: int
    contrat: str
    element: str
    iri: str
    classe: str | None
    notation: str | None
    label: str
    ligne_source: int | None
    surligne: str
    positions: list[Any]


class Search(Envelope):
    racines: list[str]
    total: int
    count: int
    millisecondes: float
    resultats: list[SearchResult]

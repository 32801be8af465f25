"""The plain data a resource page is rendered from (no SPARQL, no HTML here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.queries.tree import nest

BREADCRUMB_MAX = 70


@dataclass
class Link:
    href: str
    text: str
    iri: str
    lang: str | None = None  # language of ``text`` when it is not French
    title: str | None = None  # the full text when ``text`` is shortened

    @classmethod
    def make(cls, href: str, text: str, iri: str, lang: str | None = None) -> Link:
        return cls(href, text, iri, lang if lang and lang != "fr" else None)

    def short(self, limit: int = BREADCRUMB_MAX) -> Link:
        """The same link with its text cut at a word boundary (breadcrumbs)."""
        if len(self.text) <= limit:
            return self
        cut = self.text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.–-")
        return Link(self.href, cut + " …", self.iri, self.lang, self.text)


@dataclass
class PropertyRow:
    predicate: Link
    values: list[Value]


@dataclass
class Value:
    link: Link | None = None
    text: str | None = None
    lang: str | None = None
    nested: list[PropertyRow] | None = None


@dataclass
class TreeNode:
    link: Link
    classe: str = ""
    niveau: str = ""
    notation: str = ""
    children: list[TreeNode] = field(default_factory=list)


@dataclass
class Tag:
    """A theme or dispositif on an element, with why it is there."""

    link: Link
    method: str = ""
    words: str = ""
    reason: str = ""

    @classmethod
    def from_row(cls, link: Link, row: dict[str, Any] | None) -> Tag:
        row = row or {}

        def text(key: str) -> str:
            return row[key].value if key in row else ""

        return cls(link, text("methode"), text("motsReconnus"), text("raison"))


@dataclass
class UseItem:
    link: Link
    classe: str = ""
    vias: list[Link] = field(default_factory=list)  # narrower themes that matched, if any
    words: list[str] = field(default_factory=list)  # words of the element that matched


@dataclass
class Use:
    contract: Link
    items: list[UseItem] = field(default_factory=list)


@dataclass
class Figure:
    """One key figure (qb:Observation) of a contract."""

    link: Link
    indicator: Link | None
    zone: Link | None
    year: str
    value: str
    unit: str
    printed: str
    line: str

    @classmethod
    def from_row(cls, row: dict[str, Any], link: Callable[..., Link]) -> Figure:
        def text(key: str) -> str:
            return row[key].value if key in row else ""

        if "valeur" in row:
            value = _number(text("valeur"))
        elif "valeurMin" in row or "valeurMax" in row:
            value = f"{_number(text('valeurMin'))} à {_number(text('valeurMax'))}"
        else:
            value = ""
        indicator = (
            link(text("indicateur"), text("indicateurLabel") or None)
            if "indicateur" in row
            else None
        )
        zone = link(text("zone"), text("zoneLabel") or None) if "zone" in row else None
        return cls(
            link=link(text("observation"), text("libelle") or None),
            indicator=indicator,
            zone=zone,
            year=text("annee"),
            value=value,
            unit=text("uniteLabel"),
            printed=text("libelle"),
            line=text("ligne"),
        )


def _number(text: str) -> str:
    """French display of a decimal: ``8.7`` → ``8,7``, ``31243`` → ``31 243``."""
    if not text:
        return ""
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    out = sign + "\u202f".join(groups)
    frac = frac.rstrip("0")
    return f"{out},{frac}" if frac else out


@dataclass
class Page:
    iri: str
    path: str
    title: str = ""
    title_lang: str | None = None
    types: list[Link] = field(default_factory=list)
    notation: str | None = None
    niveau: str | None = None
    breadcrumbs: list[Link] = field(default_factory=list)
    source: Link | None = None
    source_line: int | None = None
    source_line_href: str | None = None  # /sources/{file}#L{n}: the line in the published text
    themes: list[Tag] = field(default_factory=list)
    dispositifs: list[Tag] = field(default_factory=list)
    removed: list[Tag] = field(default_factory=list)
    tree: list[TreeNode] = field(default_factory=list)
    tree_title: str = ""
    figures: list[Figure] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)
    uses_count: int = 0  # elements shown
    uses_total: int = 0  # contracts in all (uses: a slice of them, uses.py)
    uses_first: int = 1  # rank of the first contract shown
    uses_pages: list[Link] = field(default_factory=list)  # one per slice, when more than one
    uses_current: int = 1
    uses_whole: Link | None = None  # every contract with its elements, from the API
    uses_title: str = "Contrats et éléments qui l'abordent"
    uses_note: str = ""
    concepts: list[TreeNode] = field(default_factory=list)
    properties: list[PropertyRow] = field(default_factory=list)
    incoming: list[PropertyRow] = field(default_factory=list)
    incoming_hidden: list[tuple[Link, int]] = field(default_factory=list)


def build_tree(
    rows: list[dict[str, Any]],
    root: str | None,
    link: Callable[..., Link],
    term_labels: dict[str, str],
) -> list[TreeNode]:
    """Nested nodes under ``root`` (``None``: the top level), siblings by ``rang``.

    ``rows`` carry ``element``, ``label`` and optionally ``parent``, ``classe``,
    ``niveau``, ``notation``, ``rang`` (pyoxigraph terms), as ``contrat-arbre.rq``
    returns them; nested by the one tree builder (``app.queries.tree.nest``).
    """

    def rank(row: dict[str, Any]) -> tuple[int, str]:
        value = row.get("rang")
        try:
            return (int(value.value), row["element"].value) if value is not None else (10**6, "")
        except ValueError:
            return (10**6, row["element"].value)

    def parent(row: dict[str, Any]) -> str | None:
        above = row.get("parent")
        return above.value if above is not None else None

    children = nest(rows, lambda r: r["element"].value, parent, rank)

    def node(row: dict[str, Any], depth: int) -> TreeNode:
        iri = row["element"].value
        notation = row["notation"].value if row.get("notation") is not None else ""
        classe = row.get("classe")
        kids = children.get(iri, []) if depth < 12 else []
        return TreeNode(
            link=link(iri, row["label"].value),
            classe=term_labels.get(classe.value, "") if classe is not None else "",
            niveau=row["niveau"].value if row.get("niveau") is not None else "",
            notation=notation,
            children=[node(k, depth + 1) for k in kids],
        )

    return [node(r, 0) for r in children.get(root, [])]

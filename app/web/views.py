"""What a resource page shows, computed from the graph (templates only lay it out).

One page model for every resource; which sections it fills depends on what the
resource is: a contract gets its strategy tree and key figures, an element the
path up to its contract, its sub-tree and the evidence of its themes and
dispositifs, a theme or a dispositif the contracts and elements that address
it, a thesaurus its concepts. Whatever no section shows is still listed (all
properties, all incoming links), so the page never hides a triple.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from app.web import describe as d
from app.web import uses
from app.web.context import prefixes
from app.web.labels import RDF_NS, SKOS
from app.web.pagemodel import (
    Figure,
    Link,
    Page,
    PropertyRow,
    Tag,
    Value,
    build_tree,
)
from app.web.sparql import Row, Sparql
from app.web.templating import href

CDV = "https://w3id.org/contrats-de-ville/onto#"
RDF_TYPE = RDF_NS + "type"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


@dataclass
class Context:
    """What page building needs besides the description."""

    sparql: Sparql
    base: str
    term_labels: dict[str, str]
    path: str  # this page's path, for the format links
    labels: dict[str, ox.Literal] = field(default_factory=dict)
    uses_page: str | None = None  # a theme's or dispositif's ?page=: which slice (uses.py)
    uses_per_page: int = 50  # and how many contracts a slice holds (CVKG_PAGE_CONTRACTS)

    def bind(self, name: str, **values: list[str]) -> str:
        return d.bind(name, self.base, **values)

    def link(self, iri: str, text: str | None = None) -> Link:
        lang = None
        if text is None:
            label = self.labels.get(iri)
            if label is not None:
                text, lang = label.value, label.language
            else:
                text = self.term_labels.get(iri) or self.curie(iri)
        return Link.make(href(iri, self.base), text, iri, lang)

    def curie(self, iri: str) -> str:
        for name, ns in sorted(prefixes(self.base).items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{name}:{iri[len(ns) :]}"
        return iri

    def value(self, term: Any, nested: list[PropertyRow] | None = None) -> Value:
        if isinstance(term, ox.NamedNode):
            return Value(link=self.link(term.value))
        if isinstance(term, ox.BlankNode):
            return Value(text="(nœud anonyme)", nested=nested)
        text = term.value
        if term.datatype.value == BOOLEAN:
            text = "oui" if text == "true" else "non"
        lang = term.language if term.language and term.language != "fr" else None
        return Value(text=text, lang=lang)


def contract_of(desc: d.Description, base: str) -> str | None:
    """The contract a resource belongs to: ``cdv:contrat``, else its IRI path."""
    found = desc.iri_values(CDV + "contrat")
    if found:
        return found[0]
    prefix = base + "contrat/"
    if desc.iri.startswith(prefix) and "/" in desc.iri[len(prefix) :]:
        return prefix + desc.iri[len(prefix) :].split("/", 1)[0]
    return None


async def build_page(ctx: Context, desc: d.Description) -> Page:
    """The page model of an existing resource."""
    me = ox.NamedNode(desc.iri)
    own = [t for t in desc.outgoing if t.subject == me]
    types = desc.iri_values(RDF_TYPE)
    kinds = _kinds(types, own)
    hidden_in: set[str] = set().union(*(_SHOWN_ABOVE[kind] for kind in kinds))
    wanted = {desc.iri, *types}
    wanted |= {t.object.value for t in desc.outgoing if isinstance(t.object, ox.NamedNode)}
    # Incoming links shown as a count only need no label (a broad theme: 2,000 of them).
    wanted |= {
        t.subject.value
        for t in desc.incoming
        if isinstance(t.subject, ox.NamedNode) and t.predicate.value not in hidden_in
    }
    contract = contract_of(desc, ctx.base)
    if contract:
        wanted.add(contract)
    ctx.labels = await d.labels(ctx.sparql, wanted, ctx.base)

    page = Page(iri=desc.iri, path=ctx.path)
    title = ctx.labels.get(desc.iri)
    page.title = title.value if title is not None else ctx.curie(desc.iri)
    page.title_lang = title.language if title is not None and title.language != "fr" else None
    page.types = [ctx.link(t) for t in types]
    page.notation = _first_literal(desc, SKOS + "notation")
    page.niveau = _first_literal(desc, CDV + "niveauLocal")
    shown = {RDF_TYPE, SKOS + "notation", CDV + "niveauLocal"}

    page.breadcrumbs = [Link.make("/id/", "Index", "")]
    if contract and contract != desc.iri:
        page.breadcrumbs.append(ctx.link(contract))
        shown |= {CDV + "contrat"}
    if "contrat" in kinds:
        await _contract_sections(ctx, page)
    if "element" in kinds:
        await _element_sections(ctx, page, desc, contract)
        shown |= {CDV + "partieDe", CDV + "theme", CDV + "mobilise"}
    if "concept" in kinds:
        await _concept_sections(ctx, page, desc, types)
    if "thesaurus" in kinds:
        page.concepts = await _scheme_concepts(ctx, desc.iri)
    derived = desc.iri_values(PROV_DERIVED)
    # The document is under the data base; the line is an anchor of its published text.
    documents = [iri for iri in derived if iri.startswith(ctx.base)]
    if documents and (contract or "contrat" in kinds):
        page.source = ctx.link(documents[0])
        line = _first_literal(desc, CDV + "ligneSource")
        page.source_line = int(line) if line else None
        anchors = [iri for iri in derived if not iri.startswith(ctx.base)]
        page.source_line_href = href(anchors[0], ctx.base) if anchors else None
        shown |= {PROV_DERIVED, CDV + "ligneSource"}

    page.properties = _properties(ctx, desc, own, shown, title)
    page.incoming, page.incoming_hidden = _incoming(ctx, desc, hidden_in)
    return page


def _kinds(types: list[str], own: list[ox.Triple]) -> set[str]:
    """What the resource is, for the sections of its page (one or more of
    ``_SHOWN_ABOVE``'s keys): decided once, so that the sections and the links
    they show above agree."""
    kinds = set()
    if CDV + "Contrat" in types:
        kinds.add("contrat")
    if CDV + "contrat" in {t.predicate.value for t in own}:  # a strategic element
        kinds.add("element")
    if SKOS + "Concept" in types or CDV + "Dispositif" in types:
        kinds.add("concept")
    if SKOS + "ConceptScheme" in types:
        kinds.add("thesaurus")
    return kinds


# The incoming links each kind of page shows in its own section (the tree of a
# contract, the sub-tree of an element, the uses of a concept, a thesaurus's
# concepts): the « Liens entrants » section only counts them.
_SHOWN_ABOVE = {
    "contrat": {CDV + "contrat"},
    "element": {CDV + "partieDe", CDV + "element"},
    "concept": {CDV + "theme", CDV + "mobilise", CDV + "concept"},
    "thesaurus": {SKOS + "inScheme", SKOS + "topConceptOf"},
}


def _first_literal(desc: d.Description, predicate: str) -> str | None:
    for v in desc.values(predicate):
        if isinstance(v, ox.Literal):
            return v.value
    return None


def _properties(
    ctx: Context, desc: d.Description, own: list[ox.Triple], shown: set[str], title: Any
) -> list[PropertyRow]:
    by_pred: dict[str, list[Value]] = {}
    for t in own:
        p = t.predicate.value
        if p in shown or t.object == title:
            continue
        nested = None
        if isinstance(t.object, ox.BlankNode):
            inner = [x for x in desc.outgoing if x.subject == t.object]
            nested = [
                PropertyRow(ctx.link(x.predicate.value), [ctx.value(x.object)]) for x in inner
            ]
        by_pred.setdefault(p, []).append(ctx.value(t.object, nested))
    rows = [PropertyRow(ctx.link(p), sorted(v, key=_french_first)) for p, v in by_pred.items()]
    return sorted(rows, key=lambda r: r.predicate.text.lower())


def _french_first(value: Value) -> tuple[int, str]:
    """French (and untagged) values before the other languages, then alphabetically."""
    text = value.link.text if value.link else value.text or ""
    return (1 if value.lang else 0, text.lower())


def _incoming(
    ctx: Context, desc: d.Description, hidden: set[str]
) -> tuple[list[PropertyRow], list[tuple[Link, int]]]:
    by_pred: dict[str, list[Value]] = {}
    counts: dict[str, int] = {}
    for t in desc.incoming:
        p = t.predicate.value
        if p in hidden:
            counts[p] = counts.get(p, 0) + 1
            continue
        by_pred.setdefault(p, []).append(ctx.value(t.subject))
    rows = []
    for p, values in by_pred.items():
        values.sort(key=lambda v: (v.link.text if v.link else v.text or "").lower())
        rows.append(PropertyRow(ctx.link(p), values))
    rows.sort(key=lambda r: r.predicate.text.lower())
    return rows, [(ctx.link(p), n) for p, n in sorted(counts.items())]


async def _tree_rows(ctx: Context, contract: str) -> list[Row]:
    return await ctx.sparql.select(ctx.bind("contrat-arbre", contrat=[contract]))


async def _contract_sections(ctx: Context, page: Page) -> None:
    rows = await _tree_rows(ctx, page.iri)
    page.tree = build_tree(rows, None, ctx.link, ctx.term_labels)
    page.tree_title = "Arbre stratégique"
    for row in await ctx.sparql.select(ctx.bind("contrat-chiffres", contrat=[page.iri])):
        page.figures.append(Figure.from_row(row, ctx.link))


async def _element_sections(
    ctx: Context, page: Page, desc: d.Description, contract: str | None
) -> None:
    rows = await ctx.sparql.select(ctx.bind("chemins", element=[desc.iri]))
    for row in rows:  # ordered from the top of the tree down
        page.breadcrumbs.append(ctx.link(row["ancetre"].value, _crumb(row)))
    if contract:
        tree = await _tree_rows(ctx, contract)
        page.tree = build_tree(tree, desc.iri, ctx.link, ctx.term_labels)
        page.tree_title = "Sous-éléments"
    evidence = {}
    for row in await ctx.sparql.select(ctx.bind("ressource-etiquetages", element=[desc.iri])):
        evidence[row["concept"].value] = row
        if row.get("retire") is not None and row["retire"].value == "true":
            page.removed.append(Tag.from_row(ctx.link(row["concept"].value), row))
    for predicate, target in ((CDV + "theme", page.themes), (CDV + "mobilise", page.dispositifs)):
        for concept in desc.iri_values(predicate):
            target.append(Tag.from_row(ctx.link(concept), evidence.get(concept)))
        target.sort(key=lambda t: t.link.text.lower())


def _crumb(row: Row) -> str:
    label = row["label"].value
    code = row.get("notation")
    return f"{code.value} {label}" if code is not None else label


async def _concept_sections(
    ctx: Context, page: Page, desc: d.Description, types: list[str]
) -> None:
    schemes = desc.iri_values(SKOS + "inScheme") or desc.iri_values(SKOS + "topConceptOf")
    for scheme in schemes[:1]:
        page.breadcrumbs = [ctx.link(scheme)]
    for broader in desc.iri_values(SKOS + "broader")[:1]:
        page.breadcrumbs.append(ctx.link(broader))
    if CDV + "Dispositif" in types:
        page.uses_title = "Contrats et éléments qui le mobilisent"
        await uses.fill(ctx, page, desc.iri, "dispositif", ctx.uses_page, ctx.uses_per_page)
    else:
        page.uses_note = " (thèmes plus précis compris)"
        await uses.fill(ctx, page, desc.iri, "theme", ctx.uses_page, ctx.uses_per_page)


async def _scheme_concepts(ctx: Context, scheme: str) -> list[Any]:
    rows = await ctx.sparql.select(ctx.bind("schema-concepts", schema=[scheme]))
    tree_rows = []
    for i, row in enumerate(rows, start=1):
        tree_rows.append(
            {
                "element": row["concept"],
                "parent": row.get("broader"),
                "label": row.get("label") or row["concept"],
                "notation": row.get("notation"),
                "rang": ox.Literal(str(i)),
            }
        )
    return build_tree(tree_rows, None, ctx.link, ctx.term_labels)

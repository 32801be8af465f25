"""What surrounds a contract's tree, as triples: printed passages, elaboration steps, cited texts.

Kept apart from the tree (``contrat_graph``) because it is a different kind of
knowledge, answering researchers' questions about how contracts were made
(``app/queries/contrats-*.rq``) rather than what they aim at.
"""

from __future__ import annotations

import re
from collections import Counter

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from app.curation.model import Contrat, Passage, PassageMentions
from app.rdf.literals import integer
from app.rdf.memory_graph import Triples
from app.rdf.namespaces import CDV, Iris

_PRECISIONS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), XSD.date),
    (re.compile(r"^\d{4}-\d{2}$"), XSD.gYearMonth),
    (re.compile(r"^\d{4}$"), XSD.gYear),
    (re.compile(r"^--\d{2}-\d{2}$"), XSD.gMonthDay),
)


def date_literal(value: str) -> Literal:
    """A date at the precision the source prints it (no invented day, month or year)."""
    datatype = next(dt for pattern, dt in _PRECISIONS if pattern.match(value))
    return Literal(value, datatype=datatype)


def add_passages(
    g: Triples, iris: Iris, owner: URIRef, prop: URIRef, key: str, passages: list[Passage]
) -> None:
    """Verbatim paragraphs of one kind, each its own node, ranked on their line."""
    on_line: Counter[int] = Counter()
    for p in passages:
        on_line[p.ligne] += 1
        add_passage(g, iris, owner, prop, key, p, rank=on_line[p.ligne])


def add_passage(
    g: Triples, iris: Iris, owner: URIRef, prop: URIRef, key: str, p: Passage, rank: int = 1
) -> URIRef:
    """One verbatim paragraph: its own node (text + line), linked from its owner by ``prop``;
    ``rank``: its place among the paragraphs of that kind printed on its line."""
    node = iris.passage(owner, key, p.ligne, rank)
    g.add((owner, prop, node))
    g.add((node, RDF.type, CDV.Passage))
    g.add((node, RDF.value, Literal(p.texte, lang="fr")))
    g.add((node, CDV.ligneSource, integer(p.ligne)))
    if isinstance(p, PassageMentions):
        for m in p.mentions:
            g.add((node, CDV.mentionne, iris.dispositif(m)))
    return node


def add_descriptions(g: Triples, iris: Iris, owner: URIRef, passages: list[Passage]) -> None:
    """Narrative paragraphs: a node each, and the text as ``dcterms:description`` for search."""
    add_passages(g, iris, owner, CDV.passageDescriptif, "description", passages)
    for p in passages:
        g.add((owner, DCTERMS.description, Literal(p.texte, lang="fr")))


def add_context(g: Triples, iris: Iris, contrat: Contrat, source: URIRef) -> None:
    """Subtitle, elaboration steps, cited texts and framework passages of one contract."""
    s = iris.contrat(contrat.id)
    if contrat.source.sous_titre:
        g.add((source, CDV.sousTitre, Literal(contrat.source.sous_titre.texte, lang="fr")))
    add_descriptions(g, iris, s, contrat.description)
    ctx = contrat.contexte
    if ctx is None:
        return
    for ev in ctx.evenements:
        e = iris.evenement(contrat.id, ev.id)
        g.add((s, CDV.evenement, e))
        g.add((e, RDF.type, CDV.EvenementElaboration))
        g.add((e, RDFS.label, Literal(ev.label, lang="fr")))
        g.add((e, CDV.natureEvenement, Literal(ev.nature)))
        g.add((e, CDV.ligneSource, integer(ev.ligne)))
        if ev.partie_de:
            g.add((e, CDV.etapeDe, iris.evenement(contrat.id, ev.partie_de)))
        if ev.date_imprimee:
            g.add((e, CDV.dateImprimee, Literal(ev.date_imprimee, lang="fr")))
        for prop, value in ((CDV.debut, ev.debut), (CDV.fin, ev.fin), (DCTERMS.date, ev.date)):
            if value:
                g.add((e, prop, date_literal(value)))
        if ev.note:
            g.add((e, SKOS.editorialNote, Literal(ev.note, lang="fr")))
    for t in ctx.textes_cites:
        node = iris.texte_cite(contrat.id, t.id)
        g.add((s, CDV.citeTexte, node))
        g.add((node, RDF.type, CDV.TexteCite))
        g.add((node, DCTERMS.title, Literal(t.label, lang="fr")))
        g.add((node, RDFS.label, Literal(t.label, lang="fr")))
        g.add((node, CDV.natureTexte, Literal(t.nature)))
        g.add((node, CDV.ligneSource, integer(t.ligne)))
        for d in t.dates:
            g.add((node, DCTERMS.date, date_literal(d)))
    for key, prop in (
        ("critere_qpv", CDV.critereQPV),
        ("source_carte", CDV.sourceCarte),
        ("evolutions_cadre", CDV.evolutionCadre),
    ):
        add_passages(g, iris, s, prop, key.replace("_", "-"), getattr(ctx, key))

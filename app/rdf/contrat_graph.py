"""One curated contract → its RDF graph (before enrichment).

Only what the curated file says goes in; enrichment (themes, dispositifs named in
labels) is a later stage.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from app.curation.model import ChiffreCle, Contrat, Element
from app.rdf.contexte_graph import add_context, add_descriptions, add_passages
from app.rdf.lazy_memory import graph_like
from app.rdf.literals import french, integer, plain
from app.rdf.memory_graph import Triples, add_triples, lazy_graph
from app.rdf.namespaces import CDV, PREFIXES, QB, Iris
from app.rdf.territoires_officiels import liaison

TERRITOIRE_CLASSES = {"EPCI": CDV.EPCI, "Commune": CDV.Commune, "Quartier": CDV.Quartier}


def _fr(text: str) -> Literal:
    return Literal(text, lang="fr")


def _decimal(value: float) -> Literal:
    return Literal(Decimal(repr(value)).normalize(), datatype=XSD.decimal)


def new_graph(lazy: bool = False) -> Graph:
    """An empty graph with the project's prefixes; ``lazy``: in a store of its own
    whose parts the build never reads are made only if asked for (a contract's graph:
    ``app/rdf/lazy_memory.py``), its prefixes copied from a graph that bound them."""
    if lazy:
        if not _BOUND:
            _BOUND.append(_bound(lazy_graph()))
        copied = graph_like(_BOUND[0])
        if copied is not None:
            return copied
    return _bound(lazy_graph() if lazy else Graph())


_BOUND: list[Graph] = []  # a graph bound to the project's prefixes, never used otherwise


def _bound(g: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


# Read once: each attribute of an rdflib namespace builds (and checks) a new IRI, and
# an element reads a dozen (≈ 1 300 a contract).
_A, _PREF_LABEL, _NOTATION, _EDITORIAL = RDF.type, SKOS.prefLabel, SKOS.notation, SKOS.editorialNote
_CONTRAT, _PARTIE_DE, _RANG, _NIVEAU = CDV.contrat, CDV.partieDe, CDV.rang, CDV.niveauLocal
_LIGNE, _MOBILISE, _APPLIQUE_A, _THEME = CDV.ligneSource, CDV.mobilise, CDV.appliqueA, CDV.theme
_DERIVED, _LIGNE_DOCUMENT, _PART_OF = PROV.wasDerivedFrom, CDV.LigneDocument, DCTERMS.isPartOf
_CLASSES: dict[str, URIRef] = {}  # an element's class by its name (CDV[name], once)


class _Nodes(dict[str, URIRef]):
    """A contract's elements' IRIs by id, each made once: the same object for an element
    wherever the graph names it (as subject, parent, target), so that the dictionary
    lookups of the later stages find it by identity, without rdflib's ``__eq__``."""

    def __init__(self, iris: Iris, contrat: Contrat, node: URIRef) -> None:
        super().__init__()
        self.iris, self.cid = iris, contrat.id
        self.contrat = node  # the contract's own
        self._text = str(iris.source_text(contrat.source.fichier))
        self._lines: dict[int, URIRef] = {}

    def __missing__(self, eid: str) -> URIRef:
        node = self[eid] = self.iris.element(self.cid, eid)
        return node

    def line(self, ligne: int) -> URIRef:
        """``Iris.source_line`` of the contract's source, its text's IRI quoted once."""
        found = self._lines.get(ligne)
        if found is None:
            found = self._lines[ligne] = URIRef(f"{self._text}#L{ligne}")
        return found


def _element(
    g: Triples, iris: Iris, contrat: Contrat, e: Element, source: URIRef, nodes: _Nodes
) -> None:
    s = nodes[e.id]
    classe = _CLASSES.get(e.classe)
    if classe is None:
        classe = _CLASSES[e.classe] = CDV[e.classe]
    g.add((s, _A, classe))
    g.add((s, _CONTRAT, nodes.contrat))
    if e.parent:
        g.add((s, _PARTIE_DE, nodes[e.parent]))
    g.add((s, _PREF_LABEL, _fr(e.label)))
    if e.code:
        g.add((s, _NOTATION, plain(e.code)))
    g.add((s, _RANG, integer(e.rang)))
    if e.niveau:
        g.add((s, _NIVEAU, french(e.niveau)))
    g.add((s, _LIGNE, integer(e.ligne)))
    g.add((s, _DERIVED, source))
    # And from the line itself, an anchor of the published text (docs/linked-data.md).
    line = nodes.line(e.ligne)
    g.add((s, _DERIVED, line))
    g.add((line, _A, _LIGNE_DOCUMENT))
    g.add((line, _PART_OF, source))
    g.add((line, _LIGNE, integer(e.ligne)))
    if e.note:
        g.add((s, _EDITORIAL, _fr(e.note)))
    for d in e.dispositifs:
        g.add((s, _MOBILISE, iris.dispositif(d)))
    for target in e.applique_a:
        g.add((s, _APPLIQUE_A, nodes[target]))
    if e.a_verifier:
        g.add((s, _EDITORIAL, _fr(f"À vérifier : {e.a_verifier}")))
    add_descriptions(g, iris, s, e.description)
    add_passages(g, iris, s, CDV.resultatAttendu, "resultat-attendu", e.resultats_attendus)
    add_passages(g, iris, s, CDV.indicateurSuivi, "indicateur", e.indicateurs)
    for o in e.themes_ajoutes:
        et = iris.etiquetage(contrat.id, e.id, "theme", o.theme)
        _etiquetage_curateur(g, et, s, o.raison)
        g.add((et, CDV.concept, iris.theme(o.theme)))
        g.add((s, _THEME, iris.theme(o.theme)))
    for o in e.themes_retires:
        et = iris.etiquetage(contrat.id, e.id, "theme-retire", o.theme)
        _etiquetage_curateur(g, et, s, o.raison)
        g.add((et, CDV.etiquetageRetire, iris.theme(o.theme)))


def _etiquetage_curateur(g: Triples, et: URIRef, element: URIRef, raison: str) -> None:
    """A curator's theme override, with its reason (the rules' links carry their words)."""
    g.add((et, _A, CDV.Etiquetage))
    g.add((et, CDV.element, element))
    g.add((et, CDV.methode, Literal("curateur")))
    g.add((et, CDV.raison, _fr(raison)))


def _observation(g: Triples, iris: Iris, contrat: Contrat, c: ChiffreCle, dataset: URIRef) -> None:
    o = iris.observation(contrat.id, c.id)
    g.add((o, _A, QB.Observation))
    g.add((o, QB.dataSet, dataset))
    g.add((o, CDV.indicateur, iris.indicateur(c.indicateur)))
    zone = iris.qpv_du_contrat(contrat.id) if c.zone == "qpv" else iris.territoire(c.zone)
    g.add((o, CDV.zone, zone))
    if c.annee is not None:
        g.add((o, CDV.annee, integer(c.annee)))
    for prop, value in (
        (CDV.valeur, c.valeur),
        (CDV.valeurMin, c.valeur_min),
        (CDV.valeurMax, c.valeur_max),
    ):
        if value is not None:
            g.add((o, prop, _decimal(value)))
    g.add((o, CDV.unite, iris.unite(c.unite)))
    g.add((o, CDV.libelleImprime, _fr(c.libelle)))
    g.add((o, RDFS.label, _fr(c.libelle)))
    if c.source_stat:
        g.add((o, CDV.sourceStatistique, Literal(c.source_stat)))
    g.add((o, _LIGNE, integer(c.ligne)))
    if c.note:
        g.add((o, _EDITORIAL, _fr(c.note)))
    if c.evenement:
        g.add((o, CDV.porteSurEvenement, iris.evenement(contrat.id, c.evenement)))


def contrat_graph(contrat: Contrat, iris: Iris) -> Graph:
    """The contract, its territories, source, tree and key figures as triples.

    Made as a list, then added to the graph at once (``app/rdf/memory_graph.py``).
    """
    g = Triples()
    cid = contrat.id
    s = iris.contrat(cid)
    source = iris.source(contrat.source.fichier)
    g.add((s, _A, CDV.Contrat))
    g.add((s, DCTERMS.identifier, Literal(cid)))
    if contrat.titre:
        g.add((s, DCTERMS.title, _fr(contrat.titre)))
        g.add((s, RDFS.label, _fr(contrat.titre)))
    if contrat.generation:
        g.add((s, CDV.generation, iris.generation(contrat.generation)))
    if contrat.generation_inferee:
        g.add((s, CDV.generationInferee, iris.generation(contrat.generation_inferee.valeur)))
        g.add((s, CDV.raisonInference, _fr(contrat.generation_inferee.raison)))
    if contrat.note:
        g.add((s, _EDITORIAL, _fr(contrat.note)))
    g.add((s, _DERIVED, source))

    g.add((source, _A, CDV.DocumentSource))
    g.add((source, DCTERMS.identifier, Literal(contrat.source.fichier)))
    g.add((source, FOAF.page, iris.source_text(contrat.source.fichier)))
    if contrat.source.titre:
        g.add((source, DCTERMS.title, _fr(contrat.source.titre)))
    if contrat.source.date:
        g.add((source, DCTERMS.date, Literal(contrat.source.date, datatype=XSD.date)))

    for t in contrat.territoires:
        ts = iris.territoire(t.id)
        g.add((s, CDV.territoire, ts))
        g.add((ts, _A, TERRITOIRE_CLASSES[t.type]))
        g.add((ts, _PREF_LABEL, _fr(t.label)))
        g.add((ts, RDFS.label, _fr(t.label)))
        if t.partie_de:
            g.add((ts, CDV.partieDeTerritoire, iris.territoire(t.partie_de)))
        if t.insee:
            g.add((ts, SKOS.exactMatch, URIRef(t.insee)))
        link = liaison(t.type, t.label)
        if link.code:
            g.add((ts, CDV.codeOfficiel, Literal(link.code)))
        if link.raison:
            g.add((ts, CDV.raisonNonRelie, _fr(link.raison)))

    nodes = _Nodes(iris, contrat, s)
    for e in contrat.elements:
        _element(g, iris, contrat, e, source, nodes)
    add_context(g, iris, contrat, source)

    if contrat.chiffres_cles:
        dataset = iris.chiffres(cid)
        g.add((s, CDV.chiffresCles, dataset))
        g.add((dataset, _A, QB.DataSet))
        g.add((dataset, QB.structure, CDV.dsdChiffresCles))
        g.add((dataset, RDFS.label, Literal(f"Chiffres clés — {cid}", lang="fr")))
        g.add((dataset, _DERIVED, source))
        if any(c.zone == "qpv" for c in contrat.chiffres_cles):
            q = iris.qpv_du_contrat(cid)
            g.add((q, _A, CDV.EnsembleQuartiers))
            g.add((q, RDFS.label, Literal(f"Quartiers prioritaires du contrat {cid}", lang="fr")))
            g.add((q, CDV.nonImprime, Literal(True)))
            g.add(
                (
                    q,
                    _EDITORIAL,
                    _fr("Libellé généré par le projet, non imprimé dans la source."),
                )
            )
            g.add((s, CDV.territoire, q))
        for c in contrat.chiffres_cles:
            _observation(g, iris, contrat, c, dataset)
    graph = new_graph(lazy=True)
    add_triples(graph, g)
    return graph

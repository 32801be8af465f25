"""The project's shapes applied to an admin write, before it is recorded.

A write that uses the project's terms (a ``cdv:`` class or property) or says
something about one of its resources (``{base}…``) is validated with the same
shapes as the build. The validator sees the written triples plus, for each resource
of ours they mention, its whole description as served and the classes of what
it points to (``ecriture-voisinage.rq``): enough for the shapes of an element
to find its contract, its parent and its label, without validating the whole
dataset on every write. A write that uses none of them (a research team's own
vocabulary about its own resources) is not the shapes' business.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from app import queries
from app.config import ONTOLOGY_NS, Settings
from app.server.annotation_graphs import refusal


@dataclass
class ShapeCheck:
    """The shapes, and how much one write may make them read.

    ``max_triples``: triples in the graphs a write changes (they are all
    validated); ``max_resources``: resources of the dataset it cites, each
    read with its description. A write past either is refused whole
    (``writes.too_many_triples``, :meth:`too_many_resources`), never checked
    in part: a check that read only some descriptions would let the others'
    violations through.
    """

    shapes_dir: Path
    ontology_dir: Path
    base: str
    max_triples: int  # CVKG_MAX_WRITE_TRIPLES
    max_resources: int  # CVKG_MAX_WRITE_RESOURCES
    _loaded: tuple[Graph, Graph] | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    @classmethod
    def of(cls, settings: Settings) -> ShapeCheck:
        """The check of the writes a server or ``cvkg publish`` configured by ``settings`` takes."""
        return cls(
            settings.shapes_dir,
            settings.ontology_dir,
            settings.base_iri,
            settings.max_write_triples,
            settings.max_write_resources,
        )

    def _graphs(self) -> tuple[Graph, Graph]:
        with self._lock:
            if self._loaded is None:
                from app.validation import load_shapes  # the validator: loaded on first write only
                from app.vocabularies import ontology_graph

                self._loaded = (load_shapes(self.shapes_dir), ontology_graph(self.ontology_dir))
            return self._loaded

    def concerns(self, quads: list[ox.Quad]) -> bool:
        """Whether the written quads use the project's terms or resources."""
        for q in quads:
            for term in (q.subject, q.predicate, q.object):
                if isinstance(term, ox.NamedNode) and term.value.startswith(
                    (ONTOLOGY_NS, self.base)
                ):
                    return True
        return False

    def too_many_resources(self, quads: list[ox.Quad]) -> str | None:
        """Why a write of ``quads`` (the new content of the graphs it changes) cites
        more resources than its check reads, or ``None``. (Its triples were counted
        before they were read: ``writes.too_many_triples``.)"""
        mentioned = self._mentioned(quads)
        if len(mentioned) <= self.max_resources:
            return None
        return (
            f"Écriture trop grande : elle cite {len(mentioned)} ressources du jeu de données, "
            f"plus que les {self.max_resources} dont la validation lit la description "
            "(CVKG_MAX_WRITE_RESOURCES). Rien n'a été écrit. Répartissez-la en plusieurs "
            f"graphes <{self.base}graph/annotations/NOM>, écrits l'un après l'autre."
        )

    def triples_refusal(self) -> str:
        return (
            "Écriture trop grande : les graphes qu'elle écrit contiendraient plus de "
            f"{self.max_triples} triplets, tous validés à chaque écriture "
            "(CVKG_MAX_WRITE_TRIPLES). Rien n'a été écrit. Répartissez les triplets en "
            f"plusieurs graphes <{self.base}graph/annotations/NOM>."
        )

    def _mentioned(self, quads: list[ox.Quad]) -> list[str]:
        """The resources of the dataset the quads cite (subject or object), by IRI."""
        return sorted(
            {
                t.value
                for q in quads
                for t in (q.subject, q.object)
                if isinstance(t, ox.NamedNode) and queries.is_data_iri(t.value, self.base)
            }
        )

    def repeated(self, select: Callable[[str], Any], quads: list[ox.Quad]) -> str | None:
        """Why ``quads`` may not be written when they repeat triples of the curated
        graphs, or ``None``; ``select`` runs a SELECT on the served data.

        The union of the graphs that queries read keeps each copy of a triple
        (pyoxigraph, Oxigraph's server): a copy of a contract's graph in an
        annotation graph made every count over the union count its elements
        twice, and each join over them double (the « Santé » page: 6 s, not
        0.5 s). Checked for the triples whose subject is a resource of ours.
        """
        subjects = {
            q.subject.value
            for q in quads
            if isinstance(q.subject, ox.NamedNode)
            and queries.is_data_iri(q.subject.value, self.base)
        }
        if not subjects:
            return None
        text = queries.load("ecriture-doublons").bind({"n": sorted(subjects)}, base=self.base)
        held: dict[tuple[Any, Any, Any], str] = {}
        for row in select(text):
            graph = row["g"].value
            if refusal(graph, self.base) is not None:  # a curated graph
                held[(row["n"], row["p"], row["o"])] = graph
        triples = ((q, (q.subject, q.predicate, q.object)) for q in quads)
        copies = [(q, held[key]) for q, key in triples if key in held]
        if not copies:
            return None
        first, graph = copies[0]
        return (
            f"Écriture refusée : {len(copies)} de ses triplets sont déjà dans les graphes "
            f"construits (le premier : {first.subject} {first.predicate} {first.object}, "
            f"dans <{graph}>). Répétés, ils compteraient deux fois dans toute requête sur "
            "l'union des graphes. N'écrivez que ce que le graphe ajoute."
        )

    def context(self, store: ox.Store, quads: list[ox.Quad]) -> list[str]:
        """What the check of ``quads`` reads from the store besides them, as N-Triples."""
        text = self.context_query(quads)
        if text is None:
            return []
        found = ox.serialize(store.query(text), format=ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
        return (found or b"").decode("utf-8").splitlines()

    def context_query(self, quads: list[ox.Quad]) -> str | None:
        """The CONSTRUCT reading that context (``ecriture-voisinage.rq``); ``None``: none.

        Every cited resource is read: callers refuse first what :meth:`too_many_resources` refuses.
        """
        if not quads or not self.concerns(quads):
            return None
        mentioned = self._mentioned(quads)
        if len(mentioned) > self.max_resources:
            raise ValueError("écriture trop grande pour être validée : too_many_resources d'abord")
        if not mentioned:
            return None
        return queries.load("ecriture-voisinage").bind({"n": mentioned}, base=self.base)

    def violations(self, quads: list[ox.Quad], context: list[str]) -> tuple[str, bytes] | None:
        """``None`` when the written lines break no shape; else a summary and the report.

        The context is only a neighbourhood of the dataset, so shapes that look
        further (a contract's elements, a parent's parent) may fail on it with or
        without the write: only the violations the write adds are its own.
        """
        if not quads or not self.concerns(quads):
            return None
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        written = set(text.splitlines())
        after = _report(self, text.splitlines() + context)
        before = _report(self, [line for line in context if line not in written])
        added = set(_results(after)) - set(_results(before))
        if not added:
            return None
        report = _only(after, [r for key, r in _results(after).items() if key in added])
        return summary(report), report.serialize(format="turtle", encoding="utf-8")


def _report(check: ShapeCheck, lines: list[str]) -> Graph:
    from app.validation import shacl_report

    data = Graph()
    data.parse(data="\n".join(lines), format="nt")
    shapes, ontology = check._graphs()
    _conforms, report = shacl_report(data, shapes, ontology)
    return report


def _results(report: Graph) -> dict[tuple[str, ...], Node]:
    """Each validation result by what it says: focus, path, shape, value."""
    out: dict[tuple[str, ...], Node] = {}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        key = tuple(
            str(report.value(result, p))
            for p in (SH.focusNode, SH.resultPath, SH.sourceShape, SH.value)
        )
        out[key] = result
    return out


def _only(report: Graph, results: list[Node]) -> Graph:
    """A validation report holding ``results`` only (with their blank-node details)."""
    out = Graph(namespace_manager=report.namespace_manager)
    node = BNode()
    out.add((node, RDF.type, SH.ValidationReport))
    out.add((node, SH.conforms, Literal(False)))
    pending = list(results)
    for result in results:
        out.add((node, SH.result, result))
    seen: set[Node] = set()
    while pending:
        subject = pending.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for _s, p, o in report.triples((subject, None, None)):
            out.add((subject, p, o))
            if isinstance(o, BNode):
                pending.append(o)
    return out


def quads_of(nquads: list[str]) -> list[ox.Quad]:
    """N-Quads lines, parsed (once a write: every check takes them parsed)."""
    return list(ox.parse("\n".join(nquads).encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def summary(report: Graph) -> str:
    """One line per violation: focus node, property, message."""
    query = queries.load("rapport-shacl").text
    lines = []
    for row in report.query(query):
        focus, path, message, value = (str(x) if x is not None else "" for x in row)  # type: ignore[union-attr]
        where = f" [{path}]" if path else ""
        shown = f" (valeur : {value})" if value and len(value) < 80 else ""
        lines.append(f"<{focus}>{where} : {message}{shown}")
    return "Écriture refusée par les formes SHACL du projet :\n" + "\n".join(sorted(set(lines)))

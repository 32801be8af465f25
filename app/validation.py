"""SHACL validation of contract graphs, with results traced back to the curated file.

A violation is only useful to a curator if it says which file, which YAML line and
which source line to look at, and which shape it breaks, so results are mapped
from focus-node IRIs back to the curated elements.

This module is the one place that chooses the validator (``CVKG_SHACL_ENGINE``):
the compiled engine (``app/shacl``, pySHACL's results, ≈ 20× faster) by
default, pySHACL itself as the reference. The build, ``cvkg validate``, the
generation facts and admin writes all validate through :func:`shacl_report`.

With the compiled engine each contract is validated alone (the vocabularies
and ontology are indexed once per process, so a call costs little more than
the contract). With pySHACL, whose cost per call (cloning the data graph,
mixing in the ontology, validating the vocabularies' own concepts again) was
half of a contract's validation, contracts are validated in batches
(:func:`batch_violations`): a batch's data graph is the union of its
contracts' graphs with the vocabularies, and a batch only groups contracts
that validate in the union exactly as they would alone (:func:`disjoint_batches`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from app import shacl
from app.config import get_settings
from app.curation.model import Contrat
from app.rdf.namespaces import Iris


@dataclass(frozen=True)
class Violation:
    path: Path | None
    yaml_line: int | None
    source_line: int | None
    focus: str
    message: str
    severity: str

    def __str__(self) -> str:
        where = (
            f"{self.path}:{self.yaml_line}"
            if self.path and self.yaml_line
            else str(self.path or "")
        )
        src = f" (source ligne {self.source_line})" if self.source_line else ""
        return f"{where}: {self.severity} sur <{self.focus}>{src} : {self.message}"


def load_shapes(shapes_dir: Path) -> Graph:
    shapes = Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def engine_name() -> str:
    return get_settings().shacl_engine


def shacl_report(
    data: Graph | Sequence[Graph],
    shapes: Graph,
    ont: Graph | None = None,
    inplace: bool = False,
    shared: Sequence[Graph] = (),
) -> tuple[bool, Graph]:
    """(conforms, report) of the project's SHACL validation of ``data`` (a graph, or
    several read as their union) with ``shared`` (more data graphs, the same
    unchanging objects at every call: the vocabularies), the ontology mixed in.

    ``inplace`` (pySHACL only): ``data`` is a throw-away graph, the ontology is
    mixed into it rather than into a copy."""
    if engine_name() == "compiled":
        return shacl.validate(data, shapes, ont, shared)
    if not isinstance(data, Graph) or shared:
        union = Graph()
        for graph in [*([data] if isinstance(data, Graph) else data), *shared]:
            union += graph
        data, inplace = union, True
    conforms, report, _ = validate(
        data,
        shacl_graph=shapes,
        ont_graph=ont,
        inference="none",
        advanced=True,
        allow_warnings=False,
        inplace=inplace,
    )
    return bool(conforms), report  # type: ignore[return-value]


def _locate(
    contrat: Contrat | None, iris: Iris, focus: str
) -> tuple[Path | None, int | None, int | None]:
    if contrat is None:
        return None, None, None
    for e in contrat.elements:
        if focus == str(iris.element(contrat.id, e.id)) or focus.startswith(
            str(iris.element(contrat.id, e.id)) + "/"
        ):
            return contrat.path, e.yaml_line, e.ligne
    for c in contrat.chiffres_cles:
        if focus == str(iris.observation(contrat.id, c.id)):
            return contrat.path, c.yaml_line, c.ligne
    return contrat.path, 1, None


def _shape_name(shapes: Graph, shape: Node | None) -> str:
    """The named shape a result comes from (a property shape is a blank node of its node shape)."""
    seen = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        shape = next(shapes.subjects(None, shape), None)
    return "" if shape is None or isinstance(shape, BNode) else shape.n3(shapes.namespace_manager)


def violations(
    report: Graph,
    contrat: Contrat | None,
    iris: Iris,
    owner: dict[str, Contrat] | None = None,
    shapes: Graph | None = None,
) -> list[Violation]:
    """Readable violations, sorted by file and line.

    ``owner``: the contract of each node, when the report covers several contracts
    (a focus node no contract owns is reported with ``contrat``); ``shapes``: the
    shapes validated, to name the shape each violation breaks."""
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = str(report.value(result, SH.focusNode))
        messages = [str(m) for m in report.objects(result, SH.resultMessage)]
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        message = "; ".join(sorted(messages)) or "contrainte non respectée"
        if path is not None:
            message += f" [propriété {path.n3(report.namespace_manager)}]"  # type: ignore[union-attr]
        if value is not None and len(str(value)) < 120:
            message += f" [valeur {value}]"
        severity = report.value(result, SH.resultSeverity)
        sev = (
            "violation"
            if severity in (None, SH.Violation)
            else str(severity).rsplit("#", 1)[-1].lower()
        )
        shape = _shape_name(shapes, report.value(result, SH.sourceShape)) if shapes else ""
        if shape:
            message += f" [forme {shape}]"
        of = owner.get(focus, contrat) if owner is not None else contrat
        f_path, yaml_line, source_line = _locate(of, iris, focus)
        found.append(Violation(f_path, yaml_line, source_line, focus, message, sev))
    return sorted(found, key=lambda v: (str(v.path or ""), v.yaml_line or 0, v.focus, v.message))


def _nodes(graphs: Sequence[Graph]) -> tuple[set[Node], set[Node]]:
    subjects: set[Node] = set()
    objects: set[Node] = set()
    for graph in graphs:
        subjects.update(graph.subjects(unique=True))
        objects.update(o for o in graph.objects(unique=True) if not isinstance(o, Literal))
    return subjects, subjects | objects


def disjoint_batches(
    graphs: Sequence[Sequence[Graph]], common: set[Node], size: int
) -> list[list[int]]:
    """Indices of ``graphs`` (each contract's) grouped so that each validates in its group's union
    (with the vocabularies and ontology, whose nodes are ``common``) exactly as alone
    with them.

    A shape reads, from a focus node, the triples of the nodes it reaches. In a
    union those are the same as in the graph alone when no graph of the group
    describes (has as subject) a node another one mentions, and none describes a
    ``common`` node (the vocabularies' and ontology's, everybody reads them): such a
    graph is put in a group of its own, and a graph colliding with every open
    group starts a new one. (Shapes reading edges *into* a vocabulary concept,
    from every contract that uses it, would see more in a union: the project's
    shapes have none.)
    """
    groups: list[_Group] = []
    for index, graph in enumerate(graphs):
        subjects, nodes = _nodes(graph)
        if subjects & common:
            groups.append(_Group([index], closed=True))
            continue
        nodes -= common
        group = next((g for g in groups if g.admits(subjects, nodes, size)), None)
        if group is None:
            groups.append(group := _Group([]))
        group.add(index, subjects, nodes)
    return [g.members for g in groups]


@dataclass
class _Group:
    members: list[int]
    closed: bool = False
    described: set[Node] = field(default_factory=set)
    mentioned: set[Node] = field(default_factory=set)

    def admits(self, subjects: set[Node], nodes: set[Node], size: int) -> bool:
        if self.closed or len(self.members) >= size:
            return False
        return not (subjects & self.mentioned or nodes & self.described)

    def add(self, index: int, subjects: set[Node], nodes: set[Node]) -> None:
        self.members.append(index)
        self.described |= subjects
        self.mentioned |= nodes


def batch_violations(
    checked: Iterable[tuple[Contrat, Sequence[Graph]]],
    shared: Graph,
    shapes: Graph,
    ont: Graph | None,
    iris: Iris,
    size: int = 25,
) -> dict[str, list[Violation]]:
    """Each contract's violations (contract id → list), validated in exact batches.

    A violation on a node of ``shared`` alone (a vocabulary) is listed under "".
    """
    items = list(checked)
    if engine_name() == "compiled":
        return _each_alone(items, shared, shapes, ont, iris)
    common = set(shared.subjects(unique=True))
    common |= set(ont.subjects(unique=True)) if ont is not None else set()
    found: dict[str, list[Violation]] = {}
    for group in disjoint_batches([g for _, g in items], common, size):
        data = Graph()
        owner: dict[str, Contrat] = {}
        for i in group:
            contrat, graphs = items[i]
            for graph in graphs:
                data += graph
                owner.update((str(s), contrat) for s in graph.subjects(unique=True))
        data += shared
        conforms, report = shacl_report(data, shapes, ont, inplace=True)
        if conforms:
            continue
        for v in violations(report, None, iris, owner, shapes):
            key = owner[v.focus].id if v.focus in owner else ""
            found.setdefault(key, [])
            if v not in found[key]:  # a vocabulary's own violation, once
                found[key].append(v)
    return found


def _each_alone(
    items: list[tuple[Contrat, Sequence[Graph]]],
    shared: Graph,
    shapes: Graph,
    ont: Graph | None,
    iris: Iris,
) -> dict[str, list[Violation]]:
    """:func:`batch_violations` with a validator whose cost per call is small: each
    contract alone, as the shapes mean it (no batch, nothing to prove about unions)."""
    found: dict[str, list[Violation]] = {}
    for contrat, graphs in items:
        report = shacl.failures(list(graphs), shapes, ont, shared=[shared])
        if report is None:
            continue
        owner = {str(s): contrat for graph in graphs for s in graph.subjects(unique=True)}
        for v in violations(report, None, iris, owner, shapes):
            key = contrat.id if v.focus in owner else ""
            found.setdefault(key, [])
            if v not in found[key]:  # a vocabulary's own violation, once
                found[key].append(v)
    return found

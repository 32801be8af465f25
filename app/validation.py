"""SHACL validation of contract graphs, with results traced back to the curated file.

A violation is only useful to a curator if it says which file, which YAML line and
which source line to look at, so results are mapped from focus-node IRIs back to
the curated elements.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import RDF, SH

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


def shacl_report(data: Graph, shapes: Graph, ont: Graph | None = None) -> tuple[bool, Graph]:
    conforms, report, _ = validate(
        data,
        shacl_graph=shapes,
        ont_graph=ont,
        inference="none",
        advanced=True,
        allow_warnings=False,
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


def violations(report: Graph, contrat: Contrat | None, iris: Iris) -> list[Violation]:
    """Readable violations, sorted by file line."""
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
        f_path, yaml_line, source_line = _locate(contrat, iris, focus)
        found.append(Violation(f_path, yaml_line, source_line, focus, message, sev))
    return sorted(found, key=lambda v: (v.yaml_line or 0, v.focus, v.message))

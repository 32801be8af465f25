"""The build: curated files → RDF → SHACL validation → enrichment → dumps.

Each stage is its own module; this one only chains them and decides when the output
is stale. The output directory is replaced atomically, so a failed build never
leaves a half-written dataset behind.
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from app import __version__
from app.config import Settings
from app.curation.collection import load_contracts
from app.curation.model import Contrat
from app.dumps import (
    BUILD_INFO,
    DUMP_NQ,
    ONTOLOGY_COPY,
    atomic_directory,
    write_dataset,
    write_graph_files,
    write_json,
)
from app.enrichment.pipeline import enrich
from app.enrichment.themes import check_theme_overrides
from app.rdf.contrat_graph import contrat_graph
from app.rdf.namespaces import Iris
from app.validation import load_shapes, shacl_report, violations
from app.version import build_fingerprint
from app.vocabularies import ONTOLOGY_FILE, ontology_graph, ontology_iri, vocabulary_graphs


class BuildError(Exception):
    """The build stopped; the message lists every problem with file and line."""


@dataclass
class BuildReport:
    output: Path
    contrats: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"{self.output}: {len(self.contrats)} contrats, {self.triples} triplets "
            f"({self.seconds:.1f} s)"
        ]
        lines += [f"  {cid}: {n} éléments" for cid, n in sorted(self.contrats.items())]
        return "\n".join(lines)


class _Progress:
    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled = enabled and total > 0
        self.total = total
        self.done = 0

    def step(self, label: str) -> None:
        self.done += 1
        if self.enabled:
            print(f"[{self.done}/{self.total}] {label}", file=sys.stderr, flush=True)


def contract_files(settings: Settings) -> list[Path]:
    return sorted(settings.data_dir.glob("*.yaml"))


def input_fingerprint(settings: Settings) -> str:
    """The data version of a build of ``settings`` (inputs, sources and build code)."""
    return build_fingerprint(settings)


def _shacl_problems(
    graphs: dict[str, Graph], contrats: list[Contrat], iris: Iris, settings: Settings, vocab: Graph
) -> list[str]:
    shapes = load_shapes(settings.shapes_dir)
    ont = ontology_graph(settings.ontology_dir)
    problems: list[str] = []
    for contrat in contrats:
        # pySHACL takes only the ontology's axioms from ont_graph, not the vocabularies'
        # instances (themes, dispositifs): they go in the data graph, so links to them
        # are checked against the real concepts.
        conforms, report = shacl_report(graphs[contrat.id] + vocab, shapes, ont)
        if not conforms:
            problems.extend(str(v) for v in violations(report, contrat, iris))
    return problems


def _merged(vocabularies: dict[str, Graph]) -> Graph:
    vocab = Graph()
    for g in vocabularies.values():
        vocab += g
    return vocab


def validate_files(paths: list[Path], settings: Settings, draft: bool = False) -> list[str]:
    """Problems found in these files (empty when valid); nothing is written.

    ``draft``: accept the importer's « a_verifier » flags (the build never does).
    """
    iris = Iris(settings.base_iri)
    contrats, errors = load_contracts(
        paths, settings.sources_dir, others=contract_files(settings), draft=draft
    )
    problems = [str(e) for e in errors]
    vocabularies = vocabulary_graphs(settings.ontology_dir, iris)
    problems += [str(e) for e in check_theme_overrides(contrats, vocabularies.get("themes"), iris)]
    graphs = {c.id: contrat_graph(c, iris) for c in contrats}
    return problems + _shacl_problems(graphs, contrats, iris, settings, _merged(vocabularies))


def build(settings: Settings, progress: bool = True) -> BuildReport:
    start = time.perf_counter()
    iris = Iris(settings.base_iri)
    paths = contract_files(settings)
    if not paths:
        raise BuildError(f"aucun fichier de contrat dans {settings.data_dir}")
    bar = _Progress(progress, total=len(paths) + 4)
    contrats, errors = load_contracts(paths, settings.sources_dir)
    if errors:
        raise BuildError("\n" + "\n".join(str(e) for e in errors))
    bar.step("fichiers de contrat lus")
    vocabularies = vocabulary_graphs(settings.ontology_dir, iris)
    unknown = check_theme_overrides(contrats, vocabularies.get("themes"), iris)
    if unknown:
        raise BuildError("\n" + "\n".join(str(e) for e in unknown))
    vocab = _merged(vocabularies)
    graphs = {c.id: contrat_graph(c, iris) for c in contrats}
    problems = _shacl_problems(graphs, contrats, iris, settings, vocab)
    if problems:
        raise BuildError("validation SHACL :\n" + "\n".join(problems))
    bar.step("validation SHACL")
    for g in graphs.values():
        enrich(g, vocabularies, iris)
    # The enriched graphs are checked again: the tagging shapes (evidence, curator
    # reasons) only have something to check once enrichment has run.
    problems = _shacl_problems(graphs, contrats, iris, settings, vocab)
    if problems:
        raise BuildError("validation SHACL après enrichissement :\n" + "\n".join(problems))
    bar.step("enrichissement validé")
    report = BuildReport(output=settings.build_dir)
    named: list[tuple[str, Graph]] = [(str(ontology_iri()), ontology_graph(settings.ontology_dir))]
    named += [
        (str(iris.graph(f"vocabulaire/{name}")), g) for name, g in sorted(vocabularies.items())
    ]
    with atomic_directory(settings.build_dir) as out:
        (out / "contrats").mkdir()
        shutil.copyfile(settings.ontology_dir / ONTOLOGY_FILE, out / ONTOLOGY_COPY)
        for contrat in contrats:
            g = graphs[contrat.id]
            write_graph_files(out / "contrats", contrat.id, g)
            named.append((str(iris.graph(f"contrat/{contrat.id}")), g))
            report.contrats[contrat.id] = len(contrat.elements)
            bar.step(f"contrat {contrat.id}")
        statistics = write_dataset(out, named)
        report.triples = sum(len(g) for _, g in named)
        write_json(
            out / BUILD_INFO,
            {
                "version": __version__,
                "fingerprint": input_fingerprint(settings),
                "base_iri": settings.base_iri,
                "contrats": report.contrats,
                "triples": report.triples,
                # The sizes of the VoID description (/.well-known/void), counted on
                # the dump once here rather than in SPARQL by the server.
                "void": statistics,
            },
        )
        bar.step("jeux de données écrits")
    report.seconds = time.perf_counter() - start
    return report


def is_stale(settings: Settings) -> bool:
    import json

    info = settings.build_dir / BUILD_INFO
    if not all((settings.build_dir / name).is_file() for name in (DUMP_NQ, ONTOLOGY_COPY)):
        return True
    if not info.is_file():
        return True
    try:
        recorded = json.loads(info.read_text(encoding="utf-8"))
    except ValueError:
        return True
    if not isinstance(recorded, dict) or "void" not in recorded:
        return True  # written by a build that did not count the VoID sizes yet
    return recorded.get("fingerprint") != input_fingerprint(settings)


def ensure_build(settings: Settings, progress: bool = True) -> Path:
    """The N-Quads dump, rebuilt first if missing or older than its inputs."""
    if is_stale(settings):
        build(settings, progress=progress)
    return settings.build_dir / DUMP_NQ

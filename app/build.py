"""The build: curated files → RDF → SHACL validation → enrichment → dumps.

Each stage is its own module; this one only chains them and decides when the output
is stale. The output directory is replaced atomically, so a failed build never
leaves a half-written dataset behind.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from app import __version__
from app.build_cache import FACTS_NT, GRAPH_NT, ContractCache, Entry, common_key, contract_key
from app.config import Settings
from app.curation.collection import load_contracts
from app.curation.errors import CurationError
from app.curation.model import Contrat
from app.dumps import (
    BUILD_INFO,
    DUMP_NQ,
    ONTOLOGY_COPY,
    atomic_directory,
    quad_lines,
    sorted_ntriples,
    write_context,
    write_dataset,
    write_graph_files,
    write_json,
)
from app.enrichment.pipeline import enrich
from app.enrichment.themes import check_theme_overrides
from app.rdf.context import context
from app.rdf.contrat_graph import contrat_graph
from app.rdf.namespaces import Iris
from app.synthese import (
    SYNTHESE_GRAPH,
    contract_facts,
    folded_themes,
    generation_facts,
    saisie_from_graph,
    thesaurus_ancestors,
    to_graph,
)
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


def _clashes(contrats: list[Contrat], cached: dict[Path, Entry]) -> list[str]:
    """A contract id or source document used both by a file read now and by a cached one."""
    problems = []
    for kind, key in (("identifiant de contrat", "id"), ("document source", "source")):
        taken = {str(e.meta[key]): str(path) for path, e in cached.items()}
        for c in contrats:
            value, line = (c.id, c.id_line) if key == "id" else (c.source.fichier, c.source_line)
            if value in taken and taken[value] != str(c.path):
                error = CurationError(
                    c.path, line, f"{kind} « {value} » déjà utilisé par {taken[value]}"
                )
                problems.append(str(error))
    return problems


def _derive(
    contrats: list[Contrat], settings: Settings, iris: Iris, vocabularies: dict[str, Graph]
) -> dict[str, tuple[Graph, Graph, dict[str, object]]]:
    """Each contract's enriched graph, precomputed facts and figures; raises on any problem."""
    unknown = check_theme_overrides(contrats, vocabularies.get("themes"), iris)
    if unknown:
        raise BuildError("\n" + "\n".join(str(e) for e in unknown))
    vocab = _merged(vocabularies)
    graphs = {c.id: contrat_graph(c, iris) for c in contrats}
    problems = _shacl_problems(graphs, contrats, iris, settings, vocab)
    if problems:
        raise BuildError("validation SHACL :\n" + "\n".join(problems))
    up = thesaurus_ancestors(vocabularies.get("themes"))
    out: dict[str, tuple[Graph, Graph, dict[str, object]]] = {}
    for c in contrats:
        enrich(graphs[c.id], vocabularies, iris)
        # The research answers (app/synthese.py), checked with the contract's graph.
        saisie = saisie_from_graph(graphs[c.id], iris.contrat(c.id))
        themes = folded_themes(saisie, up)
        meta: dict[str, object] = {
            "id": c.id,
            "source": c.source.fichier,
            "elements": len(c.elements),
            "generation": saisie.generation,
            "themes": {t: sorted(elements) for t, elements in sorted(themes.items())},
        }
        out[c.id] = (graphs[c.id], to_graph(contract_facts(saisie, up, iris.base)), meta)
    # The enriched graphs are checked again: the tagging shapes (evidence, curator
    # reasons) only have something to check once enrichment has run.
    checked = {cid: g + facts for cid, (g, facts, _) in out.items()}
    problems = _shacl_problems(checked, contrats, iris, settings, vocab)
    if problems:
        raise BuildError("validation SHACL après enrichissement :\n" + "\n".join(problems))
    return out


def build(settings: Settings, progress: bool = True) -> BuildReport:
    """Build the dataset; contracts whose inputs are unchanged come from the cache."""
    start = time.perf_counter()
    iris = Iris(settings.base_iri)
    paths = contract_files(settings)
    if not paths:
        raise BuildError(f"aucun fichier de contrat dans {settings.data_dir}")
    cache = ContractCache(settings.cache_dir)
    common = common_key(settings.base_iri, settings.ontology_dir, settings.shapes_dir)
    keys = {p: contract_key(p, settings.sources_dir, common) for p in paths}
    entries = {p: cache.get(keys[p]) for p in paths}
    todo = [p for p in paths if entries[p] is None]
    bar = _Progress(progress, total=len(todo) + 3)
    contrats, errors = load_contracts(todo, settings.sources_dir)
    problems = [str(e) for e in errors] + _clashes(
        contrats, {p: e for p, e in entries.items() if e}
    )
    if problems:
        raise BuildError("\n" + "\n".join(problems))
    bar.step(f"fichiers de contrat lus ({len(paths) - len(todo)} repris du cache)")
    vocabularies = vocabulary_graphs(settings.ontology_dir, iris)
    derived = _derive(contrats, settings, iris, vocabularies) if contrats else {}
    bar.step("validation SHACL et enrichissement")
    ctx = context(settings.base_iri, settings.ontology_dir / ONTOLOGY_FILE)  # published one
    with tempfile.TemporaryDirectory() as scratch:
        for contrat in contrats:
            graph, facts, meta = derived[contrat.id]
            write_graph_files(Path(scratch), contrat.id, graph, ctx)
            files = {
                f"contrat.{ext}": Path(scratch) / f"{contrat.id}.{ext}" for ext in ("ttl", "jsonld")
            }
            key = keys[contrat.path]
            entries[contrat.path] = cache.put(
                key, meta, sorted_ntriples(graph), sorted_ntriples(facts), files
            )
            bar.step(f"contrat {contrat.id}")
    done = [e for e in entries.values() if e is not None]
    generations = to_graph(
        generation_facts(((e.meta.get("generation"), e.folded_themes()) for e in done), iris.base)  # type: ignore[misc]
    )
    conforms, shacl = shacl_report(
        generations + _merged(vocabularies), load_shapes(settings.shapes_dir)
    )
    if not conforms:
        found = "\n".join(str(v) for v in violations(shacl, None, iris))
        raise BuildError("validation SHACL de la synthèse :\n" + found)
    return _write(settings, iris, vocabularies, done, generations, bar, start)


def _write(
    settings: Settings,
    iris: Iris,
    vocabularies: dict[str, Graph],
    entries: list[Entry],
    generations: Graph,
    bar: _Progress,
    start: float,
) -> BuildReport:
    report = BuildReport(output=settings.build_dir)
    named: list[tuple[str, Graph]] = [(str(ontology_iri()), ontology_graph(settings.ontology_dir))]
    named += [
        (str(iris.graph(f"vocabulaire/{name}")), g) for name, g in sorted(vocabularies.items())
    ]
    synthese = str(iris.graph(SYNTHESE_GRAPH))
    lines = quad_lines(synthese, sorted_ntriples(generations))
    with atomic_directory(settings.build_dir) as out:
        (out / "contrats").mkdir()
        shutil.copyfile(settings.ontology_dir / ONTOLOGY_FILE, out / ONTOLOGY_COPY)
        write_context(out, context(settings.base_iri, settings.ontology_dir / ONTOLOGY_FILE))
        for entry in sorted(entries, key=lambda e: e.id):
            for ext in ("ttl", "jsonld"):
                shutil.copyfile(
                    entry.directory / f"contrat.{ext}", out / "contrats" / f"{entry.id}.{ext}"
                )
            lines += quad_lines(str(iris.graph(f"contrat/{entry.id}")), entry.lines(GRAPH_NT))
            lines += quad_lines(synthese, entry.lines(FACTS_NT))
            report.contrats[entry.id] = int(str(entry.meta["elements"]))
        statistics = write_dataset(out, named, lines)
        report.triples = statistics["triples"]
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

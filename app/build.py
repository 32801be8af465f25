"""The build: curated files → RDF → SHACL validation → enrichment → dumps.

Each stage is its own module; this one only chains them and decides when the output
is stale. The output directory is replaced atomically, so a failed build never
leaves a half-written dataset behind.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__
from app.build_cache import ContractCache, Entry, SourceTexts, common_key, contract_key
from app.build_common import generations_part, vocabulary_entry
from app.build_pool import batches_of, run_batches
from app.build_statistics import own_roots
from app.build_timing import Steps, no_collection
from app.config import Settings
from app.curation.errors import CurationError
from app.dump_parts import DumpPart
from app.dumps import (
    BUILD_INFO,
    DUMP_NQ,
    ONTOLOGY_COPY,
    atomic_directory,
    exclusive,
    write_dataset,
    write_json,
)
from app.rdf.context import CONTEXT_FILE
from app.rdf.namespaces import Iris
from app.synthese import generation_facts, to_graph
from app.version import build_fingerprint
from app.vocabularies import ONTOLOGY_FILE

if TYPE_CHECKING:  # the stages of a contract (pySHACL, enrichment) load only when one is built
    from app.build_contracts import Outcome


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


def validate_files(paths: list[Path], settings: Settings, draft: bool = False) -> list[str]:
    """Problems found in these files (empty when valid); nothing is written.

    ``draft``: accept the importer's « a_verifier » flags (the build never does).
    """
    from app.build_contracts import shared_vocabulary
    from app.curation.collection import load_contracts
    from app.enrichment.themes import check_theme_overrides
    from app.rdf.contrat_graph import contrat_graph
    from app.validation import batch_violations

    iris = Iris(settings.base_iri)
    contrats, errors = load_contracts(
        paths, settings.sources_dir, others=contract_files(settings), draft=draft
    )
    problems = [str(e) for e in errors]
    vocabularies, vocab, shapes, ont = shared_vocabulary(settings)
    problems += [str(e) for e in check_theme_overrides(contrats, vocabularies.get("themes"), iris)]
    checked = [(c, [contrat_graph(c, iris)]) for c in contrats]
    found = batch_violations(checked, vocab, shapes, ont, iris)
    return problems + [str(v) for key in sorted(found) for v in found[key]]


def _clashes(identities: list[tuple[Path, dict[str, object]]]) -> list[str]:
    """A contract id or source document used by two files (the later file is reported,
    whether its contract was read now or taken from the cache)."""
    problems = []
    seen: dict[tuple[str, str], Path] = {}
    for path, ident in identities:
        for kind, key in (("identifiant de contrat", "id"), ("document source", "source")):
            first = seen.setdefault((kind, str(ident[key])), path)
            if first != path:
                line = ident[f"{key}_line"]
                message = f"{kind} « {ident[key]} » déjà utilisé par {first}"
                problems.append(str(CurationError(path, int(str(line)), message)))
    return problems


def _check(paths: list[Path], entries: dict[Path, Entry | None], outcomes: list[Outcome]) -> None:
    """Raise the problems of the first stage that failed, every file's at once."""
    identities = {p: e.meta for p, e in entries.items() if e is not None}
    for outcome in outcomes:
        identities.update(outcome.identities)
    read = [x for o in outcomes for x in o.read]
    read += _clashes([(p, identities[p]) for p in paths if p in identities])
    after = "validation SHACL après enrichissement :"
    stages = (
        ("fichiers de contrat (lecture, textes contre leur source) :", read),
        ("thèmes ajoutés ou retirés par le curateur :", [x for o in outcomes for x in o.overrides]),
        ("validation SHACL :", [x for o in outcomes for x in o.shacl]),
        (after, [x for o in outcomes for x in o.shacl_enriched]),
    )
    for title, problems in stages:
        if problems:
            raise BuildError(f"{title}\n" + "\n".join(problems))


def build(settings: Settings, progress: bool = True) -> BuildReport:
    """Build the dataset; contracts whose inputs are unchanged come from the cache."""
    with exclusive(settings.build_dir):
        return _build(settings, progress)


def _build(settings: Settings, progress: bool) -> BuildReport:
    start, started = time.perf_counter(), time.time()
    steps = Steps(settings.build_timings)
    iris = Iris(settings.base_iri)
    paths = contract_files(settings)
    if not paths:
        raise BuildError(f"aucun fichier de contrat dans {settings.data_dir}")
    cache = ContractCache(settings.cache_dir)
    with no_collection():
        common = common_key(settings.base_iri, settings.ontology_dir, settings.shapes_dir)
        keys = {p: contract_key(p.read_bytes(), common) for p in paths}
        steps.mark("clés (contrats)")
        sources = SourceTexts(settings.sources_dir)
        entries = {p: cache.get(keys[p], sources) for p in paths}
        steps.mark("entrées du cache lues")
    todo = [p for p in paths if entries[p] is None]
    batches = batches_of(todo, keys, settings, common)
    bar = _Progress(progress, total=len(batches) + 2)
    outcomes = run_batches(batches, settings, bar.step)
    steps.mark(f"{len(todo)} contrats construits")
    with no_collection():
        _check(paths, entries, outcomes)
        for p in todo:
            entries[p] = cache.get(keys[p])
        done = [e for e in entries.values() if e is not None]
        assert len(done) == len(paths), "a contract passed every check but is not in the cache"
        steps.mark("vérifications entre contrats")
        themes = ((e.meta.get("generation"), e.folded_themes()) for e in done)
        generations = to_graph(generation_facts(themes, iris.base))  # type: ignore[arg-type]
        tail, found = generations_part(generations, cache, common, settings)
        if found:
            raise BuildError("validation SHACL de la synthèse :\n" + "\n".join(map(str, found)))
        steps.mark("faits par génération")
        bar.step(f"{len(paths)} contrats ({len(paths) - len(todo)} repris du cache)")
        head = vocabulary_entry(cache, common, settings)
        report = _write(settings, head, done, tail, bar, start, steps)
        cache.prune(started - settings.cache_keep_days * 86400, common)
        steps.mark("cache élagué")
    steps.report()
    return report


def _link(source: Path, target: Path) -> None:
    """A cached file into the output: a hard link (cache entries never change), or a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _write(
    settings: Settings,
    head: Entry,
    entries: list[Entry],
    tail: DumpPart,
    bar: _Progress,
    start: float,
    steps: Steps,
) -> BuildReport:
    """The output directory: the dumps from the parts (vocabularies, each contract in
    id order, the per-generation facts), the contracts' files linked from the cache."""
    report = BuildReport(output=settings.build_dir)
    ordered = sorted(entries, key=lambda e: e.id)

    def parts() -> Iterator[DumpPart]:
        yield head.part()
        yield from (entry.part() for entry in ordered)
        yield tail

    with atomic_directory(settings.build_dir) as out:
        (out / "contrats").mkdir()
        shutil.copyfile(settings.ontology_dir / ONTOLOGY_FILE, out / ONTOLOGY_COPY)
        _link(head.directory / CONTEXT_FILE, out / CONTEXT_FILE)
        for entry in ordered:
            for ext in ("ttl", "jsonld"):
                _link(entry.directory / f"contrat.{ext}", out / "contrats" / f"{entry.id}.{ext}")
            report.contrats[entry.id] = int(str(entry.meta["elements"]))
        steps.mark("fichiers des contrats liés")
        statistics = write_dataset(out, parts(), own_roots(Iris(settings.base_iri).base))
        report.triples = statistics["triples"]
        steps.mark("dumps écrits")
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
        steps.mark("empreinte, build-info.json")
    steps.mark("ancienne sortie supprimée")
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

"""The build: curated files → RDF → SHACL validation → enrichment → dumps.

Each stage is its own module; this one only chains them and decides when the output
is stale. The output directory is replaced atomically, so a failed build never
leaves a half-written dataset behind.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__
from app.build_cache import ContractCache, Entry, common_key, contract_key
from app.build_common import generations_part, vocabulary_entry
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
    write_dataset,
    write_json,
)
from app.rdf.context import CONTEXT_FILE
from app.rdf.namespaces import Iris
from app.synthese import generation_facts, to_graph
from app.version import build_fingerprint
from app.vocabularies import ONTOLOGY_FILE

if TYPE_CHECKING:  # the stages of a contract (pySHACL, enrichment) load only when one is built
    from app.build_contracts import Batch, Outcome

# Contracts built in this process rather than in a pool: starting a worker (its
# imports, the vocabularies and shapes loaded again) costs more than building these.
IN_PROCESS = 2


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


def batch_sizes(count: int, workers: int, largest: int) -> list[int]:
    """How many contracts each batch takes, in the order the pool hands them out.

    Batches are taken in turn by whichever worker is free, so the build ends when
    the worker with the last batch does: with equal batches of 20 the other one
    waited ≈ half a batch (≈ 1.5 s at 825 contracts). Guided scheduling instead:
    each batch takes a ``2 × workers``-th of what is left, at most ``largest`` (the
    unit of SHACL validation), so the last ones hold one or two contracts and the
    workers finish within about one contract of each other.
    """
    if count <= 0:
        return []
    if workers <= 1:  # in this process: only a batch's size matters, equal ones
        size = -(-count // -(-count // largest))
        return [size] * (count // size) + ([count % size] if count % size else [])
    sizes = []
    while count:
        size = min(largest, count, -(-count // (2 * workers)))
        sizes.append(size)
        count -= size
    return sizes


def _batches(
    todo: list[Path], keys: dict[Path, str], settings: Settings, common: str
) -> list[Batch]:
    if not todo:  # nothing to build: the stages of a contract are not even loaded
        return []
    from app.build_contracts import BATCH_SIZE, Batch

    workers = _workers(settings) if len(todo) > IN_PROCESS else 1
    batches, start = [], 0
    for size in batch_sizes(len(todo), workers, BATCH_SIZE):
        chunk = todo[start : start + size]
        batches.append(Batch(chunk, [keys[p] for p in chunk], settings, common))
        start += size
    return batches


def _workers(settings: Settings) -> int:
    if settings.build_workers > 0:
        return settings.build_workers
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _run(batches: list[Batch], settings: Settings, bar: _Progress) -> list[Outcome]:
    """Every batch, on a pool of processes when there are several (results in order)."""
    if not batches:
        return []
    from app.build_contracts import build_batch

    workers = min(_workers(settings), len(batches))
    if workers <= 1:
        outcomes = []
        for batch in batches:
            outcomes.append(build_batch(batch))
            bar.step(f"{len(batch.paths)} contrats construits")
        return outcomes
    # Spawned, not forked: the build may run inside a process with threads (tests, server).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        outcomes = []
        for batch, outcome in zip(batches, pool.map(build_batch, batches), strict=True):
            outcomes.append(outcome)
            bar.step(f"{len(batch.paths)} contrats construits")
        return outcomes


def _check(paths: list[Path], entries: dict[Path, Entry | None], outcomes: list[Outcome]) -> None:
    """Raise the problems of the first stage that failed, every file's at once."""
    identities = {p: e.meta for p, e in entries.items() if e is not None}
    for outcome in outcomes:
        identities.update(outcome.identities)
    read = [x for o in outcomes for x in o.read]
    read += _clashes([(p, identities[p]) for p in paths if p in identities])
    after = "validation SHACL après enrichissement :"
    stages = (
        ("", read),
        ("", [x for o in outcomes for x in o.overrides]),
        ("validation SHACL :", [x for o in outcomes for x in o.shacl]),
        (after, [x for o in outcomes for x in o.shacl_enriched]),
    )
    for title, problems in stages:
        if problems:
            raise BuildError(f"{title}\n" + "\n".join(problems))


def build(settings: Settings, progress: bool = True) -> BuildReport:
    """Build the dataset; contracts whose inputs are unchanged come from the cache."""
    start = time.perf_counter()
    steps = Steps(settings.build_timings)
    iris = Iris(settings.base_iri)
    paths = contract_files(settings)
    if not paths:
        raise BuildError(f"aucun fichier de contrat dans {settings.data_dir}")
    cache = ContractCache(settings.cache_dir)
    with no_collection():
        common = common_key(settings.base_iri, settings.ontology_dir, settings.shapes_dir)
        keys = {p: contract_key(p, settings.sources_dir, common) for p in paths}
        steps.mark("clés (contrats, sources)")
        entries = {p: cache.get(keys[p]) for p in paths}
        steps.mark("entrées du cache lues")
    todo = [p for p in paths if entries[p] is None]
    batches = _batches(todo, keys, settings, common)
    bar = _Progress(progress, total=len(batches) + 2)
    outcomes = _run(batches, settings, bar)
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

"""Each contract's build: curated file → RDF → SHACL → enrichment → facts → SHACL → its
files, straight into the build cache.

Everything here depends on one contract's inputs only (and on the ontology,
vocabularies and shapes every contract shares), so the build hands contracts
out in batches (:class:`Batch`) to a pool of processes, one per core, and each
batch validates its contracts together (``app.validation.batch_violations``).
A contract that passes every check is written to the build cache at once, even
when another contract of the build fails: its results only depend on its own
inputs, and the next build takes them from there. What a batch returns is
small: the problems found, stage by stage, and what the checks across
contracts (unique ids and sources, in ``app/build.py``) need.
"""

from __future__ import annotations

import gc
import multiprocessing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph

from app.build_cache import SOURCE, ContractCache, SourceTexts, contract_key
from app.build_snapshot import read_snapshot, reads_path, snapshot_path, write_snapshot
from app.build_statistics import own_roots
from app.build_timing import no_collection
from app.config import Settings
from app.curation.collection import load_checked
from app.curation.errors import CurationError
from app.curation.model import Contrat
from app.dump_parts import contract_files
from app.enrichment.pipeline import enrich
from app.enrichment.themes import check_theme_overrides
from app.rdf.context import context
from app.rdf.contrat_graph import contrat_graph
from app.rdf.memory_graph import release
from app.rdf.namespaces import Iris
from app.shacl.sparql import known_reads, remember_reads
from app.synthese import (
    SYNTHESE_GRAPH,
    contract_facts,
    folded_themes,
    saisie_from_graph,
    thesaurus_ancestors,
    to_graph,
)
from app.validation import Violation, batch_violations, load_shapes
from app.vocabularies import ONTOLOGY_FILE, ontology_graph, vocabulary_graphs

# Contracts validated in one pySHACL call: past a few dozen the union graph's
# cost per contract stops falling, and a batch is also the unit of work of a process.
BATCH_SIZE = 20
_CHANGED = (
    "fichier modifié pendant la construction : relancez « cvkg build » une fois les "
    "modifications enregistrées"
)


@dataclass(frozen=True)
class Batch:
    """Contract files to build, with their cache keys (computed by the build)."""

    paths: list[Path]
    keys: list[str]
    settings: Settings
    common: str  # the common key: part of each key, and names the shared inputs' snapshot


@dataclass
class Outcome:
    """What a batch found, stage by stage (the build reports the first stage that failed)."""

    identities: dict[Path, dict[str, Any]] = field(default_factory=dict)
    read: list[str] = field(default_factory=list)  # load and provenance
    overrides: list[str] = field(default_factory=list)  # curator themes unknown
    shacl: list[str] = field(default_factory=list)  # the curated graphs
    shacl_enriched: list[str] = field(default_factory=list)  # after enrichment, with facts


@dataclass(frozen=True)
class _Shared:
    iris: Iris
    vocabularies: dict[str, Graph]
    vocab: Graph
    shapes: Graph
    ontology: Graph
    context: dict[str, Any]
    ancestors: dict[str, frozenset[str]]


_SHARED: dict[tuple[str, Path, Path], _Shared] = {}


def _shared(
    base_iri: str, ontology_dir: Path, shapes_dir: Path, snapshot: Path | None = None
) -> _Shared:
    """What every contract reads, loaded once per process (from ``snapshot`` when one
    was written for the same inputs: app/build_snapshot.py)."""
    key = (base_iri, ontology_dir, shapes_dir)
    found = _SHARED.get(key)
    if found is None and snapshot is not None:
        found = read_snapshot(snapshot, _Shared)
    if found is None:
        found = _load_shared(base_iri, ontology_dir, shapes_dir)
        if snapshot is not None:
            write_snapshot(snapshot, found)
    if len(_SHARED) >= 2:
        _SHARED.clear()
    _SHARED[key] = found
    return found


def _load_shared(base_iri: str, ontology_dir: Path, shapes_dir: Path) -> _Shared:
    iris = Iris(base_iri)
    vocabularies = vocabulary_graphs(ontology_dir, iris)
    vocab = Graph()
    for g in vocabularies.values():
        vocab += g
    return _Shared(
        iris,
        vocabularies,
        vocab,
        load_shapes(shapes_dir),
        ontology_graph(ontology_dir),
        context(base_iri, ontology_dir / ONTOLOGY_FILE),  # the published one
        thesaurus_ancestors(vocabularies.get("themes")),
    )


def shared_vocabulary(
    settings: Settings, common: str = ""
) -> tuple[dict[str, Graph], Graph, Graph, Graph]:
    """Vocabularies (by name and merged), shapes and ontology, as the batches use them
    (from the snapshot of the inputs whose key is ``common``, when given: ≈ 0.08 s
    instead of ≈ 0.6 s parsing the Turtle again in the build's own process)."""
    snapshot = snapshot_path(settings.cache_dir, common) if common else None
    s = _shared(settings.base_iri, settings.ontology_dir, settings.shapes_dir, snapshot)
    return s.vocabularies, s.vocab, s.shapes, s.ontology


def identity(contrat: Contrat) -> dict[str, Any]:
    """What the checks across contracts compare, with where each value is written."""
    return {
        "id": contrat.id,
        "id_line": contrat.id_line,
        "source": contrat.source.fichier,
        "source_line": contrat.source_line,
    }


def _problems(found: dict[str, list[Violation]]) -> list[str]:
    return [str(v) for key in sorted(found) for v in found[key]]


def build_batch(batch: Batch) -> Outcome:
    """Build and cache every contract of ``batch`` that passes each stage.

    The cyclic garbage collector is paused while the batch runs, and collects
    once after it: the batch keeps every contract's graphs until its end anyway,
    and the collector walked them (and the shared vocabularies and shapes) again
    and again, ≈ 15 % of a contract's CPU. That one collection is of the youngest
    generation, where everything made while it was paused is: a full one would
    walk the shared inputs again (≈ 0.15 s, as much as the one contract a rebuild
    builds in the build's own process). In a pool worker, a process that only
    builds, the shared inputs are moved out of its reach for good (``gc.freeze``).
    """
    settings = batch.settings
    snapshot = snapshot_path(settings.cache_dir, batch.common) if batch.common else None
    s = _shared(settings.base_iri, settings.ontology_dir, settings.shapes_dir, snapshot)
    if multiprocessing.parent_process() is not None and not gc.get_freeze_count():
        gc.collect()
        gc.freeze()
    reads = reads_path(snapshot) if snapshot is not None else None
    kept = (read_snapshot(reads, dict) or {}) if reads is not None else {}
    remember_reads(kept)
    with no_collection():
        out = _build(batch, s)
    if reads is not None and known_reads().keys() - kept.keys():
        write_snapshot(reads, known_reads())
    gc.collect(0)
    return out


def _build(batch: Batch, s: _Shared) -> Outcome:
    settings = batch.settings
    out = Outcome()
    contrats: list[Contrat] = []
    keys: dict[str, str] = {}
    sources = SourceTexts(settings.sources_dir)
    for path, key in zip(batch.paths, batch.keys, strict=True):
        before = path.read_bytes()
        contrat, errors = load_checked(path, settings.sources_dir)
        if contract_key(before, batch.common) != key or path.read_bytes() != before:
            # what was read is not what the key names: never cached under it
            errors = [*errors, CurationError(path, 1, _CHANGED)]
        out.read += [str(e) for e in errors]
        if contrat is not None:
            out.identities[path] = identity(contrat)
            if not errors:
                contrats.append(contrat)
                keys[contrat.id] = key
    unknown = check_theme_overrides(contrats, s.vocabularies.get("themes"), s.iris)
    out.overrides = [str(e) for e in unknown]
    contrats = [c for c in contrats if c.path not in {e.path for e in unknown}]
    graphs = {c.id: contrat_graph(c, s.iris) for c in contrats}
    found = batch_violations(
        ((c, [graphs[c.id]]) for c in contrats), s.vocab, s.shapes, s.ontology, s.iris
    )
    out.shacl = _problems(found)
    contrats = [c for c in contrats if c.id not in found and "" not in found]
    facts: dict[str, Graph] = {}
    metas: dict[str, dict[str, Any]] = {}
    for c in contrats:
        enrich(graphs[c.id], s.vocabularies, s.iris)
        # The research answers (app/synthese.py), checked with the contract's graph.
        saisie = saisie_from_graph(graphs[c.id], s.iris.contrat(c.id))
        themes = folded_themes(saisie, s.ancestors)
        facts[c.id] = to_graph(contract_facts(saisie, s.ancestors, s.iris.base))
        metas[c.id] = {
            **identity(c),
            SOURCE: sources.record(c.source.fichier),
            "elements": len(c.elements),
            "generation": saisie.generation,
            "themes": {t: sorted(elements) for t, elements in sorted(themes.items())},
        }
    # Checked again: the tagging shapes (evidence, curator reasons) only have
    # something to check once enrichment has run.
    found = batch_violations(
        ((c, [graphs[c.id], facts[c.id]]) for c in contrats),
        s.vocab,
        s.shapes,
        s.ontology,
        s.iris,
    )
    out.shacl_enriched = _problems(found)
    cache = ContractCache(settings.cache_dir)
    synthese = str(s.iris.graph(SYNTHESE_GRAPH))
    for c in contrats:
        if c.id in found or "" in found:
            continue
        part, files = contract_files(
            [(str(s.iris.graph(f"contrat/{c.id}")), graphs[c.id]), (synthese, facts[c.id])],
            s.context,
            owner=c.id,
            roots=own_roots(s.iris.base),
        )
        cache.put(keys[c.id], metas[c.id], part, files)
    for graph in [*graphs.values(), *facts.values()]:
        release(graph)
    return out

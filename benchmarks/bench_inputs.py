"""CPU per contract of the stages before a contract's files are written, SHACL included.

    python benchmarks/generate_yaml.py --contracts 50 --output /tmp/g50
    python benchmarks/bench_inputs.py /tmp/g50 --contracts 16 --rounds 3

Runs, as ``app/build_contracts.py`` chains them, on each contract: reading and
provenance (``load_checked``), RDF (``contrat_graph``), the curated graph's
SHACL pass, enrichment, the synthèse facts and the enriched graph's SHACL
pass, after one warm-up contract (shared inputs, matchers and shapes are
loaded once per process), with the cyclic collector paused as in a batch;
prints the mean CPU milliseconds of each stage (reading's YAML and provenance
apart, and the enrichment's two taggings), the least of ``--rounds`` rounds
(the machine is shared: the least is the least disturbed). Each round builds
other contracts (``--contracts`` each): a contract read again would find its
labels' words in the per-process memos, as no contract of a build does.
Run it from each checkout in turn (``cd old && python …/bench_inputs.py``) to
compare two versions of the code, alternately.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, os.getcwd())  # the checkout measured: the current directory's app/


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="generate_yaml.py's output")
    parser.add_argument("--contracts", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ |= {
        "CVKG_DATA_DIR": str(args.root / "contrats"),
        "CVKG_SOURCES_DIR": str(args.root / "sources"),
    }
    import app.curation.collection as collection
    import app.curation.loader as loader
    import app.enrichment.pipeline as pipeline
    import app.enrichment.themes as themes
    from app.build_contracts import _shared
    from app.config import get_settings
    from app.enrichment.pipeline import enrich
    from app.rdf.contrat_graph import contrat_graph
    from app.rdf.memory_graph import release
    from app.synthese import contract_facts, saisie_from_graph, to_graph
    from app.validation import batch_violations

    settings = get_settings()
    s = _shared(settings.base_iri, settings.ontology_dir, settings.shapes_dir)
    paths = sorted((args.root / "contrats").glob("*.yaml"))
    n = args.contracts
    if len(paths) < 1 + n * args.rounds:
        parser.error(f"{1 + n * args.rounds} contract files needed, {len(paths)} found")
    times: dict[str, float] = {}

    def tick(name: str, since: float) -> float:
        now = time.process_time()
        times[name] = times.get(name, 0.0) + now - since
        return now

    def timed(module: Any, name: str, label: str) -> None:
        inner: Callable[..., Any] = getattr(module, name)

        def wrapper(*a: Any, **k: Any) -> Any:
            start = time.process_time()
            found = inner(*a, **k)
            tick(label, start)
            return found

        setattr(module, name, wrapper)

    yaml_reader = "read_yaml" if hasattr(loader, "read_yaml") else "_yaml"  # older checkouts
    timed(loader, yaml_reader, "  YAML")
    timed(collection, "check_provenance", "  provenance")
    timed(pipeline, "tag_elements", "  dispositifs")
    timed(themes, "tag_elements", "  thèmes")

    def one(path: Path) -> None:
        t = time.process_time()
        contrat, errors = collection.load_checked(path, args.root / "sources")
        assert contrat is not None and not errors, errors
        t = tick("lecture + provenance", t)
        graph = contrat_graph(contrat, s.iris)
        t = tick("RDF", t)
        assert not batch_violations([(contrat, [graph])], s.vocab, s.shapes, s.ontology, s.iris)
        t = tick("SHACL (graphe saisi)", t)
        enrich(graph, s.vocabularies, s.iris)
        t = tick("enrichissement", t)
        saisie = saisie_from_graph(graph, s.iris.contrat(contrat.id))
        facts = to_graph(contract_facts(saisie, s.ancestors, s.iris.base))
        t = tick("faits de synthèse", t)
        found = batch_violations([(contrat, [graph, facts])], s.vocab, s.shapes, s.ontology, s.iris)
        assert not found, found
        tick("SHACL (graphe enrichi)", t)
        release(graph)
        release(facts)
        gc.collect(0)

    gc.disable()
    one(paths[0])  # the warm-up contract
    rounds = []
    for r in range(args.rounds):
        times.clear()
        for path in paths[1 + r * n : 1 + (r + 1) * n]:
            one(path)
        rounds.append(dict(times))
    least = {name: min(r[name] for r in rounds) / n * 1000 for name in rounds[0]}
    total = sum(v for name, v in least.items() if not name.startswith(" "))
    out = {name: round(v, 1) for name, v in least.items()} | {"total": round(total, 1)}
    print(json.dumps(out, ensure_ascii=False), f"charge {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

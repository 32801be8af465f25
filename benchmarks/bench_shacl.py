"""CPU per contract of the build's two SHACL passes, with one engine (CVKG_SHACL_ENGINE).

    python benchmarks/generate_yaml.py --contracts 20 --output /tmp/shacl-g20
    python benchmarks/bench_shacl.py /tmp/shacl-g20 --engine compiled
    python benchmarks/bench_shacl.py /tmp/shacl-g20 --engine pyshacl

Each contract's graphs are made as app/build_contracts.py makes them (curated;
enriched with its synthèse facts), then validated through
``app.validation.batch_violations`` exactly as the build does (pySHACL: in
batches; compiled: each contract alone). Also prints, for the compiled engine,
what reading the graphs costs: its own index (rdflib's memory indexes, nothing
built), the Oxigraph store of the triples the SPARQL constraints read, and,
for comparison, the whole enriched graph converted to Oxigraph term by term
and through N-Triples.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="output of generate_yaml.py")
    parser.add_argument("--engine", choices=["compiled", "pyshacl"], default="compiled")
    args = parser.parse_args()
    os.environ["CVKG_SHACL_ENGINE"] = args.engine

    from rdflib import Graph

    from app.build_contracts import _shared
    from app.config import get_settings
    from app.curation.collection import load_checked
    from app.enrichment.pipeline import enrich
    from app.rdf.contrat_graph import contrat_graph
    from app.synthese import contract_facts, saisie_from_graph, to_graph
    from app.validation import batch_violations

    settings = get_settings()
    s = _shared(settings.base_iri, settings.ontology_dir, settings.shapes_dir)
    curated, enriched = [], []
    for path in sorted((args.folder / "contrats").glob("*.yaml")):
        contrat, errors = load_checked(path, args.folder / "sources")
        assert contrat is not None and not errors, errors
        graph = contrat_graph(contrat, s.iris)
        copy = Graph()
        copy += graph
        curated.append((contrat, [copy]))
        enrich(graph, s.vocabularies, s.iris)
        saisie = saisie_from_graph(graph, s.iris.contrat(contrat.id))
        facts = to_graph(contract_facts(saisie, s.ancestors, s.iris.base))
        enriched.append((contrat, [graph, facts]))
    n = len(curated)
    figures = []
    for name, items in (("curated", curated), ("enriched", enriched)):
        t0 = time.process_time()
        found = batch_violations(items, s.vocab, s.shapes, s.ontology, s.iris)
        cpu = time.process_time() - t0
        assert not found, found
        figures.append(f"{name} {1000 * cpu / n:.0f} ms")
    print(
        f"{args.engine}: {n} contracts, CPU per contract: {', '.join(figures)}; "
        f"load {os.getloadavg()[0]:.2f}"
    )
    if args.engine == "compiled":
        conversions(s, enriched)
    return 0


def conversions(s: object, enriched: list[tuple[object, list[object]]]) -> None:
    import pyoxigraph as ox
    from rdflib import Graph

    from app.shacl import _namespaces, compiled
    from app.shacl.data import DataIndex
    from app.shacl.engine import Engine
    from app.shacl.sparql import OxData, _to_ox

    graphs: list[Graph] = [g for _, gs in enriched for g in gs]  # type: ignore[misc]
    triples = sum(len(g) for g in graphs)
    shapes = compiled(s.shapes)  # type: ignore[attr-defined]
    t0 = time.process_time()
    indexes = [DataIndex([g]) for g in graphs]
    t1 = time.process_time()
    for index in indexes:
        OxData(Engine(shapes, index, _namespaces([], s.ontology)))  # type: ignore[attr-defined]
    t2 = time.process_time()
    for g in graphs:
        ox.Store().bulk_extend(ox.Quad(_to_ox(a), _to_ox(b), _to_ox(c)) for a, b, c in g)
    t3 = time.process_time()
    for g in graphs:
        store = ox.Store()
        store.load(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    t4 = time.process_time()
    per = 1000 / len(enriched)
    print(
        f"reading {triples / len(enriched):.0f} triples a contract, CPU per contract: "
        f"index {per * (t1 - t0):.1f} ms, Oxigraph store of the SPARQL constraints' "
        f"triples {per * (t2 - t1):.1f} ms; whole graph to Oxigraph term by term "
        f"{per * (t3 - t2):.0f} ms, through N-Triples {per * (t4 - t3):.0f} ms"
    )


if __name__ == "__main__":
    raise SystemExit(main())

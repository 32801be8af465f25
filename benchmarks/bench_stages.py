"""CPU per contract of each stage of a contract's build but SHACL, in one process.

    python benchmarks/generate_yaml.py --contracts 50 --output /tmp/g50
    python benchmarks/bench_stages.py /tmp/g50 --contracts 20

Runs the stages as ``app/build_contracts.py`` chains them (read + provenance,
RDF, enrichment, synthèse facts, the contract's files — its dump part, ``.ttl``
and ``.jsonld``: ``app.dump_parts.contract_files`` —, the cache write) on
each contract, after one warm-up contract (the matchers and vocabularies are
built once per process), and prints the mean CPU time of each. Run it from
another checkout (``cd old && python …/bench_stages.py``) to compare two
versions of the code on the same machine, alternately.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.getcwd())  # the checkout measured: the current directory's app/


def main() -> int:
    from app.build_cache import ContractCache
    from app.build_contracts import _shared
    from app.build_statistics import own_roots
    from app.config import get_settings
    from app.curation.collection import load_checked
    from app.dump_parts import contract_files
    from app.enrichment.pipeline import enrich
    from app.rdf.contrat_graph import contrat_graph
    from app.synthese import SYNTHESE_GRAPH, contract_facts, saisie_from_graph, to_graph

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="generate_yaml.py's output")
    parser.add_argument("--contracts", type=int, default=20)
    args = parser.parse_args()
    settings = get_settings()
    s = _shared(settings.base_iri, settings.ontology_dir, settings.shapes_dir)
    paths = sorted((args.root / "contrats").glob("*.yaml"))[: args.contracts]
    times: dict[str, float] = {}

    def tick(name: str, since: float) -> float:
        now = time.process_time()
        times[name] = times.get(name, 0.0) + now - since
        return now

    for i, path in enumerate(paths[:1] + paths):
        t = time.process_time()
        contrat, errors = load_checked(path, args.root / "sources")
        assert contrat is not None and not errors, errors
        t = tick("lecture + provenance", t)
        graph = contrat_graph(contrat, s.iris)
        t = tick("RDF", t)
        enrich(graph, s.vocabularies, s.iris)
        t = tick("enrichissement", t)
        saisie = saisie_from_graph(graph, s.iris.contrat(contrat.id))
        facts = to_graph(contract_facts(saisie, s.ancestors, s.iris.base))
        t = tick("faits de synthèse", t)
        named = [(str(s.iris.graph(f"contrat/{contrat.id}")), graph)]
        synthese = [(str(s.iris.graph(SYNTHESE_GRAPH)), facts)]
        part, files = contract_files(
            named + synthese, s.context, contrat.id, own_roots(s.iris.base)
        )
        t = tick("fichiers : parts des dumps, .ttl, .jsonld", t)
        with tempfile.TemporaryDirectory() as tmp:
            ContractCache(Path(tmp)).put("k", {"id": contrat.id}, part, files)
        tick("écriture du cache", t)
        if i == 0:
            times.clear()  # the warm-up contract
    per = {name: round(seconds / len(paths), 4) for name, seconds in times.items()}
    per["total"] = round(sum(times.values()) / len(paths), 4)
    print(json.dumps(per, ensure_ascii=False), f"charge {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""CPU per contract of each stage of a pool worker's path, inside ``build_batch``.

    python benchmarks/generate_yaml.py --contracts 50 --output /tmp/g50
    python benchmarks/bench_worker_stages.py /tmp/g50

Runs ``app.build_contracts.build_batch`` on the contracts in batches of 20, as
a pool worker does (after one warm-up contract, the collector as the build
runs it), with each stage's function timed where ``_build`` calls it: reading
(``load_checked`` and the theme overrides' check), RDF, both SHACL passes,
enrichment, synthèse facts, files, cache, and the graphs' release; prints the
CPU milliseconds a contract of each, the stages before the files together
(``before files``) and the whole. Run it from another checkout (``cd old &&
python …/bench_worker_stages.py``) to compare two versions, alternately.
"""

from __future__ import annotations

import collections
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, os.getcwd())  # the checkout measured: the current directory's app/
sys.path.insert(1, str(Path(__file__).resolve().parent))
from bench_batch import worker_inputs  # noqa: E402

_STAGES = {
    "load_checked": "read",
    "check_theme_overrides": "read",
    "contrat_graph": "rdf",
    "batch_violations": "shacl",
    "enrich": "enrich",
    "saisie_from_graph": "facts",
    "folded_themes": "facts",
    "contract_facts": "facts",
    "to_graph": "facts",
    "contract_files": "files",
    "release": "release",
}
_BEFORE_FILES = ("read", "rdf", "shacl", "enrich", "facts", "release")


def main() -> int:
    with worker_inputs(__doc__ or "", 50) as paths:
        import app.build_contracts as stages
        from app.build_cache import common_key, contract_key
        from app.config import get_settings

        spent: collections.Counter[str] = collections.Counter()

        def timed(inner: Callable[..., Any], label: str) -> Callable[..., Any]:
            def wrapper(*a: Any, **k: Any) -> Any:
                start = time.process_time()
                try:
                    return inner(*a, **k)
                finally:
                    spent[label] += time.process_time() - start

            return wrapper

        for name, label in _STAGES.items():
            setattr(stages, name, timed(getattr(stages, name), label))
        stages.ContractCache.put = timed(stages.ContractCache.put, "cache")  # type: ignore[method-assign]
        settings = get_settings()
        common = common_key(settings.base_iri, settings.ontology_dir, settings.shapes_dir)
        keys = [contract_key(p.read_bytes(), common) for p in paths]  # the worker checks them
        stages.build_batch(stages.Batch(paths[:1], keys[:1], settings, common))
        spent.clear()
        start, n = time.process_time(), 0
        for i in range(1, len(paths), 20):
            batch = paths[i : i + 20]
            stages.build_batch(stages.Batch(batch, keys[i : i + 20], settings, common))
            n += len(batch)
        total = time.process_time() - start
    out = {k: round(v / n * 1000, 1) for k, v in spent.items()}
    out["before files"] = round(sum(spent[k] for k in _BEFORE_FILES) / n * 1000, 1)
    out["total"] = round(total / n * 1000, 1)
    print(Path.cwd().name, json.dumps(out), f"{n} contracts, charge {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

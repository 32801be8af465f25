"""CPU per contract of a pool worker's whole path: ``build_batch`` on N contracts.

    python benchmarks/generate_yaml.py --contracts 50 --output /tmp/g50
    python benchmarks/bench_batch.py /tmp/g50 --contracts 20

Runs ``app.build_contracts.build_batch`` (read, RDF, SHACL, enrichment,
synthèse facts, SHACL again, files, dump parts, cache write) in this process,
as a pool worker does, after one warm-up contract (the shared inputs and the
matchers are loaded once per process), into a temporary cache; prints the CPU
time a contract, the cyclic garbage collector's share of it (read with
``gc.callbacks``) and its two SHACL passes' (``batch_violations`` timed
apart). Unlike ``bench_stages.py`` it includes both SHACL passes and runs the
collector as the build does. Run it from another checkout (``cd old
&& python …/bench_batch.py``) to compare two versions, alternately.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, os.getcwd())  # the checkout measured: the current directory's app/

_collector = [0.0, 0.0]  # CPU seconds in the collector, start of the current pass


def _watch(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _collector[1] = time.process_time()
    else:
        _collector[0] += time.process_time() - _collector[1]


@contextmanager
def worker_inputs(description: str, contracts: int) -> Iterator[list[Path]]:
    """The contract files named on the command line (``root``, ``--contracts``), with
    the environment of a build over them, its cache a temporary directory."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="generate_yaml.py's output")
    parser.add_argument("--contracts", type=int, default=contracts)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        os.environ |= {
            "CVKG_DATA_DIR": str(args.root / "contrats"),
            "CVKG_SOURCES_DIR": str(args.root / "sources"),
            "CVKG_CACHE_DIR": cache,
        }
        yield sorted((args.root / "contrats").glob("*.yaml"))[: args.contracts]


def main() -> int:
    with worker_inputs(__doc__ or "", 20) as paths:
        import app.build_contracts as stages
        from app.build_cache import common_key, contract_key
        from app.build_contracts import Batch, build_batch
        from app.config import get_settings

        passes: list[float] = []
        validate = stages.batch_violations

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            found = validate(*args, **kwargs)
            passes.append(time.process_time() - start)
            return found

        stages.batch_violations = timed  # type: ignore[assignment]
        settings = get_settings()
        common = common_key(settings.base_iri, settings.ontology_dir, settings.shapes_dir)
        keys = [contract_key(p.read_bytes(), common) for p in paths]  # the worker checks them
        build_batch(Batch(paths[:1], keys[:1], settings, common))
        passes.clear()
        gc.callbacks.append(_watch)
        start = time.process_time()
        outcome = build_batch(Batch(paths, keys, settings, common))
        cpu = time.process_time() - start
    problems = outcome.read + outcome.overrides + outcome.shacl + outcome.shacl_enriched
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    n = len(paths)
    print(
        f"{os.getcwd()}: {cpu / n * 1000:.0f} ms CPU a contract "
        f"(collector {_collector[0] / n * 1000:.0f} ms; SHACL, curated + enriched: "
        f"{' + '.join(f'{t / n * 1000:.1f}' for t in passes)} ms), {n} contracts, "
        f"charge {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

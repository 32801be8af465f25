"""The same questions, in process, on the same store, under each ``malloc``.

    python benchmarks/bench_allocator.py --store /tmp/cvkg-bench/store-cvkg --repeat 20

Why in process: the HTTP benchmark (``bench_endpoint.py``) mixes the hop with
the evaluation; this one measures only what ``CVKG_WORKER_ALLOCATOR`` changes
(``app/server/allocator.py``): pyoxigraph evaluating and serializing the raw
questions of ``bench_endpoint.RAW``. Each allocator runs in its own child
process (a ``malloc`` cannot be swapped in a running one), in rounds that
alternate the children so that all see the same machine load; prints the
median milliseconds of each question and the ratio to the C library's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from app.server.allocator import libraries  # noqa: E402

CHILD = """
import json, sys, time
sys.path.insert(0, {benchmarks!r})
from bench_endpoint import PREFIXES, RAW
from pyoxigraph import QueryResultsFormat, Store
store = Store.read_only({store!r})
probe = PREFIXES + "SELECT ?c WHERE {{ ?c a cdv:Contrat }} ORDER BY ?c"
contracts = [str(s["c"].value) for s in store.query(probe, use_default_graph_as_union=True)]
for line in sys.stdin:
    name, turn = json.loads(line)
    first, second = contracts[turn % 50], contracts[turn % 50 + 1]
    text = PREFIXES + RAW[name].replace("$C", first).replace("$D", second)
    start = time.perf_counter()
    store.query(text, use_default_graph_as_union=True).serialize(format=QueryResultsFormat.JSON)
    print((time.perf_counter() - start) * 1000, flush=True)
"""


def allocators() -> dict[str, str | None]:
    """Every allocator found where ``auto`` looks, by its name; ``glibc``: none."""
    found: dict[str, str | None] = {"glibc": None}
    for path in libraries():
        found[path.name.split(".so")[0].removeprefix("lib")] = str(path)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a loaded store (read-only)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--queries",
        default="arbre-contrat,deux-contrats,sante-mentale,"
        "dispositifs-partages,matrice,themes-nouveaux",
    )
    args = parser.parse_args()
    code = CHILD.format(benchmarks=str(Path(__file__).parent), store=str(args.store))
    children: dict[str, subprocess.Popen[str]] = {}
    for name, library in allocators().items():
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
        if library:
            env["LD_PRELOAD"] = library
        children[name] = subprocess.Popen(  # noqa: S603 (our own interpreter)
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
    print(f"charge : {os.getloadavg()} ; {', '.join(children)} ; ms, médianes")
    print(f"{'question':<24}" + "".join(f"{n:>12}" for n in children) + "   / glibc")
    try:
        for query in args.queries.split(","):
            times: dict[str, list[float]] = {n: [] for n in children}
            for turn in range(args.repeat):
                for name, child in children.items():
                    assert child.stdin and child.stdout
                    child.stdin.write(json.dumps([query, turn]) + "\n")
                    child.stdin.flush()
                    times[name].append(float(child.stdout.readline()))
            medians = {n: statistics.median(t) for n, t in times.items()}
            base = medians["glibc"]
            ratios = " ".join(f"{m / base:.2f}" for n, m in medians.items() if n != "glibc")
            cells = "".join(f"{m:>12.1f}" for m in medians.values())
            print(f"{query:<24}{cells}   {ratios}")
            time.sleep(0.1)
    finally:
        for child in children.values():
            child.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

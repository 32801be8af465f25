"""The rebuild after one contract file changed, at national scale, step by step.

    python benchmarks/bench_rebuild.py fill --root /tmp/cvkg-rebuild-825 --contracts 825
    python benchmarks/bench_rebuild.py measure --root /tmp/cvkg-rebuild-825

``fill`` writes N synthetic contracts (``generate_yaml.py``) and fills the
build cache with their entries, in two processes. It skips pySHACL: the
synthetic contracts are valid, an entry's bytes do not depend on the
validation (it only decides whether the entry is written), and a fill of 825
contracts with pySHACL takes over half an hour of CPU. ``measure`` then times,
each in a fresh process, a build with nothing changed and a build after one
contract file (and its source text) changed — with every stage, pySHACL
included, for the changed contract — and prints the time of each step of the
build (``CVKG_BUILD_TIMINGS``). Entries are keyed on the build code
(``app/version.py``): fill again after changing it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import edit_one, timed_build  # noqa: E402
from generate_yaml import generate_files  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CVKG_")}
    return env | {
        "CVKG_DATA_DIR": str(root / "contrats"),
        "CVKG_SOURCES_DIR": str(root / "sources"),
        "CVKG_BUILD_DIR": str(root / "build"),
        "CVKG_CACHE_DIR": str(root / "cache"),
    }


def _fill_slice(index: int, count: int) -> int:
    """In this process: build every ``count``-th missing contract, without pySHACL."""
    sys.path.insert(0, str(PROJECT_ROOT))
    import app.build_contracts as stages
    from app.build import contract_files
    from app.build_cache import ContractCache, common_key, contract_key
    from app.config import get_settings

    stages.batch_violations = lambda *args, **kwargs: {}  # type: ignore[assignment]
    settings = get_settings()
    common = common_key(settings.base_iri, settings.ontology_dir, settings.shapes_dir)
    cache = ContractCache(settings.cache_dir)
    paths = contract_files(settings)[index::count]
    keys = [contract_key(p.read_bytes(), common) for p in paths]
    todo = [(p, k) for p, k in zip(paths, keys, strict=True) if cache.get(k) is None]
    for i in range(0, len(todo), 20):
        chunk = todo[i : i + 20]
        out = stages.build_batch(
            stages.Batch([p for p, _ in chunk], [k for _, k in chunk], settings, common)
        )
        assert not (out.read or out.overrides), out
        print(f"[{index}] {i + len(chunk)}/{len(todo)}", file=sys.stderr, flush=True)
    return 0


def fill(root: Path, contracts: int) -> None:
    if not (root / "contrats").is_dir():
        generate_files(contracts, root)
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "_slice", str(i), "2"], cwd=PROJECT_ROOT, env=_env(root)
        )
        for i in range(2)
    ]
    assert all(p.wait() == 0 for p in procs)
    print(f"cache rempli en {time.perf_counter() - start:.1f} s")


def timed(root: Path, label: str) -> None:
    wall, cpu, _ = timed_build(root, timings=True)
    print(f"  {label:<26} {wall:6.2f} s (CPU {cpu:6.2f} s), charge {os.getloadavg()[0]:.2f}")


def measure(root: Path, edits: int) -> None:
    print(f"{len(list((root / 'contrats').glob('*.yaml')))} contrats ; charge {os.getloadavg()}")
    timed(root, "sans changement")
    timed(root, "sans changement")
    for _ in range(edits):
        edit_one(root)
        timed(root, "après un fichier modifié")


def main() -> int:
    if sys.argv[1:2] == ["_slice"]:
        return _fill_slice(int(sys.argv[2]), int(sys.argv[3]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("fill", "measure"))
    parser.add_argument("--root", type=Path, default=Path("/tmp/cvkg-rebuild-825"))
    parser.add_argument("--contracts", type=int, default=825)
    parser.add_argument("--edits", type=int, default=2)
    args = parser.parse_args()
    if args.action == "fill":
        fill(args.root, args.contracts)
    else:
        measure(args.root, args.edits)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""kill -9 during admin writes: afterwards, the old state or the new one, never a mix.

Each trial replaces an annotation graph of a real ``cvkg serve`` (Graph Store
PUT of ``--triples`` triples all carrying the trial's number), kills the server
and its workers with SIGKILL at a random moment of the write, restarts it on
the same store and annotation record, and checks what it serves:

* the graph is whole: every triple carries the same number, all of them;
* that number is the previous trial's or this one's; this one's if the
  client got its 2xx before the kill (an acknowledged write is never lost);
* the curated graphs are untouched (same number of contracts' quads);
* the data version says which: equal to the one served before the write when
  the old state came back.

Usage::

    python scripts/kill_writes.py --trials 100 [--build-dir DIR] [--seed N]

With no ``--build-dir`` it builds the real data into a temporary directory
first. Prints one line per trial and a summary; exit status 1 on any mix.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.config import DEFAULT_BASE_IRI  # noqa: E402
from app.server.live import LiveServer, live_server  # noqa: E402

TOKEN = "jeton-kill"  # noqa: S105 (a throw-away server on loopback)
GRAPH = f"{DEFAULT_BASE_IRI}graph/annotations/essai-kill"
CURATED = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?c)) }"


@dataclass
class Summary:
    trials: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _body(number: int, triples: int) -> bytes:
    return "".join(
        f'<http://example.org/essai/s{i}> <http://example.org/essai/essai> "{number}" .\n'
        for i in range(triples)
    ).encode()


def _numbers(server: LiveServer) -> Counter[str]:
    response = httpx.get(
        f"{server.url}/rdf-graph-store",
        params={"graph": GRAPH},
        headers={"Accept": "application/n-triples"},
        timeout=60,
    )
    if response.status_code == 404:
        return Counter()
    response.raise_for_status()
    return Counter(line.rsplit('"', 2)[1] for line in response.text.splitlines() if '"' in line)


def _curated(server: LiveServer) -> int:
    query = CURATED.replace("?c", f'"{DEFAULT_BASE_IRI}graph/contrat/"')
    response = httpx.get(server.sparql, params={"query": query}, timeout=60)
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _version(server: LiveServer) -> str:
    return httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=60).headers[
        "x-data-version"
    ]


def _put(server: LiveServer, number: int, triples: int, acknowledged: list[int]) -> None:
    try:
        response = httpx.put(
            f"{server.url}/rdf-graph-store",
            params={"graph": GRAPH},
            content=_body(number, triples),
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/n-triples"},
            timeout=60,
        )
        if response.status_code in (201, 204):
            acknowledged.append(number)
    except httpx.HTTPError:
        pass  # killed mid-request


def _check(server: LiveServer, state: dict[str, object], trial: int, triples: int) -> str:
    """What is wrong with what the restarted server serves after ``trial`` ("" if nothing)."""
    numbers = _numbers(server)
    if len(numbers) > 1:
        return f"graphe mêlé : {dict(numbers)}"
    if numbers and sum(numbers.values()) != triples:
        return f"graphe incomplet : {sum(numbers.values())} triplets"
    found = int(next(iter(numbers))) if numbers else 0
    current = state["current"]
    if found not in (current, trial):
        return f"état {found} : ni l'ancien ({current}) ni le nouveau ({trial})"
    if state["acknowledged"] and found != trial:
        return "écriture acquittée perdue"
    if _curated(server) != state["curated"]:
        return "graphes des contrats modifiés"
    if found == current and _version(server) != state["version"]:
        return "même état, autre version des données"
    state["current"] = found
    return ""


def run(trials: int, build_dir: Path, workdir: Path, seed: int, triples: int) -> Summary:
    """``trials`` writes killed at random moments; one server start per trial."""
    rng = random.Random(seed)  # noqa: S311 (kill moments, not secrets)
    env = {
        "CVKG_BUILD_DIR": str(build_dir),
        "CVKG_STORE_DIR": str(workdir / "store"),
        "CVKG_ANNOTATIONS_DIR": str(workdir / "annotations"),
        "CVKG_ADMIN_TOKEN": TOKEN,
        "CVKG_QUERY_WORKERS": "1",
    }
    summary = Summary()
    start = time.monotonic()
    state: dict[str, object] = {"current": 0, "acknowledged": False}
    window = 1.0
    for trial in range(0, trials + 1):
        with live_server(None, workdir / f"serve-{trial}.log", env=env) as server:
            if trial == 0:  # the curated size, and how long a write takes here
                state["curated"] = _curated(server)
                began = time.monotonic()
                _put(server, 0, triples, [])
                window = 2.0 * (time.monotonic() - began)
            else:
                problem = _check(server, state, trial, triples)
                outcome = "nouveau" if state["current"] == trial else "ancien"
                outcome += " (acquitté)" if state["acknowledged"] else ""
                summary.outcomes[outcome] += 1
                summary.trials += 1
                if problem:
                    summary.failures.append(f"essai {trial} : {problem}")
                print(f"essai {trial}: {outcome} {problem}".rstrip(), flush=True)
            if trial == trials:
                break
            state["version"] = _version(server)
            acknowledged: list[int] = []
            writer = threading.Thread(target=_put, args=(server, trial + 1, triples, acknowledged))
            writer.start()
            time.sleep(rng.uniform(0.0, window))
            server.process.kill()  # SIGKILL; the workers die with it (PR_SET_PDEATHSIG)
            server.process.wait()
            writer.join()
            state["acknowledged"] = bool(acknowledged)
    summary.seconds = time.monotonic() - start
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--build-dir", type=Path)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--triples", type=int, default=5000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cvkg-kill-") as tmp:
        from app.build import ensure_build
        from app.config import get_settings

        build_dir = args.build_dir or Path(tmp) / "build"
        # Built (or rebuilt) here, before the servers start, so none of them builds.
        ensure_build(get_settings().model_copy(update={"build_dir": build_dir}), progress=False)
        summary = run(args.trials, build_dir, Path(tmp), args.seed, args.triples)
    print(
        f"{summary.trials} essais en {summary.seconds:.0f} s : {dict(summary.outcomes)} ; "
        f"{len(summary.failures)} mélange(s)"
    )
    for failure in summary.failures:
        print(failure)
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(main())

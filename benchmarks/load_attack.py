"""A bounded load test with hostile clients: do the well-behaved ones still get served?

Well-behaved clients (each on its own loopback address, 127.10.0.x) mix
``/sparql`` SELECTs, linked-data pages (``/id/…``) and API answers
(``/api/…``) with a short pause between requests; hostile clients (127.20.0.x)
fire runaway cross products and the memory bomb of issue 12, several at once,
without pause. Meanwhile the resident memory of the server and its workers is
sampled from /proc. The report gives, per side, the statuses, the latency
percentiles of the well-behaved, and the memory peak.

Run on demand against a running server (``cvkg serve``), e.g. 30 s with 32
clients, two of them hostile::

    .venv/bin/python benchmarks/load_attack.py --url http://127.0.0.1:8000 \\
        --pid $(pgrep -f 'cvkg serve' | head -1) --seconds 30 --clients 30 --hostile 2

The suite runs a short version (tests/server/test_load.py).
"""

from __future__ import annotations

import argparse
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.server.live import tree_rss

RUNAWAY = "SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MEMORY_BOMB = "CONSTRUCT { ?a ?b ?c . ?d ?e ?f } WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f ?c"
CONTRACTS = (
    "PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#> "
    "SELECT ?c WHERE { ?c a cdv:Contrat } ORDER BY ?c LIMIT 20"
)


@dataclass
class Report:
    good: Counter[int] = field(default_factory=Counter)
    hostile: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    hostile_messages: dict[int, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    peak_rss: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> dict[str, Any]:
        return {
            "good_requests": sum(self.good.values()),
            "good_statuses": dict(self.good),
            "good_p50_s": round(self.percentile(0.50), 3),
            "good_p99_s": round(self.percentile(0.99), 3),
            "good_max_s": round(max(self.latencies, default=0.0), 3),
            "hostile_statuses": dict(self.hostile),
            "hostile_messages": {k: v[:160] for k, v in self.hostile_messages.items()},
            "peak_rss_mib": round(self.peak_rss / 2**20),
            "errors": self.errors[:10],
        }


def _targets(http: httpx.Client, url: str) -> list[tuple[str, dict[str, str]]]:
    """What the well-behaved clients ask: a few contracts' pages, API answers, a SELECT."""
    rows = http.get(f"{url}/sparql", params={"query": CONTRACTS}).json()["results"]["bindings"]
    pages = []
    for row in rows[:5]:
        iri = row["c"]["value"]
        pages.append(("/id/" + iri.split("/id/", 1)[1], {"Accept": "text/html"}))
    ids = [p.rsplit("/", 1)[1] for p, _ in pages]
    api = [("/api/themes", {}), ("/api/contrats", {})] + [(f"/api/contrats/{i}", {}) for i in ids]
    sparql = [("/sparql?" + httpx.QueryParams({"query": CONTRACTS}).__str__(), {})]
    return pages + api + sparql * 3


def _good(url: str, address: str, targets: list[Any], stop: float, report: Report) -> None:
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=url, transport=transport, timeout=60) as http:
        while time.monotonic() < stop:
            path, headers = random.choice(targets)
            start = time.monotonic()
            try:
                status = http.get(path, headers=headers).status_code
            except httpx.HTTPError as exc:
                status = 0
                with report.lock:
                    report.errors.append(f"{path}: {exc!r}")
            with report.lock:
                report.good[status] += 1
                report.latencies.append(time.monotonic() - start)
            time.sleep(random.uniform(0.05, 0.3))


def _hostile(url: str, address: str, query: str, stop: float, report: Report) -> None:
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=url, transport=transport, timeout=120) as http:
        while time.monotonic() < stop:
            try:
                response = http.get("/sparql", params={"query": query})
                status = response.status_code
                with report.lock:
                    report.hostile_messages.setdefault(status, response.text)
            except httpx.HTTPError:
                status = 0
            with report.lock:
                report.hostile[status] += 1
            if status == 429:
                time.sleep(0.2)  # an attacker keeps trying, a little


def attack(
    url: str,
    server_pid: int,
    *,
    seconds: float = 30,
    clients: int = 30,
    hostile: int = 2,
    hostile_threads: int = 3,
) -> Report:
    """Run the mix for ``seconds``; each hostile client fires ``hostile_threads`` at once."""
    report = Report()
    with httpx.Client(timeout=30) as http:
        targets = _targets(http, url)
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_good, args=(url, f"127.10.0.{i + 1}", targets, stop, report))
        for i in range(clients)
    ]
    for h in range(hostile):
        query = RUNAWAY if h % 2 == 0 else MEMORY_BOMB
        threads += [
            threading.Thread(target=_hostile, args=(url, f"127.20.0.{h + 1}", query, stop, report))
            for _ in range(hostile_threads)
        ]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        report.peak_rss = max(report.peak_rss, tree_rss(server_pid))
        time.sleep(0.1)
    for thread in threads:
        thread.join()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True, help="the cvkg serve process")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--hostile", type=int, default=2)
    args = parser.parse_args()
    report = attack(
        args.url, args.pid, seconds=args.seconds, clients=args.clients, hostile=args.hostile
    )
    print(json.dumps(report.summary(), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

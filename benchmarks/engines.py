"""The SPARQL engines the benchmark compares, each loaded with the same dump and
reached over HTTP on loopback: this project's endpoint, Oxigraph's own server
(the ``oxigraph`` binary of the PyPI wheel), and Virtuoso: one started here
when it is installed, or a loaded one given by URL (``scripts/setup-virtuoso.sh``).
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import memory  # benchmarks/memory.py: RSS, PSS per process

from app.server.live import PROJECT_ROOT, free_port, processes, tree_rss

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))


@dataclass
class Engine:
    name: str
    url: str  # the SPARQL query URL
    process: subprocess.Popen[bytes] | None = None
    load_s: float = 0.0
    load_peak_mb: float = 0.0
    ready_s: float = 0.0  # from listening to quiet (start-up work done)
    start_s: float = 0.0  # from launch to listening (memory mode: the copy into memory)
    allocator: str = ""  # this endpoint's workers' malloc, as /healthz says
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=600))

    last_cached: bool = False  # the last answer came from this endpoint's result cache

    def query(self, text: str, accept: str = "application/sparql-results+json") -> bytes:
        response = self.client.post(self.url, data={"query": text}, headers={"Accept": accept})
        response.raise_for_status()
        self.last_cached = "cache;desc=hit" in response.headers.get("server-timing", "")
        return response.content

    @property
    def pid(self) -> int:
        """The server's process (0: not known)."""
        return 0 if self.process is None else self.process.pid

    def rss_mb(self) -> float:
        """Resident memory of the server and every process it started (workers)."""
        return tree_rss_kb(self.pid) / 1024 if self.pid else 0.0

    def cpu_s(self) -> float:
        """CPU seconds spent so far by the server and every process it started."""
        return tree_cpu_s(self.pid) if self.pid else 0.0

    def memory_mb(self) -> tuple[float, float]:
        """(RSS summed, PSS summed) of the server and its descendants: with forked
        workers sharing a copy of the data, only PSS counts the shared pages once."""
        if not self.pid:
            return 0.0, 0.0
        rows = memory.tree(self.pid)
        return sum(r.rss_mb for r in rows), sum(r.pss_mb for r in rows)

    def stop(self) -> None:
        self.client.close()
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def tree_rss_kb(pid: int) -> int:
    return tree_rss(pid) // 1024


def timed_child(argv: list[str]) -> tuple[float, float]:
    """Run a loader to completion: (wall s, peak MB of the largest child so far)."""
    start = time.perf_counter()
    subprocess.run(argv, check=True, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(1200):
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
        if process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(log.read_text(errors="replace"))


def tree_cpu_s(pid: int) -> float:
    """CPU seconds used so far by a process and every process it started, those it
    has reaped included (a worker replaced since still counts)."""
    children: dict[int, list[int]] = {}
    for entry, (parent, _state) in processes().items():
        children.setdefault(parent, []).append(entry)
    total, todo, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15]) / tick  # utime, stime, cutime, cstime
        todo.extend(children.get(current, []))
    return total


def wait_quiet(pid: int, limit: float = 900.0, window: float = 3.0) -> float:
    """Seconds until the server and its workers use < 10 % of a core over ``window``:
    its start-up work (the comparative API's warm-up) must not share the run."""
    start = time.perf_counter()
    before = tree_cpu_s(pid)
    while time.perf_counter() - start < limit:
        time.sleep(window)
        now = tree_cpu_s(pid)
        if now - before < 0.1 * window:
            break
        before = now
    return time.perf_counter() - start


def start_ours(
    dump: Path,
    workdir: Path,
    *,
    store: Path | None = None,
    env: dict[str, str] | None = None,
    name: str = "cvkg",
) -> Engine:
    """This endpoint on ``store`` (an already loaded one, opened read-only) or on a
    store loaded here from ``dump``; ``env``: more ``CVKG_`` settings (e.g.
    ``CVKG_STORE_MODE``); ``name``: its column in the tables."""
    wall = peak = 0.0
    store_dir = store or workdir / "store-cvkg"
    if store is None:
        shutil.rmtree(store_dir, ignore_errors=True)
        code = (
            "import sys; from pathlib import Path; from app.server.store import prepare_store; "
            "prepare_store(Path(sys.argv[1]), Path(sys.argv[2]))"
        )
        wall, peak = timed_child([sys.executable, "-c", code, str(dump), str(store_dir)])
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CVKG_")}, **(env or {})}
    env["CVKG_QUERY_TIMEOUT"] = "600"
    env["CVKG_MAX_ROWS"] = "10000000"  # the same rows as the other engines
    env["CVKG_CLIENT_QUERY_SECONDS"] = "1000000"  # one client asks every heavy query
    log = workdir / f"{name}.log"
    launched = time.perf_counter()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("serve_store.py"))]
            + ["--store", str(store_dir), "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    wait_ready(f"{url}/healthz", process, log)
    engine = Engine(name, f"{url}/sparql", process, wall, peak)
    engine.start_s = time.perf_counter() - launched
    engine.ready_s = wait_quiet(process.pid)
    engine.allocator = httpx.get(f"{url}/healthz").json().get("worker_allocator", "?")
    return engine


def start_oxigraph(dump: Path, workdir: Path, *, store: Path | None = None) -> Engine:
    """Oxigraph's server on ``store`` (read-only) or on a store it loads from ``dump``."""
    wall = peak = 0.0
    store_dir = store or workdir / "store-oxigraph"
    if store is None:
        shutil.rmtree(store_dir, ignore_errors=True)
        argv = [OXIGRAPH, "load", "--location", str(store_dir), "--file", str(dump)]
        wall, peak = timed_child(argv)
        subprocess.run([OXIGRAPH, "optimize", "--location", str(store_dir)], check=False)
    port = free_port()
    log = workdir / "oxigraph.log"
    # No --timeout-s: Oxigraph's server (0.5.13) starts, for each query, a thread
    # that waits out the whole timeout even when the query ends at once; after
    # ≈ 16,000 of them (4 mappings each against vm.max_map_count, 65,530) it
    # panics and stops answering: a longer series of this benchmark's questions
    # crashed it so. Without its time limit Oxigraph is, if anything, faster.
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [OXIGRAPH, "serve-read-only", "--location", str(store_dir)]
            + ["--bind", f"127.0.0.1:{port}", "--union-default-graph"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, process, log)
    return Engine("oxigraph", f"{url}/query", process, wall, peak)


@dataclass
class Virtuoso(Engine):
    """A Virtuoso server, started by ``scripts/setup-virtuoso.sh``: its pid is read from
    its pid file. ``folder``: the one this benchmark started it in, stopped at the end
    (``None``: a server given by URL, left running)."""

    server_pid: int = 0
    folder: Path | None = None

    @property
    def pid(self) -> int:
        return self.server_pid

    def stop(self) -> None:
        super().stop()
        if self.folder is not None:
            subprocess.run(["bash", str(SETUP_VIRTUOSO), "--stop", str(self.folder)], check=False)


SETUP_VIRTUOSO = PROJECT_ROOT / "scripts" / "setup-virtuoso.sh"


def virtuoso_installed() -> bool:
    """Debian's virtuoso-opensource-7-bin (what setup-virtuoso.sh installs) is here."""
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


def start_virtuoso(dump: Path, workdir: Path) -> Engine:
    """Virtuoso on ``dump``, set up by ``scripts/setup-virtuoso.sh`` in ``workdir/virtuoso``
    (idempotent: a server of an earlier run with the same dump is reused) on two free
    ports (HTTP, then SQL), stopped by :meth:`Virtuoso.stop`."""
    folder = workdir / "virtuoso"
    port = _two_free_ports()
    argv = ["bash", str(SETUP_VIRTUOSO), str(dump), str(folder), str(port)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"setup-virtuoso.sh : échec ({done.returncode})\n{done.stderr}")
    url = done.stdout.strip().splitlines()[-1]
    load_s = float((folder / "load-seconds").read_text())
    pid = int((folder / "virtuoso.pid").read_text())
    return Virtuoso("virtuoso", url, load_s=load_s, server_pid=pid, folder=folder)


def _two_free_ports() -> int:
    """A port free with the next one (Virtuoso's SQL port is its HTTP port + 1)."""
    for _ in range(100):
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("aucune paire de ports libres pour Virtuoso")


def virtuoso(url: str) -> Engine:
    """An already running, already loaded Virtuoso (scripts/setup-virtuoso.sh): its load
    time and pid are read from its directory, ``$VIRTUOSO_DIR`` (the script's default);
    without it, the pid is the process listening on the URL's port (its CPU and memory
    are then measured too; its load time stays unknown, 0)."""
    folder = Path(os.environ.get("VIRTUOSO_DIR", "/tmp/cvkg-virtuoso"))
    try:
        load_s = float((folder / "load-seconds").read_text())
        pid = int((folder / "virtuoso.pid").read_text())
    except (OSError, ValueError):
        load_s, pid = 0.0, listening_pid(httpx.URL(url).port or 80)
    return Virtuoso("virtuoso", url, load_s=load_s, server_pid=pid)


def listening_pid(port: int) -> int:
    """The process listening on this local TCP port (0: none found, or not ours to see).

    Read in ``/proc/net/tcp`` (the socket's inode, state 0A = LISTEN) and the
    processes' open files.
    """
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            files = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        if inodes.intersection(files):
            return pid
    return 0

"""The query workers' ``malloc``: which library ``CVKG_WORKER_ALLOCATOR`` picks, and
that the workers (not the server) really run with it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from attack_helpers import MEMORY_BOMB, live_children

from app.server.allocator import AllocatorError, preload_environment, worker_preload
from app.server.live import PROJECT_ROOT, live_server

ASK = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _one_triple(folder: Path) -> Path:
    data = folder / "one.nt"
    data.write_text('<http://example.org/a> <http://example.org/b> "c" .\n', encoding="utf-8")
    return data


def _library(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(b"\x7fELF")  # only looked for, never loaded here
    return folder / name


def test_auto_prefers_mimalloc_then_jemalloc_in_the_order_of_the_folders(tmp_path: Path) -> None:
    venv, system = tmp_path / "venv", tmp_path / "system"
    jemalloc = _library(venv, "libjemalloc.so.2")
    assert worker_preload("auto", search=(venv, system)) == jemalloc
    mimalloc = _library(system, "libmimalloc.so.3")
    assert worker_preload("auto", search=(venv, system)) == mimalloc  # mimalloc wherever it is
    first = _library(venv, "libmimalloc.so.2.0")
    assert worker_preload("auto", search=(venv, system)) == first  # the venv's copy first
    assert worker_preload("system", search=(venv, system)) is None
    (tmp_path / "empty").mkdir()
    assert worker_preload("auto", search=(tmp_path / "empty",)) is None


def test_a_symbolic_link_is_preloaded_as_the_file_it_names(tmp_path: Path) -> None:
    real = _library(tmp_path, "libmimalloc.so.2.0")
    (tmp_path / "libmimalloc.so.2").symlink_to(real.name)
    assert worker_preload("auto", search=(tmp_path,)) == real


@pytest.mark.parametrize("setting", ["libmimalloc.so.2", "/nowhere/libmimalloc.so.2", "/tmp"])
def test_a_setting_that_names_no_library_file_is_refused(setting: str) -> None:
    with pytest.raises(AllocatorError, match="CVKG_WORKER_ALLOCATOR"):
        worker_preload(setting)


def test_a_file_that_is_not_a_shared_library_is_neither_taken_nor_accepted(
    tmp_path: Path,
) -> None:
    text = tmp_path / "libmimalloc.so.2"
    text.write_text("INPUT(libmimalloc.so.2.0)\n", encoding="ascii")  # a linker script, say
    assert worker_preload("auto", search=(tmp_path,)) is None
    with pytest.raises(AllocatorError, match="ELF"):
        worker_preload(str(text))
    jemalloc = _library(tmp_path, "libjemalloc.so.2")
    assert worker_preload("auto", search=(tmp_path,)) == jemalloc  # the next one found


def test_the_users_own_preloads_are_kept_after_ours() -> None:
    ours = Path("/lib/libmimalloc.so.2")
    env = preload_environment({"LD_PRELOAD": "/a/libx.so  /lib/libmimalloc.so.2"}, ours)
    assert env["LD_PRELOAD"] == "/lib/libmimalloc.so.2 /a/libx.so"
    env = preload_environment({"PATH": "/bin"}, ours)
    assert env["PATH"] == "/bin" and env["LD_PRELOAD"] == str(ours)
    assert preload_environment({"PATH": "/bin"}, None) == {"PATH": "/bin"}  # system: untouched


def test_serve_refuses_a_wrong_setting_before_loading_anything(tmp_path: Path) -> None:
    data = _one_triple(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CVKG_")}
    env["CVKG_WORKER_ALLOCATOR"] = str(tmp_path / "libabsent.so")
    done = subprocess.run(  # noqa: S603 (our own CLI)
        [sys.executable, "-m", "app.cli", "serve", "--data", str(data), "--port", "0"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert "CVKG_WORKER_ALLOCATOR" in done.stderr and "libabsent.so" in done.stderr
    assert "chargé" not in done.stderr  # nothing loaded


def _mapped(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text(encoding="ascii", errors="replace")


def _workers_of(server_pid: int) -> list[int]:
    """The server's query workers (a child caught between fork and exec is still
    the server's image, with the server's command line: left out)."""
    return [p for p in live_children(server_pid) if b"app.server.worker_main" in _command(p)]


def _command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


FOUND = worker_preload("auto")


@pytest.mark.skipif(
    FOUND is None, reason="ni mimalloc ni jemalloc sur cette machine (scripts/fetch-allocator.sh)"
)
def test_workers_run_with_the_library_and_the_server_without(
    tmp_path: Path, data_files: list[Path]
) -> None:
    """Each worker maps the preloaded library, answers, and still stops at its
    memory cap (``RLIMIT_DATA``: the allocator's own reservations count too)
    with the usual 507; the server process keeps the C library's malloc."""
    assert FOUND is not None
    settings = {"CVKG_QUERY_MEMORY": "300M", "CVKG_QUERY_TIMEOUT": "20"}
    with live_server(data_files, tmp_path / "serve.log", env=settings) as server:
        assert httpx.get(f"{server.url}/healthz").json()["worker_allocator"] == FOUND.name
        answer = httpx.get(server.sparql, params={"query": ASK}, headers={"Accept": "text/csv"})
        triples = int(answer.text.splitlines()[1])
        assert triples > 3000  # the filler and the two contracts
        workers = _workers_of(server.process.pid)
        assert workers, server.log()
        for pid in workers:
            assert str(FOUND) in _mapped(pid), f"worker {pid} without {FOUND}"
        assert str(FOUND) not in _mapped(server.process.pid)
        bomb = httpx.get(server.sparql, params={"query": MEMORY_BOMB}, timeout=60)
        assert bomb.status_code == 507, bomb.text
        assert "300 Mio" in bomb.text
        again = httpx.get(server.sparql, params={"query": ASK}, headers={"Accept": "text/csv"})
        assert int(again.text.splitlines()[1]) == triples


def test_system_keeps_the_c_librarys_malloc(tmp_path: Path) -> None:
    data = _one_triple(tmp_path)
    env = {"CVKG_WORKER_ALLOCATOR": "system"}
    with live_server([data], tmp_path / "serve.log", env=env) as server:
        assert httpx.get(f"{server.url}/healthz").json()["worker_allocator"] == "system"
        workers = _workers_of(server.process.pid)
        assert workers, server.log()
        for pid in workers:
            assert "malloc.so" not in _mapped(pid)


def test_what_the_map_holds_is_what_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.server.allocator import in_this_process

    library = _library(tmp_path, "libmimalloc.so.2.0")
    maps = tmp_path / "maps"
    line = "7f0000000000-7f0000001000 r--p 00000000 fe:00 42       {}\n"
    maps.write_text(line.format("/usr/lib/libc.so.6") + line.format(library), encoding="ascii")
    for name, value in preload_environment({}, library).items():
        monkeypatch.setenv(name, value)
    assert in_this_process(maps) == "libmimalloc.so.2.0"
    absent = tmp_path / "libjemalloc.so.2"
    for name, value in preload_environment({}, absent).items():  # asked, not loaded
        monkeypatch.setenv(name, value)
    assert in_this_process(maps) == "system"
    monkeypatch.setenv("LD_PRELOAD", "/usr/lib/libc.so.6")  # the user's own, not ours
    monkeypatch.delenv("_CVKG_WORKER_MALLOC")
    assert in_this_process(maps) == "system"


def test_a_library_the_loader_skips_is_not_reported_as_the_workers(tmp_path: Path) -> None:
    """An ELF executable passes the setting's check, but the dynamic loader cannot
    preload it and carries on with the C library's malloc: /healthz says so."""
    found = shutil.which("true")  # any program but the worker's own interpreter
    if found is None:
        pytest.skip("pas de programme « true » ici")
    executable = Path(os.path.realpath(found))
    data = _one_triple(tmp_path)
    env = {"CVKG_WORKER_ALLOCATOR": str(executable)}
    with live_server([data], tmp_path / "serve.log", env=env) as server:
        assert httpx.get(f"{server.url}/healthz").json()["worker_allocator"] == "system"
        answer = httpx.get(server.sparql, params={"query": ASK}, headers={"Accept": "text/csv"})
        assert answer.text.splitlines() == ["n", "1"]


def test_setup_fetches_a_library_that_auto_then_finds(tmp_path: Path) -> None:
    """``scripts/fetch-allocator.sh`` (run by ``make setup``) into a fresh venv folder."""
    script = PROJECT_ROOT / "scripts" / "fetch-allocator.sh"
    first = subprocess.run(  # noqa: S603 (our own script)
        ["bash", str(script), str(tmp_path)], capture_output=True, text=True, timeout=600
    )
    assert first.returncode == 0, first.stderr
    if "malloc de la libc" in first.stdout:  # no apt, or no package server: setup goes on
        pytest.skip(first.stdout.strip())
    folder = tmp_path / "lib" / "cvkg-allocator"
    found = worker_preload("auto", search=(folder,))
    assert found is not None and found.name in first.stdout, first.stdout
    assert (folder / f"COPYRIGHT-{found.name}").is_file()  # its licence travels with it
    again = subprocess.run(  # noqa: S603
        ["bash", str(script), str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 0 and "déjà là" in again.stdout, again.stdout

"""Loading the store: reuse when unchanged, atomic reload when not."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Store

from app.server.store import (
    StoreError,
    derived_graph_iri,
    load_files,
    mark_dirty,
    prepare_store,
    read_meta,
)

G = "http://example.org/g"


def write_dump(path: Path, n: int) -> Path:
    path.write_text(
        "".join(
            f'<http://example.org/s{i}> <http://example.org/p> "{i}" <{G}> .\n' for i in range(n)
        ),
        encoding="utf-8",
    )
    return path


def count(store_dir: Path) -> int:
    store = Store.read_only(str(store_dir))
    try:
        return len(store)
    finally:
        del store


def test_unchanged_dump_reopens_without_reloading(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "cvkg.nq", 10)
    store_dir = tmp_path / "var" / "store"
    prepare_store(dump, store_dir)
    assert count(store_dir) == 10
    loaded_at = read_meta(store_dir)["loaded_at"]
    prepare_store(dump, store_dir)
    assert read_meta(store_dir)["loaded_at"] == loaded_at


def test_changed_dump_is_reloaded_into_a_fresh_directory(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "cvkg.nq", 10)
    store_dir = tmp_path / "store"
    prepare_store(dump, store_dir)
    time.sleep(0.01)
    write_dump(dump, 20)
    os.utime(dump)
    prepare_store(dump, store_dir)
    assert count(store_dir) == 20  # not 30: a new store, not an addition
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".store.")]
    assert leftovers == [".store.lock"]


def test_a_store_left_dirty_by_a_write_is_reloaded_from_the_dump(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "cvkg.nq", 5)
    store_dir = tmp_path / "store"
    prepare_store(dump, store_dir)
    mark_dirty(store_dir)
    loaded_at = read_meta(store_dir)["loaded_at"]
    prepare_store(dump, store_dir)
    assert read_meta(store_dir)["loaded_at"] != loaded_at
    assert not read_meta(store_dir).get("dirty")


def test_failed_load_keeps_the_old_store(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "cvkg.nq", 5)
    store_dir = tmp_path / "store"
    prepare_store(dump, store_dir)
    dump.write_text("ceci n'est pas du N-Quads\n", encoding="utf-8")
    with pytest.raises(StoreError):
        prepare_store(dump, store_dir)
    assert count(store_dir) == 5


def test_data_files_keep_or_get_their_graphs(tmp_path: Path) -> None:
    trig = tmp_path / "a.trig"
    trig.write_text("<http://e/g1> { <http://e/s> <http://e/p> 1 . }", encoding="utf-8")
    ttl = tmp_path / "b.ttl"
    ttl.write_text("<http://e/s> <http://e/p> 2 .", encoding="utf-8")
    load_files([trig, ttl], None, tmp_path / "s1")
    store = Store.read_only(str(tmp_path / "s1"))
    assert {g.value for g in store.named_graphs()} == {"http://e/g1", derived_graph_iri(ttl)}
    del store
    load_files([ttl], "http://e/mine", tmp_path / "s2")
    store = Store.read_only(str(tmp_path / "s2"))
    assert store.contains_named_graph(NamedNode("http://e/mine"))
    del store


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    odd = tmp_path / "x.docx"
    odd.write_text("?", encoding="utf-8")
    with pytest.raises(StoreError, match="format"):
        load_files([odd], None, tmp_path / "s")


def test_blank_nodes_keep_their_identity_across_slices(tmp_path: Path, monkeypatch) -> None:
    import app.server.bulk_load as bulk_module

    monkeypatch.setattr(bulk_module, "CHUNK_BYTES", 120)  # many slices
    lines = ['_:b1 <http://e/p> "1" <http://e/g> .\n']
    lines += [f'<http://e/s{i}> <http://e/p> "{i}" <http://e/g> .\n' for i in range(20)]
    lines += [
        '_:b1 <http://e/p> "2" <http://e/g> .\n',
        "<http://e/x> <http://e/q> _:b1 <http://e/g> .\n",
    ]
    dump = tmp_path / "bnodes.nq"
    dump.write_text("".join(lines), encoding="utf-8")
    prepare_store(dump, tmp_path / "store")
    store = Store.read_only(str(tmp_path / "store"))
    assert len(store) == 23
    rows = list(
        store.query(
            "SELECT (COUNT(DISTINCT ?b) AS ?n) { GRAPH ?g { <http://e/x> <http://e/q> ?b . ?b <http://e/p> ?v } }"
        )
    )
    assert rows[0]["n"].value == "1"
    assert (
        len(list(store.query("SELECT ?v { GRAPH ?g { ?b <http://e/p> ?v FILTER(isBlank(?b)) } }")))
        == 2
    )
    del store

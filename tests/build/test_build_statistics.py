"""The dumps' VoID sizes merged from the parts' counts are those counted on the dump's quads.

Each part counts the subjects its contract alone mints instead of listing them
(app/build_statistics.py); the merge must give what counting every quad of the
written dump gives — on the real build, and on parts built to break the rule
(a contract describing another's node, one id in two parts), where the build
counts from the quads instead.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from app.build_statistics import Merged, own_roots, void_statistics
from app.dump_parts import dump_part
from app.dumps import DUMP_NQ, write_dataset

BASE = "https://example.org/id/"
ROOTS = own_roots(BASE)


def _counted(directory: Path) -> dict[str, object]:
    return void_statistics(ox.parse(path=directory / DUMP_NQ, format=ox.RdfFormat.N_QUADS))


def _contract(cid: str, extra: list[str] = ()) -> list[tuple[str, list[str]]]:
    """A contract's graph and its facts: its own IRIs, a territory two contracts share,
    its IRI as a subject in both graphs, and ``extra`` lines."""
    me, t = f"<{BASE}contrat/{cid}>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    lines = [
        f"{me} {t} <https://example.org/onto#Contrat> .",
        f"<{BASE}contrat/{cid}/axe-1> {t} <https://example.org/onto#Axe> .",
        f"<{BASE}contrat/{cid}#note> <https://example.org/onto#p> {me} .",
        f'<{BASE}territoire/commun> <https://example.org/onto#nom> "Commun" .',
        *extra,
    ]
    facts = [
        f'{me} <https://example.org/onto#n> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        f"<{BASE}synthese/contrat/{cid}/theme/x> {t} <https://example.org/onto#Fait> .",
    ]
    return [(f"{BASE}graph/contrat/{cid}", sorted(lines)), (f"{BASE}graph/synthese", facts)]


def _merged(parts: list) -> dict[str, object] | None:
    merged = Merged(ROOTS)
    for part in parts:
        merged.add(part.sizes)
    return merged.statistics()


def test_merged_sizes_are_those_of_the_quads(tmp_path: Path) -> None:
    parts = [dump_part(_contract(cid), owner=cid, roots=ROOTS) for cid in ("a", "a-2", "b")]
    parts.append(dump_part([(f"{BASE}graph/vocabulaire", _contract("v")[0][1])]))  # no owner
    assert parts[0].sizes[""] == {"owner": "a", "own": 4}  # its IRI in two graphs: once
    stats = write_dataset(tmp_path, parts, ROOTS)
    assert _merged(parts) == stats == _counted(tmp_path)
    assert stats["entities"] == 4 * 3 + 3 + 1  # 3 contracts, "v" listed, the territory


def test_a_contract_describing_anothers_node_is_counted_from_the_quads(tmp_path: Path) -> None:
    theirs = f'<{BASE}contrat/a/axe-1> <https://example.org/onto#vu> "par b" .'
    mine = f'<{BASE}contrat/a-2/axe-9> <https://example.org/onto#vu> "par b" .'
    parts = [
        dump_part(_contract("a"), owner="a", roots=ROOTS),
        dump_part(_contract("b", [theirs, mine]), owner="b", roots=ROOTS),
    ]
    assert _merged(parts) is None  # <…/contrat/a/axe-1> would be counted twice
    assert write_dataset(tmp_path, parts, ROOTS) == _counted(tmp_path)
    again = [parts[0], dump_part(_contract("b", [mine]), owner="b", roots=ROOTS)]
    assert _merged(again) is not None  # "a-2" is no contract of the build: listed, exact
    assert write_dataset(tmp_path, again, ROOTS) == _counted(tmp_path)


def test_an_id_in_two_parts_or_with_a_slash_is_counted_from_the_quads(tmp_path: Path) -> None:
    twice = [dump_part(_contract("a"), owner="a", roots=ROOTS) for _ in range(2)]
    assert _merged(twice) is None
    unchecked = Merged(())  # owned counts, but no roots to check them against
    unchecked.add(twice[0].sizes)
    assert unchecked.statistics() is None
    slash = dump_part(_contract("a/b"), owner="a/b", roots=ROOTS)
    assert "" not in slash.sizes  # it owns nothing: every subject listed
    assert _merged([slash]) == write_dataset(tmp_path, [slash], ROOTS) == _counted(tmp_path)
    parts = [dump_part(_contract("a"), owner="a", roots=ROOTS), slash]
    assert _merged(parts) is None  # <…/contrat/a/b> is under a's IRI
    assert write_dataset(tmp_path, parts, ROOTS) == _counted(tmp_path)


def test_the_build_records_the_sizes_of_its_dump(built_dir: Path) -> None:
    import json

    info = json.loads((built_dir / "build-info.json").read_text(encoding="utf-8"))
    assert info["void"] == _counted(built_dir)

"""The JSON-LD files' arrays and nodes in the order of their JSON text.

``app.rdf.context`` sorts every JSON-LD array by each item's JSON
(``json.dumps(item, ensure_ascii=False, sort_keys=True)``), so that the same
triples give the same bytes in any process. It takes shortcuts — strings by
their JSON string alone, nodes by their ``@id`` — that must give that same
order, on identifiers chosen to trip them: one a prefix of another followed by
a character below or above the closing quote, quotes, backslashes, control
characters, non-ASCII.
"""

from __future__ import annotations

import json
import random
from typing import Any

from app.rdf.context import _sorted_nodes, _sorted_values

_PIECES = ["a", "ab", "ab ", "ab!", 'ab"', "ab#", "ab\\", "ab\t", "ab\x00", "é", "ab~", "", "Z"]


def _reference(value: Any) -> Any:
    """Every array sorted by its items' JSON text (lists under ``@list`` kept)."""
    if isinstance(value, dict):
        return {k: v if k == "@list" else _reference(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_reference(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(rng.randrange(1, 4)))


def _node(rng: random.Random, node_id: str) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": node_id, "label": [_text(rng) for _ in range(rng.randrange(4))]}
    node["valeur"] = [{"@value": _text(rng), "@language": "fr"}, _text(rng), 3]
    node["@list"] = [_text(rng), _text(rng)]
    return node


def test_nodes_and_arrays_in_the_order_of_their_json() -> None:
    rng = random.Random(7)
    for _ in range(300):
        ids = list({_text(rng) for _ in range(rng.randrange(1, 12))})
        nodes = [_node(rng, i) for i in ids]
        assert _sorted_nodes(nodes) == _reference(nodes)
        assert json.dumps(_sorted_nodes(nodes)) == json.dumps(_reference(nodes))


def test_nodes_the_shortcut_does_not_fit_are_sorted_by_their_json() -> None:
    cases = [
        [{"@id": "b"}, {"@id": "b", "x": "1"}, {"@id": "a"}],  # the same @id twice
        [{"@id": "b"}, {"!first": "x", "@id": "a"}],  # a key before @id
        [{"@id": 2}, {"@id": 1}],  # an @id that is not a string
        [{"@type": "T"}, {"@id": "a"}],  # no @id
        ["b", "a"],
        [],
    ]
    for nodes in cases:
        assert json.dumps(_sorted_nodes(nodes)) == json.dumps(_reference(nodes))
        assert json.dumps(_sorted_values(nodes)) == json.dumps(_reference(nodes))

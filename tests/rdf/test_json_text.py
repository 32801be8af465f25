"""``dumps_indented`` writes ``json.dumps(value, ensure_ascii=False, indent=1)``'s text.

The contracts' JSON-LD files must keep their bytes; compared here with the
standard library on values of every kind JSON-LD compaction makes (and a few
it never makes, which must still come out the same).
"""

from __future__ import annotations

import json
import random
from typing import Any

from app.rdf.json_text import dumps_indented

_TEXTS = [
    "",
    "a",
    "Santé",
    'dit "oui"',
    "a\\b",
    "ligne\nautre",
    "\t\r\x00\x1f",
    "\u2028 \ud7ff €",
    "🙂",
]


def _value(rng: random.Random, depth: int) -> Any:
    kind = rng.randrange(10 if depth < 4 else 6)
    if kind == 0:
        return rng.choice(_TEXTS) + str(rng.randrange(100))
    if kind == 1:
        return rng.choice([0, -1, 7, 10**30, -(2**63)])
    if kind == 2:
        return rng.choice([0.5, -0.0, 1e300, 3.14159, 1e-7])
    if kind == 3:
        return rng.choice([True, False, None])
    if kind in (4, 5):
        return rng.choice(_TEXTS)
    if kind in (6, 7):
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(_TEXTS) + k: _value(rng, depth + 1) for k in "abc"[: rng.randrange(4)]}


def test_the_same_text_as_json_dumps() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        value = _value(rng, 0)
        assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=1)


def test_what_it_leaves_to_json_dumps_comes_out_the_same() -> None:
    for value in (
        {"a": [1, {2: "int key"}]},
        {None: 1, "b": {True: [None]}},  # keys json.dumps writes as text
        {"x": float("nan")},
        [float("inf"), -float("inf")],
        {"t": (1, 2)},  # a tuple is written as a list
        {"s": "x", "n": 1.0},
    ):
        assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=1)


def test_deep_nesting_the_same_text() -> None:
    """Past the indents made in advance (16 levels), each level still one space more."""
    value: Any = "fond"
    for depth in range(40):
        value = {f"n{depth}": [value, depth]} if depth % 2 else [value, {}]
    assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=1)

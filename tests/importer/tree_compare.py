"""Compare a drafted contract with an expected tree, by label under parent label.

Independent of the importer: it reads two lists of (label, parent label) and
counts matches after the provenance check's own normalisation, so a draft is
right when a curator would find the same element under the same parent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from app.curation.provenance import normalise


def _key(text: str | None) -> str:
    return normalise(text).casefold() if text else ""


def pairs_of(elements: list[dict]) -> list[tuple[str, str]]:
    """(label, parent label) of each element of a contract file's ``elements`` list."""
    by_id = {e["id"]: e for e in elements}
    return [
        (_key(e["label"]), _key(by_id[e["parent"]]["label"]) if e.get("parent") else "")
        for e in elements
    ]


@dataclass
class TreeScore:
    expected: int
    drafted: int
    matched: int

    @property
    def recall(self) -> float:
        """Share of expected elements drafted with the same label under the same parent."""
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        """Share of drafted elements that are right (same label, same parent)."""
        return self.matched / self.drafted if self.drafted else 0.0


def compare(expected: list[tuple[str, str]], drafted: list[tuple[str, str]]) -> TreeScore:
    want = Counter((_key(a) if a else "", _key(b) if b else "") for a, b in expected)
    got = Counter((_key(a) if a else "", _key(b) if b else "") for a, b in drafted)
    matched = sum((want & got).values())
    return TreeScore(sum(want.values()), sum(got.values()), matched)


def tree(spec: str) -> list[tuple[str, str]]:
    """An expected tree written by hand, one element a line, indented by two spaces:

    >>> tree('''
    ... Axe 1
    ...   Objectif A
    ... ''')
    [('Axe 1', ''), ('Objectif A', 'Axe 1')]
    """
    out: list[tuple[str, str]] = []
    stack: list[tuple[int, str]] = []
    for raw in spec.splitlines():
        if not raw.strip():
            continue
        depth = (len(raw) - len(raw.lstrip(" "))) // 2
        label = raw.strip()
        while stack and stack[-1][0] >= depth:
            stack.pop()
        out.append((label, stack[-1][1] if stack else ""))
        stack.append((depth, label))
    return out

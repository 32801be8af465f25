"""The one tree builder: rows of a strategy tree (``contrat-arbre.rq``) nested under their parents.

The API's ``/api/contrats/{id}`` and the site's contract and element pages
both show a contract's tree from the same query; they differ only in what a
node looks like (plain values, links), so the nesting — who is whose child,
what counts as a root — is decided here once.

>>> rows = [{"e": "b", "p": "a", "r": 2}, {"e": "a", "p": None, "r": 1},
...         {"e": "c", "p": "a", "r": 1}]
>>> kids = nest(rows, lambda r: r["e"], lambda r: r["p"], lambda r: r["r"])
>>> [r["e"] for r in kids[None]], [r["e"] for r in kids["a"]]
(['a'], ['c', 'b'])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def nest(
    items: Iterable[T],
    ident: Callable[[T], str],
    parent: Callable[[T], str | None],
    order: Callable[[T], Any],
) -> dict[str | None, list[T]]:
    """Each item's children by its id, the roots under ``None``, siblings sorted by ``order``.

    An item whose parent is not among ``items`` is a root: a subtree read on
    its own, or a parent outside the rows asked for, still shows.
    """
    items = list(items)
    known = {ident(i) for i in items}
    children: dict[str | None, list[T]] = {}
    for item in items:
        above = parent(item)
        children.setdefault(above if above in known else None, []).append(item)
    for siblings in children.values():
        siblings.sort(key=order)  # stable: ties keep the rows' order
    return children

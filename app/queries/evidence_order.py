"""The order of the evidence rows, the same for every reader of the precomputed facts.

``contrats-par-theme.rq`` and ``contrats-par-dispositif.rq`` sort their rows
(``ORDER BY ?id ?ligne ?element ?themeReconnu``); ``preuves-*.rq``, which give
the same rows for some contracts, leave the sort to their reader (it cost
pyoxigraph up to a third of the query). The API and the site's pages sort them
with this key, so both show the rows as the whole query would.
"""

from __future__ import annotations

from typing import Any


def in_order(row: dict[str, Any]) -> tuple[Any, ...]:
    """The sort key of a row of plain values (an unbound line first).

    >>> rows = [{"id": "b", "element": "e"}, {"id": "a", "ligne": 9, "element": "e"},
    ...         {"id": "a", "element": "z"}, {"id": "a", "ligne": 10, "element": "d"}]
    >>> [(r["id"], r.get("ligne")) for r in sorted(rows, key=in_order)]
    [('a', None), ('a', 9), ('a', 10), ('b', None)]
    """
    ligne = row.get("ligne")
    return (row["id"], ligne is not None, ligne or 0, row["element"], row.get("themeReconnu") or "")

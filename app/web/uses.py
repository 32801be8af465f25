"""The contracts and elements behind a theme's or a dispositif's page, a slice at a time.

At national scale a broad theme (*Santé*) is addressed by nearly every
contract, through thousands of elements: read whole (``contrats-par-theme.rq``)
its page took 6-10 s at 825 contracts, and its query passed the row cap, so
the page showed a part without saying so. The page now lists the contracts
``CVKG_PAGE_CONTRACTS`` (50) at a time (``?page=N``), in id order, from the facts
precomputed at build time (``contrats-du-concept.rq``), then reads the
evidence of that slice only (``preuves-theme.rq`` / ``preuves-dispositif.rq``:
the same rows as the whole query, tests/synthese). A store without any such
fact (``cvkg serve --data`` on other files, ``synthese-presente.rq``) gets the
whole query, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.config import API_MAX_CONTRACTS
from app.queries.evidence_order import in_order
from app.server import errors
from app.web.pagemodel import Link, Page, Use, UseItem
from app.web.sparql import Row

if TYPE_CHECKING:
    from app.web.views import Context


def page_number(raw: str | None) -> int:
    """``?page=`` of a page (1 when absent); 400 for anything but a positive integer."""
    if raw is None:
        return 1
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:  # "²" is a digit to Python
        raise errors.bad_request(f"page={raw!r} : un entier à partir de 1 est attendu.")
    return int(raw)


async def fill(
    ctx: Context, page: Page, concept: str, kind: str, asked: str | None, per_page: int
) -> None:
    """``page.uses`` for the theme or dispositif ``concept`` (``kind``: ``theme`` or
    ``dispositif``): slice ``asked`` (the raw ``?page=``) of its contracts,
    ``per_page`` of them, with their elements.

    ``?page=`` is read here, not by the router: only these pages have slices, so
    only they refuse a wrong one; any other page ignores it, as it ignores any
    parameter it does not use."""
    number = page_number(asked)
    facts = await ctx.sparql.select(ctx.bind("contrats-du-concept", concept=[concept]))
    if not facts and await ctx.sparql.select(ctx.bind("synthese-presente")):
        return  # facts for other concepts: none of this one (a generation…)
    if not facts:
        whole = "contrats-par-theme" if kind == "theme" else "contrats-par-dispositif"
        rows = await ctx.sparql.select(ctx.bind(whole, **{kind: [concept]}))
        _add_rows(ctx, page, concept, rows)
        page.uses_total = len(page.uses)
        return
    pages = -(-len(facts) // per_page)
    if number > pages:
        raise errors.not_found(
            f"page={number} : il n'y a que {pages} page(s) de {per_page} contrats pour <{concept}>."
        )
    start = (number - 1) * per_page
    chosen = [row["fait"].value for row in facts[start : start + per_page]]
    rows = await ctx.sparql.select(ctx.bind(f"preuves-{kind}", fait=chosen))
    _add_rows(ctx, page, concept, sorted(rows, key=_in_order))
    page.uses_total = len(facts)
    page.uses_first = start + 1
    if pages > 1:
        api = f"/api/{kind}s/{concept.rsplit('/', 1)[-1]}"
        page.uses_whole = Link.make(f"{api}?format=csv&limit={API_MAX_CONTRACTS}", "CSV", "")
        page.uses_pages = [
            Link.make(f"{ctx.path}?page={n}#usages", str(n), "") for n in range(1, pages + 1)
        ]
        page.uses_current = number


def _in_order(row: Row) -> tuple[object, ...]:
    """The whole query's order (``evidence_order``) for rows of pyoxigraph terms."""
    ligne = row.get("ligne")
    return in_order(
        {
            "id": row["id"].value,
            "ligne": int(ligne.value) if ligne is not None else None,
            "element": row["element"].value,
            "themeReconnu": row["themeReconnu"].value if "themeReconnu" in row else None,
        }
    )


def _add_rows(ctx: Context, page: Page, concept: str, rows: list[Row]) -> None:
    """The rows of a ``contrats-par-*`` or ``preuves-*`` query as contracts and elements."""
    uses: dict[str, Use] = {}
    items: dict[str, UseItem] = {}  # one per element, whatever the number of themes matched
    for row in rows:
        cid, element = row["contrat"].value, row["element"].value
        if cid not in uses:
            text = row["titre"].value if "titre" in row else row["id"].value
            uses[cid] = Use(contract=ctx.link(cid, text))
        if element not in items:
            notation = row["notation"].value if "notation" in row else None
            text = f"{notation} {row['label'].value}" if notation else row["label"].value
            items[element] = UseItem(
                link=ctx.link(element, text), classe=ctx.term_labels.get(row["classe"].value, "")
            )
            uses[cid].items.append(items[element])
        item = items[element]
        via = row.get("themeReconnu")
        if via is not None and via.value != concept:
            label = row["themeLabel"].value if "themeLabel" in row else None
            item.vias.append(ctx.link(via.value, label))
        for word in (row["motsReconnus"].value if "motsReconnus" in row else "").split(" | "):
            if word and word not in item.words:
                item.words.append(word)
    page.uses = list(uses.values())
    page.uses_count = sum(len(u.items) for u in page.uses)

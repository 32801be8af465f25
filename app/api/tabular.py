"""JSON or CSV for every answer of the comparative API, cached per data version.

An answer is built once as an :class:`Answer` — a JSON document *and* the flat
table a spreadsheet or ``pandas.read_csv`` wants — then rendered in the format
the client asked for (``?format=csv|json``, else the ``Accept`` header; JSON by
default). The answer is cached on the data version as bytes (:class:`Kept`:
its JSON body and its table, both compact), not as Python objects, which for
national answers weigh five to ten times more; each other rendering and its
gzip are cached too, so a repeated call costs a dictionary lookup.

Every answer says which SPARQL file it comes from: ``"query"`` (and
``"parameters"``) in JSON, a ``Link: </queries/….rq>; rel="describedby"`` header
in both forms.

>>> a = Answer({"n": 1}, ["x", "y"], [{"x": 1, "y": ["a", "b"]}])
>>> render(a, CSV)[0].decode()
'x,y\\r\\n1,a | b\\r\\n'
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import HTTPException, Query, Request
from fastapi.responses import Response

from app.api.deps import GraphData
from app.config import API_MAX_CONTRACTS
from app.server.cache import AnswerCache
from app.server.negotiation import Offer, choose, content_type

GZIP_MIN_BYTES = 4096
JSON = Offer("application/json", "json")
CSV = Offer("text/csv", "csv")
OFFERS = (JSON, CSV)
LIST_SEPARATOR = " | "

FormatParam = Annotated[
    Literal["json", "csv"] | None,
    Query(
        description="Format de la réponse ; sinon l'en-tête Accept décide (JSON par défaut, "
        "CSV pour « Accept: text/csv »).",
    ),
]

MAX_LIMIT = API_MAX_CONTRACTS
DEFAULT_LIMIT = 100
LimitParam = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_LIMIT,
        description=(
            f"Nombre de contrats par page (jusqu'à {MAX_LIMIT} : tous). Par défaut "
            f"{DEFAULT_LIMIT} en JSON, tous en CSV."
        ),
    ),
]
OffsetParam = Annotated[int, Query(ge=0, description="Rang du premier contrat de la page.")]


def page_size(request: Request, forced: str | None, limit: int | None) -> int:
    """The page's size: as asked, else 100 contracts in JSON (``pagination.suivant``
    gives the next page) and every one in CSV, where a spreadsheet has no next page to
    follow: an export of every contract stopped at 100, silently."""
    if limit is not None:
        return limit
    return MAX_LIMIT if choose_format(request, forced).format == "csv" else DEFAULT_LIMIT


def page(items: list[Any], offset: int, limit: int, path: str) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``items`` and what a client needs to ask for the next one.

    National answers (every contract addressing a broad theme, with its
    evidence) run to megabytes; a page keeps a call light, and ``total`` still
    says how many there are.

    >>> page(list(range(5)), 0, 2, "/api/x")[1]["suivant"]
    '/api/x?offset=2&limit=2'
    """
    chunk = items[offset : offset + limit]
    more = offset + limit < len(items)
    return chunk, {
        "total": len(items),
        "offset": offset,
        "limit": limit,
        "suivant": f"{path}?offset={offset + limit}&limit={limit}" if more else None,
    }


TABULAR_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON (défaut) ou CSV (`Accept: text/csv` ou `?format=csv`).",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    },
    404: {"description": "Identifiant inconnu (message en clair)."},
    406: {"description": "Aucun format acceptable dans l'en-tête Accept."},
    422: {"description": "Paramètre invalide : lequel et pourquoi (`detail[].loc`, `msg`)."},
}


@dataclass
class Answer:
    """One answer: its JSON document and its table (columns, flat rows)."""

    document: dict[str, Any]
    columns: Sequence[str]
    rows: list[dict[str, Any]]

    @property
    def queries(self) -> list[str]:
        """The SPARQL files behind the answer, main one first."""
        return list(self.document.get("queries") or [self.document["query"]])


@dataclass(frozen=True)
class Body:
    """A response body as kept: gzip-compressed once it is worth it (≥ ``GZIP_MIN_BYTES``).

    Kept compressed, a national answer weighs an eighth of its text (20.4 MB of
    JSON for every contract addressing « Santé » at 2,000 contracts, 2.6 MB
    gzipped); most clients (browsers, pandas, httpx) take it as is, the others
    get it inflated. Level 1: the compression is on the first call's path, and
    level 5 took twice as long for 25 % less (80 against 159 ms for that body,
    2.62 against 1.97 MB; the table beside it costs as much again).
    """

    data: bytes
    gzipped: bool

    @classmethod
    def pack(cls, raw: bytes) -> Body:
        if len(raw) >= GZIP_MIN_BYTES:
            return cls(gzip.compress(raw, 1), True)
        return cls(raw, False)

    def raw(self) -> bytes:
        return gzip.decompress(self.data) if self.gzipped else self.data

    @property
    def nbytes(self) -> int:  # app.server.cache.weight
        return len(self.data) + 64


@dataclass(frozen=True)
class Kept:
    """An answer as the cache keeps it: the JSON body, the table as compact JSON
    (``[columns, rows]``, for the CSV rendering), and the SPARQL files behind it."""

    json_body: Body
    table: Body
    queries: list[str]

    @property
    def nbytes(self) -> int:  # app.server.cache.weight
        return self.json_body.nbytes + self.table.nbytes + 256


def keep(answer: Answer) -> Kept:
    body, _ = render(answer, JSON)
    table = json.dumps(
        [list(answer.columns), answer.rows], ensure_ascii=False, separators=(",", ":"), default=str
    )
    return Kept(Body.pack(body), Body.pack(table.encode("utf-8")), answer.queries)


def choose_format(request: Request, forced: str | None) -> Offer:
    """The format to answer in: the ``format`` parameter, else content negotiation."""
    if forced is not None:
        return CSV if forced == "csv" else JSON
    offer = choose(request.headers.get("accept"), OFFERS)
    if offer is None:
        raise HTTPException(
            status_code=406,
            detail="Formats possibles : application/json, text/csv "
            "(en-tête « Accept: text/csv » ou paramètre « ?format=csv »).",
        )
    return offer


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(_cell(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def render(answer: Answer, offer: Offer) -> tuple[bytes, str]:
    """The body and Content-Type of ``answer`` in ``offer``'s format."""
    if offer.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(answer.columns)
        for row in answer.rows:
            writer.writerow([_cell(row.get(c)) for c in answer.columns])
        return out.getvalue().encode("utf-8"), content_type(CSV)
    body = json.dumps(answer.document, ensure_ascii=False, separators=(",", ":"))
    return body.encode("utf-8"), JSON.media_type


def respond(
    request: Request,
    data: GraphData,
    forced: str | None,
    key: Hashable,
    build: Callable[[], Answer],
    *,
    filename: str,
    cache: bool | AnswerCache = True,
) -> Response:
    """Answer ``build()`` (cached under ``key`` for this data version) in the chosen format.

    ``cache``: another LRU than the data's answers (searches keep to their
    own), or ``False`` for answers computed at every call.
    """
    offer = choose_format(request, forced)
    lru = data.cache if cache is True else cache if isinstance(cache, AnswerCache) else None
    if lru is not None:
        kept: Kept = lru.get_or_compute(("answer", key), lambda: keep(build()))
        queries = kept.queries
        if offer.format == "csv":

            def csv_body() -> Body:
                columns, rows = json.loads(kept.table.raw())
                return Body.pack(render(Answer({}, columns, rows), offer)[0])

            body: Body = lru.get_or_compute(("rendered", key, offer.format), csv_body)
        else:
            body = kept.json_body
    else:
        answer = build()
        queries = answer.queries
        raw = render(answer, offer)[0]
        wanted = "gzip" in request.headers.get("accept-encoding", "")
        body = Body.pack(raw) if wanted else Body(raw, False)
    media_type = content_type(CSV) if offer.format == "csv" else JSON.media_type
    headers = {"X-Data-Version": data.version, "Vary": "Accept, Accept-Encoding"}
    if body.gzipped and "gzip" in request.headers.get("accept-encoding", ""):
        content = body.data
        headers["Content-Encoding"] = "gzip"
    else:
        content = body.raw()
    if queries:
        headers["Link"] = ", ".join(f'<{q}>; rel="describedby"' for q in queries)
    if offer.format == "csv":
        headers["Content-Disposition"] = f'inline; filename="{filename}.csv"'
    return Response(content, media_type=media_type, headers=headers)


def document(
    query: str,
    parameters: Mapping[str, Any],
    data: GraphData,
    *,
    more: Sequence[str] = (),
    **content: Any,
) -> dict[str, Any]:
    """The JSON envelope every answer shares: its queries, parameters and data version.

    ``query`` is the main SPARQL file; ``more`` the others the answer also uses
    (then listed, main first, under ``"queries"``).
    """
    head: dict[str, Any] = {"query": f"/queries/{query}.rq"}
    if more:
        head["queries"] = [head["query"], *(f"/queries/{q}.rq" for q in more)]
    head["parameters"] = dict(parameters)
    head["data_version"] = data.version
    return {**head, **content}

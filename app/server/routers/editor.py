"""The query editor (YASGUI, vendored under /static/yasgui) and the example queries.

The page is French, preloaded with the project's prefixes, and lists the
example queries of ``app/queries/*.rq``, which are also served one by one as
text at /queries/{name}.rq (the API links to them). Everything is local: no
CDN, no third-party autocompletion service.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from app import queries
from app.prefixes import sparql_prologue
from app.server import errors
from app.server.deps import Runtime, RuntimeDep

router = APIRouter(tags=["editor"])

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "editor.html"
# Shown first, in this order; the other files follow by name.
FIRST = ("sante-mentale", "contrat-arbre", "dispositifs-par-contrat", "contrats")


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    description: str
    text: str


def load_examples() -> list[Example]:
    """The example queries (every file of ``app.queries``, the one place that loads
    them); the leading ``#`` lines give title and description.

    >>> [e.name for e in load_examples()][:2]
    ['sante-mentale', 'contrat-arbre']
    """
    examples = []
    for query in queries.all_queries():
        text = query.text
        comments = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            comments.append(line.lstrip("#").strip())
        first = comments[0] if comments else query.name
        title = first.split(" — ", 1)[1] if " — " in first else first
        description = " ".join(c for c in comments[1:] if c and not c.startswith("@param"))
        examples.append(Example(query.name, title, description, text))
    rank = {name: i for i, name in enumerate(FIRST)}
    return sorted(examples, key=lambda e: (rank.get(e.name, len(FIRST)), e.name))


def editor_page(request: Request, runtime: Runtime) -> HTMLResponse:
    """The editor page, configured for this endpoint."""
    page = runtime.editor_template
    config = {
        "endpoint": runtime.settings.public_endpoint or f"{request.base_url}sparql",
        "prefixes": runtime.prefixes,
        "defaultQuery": sparql_prologue(runtime.prefixes)
        + "\nSELECT ?contrat ?identifiant ?titre ?generation WHERE {\n"
        "  ?contrat a cdv:Contrat ; dcterms:identifier ?identifiant .\n"
        "  OPTIONAL { ?contrat dcterms:title ?titre }\n"
        "  OPTIONAL { ?contrat cdv:generation/skos:notation ?generation }\n"
        "}\nORDER BY ?identifiant\nLIMIT 100\n",
        # Result links to data IRIs open this server's page for them (/id/…), so a
        # local or mirrored deployment is browsable before w3id.org redirects to it.
        "dataBase": runtime.settings.base_iri,
        "localBase": str(request.base_url) + "id/",
        "examples": str(request.base_url) + "queries",
        "maxRows": runtime.settings.max_rows,
        "timeout": runtime.settings.query_timeout,
    }
    # JSON inside <script type="application/json">: only "</" could end it early.
    data = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    body = page.replace("{{config}}", data).replace(
        "{{limits}}",
        html.escape(
            f"{runtime.settings.query_timeout:g} s et {runtime.settings.max_rows} lignes au plus"
        ),
    )
    return HTMLResponse(body)


@router.get("/", include_in_schema=False)
async def home(request: Request, runtime: RuntimeDep) -> Response:
    """The query editor."""
    return editor_page(request, runtime)


@router.get("/queries")
async def list_queries(request: Request, runtime: RuntimeDep) -> Response:
    """The example queries: name, title, description, text and URL."""
    return JSONResponse(
        [
            {
                "name": e.name,
                "title": e.title,
                "description": e.description,
                "url": f"{request.base_url}queries/{e.name}.rq",
                "featured": e.name in FIRST,
                "query": e.text,
            }
            for e in runtime.examples
        ]
    )


@router.get("/queries/{name}.rq")
async def query_file(name: str, runtime: RuntimeDep) -> Response:
    """One example query, as text."""
    for example in runtime.examples:
        if example.name == name:
            return PlainTextResponse(example.text)
    raise errors.not_found(f"Requête inconnue : {name}.rq")

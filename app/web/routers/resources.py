"""Dereferenceable IRIs: ``/id/{rest}`` answers for ``{base}{rest}``, ``/onto`` for the ontology.

The path prefix ``/id/`` maps the server's own paths onto the data base IRI
(``CVKG_BASE_IRI``), whatever host the server runs on: GET
``http://127.0.0.1:8000/id/contrat/X`` answers for ``<{base}contrat/X>``. A
named graph's IRI (``{base}graph/contrat/X``) answers with the graph's
content. ``/id/`` itself is the site's index.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from app.queries import load
from app.server import errors
from app.web import describe as d
from app.web.conneg import HTML, JSONLD, NTRIPLES, TURTLE, Format
from app.web.ontology_doc import ontology_html
from app.web.responses import alternates, negotiate, not_found, problem_page, respond
from app.web.site import Site, get_site
from app.web.sparql import Sparql
from app.web.templating import ID_PREFIX, render
from app.web.views import Context, build_page

router = APIRouter(tags=["données liées"])
GET_HEAD = ["GET", "HEAD"]


@router.api_route(ID_PREFIX, methods=GET_HEAD, name="web_index")
async def index(request: Request) -> Response:
    """The site's index: every contract, every thesaurus, and where to go next."""
    site = get_site(request)
    fmt, negotiated = negotiate(request)
    if fmt is not HTML:
        nt = (await site.dataset(request)).ntriples
        body = await run_in_threadpool(_graph_bytes, site, nt, fmt)
        return respond(body, fmt, ID_PREFIX, negotiated)
    sparql = await site.sparql(request)
    contracts = await sparql.select(load("contrats").for_data(site.base))
    schemes = await sparql.select(load("schemas").text)
    ctx = Context(sparql, site.base, site.term_labels(), ID_PREFIX)
    html = render(
        "index.html",
        contracts=contracts,
        schemes=[s for s in schemes if s["schema"].value.startswith(site.base)],
        link=ctx.link,
        alternates=alternates(ID_PREFIX),
        base=site.base,
    )
    return respond(html, fmt, ID_PREFIX, negotiated)


@router.api_route(ID_PREFIX + "{rest:path}", methods=GET_HEAD, name="web_resource")
async def resource(request: Request, rest: str) -> Response:
    """Any IRI under the data base: HTML page or RDF description, 404 if unknown."""
    site = get_site(request)
    fmt, negotiated = negotiate(request)
    iri = site.base + rest
    path = request.url.path
    sparql = await site.sparql(request)
    graph = await _named_graph(site, sparql, iri, fmt, path)
    if graph is not None:
        return respond(graph, fmt, path, negotiated)
    desc = await d.describe(sparql, iri, site.base)
    if not desc.exists:
        return not_found(fmt, iri, render("notfound.html", iri=iri))
    if iri == f"{site.base}dataset" and fmt is HTML:
        from app.web.routers.dataset import dataset_page

        return await dataset_page(request, negotiated, path)
    if fmt is HTML:
        ctx = Context(sparql, site.base, site.term_labels(), path)
        ctx.uses_page = request.query_params.get("page")
        ctx.uses_per_page = site.settings.page_contracts
        try:
            page = await build_page(ctx, desc)
        except errors.HTTPProblem as problem:
            if problem.status not in (400, 404):  # 503, 504…: as everywhere else
                raise
            shown = render("erreur.html", status=problem.status, message=problem.message, back=path)
            return problem_page(problem, shown)
        html = render("resource.html", page=page, alternates=alternates(path))
        return respond(html, fmt, path, negotiated)
    body = await run_in_threadpool(d.serialize, desc.triples, fmt, site.prefixes(), site.context())
    return respond(body, fmt, path, negotiated)


async def _named_graph(
    site: Site, sparql: Sparql, iri: str, fmt: Format, path: str
) -> bytes | str | None:
    """The content of the named graph ``iri`` in ``fmt``, or ``None`` if there is none.

    Its page only counts its triples (``graphe-taille.rq``): the whole graph is
    read for an RDF format only, once."""
    if not iri.startswith(f"{site.base}graph/"):
        return None
    if fmt is HTML:
        rows = await sparql.select(d.bind("graphe-taille", site.base, graphe=[iri]))
        count = sum(int(row["triplets"].value) for row in rows)  # one row per store read
        if not count and await sparql.graph(iri, NTRIPLES.media_type, NTRIPLES.ox_format) is None:
            return None  # no such graph (an empty one is read at no cost)
        contract = None
        prefix = f"{site.base}graph/contrat/"
        if iri.startswith(prefix):
            contract = site.base + "contrat/" + iri[len(prefix) :]
        ctx = Context(sparql, site.base, site.term_labels(), path)
        if contract:
            ctx.labels = await d.labels(sparql, [contract], site.base)
        return render(
            "graph.html",
            iri=iri,
            count=count,
            alternates=alternates(path),
            contract=ctx.link(contract) if contract else None,
        )
    if fmt is JSONLD:
        nt = await sparql.graph(iri, NTRIPLES.media_type, NTRIPLES.ox_format)
        return None if nt is None else await run_in_threadpool(d.jsonld, nt, site.context())
    return await sparql.graph(iri, fmt.media_type, fmt.ox_format)


def _graph_bytes(site: Site, nt: bytes, fmt: Format) -> bytes:
    """The dataset description (N-Triples) in one of the RDF formats."""
    if fmt is JSONLD:
        return d.jsonld(nt, site.context())
    if fmt is NTRIPLES:
        return nt
    triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    return d.serialize(triples, fmt, site.prefixes(), site.context())


@router.api_route("/onto", methods=GET_HEAD, name="web_ontology")
async def ontology(request: Request) -> Response:
    """The ontology's IRI: pyLODE documentation for a person, the Turtle source for a program."""
    site = get_site(request)
    fmt, negotiated = negotiate(request)
    path = "/onto"
    source = site.ontology_file
    if fmt is HTML:
        html = await run_in_threadpool(ontology_html, source)
        return respond(html, fmt, path, negotiated)
    if fmt is TURTLE:
        return respond(source.read_bytes(), fmt, path, negotiated)
    body = await run_in_threadpool(_ontology_rdf, site, fmt)
    return respond(body, fmt, path, negotiated)


def _ontology_rdf(site: Site, fmt: Format) -> bytes:
    triples = list(ox.parse(path=str(site.ontology_file), format=ox.RdfFormat.TURTLE))
    return d.serialize(triples, fmt, site.prefixes(), site.context())

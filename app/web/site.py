"""The site's state: settings, where SPARQL runs, and the dataset description.

One ``Site`` per app, created on first use from the server's runtime
(``request.app.state.runtime``) or installed beforehand by a test
(``app.state.web_site = Site(...)``) with another ``Sparql`` source. The
dataset description (VoID/DCAT) is computed once per data version (under a
placeholder root, rebased on the URL each request reached)
(its sizes come from the build when the store holds it, see ``serves_build``),
and kept in a small in-memory store that is read together with the server's
store, so its IRIs ({base}dataset, its distributions…) dereference like any
other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import Request
from rdflib import Graph

from app.config import Settings
from app.dumps import ONTOLOGY_COPY
from app.rdf.namespaces import rebased_graph
from app.server.store import holds_build
from app.vocabularies import ONTOLOGY_FILE
from app.web import context as jsonld_context
from app.web.dataset import description
from app.web.labels import term_labels
from app.web.sparql import MemorySparql, ServerSparql, Sparql, Union


@dataclass
class Site:
    settings: Settings
    store_sparql: Callable[[Request], Sparql] = ServerSparql
    _descriptions: dict[str, Graph] = field(default_factory=dict)  # one: the current version
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def base(self) -> str:
        return self.settings.base_iri

    @property
    def ontology_file(self) -> Path:
        """The ontology of the build being served (``ontology/`` only with no build,
        as for ``cvkg serve --data`` without one)."""
        built = self.settings.build_dir / ONTOLOGY_COPY
        return built if built.is_file() else self.settings.ontology_dir / ONTOLOGY_FILE

    def prefixes(self) -> dict[str, str]:
        return jsonld_context.prefixes(self.base)

    def context(self) -> dict[str, Any]:
        return jsonld_context.context(self.base, self.ontology_file)

    def term_labels(self) -> dict[str, str]:
        return term_labels(self.ontology_file)

    def _version(self, request: Request) -> str:
        runtime = getattr(request.app.state, "runtime", None)
        return str(runtime.version) if runtime is not None else ""

    def serves_build(self, request: Request) -> bool:
        """Whether the server's store holds the build of ``build_dir`` as written.

        Then the description takes its sizes from the build; not for ``cvkg
        serve --data`` or for a store a test installed.
        """
        runtime = getattr(request.app.state, "runtime", None)
        if runtime is None or self.store_sparql is not ServerSparql:
            return False
        if self.settings.sparql_endpoint:
            return True  # the engine holds the build `cvkg publish` sent (its data version)
        return holds_build(Path(runtime.store_path), self.settings.build_dir)

    async def dataset(self, request: Request) -> tuple[Graph, ox.Store]:
        """The VoID/DCAT graph for this server's public URL, as rdflib and as a store.

        Computed once per data version under a placeholder root, then rebased on
        the URL the client reached: what is cached never depends on its headers.
        """
        version = self._version(request)
        async with self._lock:
            if version not in self._descriptions:
                graph = await description(
                    self.store_sparql(request),
                    self.settings,
                    PLACEHOLDER_ROOT,
                    from_build=self.serves_build(request),
                )
                self._descriptions.clear()
                self._descriptions[version] = graph
            template = self._descriptions[version]
        graph = rebased_graph(template, PLACEHOLDER_ROOT, site_url(request))
        store = ox.Store()
        nt = graph.serialize(format="nt", encoding="utf-8")
        name = ox.NamedNode(f"{self.base}graph/dataset")
        store.bulk_extend(
            ox.Quad(t.subject, t.predicate, t.object, name)
            for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
        )
        return graph, store

    async def sparql(self, request: Request) -> Sparql:
        """The server's store and the dataset description, read as one."""
        _graph, store = await self.dataset(request)
        return Union([self.store_sparql(request), MemorySparql(store)])


PLACEHOLDER_ROOT = "http://cvkg.invalid/"


def site_url(request: Request) -> str:
    """The server's public root URL, ending with ``/`` (proxy-aware through root_path)."""
    url = str(request.base_url)
    return url if url.endswith("/") else url + "/"


def get_site(request: Request) -> Site:
    """The app's ``Site``, created from the server's runtime settings on first use."""
    site = getattr(request.app.state, "web_site", None)
    if site is None:
        site = Site(settings=request.app.state.runtime.settings)
        request.app.state.web_site = site
    return site

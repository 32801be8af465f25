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

The rebased copy is kept too, per root, for a few roots (the root comes from
the client's ``Host`` header). Every page reads the description: rebasing it
on each request (an rdflib graph rebuilt, written out and parsed again) cost
250-300 ms of the event loop's time per page at 825 contracts (10,000 triples
of VoID), where the page's own queries take a few milliseconds.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import Request
from rdflib import Graph

from app.config import Settings
from app.dumps import ONTOLOGY_COPY
from app.rdf.namespaces import moved
from app.server import errors
from app.server.store import holds_build
from app.vocabularies import ONTOLOGY_FILE
from app.web import context as jsonld_context
from app.web.dataset import description
from app.web.labels import term_labels
from app.web.sparql import MemorySparql, ServerSparql, Sparql, Union

_ROOTS_KEPT = 8  # rebased copies kept: the Host header is the client's, so a bounded memo


@dataclass(frozen=True)
class Description:
    """The dataset description rebased on one public root: as N-Triples (in a fixed
    order) and in a store, under the graph ``{base}graph/dataset``."""

    ntriples: bytes
    store: ox.Store


@dataclass
class Site:
    settings: Settings
    store_sparql: Callable[[Request], Sparql] = ServerSparql
    # The current data version's description under PLACEHOLDER_ROOT, its triples sorted.
    _template: tuple[str, list[ox.Triple]] | None = None
    _copies: OrderedDict[tuple[str, str], Description] = field(default_factory=OrderedDict)
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

    async def dataset(self, request: Request) -> Description:
        """The VoID/DCAT description for this server's public URL.

        Computed once per data version under a placeholder root, then rebased on
        the URL the client reached, once per root: what is computed from the
        data never depends on the client's headers.
        """
        version, root = self._version(request), site_url(request)
        try:
            ox.NamedNode(root)
        except ValueError:
            raise errors.bad_request(f"En-tête Host invalide : {root!r}") from None
        async with self._lock:
            copy = self._copies.get((version, root))
            if copy is not None:
                self._copies.move_to_end((version, root))
                return copy
            if self._template is None or self._template[0] != version:
                graph = await description(
                    self.store_sparql(request),
                    self.settings,
                    PLACEHOLDER_ROOT,
                    from_build=self.serves_build(request),
                )
                self._copies.clear()
                self._template = (version, await asyncio.to_thread(_sorted_triples, graph))
            name = ox.NamedNode(f"{self.base}graph/dataset")
            copy = await asyncio.to_thread(_rebased, self._template[1], root, name)
            self._copies[(version, root)] = copy
            while len(self._copies) > _ROOTS_KEPT:
                self._copies.popitem(last=False)
            return copy

    async def sparql(self, request: Request) -> Sparql:
        """The server's store and the dataset description, read as one."""
        return Union(
            [self.store_sparql(request), MemorySparql((await self.dataset(request)).store)]
        )


def _sorted_triples(graph: Graph) -> list[ox.Triple]:
    """An rdflib graph's triples as pyoxigraph's, in a fixed order (that of their text)."""
    nt = graph.serialize(format="nt", encoding="utf-8")
    return sorted(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), key=str)


def _rebased(triples: list[ox.Triple], root: str, name: ox.NamedNode) -> Description:
    """``triples`` with every IRI under ``PLACEHOLDER_ROOT`` moved under ``root``."""

    def moved_term(term: Any) -> Any:
        if isinstance(term, ox.NamedNode):
            return ox.NamedNode(moved(term.value, PLACEHOLDER_ROOT, root))
        return term

    rebased = [ox.Triple(moved_term(t.subject), t.predicate, moved_term(t.object)) for t in triples]
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in rebased)
    body = ox.serialize(rebased, format=ox.RdfFormat.N_TRIPLES) or b""
    return Description(body, store)


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

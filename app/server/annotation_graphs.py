"""The graphs written over HTTP, and the durable record that makes them last.

The curated graphs (every ``{base}graph/…`` the build writes: one per contract,
the vocabularies, the ontology) come from the files; an admin write to them is
refused with a message saying which file to edit. Every other graph — the
documented convention is ``{base}graph/annotations/<name>`` — belongs to the
people who write it over HTTP, and is kept in one N-Quads file outside the
build and the store (``CVKG_ANNOTATIONS_DIR``), replaced as a whole (temporary
file, fsync, rename) before the write is acknowledged. The store is only a
cache of build + record: a server killed at any moment restarts from one or
the other whole record, never a mix.

The file lists the graphs it covers as comment lines, which N-Quads parsers
skip: ``#graph <iri>`` before each graph's quads (empty graphs included), and
``#dropped <iri>`` for a graph of the served files the admin dropped, so that
it stays dropped.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from app.config import ONTOLOGY_NS

RECORD = "graphes.nq"
ANNOTATIONS = "graph/annotations/"
# In an external engine, the version of the admin writes (app/server/remote_writes.py).
VERSION_GRAPH = "graph/ecritures"
# In an external engine, the build `cvkg publish` finished sending (app/publish.py).
PUBLICATION_GRAPH = "graph/publication"
DEFAULT = "default"  # how the file names the default graph

GraphKey = str | None  # a graph IRI; None for the default graph
Content = list[str] | None  # a graph's N-Quads lines; None once dropped


def refusal(graph: GraphKey, base: str) -> str | None:
    """Why ``graph`` cannot be written over HTTP, or ``None`` when it can.

    >>> print(refusal("https://ex.org/id/graph/contrat/lyon", "https://ex.org/id/")[:66])
    Le graphe <https://ex.org/id/graph/contrat/lyon> vient de data/con
    >>> refusal("https://ex.org/id/graph/annotations/equipe", "https://ex.org/id/") is None
    True
    >>> print(refusal("https://ex.org/id/graph/publication", "https://ex.org/id/")[52:81])
    tenu par cvkg publish (moteur
    """
    if graph is None or graph.startswith(base + ANNOTATIONS):
        return None
    held = {base + PUBLICATION_GRAPH: "cvkg publish", base + VERSION_GRAPH: "le serveur"}
    if graph in held:  # an external engine's bookkeeping, of no file
        return (
            f"Le graphe <{graph}> est tenu par {held[graph]} (moteur externe) : il ne "
            f"s'écrit pas. Les écritures vont dans un autre graphe, par convention "
            f"<{base}{ANNOTATIONS}NOM>."
        )
    source = None
    if graph.startswith(base + "graph/contrat/"):
        source = f"data/contrats/{graph[len(base + 'graph/contrat/') :]}.yaml"
    elif graph.startswith(base + "graph/vocabulaire/"):
        source = f"ontology/{graph[len(base + 'graph/vocabulaire/') :]}.ttl"
    elif graph == ONTOLOGY_NS.rstrip("#"):
        source = "ontology/cdv.ttl"
    elif graph.startswith(base + "graph/"):
        source = "la construction (cvkg build)"
    if source is None:
        return None
    return (
        f"Le graphe <{graph}> vient de {source} : modifiez ce fichier puis reconstruisez "
        f"(cvkg build). Les écritures vont dans un autre graphe, par convention "
        f"<{base}{ANNOTATIONS}NOM>."
    )


def _node(key: GraphKey) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if key is None else ox.NamedNode(key)


def graph_lines(quads: Iterable[ox.Quad]) -> list[str]:
    """Sorted N-Quads lines (graph names kept), one per distinct quad."""
    text = (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")
    return sorted({line for line in text.splitlines() if line.strip()})


class Record:
    """The written graphs: their quads in memory, their file on disk, their digest."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / RECORD
        self.graphs: dict[GraphKey, Content] = {}
        if self.path.is_file():
            self.graphs = parse(self.path.read_text(encoding="utf-8"))
        self.digest = digest(self.text()) if self.graphs else ""

    def text(self) -> str:
        return render(self.graphs)

    def quads(self, keys: Iterable[GraphKey] | None = None) -> list[ox.Quad]:
        chosen = self.graphs if keys is None else {k: self.graphs.get(k, []) for k in keys}
        text = "\n".join(line for lines in chosen.values() for line in lines or [])
        return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))

    def save(self, changed: Mapping[GraphKey, Content]) -> None:
        """Record the new content of ``changed`` graphs, durably, in one rename."""
        graphs = {**self.graphs, **changed}
        text = render(graphs)
        write_atomically(self.path, text.encode("utf-8"))
        self.graphs, self.digest = graphs, digest(text) if graphs else ""


def render(graphs: Mapping[GraphKey, Content]) -> str:
    out: list[str] = []
    for key in sorted(graphs, key=lambda k: "" if k is None else k):
        name = DEFAULT if key is None else f"<{key}>"
        lines = graphs[key]
        out.append(f"#graph {name}" if lines is not None else f"#dropped {name}")
        out += lines or []
    return "\n".join(out) + "\n"


def parse(text: str) -> dict[GraphKey, Content]:
    """The graphs of a record file, each with its N-Quads lines (``None``: dropped)."""
    graphs: dict[GraphKey, Content] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith(("#graph ", "#dropped ")):
            marker, _, name = line.partition(" ")
            key = None if name.strip() == DEFAULT else name.strip().strip("<>")
            current = [] if marker == "#graph" else None
            graphs[key] = current
        elif line.strip() and current is not None:
            current.append(line)
    return graphs


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def write_atomically(path: Path, data: bytes) -> None:
    """``path`` holds ``data`` or its old content, whatever happens (fsync, rename, fsync)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def apply(store: ox.Store, record: Record) -> None:
    """Put the recorded graphs in ``store`` in place of what it held under those names."""
    for key, lines in record.graphs.items():
        node = _node(key)
        if isinstance(node, ox.DefaultGraph):
            store.clear_graph(node)
        elif store.contains_named_graph(node):
            store.remove_graph(node)
        if lines is not None and isinstance(node, ox.NamedNode):
            store.add_graph(node)
    quads = record.quads()
    if quads:
        store.extend(quads)

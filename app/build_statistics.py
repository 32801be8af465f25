"""The dumps' VoID sizes, counted per part and merged without re-reading each IRI.

The server reads the dataset's sizes (triples, distinct IRI subjects,
classes, properties; for the whole and for each named graph) from
``build-info.json``. The build writes the dumps from parts (``app/dumps.py``)
and merges the parts' sizes: distinct terms must be counted over the union
of the parts. Merging the sets of every part (≈ 700 subject IRIs per
contract, 577 000 strings split and hashed at 825 contracts) was 0.6 s of
every build, however little changed.

Most of a contract's subjects are IRIs that only this contract mints: under
its own IRI (``…/contrat/<id>``) or its facts' (``…/synthese/contrat/<id>``),
the *roots* the build gives (:func:`own_roots`). A part therefore keeps
those as a count (``own``: in each graph, and in the whole part under the
name ``""`` with the id that owns them, ``owner``: a subject may be in two of
its graphs), and only its other subjects as terms. The merged count is the
sum of the owned counts plus the size of the union of the other terms; it is
exact when

- no two parts have the same owner, and each owner is an id without ``/`` or
  ``#`` (so that the owned IRIs of two ids are disjoint: ``a`` does not own
  ``…/contrat/a-2``), and no root is a prefix of another;
- no part's other terms fall under another part's owned IRIs (then that IRI
  may be counted twice): checked on the merged other terms, only those under
  a root (a handful at most).

The roots a part was counted with are those the merge checks: both come from
the base IRI and the build code, which the cache key of every entry hashes.

When a check fails the build counts again from the written N-Quads dump
(:func:`void_statistics`, exact, slow): the RDF conversion never mints an IRI
under another contract's, so this only guards against what it never does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import pyoxigraph as ox

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_ID_END = re.compile(r"[/#]")


def own_roots(base: str) -> tuple[str, ...]:
    """The IRIs under which a contract's id (appended) starts the IRIs it alone mints
    (``app.rdf.namespaces.Iris.contrat`` and ``app.synthese.fait``)."""
    return (f"{base}contrat/", f"{base}synthese/contrat/")


def owner_test(roots: tuple[str, ...], owner: str) -> Callable[[str], bool] | None:
    """Whether an IRI is one of those ``owner`` alone mints, or ``None`` if it cannot own any."""
    if not owner or _ID_END.search(owner):
        return None
    heads = frozenset(r + owner for r in roots)
    under = tuple(f"{h}{sep}" for h in heads for sep in "/#")
    return lambda iri: iri in heads or iri.startswith(under)


class Counts:
    """Distinct terms seen in a set of quads, counted as VoID counts them."""

    def __init__(self) -> None:
        self.triples = 0
        self.own = 0  # subjects counted, not kept (merged parts)
        # As strings: IRIs (subjects, properties), N-Triples terms (classes).
        self.entities: set[str] = set()
        self.classes: set[str] = set()
        self.properties: set[str] = set()

    @classmethod
    def of(cls, quads: list[ox.Quad]) -> Counts:
        """The counts of ``quads`` (distinct), as :meth:`add` of each would make them."""
        subjects = {q.subject for q in quads}
        return cls.known(
            len(quads),
            {s.value for s in subjects if isinstance(s, ox.NamedNode)},
            {p.value for p in {q.predicate for q in quads}},
            {str(o) for o in {q.object for q in quads if q.predicate == _RDF_TYPE}},
        )

    @classmethod
    def known(
        cls, triples: int, entities: set[str], properties: set[str], classes: set[str]
    ) -> Counts:
        """Counts already made: the number of triples; the IRIs of the subjects and
        predicates, the classes as N-Triples terms (``str`` of Oxigraph's)."""
        counts = cls()
        counts.triples = triples
        counts.entities, counts.properties, counts.classes = entities, properties, classes
        return counts

    def add(self, quad: ox.Quad) -> None:
        self.triples += 1
        if isinstance(quad.subject, ox.NamedNode):
            self.entities.add(quad.subject.value)
        self.properties.add(quad.predicate.value)
        if quad.predicate == _RDF_TYPE:
            self.classes.add(str(quad.object))

    def as_part(self, owns: Callable[[str], bool] | None = None) -> dict[str, Any]:
        """The sizes of a part, mergeable with other parts' (:meth:`merge`): the subjects
        ``owns`` accepts as a count, each set as its sorted terms, one a line (a rebuild
        reads 825 parts' sets: one JSON string each decodes ten times faster than a list)."""
        entities = sorted(self.entities)
        others = [e for e in entities if not owns(e)] if owns is not None else entities
        sizes: dict[str, Any] = {
            "triples": self.triples,
            "entities": "\n".join(others),
            "classes": "\n".join(sorted(self.classes)),
            "properties": "\n".join(sorted(self.properties)),
        }
        if owns is not None:
            sizes["own"] = len(entities) - len(others)
        return sizes

    def merge(self, part: dict[str, Any], own: bool = True) -> None:
        self.triples += part["triples"]
        self.own += part.get("own", 0) if own else 0
        for name, terms in (
            ("entities", self.entities),
            ("classes", self.classes),
            ("properties", self.properties),
        ):
            if part[name]:
                terms.update(part[name].split("\n"))

    def as_dict(self) -> dict[str, int]:
        return {
            "triples": self.triples,
            "entities": self.own + len(self.entities),
            "classes": len(self.classes),
            "properties": len(self.properties),
        }


class Merged:
    """The sizes of the whole dataset and of each graph, part after part."""

    def __init__(self, roots: tuple[str, ...]) -> None:
        self.roots = roots
        self.total = Counts()
        self.graphs: dict[str, Counts] = {}
        self.owners: set[str] = set()
        self.exact = not any(a != b and b.startswith(a) for a in roots for b in roots)

    def add(self, sizes: dict[str, dict[str, Any]]) -> None:
        whole = sizes.get("", {})
        owner = whole.get("owner")
        if owner is not None:
            if owner in self.owners or not owner or _ID_END.search(owner):
                self.exact = False
            self.owners.add(owner)
            self.total.own += whole["own"]
        for name, part in sizes.items():
            if name:
                self.total.merge(part, own=False)
                self.graphs.setdefault(name, Counts()).merge(part)

    def statistics(self) -> dict[str, Any] | None:
        """The merged sizes (as :func:`void_statistics` gives them), or ``None`` when
        the owned counts may overlap the other terms (count from the quads then)."""
        if not self.exact:
            return None
        if self.owners and not self.roots:
            return None  # owned counts, and nothing to check them against
        if self.owners:
            under = [t for t in self.total.entities if t.startswith(self.roots)]
            for term in under:
                for root in self.roots:
                    rest = term[len(root) :] if term.startswith(root) else None
                    if rest is not None and _ID_END.split(rest, maxsplit=1)[0] in self.owners:
                        return None
        return {
            **self.total.as_dict(),
            "graphs": {name: c.as_dict() for name, c in sorted(self.graphs.items())},
        }


def void_statistics(quads: Iterable[ox.Quad]) -> dict[str, Any]:
    """The sizes the VoID description gives, for the dataset and for each named graph.

    ``triples`` counts quads (a triple asserted in two graphs counts twice, as
    ``void:triples`` of the dataset is the sum of its graphs'); ``entities``
    the distinct IRI subjects; ``classes`` the distinct objects of
    ``rdf:type``; ``properties`` the distinct predicates. The quads must be
    distinct (the dump's lines are).
    """
    total = Counts()
    graphs: dict[str, Counts] = {}
    for quad in quads:
        total.add(quad)
        if isinstance(quad.graph_name, ox.NamedNode):  # always, in the build's dump
            graphs.setdefault(quad.graph_name.value, Counts()).add(quad)
    return {
        **total.as_dict(),
        "graphs": {name: counts.as_dict() for name, counts in sorted(graphs.items())},
    }

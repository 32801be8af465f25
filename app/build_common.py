"""What every build needs whatever changed, cached under what it is made from.

A rebuild after one contract changed must not pay again for what the other
824 contracts and the shared inputs already gave: the ontology's and the
vocabularies' part of the dumps (parsing and serialising them) and the
published JSON-LD context only change with the common inputs
(:func:`app.build_cache.common_key`); the per-generation facts change with any
contract, but validating them again is only needed when their triples differ
from a set already validated against the same shapes and vocabularies. Both
are kept in the build cache, next to the contracts' entries.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from rdflib import Graph

from app.build_cache import ContractCache, Entry
from app.config import Settings
from app.dump_parts import DumpPart, dump_part
from app.rdf.context import CONTEXT_FILE, context, context_document
from app.rdf.namespaces import Iris
from app.rdf.ntriples import sorted_ntriples
from app.synthese import SYNTHESE_GRAPH
from app.vocabularies import ONTOLOGY_FILE, ontology_graph, ontology_iri

if TYPE_CHECKING:
    from app.validation import Violation


def _key(common: str, name: str, data: bytes = b"") -> str:
    return f"{name}-" + hashlib.sha256(common.encode() + b"\0" + data).hexdigest()[:32]


def vocabulary_entry(cache: ContractCache, common: str, settings: Settings) -> Entry:
    """The ontology's and vocabularies' part of the dumps, and the published context."""
    key = _key(common, "vocabulaires")
    entry = cache.get(key)
    if entry is None:
        from app.build_contracts import shared_vocabulary

        iris = Iris(settings.base_iri)
        vocabularies = shared_vocabulary(settings, common)[0]
        named = [(str(ontology_iri()), sorted_ntriples(ontology_graph(settings.ontology_dir)))]
        named += [
            (str(iris.graph(f"vocabulaire/{name}")), sorted_ntriples(g))
            for name, g in sorted(vocabularies.items())
        ]
        ctx = context(settings.base_iri, settings.ontology_dir / ONTOLOGY_FILE)  # published one
        files = {CONTEXT_FILE: context_document(ctx)}
        entry = cache.put(key, {"id": ""}, dump_part(named), files)
    return entry


def generations_part(
    generations: Graph, cache: ContractCache, common: str, settings: Settings
) -> tuple[DumpPart, list[Violation]]:
    """The per-generation facts' part of the dumps, and their violations (checked
    unless the same triples passed the same shapes before)."""
    iris = Iris(settings.base_iri)
    lines = sorted_ntriples(generations)
    key = _key(common, "synthese", "\n".join(lines).encode())
    part = dump_part([(str(iris.graph(SYNTHESE_GRAPH)), lines)])
    if cache.get(key) is not None:
        return part, []
    # Loaded only here: a build that changed no generation's facts runs no SHACL.
    from app.build_contracts import shared_vocabulary
    from app.validation import shacl_report, violations

    _, vocab, shapes, _ = shared_vocabulary(settings, common)
    conforms, report = shacl_report(generations + vocab, shapes)
    if not conforms:
        return part, violations(report, None, iris, shapes=shapes)
    cache.put(key, {"id": ""}, DumpPart(b"", b"", {}), {})  # validated: a marker
    return part, []

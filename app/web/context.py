"""The published JSON-LD ``@context`` (``/dumps/context.jsonld``), as the site uses it.

The context itself is made on the build side (``app.rdf.context``): the build
compacts each contract's JSON-LD with it and writes it into its output, so
the site imports the same function and serves the same object, computed from
the ontology of the build being served. The dumps, the resources' JSON-LD and
the dataset description are all compacted with it.
"""

from __future__ import annotations

from app.rdf.context import CONTEXT_FILE, compacted, context, context_document, prefixes

__all__ = ["CONTEXT_FILE", "compacted", "context", "context_document", "prefixes"]

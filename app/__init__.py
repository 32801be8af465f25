"""Contrats de ville knowledge graph: from curated contract files to a SPARQL endpoint."""

__version__ = "0.1.0"

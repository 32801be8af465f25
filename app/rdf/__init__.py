"""Turning curated contracts into RDF."""

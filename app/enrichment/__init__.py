"""Enrichment: links computed from the curated text (dispositifs named, themes addressed)."""

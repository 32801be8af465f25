"""Curated contract files: reading them and checking them against their sources."""

"""Reviewing an importer's draft against its source (``cvkg review``, ``/admin/revue``)."""

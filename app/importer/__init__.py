"""Draft a contract file from a published document (PDF, Word, ODT, text).

The importer reads; a curator decides. Every drafted label is the document's own
text at its line of the text rendering, and every guess is flagged ``a_verifier``.
"""

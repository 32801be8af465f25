"""Linked-data publication: dereferenceable IRIs, the browsable site, the dataset's
VoID/DCAT description and its dumps.

Every IRI under the data base (``CVKG_BASE_IRI``) answers at ``/id/{rest}``, the
ontology at ``/onto``; the routers in ``app.web.routers`` are mounted by the
server's app factory. See docs/linked-data.md.
"""

"""The SPARQL endpoint, query editor and Graph Store of the knowledge graph.

``main.create_app`` assembles the FastAPI application; ``run.serve`` is what
``cvkg serve`` calls. Light on imports: query workers import submodules of
this package and should start fast.
"""

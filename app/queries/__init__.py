"""Example SPARQL queries (one per ``.rq`` file, a leading ``#`` comment saying
what it answers), shown in the query editor and served at /queries/NAME.rq."""

"""Pushing the graph to real servers, and querying it there.

- :mod:`carepath.servers.neo4j`: export to a Neo4j server, cluster or Aura over Bolt (batched,
  idempotent ``UNWIND $rows ... MERGE``), and the named query library on Neo4j.
- :mod:`carepath.servers.neo4j_csv`: CSV files for ``neo4j-admin database import``, plus a
  ``load.cypher`` script (constraints + ``LOAD CSV``) for those who cannot connect directly.
- :mod:`carepath.servers.sparql`: upload to any SPARQL 1.1 store with the Graph Store
  Protocol, and the SPARQL library on a remote endpoint.

The embedded engines (LadybugDB, Oxigraph) stay the default; these give the same rows.
"""

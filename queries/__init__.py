"""Named queries (library/*.rq, *.cypher) and the analyses over the graph."""

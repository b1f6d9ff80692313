"""Views of the model: networkx, RDF and Cypher, all generated from the one typed model."""

"""``carepath serve``: a local pathway explorer with read-only SPARQL and Cypher endpoints.

The exported HTML files hold a whole graph in one file; at region and national scale that is
too much for a browser. The server answers from the loaded graph and sends only what a page
shows: the service directory with search and filters, service cards, referral routes, gaps, a
neighbourhood of the network and the table, paged on the server. Analysts point their own
tools at ``/sparql`` (the SPARQL 1.1 Protocol) and ``/cypher``.

Modules: :mod:`~carepath.serve.backend` (where the graph comes from), :mod:`~.index` and
:mod:`~.tables` (what the pages show), :mod:`~.pages` (the pages and ``/api``),
:mod:`~.sparql`, :mod:`~.cypher` and :mod:`~.endpoints` (the query endpoints),
:mod:`~.app` (routes, token, headers, errors) and :mod:`~.server` (binding and running).

>>> from carepath.serve import create_app, open_graph
>>> app = create_app(open_graph())
>>> app.state.site.index.card("dorset-mbu")["name"]
'Mother and Baby Unit'
>>> app.state.site.graph.close()
"""

from carepath.serve.app import create_app
from carepath.serve.backend import Graph, open_graph

__all__ = ["Graph", "create_app", "open_graph"]

"""networkx node-link JSON of the property graph (``nx.node_link_graph(doc, edges="edges")``
reads it back; d3 and most graph tools read node-link too).

Same nodes, edges and properties as :func:`carepath.graph.networkx.to_networkx`, with one
renaming: node-link JSON names an edge's ends ``source`` and ``target``, so the evidence
document (``source`` on services and relations) is written as ``evidence_source``. The file is
ASCII: every other character, control characters among them, is escaped as JSON allows.

>>> import json, tempfile, pathlib
>>> from carepath import load_reference
>>> done = write_networkx(load_reference(), pathlib.Path(tempfile.mkdtemp()) / "graph.json")
>>> doc = json.loads(done.artifact.read_text())
>>> sorted(doc)[:3], len(doc["nodes"]) > 60
(['directed', 'edges', 'graph'], True)
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from carepath.files import atomic_path
from carepath.graph.model import Model
from carepath.standards.common import Exported, ExportReport

if TYPE_CHECKING:
    import networkx as nx


def to_networkx(model: Model) -> Exported[str]:
    """The model's property graph as node-link JSON text, and its report (node-link JSON
    holds every node, edge and property).

    >>> import json
    >>> from carepath import load_reference
    >>> json.loads(to_networkx(load_reference()).artifact)["multigraph"]
    True
    """
    from carepath.graph.networkx import to_networkx as property_graph

    text = io.StringIO()
    dump_node_link(property_graph(model), text)
    return Exported(text.getvalue(), ExportReport("networkx node-link JSON"))


def write_networkx(model: Model, path: Path | str) -> Exported[Path]:
    """Write the model's property graph as node-link JSON to ``path``, atomically, streamed
    (see :func:`write_node_link`); returns the path and its report (as :func:`to_networkx`)."""
    from carepath.graph.networkx import to_networkx as property_graph

    with atomic_path(Path(path)) as tmp:
        write_node_link(property_graph(model), tmp)
    return Exported(Path(path), ExportReport("networkx node-link JSON"))


def write_node_link(G: nx.MultiDiGraph, path: Path) -> None:
    """Write ``G`` as networkx node-link JSON (``nx.node_link_data(G, edges="edges")``),
    streamed: one object at a time, never the whole document in memory (a national graph's
    document is a copy of a million edges, and its text 700 MB).

    Every key of an object is distinct: node-link JSON names an edge's ends ``source`` and
    ``target``, so the property graph's ``source`` (the evidence document, on relation edges
    and services) is written as ``evidence_source`` on nodes and edges alike. A parser that
    keeps the last of duplicate keys would otherwise lose either the document or the edge's
    start node.

    >>> import json, tempfile, pathlib
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph([("a", "b", "REFERS_TO", {"note": "é", "source": "doc-1"})])
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "g.json"
    >>> write_node_link(G, out)
    >>> edge = json.loads(out.read_text())["edges"][0]
    >>> edge["source"], edge["target"], edge["evidence_source"]
    ('a', 'b', 'doc-1')
    """
    with path.open("w", encoding="utf-8") as fh:
        dump_node_link(G, fh)


def dump_node_link(G: nx.MultiDiGraph, fh: TextIO) -> None:
    """Write ``G`` as node-link JSON to the open text stream ``fh`` (see
    :func:`write_node_link`)."""
    encode = json.JSONEncoder(default=list).encode  # ASCII: control characters escaped
    head = {"directed": G.is_directed(), "multigraph": G.is_multigraph(), "graph": G.graph}

    def renamed(data: dict) -> dict:
        if "source" not in data:
            return data
        data = data.copy()  # the view's own dict is left as it is
        data["evidence_source"] = data.pop("source")
        return data

    fh.write(encode(head)[:-1] + ', "nodes": [')
    fh.writelines(("" if i == 0 else ", ") + encode(renamed({**d, "id": n}))
                  for i, (n, d) in enumerate(G.nodes(data=True)))
    fh.write('], "edges": [')
    # each edge's data is encoded as it is, its ends and key appended as text: half the
    # time of encoding a merged copy
    fh.writelines(f'{"" if i == 0 else ", "}{encode(renamed(d))[:-1]}{", " if d else ""}'
                  f'"source": {encode(u)}, "target": {encode(v)}, "key": {encode(k)}}}'
                  for i, (u, v, k, d) in enumerate(G.edges(keys=True, data=True)))
    fh.write("]}")

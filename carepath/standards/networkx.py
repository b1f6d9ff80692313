"""networkx node-link JSON of the property graph (``nx.node_link_graph(doc, edges="edges")``
reads it back; d3 and most graph tools read node-link too).

The nodes, edges and properties of :func:`carepath.standards.graph_files.carried_graph` (the
property graph of :func:`carepath.graph.networkx.to_networkx` and what the data files say
beyond it), with one renaming: node-link JSON names an edge's ends ``source`` and ``target``,
so the evidence document (``source`` on services and relations) is written as
``evidence_source``. The file is ASCII: every other character, control characters among
them, is escaped as JSON allows. :func:`read_networkx` reads such a file back (edited in a
notebook: ``nx.node_link_data(G, edges="edges")`` written with ``json.dump``) as the model
it holds; :func:`import_networkx` writes it as a carepath data folder.

>>> import json, tempfile, pathlib
>>> from carepath import load_reference
>>> done = write_networkx(load_reference(), pathlib.Path(tempfile.mkdtemp()) / "graph.json")
>>> doc = json.loads(done.artifact.read_text())
>>> sorted(doc)[:3], len(doc["nodes"]) > 60
(['directed', 'edges', 'graph'], True)
>>> read_networkx(done.artifact).model == load_reference()
True
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from carepath.errors import DataValidationError, Problem
from carepath.graph.model import Model
from carepath.standards.common import Exported
from carepath.standards.graph_import import (
    Element,
    GraphFile,
    GraphRead,
    import_graph,
    import_options,
    read_graph,
)
from carepath.standards.importing import Imported
from carepath.writing import atomic_path

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
    from carepath.standards.graph_files import carried_graph, graph_file_report, ordered_edges

    G = carried_graph(model)
    text = io.StringIO()
    dump_node_link(G, text, edges=ordered_edges(model, G))
    return Exported(text.getvalue(), graph_file_report("networkx node-link JSON", model))


def write_networkx(model: Model, path: Path | str) -> Exported[Path]:
    """Write the model's property graph as node-link JSON to ``path``, atomically, streamed
    (see :func:`write_node_link`); returns the path and its report (as :func:`to_networkx`)."""
    from carepath.standards.graph_files import carried_graph, graph_file_report, ordered_edges

    G = carried_graph(model)
    with atomic_path(Path(path)) as tmp:
        write_node_link(G, tmp, edges=ordered_edges(model, G))
    return Exported(Path(path), graph_file_report("networkx node-link JSON", model))


def write_node_link(G: nx.MultiDiGraph, path: Path, *,
                    edges: Iterable[tuple[Any, Any, Any, dict]] | None = None) -> None:
    """Write ``G`` as networkx node-link JSON (``nx.node_link_data(G, edges="edges")``),
    streamed: one object at a time, never the whole document in memory (a national graph's
    document is a copy of a million edges, and its text 700 MB).

    Every key of an object is distinct: node-link JSON names an edge's ends ``source`` and
    ``target``, so the property graph's ``source`` (the evidence document, on relation edges
    and services) is written as ``evidence_source`` on nodes and edges alike. A parser that
    keeps the last of duplicate keys would otherwise lose either the document or the edge's
    start node. ``edges``: ``G``'s edges (``u, v, key, data``) in the order to write them
    (default: the graph's).

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
        dump_node_link(G, fh, edges=edges)


def dump_node_link(G: nx.MultiDiGraph, fh: TextIO, *,
                   edges: Iterable[tuple[Any, Any, Any, dict]] | None = None) -> None:
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
                  for i, (u, v, k, d) in enumerate(
                      G.edges(keys=True, data=True) if edges is None else edges))
    fh.write("]}")


def parse_networkx(path: Path | str) -> GraphFile:
    """A node-link JSON file's nodes and edges; each element located by its JSON pointer
    (``graph.json#/edges/12``). The kind of a node is its ``label``; of an edge its ``type``,
    else its ``key`` up to the first ``:``."""
    path = Path(path)
    shown = str(path)

    def fail(code: str, message: str) -> DataValidationError:
        return DataValidationError([Problem("error", code, shown, None, None, message)])

    if not path.is_file():
        raise fail("not-found", "no such node-link JSON file")
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise fail("not-utf8", f"not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise DataValidationError([Problem("error", "not-json", shown, exc.lineno, None,
                                           f"not JSON ({exc.msg}, column {exc.colno})")]) \
            from None
    links = "edges" if isinstance(doc, dict) and "edges" in doc else "links"
    if not (isinstance(doc, dict) and isinstance(doc.get("nodes"), list)
            and isinstance(doc.get(links), list)):
        raise fail("not-node-link", "not node-link JSON: expected an object with lists "
                   "'nodes' and 'edges' (nx.node_link_data(G, edges='edges'))")
    graph = GraphFile(shown, "networkx node-link JSON")
    for i, node in enumerate(doc["nodes"]):
        found = Element({}, f"{shown}#/nodes/{i}", None)
        if not isinstance(node, dict) or not isinstance(node.get("id"), str) or not node["id"]:
            graph.problem(found, "bad-id", "id", "a node needs a text 'id'; node left out")
            continue
        found.data = {k: v for k, v in node.items() if k not in ("id", "label")}
        found.data["kind"] = node.get("label")
        if node["id"] in graph.nodes:
            graph.problem(found, "bad-id", "id", f"node id {node['id']!r} is used twice; "
                          "node left out")
            continue
        graph.nodes[node["id"]] = found
    for i, edge in enumerate(doc[links]):
        found = Element({}, f"{shown}#/{links}/{i}", None)
        if not isinstance(edge, dict):
            graph.problem(found, "bad-edge", None, "an edge is an object; edge left out")
            continue
        found.data = {k: v for k, v in edge.items() if k not in ("source", "target", "key",
                                                                 "type")}
        key = edge.get("key")
        found.data["kind"] = edge.get("type") or (key.partition(":")[0]
                                                  if isinstance(key, str) else None)
        graph.edges.append((str(edge.get("source", "")), str(edge.get("target", "")), found))
    return graph


def read_networkx(path: Path | str) -> GraphRead:
    """The model a carepath node-link JSON file holds (edited or not), its data folder's
    records and warnings. Raises :class:`~carepath.errors.DataValidationError` listing every
    problem."""
    from carepath.graph.bulk import paused_gc

    with paused_gc():  # a million objects, none of them garbage
        return read_graph(parse_networkx(path))


def import_networkx(path: Path | str, out: Path | str, *, force: bool = False,
                    together: tuple[Path | str, ...] = (), **options: object) -> Imported:
    """Write what a carepath node-link JSON file holds as a carepath data folder at ``out``."""
    import_options(path, **options)
    return import_graph(read_networkx(path), out, force=force, together=together)

"""GraphML 1.0 (yEd, Cytoscape, Gephi, graphology) of the property graph.

Valid against the GraphML 1.0 XML Schema: every edge has an id of its own (``e0``, ``e1``...),
every attribute is declared once per domain with its type (``int``, ``double``, ``boolean``,
``string``), the relation kind is the edge attribute ``kind`` (and ``label``), and text the
XML cannot hold (control characters) is removed. Attributes as in
:func:`~carepath.standards.graph_files.flat_graph`.

>>> from carepath import load_reference
>>> text = to_graphml(load_reference()).artifact
>>> '<key id="e_kind" for="edge" attr.name="kind" attr.type="string"/>' in text
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from carepath.files import write_atomic
from carepath.graph.model import Model
from carepath.standards.common import Exported
from carepath.standards.graph_files import (
    attribute_types,
    flat_graph,
    graph_file_report,
    value_text,
    xml_attr,
)

NAME = "graphml"
SUFFIXES = (".graphml",)
DESCRIPTION = "The property graph as GraphML (yEd, Cytoscape, Gephi, graphology)."
NS = "http://graphml.graphdrawing.org/xmlns"
# an id GraphML accepts (an xs:NMTOKEN, ASCII part): the loaders' ids always are; a node with
# any other id (a model made in code) is written as n{index}, its name still its label
_NMTOKEN = re.compile(r"^[A-Za-z0-9._:-]+$")


def _lines(model: Model) -> Iterator[str]:
    G = flat_graph(model)
    node_types = attribute_types(d for _, d in G.nodes(data=True))
    edge_types = attribute_types(d for *_, d in G.edges(data=True))
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield (f'<graphml xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'xsi:schemaLocation="{NS} {NS}/1.0/graphml.xsd">\n')
    # key ids: the domain's letter and the attribute name made an NMTOKEN-safe id
    keys = {}
    for domain, types in (("node", node_types), ("edge", edge_types)):
        for n, (name, kind) in enumerate(types.items()):
            ident = f"{domain[0]}_{name}" if name.replace("_", "").isalnum() else f"{domain[0]}{n}"
            keys[domain, name] = ident
            yield (f'  <key id="{ident}" for="{domain}" attr.name="{xml_attr(name)}" '
                   f'attr.type="{kind}"/>\n')
    yield '  <graph id="carepath" edgedefault="directed">\n'
    ids = {node: node if _NMTOKEN.match(node) else f"n{n}" for n, node in enumerate(G)}
    for node, data in G.nodes(data=True):
        yield f'    <node id="{xml_attr(ids[node])}">\n'
        for name, value in data.items():
            yield f'      <data key="{keys["node", name]}">{xml_attr(value_text(value))}</data>\n'
        yield "    </node>\n"
    for u, v, key, data in G.edges(keys=True, data=True):
        yield f'    <edge id="{key}" source="{xml_attr(ids[u])}" target="{xml_attr(ids[v])}">\n'
        for name, value in data.items():
            yield f'      <data key="{keys["edge", name]}">{xml_attr(value_text(value))}</data>\n'
        yield "    </edge>\n"
    yield "  </graph>\n</graphml>\n"


def to_graphml(model: Model) -> Exported[str]:
    """The graph as GraphML text, and what the format cannot hold."""
    return Exported("".join(_lines(model)), graph_file_report("GraphML 1.0", model))


def write_graphml(model: Model, path: Path | str) -> Exported[Path]:
    """Write the GraphML file atomically; returns its path and report."""
    done = to_graphml(model)
    return Exported(write_atomic(Path(path), done.artifact), done.report)

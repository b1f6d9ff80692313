"""GEXF 1.3 (Gephi, graphology, sigma.js) of the property graph.

Valid against the GEXF 1.3 XML Schema: ``version="1.3"``, no ``<graph name=...>``, attributes
declared per class with their types, every edge with an id of its own (``e0``, ``e1``...),
its relation kind as GEXF's edge ``kind`` and ``label`` (and the attribute ``kind``), so that
parallel edges of different kinds between the same two nodes stay apart. Text the XML cannot
hold (control characters) is removed. Attributes as in
:func:`~carepath.standards.graph_files.flat_graph`.

>>> from carepath import load_reference
>>> text = to_gexf(load_reference()).artifact
>>> '<gexf xmlns="http://gexf.net/1.3"' in text and 'kind="REFERS_TO"' in text
True
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from carepath import __version__
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

NAME = "gexf"
SUFFIXES = (".gexf",)
DESCRIPTION = "The property graph as GEXF 1.3 (Gephi, graphology)."
NS = "http://gexf.net/1.3"
_TYPES = {"int": "long", "double": "double", "boolean": "boolean", "string": "string"}
_OWN = ("label",)  # written as the node's or edge's own XML attribute


def _lines(model: Model) -> Iterator[str]:
    G = flat_graph(model)
    node_types = attribute_types({k: v for k, v in d.items() if k not in _OWN}
                                 for _, d in G.nodes(data=True))
    edge_types = attribute_types({k: v for k, v in d.items() if k not in _OWN}
                                 for *_, d in G.edges(data=True))
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield (f'<gexf xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'xsi:schemaLocation="{NS} {NS}/gexf.xsd" version="1.3">\n')
    yield (f"  <meta><creator>carepath {xml_attr(__version__)}</creator><description>"
           "Perinatal and infant mental health services and the relations between them"
           "</description></meta>\n")
    yield '  <graph defaultedgetype="directed" mode="static">\n'
    ids = {}
    for cls, types in (("node", node_types), ("edge", edge_types)):
        yield f'    <attributes class="{cls}">\n'
        for n, (name, kind) in enumerate(types.items()):
            ids[cls, name] = str(n)
            yield (f'      <attribute id="{n}" title="{xml_attr(name)}" '
                   f'type="{_TYPES[kind]}"/>\n')
        yield "    </attributes>\n"
    yield f'    <nodes count="{G.number_of_nodes()}">\n'
    for node, data in G.nodes(data=True):
        yield f'      <node id="{xml_attr(node)}" label="{xml_attr(str(data["label"]))}">\n'
        yield from _attvalues(data, "node", ids)
        yield "      </node>\n"
    yield "    </nodes>\n"
    yield f'    <edges count="{G.number_of_edges()}">\n'
    for u, v, key, data in G.edges(keys=True, data=True):
        kind = xml_attr(str(data["kind"]))
        yield (f'      <edge id="{key}" source="{xml_attr(u)}" target="{xml_attr(v)}" '
               f'kind="{kind}" label="{kind}">\n')
        yield from _attvalues(data, "edge", ids)
        yield "      </edge>\n"
    yield "    </edges>\n  </graph>\n</gexf>\n"


def _attvalues(data: dict, cls: str, ids: dict[tuple[str, str], str]) -> Iterator[str]:
    values = [(ids[cls, k], v) for k, v in data.items() if k not in _OWN]
    if values:
        yield "        <attvalues>\n"
        for ident, value in values:
            yield f'          <attvalue for="{ident}" value="{xml_attr(value_text(value))}"/>\n'
        yield "        </attvalues>\n"


def to_gexf(model: Model) -> Exported[str]:
    """The graph as GEXF 1.3 text, and what the format cannot hold."""
    return Exported("".join(_lines(model)), graph_file_report("GEXF 1.3", model))


def write_gexf(model: Model, path: Path | str) -> Exported[Path]:
    """Write the GEXF file atomically; returns its path and report."""
    done = to_gexf(model)
    return Exported(write_atomic(Path(path), done.artifact), done.report)

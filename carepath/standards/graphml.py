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

:func:`read_graphml` reads such a file back (edited in Gephi, yEd or by hand) as the model it
holds, and :func:`import_graphml` writes it as a carepath data folder: see
:mod:`carepath.standards.graph_import`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from carepath.errors import DataValidationError
from carepath.graph.model import Model
from carepath.standards.common import Exported
from carepath.standards.graph_files import (
    attribute_types,
    flat_graph,
    graph_file_report,
    value_text,
    xml_attr,
)
from carepath.standards.graph_import import (
    Element,
    GraphFile,
    GraphRead,
    import_graph,
    import_options,
    label_is_name,
    parse_xml,
    read_graph,
    typed,
)
from carepath.standards.importing import Imported
from carepath.writing import write_atomic

NAME = "graphml"
SUFFIXES = (".graphml",)
DESCRIPTION = "The property graph as GraphML (yEd, Cytoscape, Gephi, graphology)."
NS = "http://graphml.graphdrawing.org/xmlns"
DATA = f"{{{NS}}}data"
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
    for u, v, key, data in sorted(G.edges(keys=True, data=True),
                                  key=lambda edge: int(edge[2][1:])):  # e0, e1...
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



def parse_graphml(path: Path | str) -> GraphFile:
    """A GraphML file's nodes and edges, each attribute typed as its ``<key>`` declares."""
    path = Path(path)
    root = parse_xml(path, "GraphML")
    graph = GraphFile(str(path), "GraphML 1.0")
    if root.tag != f"{{{NS}}}graphml":
        graph.problem(Element({}, str(path), root.sourceline), "not-graphml", None,
                      f"the root element is <{root.tag}>, not GraphML's <graphml> in {NS}")
        raise DataValidationError(graph.problems)
    keys: dict[str, tuple[str, str, str | None]] = {}
    defaults: dict[str, dict[str, Any]] = {"node": {}, "edge": {}}
    for key in root.iterfind(f"{{{NS}}}key"):
        default = key.find(f"{{{NS}}}default")
        name, kind = key.get("attr.name") or key.get("id", ""), key.get("attr.type", "string")
        keys[key.get("id", "")] = (name, kind, default.text if default is not None else None)
        if default is not None:
            where = Element({}, str(path), key.sourceline)
            for domain in (("node", "edge") if key.get("for", "all") == "all"
                           else (key.get("for"),)):
                defaults.setdefault(domain, {})[name] = typed(graph, where, name,
                                                              default.text or "", kind)

    def element(xml: Any, domain: str) -> Element:
        found = Element(dict(defaults.get(domain, {})), str(path), xml.sourceline)
        for data in xml.iterchildren(DATA):
            key = keys.get(data.get("key"))
            if key is None:
                graph.problem(found, "unknown-key", "key", f"no <key> declares "
                              f"{data.get('key')!r}; value left out")
                continue
            name, kind, _ = key
            found.data[name] = (data.text or "" if kind == "string"
                                else typed(graph, found, name, data.text or "", kind))
        label_is_name(found.data, edge=domain == "edge")
        return found

    for xml in root.iterfind(f"{{{NS}}}graph"):
        graph.add_xml(xml.iterfind(f"{{{NS}}}node"), xml.iterfind(f"{{{NS}}}edge"), element)
    return graph


def read_graphml(path: Path | str) -> GraphRead:
    """The model a carepath GraphML file holds (edited or not), its data folder's records and
    warnings. Raises :class:`~carepath.errors.DataValidationError` listing every problem.

    >>> import tempfile, pathlib
    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> done = write_graphml(model, pathlib.Path(tempfile.mkdtemp()) / "g.graphml")
    >>> read_graphml(done.artifact).model.services == model.services
    True
    """
    from carepath.graph.bulk import paused_gc

    with paused_gc():  # a million objects, none of them garbage
        return read_graph(parse_graphml(path))


def import_graphml(path: Path | str, out: Path | str, *, force: bool = False,
                   together: tuple[Path | str, ...] = (), **options: object) -> Imported:
    """Write what a carepath GraphML file holds as a carepath data folder at ``out``."""
    import_options(path, **options)
    return import_graph(read_graphml(path), out, force=force, together=together)

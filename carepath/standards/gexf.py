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

:func:`read_gexf` reads such a file back (as Gephi saves it after an edit, GEXF 1.2 too) as
the model it holds, and :func:`import_gexf` writes it as a carepath data folder: see
:mod:`carepath.standards.graph_import`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from carepath import __version__
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
    for u, v, key, data in sorted(G.edges(keys=True, data=True),
                                  key=lambda edge: int(edge[2][1:])):  # e0, e1...
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



# the namespaces of the GEXF versions Gephi and graphology write
READ_NS = (NS, "http://gexf.net/1.2", "http://www.gexf.net/1.2draft", "http://www.gexf.net/1.1draft")


def parse_gexf(path: Path | str) -> GraphFile:
    """A GEXF file's nodes and edges, each attribute typed as its ``<attribute>`` declares
    (``label`` and an edge's ``kind`` are the XML attributes of the same name)."""
    path = Path(path)
    root = parse_xml(path, "GEXF")
    graph = GraphFile(str(path), "GEXF 1.3")
    ns = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    if root.tag != f"{{{ns}}}gexf" or ns not in READ_NS:
        graph.problem(Element({}, str(path), root.sourceline), "not-gexf", None,
                      f"the root element is <{root.tag}>, not GEXF's <gexf> in {NS}")
        raise DataValidationError(graph.problems)
    q = f"{{{ns}}}"
    xml_graph = root.find(f"{q}graph")
    if xml_graph is None:
        graph.problem(Element({}, str(path), root.sourceline), "no-graph", None,
                      "the file has no <graph> element")
        raise DataValidationError(graph.problems)
    declared: dict[str, dict[str, tuple[str, str, str | None]]] = {"node": {}, "edge": {}}
    for attributes in xml_graph.iterfind(f"{q}attributes"):
        table = declared.setdefault(attributes.get("class", "node"), {})
        for attribute in attributes.iterfind(f"{q}attribute"):
            default = attribute.find(f"{q}default")
            table[attribute.get("id", "")] = (attribute.get("title") or attribute.get("id", ""),
                                              attribute.get("type", "string"),
                                              default.text if default is not None else None)

    def element(xml: object, cls: str) -> Element:
        found = Element({}, str(path), xml.sourceline)
        table = declared.get(cls, {})
        titles = {title: (title, kind, None) for title, kind, _ in table.values()}
        for title, kind, default in table.values():
            if default is not None:
                found.data[title] = typed(graph, found, title, default, kind)
        for value in xml.iterfind(f"{q}attvalues/{q}attvalue"):
            ident = value.get("for") or value.get("id") or ""
            if ident not in table and ident not in titles:
                graph.problem(found, "unknown-attribute", "for", f"no <attribute> declares "
                              f"{ident!r}; value left out")
                continue
            title, kind, _ = table.get(ident) or titles[ident]
            found.data[title] = typed(graph, found, title, value.get("value", ""), kind)
        if xml.get("label") is not None:
            found.data["label"] = xml.get("label")
        if cls == "edge" and xml.get("kind"):
            found.data["kind"] = xml.get("kind")
        label_is_name(found.data, edge=cls == "edge")
        return found

    graph.add_xml(xml_graph.iterfind(f"{q}nodes/{q}node"),
                  xml_graph.iterfind(f"{q}edges/{q}edge"), element)
    return graph


def read_gexf(path: Path | str) -> GraphRead:
    """The model a carepath GEXF file holds (edited or not), its data folder's records and
    warnings. Raises :class:`~carepath.errors.DataValidationError` listing every problem.

    >>> import tempfile, pathlib
    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> done = write_gexf(model, pathlib.Path(tempfile.mkdtemp()) / "g.gexf")
    >>> read_gexf(done.artifact).model == model
    True
    """
    from carepath.graph.bulk import paused_gc

    with paused_gc():  # a million objects, none of them garbage
        return read_graph(parse_gexf(path))


def import_gexf(path: Path | str, out: Path | str, *, force: bool = False,
                together: tuple[Path | str, ...] = (), **options: object) -> Imported:
    """Write what a carepath GEXF file holds as a carepath data folder at ``out``."""
    import_options(path, **options)
    return import_graph(read_gexf(path), out, force=force, together=together)

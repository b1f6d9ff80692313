"""What the GraphML and GEXF writers share: the flat property graph and XML-safe text.

:func:`flat_graph` is the property graph of :func:`carepath.graph.networkx.to_networkx` with
every attribute a scalar, since neither format holds lists (lists are joined with ``"; "``,
missing values left out). Nodes carry ``label`` (the name, which Gephi and yEd show), ``kind``
(Service, Area, Tier, AgeStage, ...) and, for services, ``tier``, ``area``, ``stages`` (the
canonical stages covered) and the other service properties; edges carry ``kind`` (REFERS_TO,
ADVISES, ..., COVERS, AT_TIER, IN_AREA...), ``label`` (the same) and the relation's conditions
and evidence. The evidence document is ``evidence_source`` (an edge's ``source`` is its start
node in both formats). Every edge gets an id of its own, ``e0``, ``e1``..., in the order
of the property graph; a relation's id in carepath is its ``rel_id`` attribute.

:func:`xml_attr` makes any text safe in an XML 1.0 document: the characters XML cannot hold
(control characters but tab, line feed and carriage return; U+FFFE, U+FFFF; lone surrogates)
are removed, markup characters escaped.

>>> from carepath import load_reference
>>> G = flat_graph(load_reference())
>>> G.nodes["dorset-pmmhs"]["kind"], G.nodes["dorset-pmmhs"]["tier"]
('Service', 'specialist-perinatal')
>>> "stages" in G.nodes["dorset-pmmhs"] and isinstance(G.nodes["dorset-pmmhs"]["stages"], str)
True
>>> xml_attr('a\\x01b <"c">\\n')
'ab &lt;&quot;c&quot;&gt;&#10;'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from carepath.graph.model import Model
from carepath.graph.networkx import to_networkx
from carepath.standards.common import NOT_XML, ExportReport

_ATTR = str.maketrans({**dict.fromkeys(NOT_XML), "&": "&amp;", "<": "&lt;", ">": "&gt;",
                       '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def xml_attr(text: str) -> str:
    """``text`` escaped for an XML attribute value or element text (double quotes), with the
    characters XML 1.0 cannot hold removed."""
    return text.translate(_ATTR)


def _scalar(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


_RENAMED = {"source": "evidence_source"}


def _flat(data: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
    return {_RENAMED.get(k, k): _scalar(v) for k, v in data.items()
            if v is not None and v != "" and v != [] and k not in drop}


def flat_graph(model: Model) -> nx.MultiDiGraph:
    """The property graph with scalar attributes only, ready for GraphML and GEXF.

    Edges are keyed ``e0``, ``e1``... (unique, XML-safe ids).
    """
    G = to_networkx(model)
    H = nx.MultiDiGraph(name="carepath")
    for node, data in G.nodes(data=True):
        attrs = _flat(data, ("label", "id", "name"))
        H.add_node(node, label=data.get("name", node), kind=data.get("label", ""),
                   name=data.get("name", node), **attrs)
        if data.get("label") == "Service":
            H.nodes[node]["stages"] = "; ".join(model.stages_covered(model.services[node]))
    for n, (u, v, key, data) in enumerate(G.edges(keys=True, data=True)):
        kind = data.get("type") or key
        H.add_edge(u, v, key=f"e{n}", kind=kind, label=kind, **_flat(data, ("type", "id")))
    return H


def attribute_types(items: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Each attribute's type over all ``items``: ``boolean``, ``int``, ``double`` or ``string``.

    >>> attribute_types([{"a": 1, "b": "x"}, {"a": 2.5, "c": True}])
    {'a': 'double', 'b': 'string', 'c': 'boolean'}
    """
    seen: dict[str, set[type]] = {}
    for data in items:
        for key, value in data.items():
            seen.setdefault(key, set()).add(type(value))
    out = {}
    for key, types in seen.items():
        if types == {bool}:
            out[key] = "boolean"
        elif types == {int}:
            out[key] = "int"
        elif types <= {int, float}:
            out[key] = "double"
        else:
            out[key] = "string"
    return out


def value_text(value: Any) -> str:
    """A scalar as the formats write it (``true``/``false`` for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def graph_file_report(standard: str, model: Model) -> ExportReport:
    """What a graph file (GraphML, GEXF) holds of the model, and what it leaves out."""
    report = ExportReport(standard)
    report.hold("nodes and edges", ["every node and edge of the property graph, each edge with "
                                    "an id of its own and its kind as the attribute 'kind'"])
    report.hold("attributes", ["every property; lists as text joined with '; '; the evidence "
                               "document as 'evidence_source'"])
    report.lose("deliberate overlaps", [f"{', '.join(o.services)}: {o.note}"
                                        for o in model.overlaps])
    report.lose("pathway cells", [f"{c.service} at {c.stage_text}"
                                  + (f" ({c.level})" if c.level else "")
                                  for c in model.pathway])
    report.lose("eligibility", [f"{svc.id}: the structured conditions of its criteria (their "
                                "text is the attribute 'eligibility')"
                                for svc in model.services.values()
                                if any(c.windows or c.concerns or c.severities
                                       or c.parent_age_below is not None
                                       or c.parent_age_from is not None
                                       for c in svc.eligibility)])
    return report

"""GraphML (yEd, Cytoscape) and GEXF (Gephi) files of the property graph.

Both are written by networkx from :func:`flat_graph`: the property graph of
:func:`carepath.graph.networkx.to_networkx` with every attribute a scalar, since neither format
holds lists (lists are joined with ``"; "``, missing values left out). Nodes carry ``label``
(the name, which Gephi and yEd show), ``kind`` (Service, Area, Tier, AgeStage, ...) and, for
services, ``tier``, ``area``, ``stages`` (the canonical stages covered) and the other service
properties; edges carry ``kind`` (REFERS_TO, ADVISES, ..., COVERS, AT_TIER, IN_AREA...),
``label`` (the same) and the relation's conditions and evidence. GEXF reserves an edge's
``type`` (directed or not) and a node's ``label``, so the property graph's ``type`` and
``label`` are written as ``kind``.

>>> from carepath import load_reference
>>> G = flat_graph(load_reference())
>>> G.nodes["dorset-pmmhs"]["kind"], G.nodes["dorset-pmmhs"]["tier"]
('Service', 'specialist-perinatal')
>>> "stages" in G.nodes["dorset-pmmhs"] and isinstance(G.nodes["dorset-pmmhs"]["stages"], str)
True
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import networkx as nx

from carepath.files import write_atomic
from carepath.graph.model import Model
from carepath.graph.networkx import to_networkx


def _scalar(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _flat(data: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
    return {k: _scalar(v) for k, v in data.items() if v is not None and k not in drop}


def flat_graph(model: Model) -> nx.MultiDiGraph:
    """The property graph with scalar attributes only, ready for GraphML and GEXF."""
    G = to_networkx(model)
    H = nx.MultiDiGraph(name="carepath")
    for node, data in G.nodes(data=True):
        attrs = _flat(data, ("label", "id", "name"))
        H.add_node(node, label=data.get("name", node), kind=data.get("label", ""),
                   name=data.get("name", node), **attrs)
        if data.get("label") == "Service":
            H.nodes[node]["stages"] = "; ".join(model.stages_covered(model.services[node]))
    for u, v, key, data in G.edges(keys=True, data=True):
        kind = data.get("type") or key
        H.add_edge(u, v, key=key, kind=kind, label=kind, **_flat(data, ("type", "id")))
    return H


def to_graphml(model: Model) -> str:
    """The graph as GraphML text."""
    buffer = io.BytesIO()
    nx.write_graphml(flat_graph(model), buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def to_gexf(model: Model) -> str:
    """The graph as GEXF 1.2 text."""
    buffer = io.BytesIO()
    nx.write_gexf(flat_graph(model), buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def export_graphml(model: Model, path: Path | str) -> Path:
    """Write the GraphML file atomically; returns the path."""
    return write_atomic(Path(path), to_graphml(model))


def export_gexf(model: Model, path: Path | str) -> Path:
    """Write the GEXF file atomically; returns the path."""
    return write_atomic(Path(path), to_gexf(model))

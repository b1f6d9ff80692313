"""The networkx view: relation edges written in bulk from the statements are the edges that
add_edges_from makes from the relations and relation_properties, key for key."""

import dataclasses
from pathlib import Path

import networkx as nx
import pytest

import carepath
from carepath.graph.networkx import to_networkx
from carepath.graph.properties import STATEMENT_COLUMNS, relation_properties

ANALYSIS = Path(__file__).parents[1] / "data" / "analysis"


def _defined(model):
    """The relation edges the plain way: add_edges_from over model.relations."""
    G = nx.MultiDiGraph()
    G.add_edges_from((r.source, r.target, f"{r.kind.graph_type}:{r.id}",
                      {"type": r.kind.graph_type, **relation_properties(model, r)})
                     for r in model.relations)
    return G


@pytest.mark.parametrize("data", [None, ANALYSIS / "routes-town.yaml"],
                         ids=["reference", "routes-town"])
def test_relation_edges_are_those_add_edges_from_makes(data):
    model = carepath.load_reference() if data is None else carepath.load(data)
    fresh = dataclasses.replace(model)  # relations not expanded yet
    G = to_networkx(fresh)
    assert fresh._relations is None  # built from the statements alone
    edges = {k: (u, v, d) for u, v, k, d in G.edges(keys=True, data=True) if "rel_id" in d}
    defined = {k: (u, v, d) for u, v, k, d in _defined(model).edges(keys=True, data=True)}
    assert edges == defined
    assert all(list(d) == ["type", "rel_id", *STATEMENT_COLUMNS] for _, _, d in edges.values())
    assert len(edges) == model.relation_count
    # every edge is found from both ends, through the one key dict add_edge would share
    assert set(G.in_edges(keys=True)) == set(G.edges(keys=True))
    for u, v, _ in edges.values():
        assert G._pred[v][u] is G._succ[u][v]

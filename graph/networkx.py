"""The property-graph view of the model as a networkx ``MultiDiGraph``.

Nodes are keyed by id and carry ``label`` (Service, Area, Tier, AgeStage, Profession,
Intervention, Concern, Source, Family), ``id`` and ``name``. Edges are keyed by their type
(REFERS_TO, ADVISES, ..., COVERS, AT_TIER, STAFFED_BY, DELIVERS, ADDRESSES, IN_AREA); relation
edges (keyed ``TYPE:relation-id``, so parallel relations stay apart) carry ``type``,
``stages``, ``concerns``, ``urgency``, ``response_time``, ``note``, ``source`` and
``rel_id``. The same schema is used by the Cypher engines.

>>> from carepath import load_reference
>>> G = to_networkx(load_reference())
>>> G.nodes["dorset-pmmhs"]["label"], G.nodes["dorset-pmmhs"]["tier"]
('Service', 'specialist-perinatal')
>>> sorted({d["type"] for *_, d in G.in_edges("dorset-pmmhs", data=True)})
['HANDS_OVER_TO', 'REFERS_TO']
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from carepath.graph.bulk import paused_gc
from carepath.graph.model import FAMILY, Model, NodeKind, RelationKind
from carepath.graph.properties import relation_properties, service_properties

STRUCTURAL_TYPES = ("COVERS", "AT_TIER", "STAFFED_BY", "DELIVERS", "ADDRESSES", "IN_AREA")
RELATION_TYPES = tuple(kind.graph_type for kind in RelationKind)


def to_networkx(model: Model) -> nx.MultiDiGraph:
    """The model as a property graph (networkx MultiDiGraph keyed by relationship type)."""
    with paused_gc():
        return _to_networkx(model)


def _to_networkx(model: Model) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()

    def add(kind: NodeKind, ident: str, name: str, **props: Any) -> None:
        G.add_node(ident, label=kind.value, id=ident, name=name, **props)

    for src in model.sources.values():
        add(NodeKind.SOURCE, src.id, src.title, file=src.file or "")
    for area in model.areas.values():
        add(NodeKind.AREA, area.id, area.name, country=area.country or "")
    for tier in model.tiers.values():
        add(NodeKind.TIER, tier.id, tier.name, rank=tier.rank)
    for stage in model.stages.values():
        add(NodeKind.AGE_STAGE, stage.id, stage.name, start_week=stage.interval.start,
            end_week=stage.interval.end)
    for table, kind in ((model.professions, NodeKind.PROFESSION),
                        (model.interventions, NodeKind.INTERVENTION),
                        (model.concerns, NodeKind.CONCERN)):
        for term in table.values():
            add(kind, term.id, term.name)
    if any(st.source == FAMILY for st in model.statements):
        add(NodeKind.FAMILY, FAMILY, model.name_of(FAMILY))
    stages = model.stages_in_order()
    for svc in model.services.values():
        G.add_node(svc.id, label=NodeKind.SERVICE.value, id=svc.id,
                   **service_properties(model, svc))
        G.add_edge(svc.id, svc.area, key="IN_AREA")
        if svc.tier:
            G.add_edge(svc.id, svc.tier, key="AT_TIER")
        for stage in stages:
            if svc.covers(stage.interval):
                G.add_edge(svc.id, stage.id, key="COVERS")
        for prof in svc.professions:
            G.add_edge(svc.id, prof, key="STAFFED_BY")
        for intervention in svc.interventions:
            G.add_edge(svc.id, intervention, key="DELIVERS")
        for need in svc.addresses:
            G.add_edge(svc.id, need.concern, key="ADDRESSES",
                       severity=sorted(need.severities))
    cache: dict = {}
    G.add_edges_from(  # in bulk: a million relations take half the time of add_edge calls
        (rel.source, rel.target, f"{rel.kind.graph_type}:{rel.id}",
         {"type": rel.kind.graph_type, **relation_properties(model, rel, cache=cache)})
        for rel in model.relations)
    return G


def relation_graph(model: Model, kinds: tuple[RelationKind, ...] = (RelationKind.REFERS_TO,),
                   **conditions: Any) -> nx.MultiDiGraph:
    """Only services, professions and the family, joined by relations of ``kinds``.

    ``conditions`` (``week``, ``concern``, ``severity``) keep only relations that apply.
    """
    with paused_gc():
        return _relation_graph(model, frozenset(kinds), conditions)


def _relation_graph(model: Model, kinds: frozenset[RelationKind],
                    conditions: dict[str, Any]) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    if any(value is not None for value in conditions.values()):
        rels = [r for r in model.relations if r.kind in kinds and r.applies(**conditions)]
    else:
        rels = [r for r in model.relations if r.kind in kinds]
    # nodes first, in order of first appearance, then every edge in one call (bulk: a million
    # relations in a third of the time of one add_node/add_edge call each)
    nodes = dict.fromkeys(n for r in rels for n in (r.source, r.target))
    G.add_nodes_from((n, {"label": model.node_kind(n).value, "name": model.name_of(n)})
                     for n in nodes)
    G.add_edges_from((r.source, r.target, r.id, {"kind": r.kind.value, "relation": r})
                     for r in rels)
    return G

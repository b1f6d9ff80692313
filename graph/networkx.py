"""The property-graph view of the model as a networkx ``MultiDiGraph``.

Nodes are keyed by id and carry ``label`` (Service, Area, Tier, AgeStage, Profession,
Intervention, Concern, Source, Family), ``id`` and ``name``. Edges are keyed by their type
(REFERS_TO, ADVISES, ..., COVERS, AT_TIER, STAFFED_BY, DELIVERS, ADDRESSES, IN_AREA, PART_OF;
CELL_FOR from a PathwayCell to its service); relation
edges (keyed ``TYPE:relation-id``, so parallel relations stay apart) carry ``type``,
``stages``, ``concerns``, ``urgency``, ``response_time``, ``note``, ``source`` and
``rel_id``. The same schema is used by the Cypher engines.

>>> from carepath import load_reference
>>> G = to_networkx(load_reference())
>>> G.nodes["dorset-pmmhs"]["label"], G.nodes["dorset-pmmhs"]["tier"]
('Service', 'specialist-perinatal')
>>> sorted({key.split(":")[0] for *_, key in G.in_edges("dorset-pmmhs", keys=True)})
['HANDS_OVER_TO', 'PART_OF', 'REFERS_TO']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from carepath.graph.bulk import paused_gc
from carepath.graph.model import (
    NO,
    RESERVED_NODES,
    UNNAMED,
    UNNAMED_NODES,
    Model,
    NodeKind,
    Relation,
    RelationKind,
)
from carepath.graph.properties import (
    pathway_cell_id,
    pathway_cell_properties,
    service_properties,
    statement_properties,
)

# the hops relation_graph adds, made in routegraph (the route searches make them too, and
# import no networkx), and still importable from here
from carepath.graph.routegraph import (  # noqa: F401
    PART_OF_PREFIX,
    STAFFED_BY_PREFIX,
    part_of_relation,
    part_of_relations,
    staffed_by_relation,
    staffed_by_relations,
)
from carepath.graph.verdict import window_at

STRUCTURAL_TYPES = ("COVERS", "AT_TIER", "STAFFED_BY", "DELIVERS", "ADDRESSES", "IN_AREA",
                    "PART_OF")
RELATION_TYPES = tuple(kind.graph_type for kind in RelationKind)


def to_networkx(model: Model) -> nx.MultiDiGraph:
    """The model as a property graph (networkx MultiDiGraph keyed by relationship type).

    Relation edges are made from :attr:`Model.statements` (never :attr:`Model.relations`),
    and the edges of one statement share their property values: treat the lists in edge data
    as read-only.
    """
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
    used = {st.source for st in model.statements}
    for node in RESERVED_NODES:
        if node in used:
            add(NodeKind.FAMILY, node, model.name_of(node))
    ends = used.union(*(st.targets for st in model.statements if UNNAMED in st.targets))
    for node in UNNAMED_NODES:
        if node in ends:
            add(NodeKind.UNNAMED, node, model.name_of(node))
    stages = model.stages_in_order()
    covered: dict = {}  # the stages of each distinct set of windows (services share a few)
    for svc in model.services.values():
        G.add_node(svc.id, label=NodeKind.SERVICE.value, id=svc.id,
                   **service_properties(model, svc))
        stage_ids = covered.get(svc.windows)
        if stage_ids is None:
            stage_ids = covered[svc.windows] = [stage.id for stage in stages
                                                if svc.covers(stage.interval)]
        edges = [(svc.area, "IN_AREA", {})]
        if svc.part_of:
            edges.append((svc.part_of, "PART_OF", {}))
        if svc.tier:
            edges.append((svc.tier, "AT_TIER", {}))
        edges += [(stage, "COVERS", {}) for stage in stage_ids]
        edges += [(prof, "STAFFED_BY", {}) for prof in svc.professions]
        edges += [(intervention, "DELIVERS", {}) for intervention in svc.interventions]
        edges += [(need.concern, "ADDRESSES", {"severity": sorted(need.severities)})
                  for need in svc.addresses]
        _add_edges_out(G, svc.id, edges)
    for i, (cell, targets) in enumerate(zip(model.pathway, model.pathway_targets(),
                                            strict=True)):
        ident = pathway_cell_id(i)
        G.add_node(ident, label=NodeKind.PATHWAY_CELL.value, id=ident,
                   name=f"{cell.stage_text} / {model.name_of(cell.service)}",
                   **pathway_cell_properties(cell, targets))
        G.add_edge(ident, cell.service, key="CELL_FOR")
    _add_relation_edges(G, model)
    return G


def _add_relation_edges(G: nx.MultiDiGraph, model: Model) -> None:
    """An edge per relation, made from the statements: each statement's edge dict (``type``,
    ``rel_id``, then its :func:`statement_properties`) once, copied and given its ``rel_id``
    per target. The property values (lists too) are shared by the edges of one statement."""
    cache: dict = {}
    for st in model.statements:
        rel_type, stem = st.kind.graph_type, st.relation_id_stem
        key_stem = f"{rel_type}:{stem}"
        shared = {"type": rel_type, "rel_id": "",
                  **statement_properties(model, st, cache=cache)}
        # {**shared, "rel_id": ...} keeps rel_id second: a dict keeps a replaced key's place
        _add_edges_out(G, st.source, [(t, key_stem + t, {**shared, "rel_id": stem + t})
                                      for t in st.targets])


def _add_edges_out(G: nx.MultiDiGraph, source: str,
                   edges: list[tuple[str, str, dict[str, Any]]]) -> None:
    """Add edges ``(target, key, data)`` from ``source`` as ``G.add_edge`` would (missing
    nodes added, one key dict shared by ``_succ`` and ``_pred``, data of an existing key
    updated, same order), writing the adjacency dicts directly: ``add_edges_from`` copies
    each data dict twice and looks the edge up again, 2.5 times the time (130,000 relations).
    ``data`` is kept, not copied. A graph being built has no cached views to clear."""
    succ, pred = G._succ, G._pred
    if source not in succ:
        G.add_node(source)
    out = succ[source]
    for target, key, data in edges:
        keys = out.get(target)
        if keys is None:
            if target not in succ:
                G.add_node(target)
            keys = out[target] = pred[target][source] = G.edge_key_dict_factory()
        if key in keys:
            keys[key].update(data)
        else:
            keys[key] = data


def relation_graph(model: Model, kinds: tuple[RelationKind, ...] = (RelationKind.REFERS_TO,),
                   *, relations: Iterable[Relation] | None = None,
                   **conditions: Any) -> nx.MultiDiGraph:
    """Only services, professions and the family, joined by relations of ``kinds``.

    ``conditions`` (``week``, ``concern``, ``severity``) keep only relations that apply; with
    a ``week``, a relation also goes when the target service's stated window excludes that
    week (:meth:`Model.hop_at`: a hop is open only if the relation and the target allow it).
    A service that is part of another (``Service.part_of``) is reached from its parent by a
    hop whose ``relation`` has an id starting with :data:`PART_OF_PREFIX` (the parent's
    referral routes are the part's); a service reaches the professions staffing it by a hop
    starting with :data:`STAFFED_BY_PREFIX` (:func:`staffed_by_relations`). ``relations``:
    the relations to draw from (default: every relation of the model), e.g. only those of
    the areas a search will look in.

    >>> from carepath import load_reference
    >>> G = relation_graph(load_reference(), week=-20)
    >>> G.has_edge("gp", "p05-health-visiting")
    False
    >>> [k for k in relation_graph(load_reference())["dorset-pmmhs"]["dorset-mmhs"]]
    ['part-of/dorset-mmhs']
    """
    with paused_gc():
        return _relation_graph(model, frozenset(kinds), conditions, relations)


def _relation_graph(model: Model, kinds: frozenset[RelationKind], conditions: dict[str, Any],
                    relations: Iterable[Relation] | None) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    rels = [r for r in (model.relations if relations is None else relations) if r.kind in kinds]
    if RelationKind.REFERS_TO in kinds:
        holders = {r.source for r in rels if r.source in model.professions}
        rels += part_of_relations(model) + [r for r in staffed_by_relations(model)
                                            if r.target in holders]  # professions that hold one
    if any(value is not None for value in conditions.values()):
        rels = [r for r in rels if r.applies(**conditions)]
    week = conditions.get("week")
    if week is not None:  # the one verdict decides which hops are closed
        services, open_at = model.services, {}
        for r in rels:
            if r.target in services and r.target not in open_at:
                open_at[r.target] = window_at(model, services[r.target], week).value
        rels = [r for r in rels if open_at.get(r.target) != NO]
    # nodes first, in order of first appearance, then every edge in one call (bulk: a million
    # relations in a third of the time of one add_node/add_edge call each)
    nodes = dict.fromkeys(n for r in rels for n in (r.source, r.target))
    G.add_nodes_from((n, {"label": model.node_kind(n).value, "name": model.name_of(n)})
                     for n in nodes)
    G.add_edges_from((r.source, r.target, r.id, {"kind": r.kind.value, "relation": r})
                     for r in rels)
    return G

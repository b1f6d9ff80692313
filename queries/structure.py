"""Hubs and single points of failure in the referral network.

The network is each area's referrals, hand-overs and signposting (:data:`KINDS`) between its
services, the professions and the family, with parallel relations merged; areas are analysed
apart, because professions and the family are shared by every area (see
:func:`carepath.queries.routes.area_view`). For each service it gives its degree, its
betweenness, whether it is a cut vertex of the undirected network, and which
"entry -> specialist" pairs would lose every route if it were removed.

>>> from carepath import load_reference
>>> out = structure(load_reference(), area="dorset")
>>> row = out.iloc[0]
>>> row["service"], int(row["in_degree"]), int(row["out_degree"]), bool(row["cut_vertex"])
('dorset-pmmhs', 7, 3, True)
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import pandas as pd

from carepath.graph.model import FAMILY, Model
from carepath.graph.networkx import relation_graph
from carepath.queries.referrals import check_area, check_kinds, evidence
from carepath.queries.routes import area_view

__all__ = ["COLUMNS", "KINDS", "SPECIALIST_RANK", "structure"]

COLUMNS = ["service", "name", "area", "tier", "in_degree", "out_degree", "betweenness",
           "cut_vertex", "disconnects", "evidence"]
KINDS = ("refers_to", "hands_over_to", "signposts_to")
SPECIALIST_RANK = 5
"""Services at a tier of this rank or above are specialist help (specialist perinatal,
specialist parent-infant, inpatient)."""


def structure(model: Model, *, area: str | None = None,
              kinds: Iterable[str] = KINDS) -> pd.DataFrame:
    """Hubs and single points of failure among the services (of ``area``).

    Parameters
    ----------
    model : the carepath model.
    area : an area id; default every area, each analysed on its own.
    kinds : the relation kinds that make the network.

    Returns
    -------
    DataFrame with a row per service: service, name, area, tier, in_degree and out_degree
    (distinct services, professions or the family it is joined to), betweenness (networkx
    betweenness centrality, normalised, within its area), cut_vertex (a networkx articulation
    point of the undirected network), disconnects (``"entry -> specialist"`` pairs that lose
    every route if the service is removed; entries are universal services, professions and the
    family, specialists are services at tier rank >= :data:`SPECIALIST_RANK`) and evidence (the
    relations it takes part in, ``"doc:line"``). Sorted by number of disconnects, then
    betweenness, both descending, then area and id.

    Raises:
        QueryError: for an unknown area or relation kind.

    Examples
    --------
    >>> from carepath import load_reference
    >>> out = structure(load_reference(), area="pathway-0-5")
    >>> out[out["cut_vertex"]]["service"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['p05-health-visiting', 'p05-maternal-mental-health', 'p05-mental-health-team',
     'p05-midwifery', 'p05-primary-care-gp']
    """
    area = check_area(model, area)
    graph = relation_graph(model, check_kinds(kinds))
    areas = [area] if area is not None else sorted(model.areas)
    rows = []
    for one in areas:
        rows.extend(_area_rows(model, graph, one))
    df = pd.DataFrame(rows, columns=[*COLUMNS, "_count"])
    df = df.sort_values(["_count", "betweenness", "area", "service"],
                        ascending=[False, False, True, True], kind="stable")
    return df.drop(columns="_count").reset_index(drop=True)


def _area_rows(model: Model, graph: nx.MultiDiGraph, area: str) -> list[dict]:
    services = sorted(s.id for s in model.services.values() if s.area == area)
    view = area_view(model, graph, area)
    view.add_nodes_from(services)
    betweenness = nx.betweenness_centrality(view)
    cut = set(nx.articulation_points(view.to_undirected()))
    lost = _disconnects(model, view, area)
    rows = []
    for ident in services:
        svc = model.services[ident]
        proofs = sorted(
            {(r.provenance.source, r.provenance.line or -1, evidence(r.provenance))
             for u, v in [*view.in_edges(ident), *view.out_edges(ident)]
             for r in (d["relation"] for d in graph[u][v].values())})
        rows.append({
            "service": ident, "name": svc.name, "area": area, "tier": svc.tier or "",
            "in_degree": view.in_degree(ident), "out_degree": view.out_degree(ident),
            "betweenness": betweenness[ident], "cut_vertex": ident in cut,
            "disconnects": lost.get(ident, []), "evidence": [p[2] for p in proofs],
            "_count": len(lost.get(ident, [])),
        })
    return rows


def _disconnects(model: Model, view: nx.DiGraph, area: str) -> dict[str, list[str]]:
    """For each service, the entry -> specialist pairs every route of which passes through it.

    A service cuts every route from an entry to a specialist exactly when it dominates the
    specialist in the graph searched from the entry, so one dominator tree per entry answers
    for all services at once.
    """
    def rank(node: str) -> int:
        svc = model.services.get(node)
        tier = model.tiers.get(svc.tier) if svc is not None and svc.tier else None
        return tier.rank if tier is not None else 0

    entries = sorted(n for n in view if (
        (n in model.services and model.services[n].tier == "universal")
        or n in model.professions or n == FAMILY))
    specialists = sorted(n for n in view if n in model.services
                         and model.services[n].area == area and rank(n) >= SPECIALIST_RANK)
    lost: dict[str, list[str]] = {}
    for entry in entries:
        idom = nx.immediate_dominators(view, entry)
        for target in specialists:
            if target == entry or target not in idom:
                continue
            node = idom[target]
            while node != entry:
                # a service is not "cut off" by the service it is part of: it is that service
                if node in model.services and model.services[target].part_of != node:
                    lost.setdefault(node, []).append(f"{entry} -> {target}")
                node = idom[node]
    return lost

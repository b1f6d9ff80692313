"""The route searches as they were before the route graph (carepath.graph.routegraph): a
networkx graph of the relations touching the searched areas, one view per area, networkx's
own path searches. Kept here as the yardstick the array search must match row for row
(test_routes_graph.py)."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from carepath.graph.model import NO, YES, Model
from carepath.graph.networkx import relation_graph
from carepath.graph.verdict import combine, conditions_at, window_at
from carepath.queries._analysis import relations_touching
from carepath.queries.referrals import check_area, check_kinds, check_node, check_term, check_week
from carepath.queries.routes import (
    NEED_COLUMNS,
    _areas,
    _board,
    _frame,
    _route_row,
    area_views,
    entry_points,
    resolve_targets,
)


def routes(model: Model, source: str, target: str, *, week=None, concern=None, severity=None,
           max_hops: int = 4, kinds=("refers_to",), shortest: bool = False,
           births=None) -> pd.DataFrame:
    source = check_node(model, source, "source")
    targets = [t for t in resolve_targets(model, target)
               if getattr(_board(model, t, births), "value", "") != NO]
    week = check_week(week)
    concern = check_term(model.concerns, concern, "concern")
    severity = check_term(model.severities, severity, "severity")
    kinds = check_kinds(kinds)
    graph = relation_graph(model, kinds, week=week, concern=concern, severity=severity,
                           relations=_searched(model, _areas(model, source, targets), kinds))
    rows = []
    for path in _paths(model, graph, source, targets, max_hops=max_hops, shortest=shortest):
        row = _route_row(model, _hop(graph), path, week)
        board = _board(model, path[-1], births)
        if board is not None and board.value:
            row["conditions"][-1] += f" ({board})"
            row["open"] = combine([row["open"] or YES, board.value])
        rows.append(row)
    return _frame(rows)


def routes_for_need(model: Model, *, concern, severity=None, week, entry=None, area=None,
                    max_hops: int = 4, kinds=("refers_to",), births=None) -> pd.DataFrame:
    week = check_week(week)
    concern = check_term(model.concerns, concern, "concern")
    severity = check_term(model.severities, severity, "severity")
    area = check_area(model, area)
    if entry is None:
        entries = entry_points(model, area=area)
    else:
        entries = sorted({check_node(model, e, "entry")
                          for e in ([entry] if isinstance(entry, str) else entry)})
    boards = {a: births if births is not None else model.areas[a].births_per_year
              for a in model.areas}
    targets = [s.id for s in model.services.values()
               if (area is None or s.area == area) and s.id not in entries
               and s.addresses_concern(concern, severity)
               and window_at(model, s, week).value != NO
               and conditions_at(s, boards.get(s.area)).value != NO]
    kinds = check_kinds(kinds)
    searched = {model.services[t].area for t in targets}
    graph = relation_graph(model, kinds, week=week, concern=concern, severity=severity,
                           relations=_searched(model, sorted(searched), kinds))
    rows, views = [], {}
    for start in entries:
        for path in _paths(model, graph, start, targets, max_hops=max_hops, shortest=False,
                           views=views):
            end = path[-1]
            row = _route_row(model, _hop(graph), path, week)
            board = conditions_at(model.services[end], boards.get(model.services[end].area))
            if board.value:
                row["conditions"][-1] += f" ({board})"
                row["open"] = combine([row["open"], board.value])
            rows.append({"entry": start, "target": end, "target_name": model.name_of(end),
                         "area": model.services[end].area, **row})
    df = pd.DataFrame(rows, columns=[c for c in NEED_COLUMNS if c != "route"])
    df["_key"] = df["path"].map(tuple)
    df = df.sort_values(["area", "target", "hops", "_key"], kind="stable").drop(columns="_key")
    df.insert(0, "route", range(1, len(df) + 1))
    return df.reset_index(drop=True)


def _hop(graph):
    return lambda u, v: [d["relation"] for d in graph[u][v].values()]


def _searched(model, areas, kinds):
    if len(areas) == len(model.areas):
        return None
    return relations_touching(model, areas, kinds)


def _paths(model, graph, source, targets, *, max_hops, shortest, views=None):
    views = {} if views is None else views
    found = set()
    areas = _areas(model, source, targets)
    missing = [a for a in areas if a not in views]
    if missing:
        views.update(area_views(model, graph, missing))
    for area in areas:
        view = views[area]
        ends = {t for t in targets if t != source and t in view
                and (t not in model.services or model.services[t].area == area)}
        if source not in view or not ends:
            continue
        if shortest:
            found.update(_shortest(view, source, ends, max_hops))
            continue
        for path in nx.all_simple_paths(view, source, ends, cutoff=max_hops):
            if not ends.intersection(path[1:-1]):
                found.add(tuple(path))
    ordered = sorted(found, key=lambda p: (len(p), p))
    return [list(p) for p in (ordered[:1] if shortest else ordered)]


def _shortest(view, source, ends, max_hops):
    lengths = nx.single_source_shortest_path_length(view, source, cutoff=max_hops)
    reached = [(d, t) for t, d in lengths.items() if t in ends]
    if not reached:
        return []
    best = min(d for d, _ in reached)
    return [min(tuple(p) for t in sorted(t for d, t in reached if d == best)
                for p in nx.all_shortest_paths(view, source, t))]

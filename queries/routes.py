"""Referral routes: every way a family can get from a first contact to a service.

A route is a simple path over the relations of ``kinds`` (referrals by default) in which every
hop applies to the family: at ``week``, for ``concern``, at ``severity`` (conditions a relation
does not state do not restrict it). Two rules keep routes meaningful:

- A route stays within one area. Professions (``gp``, ``health-visitor``...) and the family are
  shared by every area, so without this rule a midwife who signposts to a health visitor in one
  document would seem to reach a team named in another. Each hop must touch a service of the
  route's area.
- A route ends at the first target it reaches: with a tier as target, a route through one
  inpatient unit to another is not listed.
- Asked about an age, a hop is open only where neither the relation's own stages nor the
  target service's window exclude it; it is ``yes`` where one of them states the age and
  ``unknown`` where neither states a window (said on the hop, never "any stage").
- A service that is part of another (``Service.part_of``) is reached through it: the parent's
  referral routes are the part's.

Targets are resolved by :func:`resolve_targets`: a service or profession id, a tier id or alias
(``"inpatient"``: every Mother and Baby Unit), or words matching service names and aliases.

The searches run over the model's route graph (:func:`carepath.graph.routegraph.route_graph_of`:
arrays a build writes once and a search memory-maps), so a question pays for the search, not
for making a graph of every relation; the relations of the hops found are made for their rows.

>>> from carepath import load_reference
>>> model = load_reference()
>>> referral_routes(model, "health-visitor", "dorset-pmmhs").loc[0, "names"]
'Health visitor -> Perinatal and Maternal Mental Health Service'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from carepath.errors import QueryError
from carepath.graph.model import (
    BY_DISCUSSION,
    FAMILY,
    NO,
    RELATIVES,
    UNKNOWN,
    YES,
    Model,
    Relation,
)
from carepath.graph.routegraph import (
    PART_OF_PREFIX,
    STAFFED_BY_PREFIX,
    RouteSearch,
    route_graph_of,
)
from carepath.graph.verdict import combine, conditions_at, hop_at, window_at
from carepath.queries.referrals import (
    check_area,
    check_kinds,
    check_node,
    check_term,
    check_week,
    choices,
    did_you_mean,
    evidence,
)

if TYPE_CHECKING:  # networkx and pandas are imported when a search needs them
    import networkx as nx
    import pandas as pd

__all__ = ["COLUMNS", "ENTRY_PROFESSIONS", "NEED_COLUMNS", "area_view", "area_views",
           "entry_points", "referral_routes", "resolve_targets", "routes_for_need",
           "shortest_route"]

COLUMNS = ["route", "open", "hops", "path", "names", "conditions", "hops_open", "evidence"]
NEED_COLUMNS = ["route", "entry", "target", "target_name", "area", "open", "hops", "path",
                "names", "conditions", "hops_open", "evidence"]
ENTRY_PROFESSIONS = ("midwife", "health-visitor", "gp")
"""The professions families meet first; with the family and universal services, the default
entry points of :func:`routes_for_need`."""


def resolve_targets(model: Model, target: str) -> list[str]:
    """The node ids a route target names, sorted.

    In order of preference: a service, profession or ``family`` id (itself); a tier id, name or
    alias (every service at that tier); otherwise words found in service names, aliases or ids
    (case-insensitive, every word must occur).

    Raises:
        QueryError: naming the tiers and close service ids when nothing matches.

    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> resolve_targets(model, "inpatient")
    ['dorset-mbu', 'p05-mother-and-baby-unit', 'scot-mbu']
    >>> resolve_targets(model, "IAPT")
    ['cm-iapt']
    >>> resolve_targets(model, "mother baby")
    ['dorset-mbu', 'p05-mother-and-baby-unit', 'scot-mbu']
    """
    if model.node_kind(target) is not None:
        return [target]
    try:
        tier = check_term(model.tiers, target, "tier")
    except QueryError:
        tier = None
    if tier is not None:
        return sorted(s.id for s in model.services.values() if s.tier == tier)
    words = str(target).lower().split()
    found = sorted(
        s.id for s in model.services.values()
        if words and all(any(w in text.lower() for text in (s.id, s.name, *s.aliases))
                         for w in words))
    if found:
        return found
    raise QueryError(
        f"unknown target {target!r}{did_you_mean(str(target), model.services)}; expected a "
        f"service or profession id, a tier ({choices(model.tiers)}) or words from a service's "
        f"name")


def entry_points(model: Model, *, area: str | None = None) -> list[str]:
    """Where families come in: universal-tier services (of ``area``), the first-contact
    professions (:data:`ENTRY_PROFESSIONS`, those in the model), the family (self-referral)
    and its relatives or carers (referring on its behalf), sorted.

    >>> from carepath import load_reference
    >>> entry_points(load_reference(), area="pathway-0-5")  # doctest: +NORMALIZE_WHITESPACE
    ['family', 'gp', 'health-visitor', 'midwife', 'p05-childrens-centres-eyfs',
     'p05-health-visiting', 'p05-maternal-mental-health', 'p05-midwifery',
     'p05-primary-care-gp', 'relatives']
    """
    area = check_area(model, area)
    services = [s.id for s in model.services.values()
                if s.tier == "universal" and (area is None or s.area == area)]
    professions = [p for p in ENTRY_PROFESSIONS if p in model.professions]
    return sorted({*services, *professions, FAMILY, RELATIVES})


def referral_routes(model: Model, source: str, target: str, *, week: float | None = None,
                    concern: str | None = None, severity: str | None = None, max_hops: int = 4,
                    kinds: Iterable[str] = ("refers_to",),
                    births: int | None = None) -> pd.DataFrame:
    """Every simple route of at most ``max_hops`` hops from ``source`` to ``target``.

    Parameters
    ----------
    model : the carepath model.
    source : where the family starts: a service id, a profession id or ``"family"``.
    target : a service or profession id, a tier (``"inpatient"``) or words from service names;
        see :func:`resolve_targets`.
    week, concern, severity : the family's situation; every hop must apply to it.
    max_hops : the longest route searched, in hops.
    kinds : relation kinds a hop may use (e.g. add ``"signposts_to"``, ``"hands_over_to"``).
    births : the health board's births a year (default: the area's ``births_per_year``): a
        target whose document provides it only in other boards is left out; without it, a
        route to such a target says "depends on board size".

    Returns
    -------
    DataFrame with columns route (1..n), open, hops, path (ids), names (joined with " -> "),
    conditions (per hop: the stages, concerns, severities, urgency of the relations used, and
    the target's window), hops_open (per hop: ``"yes"`` or ``"unknown"``) and evidence (per
    hop: ``"doc-001:68, doc-001:80"``), shortest first. Empty if there is none.

    With a ``week``, a hop is open only if the relation's own stages and the target service's
    window allow it (:meth:`Model.hop_at`): a route with a hop the documents close is not
    offered; a hop where neither states a window is ``"unknown"`` and says so, and so is the
    route (``open``). Without a week, ``open`` is ``""`` (no age was asked).

    Raises:
        QueryError: for an unknown source, target, term or kind.

    Examples
    --------
    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> routes = referral_routes(model, "p05-health-visiting", "p05-adult-mental-health-services",
    ...                          week=4)
    >>> routes.loc[0, "names"], routes.loc[0, "evidence"]
    ('Health Visiting -> Adult Mental Health Services', ['doc-001:68, doc-001:112, doc-001:174'])
    >>> routes.loc[0, "conditions"][0].split(" | ")  # doctest: +NORMALIZE_WHITESPACE
    ['Birth - 6 weeks, level universal-partnership-plus',
     '1 week - 6/8 weeks, level universal-partnership-plus',
     'Birth - 6 months (target window: not stated)']
    >>> len(referral_routes(model, "p05-health-visiting", "p05-adult-mental-health-services",
    ...                     week=30))
    0

    The Dorset service's window ends at two years; beyond it referrals "will be discussed on
    an individual basis" (doc-002:7), so the route at three is open "by discussion":

    >>> referral_routes(model, "gp", "dorset-pmmhs", week=156).loc[0, "open"]
    'by discussion'
    """
    return _routes(model, source, target, week=week, concern=concern, severity=severity,
                   max_hops=max_hops, kinds=kinds, shortest=False, births=births)


def shortest_route(model: Model, source: str, target: str, *, week: float | None = None,
                   concern: str | None = None, severity: str | None = None, max_hops: int = 4,
                   kinds: Iterable[str] = ("refers_to",),
                   births: int | None = None) -> pd.DataFrame:
    """The shortest of :func:`referral_routes` (fewest hops, then by ids): one row or none.

    Found by breadth-first search, so it stays fast where listing every route would not.

    >>> from carepath import load_reference
    >>> shortest_route(load_reference(), "midwife", "specialist perinatal")["names"].tolist()
    ['Midwife -> Perinatal and Maternal Mental Health Service']
    """
    return _routes(model, source, target, week=week, concern=concern, severity=severity,
                   max_hops=max_hops, kinds=kinds, shortest=True, births=births)


def routes_for_need(model: Model, *, concern: str, severity: str | None = None,
                    week: float, entry: str | Iterable[str] | None = None,
                    area: str | None = None, max_hops: int = 4,
                    kinds: Iterable[str] = ("refers_to",),
                    births: int | None = None) -> pd.DataFrame:
    """Routes to the services that meet a need: ``concern`` at ``severity``, at ``week``.

    Targets are the services (of ``area``) that address the concern at that severity (or at
    unstated severity) and whose windows do not close on ``week``
    (:func:`carepath.graph.verdict.window_at`: none stated, seen-at stages and by-discussion
    margins keep a service); services that are themselves entry points need no route and are
    left out. A service whose document makes it depend on the health board's size is kept
    with "depends on board size" in its last hop's conditions, unless ``births`` (default:
    the area's ``births_per_year``) says the condition does not hold. Entry points default to
    :func:`entry_points`; give ``entry`` (one id or several) to start elsewhere.

    Returns
    -------
    DataFrame with columns route (1..n), entry, target, target_name, area, then the columns of
    :func:`referral_routes`; sorted by area, target, hops and path. A target whose window the
    documents do not state is kept, its route ``open: unknown``.

    Examples
    --------
    "What route exists for moderate maternal anxiety at 4 months?" (week 17):

    >>> from carepath import load_reference
    >>> out = routes_for_need(load_reference(), concern="maternal-mental-health",
    ...                       severity="moderate", week=17, area="dorset")
    >>> out[out.target == "dorset-pmmhs"][["entry", "open"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['gp', 'yes'], ['health-visitor', 'yes'], ['midwife', 'yes'], ['relatives', 'yes'],
     ['dorset-general-practice', 'yes'], ['dorset-midwifery', 'yes']]

    The family's own 24/7 access (doc-002:27) reaches the crisis services; they state no
    window, so the route is open "unknown":

    >>> out[out.entry == "family"][["target", "open"]].values.tolist()[0]
    ['dorset-access-mental-health', 'unknown']
    """
    week = check_week(week)
    if week is None:
        raise QueryError("routes_for_need needs a week (weeks relative to birth)")
    concern = check_term(model.concerns, concern, "concern")
    if concern is None:
        raise QueryError(f"routes_for_need needs a concern; expected one of: "
                         f"{choices(model.concerns)}")
    severity = check_term(model.severities, severity, "severity")
    area = check_area(model, area)
    _check_hops(max_hops)
    if entry is None:
        entries = entry_points(model, area=area)
    else:
        entries = sorted({check_node(model, e, "entry")
                          for e in ([entry] if isinstance(entry, str) else entry)})
    _check_births(births)
    boards = {a: births if births is not None else model.areas[a].births_per_year
              for a in model.areas}
    targets = [s.id for s in model.services.values()
               if (area is None or s.area == area) and s.id not in entries
               and s.addresses_concern(concern, severity)
               and window_at(model, s, week).value != NO
               and conditions_at(s, boards.get(s.area)).value != NO]
    kinds = check_kinds(kinds)
    searched = sorted({model.services[t].area for t in targets})
    search = route_graph_of(model).search(model, kinds=kinds, week=week, concern=concern,
                                          severity=severity, areas=searched)
    rows = []
    for start in entries:
        for path in _paths(model, search, start, targets, max_hops=max_hops, shortest=False):
            end = path[-1]
            row = _route_row(model, search.relations, path, week)
            board = conditions_at(model.services[end], boards.get(model.services[end].area))
            if board.value:
                row["conditions"][-1] += f" ({board})"
                row["open"] = combine([row["open"], board.value])
            rows.append({"entry": start, "target": end, "target_name": model.name_of(end),
                         "area": model.services[end].area, **row})
    import pandas as pd

    df = pd.DataFrame(rows, columns=[c for c in NEED_COLUMNS if c != "route"])
    df["_key"] = df["path"].map(tuple)
    df = df.sort_values(["area", "target", "hops", "_key"], kind="stable").drop(columns="_key")
    df.insert(0, "route", range(1, len(df) + 1))
    return df.reset_index(drop=True)


# -- the search ---------------------------------------------------------------------------------

def _check_births(births: int | None) -> None:
    if births is not None and (isinstance(births, bool) or not isinstance(births, int)
                               or births < 0):
        raise QueryError(f"births must be a whole number of births a year, not {births!r}")


def _board(model: Model, service: str, births: int | None):
    """The board-size verdict on ``service`` (:func:`conditions_at`), births defaulting to
    its area's ``births_per_year``."""
    svc = model.services.get(service)
    if svc is None:
        return None
    area = model.areas.get(svc.area)
    return conditions_at(svc, births if births is not None or area is None
                         else area.births_per_year)


def _routes(model: Model, source: str, target: str, *, week: float | None,
            concern: str | None, severity: str | None, max_hops: int,
            kinds: Iterable[str], shortest: bool, births: int | None = None) -> pd.DataFrame:
    _check_births(births)
    source = check_node(model, source, "source")
    targets = [t for t in resolve_targets(model, target)
               if getattr(_board(model, t, births), "value", "") != NO]
    week = check_week(week)
    concern = check_term(model.concerns, concern, "concern")
    severity = check_term(model.severities, severity, "severity")
    _check_hops(max_hops)
    kinds = check_kinds(kinds)
    search = route_graph_of(model).search(model, kinds=kinds, week=week, concern=concern,
                                          severity=severity,
                                          areas=_searched_areas(model, source, targets))
    rows = []
    for path in _paths(model, search, source, targets, max_hops=max_hops, shortest=shortest):
        row = _route_row(model, search.relations, path, week)
        board = _board(model, path[-1], births)
        if board is not None and board.value:
            row["conditions"][-1] += f" ({board})"
            row["open"] = combine([row["open"] or YES, board.value])
        rows.append(row)
    return _frame(rows)


def _check_hops(max_hops: int) -> None:
    if isinstance(max_hops, bool) or not isinstance(max_hops, int) or max_hops < 1:
        raise QueryError(f"max_hops must be a whole number of hops, at least 1, not {max_hops!r}")


def area_view(model: Model, graph: nx.MultiDiGraph, area: str) -> nx.DiGraph:
    """The part of a relation graph that routes in ``area`` may use.

    Keeps the edges that touch a service of ``area`` (so professions and the family join
    that area's services only), merges parallel relations into one edge, and inserts nodes
    and edges in id order, so that searches break ties by id.

    >>> from carepath import load_reference
    >>> from carepath.graph.networkx import relation_graph
    >>> model = load_reference()
    >>> sorted(area_view(model, relation_graph(model), "dorset").predecessors("dorset-pmmhs"))
    ['dorset-cmht', 'dorset-social-care', 'gp', 'health-visitor', 'midwife', 'relatives']
    """
    return area_views(model, graph, [area])[area]


def area_views(model: Model, graph: nx.MultiDiGraph,
               areas: Iterable[str]) -> dict[str, nx.DiGraph]:
    """:func:`area_view` of each of ``areas``, from one pass over the graph's edges.

    >>> from carepath import load_reference
    >>> from carepath.graph.networkx import relation_graph
    >>> model = load_reference()
    >>> views = area_views(model, relation_graph(model), ["dorset", "scotland"])
    >>> sorted(views["dorset"].predecessors("dorset-pmmhs"))[:2]
    ['dorset-cmht', 'dorset-social-care']
    """
    from networkx import DiGraph

    wanted = set(areas)
    area_of = {s.id: s.area for s in model.services.values() if s.area in wanted}
    edges: dict[str, set[tuple[str, str]]] = {area: set() for area in wanted}
    for u, v in graph.edges():
        a, b = area_of.get(u), area_of.get(v)
        if a is not None:
            edges[a].add((u, v))
        if b is not None and b != a:
            edges[b].add((u, v))
    views = {}
    for area, found in edges.items():
        ordered = sorted(found)
        view = DiGraph()
        view.add_nodes_from(sorted({n for e in ordered for n in e}))
        view.add_edges_from(ordered)
        views[area] = view
    return views


def _searched_areas(model: Model, source: str, targets: list[str]) -> list[str]:
    """The areas a search looks in: they decide which professions a service reaches through
    its staff (:meth:`RouteGraph.search`), as the relations touching them did."""
    return _areas(model, source, targets)


def _areas(model: Model, source: str, targets: list[str]) -> list[str]:
    if source in model.services:
        return [model.services[source].area]
    areas = {model.services[t].area for t in targets if t in model.services}
    return sorted(areas) if areas else sorted(model.areas)


def _paths(model: Model, search: RouteSearch, source: str, targets: list[str], *,
           max_hops: int, shortest: bool) -> list[list[str]]:
    """Simple paths from ``source`` to the first target they reach, area by area
    (:func:`area_view`: each hop touches a service of the area), shortest first, then by
    ids; with ``shortest``, only the first."""
    found: set[tuple[str, ...]] = set()
    for area in _areas(model, source, targets):
        if shortest:
            path = search.shortest(source, targets, area, max_hops=max_hops)
            if path is not None:
                found.add(tuple(path))
        else:
            found.update(search.all_paths(source, targets, area, max_hops=max_hops))
    ordered = sorted(found, key=lambda p: (len(p), p))
    return [list(p) for p in (ordered[:1] if shortest else ordered)]


def _route_row(model: Model, hop: Callable[[str, str], list[Relation]], path: list[str],
               week: float | None = None) -> dict[str, Any]:
    """A route's row; ``hop(u, v)``: the relations the family can take from u to v."""
    conditions, proofs, verdicts = [], [], []
    for u, v in zip(path, path[1:], strict=False):
        rels = sorted(hop(u, v),
                      key=lambda r: (r.provenance.source, r.provenance.line or -1, r.id))
        said = " | ".join(dict.fromkeys(_describe(r) for r in rels))
        target = model.services.get(v)
        if target is not None:
            window = "; ".join(target.stage_texts) or "not stated"
            said += f" (target window: {window})"
        conditions.append(said)
        proofs.append(", ".join(dict.fromkeys(evidence(r.provenance) for r in rels)))
        if week is not None:  # the graph holds no closed hop: the best a relation gives
            said = {YES if r.id.startswith(STAFFED_BY_PREFIX) else hop_at(model, r, week)
                    for r in rels}  # a service to its own staff: nothing to check
            verdicts.append(next(v for v in (YES, BY_DISCUSSION, UNKNOWN)
                                 if v in said or v == UNKNOWN))
    route_open = "" if week is None else combine(verdicts)
    return {"open": route_open, "hops": len(path) - 1, "path": list(path),
            "names": " -> ".join(model.name_of(n) for n in path),
            "conditions": conditions, "hops_open": verdicts, "evidence": proofs}


def _describe(rel: Relation) -> str:
    """A relation's conditions in a few words: stages, concerns, severity, urgency, level."""
    if rel.id.startswith((PART_OF_PREFIX, STAFFED_BY_PREFIX)):
        return rel.note or "part of"
    parts = [rel.kind.label] if rel.kind.value != "refers_to" else []
    parts.append("; ".join(rel.stage_texts) or "no stage stated")
    if rel.concerns:
        parts.append("for " + " or ".join(sorted(rel.concerns)))
    if rel.severities:
        parts.append("at " + " or ".join(sorted(rel.severities)))
    if rel.urgency:
        parts.append(rel.urgency)
    if rel.response_time:
        parts.append("within " + rel.response_time)
    if rel.level:
        parts.append("level " + rel.level)
    return ", ".join(parts)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    df = pd.DataFrame(rows, columns=COLUMNS[1:])
    df.insert(0, "route", range(1, len(df) + 1))
    return df

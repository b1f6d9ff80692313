"""Which services accept a family, and why (not): windows, concerns, severities, criteria.

A family profile is a week on the timeline, and optionally a concern, a severity, the parent's
age and an area. Each service is checked against what its documents state, part by part
(:data:`PARTS`: age window, need, criteria, parent age), and each part answers ``yes``, ``no``
or ``unknown``: what the documents leave unstated is neither a yes nor a no. The verdict
(``accepts``) is ``no`` if any part is no, ``unknown`` if any is unknown, else ``yes``.
Exclusion criteria that carry a checkable condition (a parent age, a window, a concern, a
severity) exclude when every condition the family's profile speaks to matches; those that
cannot be checked mechanically are listed for a person to read. Where the document sends an
excluded family elsewhere (under-18s are discussed with CAMHS first), ``route`` says so.

>>> from carepath import load_reference
>>> out = eligible(load_reference(), week=10, concern="maternal-mental-health",
...                severity="moderate", parent_age=17, area="dorset")
>>> row = out.set_index("service").loc["dorset-pmmhs"]
>>> row["accepts"], row["parent_age"][:40]
('no', 'no: excluded: Service Users under the ag')
>>> row["route"]
'instead: discuss with Child and Adolescent Mental Health Services'
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from carepath.errors import QueryError
from carepath.graph.model import BY_DISCUSSION, NO, UNKNOWN, YES, Model, Service
from carepath.graph.networkx import relation_graph
from carepath.graph.verdict import (
    combine,
    conditions_at,
    criteria_at,
    exclusion_matches,
    need_of,
    terms_of,
    window_at,
)
from carepath.queries.referrals import check_area, check_term, check_week, evidence
from carepath.queries.routes import area_view, entry_points

__all__ = ["COLUMNS", "PARTS", "eligible"]

PARTS = ("age_window", "need", "criteria", "parent_age", "board")
ANSWERS = (YES, NO, BY_DISCUSSION, UNKNOWN)
ORDER = (YES, BY_DISCUSSION, NO, UNKNOWN)  # the order of the rows
"""The parts of a verdict, each a column: ``"yes: ..."``, ``"no: ..."``, ``"unknown: ..."``
or ``"by discussion: ..."`` with its reason; ``"not asked: ..."`` when a criterion needs what
the profile does not give (the parent's age), which the verdict leaves aside; ``""`` when
nothing is stated to check. ``board`` is the health-board size a service's conditions ask for
("depends on board size" until ``births`` are given)."""
COLUMNS = ["service", "name", "area", "tier", "accepts", *PARTS, "reasons", "route",
           "evidence"]
_ROOT = "\x00entry"  # a virtual node joined to every entry point, for one search per area


def eligible(model: Model, *, week: float, concern: str | None = None,
             severity: str | None = None, parent_age: float | None = None,
             area: str | None = None, births: int | None = None) -> pd.DataFrame:
    """Each service (of ``area``) checked against a family's profile.

    Parameters
    ----------
    model : the carepath model.
    week : where the family is on the timeline, in weeks relative to birth (pregnancy < 0).
    concern, severity : the need (vocabulary ids, names or aliases).
    parent_age : the parent's age in years; checked against age criteria (e.g. under 18).
    area : an area id; only that area's services.
    births : the health board's births a year, for services whose documents make them
        depend on it (default: the area's ``births_per_year``, else "depends on board size").

    Returns
    -------
    DataFrame with columns service, name, area, tier, accepts (``"yes"``, ``"no"`` or
    ``"unknown"``), one column per part of :data:`PARTS` (``"verdict: reason"``, or ``""``
    when not asked), reasons (list of text: the parts' reasons, then exclusions to check by
    hand, quoting criteria), route (the shortest referral route from a
    universal entry point - see :func:`carepath.queries.routes.entry_points` - as names joined
    with " -> "; the service's own name if it is an entry point; "" if there is none) and
    evidence (list of ``"doc:line"``: the service, then the criteria and route hops used).
    ``yes`` first, then ``no``, then ``unknown``; then by area, tier rank and id.

    Raises:
        QueryError: for an unknown concern, severity or area, or a week or age that is not a number.

    Examples
    --------
    >>> from carepath import load_reference
    >>> out = eligible(load_reference(), week=30, concern="maternal-mental-health",
    ...                severity="mild", area="dorset")
    >>> out.set_index("service").loc["dorset-pmmhs", "need"]
    'no: does not address Maternal (parental) mental health at mild (only at moderate, severe)'
    >>> m = eligible(load_reference(), week=17, concern="maternal-mental-health",
    ...              severity="moderate", area="dorset").set_index("service")
    >>> m.loc["dorset-pmmhs", "accepts"], m.loc["dorset-mbu", "accepts"]
    ('yes', 'unknown')
    """
    week = check_week(week)
    if week is None:
        raise QueryError("eligible needs a week (weeks relative to birth)")
    concern = check_term(model.concerns, concern, "concern")
    severity = check_term(model.severities, severity, "severity")
    area = check_area(model, area)
    if parent_age is not None and (isinstance(parent_age, bool)
                                   or not isinstance(parent_age, int | float)):
        raise QueryError(f"parent_age must be a number of years, not {parent_age!r}")
    if births is not None and (isinstance(births, bool) or not isinstance(births, int)
                               or births < 0):
        raise QueryError(f"births must be a whole number of births a year, not {births!r}")
    services = [s for s in model.services.values() if area is None or s.area == area]
    routes = _routes(model, services, week=week, concern=concern, severity=severity)
    rows = []
    for svc in services:
        board = births
        if board is None and svc.area in model.areas:
            board = model.areas[svc.area].births_per_year
        parts, reasons, proofs, discuss = _check(model, svc, week=week, concern=concern,
                                                 severity=severity, parent_age=parent_age,
                                                 births=board)
        accepts = _verdict(list(parts.values()))
        path, hop_proofs = routes.get(svc.id, ([], []))
        route = " -> ".join(model.name_of(n) for n in path)
        if discuss:
            route = "instead: discuss with " + ", ".join(model.name_of(d) for d in discuss)
        rows.append({
            "service": svc.id, "name": svc.name, "area": svc.area, "tier": svc.tier or "",
            "accepts": accepts, **parts, "reasons": reasons, "route": route,
            "evidence": list(dict.fromkeys([evidence(svc.provenance), *proofs, *hop_proofs])),
            "_rank": model.tiers[svc.tier].rank if svc.tier in model.tiers else 0,
            "_order": ORDER.index(accepts),
        })
    df = pd.DataFrame(rows, columns=[*COLUMNS, "_rank", "_order"])
    df = df.sort_values(["_order", "area", "_rank", "service"], kind="stable")
    return df.drop(columns=["_rank", "_order"]).reset_index(drop=True)


def _part(verdict: str, reason: str) -> str:
    return f"{verdict}: {reason}"


def _verdict(parts: list[str]) -> str:
    """``no`` if any part says no, then ``by discussion``, then ``unknown``, else ``yes``
    (:func:`carepath.graph.verdict.combine`); "not asked" parts are left aside."""
    return combine(p.split(":", 1)[0] for p in parts if p.startswith(ANSWERS))


def _check(model: Model, svc: Service, *, week: float, concern: str | None,
           severity: str | None, parent_age: float | None, births: int | None = None
           ) -> tuple[dict[str, str], list[str], list[str], list[str]]:
    """Each part of the verdict on ``svc`` (:data:`PARTS`), the reasons in reading order,
    the evidence they rest on, and the services an exclusion sends the family to. Every part
    comes from :mod:`carepath.graph.verdict`, the one place a "no" is decided."""
    proofs: list[str] = []
    parts = dict.fromkeys(PARTS, "")
    extra: list[str] = []
    parts["age_window"] = str(window_at(model, svc, week))
    if concern is not None:
        parts["need"] = str(need_of(model, svc, concern, severity))
    found = criteria_at(model, svc, week=week, concern=concern, severity=severity)
    if found.value:
        parts["criteria"] = str(found)
        if found.value != UNKNOWN:
            proofs += [evidence(p) for p in found.evidence]
    board = conditions_at(svc, births)
    if board.value:
        parts["board"] = str(board)
        proofs += [evidence(p) for p in board.evidence]

    terms = terms_of(model, svc)
    inherited = (f" (as part of {', '.join(model.name_of(p) for p in terms.inherited_from)})"
                 if terms.inherited_from else "")
    discuss: list[str] = []
    for crit in terms.exclusions:
        ages = crit.parent_age_below is not None or crit.parent_age_from is not None
        checked = exclusion_matches(crit, week=week, concern=concern, severity=severity,
                                    parent_age=parent_age)
        if checked:
            key = "parent_age" if ages else "criteria"
            parts[key] = _part(NO, f"excluded{inherited}: {crit.text}")
            discuss += crit.discuss_with
        elif checked is None and ages and parent_age is None:
            parts["parent_age"] = f"not asked: give the parent's age to check: {crit.text}"
        elif checked is None:
            extra.append(f"exclusion to check: {crit.text}")
        elif ages:
            parts["parent_age"] = _part(YES, f"not excluded by: {crit.text}")
            continue
        else:
            continue
        proofs.append(evidence(crit.provenance))
    reasons = [p.split(": ", 1)[1] if p.startswith(ANSWERS) else p
               for p in parts.values() if p] + extra
    return parts, reasons, proofs, discuss


def _routes(model: Model, services: list[Service], **conditions: Any
            ) -> dict[str, tuple[list[str], list[str]]]:
    """Shortest route (path, hop evidence) to each service from the entry points of its area.

    One breadth-first search per area from a virtual node joined to every entry point; the
    area view lists neighbours in id order, so ties go to the smallest ids.
    """
    graph = relation_graph(model, **conditions)
    found: dict[str, tuple[list[str], list[str]]] = {}
    for area in sorted({s.area for s in services}):
        entries = entry_points(model, area=area)
        view = area_view(model, graph, area)
        rooted = nx.DiGraph()
        rooted.add_edges_from((_ROOT, e) for e in entries)
        rooted.add_edges_from(view.edges())
        paths = nx.single_source_shortest_path(rooted, _ROOT)
        for svc in services:
            if svc.area != area:
                continue
            if svc.id in entries:
                found[svc.id] = ([svc.id], [])
            elif svc.id in paths:
                path = paths[svc.id][1:]
                proofs = [evidence(d["relation"].provenance)
                          for u, v in zip(path, path[1:], strict=False)
                          for d in graph[u][v].values()]
                found[svc.id] = (path, proofs)
    return found

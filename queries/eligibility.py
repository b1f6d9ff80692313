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
from carepath.graph.model import NO, UNKNOWN, VERDICTS, YES, Criterion, Model, Service
from carepath.graph.networkx import relation_graph
from carepath.graph.stages import format_week
from carepath.queries.referrals import check_area, check_term, check_week, evidence
from carepath.queries.routes import area_view, entry_points

__all__ = ["COLUMNS", "PARTS", "eligible"]

PARTS = ("age_window", "need", "criteria", "parent_age")
"""The parts of a verdict, each a column: ``"yes: ..."``, ``"no: ..."``, ``"unknown: ..."``
with its reason; ``"not asked: ..."`` when a criterion needs what the profile does not give
(the parent's age), which the verdict leaves aside; ``""`` when nothing is stated to check."""
COLUMNS = ["service", "name", "area", "tier", "accepts", *PARTS, "reasons", "route",
           "evidence"]
_ROOT = "\x00entry"  # a virtual node joined to every entry point, for one search per area


def eligible(model: Model, *, week: float, concern: str | None = None,
             severity: str | None = None, parent_age: float | None = None,
             area: str | None = None) -> pd.DataFrame:
    """Each service (of ``area``) checked against a family's profile.

    Parameters
    ----------
    model : the carepath model.
    week : where the family is on the timeline, in weeks relative to birth (pregnancy < 0).
    concern, severity : the need (vocabulary ids, names or aliases).
    parent_age : the parent's age in years; checked against age criteria (e.g. under 18).
    area : an area id; only that area's services.

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

    Raises
    ------
    QueryError
        for an unknown concern, severity or area, or a week or age that is not a number.

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
    services = [s for s in model.services.values() if area is None or s.area == area]
    routes = _routes(model, services, week=week, concern=concern, severity=severity)
    rows = []
    for svc in services:
        parts, reasons, proofs, discuss = _check(model, svc, week=week, concern=concern,
                                                 severity=severity, parent_age=parent_age)
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
            "_order": VERDICTS.index(accepts),
        })
    df = pd.DataFrame(rows, columns=[*COLUMNS, "_rank", "_order"])
    df = df.sort_values(["_order", "area", "_rank", "service"], kind="stable")
    return df.drop(columns=["_rank", "_order"]).reset_index(drop=True)


def _part(verdict: str, reason: str) -> str:
    return f"{verdict}: {reason}"


def _verdict(parts: list[str]) -> str:
    """``no`` if any part says no, ``unknown`` if any is unknown, else ``yes``."""
    said = [p.split(":", 1)[0] for p in parts if p]
    if NO in said:
        return NO
    return UNKNOWN if UNKNOWN in said else YES


def _check(model: Model, svc: Service, *, week: float, concern: str | None,
           severity: str | None, parent_age: float | None
           ) -> tuple[dict[str, str], list[str], list[str], list[str]]:
    """Each part of the verdict on ``svc`` (:data:`PARTS`), the reasons in reading order,
    the evidence they rest on, and the services an exclusion sends the family to."""
    proofs: list[str] = []
    when = format_week(round(week)) if float(week).is_integer() else f"week {week}"
    stated = "; ".join(svc.stage_texts)
    parts = dict.fromkeys(PARTS, "")
    extra: list[str] = []
    verdict = svc.open_at(week)
    parts["age_window"] = _part(verdict, {
        UNKNOWN: "no age window stated",
        YES: f"covers {when} ({stated})",
        NO: f"outside its window at {when} ({stated})"}[verdict])

    if concern is not None:
        name = model.name_of(concern)
        need = next((n for n in svc.addresses if n.concern == concern), None)
        if concern in svc.not_addressed:
            parts["need"] = _part(NO, f"states it does not address {name}")
        elif need is None and svc.addresses:
            addressed = ", ".join(model.name_of(n.concern) for n in svc.addresses)
            parts["need"] = _part(NO, f"does not address {name} (addresses: {addressed})")
        elif need is None:
            parts["need"] = _part(UNKNOWN, "concerns addressed not stated")
        elif severity is not None and need.severities and severity not in need.severities:
            parts["need"] = _part(NO, f"does not address {name} at "
                                      f"{model.name_of(severity)} (only at "
                                      f"{', '.join(sorted(need.severities))})")
        elif severity is not None and not need.severities:
            parts["need"] = _part(UNKNOWN, f"addresses {name}; severities not stated")
        else:
            at = f" at {model.name_of(severity)}" if severity else ""
            parts["need"] = _part(YES, f"addresses {name}{at}")

    profile = {"week": week, "concern": concern, "severity": severity, "parent_age": None}
    inclusions = [c for c in svc.eligibility if c.type == "inclusion"]
    scored = [(c, _matches(c, **profile)) for c in inclusions]
    best = max((n for _, n in scored if n), default=0)
    if best:
        met = [c for c, n in scored if n == best]
        parts["criteria"] = _part(YES, "; ".join(f"meets: {c.text}" for c in met))
        proofs += [evidence(c.provenance) for c in met]
    elif inclusions and all(n == 0 for _, n in scored):
        parts["criteria"] = _part(NO, "meets none of its inclusion criteria (" + "; ".join(
            c.text for c in inclusions) + ")")
        proofs += [evidence(c.provenance) for c in inclusions]
    elif inclusions:
        parts["criteria"] = _part(UNKNOWN, "criteria for a person to check: " + "; ".join(
            c.text for c, n in scored if n is None))

    discuss: list[str] = []
    for crit in svc.eligibility:
        if crit.type != "exclusion":
            continue
        ages = crit.parent_age_below is not None or crit.parent_age_from is not None
        checked = _matches(crit, week=week, concern=concern, severity=severity,
                           parent_age=parent_age)
        if checked:
            key = "parent_age" if ages else "criteria"
            parts[key] = _part(NO, f"excluded: {crit.text}")
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
    reasons = [p.split(": ", 1)[1] if p.startswith(VERDICTS) else p
               for p in parts.values() if p] + extra
    return parts, reasons, proofs, discuss


def _matches(crit: Criterion, *, week: float, concern: str | None, severity: str | None,
             parent_age: float | None) -> int | None:
    """How many of ``crit``'s conditions the profile meets: 0 if it fails one, None if the
    profile speaks to none of them (nothing could be checked)."""
    results = []
    if crit.windows:
        results.append(any(w.contains_week(week) for w in crit.windows))
    if crit.concerns and concern is not None:
        results.append(concern in crit.concerns)
    if crit.severities and severity is not None:
        results.append(severity in crit.severities)
    if crit.parent_age_below is not None and parent_age is not None:
        results.append(parent_age < crit.parent_age_below)
    if crit.parent_age_from is not None and parent_age is not None:
        results.append(parent_age >= crit.parent_age_from)
    if not results:
        return None
    return len(results) if all(results) else 0


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

"""Which services accept a family, and why (not): windows, concerns, severities, criteria.

A family profile is a week on the timeline, and optionally a concern, a severity, the parent's
age and an area. Each service is checked against what its documents state; what they leave
unstated does not exclude (a service with no age window is not outside it), but the reasons
say so. Exclusion criteria that carry a checkable condition (a parent age, a window, a
concern, a severity) exclude when every condition the family's profile speaks to matches; those
that cannot be checked mechanically are listed for a person to read.

>>> from carepath import load_reference
>>> out = eligible(load_reference(), week=10, concern="maternal-mental-health",
...                severity="moderate", parent_age=17, area="dorset")
>>> row = out.set_index("service").loc["dorset-pmmhs"]
>>> bool(row["accepts"]), row["reasons"][-1][:50]
(False, 'excluded: Service Users under the age of 18 should')
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from carepath.errors import QueryError
from carepath.graph.model import Criterion, Model, Service
from carepath.graph.networkx import relation_graph
from carepath.graph.stages import format_week
from carepath.queries.referrals import check_area, check_term, check_week, evidence
from carepath.queries.routes import area_view, entry_points

__all__ = ["COLUMNS", "eligible"]

COLUMNS = ["service", "name", "area", "tier", "accepts", "reasons", "route", "evidence"]
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
    DataFrame with columns service, name, area, tier, accepts (bool), reasons (list of text:
    why it accepts or excludes, quoting criteria), route (the shortest referral route from a
    universal entry point - see :func:`carepath.queries.routes.entry_points` - as names joined
    with " -> "; the service's own name if it is an entry point; "" if there is none) and
    evidence (list of ``"doc:line"``: the service, then the criteria and route hops used).
    Accepting services first, then by area, tier rank and id.

    Raises
    ------
    QueryError
        for an unknown concern, severity or area, or a week or age that is not a number.

    Examples
    --------
    >>> from carepath import load_reference
    >>> out = eligible(load_reference(), week=30, concern="maternal-mental-health",
    ...                severity="mild", area="dorset")
    >>> out.set_index("service").loc["dorset-pmmhs", "reasons"][1]
    'does not address Maternal (parental) mental health at mild (only at moderate, severe)'
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
        accepts, reasons, proofs = _check(model, svc, week=week, concern=concern,
                                          severity=severity, parent_age=parent_age)
        path, hop_proofs = routes.get(svc.id, ([], []))
        rows.append({
            "service": svc.id, "name": svc.name, "area": svc.area, "tier": svc.tier or "",
            "accepts": accepts, "reasons": reasons,
            "route": " -> ".join(model.name_of(n) for n in path),
            "evidence": list(dict.fromkeys([evidence(svc.provenance), *proofs, *hop_proofs])),
            "_rank": model.tiers[svc.tier].rank if svc.tier in model.tiers else 0,
        })
    df = pd.DataFrame(rows, columns=[*COLUMNS, "_rank"])
    df = df.sort_values(["accepts", "area", "_rank", "service"],
                        ascending=[False, True, True, True], kind="stable")
    return df.drop(columns="_rank").reset_index(drop=True)


def _check(model: Model, svc: Service, *, week: float, concern: str | None,
           severity: str | None, parent_age: float | None) -> tuple[bool, list[str], list[str]]:
    """Whether ``svc`` accepts the profile, the reasons, and the evidence they rest on."""
    reasons: list[str] = []
    proofs: list[str] = []
    accepts = True
    when = format_week(round(week)) if float(week).is_integer() else f"week {week}"
    stated = "; ".join(svc.stage_texts)
    if not svc.windows:
        reasons.append("no age window stated")
    elif any(w.contains_week(week) for w in svc.windows):
        reasons.append(f"covers {when} ({stated})")
    else:
        accepts = False
        reasons.append(f"outside its window at {when} ({stated})")

    if concern is not None:
        name = model.name_of(concern)
        need = next((n for n in svc.addresses if n.concern == concern), None)
        if concern in svc.not_addressed:
            accepts = False
            reasons.append(f"states it does not address {name}")
        elif need is None and svc.addresses:
            accepts = False
            addressed = ", ".join(model.name_of(n.concern) for n in svc.addresses)
            reasons.append(f"does not address {name} (addresses: {addressed})")
        elif need is None:
            reasons.append("concerns addressed not stated")
        elif severity is not None and need.severities and severity not in need.severities:
            accepts = False
            reasons.append(f"does not address {name} at {model.name_of(severity)} "
                           f"(only at {', '.join(sorted(need.severities))})")
        else:
            at = f" at {model.name_of(severity)}" if severity and need.severities else ""
            reasons.append(f"addresses {name}{at}")

    profile = {"week": week, "concern": concern, "severity": severity, "parent_age": parent_age}
    inclusions = [(c, n) for c in svc.eligibility if c.type == "inclusion"
                  for n in [_matches(c, **profile)] if n]
    best = max((n for _, n in inclusions), default=0)
    for crit, n in inclusions:
        if n == best:
            reasons.append(f"meets: {crit.text}")
            proofs.append(evidence(crit.provenance))
    for crit in svc.eligibility:
        if crit.type != "exclusion":
            continue
        checked = _matches(crit, **profile)
        if checked:
            accepts = False
            reasons.append(f"excluded: {crit.text}")
        elif checked is None:
            reasons.append(f"exclusion to check: {crit.text}")
        else:
            continue
        proofs.append(evidence(crit.provenance))
    return accepts, reasons, proofs


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

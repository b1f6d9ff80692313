"""The stepped-care model of an area: its steps, their services and the population in need.

:func:`stepped_care` lays the tiers out in rank order (parallel tiers share a rank) with the
services at each, the share of the population in need the sources state for them, and the
number of families that means for a year's births. :func:`tier_flows` counts how services
move families and knowledge between the steps.

>>> from carepath import load_reference
>>> steps = stepped_care(load_reference(), area="cheshire-merseyside", births=10_000)
>>> steps[["tier", "need_min", "need_max", "families_min", "families_max"]].dropna()
                       tier  need_min  need_max  families_min  families_max
0                 universal     100.0     100.0       10000.0       10000.0
2           primary-care-mh      12.0      17.0        1200.0        1700.0
3         secondary-care-mh       3.0       4.0         300.0         400.0
4      specialist-perinatal       3.0       5.0         300.0         500.0
5  specialist-parent-infant      20.0      20.0        2000.0        2000.0
"""

from __future__ import annotations

import math

import pandas as pd

from carepath.errors import QueryError
from carepath.graph.model import Model, Provenance, RelationKind, Service
from carepath.queries._analysis import (
    ROUTE_KINDS,
    areas_for,
    evidence,
    relations_by_area,
    tiers_in_rank_order,
)
from carepath.queries.scope import scope_evidence, within_scope

UNTIERED = "untiered"  # the row of services whose tier the documents do not state

STEP_COLUMNS = ["area", "rank", "tier", "tier_name", "parallel_with", "services", "names",
                "basis", "need_min", "need_max", "need_note", "births", "families_min",
                "families_max", "evidence"]
STATED, ABSENT, OUTSIDE_SCOPE = "stated", "absent", "outside-scope"
"""A step's ``basis``: services are stated at it; none is, within what the area's sources
describe (``absent``); or the sources do not describe the tier at all (``outside-scope``: "not
stated (outside the source's scope)", never an empty step)."""
FLOW_COLUMNS = ["area", "source_tier", "target_tier", "kind", "flow", "count", "examples",
                "evidence"]
FLOWS: tuple[str, ...] = ("step up", "same step", "parallel", "step down", "advice", "training",
                          "collaboration")
_KNOWLEDGE_FLOWS = {RelationKind.ADVISES: "advice", RelationKind.TRAINS: "training",
                    RelationKind.COLLABORATES_WITH: "collaboration"}


def stepped_care(model: Model, *, area: str | None = None,
                 births: int | None = None) -> pd.DataFrame:
    """Every tier of the model, in rank order, with the area's services and population need.

    Parameters
    ----------
    model : the model to analyse.
    area : an area id; default every area (one block of tiers per area).
    births : births a year to size the need with; default the area's ``births_per_year``
        where the data states it (otherwise the family counts are empty).

    Returns
    -------
    DataFrame with one row per area and tier (tiers the area has no service at included, with
    empty lists and a ``basis`` that says whether the step is ``absent`` or ``outside-scope``
    - see :data:`STATED`), then a row ``tier: untiered`` (rank 0) listing the area's
    services whose tier the documents do not state - on no step, rather than missing:
    ``area, rank, tier, tier_name, parallel_with`` (the other tiers of the same rank),
    ``services, names, basis, need_min, need_max`` (percent of the population in need: the
    lowest and highest figures the tier's services state), ``need_note``, ``births``,
    ``families_min, families_max`` (need x births, to the nearest family) and ``evidence``
    (where each service and each need figure is stated).

    Raises:
        QueryError: an unknown area, or ``births`` below zero.

    Examples
    --------
    Cheshire & Merseyside's steps; the specialist perinatal (3-5%) and parent-infant (20%)
    services are parallel at rank 5:

    >>> from carepath import load_reference
    >>> steps = stepped_care(load_reference(), area="cheshire-merseyside")
    >>> steps[steps.services.map(len) > 0][["rank", "tier", "need_min", "need_max"]]
       rank                      tier  need_min  need_max
    0     1                 universal     100.0     100.0
    2     3           primary-care-mh      12.0      17.0
    3     4         secondary-care-mh       3.0       4.0
    4     5      specialist-perinatal       3.0       5.0
    5     5  specialist-parent-infant      20.0      20.0
    >>> steps.loc[4, "parallel_with"], steps.loc[4, "evidence"]
    (['specialist-parent-infant'], ['doc-000:44', 'doc-000:46'])

    Doc 000 describes how the specialist perinatal service works with other mental health and
    universal services (line 10): its silence on targeted and inpatient provision is not an
    empty step.

    >>> steps[steps.services.map(len) == 0][["tier", "basis", "evidence"]]
            tier          basis      evidence
    1   targeted  outside-scope  [doc-000:10]
    6  inpatient  outside-scope  [doc-000:10]
    """
    if births is not None and births < 0:
        raise QueryError(f"births must be zero or more, not {births}")
    tiers = tiers_in_rank_order(model)
    rows = []
    for area_id in areas_for(model, area):
        n_births = births if births is not None else model.areas[area_id].births_per_year
        services = sorted(model.services_in(area_id), key=lambda s: s.id)
        for tier in tiers:
            at_tier = [s for s in services if s.tier == tier.id]
            need_min, need_max = _need_range(at_tier)
            basis = (STATED if at_tier else ABSENT if within_scope(model, area_id, tier=tier.id)
                     else OUTSIDE_SCOPE)
            rows.append({
                "area": area_id, "rank": tier.rank, "tier": tier.id, "tier_name": tier.name,
                "parallel_with": [t.id for t in tiers if t.rank == tier.rank and t != tier],
                "services": [s.id for s in at_tier], "names": [s.name for s in at_tier],
                "basis": basis, "need_min": need_min, "need_max": need_max,
                "need_note": "; ".join(s.need_note for s in at_tier if s.need_note) or None,
                "births": float("nan") if n_births is None else float(n_births),
                "families_min": _families(need_min, n_births),
                "families_max": _families(need_max, n_births),
                "evidence": (evidence(p for s in at_tier for p in _need_evidence(s))
                             if at_tier else scope_evidence(model, area_id)
                             if basis == OUTSIDE_SCOPE else []),
            })
        untiered = [s for s in services if not s.tier]
        if untiered:
            rows.append({
                "area": area_id, "rank": 0, "tier": UNTIERED, "tier_name": "Tier not stated",
                "parallel_with": [], "services": [s.id for s in untiered],
                "names": [s.name for s in untiered], "basis": STATED,
                "need_min": float("nan"),
                "need_max": float("nan"), "need_note": None,
                "births": float("nan") if n_births is None else float(n_births),
                "families_min": float("nan"), "families_max": float("nan"),
                "evidence": evidence(s.provenance for s in untiered),
            })
    return pd.DataFrame(rows, columns=STEP_COLUMNS)


def tier_flows(model: Model, *, area: str | None = None) -> pd.DataFrame:
    """Relations between services at tiers, counted by source tier, target tier and kind.

    ``flow`` says what the relation does across the steps: a route (referral, signposting,
    hand-over, step up/down) to a higher rank is a ``step up``, to a lower rank a
    ``step down``, within a tier ``same step``, to the parallel tier of the same rank
    ``parallel``; advice, training and collaboration are ``advice``, ``training`` and
    ``collaboration`` whatever their direction. Relations with an end that has no tier
    (professions, the family, services the sources place on no tier) are not flows between
    tiers and are left out.

    Returns
    -------
    DataFrame with columns ``area, source_tier, target_tier, kind, flow, count`` (relation
    statements), ``examples`` (the distinct "source -> target" pairs by name) and
    ``evidence``, ordered by area, source rank, target rank and kind.

    Raises:
        QueryError: an unknown area.

    Examples
    --------
    In Dorset the Community Mental Health Teams refer up to the perinatal service, and the
    Mother and Baby Unit hands families back down to it (stated twice):

    >>> from carepath import load_reference
    >>> flows = tier_flows(load_reference(), area="dorset")
    >>> routes = flows[flows.flow.isin(["step up", "step down"])]
    >>> routes[["source_tier", "target_tier", "kind", "flow", "count"]]
             source_tier           target_tier           kind       flow  count
    0  secondary-care-mh  specialist-perinatal      refers_to    step up      1
    4          inpatient  specialist-perinatal  hands_over_to  step down      1
    >>> routes.evidence.tolist()
    [['doc-002:32'], ['doc-002:23']]
    """
    by_area = relations_by_area(model)
    kind_order = list(RelationKind)
    groups: dict[tuple, dict] = {}
    for area_id in areas_for(model, area):
        for rel in by_area.get(area_id, []):
            source, target = model.services.get(rel.source), model.services.get(rel.target)
            if not (source and target and source.tier in model.tiers
                    and target.tier in model.tiers):
                continue
            key = (area_id, source.tier, target.tier, rel.kind,
                   _flow(model, rel.kind, source, target))
            group = groups.setdefault(key, {"count": 0, "examples": [], "provenance": []})
            group["count"] += 1
            example = f"{source.name} -> {target.name}"
            if example not in group["examples"]:
                group["examples"].append(example)
            group["provenance"].append(rel.provenance)
    rows = [{"area": a, "source_tier": st, "target_tier": tt, "kind": k.value, "flow": flow,
             "count": g["count"], "examples": g["examples"],
             "evidence": evidence(g["provenance"])}
            for (a, st, tt, k, flow), g in groups.items()]
    frame = pd.DataFrame(rows, columns=FLOW_COLUMNS)
    if frame.empty:
        return frame
    rank = {t.id: (t.rank, i) for i, t in enumerate(tiers_in_rank_order(model))}
    keys = pd.DataFrame({
        "area": frame["area"],
        "source": frame["source_tier"].map(rank),
        "target": frame["target_tier"].map(rank),
        "kind": frame["kind"].map(lambda k: kind_order.index(RelationKind(k))),
        "flow": frame["flow"].map(FLOWS.index),
    })
    order = keys.sort_values(list(keys.columns), kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def _need_range(services: list[Service]) -> tuple[float, float]:
    lows = [s.need_min if s.need_min is not None else s.need_max for s in services]
    highs = [s.need_max if s.need_max is not None else s.need_min for s in services]
    lows = [v for v in lows if v is not None]
    highs = [v for v in highs if v is not None]
    return (float(min(lows)) if lows else math.nan, float(max(highs)) if highs else math.nan)


def _need_evidence(svc: Service) -> list[Provenance]:
    """The service's own line, and the lines that state its need figure."""
    cited = [svc.provenance]
    if svc.need_min is not None or svc.need_max is not None:
        cited += [p for p in svc.evidence if p.passage and "%" in p.passage]
    return cited


def _families(need: float, births: int | None) -> float:
    if births is None or math.isnan(need):
        return math.nan
    return float(round(need * births / 100))


def _flow(model: Model, kind: RelationKind, source: Service, target: Service) -> str:
    if kind not in ROUTE_KINDS:
        return _KNOWLEDGE_FLOWS[kind]
    low, high = model.tiers[source.tier].rank, model.tiers[target.tier].rank
    if high > low:
        return "step up"
    if high < low:
        return "step down"
    return "same step" if source.tier == target.tier else "parallel"

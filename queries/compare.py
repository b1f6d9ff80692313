"""Comparing areas, versions of an area's data, and the model with services taken away.

- :func:`compare_areas`: two areas' stage x tier coverage side by side;
- :func:`diff`: what changed between two versions of the data (services, relations, areas,
  deliberate overlaps);
- :func:`whatif_remove`: what breaks if services are decommissioned - the gaps that appear,
  and the entry points that lose every route to a specialist service.

>>> from carepath import load_reference
>>> model = load_reference()
>>> side = compare_areas(model, "dorset", "pathway-0-5")
>>> side[(side.stage == "pregnancy") & (side.tier == "specialist-perinatal")][
...     ["services_a", "services_b", "difference"]].values.tolist()
[[['Perinatal and Maternal Mental Health Service'], [], 'only dorset']]

doc-001 gives its perinatal service no window: it is in the ``unstated`` row, not missing.

>>> side[(side.stage == "unstated") & (side.tier == "specialist-perinatal")][
...     ["services_b"]].values.tolist()
[[['Perinatal Mental Health Services']]]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import networkx as nx
import pandas as pd

from carepath.graph.model import FAMILY, Model, Provenance, Relation, Service
from carepath.queries._analysis import (
    check_services,
    entry_points,
    evidence,
    relations_by_area,
    remove_services,
    route_graph,
    specialists,
)
from carepath.queries.gaps import GAP_KINDS, coverage_cells, find_gaps, gaps

COMPARE_COLUMNS = ["stage", "tier", "services_a", "services_b", "count_a", "count_b",
                   "difference", "evidence"]
DIFF_COLUMNS = ["change", "kind", "id", "field", "old", "new", "evidence"]
WHATIF_COLUMNS = ["area", "kind", "basis", "subject", "subject_name", "target", "target_name",
                  "stage", "tier", "concern", "reason", "evidence"]
DIFF_KINDS: tuple[str, ...] = ("area", "service", "relation", "overlap")
CHANGES: tuple[str, ...] = ("added", "removed", "changed")


def compare_areas(model: Model, a: str, b: str) -> pd.DataFrame:
    """Two areas' coverage of every stage x tier cell, side by side.

    Rows are the cells of :func:`~carepath.queries.gaps.coverage_matrix` (stages in timeline
    order then ``unstated``; tiers in rank order then ``untiered``), one row per cell.

    Returns
    -------
    DataFrame with columns ``stage, tier, services_a, services_b`` (service names),
    ``count_a, count_b``, ``difference`` (``"both"``, ``"neither"``, ``"only <a>"`` or
    ``"only <b>"``, with the area ids) and ``evidence`` (where each service is described).

    Raises:
        QueryError: an unknown area.

    Examples
    --------
    Dorset's perinatal service covers pregnancy; the Scottish model places no specialist
    perinatal service on the timeline (its one states no age window):

    >>> from carepath import load_reference
    >>> side = compare_areas(load_reference(), "dorset", "scotland")
    >>> cell = side[(side.stage == "pregnancy") & (side.tier == "specialist-perinatal")]
    >>> cell[["services_a", "difference", "evidence"]].values.tolist()
    [[['Perinatal and Maternal Mental Health Service'], 'only dorset', ['doc-002:5']]]
    """
    stages, tiers, cells_a = coverage_cells(model, area=a, by="tier")
    _, _, cells_b = coverage_cells(model, area=b, by="tier")
    rows = []
    for stage in stages:
        for tier in tiers:
            in_a, in_b = cells_a[stage, tier], cells_b[stage, tier]
            rows.append({
                "stage": stage, "tier": tier,
                "services_a": [s.name for s in in_a], "services_b": [s.name for s in in_b],
                "count_a": len(in_a), "count_b": len(in_b),
                "difference": ("both" if in_a and in_b else f"only {a}" if in_a
                               else f"only {b}" if in_b else "neither"),
                "evidence": evidence(s.provenance for s in [*in_a, *in_b]),
            })
    return pd.DataFrame(rows, columns=COMPARE_COLUMNS)


def diff(old: Model, new: Model) -> pd.DataFrame:
    """What changed from ``old`` to ``new``: areas, services, relations, deliberate overlaps.

    Services and areas are matched by id; a changed one has a row per changed field, with the
    old and new values as text. Relations have no stable identity across versions (their ids
    hash the line they were read from), so they are matched by what they say - kind, source,
    target, stages, concerns, severities, urgency, response time and level - and reported as
    added or removed; a relation that only moved line, or whose note changed, is unchanged.
    Overlaps are matched by their set of services. Where facts are cited is not compared (a
    fact that moves line is not a change), nor the pathway tool's cells or the vocabularies.

    Returns
    -------
    DataFrame with columns ``change`` (added, removed, changed), ``kind`` (area, service,
    relation, overlap), ``id``, ``field`` (changed rows only), ``old``, ``new`` and
    ``evidence`` (where the new fact is stated; the old one for removals), ordered by kind,
    change, id and field.

    Examples
    --------
    >>> import copy, dataclasses
    >>> from carepath import load_reference
    >>> old = load_reference()
    >>> new = copy.copy(old)
    >>> new.services = dict(old.services)
    >>> new.services["cm-iapt"] = dataclasses.replace(old.services["cm-iapt"], need_max=20.0)
    >>> del new.services["cm-secondary-mh"]
    >>> changes = diff(old, new)
    >>> changes[["change", "kind", "id", "old"]].values.tolist()[0]
    ['removed', 'service', 'cm-secondary-mh', 'Secondary care mental health services']
    >>> changes[changes.change == "changed"][["id", "field", "old", "new"]].values.tolist()
    [['cm-iapt', 'need_max', '17.0', '20.0']]
    >>> diff(old, old).empty
    True
    """
    rows: list[dict] = []
    rows += _diff_keyed("area", old.areas, new.areas, _area_fields)
    rows += _diff_keyed("service", old.services, new.services, _service_fields)
    rows += _diff_relations(old, new)
    rows += _diff_overlaps(old, new)
    frame = pd.DataFrame(rows, columns=DIFF_COLUMNS)
    if frame.empty:
        return frame
    keys = pd.DataFrame({"kind": frame["kind"].map(DIFF_KINDS.index),
                         "change": frame["change"].map(CHANGES.index),
                         "id": frame["id"], "field": frame["field"].fillna("")})
    order = keys.sort_values(list(keys.columns), kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def whatif_remove(model: Model, services: Iterable[str]) -> pd.DataFrame:
    """The gaps and broken routes that appear if ``services`` are removed (decommissioned).

    The services go, with the services that are part of them (``Service.part_of``), every
    relation to or from them and their place in deliberate overlaps. The result lists (1)
    every gap of :func:`~carepath.queries.gaps.gaps` present after the removal but not
    before (matched on area, kind, subject, stage, tier and concern; a concern that only the
    removed services addressed shows as ``stage-concern`` gaps),
    and (2) kind ``broken-route``: each entry point (a universal-tier service, a profession
    that refers, or the family) that reached a specialist service by some route before and
    reaches it by none after - because the specialist itself is removed, or because every
    route ran through a removed service. Only the removed services' areas are analysed.

    Returns
    -------
    DataFrame with columns ``area, kind, subject, subject_name, target, target_name, stage,
    tier, concern, reason, evidence``: ``target`` is the specialist service of a broken route
    (empty for gaps); ``evidence`` cites the routes that are lost, or the gap's own evidence.

    Raises:
        QueryError: an unknown service id.

    Examples
    --------
    Without Dorset's perinatal service - and so its Maternal Mental Health Service, which is
    part of it - GPs, health visitors, midwives, relatives (and the general practices and
    midwifery services they staff) lose every route to specialist
    care, and no specialist perinatal service is left to cover pregnancy:

    >>> from carepath import load_reference
    >>> after = whatif_remove(load_reference(), ["dorset-pmmhs"])
    >>> broken = after[after.kind == "broken-route"]
    >>> sorted(set(broken.subject)), sorted(set(broken.target))
    (['dorset-general-practice', 'dorset-midwifery', 'gp', 'health-visitor', 'midwife',
      'relatives'], ['dorset-mmhs', 'dorset-pmmhs'])
    >>> print(broken.reason.iloc[1])
    In Dorset, General practice (GP) loses every route to Perinatal and Maternal Mental Health
    Service: Perinatal and Maternal Mental Health Service itself is removed.
    >>> after[(after.stage == "pregnancy") & (after.tier == "specialist-perinatal")][
    ...     ["kind", "basis"]].values.tolist()  # not-stated: untiered services might be there
    [['missing-tier', 'not-stated']]
    """
    removed = set(check_services(model, services))
    parts = [s.id for s in model.services.values() if s.part_of in removed]
    while parts:  # a service that is part of a removed one goes with it
        removed.update(parts)
        parts = [s.id for s in model.services.values()
                 if s.part_of in removed and s.id not in removed]
    if not removed:
        return pd.DataFrame(columns=WHATIF_COLUMNS)
    after = remove_services(model, removed)
    areas = sorted({model.services[s].area for s in removed})
    rows: list[dict] = []
    for area in areas:
        before_gaps = gaps(model, area=area)
        addressed = {c for s in model.services_in(area) for c in s.concerns}
        after_gaps = find_gaps(after, [area], list(GAP_KINDS), concerns={area: addressed})
        known = {_gap_key(r) for r in before_gaps.to_dict("records")}
        for row in after_gaps.to_dict("records"):
            if _gap_key(row) not in known:
                rows.append({**_plain(row), "target": None, "target_name": None})
        rows += [{**r, "basis": "absent"} for r in _broken_routes(model, after, area, removed)]
    frame = pd.DataFrame(rows, columns=WHATIF_COLUMNS)
    if frame.empty:
        return frame
    kinds = (*GAP_KINDS, "broken-route")
    keys = pd.DataFrame({"area": frame["area"], "kind": frame["kind"].map(kinds.index)})
    order = keys.sort_values(list(keys.columns), kind="stable").index
    return frame.loc[order].reset_index(drop=True)


# -- what-if ---------------------------------------------------------------------------------

def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}


def _gap_key(row: dict[str, Any]) -> tuple:
    row = _plain(row)
    return tuple(row[c] for c in ("area", "kind", "subject", "stage", "tier", "concern"))


def _broken_routes(before: Model, after: Model, area: str, removed: set[str]) -> list[dict]:
    G_before = route_graph(before, area, relations_by_area(before).get(area, []))
    G_after = route_graph(after, area, relations_by_area(after).get(area, []))
    targets = specialists(before, area)
    rows = []
    for entry in entry_points(before, area):
        if entry in removed or entry not in G_before:
            continue
        reach_before = nx.descendants(G_before, entry)
        reach_after = nx.descendants(G_after, entry) if entry in G_after else set()
        for spec in targets:
            if spec.id not in reach_before or spec.id in reach_after:
                continue
            lost = _lost_routes(G_before, entry, spec.id, removed)
            via = sorted({n for r in lost for n in (r.source, r.target) if n in removed}
                         - {spec.id})
            if spec.id in removed:
                why = f"{spec.name} itself is removed"
            else:
                why = ("every route to it ran through "
                       + "; ".join(before.services[n].name for n in via))
            who = "families lose" if entry == FAMILY else f"{before.name_of(entry)} loses"
            rows.append({
                "area": area, "kind": "broken-route", "subject": entry,
                "subject_name": before.name_of(entry), "target": spec.id,
                "target_name": spec.name, "stage": None, "tier": spec.tier, "concern": None,
                "reason": (f"In {before.areas[area].name}, {who} every "
                           f"route to {spec.name}: {why}."),
                "evidence": evidence(r.provenance for r in lost)})
    return rows


def _lost_routes(G: nx.MultiDiGraph, entry: str, target: str, removed: set[str]) -> list[Relation]:
    """Route relations on some path from ``entry`` to ``target`` that touch a removed node.

    A relation u -> v counts when ``entry`` reaches u without passing through ``target`` and v
    reaches ``target`` without passing through ``entry``: routes that loop back through either
    end (e.g. a hand-over from the target to a service that routes back) do not count.
    """
    upstream = nx.descendants(nx.restricted_view(G, [target], []), entry) | {entry}
    downstream = nx.ancestors(nx.restricted_view(G, [entry], []), target) | {target}
    return [data["relation"] for u, v, data in G.edges(data=True)
            if u in upstream and v in downstream and (u in removed or v in removed)]


# -- diff ------------------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (tuple, list, frozenset, set)):
        items = sorted(value) if isinstance(value, (frozenset, set)) else value
        return "; ".join(str(v) for v in items) or None
    return str(value)


def _area_fields(area: Any) -> dict[str, str | None]:
    return {"name": area.name, "country": area.country,
            "births_per_year": _text(area.births_per_year)}


def _service_fields(svc: Service) -> dict[str, str | None]:
    return {
        "name": svc.name, "aliases": _text(svc.aliases), "area": svc.area, "tier": svc.tier,
        "tier_note": svc.tier_note, "level": svc.level, "need_min": _text(svc.need_min),
        "need_max": _text(svc.need_max), "need_note": svc.need_note,
        "stages": _text(svc.stage_texts),
        "addresses": _text([f"{n.concern}" + (f" ({'|'.join(sorted(n.severities))})"
                                              if n.severities else "")
                            for n in svc.addresses]),
        "not_addressed": _text(svc.not_addressed), "professions": _text(svc.professions),
        "interventions": _text(svc.interventions),
        "eligibility": _text([f"{c.type}: {c.text}" for c in svc.eligibility]),
        "response_times": _text([f"{r.urgency}: {r.within}" for r in svc.response_times]),
        "notes": svc.notes,
    }


def _diff_keyed(kind: str, old: dict, new: dict, fields: Any) -> list[dict]:
    rows = []
    for ident in sorted(old.keys() - new.keys()):
        rows.append(_change("removed", kind, ident, old=old[ident].name,
                            prov=old[ident].provenance))
    for ident in sorted(new.keys() - old.keys()):
        rows.append(_change("added", kind, ident, new=new[ident].name,
                            prov=new[ident].provenance))
    for ident in sorted(old.keys() & new.keys()):
        before, after = fields(old[ident]), fields(new[ident])
        for field, value in before.items():
            if after[field] != value:
                rows.append(_change("changed", kind, ident, field=field, old=value,
                                    new=after[field], prov=new[ident].provenance))
    return rows


def _relation_key(rel: Relation) -> tuple:
    return (rel.kind.value, rel.source, rel.target, rel.stage_texts, tuple(sorted(rel.concerns)),
            tuple(sorted(rel.severities)), rel.urgency, rel.response_time, rel.level)


def _describe(model: Model, rel: Relation, *, named: bool = False) -> str:
    """A relation in words: its ends (ids, or names with ``named``), kind, stages, concerns."""
    name = model.name_of if named else str
    text = f"{name(rel.source)} {rel.kind.label} {name(rel.target)}"
    if rel.stage_texts:
        text += f" at {', '.join(rel.stage_texts)}"
    if rel.concerns:
        text += f" for {', '.join(sorted(rel.concerns))}"
    return text


def _diff_relations(old: Model, new: Model) -> list[dict]:
    before = Counter(_relation_key(r) for r in old.relations)
    after = Counter(_relation_key(r) for r in new.relations)
    rows = []
    for change, model, surplus in (("removed", old, before - after),
                                   ("added", new, after - before)):
        for rel in model.relations:
            key = _relation_key(rel)
            if surplus[key] > 0:
                surplus[key] -= 1
                text = _describe(model, rel)
                rows.append(_change(change, "relation", rel.id,
                                    old=text if change == "removed" else None,
                                    new=text if change == "added" else None,
                                    prov=rel.provenance))
    return rows


def _diff_overlaps(old: Model, new: Model) -> list[dict]:
    before = {frozenset(o.services): o for o in old.overlaps}
    after = {frozenset(o.services): o for o in new.overlaps}
    rows = []
    for key in sorted(before.keys() | after.keys(), key=sorted):
        ident = " + ".join(sorted(key))
        if key not in after:
            rows.append(_change("removed", "overlap", ident, old=before[key].note,
                                prov=before[key].provenance))
        elif key not in before:
            rows.append(_change("added", "overlap", ident, new=after[key].note,
                                prov=after[key].provenance))
        elif before[key].note != after[key].note:
            rows.append(_change("changed", "overlap", ident, field="note",
                                old=before[key].note, new=after[key].note,
                                prov=after[key].provenance))
    return rows


def _change(change: str, kind: str, ident: str, *, field: str | None = None,
            old: str | None = None, new: str | None = None,
            prov: Provenance | None = None) -> dict:
    return {"change": change, "kind": kind, "id": ident, "field": field, "old": old,
            "new": new, "evidence": evidence([prov])}

"""Where services overlap or duplicate each other, and where the sources say that is deliberate.

:func:`overlaps` reports, per area, one row per finding of the kinds in :data:`OVERLAP_KINDS`:

``same-cell``
    Two services at the same tier that address the same concern at the same canonical stage
    (the cells are stage x tier x concern; severities are not split). ``stages`` and
    ``concerns`` are the ones they share.
``same-concern``
    Two services at the same tier that address the same concern where at least one states no
    age window, so whether their stages overlap cannot be told: ``basis`` is ``not-stated``
    (``stated`` for every other kind).
``duplicate-route``
    The same source and target joined by more than one route statement (refers to, signposts
    to, hands over to, steps up/down to), e.g. a pathway tool restating a referral at every
    stage; ``stages`` and ``concerns`` are those of all the statements.
``deliberate``
    An overlap the sources mark as deliberate (``model.overlaps``) that none of the computed
    rows already shows. A computed pair that the sources mark is kept under its computed kind
    with ``deliberate`` true and the sources' words in ``note``, so ``df[df.deliberate]`` lists
    every deliberate overlap.

The similarity score (:func:`similarity`) is a Jaccard index over what the services are known
to do. Each service has the feature set::

    F(s) = {concern c it addresses}
         | {(stage, c): a canonical stage its windows cover, for each concern c}
         | {profession p it is staffed by} | {intervention i it delivers}

and the score of services s1..sn is ``|F(s1) & ... & F(sn)| / |F(s1) | ... | F(sn)|`` (0 when
nothing is known of any of them): 1 for services doing exactly the same things at the same
stages with the same staff and interventions, 0 for nothing in common. Services that state no
window contribute no (stage, concern) cells. Route rows have no score.

>>> from carepath import load_reference
>>> found = overlaps(load_reference(), area="cheshire-merseyside")
>>> found[["kind", "services", "deliberate"]].values.tolist()
[['deliberate', ['cm-pmhs', 'cm-pimhs'], True]]
>>> print(found.note[0])
Marked deliberate by the source: "These are separate services; one does not replace the
need for the other". They share no concern, profession or intervention in the data
(similarity 0).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from itertools import chain, repeat
from typing import TYPE_CHECKING

from carepath.graph.bulk import paused_gc
from carepath.graph.model import AreaId, Model, Overlap, Relation, Service, ServiceId
from carepath.queries._analysis import (
    ROUTE_KINDS,
    areas_for,
    check_services,
    evidence,
    relation_area,
)
from carepath.rows import Rows

if TYPE_CHECKING:  # a question about overlaps is answered as plain rows, without pandas
    import pandas as pd

OVERLAP_KINDS: tuple[str, ...] = ("same-cell", "same-concern", "duplicate-route", "deliberate")
COLUMNS = ["area", "kind", "basis", "services", "names", "stages", "tier", "concerns",
           "similarity", "deliberate", "note", "evidence"]
BASIS = {"same-cell": "stated", "same-concern": "not-stated", "duplicate-route": "stated",
         "deliberate": "stated"}
"""Whether the documents state the overlap (``stated``) or leave it open (``not-stated``: a
service states no age window, so whether the stages overlap cannot be told)."""


def similarity(model: Model, services: Iterable[str]) -> float:
    """The Jaccard similarity of services over concerns, (stage, concern) cells, professions
    and interventions (see the module docstring for the formula).

    Raises:
        QueryError: an unknown service id.

    Examples
    --------
    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> similarity(model, ["cm-pmhs", "cm-pimhs"])
    0.0
    >>> round(similarity(model, ["p05-health-visiting", "p05-childrens-centres-eyfs"]), 2)
    0.47
    """
    ids = check_services(model, services)
    return _jaccard([_features(model, model.services[s]) for s in ids])


def _jaccard(sets: list[set[tuple]]) -> float:
    if not sets:
        return 0.0
    union = set().union(*sets)
    return len(set.intersection(*sets)) / len(union) if union else 0.0


def overlaps(model: Model, *, area: str | None = None) -> pd.DataFrame:
    """Overlapping services, duplicated routes and deliberate overlaps, area by area.

    Parameters
    ----------
    model : the model to analyse.
    area : an area id; default every area.

    Returns
    -------
    DataFrame with columns ``area, kind, services, names, stages, tier, concerns, similarity,
    deliberate, note, evidence`` (``services``, ``names``, ``stages``, ``concerns`` and
    ``evidence`` are lists), ordered by area, kind (in :data:`OVERLAP_KINDS` order), highest
    similarity first, then services. ``tier`` is the services' common tier, or their tiers
    joined by " / " when a deliberate overlap spans tiers.

    Raises:
        QueryError: an unknown area.

    Examples
    --------
    Health Visiting and Children's Centres both address maternal mental health and perinatal
    loss at the universal tier from birth to five:

    >>> from carepath import load_reference
    >>> found = overlaps(load_reference(), area="pathway-0-5")
    >>> row = found[found.services.map(
    ...     lambda s: s == ["p05-childrens-centres-eyfs", "p05-health-visiting"])].iloc[0]
    >>> row.kind, row.tier, row.concerns
    ('same-cell', 'universal', ['maternal-mental-health', 'perinatal-loss-bereavement'])
    >>> row.stages[0], row.stages[-1], round(float(row.similarity), 2)
    ('weeks-0-6', 'years-3-5', 0.47)
    """
    return overlap_rows(model, area=area).to_frame()


def overlap_rows(model: Model, *, area: str | None = None) -> Rows:
    """:func:`overlaps` as plain rows (:class:`carepath.rows.Rows`, columns
    :data:`COLUMNS`; no similarity is ``nan``): what ``carepath overlaps`` prints, with no
    table library imported.

    >>> from carepath import load_reference
    >>> found = overlap_rows(load_reference(), area="dorset")
    >>> sorted(set(found.column("kind")))
    ['duplicate-route', 'same-concern']
    """
    with paused_gc():  # a million relations regrouped: see paused_gc
        rows = _overlap_rows(model, areas_for(model, area))
    for row in rows:
        row["basis"] = BASIS[row["kind"]]
    return Rows.from_records(_ordered(rows), COLUMNS)


def _overlap_rows(model: Model, areas: list[AreaId]) -> list[dict]:
    by_area = _repeated_routes(model)
    rows: list[dict] = []
    features: dict[str, set[tuple]] = {}  # each service's feature set, made once
    for area_id in areas:
        services = [s for s in model.services_in(area_id)]
        marked = [ov for ov in model.overlaps
                  if any(model.services[s].area == area_id for s in ov.services
                         if s in model.services)]
        computed = _service_pairs(model, area_id, services, features)
        _mark_deliberate(model, computed, marked)
        rows.extend(computed)
        rows.extend(_duplicate_routes(model, area_id, by_area.get(area_id, {})))
        rows.extend(_deliberate_rows(model, area_id, computed, marked))
    return rows


# -- features and pairs ---------------------------------------------------------------------

def _features(model: Model, svc: Service) -> set[tuple]:
    stages = model.stages_covered(svc)
    return ({("concern", c) for c in svc.concerns}
            | {("cell", st, c) for st in stages for c in svc.concerns}
            | {("profession", p) for p in svc.professions}
            | {("intervention", i) for i in svc.interventions})


def _feature_sets(model: Model, ids: Iterable[str],
                  cache: dict[str, set[tuple]]) -> list[set[tuple]]:
    out = []
    for ident in ids:
        found = cache.get(ident)
        if found is None:
            found = cache[ident] = _features(model, model.services[ident])
        out.append(found)
    return out


def _service_pairs(model: Model, area: AreaId, services: list[Service],
                   features: dict[str, set[tuple]]) -> list[dict]:
    """``same-cell`` and ``same-concern`` pairs: two services at one tier addressing one
    concern, at a stage both cover (``same-cell``), or where one states no window, so
    whether their stages meet cannot be told (``same-concern``)."""
    at_cell: dict[tuple[str, str, str], set[str]] = {}  # (tier, concern, stage) -> services
    at_concern: dict[tuple[str, str], dict[str, bool]] = {}  # (tier, concern) -> windowed?
    for s in services:
        if not s.tier:
            continue
        stages = model.stages_covered(s)
        for c in s.concerns:
            at_concern.setdefault((s.tier, c), {})[s.id] = bool(s.windows)
            for st in stages:
                at_cell.setdefault((s.tier, c, st), set()).add(s.id)
    same_cell: dict[tuple[str, str, str], tuple[set, set]] = {}
    for (tier, concern, stage), ids in at_cell.items():
        ordered = sorted(ids)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                stages, concerns = same_cell.setdefault((a, b, tier), (set(), set()))
                stages.add(stage)
                concerns.add(concern)
    unknown: dict[tuple[str, str, str], tuple[set, set]] = {}
    for (tier, concern), windowed in at_concern.items():
        ordered = sorted(windowed)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                if not (windowed[a] and windowed[b]):
                    unknown.setdefault((a, b, tier), (set(), set()))[1].add(concern)
    order = {s.id: i for i, s in enumerate(model.stages_in_order())}
    rows = []
    for kind, groups in (("same-cell", same_cell), ("same-concern", unknown)):
        for key in sorted(groups):
            a, b, tier = key
            stages, concerns = groups[key]
            shared = sorted(stages, key=order.__getitem__) if kind == "same-cell" else []
            rows.append(_pair_row(model, area, kind, a, b, tier, shared, sorted(concerns),
                                  features))
    return rows


def _pair_row(model: Model, area: AreaId, kind: str, a: str, b: str, tier: str,
              stages: list[str], concerns: list[str],
              features: dict[str, set[tuple]]) -> dict:
    sa, sb = model.services[a], model.services[b]
    score = _jaccard(_feature_sets(model, (a, b), features))
    what = ", ".join(model.concerns[c].name for c in concerns)
    if kind == "same-cell":
        note = (f"Both at the {model.tiers[tier].name} tier address {what} at "
                f"{len(stages)} shared stage{'s' if len(stages) != 1 else ''}.")
    else:
        silent = " and ".join(s.name for s in (sa, sb) if not s.windows)
        note = (f"Both at the {model.tiers[tier].name} tier address {what}; {silent} "
                "states no age window, so whether their stages overlap cannot be told.")
    note += _shared_staff(model, [sa, sb])
    return {"area": area, "kind": kind, "services": [a, b], "names": [sa.name, sb.name],
            "stages": stages, "tier": tier, "concerns": concerns, "similarity": score,
            "deliberate": False, "note": note,
            "evidence": evidence([sa.provenance, sb.provenance])}


def _shared_staff(model: Model, services: list[Service]) -> str:
    profs = set.intersection(*(set(s.professions) for s in services))
    ints = set.intersection(*(set(s.interventions) for s in services))
    parts = []
    if profs:
        parts.append("professions " + ", ".join(sorted(model.name_of(p) for p in profs)))
    if ints:
        parts.append("interventions " + ", ".join(sorted(model.name_of(i) for i in ints)))
    return f" They share {' and '.join(parts)}." if parts else ""


# -- deliberate overlaps --------------------------------------------------------------------

def _mark_deliberate(model: Model, rows: list[dict], marked: list[Overlap]) -> None:
    for row in rows:
        for ov in marked:
            if set(row["services"]) <= set(ov.services):
                row["deliberate"] = True
                row["note"] += f' Marked deliberate by the source: "{ov.note}".'
                row["evidence"] = evidence([ov.provenance]) + row["evidence"]


def _deliberate_rows(model: Model, area: AreaId, computed: list[dict],
                     marked: list[Overlap]) -> list[dict]:
    shown = [set(r["services"]) for r in computed]
    rows = []
    for ov in marked:
        ids = [ServiceId(s) for s in ov.services if s in model.services]
        if len(ids) == 2 and set(ids) in shown:
            continue
        svcs = [model.services[s] for s in ids]
        stages = [st for st in (s.id for s in model.stages_in_order())
                  if all(st in model.stages_covered(s) for s in svcs)]
        concerns = sorted(set.intersection(*(set(s.concerns) for s in svcs)))
        tiers = list(dict.fromkeys(s.tier for s in svcs if s.tier))
        score = similarity(model, ids)
        shared = _shared_staff(model, svcs)
        if score == 0:
            detail = (" They share no concern, profession or intervention in the data "
                      "(similarity 0).")
        else:
            detail = (f" In the data they share concerns {', '.join(concerns) or 'none'}."
                      f"{shared}")
        rows.append({
            "area": area, "kind": "deliberate", "services": ids,
            "names": [s.name for s in svcs], "stages": stages, "tier": " / ".join(tiers),
            "concerns": concerns, "similarity": score, "deliberate": True,
            "note": f'Marked deliberate by the source: "{ov.note}".{detail}',
            "evidence": evidence([ov.provenance, *(s.provenance for s in svcs)])})
    return rows


# -- duplicated routes ----------------------------------------------------------------------

def _repeated_routes(model: Model,
                     ) -> dict[AreaId | None, dict[tuple[str, str], list[Relation]]]:
    """Route relations (:data:`ROUTE_KINDS`) whose source and target are stated together
    more than once, by area (:func:`relation_area`) and pair, in model order.

    The pairs are counted from the statements (in C), and only the statements holding a
    repeated pair are made into relations: at national 2,000 of a million relations, 0.3 s
    where grouping every relation by area took 2.5 s."""
    routes = [st for st in model.statements if st.kind in ROUTE_KINDS]
    counts = Counter(chain.from_iterable(zip(repeat(st.source), st.targets) for st in routes))
    repeated = {pair for pair, n in counts.items() if n > 1}
    sources = {source for source, _ in repeated}
    out: dict[AreaId | None, dict[tuple[str, str], list[Relation]]] = {}
    for st in routes:
        if st.source not in sources:
            continue
        for rel in st.relations():
            pair = (rel.source, rel.target)
            if pair in repeated:
                out.setdefault(relation_area(model, rel), {}).setdefault(pair, []).append(rel)
    return out


def _duplicate_routes(model: Model, area: AreaId,
                      routes: dict[tuple[str, str], list[Relation]]) -> list[dict]:
    stage_list = model.stages_in_order()
    rows = []
    for (source, target), rels in routes.items():
        if len(rels) < 2:
            continue
        stages = [s.id for s in stage_list
                  if any(w.overlaps(s.interval) for r in rels for w in r.windows)]
        concerns = sorted(set().union(*(r.concerns for r in rels)))
        statements = "; ".join(
            f"{r.kind.label}{' at ' + ', '.join(r.stage_texts) if r.stage_texts else ''} "
            f"({evidence([r.provenance])[0]})" for r in rels)
        target_svc = model.services.get(target)
        rows.append({
            "area": area, "kind": "duplicate-route", "services": [source, target],
            "names": [model.name_of(source), model.name_of(target)], "stages": stages,
            "tier": target_svc.tier if target_svc else None, "concerns": concerns,
            "similarity": float("nan"), "deliberate": False,
            "note": (f"{model.name_of(source)} to {model.name_of(target)} is stated "
                     f"{len(rels)} times: {statements}."),
            "evidence": evidence(r.provenance for r in rels)})
    return rows


def _ordered(rows: list[dict]) -> list[dict]:
    """By area, kind (in :data:`OVERLAP_KINDS` order), highest similarity first (none
    last), then services."""
    def score(value: float | None) -> float:
        return -1.0 if value is None or math.isnan(value) else value

    return sorted(rows, key=lambda r: (r["area"], OVERLAP_KINDS.index(r["kind"]),
                                       -score(r["similarity"]), " ".join(r["services"])))

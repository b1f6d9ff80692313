"""Building blocks shared by the analyses (gaps, overlaps, stepped care, comparison).

Not public API: the analyses in :mod:`carepath.queries.gaps` and its siblings are. What is
settled here is settled for all of them:

- a *route* is a relation a family can travel along: refers to, signposts to, hands over to,
  steps up to, steps down to (:data:`ROUTE_KINDS`); advice, training and collaboration are not
  routes;
- a relation belongs to the area of its service end (the source's if both are services);
  professions and the family are shared by every area, so routes are followed inside one area
  only, never through a profession into another area's services;
- *specialist* help is any service at a tier of rank 5 or more (specialist perinatal,
  specialist parent-infant, inpatient);
- *entry points* of an area are its universal-tier services, the professions that refer in
  it, the family where it self-refers there, and relatives or carers where they refer
  (never the unnamed end of a relation: ``services-not-named``);
- a service reaches the professions staffing it (:func:`route_graph`): a service and the
  profession working in it answer the same;
- *evidence* is a list of ``"source:line"`` strings (the source id alone when there is no line).

>>> from carepath import load_reference
>>> model = load_reference()
>>> sorted(reachable_specialists(model, "dorset")["gp"])
['dorset-mmhs', 'dorset-pmmhs']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from carepath.errors import QueryError
from carepath.graph.model import (
    FAMILY,
    UNNAMED_NODES,
    AreaId,
    Model,
    NodeId,
    Provenance,
    Relation,
    RelationKind,
    Service,
    ServiceId,
    Tier,
)
from carepath.graph.stages import PRECONCEPTION_START, format_week

if TYPE_CHECKING:  # networkx is imported by the route searches that use it, not by gaps
    import networkx as nx

ROUTE_KINDS: frozenset[RelationKind] = frozenset({
    RelationKind.REFERS_TO, RelationKind.SIGNPOSTS_TO, RelationKind.HANDS_OVER_TO,
    RelationKind.STEPS_UP_TO, RelationKind.STEPS_DOWN_TO,
})
SPECIALIST_RANK = 5
UNNAMED = "unnamed"
"""The end of a relation a document states without naming it ("may include referral to other
services"): a relation to or from it is stated, its other end is not named."""


def is_unnamed(model: Model, node: str) -> bool:
    """Whether ``node`` stands for services a document does not name: the model's reserved
    end ``services-not-named`` (:data:`carepath.graph.model.UNNAMED`), the id ``unnamed`` (or
    one starting ``unnamed-``), or a service marked ``unnamed``.

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> is_unnamed(m, "services-not-named"), is_unnamed(m, "dorset-pmmhs")
    (True, False)
    """
    if node in UNNAMED_NODES or node == UNNAMED or node.startswith(UNNAMED + "-"):
        return True
    svc = model.services.get(node)
    return bool(svc is not None and getattr(svc, "unnamed", False))


def evidence(provenances: Iterable[Provenance | None]) -> list[str]:
    """``"source:line"`` for each provenance, in order, without repeats."""
    out: list[str] = []
    for prov in provenances:
        if prov is None:
            continue
        ref = prov.ref
        if ref not in out:
            out.append(ref)
    return out


def areas_for(model: Model, area: str | None) -> list[AreaId]:
    """The areas an analysis runs over: ``area`` (checked) or all of them, sorted by id."""
    if area is None:
        return sorted(model.areas)
    if area not in model.areas:
        raise QueryError(f"unknown area {area!r}; expected one of: "
                         f"{', '.join(sorted(model.areas)) or 'none (no areas loaded)'}")
    return [AreaId(area)]


def check_services(model: Model, services: Iterable[str]) -> list[ServiceId]:
    """``services`` as a list, every id checked."""
    ids = list(services)
    unknown = [s for s in ids if s not in model.services]
    if unknown:
        raise QueryError(f"unknown service {unknown[0]!r}; expected service ids such as: "
                         f"{', '.join(sorted(model.services)[:5])}, ...")
    return [ServiceId(s) for s in ids]


def relation_area(model: Model, rel: Relation) -> AreaId | None:
    """The area a relation belongs to: that of its source service, else its target service."""
    for node in (rel.source, rel.target):
        svc = model.services.get(node)
        if svc is not None:
            return svc.area
    return None


def area_sources(model: Model, area: AreaId) -> list[str]:
    """Source documents the area's data comes from: the evidence for what is absent."""
    provs = [model.areas[area].provenance, *(s.provenance for s in model.services_in(area))]
    return sorted({p.source for p in provs})


def tiers_in_rank_order(model: Model) -> list[Tier]:
    """Tiers by rank; parallel tiers (equal rank) in the vocabulary's own order.

    >>> from carepath import load_reference
    >>> [t.id for t in tiers_in_rank_order(load_reference())][3:6]
    ['secondary-care-mh', 'specialist-perinatal', 'specialist-parent-infant']
    """
    return sorted(model.tiers.values(), key=lambda t: t.rank)


def tier_rank(model: Model, tier: str | None) -> int | None:
    return model.tiers[tier].rank if tier in model.tiers else None


def is_specialist(model: Model, svc: Service) -> bool:
    rank = tier_rank(model, svc.tier)
    return rank is not None and rank >= SPECIALIST_RANK


def describe_window(svc: Service) -> str:
    """The service's span in words: 'preconception to 2 years', 'no age window stated'; for
    stages where the service is only seen (``window_kind: seen-at``), 'not stated (seen at
    birth to 8 weeks)'."""
    span = svc.span
    if span is None:
        return "no age window stated"
    start = "preconception" if span.start <= PRECONCEPTION_START else _week(span.start)
    if svc.window_kind == "seen-at":
        return f"not stated (seen at {start} to {_week(span.end)})"
    return f"{start} to {_week(span.end)}"


def _week(week: int) -> str:
    return "1 week" if week == 1 else format_week(week)


def relations_by_area(model: Model) -> dict[AreaId | None, list[Relation]]:
    """Every relation, grouped by :func:`relation_area` (in model order within an area)."""
    out: dict[AreaId | None, list[Relation]] = {}
    relations, services, start = model.relations, model.services, 0
    for st in model.statements:  # model.relations lists each statement's relations in turn
        end = start + len(st.targets)
        svc = services.get(st.source)
        if svc is not None:  # a service's statements belong to its area, whatever the target
            out.setdefault(svc.area, []).extend(relations[start:end])
        else:
            for rel in relations[start:end]:
                out.setdefault(relation_area(model, rel), []).append(rel)
        start = end
    return out


def relations_touching(model: Model, areas: Iterable[AreaId],
                       kinds: Iterable[RelationKind] | None = None) -> list[Relation]:
    """The relations (of ``kinds``, default all) with an end at a service of ``areas``, in
    model order. Only the statements that have one are made into relations: a route search
    in one area of the national preset makes 26,000 of a million.

    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> rels = relations_touching(model, ["dorset"])
    >>> all("dorset" in (relation_area(model, r), model.services.get(r.target, None)
    ...                  and model.services[r.target].area) for r in rels)
    True
    >>> len(rels) < len(model.relations)
    True
    """
    wanted = set(areas)
    return relations_at(model, {s.id for s in model.services.values() if s.area in wanted},
                        kinds)


def relations_at(model: Model, nodes: set[str],
                 kinds: Iterable[RelationKind] | None = None) -> list[Relation]:
    """The relations (of ``kinds``, default all) that start or end at one of ``nodes``, in
    model order, made only from the statements that have one."""
    kinds = None if kinds is None else set(kinds)
    out: list[Relation] = []
    for st in model.statements:
        if kinds is not None and st.kind not in kinds:
            continue
        if st.source in nodes:
            out.extend(st.relations())
        elif not nodes.isdisjoint(st.targets):
            out.extend(r for r in st.relations() if r.target in nodes)
    return out


def route_graph(model: Model, area: AreaId,
                relations: Iterable[Relation] | None = None) -> nx.MultiDiGraph:
    """The area's routes (:data:`ROUTE_KINDS`) as a graph; edges keep their ``relation``.

    ``relations`` are the area's relations if already at hand (from :func:`relations_by_area`).
    A service that is part of another is reached from it (the part-of hops of
    :func:`carepath.graph.networkx.part_of_relations`).

    >>> from carepath import load_reference
    >>> G = route_graph(load_reference(), "dorset")
    >>> G.has_edge("dorset-pmmhs", "dorset-mmhs")
    True
    """
    import networkx as nx

    from carepath.graph.networkx import part_of_relations, staffed_by_relations

    if relations is None:
        relations = relations_by_area(model).get(area, [])
    G = nx.MultiDiGraph()
    for rel in relations:
        if rel.kind in ROUTE_KINDS:
            G.add_edge(rel.source, rel.target, key=rel.id, relation=rel)
    for rel in part_of_relations(model):
        if model.services[rel.target].area == area:
            G.add_edge(rel.source, rel.target, key=rel.id, relation=rel)
    # a service reaches the professions staffing it (who holds a relation: issue 22), where
    # the profession has a route in the area
    for rel in staffed_by_relations(model):
        if model.services[rel.source].area == area and rel.target in G:
            G.add_edge(rel.source, rel.target, key=rel.id, relation=rel)
    return G


def entry_points(model: Model, area: AreaId,
                 relations: Iterable[Relation] | None = None) -> list[NodeId]:
    """Universal-tier services, professions that refer in the area, and the family if it does.

    >>> from carepath import load_reference
    >>> entry_points(load_reference(), "dorset")  # doctest: +NORMALIZE_WHITESPACE
    ['family', 'dorset-general-practice', 'dorset-midwifery', 'gp', 'health-visitor',
     'midwife', 'relatives']
    """
    if relations is None:
        relations = relations_by_area(model).get(area, [])
    nodes = {NodeId(s.id) for s in model.services_in(area) if s.tier == "universal"}
    for rel in relations:
        if (rel.kind is RelationKind.REFERS_TO and rel.source not in model.services
                and rel.source not in UNNAMED_NODES):  # an unnamed referrer is no way in
            nodes.add(rel.source)
    return sorted(nodes, key=lambda n: (n != FAMILY, n))


def specialists(model: Model, area: AreaId) -> list[Service]:
    """The area's specialist services (tier rank 5 or more), by tier then id."""
    position = {t.id: i for i, t in enumerate(tiers_in_rank_order(model))}
    found = [s for s in model.services_in(area) if is_specialist(model, s)]
    return sorted(found, key=lambda s: (position[s.tier], s.id))


def reachable_specialists(model: Model, area: AreaId,
                          relations: Iterable[Relation] | None = None,
                          ) -> dict[NodeId, set[ServiceId]]:
    """For each entry point of the area, the specialist services some route reaches."""
    if relations is None:
        relations = relations_by_area(model).get(area, [])
    import networkx as nx

    relations = list(relations)
    G = route_graph(model, area, relations)
    wanted = {s.id for s in specialists(model, area)}
    out: dict[NodeId, set[ServiceId]] = {}
    for entry in entry_points(model, area, relations):
        reached = nx.descendants(G, entry) if entry in G else set()
        out[entry] = {ServiceId(n) for n in reached & wanted}
    return out


def remove_services(model: Model, services: Iterable[str]) -> Model:
    """A copy of ``model`` without ``services``, their relations, overlaps and pathway cells.

    An overlap keeps its other services while at least two remain.
    """
    gone = set(check_services(model, services))
    overlaps = []
    for ov in model.overlaps:
        kept = tuple(s for s in ov.services if s not in gone)
        if len(kept) >= 2:
            overlaps.append(type(ov)(kept, ov.note, ov.provenance))
    return Model(
        sources=model.sources, areas=model.areas, tiers=model.tiers, stages=model.stages,
        levels=model.levels, severities=model.severities, urgencies=model.urgencies,
        concerns=model.concerns, professions=model.professions,
        interventions=model.interventions,
        services={k: v for k, v in model.services.items() if k not in gone},
        statements=[replace(st, targets=kept) for st in model.statements if st.source not in gone
                    for kept in [tuple(t for t in st.targets if t not in gone)] if kept],
        overlaps=overlaps,
        pathway=[c for c in model.pathway if c.service not in gone],
    )

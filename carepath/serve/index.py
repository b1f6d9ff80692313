"""What the server's pages show, worked out once per graph: the service directory's search,
the service card, and a service's neighbourhood.

:class:`Index` is built once when the server starts (every relation by its two ends) so that
a page costs a look-up, not a pass over a million relations. The card is the one
``carepath show`` prints (:func:`carepath.card.card`, given the service's own relations),
laid out by the server's template with links; the facts the template lays out itself (tier,
window, concerns, relations, eligibility, response times) are the same facts, and the window
is worded as the terminal words it. Search is the library's
(:func:`carepath.directory.directory`, as ``carepath services --search`` runs it), so the
terminal and the browser find the same services: a phrase naming a concern, an intervention
or a profession, a phrase in a service's name or notes, else every word somewhere in what is
known of the service.

>>> from carepath import load_reference
>>> index = Index(load_reference())
>>> [s.id for s in index.search(words="baby unit", area="dorset")]
['dorset-mbu']
>>> card = index.card("dorset-mbu")
>>> card["tier"]["name"], card["window"]
('Inpatient (Mother and Baby Unit)', 'not stated')
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Any

from carepath.card import Card, passage_text
from carepath.card import card as make_card
from carepath.directory import describe_window, search_texts, what_it_does
from carepath.errors import QueryError
from carepath.graph.model import (
    FAMILY,
    UNNAMED_NODES,
    Model,
    Relation,
    RelationKind,
    Service,
)
from carepath.graph.stages import parse_age
from carepath.html._page import (
    RELATION_STYLES,
    service_evidence,
    source_rows,
    step_codes,
    window_text,
)

__all__ = ["LIBRARY_SECTIONS", "MAX_EDGES", "MAX_NEIGHBOURS", "NETWORK_STEPS", "Index"]

LIBRARY_SECTIONS = ("Part of", "Parts", "Deliberate overlaps", "Pathway cells")
"""Sections of ``carepath show``'s card the page shows as the library words them (the
others it lays out itself from the same facts, with links)."""

MAX_NEIGHBOURS = 120
"""The most nodes a neighbourhood shows: a hub's 3-hop neighbourhood at national scale would
be the whole graph."""
MAX_EDGES = 300
"""The most relations a neighbourhood shows (a regional hub's neighbours share thousands: a
1.2 MB page; 600 relations took 0.24 s to render)."""
NETWORK_STEPS = {40: 60, 80: 150, MAX_NEIGHBOURS: MAX_EDGES}
"""How much of a neighbourhood the page draws, nodes: relations: the first step, then a "show
more" link to the next (all 120 nodes and 300 relations of a regional hub is a hairball)."""


class Index:
    """The model, indexed for the pages. Read-only once built (shared between threads)."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.codes = step_codes(model)
        self.texts = search_texts(model)  # normalised once: a search reads, not re-reads
        self.ranks = {t.id: i for i, t in enumerate(model.tiers_in_order())}
        self.outgoing: dict[str, list[Relation]] = defaultdict(list)
        self.incoming: dict[str, list[Relation]] = defaultdict(list)
        self.own: dict[str, list[Relation]] = defaultdict(list)  # either end, model order
        for rel in model.relations:
            self.outgoing[rel.source].append(rel)
            self.incoming[rel.target].append(rel)
            self.own[rel.source].append(rel)
            if rel.target != rel.source:
                self.own[rel.target].append(rel)

    # -- the directory -------------------------------------------------------------------

    def search(self, *, words: str = "", area: str | None = None, tier: str | None = None,
               age: str | None = None, concern: str | None = None) -> list[Service]:
        """Services matching every filter, as :func:`carepath.directory.directory` finds and
        orders them (best match first, then by area and step of care).

        ``age`` is the child's age as text ('4 months', '20 weeks pregnant'); a service that
        states no window is not listed for an age (the data cannot show it covers it).

        Raises:
            QueryError: an unknown area, tier or concern, or an unreadable age.

        >>> from carepath import load_reference
        >>> index = Index(load_reference())
        >>> # Cruse states no window, so it is not listed for an age
        >>> "p05-cruse" in [s.id for s in index.search(words="bereavement", age="4 months")]
        False
        >>> [s.id for s in index.search(words="talking therapy")]
        ['cm-iapt']
        >>> index.search(words="talking therapy", age="4 months")  # IAPT states no window
        []
        """
        from carepath.directory import directory

        model = self.model
        for value, table, what in ((area, model.areas, "area"), (tier, model.tiers, "tier"),
                                   (concern, model.concerns, "concern")):
            if value and value not in table:
                raise QueryError(f"unknown {what} {value!r}; expected one of: "
                                 f"{', '.join(sorted(table))}")
        found = directory(model, area=area or None, tier=tier or None,
                          concern=concern or None, week=parse_age(age) if age else None,
                          search=words.strip() or None, texts=self.texts)
        return [model.services[i] for i in found["id"]]

    # -- the service card ----------------------------------------------------------------

    def node(self, node: str) -> dict[str, Any]:
        """A relation end: id, name, kind (service, profession, family) and area."""
        kind = self.model.node_kind(node)
        svc = self.model.services.get(node)
        return {"id": node, "name": self.model.name_of(node),
                "kind": str(kind).lower() if kind else "unknown",
                "area": svc.area if svc else None}

    def relation(self, rel: Relation, other: str) -> dict[str, Any]:
        """One relation as the card lists it: the other end, the kind, every stated condition
        and where it is stated."""
        model = self.model
        src = model.sources.get(rel.provenance.source)
        return {
            "kind": rel.kind.value, "label": RELATION_STYLES[rel.kind].label,
            "other": self.node(other),
            "stages": list(rel.stage_texts),
            "concerns": sorted(model.name_of(c) for c in rel.concerns),
            "severities": sorted(rel.severities),
            "urgency": model.name_of(rel.urgency) if rel.urgency else None,
            "response_time": rel.response_time,
            "level": model.name_of(rel.level) if rel.level else None,
            "note": rel.note,
            "evidence": rel.provenance.ref,
            "source_title": src.title if src else rel.provenance.source,
            "passage": passage_text(rel.provenance.passage or ""),  # list markup as text
        }

    def card(self, service_id: str) -> dict[str, Any]:
        """Everything the sources state about a service, each fact with its source line and
        passage; what they do not state is said to be not stated.

        Raises:
            KeyError: an unknown service.
        """
        model = self.model
        svc = model.services[service_id]
        tier = model.tiers.get(svc.tier) if svc.tier else None
        area = model.areas.get(svc.area)
        incoming = self.incoming.get(svc.id, [])
        outgoing = self.outgoing.get(svc.id, [])

        def prov(p) -> dict[str, str]:
            return {"evidence": p.ref, "passage": passage_text(p.passage or "")}

        windows = sorted(svc.windows, key=lambda w: w.start)
        apart = any(b.start > max(w.end for w in windows[:i + 1])
                    for i, b in enumerate(windows[1:]))

        return {
            "id": svc.id, "name": svc.name, "aliases": list(svc.aliases),
            "area": {"id": svc.area, "name": area.name if area else svc.area},
            "tier": ({"id": tier.id, "name": tier.name, "code": self.codes[tier.id]}
                     if tier else None),
            "tier_note": svc.tier_note,
            "level": model.name_of(svc.level) if svc.level else None,
            "window": describe_window(svc),  # as `carepath show` says it
            "windows": window_text(svc) or "not stated",
            "windows_apart": apart,  # the span has a gap: the windows are shown too
            "what": what_it_does(model, svc),
            "stage_texts": list(svc.stage_texts),
            "stages": [model.stages[s].name for s in model.stages_covered(svc)],
            "need": (None if svc.need_min is None and svc.need_max is None
                     else {"min": svc.need_min, "max": svc.need_max, "note": svc.need_note}),
            "concerns": [{"id": c.concern, "name": model.name_of(c.concern),
                          "severities": sorted(c.severities)} for c in svc.addresses],
            "not_addressed": [model.name_of(c) for c in svc.not_addressed],
            "eligibility": [{"type": c.type, "text": c.text, **prov(c.provenance)}
                            for c in svc.eligibility],
            "response_times": [{"urgency": model.name_of(t.urgency), "within": t.within,
                                **prov(t.provenance)} for t in model.response_times_of(svc)],
            "response_times_of": (self.node(svc.part_of) if svc.part_of and not
                                  svc.response_times and model.response_times_of(svc)
                                  else None),  # those of the service it is part of
            "team": [self.node(p) for p in svc.professions],
            "interventions": [{"id": i, "name": model.name_of(i)} for i in svc.interventions],
            "notes": svc.notes,
            "referred_in": [self.relation(r, r.source) for r in incoming
                            if r.kind is RelationKind.REFERS_TO],
            "refers_out": [self.relation(r, r.target) for r in outgoing
                           if r.kind is RelationKind.REFERS_TO],
            "other_in": [self.relation(r, r.source) for r in incoming
                         if r.kind is not RelationKind.REFERS_TO],
            "other_out": [self.relation(r, r.target) for r in outgoing
                          if r.kind is not RelationKind.REFERS_TO],
            "sources": [{**row, "passage": passage_text(row["passage"])}
                        for row in source_rows(model, service_evidence(svc))],
            "more": [section for section in self.library_card(service_id).as_dict()["sections"]
                     if section["label"] in LIBRARY_SECTIONS],
        }

    def library_card(self, service_id: str) -> Card:
        """The service's card as ``carepath show`` prints it (:func:`carepath.card.card`),
        every line, from the service's own relations and those of the service it is part of
        (whose routes in apply to it), never a pass over them all."""
        parent = self.model.services[service_id].part_of
        relations = [*self.own.get(service_id, []), *self.own.get(parent, [])]
        return make_card(self.model, "service", service_id, most=None, relations=relations)

    # -- the neighbourhood ---------------------------------------------------------------

    def neighbourhood(self, focus: str, hops: int, *, nodes: int = MAX_NEIGHBOURS,
                      relations: int = MAX_EDGES) -> tuple[dict[str, int], list[Relation]]:
        """The nodes within ``hops`` relations of ``focus`` (either direction) with their
        distance, at most ``nodes`` of them (nearest first; at most :data:`MAX_NEIGHBOURS`),
        and the relations between them (at most ``relations``, at most :data:`MAX_EDGES`),
        the nearest first. Professions and the family are shown but
        not walked through: every area shares them, so walking through them would reach
        every area.

        >>> from carepath import load_reference
        >>> nodes, rels = Index(load_reference()).neighbourhood("dorset-mbu", 1)
        >>> nodes["dorset-mbu"], "dorset-pmmhs" in nodes, len(rels) >= 1
        (0, True, True)
        """
        if self.model.node_kind(focus) is None:
            raise KeyError(focus)
        nodes, relations = min(nodes, MAX_NEIGHBOURS), min(relations, MAX_EDGES)
        dist = {focus: 0}
        queue = deque([focus])
        while queue and len(dist) < nodes:
            node = queue.popleft()
            if dist[node] >= hops or (node != focus and (node == FAMILY or node in UNNAMED_NODES
                                                         or node in self.model.professions)):
                continue
            for rel in (*self.outgoing.get(node, ()), *self.incoming.get(node, ())):
                other = rel.target if rel.source == node else rel.source
                if other not in dist and len(dist) < nodes:
                    dist[other] = dist[node] + 1
                    queue.append(other)
        rels = []
        for node in dist:  # nearest first, so the relations kept are the nearest ones
            for rel in self.outgoing.get(node, ()):
                if rel.target in dist and len(rels) < relations:
                    rels.append(rel)
        return dist, rels

"""The typed model: carepath's single source of truth.

Every view (networkx, RDF, Cypher) is generated from a :class:`Model`; nothing re-reads the
source files. Objects are frozen; ids are plain strings with names that say what they point at.

>>> from carepath import load_reference
>>> model = load_reference()
>>> model.services["dorset-pmmhs"].tier
'specialist-perinatal'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, NamedTuple, NewType, get_args

from carepath.graph.stages import Interval, union_span

ServiceId = NewType("ServiceId", str)
ProfessionId = NewType("ProfessionId", str)
AreaId = NewType("AreaId", str)
SourceId = NewType("SourceId", str)
TermId = NewType("TermId", str)
NodeId = NewType("NodeId", str)  # a service, a profession or FAMILY

FAMILY = NodeId("family")  # the family itself: a self-referral
RELATIVES = NodeId("relatives")  # relatives or carers referring on the family's behalf
RESERVED_NODES = {FAMILY: "Family (self-referral)",
                  RELATIVES: "Family members or carers (referring for the family)"}
# the other end of a relation a document states without naming it ("referral to other
# services", "a referral pathway has been introduced"): a hand-over is stated, its receivers
# are not named. A relation end, never a service: no route continues through it.
UNNAMED = NodeId("services-not-named")
UNNAMED_NODES = {UNNAMED: "Services or professionals not named (by the document)"}

# the three answers to "does it hold?": the documents state it, state the opposite, or are silent
YES, NO, UNKNOWN = "yes", "no", "unknown"
VERDICTS = (YES, NO, UNKNOWN)
# a fourth answer for windows with a stated margin: "will be discussed on an individual basis"
BY_DISCUSSION = "by discussion"
# how a service's stage texts read: a window the document states (closed: outside it is "no"),
# or the stages at which a pathway cell mentions the service (where it is seen, not where it
# ends: outside them is "not stated")
WindowKind = Literal["stated", "seen-at"]
WINDOW_KINDS: tuple[WindowKind, ...] = get_args(WindowKind)
# what a document says of a family referring itself ("not-yet": a route planned, not open)
SelfReferral = Literal["yes", "no", "not-yet"]
CriterionType = Literal["inclusion", "exclusion"]
RELATION_ID_SEPARATOR = "/"  # a relation's id: its statement's id, this, its target's id


class RelationKind(StrEnum):
    """The kinds of relation between services, professions and the family.

    Each knows its property-graph type and its RDF property local name.

    >>> RelationKind("refers_to").graph_type, RelationKind.HANDS_OVER_TO.rdf_name
    ('REFERS_TO', 'handsOverTo')
    """

    REFERS_TO = "refers_to"
    SIGNPOSTS_TO = "signposts_to"
    ADVISES = "advises"
    TRAINS = "trains"
    COLLABORATES_WITH = "collaborates_with"
    HANDS_OVER_TO = "hands_over_to"
    STEPS_UP_TO = "steps_up_to"
    STEPS_DOWN_TO = "steps_down_to"

    @property
    def graph_type(self) -> str:
        return self.value.upper()

    @property
    def rdf_name(self) -> str:
        head, *rest = self.value.split("_")
        return head + "".join(word.title() for word in rest)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class NodeKind(StrEnum):
    """Labels of the property graph, and classes of the ontology."""

    SERVICE = "Service"
    AREA = "Area"
    TIER = "Tier"
    AGE_STAGE = "AgeStage"
    PROFESSION = "Profession"
    INTERVENTION = "Intervention"
    CONCERN = "Concern"
    SOURCE = "Source"
    FAMILY = "Family"
    UNNAMED = "Unnamed"
    PATHWAY_CELL = "PathwayCell"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact came from: a source document, and the line and passage in it."""

    source: SourceId
    line: int | None = None
    passage: str | None = None

    @property
    def ref(self) -> str:
        """The citation every answer carries: ``source:line``, or the source id alone.

        >>> Provenance("doc-002", 31).ref, Provenance("doc-002").ref
        ('doc-002:31', 'doc-002')
        """
        return self.source if self.line is None else f"{self.source}:{self.line}"


FACT_KINDS: tuple[str, ...] = ("services", "tiers", "need", "windows", "eligibility",
                               "referrals", "response-times", "interventions", "professions",
                               "collaboration", "advice", "training", "pathway")
"""The kinds of fact a source's :class:`Scope` can say it describes. ``referrals`` covers every
route a family travels (referral, signposting, hand-over, steps)."""


@dataclass(frozen=True, slots=True)
class Scope:
    """What a source document describes: the tiers, canonical stages and concerns whose
    provision it sets out for its area, and the kinds of fact (:data:`FACT_KINDS`) it gives.

    A dimension left as ``None`` is not restricted (the source is taken to describe all of
    it); an empty set describes none. Outside the scope a document's silence is not a "no":
    the answer is "not stated (outside the source's scope)".

    >>> s = Scope(tiers=frozenset({"universal"}))
    >>> s.covers(tier="universal"), s.covers(tier="inpatient"), s.covers(stage="pregnancy")
    (True, False, True)
    """

    tiers: frozenset[TermId] | None = None
    stages: frozenset[TermId] | None = None
    concerns: frozenset[TermId] | None = None
    facts: frozenset[str] | None = None
    note: str | None = None
    provenance: Provenance | None = None

    def covers(self, *, tier: str | None = None, stage: str | None = None,
               concern: str | None = None, fact: str | None = None) -> bool:
        """Whether every dimension asked (``None``: not asked) is within the scope."""
        return all(value is None or allowed is None or value in allowed
                   for value, allowed in ((tier, self.tiers), (stage, self.stages),
                                          (concern, self.concerns), (fact, self.facts)))


@dataclass(frozen=True, slots=True)
class Source:
    id: SourceId
    title: str
    publisher: str | None = None
    file: str | None = None
    version: str | None = None  # the document's own version, as it states it
    dated: str | None = None  # ISO date the stated version applies from
    version_provenance: Provenance | None = None
    scope: Scope | None = None  # None: the source's scope is not recorded (not restricted)


@dataclass(frozen=True, slots=True)
class Term:
    """A controlled-vocabulary term: profession, intervention, concern, level, severity..."""

    id: TermId
    name: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class Tier:
    """A step of the stepped-care model; equal ranks are parallel steps."""

    id: TermId
    name: str
    rank: int
    aliases: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class AgeStage:
    """A stage of the canonical partition of the timeline."""

    id: TermId
    name: str
    interval: Interval
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Area:
    id: AreaId
    name: str
    provenance: Provenance
    country: str | None = None
    births_per_year: int | None = None


@dataclass(frozen=True, slots=True)
class ConcernNeed:
    """A concern a service addresses, at the severities it addresses it (empty: unstated)."""

    concern: TermId
    severities: frozenset[TermId] = frozenset()


@dataclass(frozen=True, slots=True)
class Criterion:
    """One inclusion or exclusion criterion, with whatever of it can be checked mechanically."""

    type: CriterionType
    text: str
    provenance: Provenance
    windows: tuple[Interval, ...] = ()
    concerns: frozenset[TermId] = frozenset()
    severities: frozenset[TermId] = frozenset()
    parent_age_below: int | None = None
    parent_age_from: int | None = None
    discuss_with: tuple[str, ...] = ()  # services the document sends excluded families to


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition a document puts on some of a service's facts: the size of the health board
    (births a year). ``births_over``/``births_at_most`` where the document gives a number;
    neither where it says only "larger" or "smaller" boards. ``governs`` names the facts it
    holds for: ``"service"`` (the service itself) or ``"profession:ID"`` (one staffing fact).

    >>> c = Condition("health boards with a birth rate of >3000 per year",
    ...               Provenance("doc-003", 77), births_over=3000)
    >>> c.holds(4000), c.holds(2000), c.holds(None)
    ('yes', 'no', 'unknown')
    """

    text: str
    provenance: Provenance
    births_over: int | None = None
    births_at_most: int | None = None
    governs: tuple[str, ...] = ("service",)

    def holds(self, births: int | None) -> str:
        """``"yes"``/``"no"`` for a board with ``births`` a year; ``"unknown"`` when no births
        are given or the document gives no number."""
        if births is None or (self.births_over is None and self.births_at_most is None):
            return UNKNOWN
        if self.births_over is not None and births <= self.births_over:
            return NO
        if self.births_at_most is not None and births > self.births_at_most:
            return NO
        return YES


@dataclass(frozen=True, slots=True)
class Commitment:
    """An aim or commitment a document states for a service (what a commissioner checks it
    against), with its passage."""

    text: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class ResponseTime:
    urgency: TermId
    within: str
    hours: float | None
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Service:
    id: ServiceId
    name: str
    area: AreaId
    provenance: Provenance
    aliases: tuple[str, ...] = ()
    tier: TermId | None = None
    tier_note: str | None = None
    level: TermId | None = None
    need_min: float | None = None
    need_max: float | None = None
    need_note: str | None = None
    stage_texts: tuple[str, ...] = ()
    windows: tuple[Interval, ...] = ()
    addresses: tuple[ConcernNeed, ...] = ()
    not_addressed: tuple[TermId, ...] = ()
    professions: tuple[ProfessionId, ...] = ()
    interventions: tuple[TermId, ...] = ()
    eligibility: tuple[Criterion, ...] = ()
    response_times: tuple[ResponseTime, ...] = ()
    notes: str | None = None
    evidence: tuple[Provenance, ...] = ()
    part_of: ServiceId | None = None
    part_of_provenance: Provenance | None = None
    self_referral: SelfReferral | None = None  # None: not stated
    self_referral_provenance: Provenance | None = None
    valid_from: str | None = None  # ISO date the service starts (time-limited services)
    valid_to: str | None = None  # ISO date it ends
    assured_date: str | None = None  # ISO date its facts were last checked
    hours: str | None = None  # when the service runs, as its document states it
    hours_provenance: Provenance | None = None
    # open-world readings (see carepath.graph.verdict): a list is open unless its passage says
    # it is complete; a window is stated unless the stages are only where the service is seen
    addresses_closed: Provenance | None = None  # the concerns list is complete (passage)
    criteria_closed: Provenance | None = None  # the inclusion criteria are the only ones
    window_kind: WindowKind = "stated"
    by_discussion: Provenance | None = None  # beyond its windows: "discussed individually"
    conditions: tuple[Condition, ...] = ()
    commitments: tuple[Commitment, ...] = ()

    @property
    def span(self) -> Interval | None:
        """The whole window the service covers, from its earliest start to its latest end."""
        return union_span(self.windows)

    def covers(self, interval: Interval) -> bool:
        """Whether any of the service's windows overlaps ``interval``."""
        return any(w.overlaps(interval) for w in self.windows)

    def open_at(self, week: float) -> str:
        """Whether the service's own windows take a family at ``week``: ``"yes"``, ``"no"``
        (outside a stated window), ``"by discussion"`` (outside it, with a stated margin),
        or ``"unknown"`` when no window is stated or the stages are only where the service
        is seen. :func:`carepath.graph.verdict.window_at` adds what a part inherits.

        >>> from carepath import load_reference
        >>> m = load_reference()
        >>> m.services["dorset-pmmhs"].open_at(52), m.services["dorset-pmmhs"].open_at(156)
        ('yes', 'by discussion')
        >>> m.services["dorset-mbu"].open_at(4)
        'unknown'
        """
        if not self.windows:
            return UNKNOWN
        if any(w.contains_week(week) for w in self.windows):
            return YES
        if self.window_kind == "seen-at":
            return UNKNOWN
        return BY_DISCUSSION if self.by_discussion is not None else NO

    @property
    def concerns(self) -> frozenset[TermId]:
        return frozenset(c.concern for c in self.addresses)

    def addresses_concern(self, concern: TermId, severity: TermId | None = None) -> bool:
        """Whether the service addresses ``concern`` (at ``severity``, where it says)."""
        for need in self.addresses:
            if need.concern == concern:
                return severity is None or not need.severities or severity in need.severities
        return False


class Relation(NamedTuple):
    """A directed relation: refers to, advises, trains, collaborates with, hands over to...

    A named tuple, not a dataclass like the rest of the model: a national model makes a
    million of them from its statements, and a tuple is made five times faster (0.6 us
    against 2.8 us).
    """

    id: str
    kind: RelationKind
    source: NodeId
    target: NodeId
    provenance: Provenance
    stage_texts: tuple[str, ...] = ()
    windows: tuple[Interval, ...] = ()
    concerns: frozenset[TermId] = frozenset()
    severities: frozenset[TermId] = frozenset()
    urgency: TermId | None = None
    response_time: str | None = None
    level: TermId | None = None
    note: str | None = None

    def applies(self, *, week: float | None = None, concern: TermId | None = None,
                severity: TermId | None = None) -> bool:
        """Whether the relation holds for a family at ``week`` with ``concern``/``severity``.

        Unstated conditions do not restrict: a referral with no stages applies at any stage.
        """
        if week is not None and self.windows and not any(w.contains_week(week)
                                                         for w in self.windows):
            return False
        if concern is not None and self.concerns and concern not in self.concerns:
            return False
        return not (severity is not None and self.severities
                    and severity not in self.severities)

    def stage_at(self, week: float) -> str:
        """Whether the relation's own stage conditions allow ``week``: ``"yes"``, ``"no"``,
        or ``"unknown"`` when it states no stage."""
        if not self.windows:
            return UNKNOWN
        return YES if any(w.contains_week(week) for w in self.windows) else NO


@dataclass(frozen=True, slots=True)
class Statement:
    """A relation as a document states it: one source, its targets, one set of conditions.

    "GPs refer to the talking therapies services A and B for moderate anxiety" is one
    statement with two targets. The model keeps statements; :attr:`Model.relations` expands
    them into one :class:`Relation` per target, with the id ``{statement id}/{target}``. The
    views describe conditions and provenance once per statement and share them by position
    across its targets, which is what lets a million relations load in bulk.

    >>> st = Statement("s-1", RelationKind.REFERS_TO, "gp", ("a-x", "a-y"), Provenance("doc"))
    >>> [(r.id, r.target) for r in st.relations()]
    [('s-1/a-x', 'a-x'), ('s-1/a-y', 'a-y')]
    """

    id: str
    kind: RelationKind
    source: NodeId
    targets: tuple[NodeId, ...]
    provenance: Provenance
    stage_texts: tuple[str, ...] = ()
    windows: tuple[Interval, ...] = ()
    concerns: frozenset[TermId] = frozenset()
    severities: frozenset[TermId] = frozenset()
    urgency: TermId | None = None
    response_time: str | None = None
    level: TermId | None = None
    note: str | None = None

    @property
    def relation_id_stem(self) -> str:
        """What the ids of the statement's relations start with; the target's id ends them."""
        return self.id + RELATION_ID_SEPARATOR

    def relation_id(self, target: NodeId) -> str:
        return self.relation_id_stem + target

    def relations(self) -> tuple[Relation, ...]:
        """One relation per target, sharing the statement's (immutable) conditions."""
        kind, source, prov, stages, windows = (self.kind, self.source, self.provenance,
                                               self.stage_texts, self.windows)
        concerns, severities, urgency, response_time, level, note = (
            self.concerns, self.severities, self.urgency, self.response_time, self.level,
            self.note)
        make, stem = Relation._make, self.relation_id_stem
        return tuple(make((stem + t, kind, source, t, prov, stages, windows,
                           concerns, severities, urgency, response_time, level, note))
                     for t in self.targets)

    @classmethod
    def of(cls, rel: Relation) -> Statement:
        """The one-target statement of a relation made by hand (its id becomes the
        statement's: the relation is then ``{rel.id}/{rel.target}``)."""
        return cls(rel.id, rel.kind, rel.source, (rel.target,), rel.provenance,
                   rel.stage_texts, rel.windows, rel.concerns, rel.severities, rel.urgency,
                   rel.response_time, rel.level, rel.note)


@dataclass(frozen=True, slots=True)
class Overlap:
    """An overlap between services that a document marks as deliberate."""

    services: tuple[ServiceId, ...]
    note: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class PathwayCell:
    """One cell of a stage x service x level pathway tool: rationale and actions."""

    stage_text: str
    window: Interval
    service: ServiceId
    provenance: Provenance
    level: TermId | None = None
    heading: str | None = None
    rationale: str | None = None
    actions: tuple[str, ...] = ()


@dataclass(slots=True)
class Model:
    """Everything carepath knows, keyed by id. Build one with :func:`carepath.load`."""

    sources: dict[SourceId, Source] = field(default_factory=dict)
    areas: dict[AreaId, Area] = field(default_factory=dict)
    tiers: dict[TermId, Tier] = field(default_factory=dict)
    stages: dict[TermId, AgeStage] = field(default_factory=dict)
    levels: dict[TermId, Term] = field(default_factory=dict)
    severities: dict[TermId, Term] = field(default_factory=dict)
    urgencies: dict[TermId, Term] = field(default_factory=dict)
    concerns: dict[TermId, Term] = field(default_factory=dict)
    professions: dict[ProfessionId, Term] = field(default_factory=dict)
    interventions: dict[TermId, Term] = field(default_factory=dict)
    services: dict[ServiceId, Service] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    overlaps: list[Overlap] = field(default_factory=list)
    pathway: list[PathwayCell] = field(default_factory=list)
    _relations: list[Relation] | None = field(default=None, init=False, repr=False,
                                              compare=False)
    _route_graph: Any = field(default=None, init=False, repr=False, compare=False)
    """The route graph (:func:`carepath.graph.routegraph.route_graph_of`), or a function
    that reads it (a build's part): made or read on first use, then kept."""

    @property
    def relations(self) -> list[Relation]:
        """Every relation, one per target of each statement, in statement order.

        Made on first use and kept: building the views never needs them (they work on
        :attr:`statements`), the analyses do. Treat the list as read-only.
        """
        if self._relations is None:
            from carepath.graph.bulk import paused_gc

            with paused_gc():
                self._relations = [r for st in self.statements for r in st.relations()]
        return self._relations

    @property
    def relation_count(self) -> int:
        return sum(len(st.targets) for st in self.statements)

    def node_kind(self, node: str) -> NodeKind | None:
        """The kind of a relation end point, or None if ``node`` is unknown.

        >>> from carepath import load_reference
        >>> m = load_reference()
        >>> [str(m.node_kind(n)) for n in ("gp", "family", "dorset-pmmhs")]
        ['Profession', 'Family', 'Service']
        """
        if node in self.services:
            return NodeKind.SERVICE
        if node in self.professions:
            return NodeKind.PROFESSION
        if node in RESERVED_NODES:
            return NodeKind.FAMILY
        if node in UNNAMED_NODES:
            return NodeKind.UNNAMED
        return None

    def parts_of(self, service: str) -> list[Service]:
        """The services that are part of ``service`` (its ``part_of`` names it), by id.

        >>> from carepath import load_reference
        >>> [s.id for s in load_reference().parts_of("dorset-pmmhs")]
        ['dorset-mmhs']
        """
        return sorted((s for s in self.services.values() if s.part_of == service),
                      key=lambda s: s.id)

    def response_times_of(self, service: Service) -> tuple[ResponseTime, ...]:
        """The service's own response times, else those of the service it is part of.

        >>> from carepath import load_reference
        >>> m = load_reference()
        >>> [r.within for r in m.response_times_of(m.services["dorset-mmhs"])]
        ['4 hours', '28 days']
        """
        seen = set()
        while service is not None and service.id not in seen:
            if service.response_times:
                return service.response_times
            seen.add(service.id)
            service = self.services.get(service.part_of) if service.part_of else None
        return ()

    def hop_at(self, rel: Relation, week: float) -> str:
        """Whether a family at ``week`` can travel ``rel``: see
        :func:`carepath.graph.verdict.hop_at`, the one place that decides it.

        >>> from carepath import load_reference
        >>> m = load_reference()
        >>> gp = next(r for r in m.relations if (r.source, r.target) == ("gp", "dorset-pmmhs"))
        >>> m.hop_at(gp, 52), m.hop_at(gp, 156)
        ('yes', 'by discussion')
        """
        from carepath.graph.verdict import hop_at

        return hop_at(self, rel, week)

    def name_of(self, node: str) -> str:
        """Human name of any id in the model (the id itself if unknown)."""
        if node in RESERVED_NODES:
            return RESERVED_NODES[node]
        if node in UNNAMED_NODES:
            return UNNAMED_NODES[node]
        for table in (self.services, self.professions, self.areas, self.tiers, self.stages,
                      self.concerns, self.interventions, self.sources, self.levels):
            if node in table:
                item = table[node]
                return getattr(item, "name", None) or getattr(item, "title", node)
        return node

    def relations_of(self, kind: RelationKind | None = None) -> Iterator[Relation]:
        return (r for r in self.relations if kind is None or r.kind is kind)

    def services_in(self, area: AreaId) -> list[Service]:
        return [s for s in self.services.values() if s.area == area]

    def tiers_in_order(self) -> list[Tier]:
        return sorted(self.tiers.values(), key=lambda t: (t.rank, t.id))

    def stages_in_order(self) -> list[AgeStage]:
        return sorted(self.stages.values(), key=lambda s: s.interval.start)

    def stages_covered(self, service: Service) -> list[TermId]:
        """Canonical stages a service's windows overlap, in timeline order."""
        return [s.id for s in self.stages_in_order() if service.covers(s.interval)]

    def pathway_relations(self) -> list[list[Relation]]:
        """For each pathway cell (in :attr:`pathway` order), the relations its actions state:
        those of the cell's service stated on the cell's own lines of its document (from the
        cell's line up to the next cell's line). Made from the statements, not
        :attr:`relations` (the views call this while they are built). A cell without a line
        gets the relations of its service stated at its stage (as written) and level.

        >>> from carepath import load_reference
        >>> m = load_reference()
        >>> i = next(i for i, c in enumerate(m.pathway) if c.provenance.line == 52)
        >>> [(r.kind.value, r.target) for r in m.pathway_relations()[i]]
        [('refers_to', 'p05-bereavement-group')]
        """
        starts: dict[str, list[int]] = {}
        for cell in self.pathway:
            if cell.provenance.line is not None:
                starts.setdefault(cell.provenance.source, []).append(cell.provenance.line)
        for lines in starts.values():
            lines.sort()
        by_source: dict[tuple[str, str], list[Statement]] = {}
        for st in self.statements:
            by_source.setdefault((st.source, st.provenance.source), []).append(st)
        out: list[list[Relation]] = []
        for cell in self.pathway:
            line, source = cell.provenance.line, cell.provenance.source
            if line is None:  # no lines to go by: the service's relations at its stage and level
                out.append([r for st in by_source.get((cell.service, source), [])
                            if cell.stage_text in st.stage_texts and st.level == cell.level
                            for r in st.relations()])
                continue
            later = [n for n in starts[source] if n > line]
            end = later[0] if later else float("inf")
            out.append([r for st in by_source.get((cell.service, source), [])
                        if st.provenance.line is not None and line <= st.provenance.line < end
                        for r in st.relations()])
        return out

    def pathway_targets(self) -> list[tuple[NodeId, ...]]:
        """For each pathway cell, whom its actions name (see :meth:`pathway_relations`).

        >>> from carepath import load_reference
        >>> m = load_reference()
        >>> i = next(i for i, c in enumerate(m.pathway) if c.provenance.line == 58)
        >>> m.pathway_targets()[i]
        ('p05-mental-health-team',)
        """
        return [tuple(dict.fromkeys(r.target for r in rels))
                for rels in self.pathway_relations()]

    def counts(self) -> dict[str, int]:
        """Counts by kind.

        >>> from carepath import load_reference
        >>> load_reference().counts()["areas"]
        5
        """
        counts = {
            "areas": len(self.areas),
            "services": len(self.services),
            "professions": len(self.professions),
            "interventions": len(self.interventions),
            "concerns": len(self.concerns),
            "tiers": len(self.tiers),
            "stages": len(self.stages),
            "sources": len(self.sources),
            "relations": self.relation_count,
        }
        for kind in RelationKind:
            counts[f"relations:{kind.value}"] = sum(len(st.targets) for st in self.statements
                                                    if st.kind is kind)
        counts["deliberate overlaps"] = len(self.overlaps)
        counts["pathway cells"] = len(self.pathway)
        return counts

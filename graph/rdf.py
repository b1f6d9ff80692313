"""The RDF view of the model, in an Oxigraph store (fast SPARQL), with rdflib on top.

IRIs: ontology ``https://w3id.org/carepath/ontology#`` (prefix ``cp:``), data
``https://w3id.org/carepath/id/{kind}/{id}``. Every relation is a direct edge
(``gp cp:refersTo x``); the statement it comes from is a node ``cpid:statement/{id}``, a
``cp:Relationship`` (``cp:Referral`` for refers-to) with ``cp:source``, a ``cp:target`` per
relation, its conditions once and ``prov:wasDerivedFrom``.

>>> from carepath import load_reference
>>> turtle = to_turtle(load_reference())
>>> "cp:refersTo" in turtle
True
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pyoxigraph as ox

if TYPE_CHECKING:
    import rdflib

from carepath.graph.bulk import paused_gc
from carepath.graph.model import (
    RESERVED_NODES,
    UNNAMED,
    UNNAMED_NODES,
    Criterion,
    Model,
    NodeKind,
    Provenance,
    RelationKind,
    Service,
    Statement,
)
from carepath.graph.properties import pathway_cell_id
from carepath.graph.stages import Interval
from carepath.ontology import ONTOLOGY_FILE, read_resource

CP = "https://w3id.org/carepath/ontology#"
ID = "https://w3id.org/carepath/id/"
PREFIXES = {
    "cp": CP,
    "cpid": ID,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
_XSD = PREFIXES["xsd"]
_INT = ox.NamedNode(_XSD + "integer")
_DEC = ox.NamedNode(_XSD + "decimal")


def cp(local: str) -> ox.NamedNode:
    return ox.NamedNode(CP + local)


def _ns(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + local)


A = _ns("rdf", "type")
LABEL = _ns("rdfs", "label")
PREF = _ns("skos", "prefLabel")
ALT = _ns("skos", "altLabel")
IN_SCHEME = _ns("skos", "inScheme")
DEFINITION = _ns("skos", "definition")
DERIVED = _ns("prov", "wasDerivedFrom")

# path segment of each kind's IRIs
SEGMENTS = {
    NodeKind.SERVICE: "service", NodeKind.AREA: "area", NodeKind.TIER: "tier",
    NodeKind.AGE_STAGE: "stage", NodeKind.PROFESSION: "profession",
    NodeKind.INTERVENTION: "intervention", NodeKind.CONCERN: "concern",
    NodeKind.SOURCE: "source",
}


def iri(kind: NodeKind | str, ident: str) -> ox.NamedNode:
    """The IRI of a model object.

    >>> iri(NodeKind.SERVICE, "dorset-pmmhs").value
    'https://w3id.org/carepath/id/service/dorset-pmmhs'
    """
    if kind in (NodeKind.FAMILY, NodeKind.UNNAMED) or ident in RESERVED_NODES:
        return ox.NamedNode(ID + ident)
    segment = SEGMENTS.get(kind, kind) if isinstance(kind, NodeKind) else kind
    return ox.NamedNode(f"{ID}{segment}/{ident}")


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=_INT)


def decimal_text(value: float) -> str:
    """The canonical lexical form of an ``xsd:decimal`` (XSD 1.1): shortest round-trip digits,
    never an exponent, no trailing zeros, an integer without a point. Oxigraph's store and
    rdflib write every decimal in this form, so the Turtle written as the triples are made,
    the Turtle dumped from a store and the JSON-LD all say ``"100"``, never ``"100.0"`` in
    one and ``"100"`` in another (the graphs are then isomorphic term for term).

    >>> decimal_text(12.5), decimal_text(1e-05), decimal_text(3), decimal_text(100.0)
    ('12.5', '0.00001', '3', '100')
    """
    text = format(Decimal(repr(float(value))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _dec(value: float) -> ox.Literal:
    return ox.Literal(decimal_text(value), datatype=_DEC)


class _NotPlain(Exception):
    """An id the N-Triples text path does not write (it is left to the object path)."""


class _Terms:
    """Makes the view's RDF terms as pyoxigraph objects.

    The triples below are defined once, over a ``_Terms``: with this one they are objects
    (:func:`triples`, and the few facts :func:`to_store` cannot write as text); with
    :class:`_TextTerms` the same definitions give N-Triples text for Oxigraph's parser.
    """

    def iri(self, kind: NodeKind | str | None, ident: str) -> ox.NamedNode:
        return iri(kind, ident)

    def cp(self, local: str) -> ox.NamedNode:
        return cp(local)

    def named(self, node: ox.NamedNode) -> ox.NamedNode:
        return node

    def part(self, whole: ox.NamedNode, segment: str, ident: str | int) -> ox.NamedNode:
        """A node that exists only as part of another: ``{service}/need/{concern}``."""
        return ox.NamedNode(f"{whole.value}/{segment}/{ident}")

    def literal(self, text: str) -> ox.Literal:
        return ox.Literal(text)

    def integer(self, value: int) -> ox.Literal:
        return _int(value)

    def decimal(self, value: float) -> ox.Literal:
        return _dec(value)

    def date(self, value: str) -> ox.Literal:
        return ox.Literal(value)  # xsd:string: OWL 2 DL's datatype map has no xsd:date


_SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _TextTerms(_Terms):
    """Makes the same terms as N-Triples text: ``<iri>``, ``"literal"``.

    An IRI is only made from a plain id (lower-case letters, digits, hyphens: what the loaders
    accept), so Oxigraph can parse the text without checking it (``lenient=True``); any other
    id raises :class:`_NotPlain`, and the caller writes that fact as objects instead.
    """

    def __init__(self) -> None:
        self.plain: dict[str, bool] = {}
        self.iris: dict[tuple[NodeKind | str | None, str], str] = {}
        self.locals: dict[str, str] = {}

    def check(self, ident: str) -> str:
        ok = self.plain.get(ident)
        if ok is None:
            ok = self.plain[ident] = _SAFE_ID.match(ident) is not None
        if not ok:
            raise _NotPlain(ident)
        return ident

    def iri(self, kind: NodeKind | str | None, ident: str) -> str:
        text = self.iris.get((kind, ident))
        if text is None:
            text = self.iris[kind, ident] = f"<{iri(kind, self.check(ident)).value}>"
        return text

    def cp(self, local: str) -> str:
        text = self.locals.get(local)
        if text is None:
            text = self.locals[local] = f"<{CP}{local}>"
        return text

    def named(self, node: ox.NamedNode) -> str:
        return f"<{node.value}>"

    def part(self, whole: str, segment: str, ident: str | int) -> str:
        return f"{whole[:-1]}/{segment}/{self.check(str(ident))}>"

    def literal(self, text: str) -> str:
        """A plain literal: quotes, backslashes and line breaks escaped."""
        return '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                      .replace("\r", "\\r")) + '"'

    def integer(self, value: int) -> str:
        return f'"{int(value)}"^^<{_XSD}integer>'

    def decimal(self, value: float) -> str:
        return f'"{decimal_text(value)}"^^<{_XSD}decimal>'

    def date(self, value: str) -> str:
        return self.literal(value)  # YYYY-MM-DD, checked by the loader and the shapes


class _Stages:
    """The canonical stages a set of windows overlaps, worked out once per distinct set."""

    def __init__(self, model: Model) -> None:
        self.stages = model.stages_in_order()
        self.known: dict[tuple[Interval, ...], tuple[str, ...]] = {}

    def overlapped(self, windows: tuple[Interval, ...]) -> tuple[str, ...]:
        ids = self.known.get(windows)
        if ids is None:
            ids = self.known[windows] = tuple(
                s.id for s in self.stages if any(w.overlaps(s.interval) for w in windows))
        return ids


_Triple = tuple  # (subject, predicate, object), as objects or as N-Triples text


def triples(model: Model) -> Iterator[ox.Triple]:
    """Every triple of the model's RDF view (the ontology itself not included), one by one.

    :func:`to_store` writes the same triples in bulk, most of them as N-Triples text.

    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> target = cp("target")
    >>> sum(1 for t in triples(model) if t.predicate == target) == model.relation_count
    True
    """
    t, stages = _Terms(), _Stages(model)
    each = chain.from_iterable
    parts = chain(_vocabulary_triples(model, t), _area_triples(model, t),
                  each(_service_triples(svc, t, stages) for svc in model.services.values()),
                  each(_statement_triples(model, st, t, stages) for st in model.statements),
                  _overlap_triples(model, t), _pathway_triples(model, t))
    return (ox.Triple(s, p, o) for s, p, o in parts)


def _provenance(t: _Terms, subject, prov: Provenance) -> Iterator[_Triple]:
    yield subject, t.named(DERIVED), t.iri(NodeKind.SOURCE, prov.source)
    for p, o in _place(t, prov):
        yield subject, p, o


def _place(t: _Terms, prov: Provenance) -> Iterator[tuple]:
    """Where in its source document a fact is stated: line and passage."""
    if prov.line is not None:
        yield t.cp("line"), t.integer(prov.line)
    if prov.passage:
        yield t.cp("passage"), t.literal(prov.passage)


def _area_triples(model: Model, t: _Terms) -> Iterator[_Triple]:
    """Areas, and the family if anything refers from it."""
    a, label = t.named(A), t.named(LABEL)
    for area in model.areas.values():
        s = t.iri(NodeKind.AREA, area.id)
        yield s, a, t.cp("Area")
        yield s, label, t.literal(area.name)
        if area.country:
            yield s, t.cp("country"), t.literal(area.country)
        if area.births_per_year is not None:
            yield s, t.cp("birthsPerYear"), t.integer(area.births_per_year)
        yield from _provenance(t, s, area.provenance)
    used = {st.source for st in model.statements}
    for node in RESERVED_NODES:
        if node in used:
            fam = t.iri(NodeKind.FAMILY, node)
            yield fam, a, t.cp("Family")
            yield fam, label, t.literal(model.name_of(node))
    ends = used.union(*(st.targets for st in model.statements if UNNAMED in st.targets))
    for node in UNNAMED_NODES:
        if node in ends:
            end = t.iri(NodeKind.UNNAMED, node)
            yield end, a, t.cp("UnnamedServices")
            yield end, label, t.literal(model.name_of(node))


def _service_triples(svc: Service, t: _Terms, stages: _Stages) -> Iterator[_Triple]:
    """One service: what it is, where, for whom, who staffs it, its criteria and sources."""
    cpt = t.cp
    s = t.iri(NodeKind.SERVICE, svc.id)
    yield s, t.named(A), cpt("Service")
    yield s, t.named(LABEL), t.literal(svc.name)
    for alias in svc.aliases:
        yield s, t.named(ALT), t.literal(alias)
    yield s, cpt("inArea"), t.iri(NodeKind.AREA, svc.area)
    if svc.part_of:
        yield s, cpt("partOf"), t.iri(NodeKind.SERVICE, svc.part_of)
    if svc.self_referral:
        yield s, cpt("selfReferral"), t.literal(svc.self_referral)
    for prop, value in (("validFrom", svc.valid_from), ("validTo", svc.valid_to),
                        ("assuredDate", svc.assured_date)):
        if value:
            yield s, cpt(prop), t.date(value)
    if svc.hours:
        yield s, cpt("hours"), t.literal(svc.hours)
    if svc.tier:
        yield s, cpt("atTier"), t.iri(NodeKind.TIER, svc.tier)
    if svc.tier_note:
        yield s, cpt("tierNote"), t.literal(svc.tier_note)
    if svc.level:
        yield s, cpt("atLevel"), t.iri("level", svc.level)
    if svc.need_min is not None:
        yield s, cpt("needMin"), t.decimal(svc.need_min)
    if svc.need_max is not None:
        yield s, cpt("needMax"), t.decimal(svc.need_max)
    span = svc.span
    if span is not None:
        yield s, cpt("startWeek"), t.integer(span.start)
        yield s, cpt("endWeek"), t.integer(span.end)
    for text in svc.stage_texts:
        yield s, cpt("stageText"), t.literal(text)
    for stage in stages.overlapped(svc.windows):
        yield s, cpt("coversStage"), t.iri(NodeKind.AGE_STAGE, stage)
    for need in svc.addresses:
        addressed = t.iri(NodeKind.CONCERN, need.concern)
        yield s, cpt("addresses"), addressed
        n = t.part(s, "need", need.concern)
        yield s, cpt("hasNeed"), n
        yield n, t.named(A), cpt("ConcernNeed")
        yield n, cpt("forConcern"), addressed
        for sev in sorted(need.severities):
            yield n, cpt("atSeverity"), t.iri("severity", sev)
    for other in svc.not_addressed:
        yield s, cpt("doesNotAddress"), t.iri(NodeKind.CONCERN, other)
    for prof in svc.professions:
        yield s, cpt("staffedBy"), t.iri(NodeKind.PROFESSION, prof)
    for intervention in svc.interventions:
        yield s, cpt("delivers"), t.iri(NodeKind.INTERVENTION, intervention)
    for n, crit in enumerate(svc.eligibility, start=1):
        c = t.part(s, "criterion", n)
        yield s, cpt("hasCriterion"), c
        kind = "InclusionCriterion" if crit.type == "inclusion" else "ExclusionCriterion"
        yield c, t.named(A), cpt(kind)
        yield c, cpt("criterionText"), t.literal(crit.text)
        yield from _criterion_conditions(c, crit, t)
        for other in crit.discuss_with:
            yield c, cpt("discussWith"), t.iri(NodeKind.SERVICE, other)
        yield from _provenance(t, c, crit.provenance)
    for resp in svc.response_times:
        r = t.part(s, "response", resp.urgency)
        yield s, cpt("hasResponseTime"), r
        yield r, t.named(A), cpt("ResponseTime")
        yield r, cpt("urgency"), t.iri("urgency", resp.urgency)
        yield r, cpt("responseTime"), t.literal(resp.within)
        if resp.hours is not None:
            yield r, cpt("responseHours"), t.decimal(resp.hours)
        yield from _provenance(t, r, resp.provenance)
    yield from _open_world_triples(svc, s, t)
    if svc.notes:
        yield s, cpt("note"), t.literal(svc.notes)
    yield from _provenance(t, s, svc.provenance)
    for ev in svc.evidence:
        yield s, t.named(DERIVED), t.iri(NodeKind.SOURCE, ev.source)


def _criterion_conditions(c, crit: Criterion, t: _Terms) -> Iterator[_Triple]:
    """What of a criterion can be checked mechanically: its stage windows (in the document's
    order, as ``{criterion}/window/{n}``, each a ``cp:AgeWindow`` with its weeks), concerns,
    severities and parent ages. A criterion without them applies at any stage, concern,
    severity or age: leaving one out would state a broader criterion than the source."""
    cpt = t.cp
    for n, window in enumerate(crit.windows, start=1):
        w = t.part(c, "window", n)
        yield c, cpt("hasWindow"), w
        yield w, t.named(A), cpt("AgeWindow")
        yield w, cpt("startWeek"), t.integer(window.start)
        yield w, cpt("endWeek"), t.integer(window.end)
    for ident in sorted(crit.concerns):
        yield c, cpt("forConcern"), t.iri(NodeKind.CONCERN, ident)
    for sev in sorted(crit.severities):
        yield c, cpt("atSeverity"), t.iri("severity", sev)
    if crit.parent_age_below is not None:
        yield c, cpt("parentAgeBelow"), t.integer(crit.parent_age_below)
    if crit.parent_age_from is not None:
        yield c, cpt("parentAgeFrom"), t.integer(crit.parent_age_from)


def _open_world_triples(svc: Service, s: object, t: _Terms) -> Iterator[_Triple]:
    """How a service's facts read (see carepath.graph.verdict): a closed list, its window's
    kind, a by-discussion margin, each with the passage that says so; conditions on its facts;
    its aims and commitments."""
    cpt, a = t.cp, t.named(A)
    if svc.window_kind != "stated":
        yield s, cpt("windowKind"), t.literal(svc.window_kind)
    for prop, reading in (("addressesListClosedBy", svc.addresses_closed),
                          ("criteriaClosedBy", svc.criteria_closed),
                          ("byDiscussionMargin", svc.by_discussion)):
        if reading is not None:
            r = t.part(s, "reading", prop)
            yield s, cpt(prop), r
            yield r, a, cpt("Reading")
            yield from _provenance(t, r, reading)
    for n, cond in enumerate(svc.conditions, start=1):
        c = t.part(s, "condition", n)
        yield s, cpt("hasCondition"), c
        yield c, a, cpt("Condition")
        yield c, cpt("conditionText"), t.literal(cond.text)
        if cond.births_over is not None:
            yield c, cpt("birthsOver"), t.integer(cond.births_over)
        if cond.births_at_most is not None:
            yield c, cpt("birthsAtMost"), t.integer(cond.births_at_most)
        for fact in cond.governs:
            yield c, cpt("governs"), t.literal(fact)
        yield from _provenance(t, c, cond.provenance)
    for n, commitment in enumerate(svc.commitments, start=1):
        c = t.part(s, "commitment", n)
        yield s, cpt("hasCommitment"), c
        yield c, a, cpt("Commitment")
        yield c, cpt("commitmentText"), t.literal(commitment.text)
        yield from _provenance(t, c, commitment.provenance)


_RDF_NAMES = {kind: kind.rdf_name for kind in RelationKind}


def _statement_triples(model: Model, st: Statement, t: _Terms,
                       stages: _Stages) -> Iterator[_Triple]:
    """A relation statement: per target a direct edge and a ``cp:target``, then the statement.

    "GPs refer to A and B for moderate anxiety" gives ``gp cp:refersTo A``, ``gp cp:refersTo
    B``, and one node ``cpid:statement/{id}`` with ``cp:target`` A and B, ``cp:source`` gp,
    its conditions (:func:`_statement_conditions`) and its line in the source, so that the
    pattern ``?r a cp:Referral ; cp:source ?s ; cp:target ?t`` has one solution per relation.
    """
    src = t.iri(model.node_kind(st.source), st.source)
    prop = t.cp(_RDF_NAMES[st.kind])
    r = t.iri("statement", st.id)
    target = t.cp("target")
    for ident in st.targets:
        tgt = t.iri(model.node_kind(ident), ident)
        yield src, prop, tgt
        yield r, target, tgt
    yield r, t.cp("source"), src
    for p, o in chain(_statement_conditions(st, t, stages), _place(t, st.provenance)):
        yield r, p, o


def _statement_conditions(st: Statement, t: _Terms, stages: _Stages) -> Iterator[tuple]:
    """Predicates and objects a statement says once for all its targets, and often the same as
    other statements: its class (``cp:Referral`` for refers-to, else ``cp:Relationship``), its
    relation, conditions and source document. They depend on the fields
    :func:`_conditions_key` lists, and on no others."""
    cpt = t.cp
    yield t.named(A), cpt("Referral" if st.kind is RelationKind.REFERS_TO else "Relationship")
    yield cpt("relation"), cpt(_RDF_NAMES[st.kind])
    for text in st.stage_texts:
        yield cpt("stageText"), t.literal(text)
    for stage in stages.overlapped(st.windows):
        yield cpt("atStage"), t.iri(NodeKind.AGE_STAGE, stage)
    for concern in sorted(st.concerns):
        yield cpt("forConcern"), t.iri(NodeKind.CONCERN, concern)
    for sev in sorted(st.severities):
        yield cpt("atSeverity"), t.iri("severity", sev)
    if st.urgency:
        yield cpt("urgency"), t.iri("urgency", st.urgency)
    if st.response_time:
        yield cpt("responseTime"), t.literal(st.response_time)
    if st.level:
        yield cpt("atLevel"), t.iri("level", st.level)
    if st.note:
        yield cpt("note"), t.literal(st.note)
    yield t.named(DERIVED), t.iri(NodeKind.SOURCE, st.provenance.source)


def _conditions_key(st: Statement) -> tuple:
    """Everything :func:`_statement_conditions` reads: statements with equal keys share them."""
    return (st.kind, st.stage_texts, st.windows, st.concerns, st.severities, st.urgency,
            st.response_time, st.level, st.note, st.provenance.source)


def _overlap_triples(model: Model, t: _Terms) -> Iterator[_Triple]:
    for n, overlap in enumerate(model.overlaps, start=1):
        o = t.iri("overlap", str(n))
        yield o, t.named(A), t.cp("DeliberateOverlap")
        yield o, t.cp("note"), t.literal(overlap.note)
        for svc_id in overlap.services:
            yield o, t.cp("overlapOf"), t.iri(NodeKind.SERVICE, svc_id)
        yield from _provenance(t, o, overlap.provenance)


def _pathway_triples(model: Model, t: _Terms) -> Iterator[_Triple]:
    """The cells of a pathway tool (cp:PathwayCell): stage, service, level, rationale,
    actions and provenance. A cell has no age window of a service: its weeks are its own."""
    a, cpt = t.named(A), t.cp
    targets = model.pathway_targets()
    for n, cell in enumerate(model.pathway):
        c = t.iri("cell", pathway_cell_id(n))
        yield c, a, cpt("PathwayCell")
        yield c, cpt("cellService"), t.iri(NodeKind.SERVICE, cell.service)
        yield c, cpt("stageText"), t.literal(cell.stage_text)
        yield c, cpt("startWeek"), t.integer(cell.window.start)
        yield c, cpt("endWeek"), t.integer(cell.window.end)
        if cell.level:
            yield c, cpt("atLevel"), t.iri("level", cell.level)
        if cell.heading:
            yield c, cpt("heading"), t.literal(cell.heading)
        if cell.rationale:
            yield c, cpt("rationale"), t.literal(cell.rationale)
        for action in cell.actions:
            yield c, cpt("action"), t.literal(action)
        for target in targets[n]:
            yield c, cpt("cellTarget"), t.iri(model.node_kind(target), target)
        yield from _provenance(t, c, cell.provenance)


_SCOPE_DIMENSIONS = (("tiers", "scopeTier", NodeKind.TIER),
                     ("stages", "scopeStage", NodeKind.AGE_STAGE),
                     ("concerns", "scopeConcern", NodeKind.CONCERN))


def _scope_triples(t: _Terms, source, scope) -> Iterator[_Triple]:
    """What a source describes: ``{source}/scope/describes``, a ``cp:Scope`` with one
    ``cp:restricts`` per dimension it restricts ("tiers", "stages", "concerns", "facts") and
    the ids within it (a dimension restricted with none: the source describes none of it)."""
    node = t.part(source, "scope", "describes")
    yield source, t.cp("scope"), node
    yield node, t.named(A), t.cp("Scope")
    for field_name, prop, kind in _SCOPE_DIMENSIONS:
        values = getattr(scope, field_name)
        if values is not None:
            yield node, t.cp("restricts"), t.literal(field_name)
            for value in sorted(values):
                yield node, t.cp(prop), t.iri(kind, value)
    if scope.facts is not None:
        yield node, t.cp("restricts"), t.literal("facts")
        for fact in sorted(scope.facts):
            yield node, t.cp("scopeFact"), t.literal(fact)
    if scope.note:
        yield node, t.cp("note"), t.literal(scope.note)
    if scope.provenance is not None:
        yield from _provenance(t, node, scope.provenance)


def _vocabulary_triples(model: Model, t: _Terms) -> Iterator[_Triple]:
    """Sources, and the controlled vocabularies as SKOS concepts."""
    for src in model.sources.values():
        s = t.iri(NodeKind.SOURCE, src.id)
        yield s, t.named(A), t.cp("Source")
        yield s, t.named(LABEL), t.literal(src.title)
        if src.file:
            yield s, t.cp("fileName"), t.literal(src.file)
        if src.version:
            yield s, t.cp("documentVersion"), t.literal(src.version)
        if src.dated:
            yield s, t.cp("versionDate"), t.date(src.dated)
        if src.scope is not None:
            yield from _scope_triples(t, s, src.scope)
    for tier in model.tiers.values():
        s = t.iri(NodeKind.TIER, tier.id)
        yield from _concept(t, s, "Tier", "Tiers", tier.name, tier.aliases, tier.description)
        yield s, t.cp("rank"), t.integer(tier.rank)
    for stage in model.stages.values():
        s = t.iri(NodeKind.AGE_STAGE, stage.id)
        yield from _concept(t, s, "AgeStage", "Stages", stage.name, stage.aliases, None)
        yield s, t.cp("startWeek"), t.integer(stage.interval.start)
        yield s, t.cp("endWeek"), t.integer(stage.interval.end)
    tables = (
        (model.professions, NodeKind.PROFESSION, "Profession", "Professions"),
        (model.interventions, NodeKind.INTERVENTION, "Intervention", "Interventions"),
        (model.concerns, NodeKind.CONCERN, "Concern", "Concerns"),
        (model.severities, "severity", "Severity", "Severities"),
        (model.urgencies, "urgency", "Urgency", "Urgencies"),
        (model.levels, "level", "Level", "Levels"),
    )
    for table, kind, cls, scheme in tables:
        for term in table.values():
            s = t.iri(kind, term.id)
            yield from _concept(t, s, cls, scheme, term.name, term.aliases, term.description)
            if term.rank is not None:
                yield s, t.cp("rank"), t.integer(term.rank)


def _concept(t: _Terms, s, cls: str, scheme: str, name: str, aliases: tuple[str, ...],
             description: str | None) -> Iterator[_Triple]:
    yield s, t.named(A), t.cp(cls)
    yield s, t.named(A), t.named(_ns("skos", "Concept"))
    yield s, t.named(IN_SCHEME), t.cp(scheme)
    yield s, t.named(PREF), t.literal(name)
    yield s, t.named(LABEL), t.literal(name)
    for alias in aliases:
        yield s, t.named(ALT), t.literal(alias)
    if description:
        yield s, t.named(DEFINITION), t.literal(description)


def ontology_turtle() -> str:
    """The OWL ontology (classes, properties, SKOS schemes) as Turtle text."""
    return read_resource(ONTOLOGY_FILE)


_CHUNK = 200_000  # relations per N-Triples text handed to Oxigraph (about 80 MB of text)


class _NTriplesWriter:
    """The model's services and statements as N-Triples text, for Oxigraph's parser.

    Making a Python object per triple and inserting them one by one costs several times what
    parsing the text does. Services and statements are written by the same definitions as
    :func:`triples`, given :class:`_TextTerms`, except a statement's per-target lines: for
    those there is no Python work per relation but a dictionary look-up of the target's IRI,
    the direct edges and the ``cp:target`` lines being each one ``str.join`` over the
    statement's targets. A service or a statement with any id that is not plain is returned
    for the object path instead.
    """

    def __init__(self, model: Model) -> None:
        self.model = model
        self.terms = _TextTerms()
        self.stages = _Stages(model)
        self.props = {kind: f" {self.terms.cp(name)} " for kind, name in _RDF_NAMES.items()}
        self.nodes: dict[str, str] = {}  # relation end point id -> <iri>
        self.conditions: dict[tuple, tuple[str, ...]] = {}  # see _conditions_key

    def node(self, ident: str) -> str:
        text = self.nodes.get(ident)
        if text is None:
            text = self.nodes[ident] = self.terms.iri(self.model.node_kind(ident), ident)
        return text

    def services(self) -> tuple[str, list[Service]]:
        out: list[str] = []
        odd: list[Service] = []
        for svc in self.model.services.values():
            try:
                out += [f"{s} {p} {o} .\n"
                        for s, p, o in _service_triples(svc, self.terms, self.stages)]
            except _NotPlain:
                odd.append(svc)
        return "".join(out), odd

    def statements(self, statements: list[Statement]) -> tuple[str, list[Statement]]:
        out: list[str] = []
        odd: list[Statement] = []
        nodes, node, terms, stages = self.nodes, self.node, self.terms, self.stages
        shared = self.conditions
        target_p, source_p = f" {terms.cp('target')} ", f" {terms.cp('source')} "
        for st in statements:
            try:
                try:
                    targets = [nodes[t] for t in st.targets]
                except KeyError:
                    targets = [node(t) for t in st.targets]
                src = nodes.get(st.source) or node(st.source)
                r = f"<{ID}statement/{terms.check(st.id)}>"  # iri("statement", st.id)
                key = _conditions_key(st)
                said = shared.get(key)
                if said is None:
                    said = shared[key] = tuple(
                        f" {p} {o} .\n" for p, o in _statement_conditions(st, terms, stages))
            except _NotPlain:
                odd.append(st)
                continue
            if targets:
                edge = src + self.props[st.kind]
                out += (edge, f" .\n{edge}".join(targets), " .\n")
                edge = r + target_p
                out += (edge, f" .\n{edge}".join(targets), " .\n")
            out += (r, source_p, src, " .\n", r, r.join(said))
            out += [f"{r} {p} {o} .\n" for p, o in _place(terms, st.provenance)]
        return "".join(out), odd


def _statement_chunks(statements: list[Statement]) -> Iterator[list[Statement]]:
    """Consecutive runs of statements with about :data:`_CHUNK` relations each."""
    start, size = 0, 0
    for end, st in enumerate(statements, start=1):
        size += len(st.targets)
        if size >= _CHUNK:
            yield statements[start:end]
            start, size = end, 0
    if start < len(statements):
        yield statements[start:]


def to_store(model: Model, *, with_ontology: bool = True) -> ox.Store:
    """An in-memory Oxigraph store holding the model's RDF (and the ontology).

    >>> from carepath import load_reference
    >>> store = to_store(load_reference())
    >>> len(store) > 1000
    True
    """
    with paused_gc():
        return _to_store(model, with_ontology=with_ontology)


def _to_store(model: Model, *, with_ontology: bool) -> ox.Store:
    store = ox.Store()
    for text, odd in _texts(model):
        # the text is written from ids _TextTerms checked, so Oxigraph's lenient (unchecked)
        # parsing is safe; the facts with any other id come as objects. On an in-memory store
        # `load` of a str costs less than of bytes or than `bulk_load`; loading the next text
        # in a thread while Python writes one gains nothing (the two contend for the GIL).
        store.load(text, ox.RdfFormat.N_TRIPLES, lenient=True)
        store.bulk_extend(odd)
    if with_ontology:
        store.bulk_load(ontology_turtle().encode("utf-8"), ox.RdfFormat.TURTLE)
    return store


def _texts(model: Model) -> Iterator[tuple[str, list[ox.Quad]]]:
    """The model's triples as N-Triples texts, each with the quads it could not hold."""
    objects, writer = _Terms(), _NTriplesWriter(model)
    text, odd_services = writer.services()
    yield text, [ox.Quad(s, p, o) for s, p, o in chain(
        _vocabulary_triples(model, objects), _area_triples(model, objects),
        _overlap_triples(model, objects), _pathway_triples(model, objects),
        chain.from_iterable(_service_triples(svc, objects, writer.stages)
                            for svc in odd_services))]
    for chunk in _statement_chunks(model.statements):
        text, odd = writer.statements(chunk)
        yield text, [ox.Quad(s, p, o) for st in odd
                     for s, p, o in _statement_triples(model, st, objects, writer.stages)]


def to_rdflib(model: Model, *, with_ontology: bool = True) -> rdflib.Graph:
    """The model's RDF as an rdflib Graph over the Oxigraph store (``oxrdflib``)."""
    import rdflib  # here, not at the top: 0.3 s that a SPARQL question does not need
    from oxrdflib import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    graph = rdflib.Graph(store=OxigraphStore(store=to_store(model, with_ontology=with_ontology)),
                         identifier=DATASET_DEFAULT_GRAPH_ID)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def ntriples_stream(model: Model, odd: list[ox.Quad]) -> io.BufferedReader:
    """The model's triples as one N-Triples byte stream, each text made when the reader
    reaches it (never the whole text in memory); the quads a text cannot hold are appended
    to ``odd`` as their text is read (add them once the stream is read to its end).

    >>> import pyoxigraph as ox
    >>> from carepath import load_reference
    >>> odd = []
    >>> triples = list(ox.parse(ntriples_stream(load_reference(), odd), ox.RdfFormat.N_TRIPLES))
    >>> len(triples) + len(odd) > 1000
    True
    """
    return io.BufferedReader(_TextReader(_texts(model), odd), 1 << 22)


class _TextReader(io.RawIOBase):
    """A readable binary stream over texts made one at a time."""

    def __init__(self, texts: Iterator[tuple[str, list[ox.Quad]]], odd: list[ox.Quad]):
        super().__init__()
        self._texts, self._odd = texts, odd
        self._buffer, self._at = memoryview(b""), 0

    def readable(self) -> bool:
        return True

    def readinto(self, into: bytearray | memoryview) -> int:  # type: ignore[override]
        while self._at >= len(self._buffer):
            text, odd = next(self._texts, (None, ()))
            if text is None:
                return 0
            self._odd.extend(odd)
            self._buffer, self._at = memoryview(text.encode("utf-8")), 0
        n = min(len(into), len(self._buffer) - self._at)
        into[:n] = self._buffer[self._at:self._at + n]
        self._at += n
        return n


def _quads(model: Model) -> Iterable[ox.Quad]:
    """The model's triples as quads in the default graph, in the order they are made."""
    return chain.from_iterable(
        chain(ox.parse(text, ox.RdfFormat.N_TRIPLES, lenient=True), odd)
        for text, odd in _texts(model))


def write_turtle(model: Model, path: Path | str) -> Path:
    """Write the model's RDF (no ontology) as Turtle to ``path`` atomically, serialised as
    the triples are made (at national: 4.5 s, against 29 s to dump an on-disk store).

    Statements' triples come statement by statement, so a service's outgoing edges are not
    all under one subject; a reader gets the same graph."""
    from carepath.writing import atomic_path

    with paused_gc(), atomic_path(Path(path)) as tmp, tmp.open("wb") as fh:
        dump_turtle(model, fh)
    return Path(path)


def dump_turtle(model: Model, fh: BinaryIO) -> None:
    """Write the model's RDF (no ontology) as Turtle to the open binary stream ``fh``, as
    :func:`write_turtle` writes it."""
    ox.serialize(_quads(model), fh, ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def to_turtle(model: Model, *, with_ontology: bool = False) -> str:
    """The model's RDF as Turtle text."""
    store = to_store(model, with_ontology=with_ontology)
    return store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                      prefixes=PREFIXES).decode("utf-8")

"""The RDF view of the model, in an Oxigraph store (fast SPARQL), with rdflib on top.

IRIs: ontology ``https://w3id.org/carepath/ontology#`` (prefix ``cp:``), data
``https://w3id.org/carepath/id/{kind}/{id}``. Every direct edge also exists as a reified
``cp:Relationship`` (``cp:Referral`` for refers-to) with its conditions and
``prov:wasDerivedFrom``.

>>> from carepath import load_reference
>>> turtle = to_turtle(load_reference())
>>> "cp:refersTo" in turtle
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
import rdflib

from carepath.graph.bulk import paused_gc
from carepath.graph.model import FAMILY, Model, NodeKind, Provenance, Relation, RelationKind

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
    if kind == NodeKind.FAMILY or ident == FAMILY:
        return ox.NamedNode(ID + "family")
    segment = SEGMENTS.get(kind, kind) if isinstance(kind, NodeKind) else kind
    return ox.NamedNode(f"{ID}{segment}/{ident}")


def _lit(value: str) -> ox.Literal:
    return ox.Literal(value)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=_INT)


def _dec(value: float) -> ox.Literal:
    return ox.Literal(repr(float(value)), datatype=_DEC)


def _provenance(subject: ox.NamedNode, prov: Provenance) -> Iterator[ox.Triple]:
    yield ox.Triple(subject, DERIVED, iri(NodeKind.SOURCE, prov.source))
    if prov.line is not None:
        yield ox.Triple(subject, cp("line"), _int(prov.line))
    if prov.passage:
        yield ox.Triple(subject, cp("passage"), _lit(prov.passage))


def triples(model: Model) -> Iterator[ox.Triple]:
    """Every triple of the model's RDF view (the ontology itself not included)."""
    yield from _vocabulary_triples(model)
    yield from _service_triples(model)
    for rel in model.relations:
        yield from _relation_triples(model, rel)
    yield from _overlap_triples(model)


def _service_triples(model: Model) -> Iterator[ox.Triple]:
    """Areas, services and the family."""
    for area in model.areas.values():
        s = iri(NodeKind.AREA, area.id)
        yield ox.Triple(s, A, cp("Area"))
        yield ox.Triple(s, LABEL, _lit(area.name))
        if area.country:
            yield ox.Triple(s, cp("country"), _lit(area.country))
        if area.births_per_year is not None:
            yield ox.Triple(s, cp("birthsPerYear"), _int(area.births_per_year))
        yield from _provenance(s, area.provenance)
    stages = model.stages_in_order()
    for svc in model.services.values():
        s = iri(NodeKind.SERVICE, svc.id)
        yield ox.Triple(s, A, cp("Service"))
        yield ox.Triple(s, LABEL, _lit(svc.name))
        for alias in svc.aliases:
            yield ox.Triple(s, ALT, _lit(alias))
        yield ox.Triple(s, cp("inArea"), iri(NodeKind.AREA, svc.area))
        if svc.tier:
            yield ox.Triple(s, cp("atTier"), iri(NodeKind.TIER, svc.tier))
        if svc.tier_note:
            yield ox.Triple(s, cp("tierNote"), _lit(svc.tier_note))
        if svc.level:
            yield ox.Triple(s, cp("atLevel"), iri("level", svc.level))
        if svc.need_min is not None:
            yield ox.Triple(s, cp("needMin"), _dec(svc.need_min))
        if svc.need_max is not None:
            yield ox.Triple(s, cp("needMax"), _dec(svc.need_max))
        span = svc.span
        if span is not None:
            yield ox.Triple(s, cp("startWeek"), _int(span.start))
            yield ox.Triple(s, cp("endWeek"), _int(span.end))
        for text in svc.stage_texts:
            yield ox.Triple(s, cp("stageText"), _lit(text))
        for stage in stages:
            if svc.covers(stage.interval):
                yield ox.Triple(s, cp("coversStage"), iri(NodeKind.AGE_STAGE, stage.id))
        for need in svc.addresses:
            yield ox.Triple(s, cp("addresses"), iri(NodeKind.CONCERN, need.concern))
            n = ox.NamedNode(f"{s.value}/need/{need.concern}")
            yield ox.Triple(s, cp("hasNeed"), n)
            yield ox.Triple(n, A, cp("ConcernNeed"))
            yield ox.Triple(n, cp("forConcern"), iri(NodeKind.CONCERN, need.concern))
            for sev in sorted(need.severities):
                yield ox.Triple(n, cp("atSeverity"), iri("severity", sev))
        for concern in svc.not_addressed:
            yield ox.Triple(s, cp("doesNotAddress"), iri(NodeKind.CONCERN, concern))
        for prof in svc.professions:
            yield ox.Triple(s, cp("staffedBy"), iri(NodeKind.PROFESSION, prof))
        for intervention in svc.interventions:
            yield ox.Triple(s, cp("delivers"), iri(NodeKind.INTERVENTION, intervention))
        for n, crit in enumerate(svc.eligibility, start=1):
            c = ox.NamedNode(f"{s.value}/criterion/{n}")
            yield ox.Triple(s, cp("hasCriterion"), c)
            kind = "InclusionCriterion" if crit.type == "inclusion" else "ExclusionCriterion"
            yield ox.Triple(c, A, cp(kind))
            yield ox.Triple(c, cp("criterionText"), _lit(crit.text))
            if crit.parent_age_below is not None:
                yield ox.Triple(c, cp("parentAgeBelow"), _int(crit.parent_age_below))
            for concern in sorted(crit.concerns):
                yield ox.Triple(c, cp("forConcern"), iri(NodeKind.CONCERN, concern))
            yield from _provenance(c, crit.provenance)
        for resp in svc.response_times:
            r = ox.NamedNode(f"{s.value}/response/{resp.urgency}")
            yield ox.Triple(s, cp("hasResponseTime"), r)
            yield ox.Triple(r, A, cp("ResponseTime"))
            yield ox.Triple(r, cp("urgency"), iri("urgency", resp.urgency))
            yield ox.Triple(r, cp("responseTime"), _lit(resp.within))
            if resp.hours is not None:
                yield ox.Triple(r, cp("responseHours"), _dec(resp.hours))
            yield from _provenance(r, resp.provenance)
        if svc.notes:
            yield ox.Triple(s, cp("note"), _lit(svc.notes))
        yield from _provenance(s, svc.provenance)
        for ev in svc.evidence:
            yield ox.Triple(s, DERIVED, iri(NodeKind.SOURCE, ev.source))
    if any(st.source == FAMILY for st in model.statements):
        fam = iri(NodeKind.FAMILY, FAMILY)
        yield ox.Triple(fam, A, cp("Family"))
        yield ox.Triple(fam, LABEL, _lit(model.name_of(FAMILY)))


def _relation_triples(model: Model, rel: Relation) -> Iterator[ox.Triple]:
    """The direct edge of a relation and its reification."""
    src = iri(model.node_kind(rel.source), rel.source)
    tgt = iri(model.node_kind(rel.target), rel.target)
    prop = cp(rel.kind.rdf_name)
    yield ox.Triple(src, prop, tgt)
    r = ox.NamedNode(f"{ID}relation/{rel.id}")
    yield ox.Triple(r, A, cp("Referral" if rel.kind.value == "refers_to" else "Relationship"))
    yield ox.Triple(r, cp("relation"), prop)
    yield ox.Triple(r, cp("source"), src)
    yield ox.Triple(r, cp("target"), tgt)
    for text in rel.stage_texts:
        yield ox.Triple(r, cp("stageText"), _lit(text))
    if rel.windows:
        for stage in model.stages_in_order():
            if any(w.overlaps(stage.interval) for w in rel.windows):
                yield ox.Triple(r, cp("atStage"), iri(NodeKind.AGE_STAGE, stage.id))
    for concern in sorted(rel.concerns):
        yield ox.Triple(r, cp("forConcern"), iri(NodeKind.CONCERN, concern))
    for sev in sorted(rel.severities):
        yield ox.Triple(r, cp("atSeverity"), iri("severity", sev))
    if rel.urgency:
        yield ox.Triple(r, cp("urgency"), iri("urgency", rel.urgency))
    if rel.response_time:
        yield ox.Triple(r, cp("responseTime"), _lit(rel.response_time))
    if rel.level:
        yield ox.Triple(r, cp("atLevel"), iri("level", rel.level))
    if rel.note:
        yield ox.Triple(r, cp("note"), _lit(rel.note))
    yield from _provenance(r, rel.provenance)


def _overlap_triples(model: Model) -> Iterator[ox.Triple]:
    for n, overlap in enumerate(model.overlaps, start=1):
        o = ox.NamedNode(f"{ID}overlap/{n}")
        yield ox.Triple(o, A, cp("DeliberateOverlap"))
        yield ox.Triple(o, cp("note"), _lit(overlap.note))
        for svc_id in overlap.services:
            yield ox.Triple(o, cp("overlapOf"), iri(NodeKind.SERVICE, svc_id))
        yield from _provenance(o, overlap.provenance)


def _vocabulary_triples(model: Model) -> Iterator[ox.Triple]:
    for src in model.sources.values():
        s = iri(NodeKind.SOURCE, src.id)
        yield ox.Triple(s, A, cp("Source"))
        yield ox.Triple(s, LABEL, _lit(src.title))
        if src.file:
            yield ox.Triple(s, cp("fileName"), _lit(src.file))
    for tier in model.tiers.values():
        s = iri(NodeKind.TIER, tier.id)
        yield from _concept(s, "Tier", "Tiers", tier.name, tier.aliases, tier.description)
        yield ox.Triple(s, cp("rank"), _int(tier.rank))
    for stage in model.stages.values():
        s = iri(NodeKind.AGE_STAGE, stage.id)
        yield from _concept(s, "AgeStage", "Stages", stage.name, stage.aliases, None)
        yield ox.Triple(s, cp("startWeek"), _int(stage.interval.start))
        yield ox.Triple(s, cp("endWeek"), _int(stage.interval.end))
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
            s = iri(kind, term.id)
            yield from _concept(s, cls, scheme, term.name, term.aliases, term.description)
            if term.rank is not None:
                yield ox.Triple(s, cp("rank"), _int(term.rank))


def _concept(s: ox.NamedNode, cls: str, scheme: str, name: str, aliases: tuple[str, ...],
             description: str | None) -> Iterator[ox.Triple]:
    yield ox.Triple(s, A, cp(cls))
    yield ox.Triple(s, A, _ns("skos", "Concept"))
    yield ox.Triple(s, IN_SCHEME, cp(scheme))
    yield ox.Triple(s, PREF, _lit(name))
    yield ox.Triple(s, LABEL, _lit(name))
    for alias in aliases:
        yield ox.Triple(s, ALT, _lit(alias))
    if description:
        yield ox.Triple(s, DEFINITION, _lit(description))


def ontology_turtle() -> str:
    """The OWL ontology (classes, properties, SKOS schemes) as Turtle text."""
    from carepath.ontology import ONTOLOGY_FILE, read_resource

    return read_resource(ONTOLOGY_FILE)


_CHUNK = 50_000  # relations per N-Triples text handed to Oxigraph (~60 MB of text)
_SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _nt_literal(text: str) -> str:
    """A plain literal in N-Triples: quotes, backslashes and line breaks escaped."""
    return '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                  .replace("\r", "\\r")) + '"'


class _RelationNTriples:
    """The triples of :func:`_relation_triples` as N-Triples text, made in bulk.

    Building a Python object per triple and inserting them one by one takes three times as
    long as handing Oxigraph's parser the text (7.5 s against 2.5 s of CPU for 1.1 million
    triples). What the relations share (their kind, stages, concerns, severities, urgency,
    level, source) is written once per distinct value. Only relations whose ids are all plain
    ids (lower-case letters, digits, hyphens: what the loaders accept) are written as text;
    :meth:`text` returns the others for the object path.
    """

    def __init__(self, model: Model) -> None:
        self.model = model
        self.stages = [(s.id, s.interval) for s in model.stages_in_order()]
        self.ids: dict[str, bool] = {}
        self.nodes: dict[str, str] = {}
        self.conditions: dict[tuple, tuple[str, ...]] = {}
        self.kinds = {}
        for kind in RelationKind:
            cls = "Referral" if kind is RelationKind.REFERS_TO else "Relationship"
            self.kinds[kind] = (f"<{CP}{kind.rdf_name}>", f" <{A.value}> <{CP}{cls}> .\n",
                                f" <{CP}relation> <{CP}{kind.rdf_name}> .\n")

    def safe(self, ident: str | None) -> bool:
        if ident is None:
            return True
        ok = self.ids.get(ident)
        if ok is None:
            ok = self.ids[ident] = _SAFE_ID.match(ident) is not None
        return ok

    def node(self, ident: str) -> str:
        text = self.nodes.get(ident)
        if text is None:
            text = self.nodes[ident] = str(iri(self.model.node_kind(ident), ident))
        return text

    def condition_lines(self, rel: Relation) -> tuple[str, ...]:
        """The reification's lines after its subject, except line and passage."""
        key = (rel.stage_texts, rel.windows, rel.concerns, rel.severities, rel.urgency,
               rel.response_time, rel.level, rel.note, rel.provenance.source)
        text = self.conditions.get(key)
        if text is None:
            parts = [f" <{CP}stageText> {_nt_literal(t)} .\n" for t in rel.stage_texts]
            if rel.windows:
                parts += [f" <{CP}atStage> <{ID}stage/{ident}> .\n" for ident, interval
                          in self.stages if any(w.overlaps(interval) for w in rel.windows)]
            parts += [f" <{CP}forConcern> <{ID}concern/{c}> .\n" for c in sorted(rel.concerns)]
            parts += [f" <{CP}atSeverity> <{ID}severity/{v}> .\n"
                      for v in sorted(rel.severities)]
            if rel.urgency:
                parts.append(f" <{CP}urgency> <{ID}urgency/{rel.urgency}> .\n")
            if rel.response_time:
                parts.append(f" <{CP}responseTime> {_nt_literal(rel.response_time)} .\n")
            if rel.level:
                parts.append(f" <{CP}atLevel> <{ID}level/{rel.level}> .\n")
            if rel.note:
                parts.append(f" <{CP}note> {_nt_literal(rel.note)} .\n")
            parts.append(f" <{DERIVED.value}> <{ID}source/{rel.provenance.source}> .\n")
            text = self.conditions[key] = tuple(parts)
        return text

    def text(self, relations: list[Relation]) -> tuple[str, list[Relation]]:
        out: list[str] = []
        odd: list[Relation] = []
        line_p, passage_p, xsd_int = f" <{CP}line> ", f" <{CP}passage> ", f"<{_XSD}integer>"
        source_p, target_p = f" <{CP}source> ", f" <{CP}target> "
        safe = self.safe
        for rel in relations:
            if not (safe(rel.source) and safe(rel.target) and safe(rel.id)
                    and safe(rel.provenance.source) and safe(rel.urgency) and safe(rel.level)
                    and all(safe(c) for c in rel.concerns)
                    and all(safe(v) for v in rel.severities)):
                odd.append(rel)
                continue
            src, tgt = self.node(rel.source), self.node(rel.target)
            prop, a, relation = self.kinds[rel.kind]
            r = f"<{ID}relation/{rel.id}>"
            out.append(f"{src} {prop} {tgt} .\n{r}{a}{r}{relation}{r}{source_p}{src} .\n"
                       f"{r}{target_p}{tgt} .\n")
            for part in self.condition_lines(rel):
                out.append(r)
                out.append(part)
            prov = rel.provenance
            if prov.line is not None:
                out.append(f'{r}{line_p}"{int(prov.line)}"^^{xsd_int} .\n')
            if prov.passage:
                out.append(f"{r}{passage_p}{_nt_literal(prov.passage)} .\n")
        return "".join(out), odd


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
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in chain(
        _vocabulary_triples(model), _service_triples(model), _overlap_triples(model)))
    writer = _RelationNTriples(model)
    for start in range(0, len(model.relations), _CHUNK):
        chunk = model.relations[start:start + _CHUNK]
        text, odd = writer.text(chunk)
        # the text is written here from ids checked by _RelationNTriples.safe, so Oxigraph's
        # lenient (unchecked) parsing is safe; a relation with any other id goes the slow way.
        # (`load` costs 15% less CPU than `bulk_load` on an in-memory store.)
        store.load(text.encode("utf-8"), ox.RdfFormat.N_TRIPLES, lenient=True)
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object)
                          for rel in odd for t in _relation_triples(model, rel))
    if with_ontology:
        store.bulk_load(ontology_turtle().encode("utf-8"), ox.RdfFormat.TURTLE)
    return store


def to_rdflib(model: Model, *, with_ontology: bool = True) -> rdflib.Graph:
    """The model's RDF as an rdflib Graph over the Oxigraph store (``oxrdflib``)."""
    from oxrdflib import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    graph = rdflib.Graph(store=OxigraphStore(store=to_store(model, with_ontology=with_ontology)),
                         identifier=DATASET_DEFAULT_GRAPH_ID)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def to_turtle(model: Model, *, with_ontology: bool = False) -> str:
    """The model's RDF as Turtle text."""
    store = to_store(model, with_ontology=with_ontology)
    return store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                      prefixes=PREFIXES).decode("utf-8")


def export_turtle(model: Model, path: Path | str, *, with_ontology: bool = False) -> Path:
    """Write the model's RDF as Turtle to ``path`` atomically; returns the path."""
    from carepath.files import write_atomic

    return write_atomic(Path(path), to_turtle(model, with_ontology=with_ontology))

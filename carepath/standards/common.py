"""What the standards modules share: ids, organisations, route text and the export report.

carepath's model has no organisation: a service's providing organisation, when an import
knows it, is kept as the first line of the service's ``notes`` (``Provided by: NAME``). Exports
read it back from there; a service without one is exported under a stand-in organisation for
its area, marked by the area's IRI so that an import recognises it and records nothing.

>>> slug("Community Counselling (MyCity)")
'community-counselling-mycity'
>>> organisation_of_notes("Provided by: Example Organization Inc.\\nCounselling")
'Example Organization Inc.'
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from carepath.graph.model import Model, PathwayCell, Relation, RelationKind, Service
from carepath.graph.rdf import CP, ID

ORG_PREFIX = "Provided by: "
CARE_NS = uuid.uuid5(uuid.NAMESPACE_URL, ID)
AREA_IRI = ID + "area/"
SERVICE_IRI = ID + "service/"
TAXONOMY_IRI = CP
# relation kinds that say how a family gets into a service (written as its access route)
ACCESS_KINDS = (RelationKind.REFERS_TO, RelationKind.SIGNPOSTS_TO, RelationKind.HANDS_OVER_TO,
                RelationKind.STEPS_UP_TO, RelationKind.STEPS_DOWN_TO)
_ID_CHARS = re.compile(r"[^a-z0-9]+")
# characters XML 1.0 cannot hold, nor FHIR's strings (control characters but tab, line feed and
# carriage return; U+FFFE, U+FFFF; lone surrogates): every export removes them
NOT_XML = ([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]
           + list(range(0xD800, 0xE000)))
_CLEAN = str.maketrans(dict.fromkeys(NOT_XML))
_NOT_XML_RE = re.compile("[" + "".join(map(chr, NOT_XML[:-2048])) + "\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` without the characters XML 1.0 and FHIR's strings cannot hold.

    >>> clean_text("Mind\\x0b the\\x1b gap\\x00")
    'Mind the gap'
    """
    return text.translate(_CLEAN) if _NOT_XML_RE.search(text) else text


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (tuple, list, frozenset, set)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from _strings(getattr(value, name))


def model_needs_cleaning(model: Model, *, strip: bool = False) -> bool:
    """Whether any text of the model holds a character :func:`clean_text` removes (or, with
    ``strip``, starts or ends with whitespace). The loaders refuse such text, so a loaded
    model needs none: exports check the model (its statements, not its million relations)
    before walking their whole output.

    >>> from carepath import load_reference
    >>> model_needs_cleaning(load_reference())
    False
    """
    parts = (model.sources, model.areas, model.tiers, model.stages, model.levels,
             model.severities, model.urgencies, model.concerns, model.professions,
             model.interventions, model.services, model.statements, model.overlaps,
             model.pathway)
    for text in _strings(parts):
        if _NOT_XML_RE.search(text) or (strip and text != text.strip()):
            return True
    return False


def cleaned(value: Any, *, strip: bool = False) -> Any:
    """``value`` (a JSON-like dict, list or string) with :func:`clean_text` applied to every
    string in it, keys included; with ``strip``, values without leading or trailing
    whitespace too (FHIR's strings should have none).

    >>> cleaned({"name": "A\\x01", "tags": ["b\\x1b "]}, strip=True)
    {'name': 'A', 'tags': ['b']}
    """
    if isinstance(value, str):
        text = clean_text(value)
        return text.strip() if strip else text
    if isinstance(value, dict):
        return {clean_text(k): cleaned(v, strip=strip) for k, v in value.items()}
    if isinstance(value, list):
        return [cleaned(v, strip=strip) for v in value]
    return value


def slug(text: str, *, max_length: int = 50) -> str:
    """A kebab-case id part from any text (accents folded, cut at a word boundary).

    >>> slug("Ünder-5s Café & Support", max_length=12)
    'under-5s'
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [w for w in _ID_CHARS.split(folded.lower()) if w]
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > max_length:
            break
        out = candidate
    return out or (words[0][:max_length] if words else "x")


def unique(ident: str, taken: set[str]) -> str:
    """``ident``, or ``ident-2``, ``ident-3``... whichever is not yet in ``taken``; claims it.

    >>> taken = {"a"}
    >>> unique("a", taken), unique("a", taken)
    ('a-2', 'a-3')
    """
    candidate, n = ident, 1
    while candidate in taken:
        n += 1
        candidate = f"{ident}-{n}"
    taken.add(candidate)
    return candidate


def stable_uuid(*parts: str) -> str:
    """A UUID derived from carepath IRIs or names: the same input always gives the same id.

    >>> stable_uuid("service", "dorset-pmmhs") == stable_uuid("service", "dorset-pmmhs")
    True
    """
    return str(uuid.uuid5(CARE_NS, "/".join(parts)))


def organisation_of_notes(notes: str | None) -> str | None:
    """The providing organisation recorded in a service's notes, or None."""
    if not notes:
        return None
    first = notes.splitlines()[0]
    return first[len(ORG_PREFIX):].strip() or None if first.startswith(ORG_PREFIX) else None


def organisation_of(service: Service) -> str | None:
    """The service's providing organisation, if an import recorded one."""
    return organisation_of_notes(service.notes)


def with_organisation(notes: str | None, organisation: str | None) -> str | None:
    """Notes with ``Provided by: organisation`` as the first line (not repeated).

    >>> with_organisation("Counselling", "Example Org")
    'Provided by: Example Org\\nCounselling'
    """
    if not organisation or organisation_of_notes(notes) == organisation:
        return notes
    return f"{ORG_PREFIX}{organisation}" + (f"\n{notes}" if notes else "")


def notes_without_organisation(notes: str | None) -> str | None:
    """Notes without their ``Provided by:`` line (exports hold the organisation elsewhere).

    >>> notes_without_organisation("Provided by: Example Org\\nCounselling")
    'Counselling'
    """
    if not notes:
        return None
    lines = notes.splitlines()
    if lines and lines[0].startswith(ORG_PREFIX):
        lines = lines[1:]
    return "\n".join(lines).strip() or None


def area_of_iri(value: str | None) -> str | None:
    """The carepath area id in an area IRI, or None for any other value.

    >>> area_of_iri("https://w3id.org/carepath/id/area/dorset"), area_of_iri("http://x.org")
    ('dorset', None)
    """
    if value and value.startswith(AREA_IRI) and len(value) > len(AREA_IRI):
        return value[len(AREA_IRI):]
    return None


def evidence(rel: Relation) -> str:
    """``source:line`` of a relation."""
    return rel.provenance.ref


def route_phrase(model: Model, rel: Relation) -> str:
    """One relation as a sentence about access: who, under which conditions, with evidence.

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> rel = next(r for r in m.relations
    ...            if r.source == "relatives" and r.target == "dorset-pmmhs")
    >>> route_phrase(m, rel)  # doctest: +ELLIPSIS
    'Referred by Family members or carers (referring for the family): Families are ... [doc-002:31]'
    """
    verb = {RelationKind.REFERS_TO: "Referred by", RelationKind.SIGNPOSTS_TO: "Signposted by",
            RelationKind.HANDS_OVER_TO: "Handed over from",
            RelationKind.STEPS_UP_TO: "Stepped up from",
            RelationKind.STEPS_DOWN_TO: "Stepped down from"}.get(rel.kind, rel.kind.label)
    conditions = []
    if rel.stage_texts:
        conditions.append("at " + ", ".join(rel.stage_texts))
    if rel.concerns:
        concern = ", ".join(model.name_of(c) for c in sorted(rel.concerns))
        if rel.severities:
            concern += " (" + ", ".join(sorted(rel.severities)) + ")"
        conditions.append("for " + concern)
    if rel.urgency:
        conditions.append(f"{rel.urgency}")
    if rel.response_time:
        conditions.append(f"seen within {rel.response_time}")
    if rel.level:
        conditions.append(f"level {rel.level}")
    text = f"{verb} {model.name_of(rel.source)}"
    if conditions:
        text += " (" + "; ".join(conditions) + ")"
    if rel.note:
        text += f": {rel.note}"
    return f"{text} [{evidence(rel)}]"


T = TypeVar("T")


@dataclass(slots=True)
class ExportReport:
    """What a standard could not hold, so that nothing is lost silently.

    ``held`` and ``not_held`` map a topic to lines; :meth:`markdown` renders both.
    ``facts`` are the :func:`model_facts` the standard cannot hold (the round-trip tests check
    that exactly these are missing after export, import and load).
    """

    standard: str
    held: dict[str, list[str]] = field(default_factory=dict)
    not_held: dict[str, list[str]] = field(default_factory=dict)
    facts: set[tuple] = field(default_factory=set)

    def hold(self, topic: str, lines: Iterable[str]) -> None:
        self.held.setdefault(topic, []).extend(lines)

    def lose(self, topic: str, lines: Iterable[str], facts: Iterable[tuple] = ()) -> None:
        lines = list(lines)
        if lines:
            self.not_held.setdefault(topic, []).extend(lines)
        self.facts.update(facts)

    @property
    def lost(self) -> int:
        """How many facts the standard could not hold."""
        return sum(len(v) for v in self.not_held.values())

    def markdown(self) -> str:
        """The report as Markdown (without control characters from the data)."""
        out = [f"# What {self.standard} holds of this carepath data", ""]
        out += ["## Held", ""]
        for topic, lines in self.held.items():
            out.append(f"- **{topic}**: " + "; ".join(lines))
        out += ["", f"## Not held by {self.standard} ({self.lost} facts)", ""]
        if not self.not_held:
            out.append("Nothing: every fact has a place in the standard.")
        for topic, lines in self.not_held.items():
            out += [f"### {topic} ({len(lines)})", ""]
            out += [f"- {line}" for line in lines]
            out.append("")
        return clean_text("\n".join(out).rstrip() + "\n")


# -- the facts of a model, and what the directory standards hold of them ------------------------

def _criterion_conditions(crit) -> tuple | None:
    if not (crit.windows or crit.concerns or crit.severities or crit.parent_age_below is not None
            or crit.parent_age_from is not None):
        return None
    return (tuple((w.start, w.end) for w in crit.windows), frozenset(crit.concerns),
            frozenset(crit.severities), crit.parent_age_below, crit.parent_age_from)


def relation_fact(rel: Relation) -> tuple:
    """A relation as a fact: kind, ends and every condition (not its id or provenance)."""
    return ("relation", rel.kind.value, rel.source, rel.target, tuple(rel.stage_texts),
            frozenset(rel.concerns), frozenset(rel.severities), rel.urgency, rel.response_time,
            rel.level, rel.note)


def service_facts(svc: Service) -> Iterable[tuple]:
    """A service's facts (not its provenance)."""
    sid = svc.id
    for name in ("name", "area", "tier", "tier_note", "level", "need_min", "need_max",
                 "need_note", "notes"):
        value = getattr(svc, name)
        if value is not None:
            yield ("service", sid, name, value)
    if svc.aliases:
        yield ("service", sid, "aliases", tuple(svc.aliases))
    if svc.part_of is not None:
        yield ("service", sid, "part_of", svc.part_of)
    for name, value in scalar_extras(svc).items():
        yield ("service", sid, name, value)
    yield from (fact for fact, _ in unheld_service_facts(svc))
    if svc.stage_texts:
        yield ("service", sid, "stage_texts", tuple(svc.stage_texts))
    for need in svc.addresses:
        yield ("service-concern", sid, need.concern, frozenset(need.severities))
    for concern in svc.not_addressed:
        yield ("service-not-addressed", sid, concern)
    for prof in svc.professions:
        yield ("service-profession", sid, prof)
    for intervention in svc.interventions:
        yield ("service-intervention", sid, intervention)
    for crit in svc.eligibility:
        yield ("criterion", sid, crit.type, crit.text)
        conditions = _criterion_conditions(crit)
        if conditions is not None:
            yield ("criterion-conditions", sid, crit.type, crit.text, *conditions)
    for resp in svc.response_times:
        yield ("response-time", sid, resp.urgency, resp.within)


def scalar_extras(svc: Service) -> dict[str, str]:
    """The service's self-referral status, hours, window kind (when its stage texts are where
    a pathway sees it, not a stated window) and validity dates, as the data files' keys and
    plain values: what HSDS attributes and FHIR extensions carry beside the rest.

    >>> from carepath import load_reference
    >>> scalar_extras(load_reference().services["p05-midwifery"])
    {'window_kind': 'seen-at'}
    """
    out = {"self_referral": svc.self_referral, "hours": svc.hours,
           "window_kind": None if svc.window_kind == "stated" else svc.window_kind,
           "valid_from": svc.valid_from, "valid_to": svc.valid_to}
    return {k: v for k, v in out.items() if v is not None}


def scalar_record(name: str, value: str) -> dict[str, Any]:
    """One of :func:`scalar_extras` as the data files write it.

    >>> scalar_record("self_referral", "yes"), scalar_record("window_kind", "seen-at")
    ({'self_referral': {'status': 'yes'}}, {'window_kind': 'seen-at'})
    """
    wrapped = {"self_referral": "status", "hours": "text"}
    return {name: {wrapped[name]: value} if name in wrapped else value}


def unheld_service_facts(svc: Service) -> Iterable[tuple[tuple, str]]:
    """The service's facts neither directory standard holds, each with a line for the
    report: its conditions and commitments, that its concerns or criteria lists are
    complete, that it discusses families beyond its windows, and whom a criterion sends
    excluded families to."""
    sid = svc.id
    for cond in svc.conditions:
        yield ("service-condition", sid, cond.text, cond.births_over, cond.births_at_most,
               tuple(cond.governs)), f"{sid}: condition {cond.text[:60]!r}"
    for com in svc.commitments:
        yield ("service-commitment", sid, com.text), f"{sid}: commitment {com.text[:60]!r}"
    for name in ("addresses_closed", "criteria_closed", "by_discussion"):
        if getattr(svc, name) is not None:
            yield ("service-flag", sid, name), f"{sid}: {name.replace('_', ' ')}"
    for crit in svc.eligibility:
        if crit.discuss_with:
            yield (("criterion-discuss-with", sid, crit.text, tuple(crit.discuss_with)),
                   f"{sid}: whom the criterion {crit.text[:40]!r} sends excluded families to")


def model_facts(model: Model) -> set[tuple]:
    """Everything the model states, as comparable facts; provenance (source documents, lines,
    passages) and ids of relations left out. Two models with the same facts say the same.

    >>> from carepath import load_reference
    >>> facts = model_facts(load_reference())
    >>> ("service", "dorset-pmmhs", "tier", "specialist-perinatal") in facts
    True
    """
    facts: set[tuple] = set()
    for area in model.areas.values():
        facts.add(("area", area.id, area.name, area.country))
        if area.births_per_year is not None:
            facts.add(("area-births", area.id, area.births_per_year))
    for svc in model.services.values():
        facts.update(service_facts(svc))
    facts.update(relation_fact(rel) for rel in model.relations)
    facts.update(("overlap", tuple(o.services), o.note) for o in model.overlaps)
    facts.update(pathway_fact(c) for c in model.pathway)
    return facts


def route_record(rel: Relation) -> dict[str, Any]:
    """An access route as carepath's relation record (the data files' keys), without its
    target and provenance: what HSDS attributes and FHIR extensions carry.

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> rel = next(r for r in m.relations if r.source == "gp" and r.target == "dorset-pmmhs")
    >>> sorted(route_record(rel))
    ['from', 'kind', 'note']
    """
    record: dict[str, Any] = {"kind": rel.kind.value, "from": rel.source}
    if rel.stage_texts:
        record["stages"] = list(rel.stage_texts)
    if rel.concerns:
        record["concerns"] = sorted(rel.concerns)
    if rel.severities:
        record["severity"] = sorted(rel.severities)
    for key in ("urgency", "response_time", "level", "note"):
        value = getattr(rel, key)
        if value is not None:
            record[key] = value
    return record


def is_route(model: Model, rel: Relation) -> bool:
    """Whether a relation is an access route into a service (what the directories hold)."""
    return rel.kind in ACCESS_KINDS and rel.target in model.services


def relation_record(rel: Relation) -> dict[str, Any]:
    """Any relation as carepath's relation record, with both ends (``from`` and ``to``) and
    without provenance: what HSDS ``relation`` attributes and FHIR ``relation`` extensions
    carry for relations that are not access routes into a service.

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> rel = next(r for r in m.relations if r.kind.value == "trains")
    >>> sorted(relation_record(rel))[:3]
    ['from', 'kind', 'note']
    """
    return {**route_record(rel), "to": rel.target}


def holder_of(model: Model, rel: Relation) -> str | None:
    """The service whose record carries a relation in HSDS and FHIR: the service a route
    leads into; for any other relation its source if that is a service, else its target if
    that is one; None when neither end is a service (then the relation is listed as lost).

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> rel = next(r for r in m.relations if r.source == "gp" and r.target == "dorset-pmmhs")
    >>> holder_of(m, rel)
    'dorset-pmmhs'
    """
    if is_route(model, rel):
        return rel.target
    if rel.source in model.services:
        return rel.source
    return rel.target if rel.target in model.services else None


def pathway_record(cell: PathwayCell) -> dict[str, Any]:
    """A pathway cell as carepath's pathway record (the data files' keys), without its
    service and provenance: what HSDS ``pathway-cell`` attributes carry.

    >>> from carepath import load_reference
    >>> pathway_record(load_reference().pathway[0])  # doctest: +NORMALIZE_WHITESPACE
    {'stage': 'Birth - 6 weeks', 'level': 'universal', 'heading': 'Death of baby',
     'rationale': 'At birth or soon after', 'actions': ['Support for existing family.']}
    """
    record: dict[str, Any] = {"stage": cell.stage_text}
    for key in ("level", "heading", "rationale"):
        value = getattr(cell, key)
        if value is not None:
            record[key] = value
    if cell.actions:
        record["actions"] = list(cell.actions)
    return record


def pathway_fact(cell: PathwayCell) -> tuple:
    """A pathway cell as a fact (not its window, which its stage text gives, nor its
    provenance)."""
    return ("pathway", cell.service, cell.stage_text, cell.level, cell.heading, cell.rationale,
            tuple(cell.actions))


def report_common_losses(model: Model, report: ExportReport) -> None:
    """Add what neither directory standard holds: relations with no service at either end,
    the structured conditions of criteria, areas' births, overlaps and the provenance of
    every fact.

    Access routes and every other relation of a service (advice, training, collaboration,
    referrals to professions), the services a service is part of, pathway cells,
    professions, interventions, population need, response times, concerns not addressed and
    tier notes are held (as HSDS attributes, FHIR characteristics, extensions and
    PlanDefinitions), so they are not listed.
    """
    for rel in model.relations:
        if holder_of(model, rel) is not None:
            continue
        report.lose(f"relations: {rel.kind.label}",
                    [f"{model.name_of(rel.source)} -> {model.name_of(rel.target)} "
                     f"(no service at either end to carry it) [{evidence(rel)}] {rel.id}"],
                    [relation_fact(rel)])
    for svc in model.services.values():
        for crit in svc.eligibility:
            conditions = _criterion_conditions(crit)
            if conditions is not None:
                report.lose("eligibility conditions",
                            [f"{svc.id}: the stage, concern or parent-age conditions of the "
                             f"{crit.type} criterion {crit.text[:60]!r} (its text is kept)"],
                            [("criterion-conditions", svc.id, crit.type, crit.text,
                              *conditions)])
    for svc in model.services.values():
        for fact, line in unheld_service_facts(svc):
            report.lose("service conditions, commitments and closed lists", [line], [fact])
    report.lose("area facts", [f"{a.id}: births per year {a.births_per_year}"
                               for a in model.areas.values() if a.births_per_year is not None],
                [("area-births", a.id, a.births_per_year) for a in model.areas.values()
                 if a.births_per_year is not None])
    provenance = sum(1 for _ in model.services) + len(model.relations)
    report.lose("provenance", [f"source documents, lines and passages of {provenance} services "
                               "and relations (every exported record names carepath as its "
                               "origin; the evidence stays in carepath)"])
    report.lose("deliberate overlaps", [f"{', '.join(o.services)}: {o.note}"
                                        for o in model.overlaps],
                [("overlap", tuple(o.services), o.note) for o in model.overlaps])


@dataclass(slots=True, frozen=True)
class Exported(Generic[T]):
    """What an export made (text, a document, a package, a path) and its report."""

    artifact: T
    report: ExportReport

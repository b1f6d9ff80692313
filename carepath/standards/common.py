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

from carepath.graph.model import Model, Relation, RelationKind, Service
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


def access_routes(model: Model, service: Service) -> list[Relation]:
    """Relations that bring a family into ``service`` (referrals, signposting, hand-overs)."""
    return [r for r in model.relations if r.target == service.id and r.kind in ACCESS_KINDS]


def routes_text(model: Model, service: Service) -> str | None:
    """The service's access routes as text, one line per relation (None if it has none)."""
    lines = [route_phrase(model, r) for r in access_routes(model, service)]
    return "\n".join(lines) or None


@dataclass(slots=True)
class ExportReport:
    """What a standard could not hold, so that nothing is lost silently.

    ``held`` and ``not_held`` map a topic to lines; :meth:`markdown` renders both.
    """

    standard: str
    held: dict[str, list[str]] = field(default_factory=dict)
    not_held: dict[str, list[str]] = field(default_factory=dict)

    def hold(self, topic: str, lines: Iterable[str]) -> None:
        self.held.setdefault(topic, []).extend(lines)

    def lose(self, topic: str, lines: Iterable[str]) -> None:
        lines = list(lines)
        if lines:
            self.not_held.setdefault(topic, []).extend(lines)

    @property
    def lost(self) -> int:
        """How many facts the standard could not hold."""
        return sum(len(v) for v in self.not_held.values())

    def markdown(self) -> str:
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
        return "\n".join(out).rstrip() + "\n"


def report_common_losses(model: Model, report: ExportReport, *,
                         relation_kinds_held: tuple[RelationKind, ...]) -> None:
    """Add what no directory standard holds: non-access relations, professions, interventions...

    Relations of ``relation_kinds_held`` whose target is a service are held as access routes;
    every other relation, and every service fact the standards have no field for, is listed.
    """
    for rel in model.relations:
        if rel.kind in relation_kinds_held and rel.target in model.services:
            continue
        why = ("its target is a profession" if rel.target in model.professions
               else f"{rel.kind.label} has no field")
        report.lose(f"relations: {rel.kind.label}",
                    [f"{model.name_of(rel.source)} -> {model.name_of(rel.target)} "
                     f"({why}) [{evidence(rel)}] {rel.id}"])
    for svc in model.services.values():
        lost = []
        if svc.professions:
            lost.append("staffed by " + ", ".join(svc.professions))
        if svc.interventions:
            lost.append("delivers " + ", ".join(svc.interventions))
        if svc.response_times:
            lost.append("response times " + ", ".join(f"{r.urgency} {r.within}"
                                                     for r in svc.response_times))
        if svc.need_min is not None or svc.need_max is not None:
            lost.append(f"population need {svc.need_min}-{svc.need_max}%")
        if svc.not_addressed:
            lost.append("does not address " + ", ".join(svc.not_addressed))
        if svc.tier_note:
            lost.append("tier note")
        for crit in svc.eligibility:
            structured = []
            if crit.parent_age_below is not None or crit.parent_age_from is not None:
                structured.append("parent ages")
            if crit.windows or crit.concerns or crit.severities:
                structured.append("stage/concern conditions")
            if structured:
                lost.append(f"{crit.type} criterion's {' and '.join(structured)} "
                            "(its text is kept)")
        if lost:
            report.lose("service facts without a field", [f"{svc.id}: " + "; ".join(lost)])
    provenance = sum(1 for _ in model.services) + len(model.relations)
    report.lose("provenance", [f"source documents, lines and passages of {provenance} services "
                               "and relations (every exported record names carepath as its "
                               "origin; the evidence stays in carepath)"])
    report.lose("deliberate overlaps", [f"{', '.join(o.services)}: {o.note}"
                                        for o in model.overlaps])
    report.lose("pathway cells", [f"{c.service} at {c.stage_text}"
                                  + (f" ({c.level})" if c.level else "")
                                  for c in model.pathway])
